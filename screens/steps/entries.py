"""Quick capture of strengths, needs, risks, information, voice of the child …

Type, Enter. The kind is chosen without leaving the field: alt+letter, or a typed prefix (`r: …`).
`@name` at the end of the line names who said it (a person, or an agency alone); only an unambiguous
trailing mention does, and the line under the field says what it picked before Enter (an e-mail address
or a price is ordinary text). ctrl+r clears "From". ctrl+o cycles fact / opinion / unverified (G-11) and
ctrl+f shares or withholds it from the family's copy. In the list below, Enter edits an entry in place
and Delete removes it (after a confirmation).

Each entry starts afresh: the step's first kind, no source, no fact/opinion, the default sharing. What
the chair chose for one entry (alt+r, "r:", @name) is for that entry only, and leaving the step forgets
what was chosen for the entry not yet entered (its text is kept as a draft).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label

from mapm_tui import capture
from mapm_tui.schema import TEXT_LIMIT
from mapm_tui.store_errors import StoreError

from ..step_base import StepBody
from ..widgets import Col, Table, not_done, show

#: the capture line's hint: each letter with its colon, quoted ("r: risk" unquoted was read as "r, then a
#: space", and typed so; a lower-case letter and a space now chooses the kind too: capture.parse_quick)
PLACEHOLDER = 'Type, Enter.  "r:" risk  "n:" need  "s:" strength …  @name at the end: who said it'

#: how an entry waiting to be saved is marked in the list: words before what was said (they read without
#: colour). Not a column of its own: at 120 columns one more column pushed "From" out of the table, and
#: who said it matters most while entries wait
NOT_SAVED = "[NOT SAVED] "

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


class EntriesStep(StepBody):
    PRIMARY = "#capture"
    HELP = (
        "Type what was said and press Enter. The kind (strength, need, risk, voice of the child …) is "
        "chosen without leaving the line: alt with its letter, or type its letter and a colon first "
        '("r: Dad drives after drinking"; a lower-case letter and a space works too, "r Dad drives …", except '
        '"i", which is the word I); the line above the field shows the kind it read before you press Enter, '
        "and either is for this entry only. To say who said it, end the line "
        "with @ and part of a name or agency (@Community Health Trust is the agency itself); the line under "
        "the field shows who it picked before you press Enter, and ctrl+r clears it. An @ inside the text "
        "(an e-mail address, a price) is kept as text. Each new entry starts with no one named. ctrl+o marks "
        "fact, opinion or unverified; ctrl+f whether the family's copy shows it. Tab moves to the list below: "
        "Enter edits an entry in place, Delete removes it. Enter always takes the entry: when the database "
        "cannot save it (a server down, a full disk), it is listed marked NOT SAVED, kept, and saved in order "
        "as soon as the database takes it; until then it can be changed or deleted like any other."
    )
    BINDINGS = [
        *[
            _kind_binding(letter, kind, kind in ("strength", "need", "risk"))
            for letter, kind in capture.KIND_KEYS.items()
        ],
        Binding("ctrl+o", "cycle_basis", "Fact/opinion", id="cycle_basis", priority=True),
        # after fact/opinion in the key bar at 80 columns: the line under the field says "ctrl+r clears" whenever
        # someone is picked, so the key is in sight when it is needed
        Binding("ctrl+r", "clear_source", "Clear From", id="clear_source", priority=True),
        Binding("ctrl+f", "toggle_share", "Share with family", id="toggle_share", priority=True),
        Binding("escape", "cancel_edit", "Cancel edit", id="cancel_edit", show=False),
        Binding("delete", "delete_entry", "Delete entry", id="delete_entry", show=False),
    ]
    EDITS = frozenset({"set_kind", "cycle_basis", "clear_source", "toggle_share", "cancel_edit", "delete_entry"})
    #: the capture line and the lines about it: not shown where the meeting cannot be changed
    CAPTURE = ("#capture-kind", "#capture", "#capture-meta", "#capture-from")
    DEFAULT_CSS = """
    EntriesStep #capture-row { height: auto; }
    EntriesStep #capture-kind { text-style: bold; color: $accent; height: 1; width: 1fr; }
    EntriesStep #capture-meta { color: $text-muted; height: auto; width: 1fr; }
    EntriesStep #capture-from { height: auto; width: 1fr; }
    EntriesStep #capture-error { color: $error; height: auto; width: 1fr; display: none; }
    EntriesStep #capture-waiting { color: $error; text-style: bold; height: auto; width: 1fr; margin-top: 1; }
    EntriesStep #entries { height: 1fr; min-height: 5; margin-top: 1; }
    """

    def __init__(self, step) -> None:
        super().__init__(step)
        #: the kind each new entry starts with (alt+letter or a typed prefix change it for one entry)
        self.default_kind = step.entry_kinds[0] if step.entry_kinds else "information"
        self.kind = self.default_kind
        self.basis: str | None = None
        self.share: bool | None = None  # None: the default for the moment (design.md)
        #: the source of the entry being edited (a trailing @mention on the line takes its place)
        self.picked: capture.Source | None = None
        #: where the @ is of a trailing mention the chair said is text, not a source (ctrl+r)
        self.literal_at: int | None = None
        self.editing: str | None = None
        #: the ids of this step's entries marked NOT SAVED when the list was last drawn
        self._drawn_waiting: list[str] | None = None

    @property
    def draft_key(self) -> str:
        return f"capture:{self.step.key}"

    def compose_body(self) -> ComposeResult:
        yield Label("", id="capture-kind")
        yield Input(
            self.live.draft(self.draft_key),
            placeholder=PLACEHOLDER,
            id="capture",
            max_length=TEXT_LIMIT,
            disabled=not self.live.editable,
            # a draft or an entry being edited comes back focused: selected, the next key replaced it all
            select_on_focus=False,
        )
        yield Label("", id="capture-meta", markup=False)  # names as typed or imported: "[/]" is text
        yield Label("", id="capture-from", markup=False)
        yield Label("", id="capture-error", markup=False)
        yield Label("", id="capture-waiting", markup=False)
        table = Table(id="entries", columns=COLUMNS, cursor_type="row", zebra_stripes=True)
        yield table
        yield table.detail

    def on_mount(self) -> None:
        # (StepBody.on_mount runs too: Textual calls each class's handler)
        self.refresh_step()

    # -- display ----------------------------------------------------------------------------------
    def refresh_step(self) -> None:
        editable = self.live.editable  # (a meeting held by another window becomes read-only here)
        for selector in self.CAPTURE:
            self.query_one(selector).display = editable
        self.refresh_entries()
        self.refresh_meta()

    def refresh_meta(self) -> None:
        value = self.query_one("#capture", Input).value
        mention = self._mention(value)
        kind_text = mention.text_before(value) if mention and mention.source else value
        typed_kind, rest = capture.parse_quick(kind_text)
        prefix = "Editing" if self.editing else "New"
        if typed_kind:
            head = kind_text.strip()[: len(kind_text.strip()) - len(rest)].strip()  # "r:" or "r"
            label = f"{capture.kind_label(typed_kind, self.live.words)} (typed “{head}”, not stored)"
        else:
            label = capture.kind_label(self.kind, self.live.words)
            if self.kind != self.default_kind and not self.editing:
                label += " (this entry only)"
        show(self.query_one("#capture-kind", Label), f"{prefix}: {label}", layout=False)
        share = self.share if self.share is not None else self.live.entry_defaults(self.step).share_with_family
        bits = [
            "Shared with family" if share else "Not shared with family",
            capture.BASIS_LABELS[self.basis] if self.basis else "Fact/opinion: —",
        ]
        show(self.query_one("#capture-meta", Label), "   ·   ".join(bits))  # (wraps at 80 columns)
        # (a layout only when the words change: the line may wrap to two at 80 columns)
        show(self.query_one("#capture-from", Label), self._from_text(mention))

    def _from_text(self, mention: capture.Mention | None) -> str:
        """Who the entry will be recorded as said by, and why: shown before Enter."""
        if mention is not None and mention.source is not None:
            return f"From: {mention.source.label}   (@{mention.query}: not stored in the text; ctrl+r undoes)"
        if mention is not None and mention.candidates:
            names = ", ".join(c.label for c in mention.candidates[:3])
            more = "…" if len(mention.candidates) > 3 else ""
            return f"From: not named yet. @{mention.query} could be {names}{more}: type more, or ctrl+r for text"
        if self.picked is not None:
            return f"From: {self.picked.label}   (ctrl+r clears)"
        if mention is not None:
            return f"From: not named   (@{mention.query} names nobody here: kept as text)"
        return "From: not named   (end the line with @ and part of a name or agency)"

    def _mention(self, value: str) -> capture.Mention | None:
        mention = capture.trailing_mention(value, self.live.meeting.get("attendees", []))
        if mention is not None and mention.start == self.literal_at:
            return None
        return mention

    def refresh_entries(self, taken: str | None = None) -> None:
        """Draw the step's entries; `taken`: an entry just taken or changed, on which the list's cursor is
        put (scrolled into view, and in full in the line under the list), so the chair sees it taken even
        when the list is longer than the screen."""
        rows = []
        waiting = []
        for entry in self.live.entries_in_step(self.step):
            source = self.live.attendee(entry.get("source_attendee_id"))
            who = (source or {}).get("name") or entry.get("source_agency") or ""
            if self.live.waiting(entry["id"]):
                waiting.append(entry["id"])
            rows.append(
                (
                    entry["id"],
                    [
                        capture.kind_label(entry["kind"], self.live.words),
                        (NOT_SAVED if self.live.waiting(entry["id"]) else "") + entry["text"],
                        who,
                        capture.BASIS_LABELS.get(entry.get("basis"), ""),
                        "Shared" if entry.get("share_with_family") else "Not shared",
                    ],
                )
            )
        self.query_one("#entries", Table).set_rows(rows, keep=taken)
        self._drawn_waiting = waiting
        self.refresh_waiting()

    def refresh_waiting(self) -> None:
        """The line under the list's heading: how many entries of the meeting wait to be saved, and why."""
        label = self.query_one("#capture-waiting", Label)
        count = self.live.entries_waiting
        label.display = bool(count)
        if count:
            refusal = self.live.refusal
            why = (
                f"{refusal} Change or delete the entry marked NOT SAVED to go on."
                if refusal
                else self.app.save_error or "the database has not taken them yet."
            )
            show(
                label,
                f"{count} entr{'y' if count == 1 else 'ies'} NOT SAVED yet, kept here and saved as soon as the "
                f"database takes {'it' if count == 1 else 'them'}: {why}",
            )

    def save_state_changed(self) -> None:
        """Entries taken earlier may have been written (or refused) since the list was drawn: redraw it."""
        waiting = [e["id"] for e in self.live.entries_in_step(self.step) if self.live.waiting(e["id"])]
        if waiting != self._drawn_waiting or self.drawn_version != self.live.version:
            self.refresh_entries()
            self.drawn_version = self.live.version
        else:
            self.refresh_waiting()

    # -- typing -----------------------------------------------------------------------------------
    @on(Input.Changed, "#capture")
    def _typed(self, event: Input.Changed) -> None:
        if not self.editing:
            self.live.set_draft(self.draft_key, event.value)
        if self.literal_at is not None and len(event.value) <= self.literal_at:
            self.literal_at = None  # that @ is gone
        self.refresh_meta()

    @on(Input.Submitted, "#capture")
    def _submitted(self, event: Input.Submitted) -> None:
        raw = event.value
        mention = self._mention(raw)
        if mention is not None and mention.candidates:
            self._say_error(
                f"@{mention.query} could be more than one person or agency: type more of the name, "
                "or ctrl+r to keep it as text."
            )
            return
        source = self.picked
        if mention is not None and mention.source is not None:
            source = mention.source
            raw = mention.text_before(raw)
        kind, text = capture.parse_quick(raw)
        kind = kind or self.kind
        if not text:
            self._say_error("Type what was said, then Enter." if not self.editing else "")
            return
        values = {**(source.values() if source else capture.NO_SOURCE), "basis": self.basis}
        if self.share is not None:
            values["share_with_family"] = self.share
        try:
            if self.editing:
                taken = self.editing
                waited = self.live.waiting(self.editing)
                self.live.update_entry(self.editing, {"kind": kind, "text": text, **values})
                self.notify(
                    "Entry changed (not saved yet: it waits with the others)."
                    if waited and self.live.waiting(self.editing)
                    else "Entry changed.",
                    timeout=3,
                )
            else:
                # always taken: written now, or kept (marked NOT SAVED) and written as soon as it can be
                taken = self.live.add_entry(self.step, kind, text, **{k: v for k, v in values.items() if v is not None})
                self.live.clear_draft(self.draft_key)
        except StoreError as exc:  # a refusal from the store (a saved entry's change): keep the text, say why
            self._say_error(str(exc))
            return
        self._say_error("")
        self._start_afresh()
        event.input.value = ""
        self.refresh_entries(taken=taken)
        self.refresh_meta()
        self.show_save_state()

    def _start_afresh(self) -> None:
        """What the next entry starts with: the step's kind, no source, the defaults (nothing sticks)."""
        self.editing = None
        self.kind = self.default_kind
        self.share = None
        self.basis = None
        self.picked = None
        self.literal_at = None

    def left(self) -> None:
        """Another step or the review: what was chosen for the entry not yet entered is forgotten."""
        if self.editing:
            return  # (an entry half-edited keeps its own kind and source)
        self._start_afresh()
        if self.app.live is not None and self.query("#capture"):
            self.refresh_meta()

    # -- keys -------------------------------------------------------------------------------------
    def _say_error(self, text: str) -> None:
        """The line under the field that says why Enter did not take the entry: no row at all when empty
        (at 80x24 an empty row pushed the step's title out of sight)."""
        label = self.query_one("#capture-error", Label)
        label.display = bool(text)
        show(label, text)

    def action_clear_source(self) -> None:
        """No one named for this entry: forget the picked source, and read a trailing @mention as text."""
        self.picked = None
        mention = self._mention(self.query_one("#capture", Input).value)
        if mention is not None:
            self.literal_at = mention.start
        self._say_error("")
        self.refresh_meta()

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
            try:
                self.live.update_entry(entry_id, {"basis": capture.next_basis(entry.get("basis"))})
            except StoreError as exc:
                not_done(self, "The entry was not changed", exc)
                return
            self._keep_cursor(entry_id)
            return
        self.basis = capture.next_basis(self.basis)
        self.refresh_meta()

    def action_toggle_share(self) -> None:
        entry_id = self._highlighted()
        if entry_id:
            entry = self.live.entry(entry_id)
            try:
                self.live.update_entry(entry_id, {"share_with_family": not entry.get("share_with_family")})
            except StoreError as exc:
                not_done(self, "The entry was not changed", exc)
                return
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
        self.picked = capture.source_of(entry, self.live.meeting.get("attendees", []))
        # an entry's own text is text: an @ at its end was kept as text when it was entered
        stored = capture.trailing_mention(entry["text"], self.live.meeting.get("attendees", []))
        self.literal_at = stored.start if stored else None
        field = self.query_one("#capture", Input)
        field.value = entry["text"]
        field.focus()
        self.refresh_meta()

    def action_cancel_edit(self) -> None:
        if self.editing:
            self._start_afresh()
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
                try:
                    self.live.delete_entry(entry_id)
                except StoreError as exc:
                    not_done(self, "The entry was not deleted", exc)
                    return
                self.refresh_entries()
                self.show_save_state()

        short = entry["text"] if len(entry["text"]) < 60 else entry["text"][:59] + "…"
        self.app.push_screen(Confirm(f"Delete this entry?\n\n{short}", danger=True), done)
