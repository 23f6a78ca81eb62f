"""Quick capture of strengths, needs, risks, information, voice of the child …

Type, Enter. The kind is chosen without leaving the field: alt+letter, or a typed prefix (`r: …`).
`@name` names who said it (part of a name, role or agency; it stays until changed). ctrl+o cycles
fact / opinion / unverified (G-11) and ctrl+f shares or withholds it from the family's copy.
In the list below, Enter edits an entry in place and Delete removes it (after a confirmation).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label

from mapm_tui import capture
from mapm_tui.schema import TEXT_LIMIT

from ..step_base import StepScreen
from ..widgets import Col, Table, show

#: the list's columns: what was said takes the room; who said it, then fact/opinion give way first on a
#: narrow terminal (the highlighted entry's whole row, who said it included, shows under the list)
COLUMNS = (
    Col("Kind", most=16, whole=True, words=True),
    Col("What was said", least=36),
    Col("From", priority=3, least=14, most=22),
    Col("Basis", priority=4, most=10),
    Col("Family", priority=2, most=10),
)


def _kind_binding(letter: str, kind: str, show: bool) -> Binding:
    return Binding(
        f"alt+{letter}",
        f"set_kind('{kind}')",
        capture.KIND_LABELS[kind],
        id=f"kind_{kind}",
        show=show,
        priority=True,
    )


class EntriesStep(StepScreen):
    PRIMARY = "#capture"
    HELP = (
        "Type what was said and press Enter. The kind (strength, need, risk, voice of the child …) is "
        "chosen without leaving the line: alt with its letter, or type its letter and a colon first "
        '("r: Dad drives after drinking"). @ and part of a name, role or agency says who said it; it stays '
        "until you change it. ctrl+o marks fact, opinion or unverified; ctrl+f whether the family's copy "
        "shows it. Tab moves to the list below: Enter edits an entry in place, Delete removes it."
    )
    BINDINGS = [
        *[
            _kind_binding(letter, kind, kind in ("strength", "need", "risk"))
            for letter, kind in capture.KIND_KEYS.items()
        ],
        Binding("ctrl+o", "cycle_basis", "Fact/opinion", id="cycle_basis", priority=True),
        Binding("ctrl+f", "toggle_share", "Share with family", id="toggle_share", priority=True),
        Binding("escape", "cancel_edit", "Cancel edit", id="cancel_edit", show=False),
        Binding("delete", "delete_entry", "Delete entry", id="delete_entry", show=False),
    ]
    DEFAULT_CSS = """
    EntriesStep #capture-row { height: auto; }
    EntriesStep #capture-kind { text-style: bold; color: $accent; height: 1; width: 1fr; }
    EntriesStep #capture-meta { color: $text-muted; height: 1; width: 1fr; }
    EntriesStep #capture-error { color: $error; height: auto; }
    EntriesStep #entries { height: auto; max-height: 24; margin-top: 1; }
    """

    def __init__(self, step) -> None:
        super().__init__(step)
        self.kind = step.entry_kinds[0] if step.entry_kinds else "information"
        self.basis: str | None = None
        self.share: bool | None = None  # None: the default for the moment (design.md)
        self.source_id: str | None = None
        self.editing: str | None = None

    @property
    def draft_key(self) -> str:
        return f"capture:{self.step.key}"

    def compose_body(self) -> ComposeResult:
        yield Label("", id="capture-kind")
        yield Input(
            self.live.draft(self.draft_key),
            placeholder="Type, Enter.  r: risk  n: need  s: strength …  @name: who said it",
            id="capture",
            max_length=TEXT_LIMIT,
            disabled=not self.live.editable,
        )
        yield Label("", id="capture-meta")
        yield Label("", id="capture-error")
        table = Table(id="entries", columns=COLUMNS, cursor_type="row", zebra_stripes=True)
        yield table
        yield table.detail

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_entries()
        self.refresh_meta()
        self.query_one("#capture", Input).focus()

    # -- display ----------------------------------------------------------------------------------
    def refresh_step(self) -> None:
        self.refresh_entries()
        self.refresh_meta()

    def refresh_meta(self) -> None:
        label = capture.kind_label(self.kind, self.live.subject_kind)
        typed_kind, _ = capture.parse_quick(self.query_one("#capture", Input).value)
        if typed_kind:
            label = capture.kind_label(typed_kind, self.live.subject_kind)
        prefix = "Editing" if self.editing else "New"
        show(self.query_one("#capture-kind", Label), f"{prefix}: {label}", layout=False)
        source = self.live.attendee(self.source_id)
        share = self.share if self.share is not None else self.live.entry_defaults(self.step).share_with_family
        # whether the family will see it, and fact or opinion, first: a long name and role is what gets
        # cut at the edge of the line, not those
        bits = [
            "Shared with family" if share else "Not shared with family",
            capture.BASIS_LABELS[self.basis] if self.basis else "Fact/opinion: —",
            f"From: {capture.person_label(source) if source else 'not named (@name)'}",
        ]
        show(self.query_one("#capture-meta", Label), "   ·   ".join(bits), layout=False)

    def refresh_entries(self) -> None:
        rows = []
        for entry in self.live.entries_in_step(self.step):
            source = self.live.attendee(entry.get("source_attendee_id"))
            who = (source or {}).get("name") or entry.get("source_agency") or ""
            rows.append(
                (
                    entry["id"],
                    [
                        capture.kind_label(entry["kind"], self.live.subject_kind),
                        entry["text"],
                        who,
                        capture.BASIS_LABELS.get(entry.get("basis"), ""),
                        "Shared" if entry.get("share_with_family") else "Not shared",
                    ],
                )
            )
        self.query_one("#entries", Table).set_rows(rows)

    # -- typing -----------------------------------------------------------------------------------
    @on(Input.Changed, "#capture")
    def _typed(self, event: Input.Changed) -> None:
        if not self.editing:
            self.live.set_draft(self.draft_key, event.value)
        self._pick_source(event.value)
        self.refresh_meta()

    def _pick_source(self, text: str) -> None:
        if "@" not in text:
            return
        query = text.rsplit("@", 1)[1].strip()
        if query:
            found = capture.match_people(query, self.live.meeting.get("attendees", []), limit=1)
            if found:
                self.source_id = found[0]["id"]

    @on(Input.Submitted, "#capture")
    def _submitted(self, event: Input.Submitted) -> None:
        raw = event.value
        if "@" in raw:
            raw = raw.rsplit("@", 1)[0]
        kind, text = capture.parse_quick(raw)
        kind = kind or self.kind
        error = self.query_one("#capture-error", Label)
        if not text:
            error.update("Type what was said, then Enter." if not self.editing else "")
            return
        values = {"source_attendee_id": self.source_id, "basis": self.basis}
        source = self.live.attendee(self.source_id)
        if source and source.get("agency"):
            values["source_agency"] = source["agency"]
        if self.share is not None:
            values["share_with_family"] = self.share
        try:
            if self.editing:
                self.live.update_entry(self.editing, {"kind": kind, "text": text, **values})
                self.notify("Entry changed.", timeout=2)
            else:
                self.live.add_entry(self.step, kind, text, **{k: v for k, v in values.items() if v is not None})
                self.live.clear_draft(self.draft_key)
        except Exception as exc:  # a refusal from the store: keep the text, say why
            error.update(str(exc))
            return
        error.update("")
        self.editing = None
        self.share = None
        self.basis = None
        event.input.value = ""
        self.refresh_entries()
        self.refresh_meta()
        self.show_save_state()

    # -- keys -------------------------------------------------------------------------------------
    def action_set_kind(self, kind: str) -> None:
        self.kind = kind
        field = self.query_one("#capture", Input)
        typed_kind, rest = capture.parse_quick(field.value)
        if typed_kind:  # a typed prefix gives way to the key just pressed
            field.value = rest
        self.refresh_meta()

    def _highlighted(self) -> str | None:
        table = self.query_one("#entries", DataTable)
        if not table.has_focus or table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_cycle_basis(self) -> None:
        entry_id = self._highlighted()
        if entry_id:
            entry = self.live.entry(entry_id)
            self.live.update_entry(entry_id, {"basis": capture.next_basis(entry.get("basis"))})
            self._keep_cursor(entry_id)
            return
        self.basis = capture.next_basis(self.basis)
        self.refresh_meta()

    def action_toggle_share(self) -> None:
        entry_id = self._highlighted()
        if entry_id:
            entry = self.live.entry(entry_id)
            self.live.update_entry(entry_id, {"share_with_family": not entry.get("share_with_family")})
            self._keep_cursor(entry_id)
            return
        current = self.share if self.share is not None else self.live.entry_defaults(self.step).share_with_family
        self.share = not current
        self.refresh_meta()

    def _keep_cursor(self, entry_id: str) -> None:
        table = self.query_one("#entries", DataTable)
        self.refresh_entries()
        table.move_cursor(row=table.get_row_index(entry_id))
        self.show_save_state()

    @on(DataTable.RowSelected, "#entries")
    def _edit(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.live.editable:
            return
        entry = self.live.entry(str(event.row_key.value))
        if entry is None:
            return
        self.editing = entry["id"]
        self.kind = entry["kind"]
        self.basis = entry.get("basis")
        self.share = entry.get("share_with_family")
        self.source_id = entry.get("source_attendee_id")
        field = self.query_one("#capture", Input)
        field.value = entry["text"]
        field.focus()
        self.refresh_meta()

    def action_cancel_edit(self) -> None:
        if self.editing:
            self.editing = None
            field = self.query_one("#capture", Input)
            field.value = self.live.draft(self.draft_key)
            self.refresh_meta()

    def action_delete_entry(self) -> None:
        entry_id = self._highlighted()
        if not entry_id or not self.live.editable:
            return
        entry = self.live.entry(entry_id)
        from ..dialogs import Confirm

        def done(yes: bool | None) -> None:
            if yes:
                self.live.delete_entry(entry_id)
                self.refresh_entries()
                self.show_save_state()

        short = entry["text"] if len(entry["text"]) < 60 else entry["text"][:59] + "…"
        self.app.push_screen(Confirm(f"Delete this entry?\n\n{short}", danger=True), done)
