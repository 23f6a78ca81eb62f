"""The action form: what, who, by when, how we will know, and which needs or risks it addresses.

The SMART findings of `rules.check_action` show beside each field as it is typed (G-31, G-32). ctrl+s
saves, gaps and all (they show in the review and block finalising until fixed or overridden). What is
typed is kept as a draft while the form is open, so a crash or an Escape loses nothing.
"""

from __future__ import annotations

import json

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, TextArea

from mapm_tui import capture, dates
from mapm_tui.schema import SHORT_LIMIT, TEXT_LIMIT
from mapm_tui.store import StoreError
from mapm_tui.vocabulary import ACTION_STATUS_LABELS

from .early_keys import EarlyKeysModal
from .widgets import KeyBar, TickBox, TickList, text_field

#: an action's progress, as the choice list shows it (label, status)
PROGRESS = tuple((label, status) for status, label in ACTION_STATUS_LABELS.items())
FIELDS = ("description", "owner", "due_date", "success_measure", "addresses")


class ActionForm(EarlyKeysModal, ModalScreen[str | None]):
    """Add (action_id None) or change one action. Dismisses with the action's id when saved."""

    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#a-description"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save action", id="save_action", priority=True),
        Binding("escape", "close", "Close (kept as draft)", id="close_action"),
    ]
    HELP = (
        "Type the action; the hints beside each field say what would make it SMART (G-31): specific "
        'wording (not "monitor" or "continue to support"), a named owner, a due date on or after '
        "today and before the next review, a measure of success, and the needs or risks it addresses. "
        "Owner: type part of a name or agency from the attendance list; anyone else is kept as typed. "
        "Due: 20/11, next tue, in 2 weeks, +10d. Tab moves between fields; Space ticks an entry it addresses "
        "(needs and risks first, then what it builds on). ctrl+s saves even with gaps: they are listed in the review."
    )
    HELP_TITLE = "Action form"
    DEFAULT_CSS = """
    ActionForm { align: center middle; }
    ActionForm > Vertical {
        width: 110;
        max-width: 98%;
        height: 95%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ActionForm #action-title { text-style: bold; color: $accent; }
    ActionForm #action-summary { height: auto; margin-bottom: 1; }
    ActionForm #action-summary.ok { color: $success; }
    ActionForm #action-summary.gaps { color: $warning; }
    ActionForm #action-summary.blocks { color: $error; }
    ActionForm .field-label { text-style: bold; margin-top: 1; }
    ActionForm .echo { color: $text-muted; height: auto; }
    ActionForm .hint { height: auto; width: 100%; }
    ActionForm .echo { width: 100%; }
    ActionForm .hint.block { color: $error; }
    ActionForm .hint.warn { color: $warning; }
    ActionForm #a-description { height: 4; }
    ActionForm #a-success_measure { height: 3; }
    ActionForm #a-addresses { height: auto; max-height: 8; }
    ActionForm Input.short { width: 44; }
    ActionForm Input, ActionForm TextArea { background: $panel; }
    ActionForm Input:focus, ActionForm TextArea:focus { background: $panel-lighten-1; }
    ActionForm .row { height: auto; }
    ActionForm .row > Vertical { height: auto; width: 1fr; }
    ActionForm #action-keys { color: $text-muted; dock: bottom; }
    """

    def __init__(self, live, action_id: str | None = None) -> None:
        super().__init__()
        self.live = live
        self.action_id = action_id
        existing = (
            next((a for a in live.meeting.get("actions", []) if a["id"] == action_id), None) if action_id else None
        )
        self.original = dict(existing or {})
        self.number = (
            [a["id"] for a in live.meeting.get("actions", [])].index(action_id) + 1
            if existing
            else len(live.meeting.get("actions", [])) + 1
        )
        self.restored = False
        values = self._from_action(self.original)
        saved = live.draft(self.draft_key)
        if saved:
            try:
                values.update(json.loads(saved))
                self.restored = True
            except ValueError:
                pass
        self.values = values

    @property
    def draft_key(self) -> str:
        return f"action:{self.action_id or 'new'}"

    def _from_action(self, a: dict) -> dict:
        owner = self.live.attendee(a.get("owner_attendee_id"))
        due = dates.parse_iso(a["due_date"]) if a.get("due_date") else None
        return {
            "description": a.get("description", ""),
            "owner": (owner or {}).get("name") or a.get("owner_name") or "",
            "agency": a.get("agency") or "",
            "due": dates.format_date(due) if due else "",
            "success_measure": a.get("success_measure", ""),
            "addresses": list(a.get("addresses") or []),
            "share": a.get("share_with_family", True),
            "status": a.get("status", "open"),
            "progress_note": a.get("progress_note", ""),
        }

    # -- layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        v = self.values
        read_only = not self.live.editable
        title = f"Action {self.number}" + ("" if self.action_id else " (new)")
        with Vertical():
            yield Label(title, id="action-title")
            yield Label("", id="action-summary", markup=False)
            with VerticalScroll():
                yield Label(
                    'What will be done? (specific: not "monitor" or "continue to support")', classes="field-label"
                )
                yield _text_area(v["description"], "a-description", read_only)
                yield Label("", id="hint-description", classes="hint", markup=False)
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Who? (type part of a name or agency)", classes="field-label")
                        yield _short_input(v["owner"], "a-owner", read_only)
                        yield Label("", id="echo-owner", classes="echo", markup=False)
                    with Vertical():
                        yield Label("Agency", classes="field-label")
                        yield _short_input(v["agency"], "a-agency", read_only)
                yield Label("", id="hint-owner", classes="hint", markup=False)
                yield Label("By when? (20/11, next tue, in 2 weeks)", classes="field-label")
                yield Input(v["due"], id="a-due", classes="short", disabled=read_only, compact=True)
                yield Label("", id="echo-due", classes="echo", markup=False)
                yield Label("", id="hint-due_date", classes="hint", markup=False)
                yield Label("How will we know it has been done, or has worked?", classes="field-label")
                yield _text_area(v["success_measure"], "a-success_measure", read_only)
                yield Label("", id="hint-success_measure", classes="hint", markup=False)
                yield Label(
                    "Which needs or risks does it address, or what does it build on? (Space ticks)",
                    classes="field-label",
                )
                yield TickList[str](*self._address_options(), id="a-addresses", disabled=read_only, compact=True)
                yield Label("", id="hint-addresses", classes="hint", markup=False)
                yield TickBox(
                    "Share with the family (in their copy of the minutes)",
                    v["share"],
                    id="a-share",
                    disabled=read_only,
                    compact=True,
                )
                if self.original.get("carried_from_action_id") or self.values["status"] != "open":
                    yield Label("Progress since the last meeting (G-34)", classes="field-label")
                    yield Select(
                        PROGRESS, value=v["status"], id="a-status", allow_blank=False, disabled=read_only, compact=True
                    )
                    yield Input(
                        v["progress_note"],
                        id="a-progress",
                        placeholder="What happened",
                        max_length=TEXT_LIMIT,
                        disabled=read_only,
                        compact=True,
                    )
            yield Label(
                "ctrl+s save (gaps allowed)  ·  Escape close (kept as a draft)  ·  Tab next field  ·  F1 help",
                id="action-keys",
            )
        yield KeyBar()

    def _address_options(self):
        """Every entry of the meeting: an action meets a need or reduces a risk (those first), and may
        build on a strength or on something already tried (G-31)."""
        chosen = set(self.values["addresses"])
        entries = self.live.meeting.get("entries", [])
        first = [e for e in entries if e["kind"] in ("need", "risk")]
        rest = [e for e in entries if e["kind"] not in ("need", "risk")]
        out = []
        for e in first + rest:
            text = e["text"] if len(e["text"]) <= 80 else e["text"][:79] + "…"
            label = capture.kind_label(e["kind"], self.live.words) + ": " + text
            out.append((label, e["id"], e["id"] in chosen))
        return out

    def on_mount(self) -> None:
        self._echo_owner()
        self._echo_due()
        self.refresh_findings()
        if self.restored:
            self.notify("Restored the action you were typing.", timeout=3)

    # -- reading the form -------------------------------------------------------------------------
    def _due_iso(self) -> tuple[str | None, str]:
        text = self.query_one("#a-due", Input).value.strip()
        if not text:
            return None, ""
        try:
            day = dates.parse_date(text, self.live.today(), prefer="future")
        except dates.DateError as exc:
            return None, str(exc)
        return day.isoformat(), f"→ {dates.format_date(day)}"

    def action_dict(self) -> dict:
        """The action as typed, shaped like a bundle action (for the rules and for saving)."""
        owner = capture.resolve_owner(self.query_one("#a-owner", Input).value, self.live.meeting.get("attendees", []))
        agency = self.query_one("#a-agency", Input).value.strip()
        if not agency and owner.get("owner_attendee_id"):
            agency = (self.live.attendee(owner["owner_attendee_id"]) or {}).get("agency") or ""
        due, _ = self._due_iso()
        action = {
            "id": self.action_id or "new",
            "description": self.query_one("#a-description", TextArea).text.strip(),
            "owner_attendee_id": owner.get("owner_attendee_id"),
            "owner_name": owner.get("owner_name"),
            "agency": agency or None,
            "due_date": due,
            "success_measure": self.query_one("#a-success_measure", TextArea).text.strip(),
            "addresses": list(self.query_one("#a-addresses", SelectionList).selected),
            "share_with_family": self.query_one("#a-share", Checkbox).value,
        }
        if self.query("#a-status"):
            action["status"] = self.query_one("#a-status", Select).value
            action["progress_note"] = self.query_one("#a-progress", Input).value.strip()
        else:
            action["status"] = self.original.get("status", "open")
        return action

    def _form_values(self) -> dict:
        values = {
            "description": self.query_one("#a-description", TextArea).text,
            "owner": self.query_one("#a-owner", Input).value,
            "agency": self.query_one("#a-agency", Input).value,
            "due": self.query_one("#a-due", Input).value,
            "success_measure": self.query_one("#a-success_measure", TextArea).text,
            "addresses": list(self.query_one("#a-addresses", SelectionList).selected),
            "share": self.query_one("#a-share", Checkbox).value,
        }
        if self.query("#a-status"):
            values["status"] = self.query_one("#a-status", Select).value
            values["progress_note"] = self.query_one("#a-progress", Input).value
        return values

    # -- reacting ---------------------------------------------------------------------------------
    def _echo_owner(self) -> None:
        typed = self.query_one("#a-owner", Input).value
        owner = capture.resolve_owner(typed, self.live.meeting.get("attendees", []))
        echo = self.query_one("#echo-owner", Label)
        if owner.get("owner_attendee_id"):
            person = self.live.attendee(owner["owner_attendee_id"]) or {}
            att = capture.ATTENDANCE_LABELS.get(person.get("attendance") or "", "")
            echo.update(f"→ {capture.person_label(person)}" + (f", {att.lower()}" if att else ""))
        elif owner.get("owner_name"):
            echo.update("→ not in the attendance list: kept as typed")
        else:
            echo.update("")

    def _echo_due(self) -> None:
        _, text = self._due_iso()
        self.query_one("#echo-due", Label).update(text)

    def refresh_findings(self) -> list:
        findings = self.live.action_findings(self.action_dict(), self.number)
        for field in FIELDS:
            hint = self.query_one(f"#hint-{field}", Label)
            mine = [f for f in findings if f.field == field]
            hint.update("\n".join(("✗ " if f.blocks else "! ") + f.message + f" ({f.rule})" for f in mine))
            hint.set_class(any(f.blocks for f in mine), "block")
            hint.set_class(bool(mine) and not any(f.blocks for f in mine), "warn")
        blocks = [f for f in findings if f.blocks]
        summary = self.query_one("#action-summary", Label)
        for c in ("ok", "gaps", "blocks"):
            summary.remove_class(c)
        if not findings:
            summary.update("✓ SMART: nothing missing.")
            summary.add_class("ok")
        elif blocks:
            summary.update(
                f"Not SMART yet: {len(blocks)} gap{'s' if len(blocks) != 1 else ''} would block finalising, "
                f"{len(findings) - len(blocks)} warning{'s' if len(findings) - len(blocks) != 1 else ''}."
            )
            summary.add_class("blocks")
        else:
            summary.update(
                f"Nearly SMART: {len(findings)} warning{'s' if len(findings) != 1 else ''} (saving is fine)."
            )
            summary.add_class("gaps")
        return findings

    def _changed(self) -> None:
        if not self.live.editable:
            return
        values = self._form_values()
        if values != self._from_action(self.original) or self.live.draft(self.draft_key):
            self.live.set_draft(self.draft_key, json.dumps(values, ensure_ascii=False))
        self.refresh_findings()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "a-owner":
            self._echo_owner()
        elif event.input.id == "a-due":
            self._echo_due()
        self._changed()

    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _other_changed(self, _event) -> None:
        self._changed()

    def on_descendant_blur(self, _event) -> None:
        self.live.autosaver.flush()

    # -- keys -------------------------------------------------------------------------------------
    def action_save(self) -> None:
        if not self.live.editable:
            self.dismiss(None)
            return
        _, due_text = self._due_iso()
        if self.query_one("#a-due", Input).value.strip() and due_text and not due_text.startswith("→"):
            self.notify(f"The due date is not clear: {due_text}", severity="error", timeout=6, markup=False)
            self.query_one("#a-due", Input).focus()
            return
        action = self.action_dict()
        if not action["description"]:
            self.notify("Type what will be done before saving.", severity="error", timeout=4)
            self.query_one("#a-description", TextArea).focus()
            return
        findings = self.live.action_findings(action, self.number)
        values = {k: v for k, v in action.items() if k != "id"}
        try:
            if self.action_id:
                saved_id = self.action_id
                self.live.update_item("actions", self.action_id, values)
            else:
                saved_id = self.live.add_item("actions", {k: v for k, v in values.items() if v not in (None, "", [])})
        except StoreError as exc:  # a refusal from the store: keep everything, say why
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        self.live.clear_draft(self.draft_key)
        blocks = sum(1 for f in findings if f.blocks)
        if findings:
            self.notify(
                f"Action {self.number} saved with {len(findings)} gap{'s' if len(findings) != 1 else ''}"
                + (f" ({blocks} blocking)" if blocks else "")
                + ": they show in the review.",
                severity="warning",
                timeout=4,
            )
        else:
            self.notify(f"Action {self.number} saved: SMART.", timeout=3)
        self.dismiss(saved_id)

    def action_close(self) -> None:
        self.live.autosaver.flush()
        if self.live.draft(self.draft_key):
            self.notify("What you typed is kept as a draft: open the action again to finish it.", timeout=4)
        self.dismiss(None)


def _text_area(text: str, widget_id: str, read_only: bool) -> TextArea:
    """A wrapped text field of the form, without line numbers."""
    return text_field(text, widget_id, read_only=read_only, compact=True)


def _short_input(value: str, widget_id: str, read_only: bool) -> Input:
    """A one-line field of the form for a name or an agency."""
    return Input(value, id=widget_id, classes="short", max_length=SHORT_LIMIT, disabled=read_only, compact=True)
