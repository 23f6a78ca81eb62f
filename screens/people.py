"""The list of people at a meeting: quick add, attendance marks in one key each, edit and remove.

Used by the setup screen (invitees) and the attendance step. Type "name, role, agency" and Enter to
add, or ctrl+n for the person form (e-mail, how they take part, which part they attended); a line with
more commas than that opens the form with the line split as it would be, so nothing is split wrongly
without the chair seeing it. On the list, one key marks attendance (p present, a apologies, w written
contribution, s substitute, x absent, i invited), e marks an expert (G-23), f a family member; Enter
edits the person in the form.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label

from mapm_tui import capture
from mapm_tui.participants import PART_WORDS, taking_part_as
from mapm_tui.schema import SHORT_LIMIT
from mapm_tui.vocabulary import is_two_part

from .widgets import Col, Table

#: the list's columns: name and attendance are kept at every width (attendance never cut mid-word),
#: then agency, the flags and the role; the highlighted person's whole row shows under the list
COLUMNS = (
    Col("Name", most=26, whole=True),
    Col("Role", priority=4, least=14, most=28),
    Col("Agency", priority=3, least=10, most=26),
    Col("Attendance", most=32, whole=True, words=True),
    Col("", priority=2, most=24),  # "advocate, part 2 only"
)


ADD_HINT = "Add a person: name, role, agency - then Enter"


def _mark(key: str, status: str, show: bool = True) -> Binding:
    return Binding(key, f"mark('{status}')", capture.ATTENDANCE_LABELS[status], id=f"mark_{status}", show=show)


ADD_HINT = "Add a person: name, role, agency - then Enter  ·  ctrl+n: the form (e-mail, advocate, part attended)"


class PeoplePanel(Vertical):
    BINDINGS = [
        _mark("p", "present"),
        _mark("a", "apologies"),
        _mark("w", "written_contribution"),
        _mark("s", "substitute"),
        _mark("x", "absent", show=False),
        _mark("i", "invited", show=False),
        Binding("e", "toggle_flag('is_expert')", "Expert", id="toggle_expert"),
        Binding("f", "toggle_flag('is_family')", "Family", id="toggle_family", show=False),
        Binding("delete", "remove", "Remove", id="remove_person"),
        Binding("ctrl+n", "add_person", "Add with fields", id="add_person", priority=True),
    ]
    DEFAULT_CSS = """
    PeoplePanel { height: auto; }
    PeoplePanel #person-error { color: $error; height: auto; }
    PeoplePanel #people { height: auto; max-height: 20; margin-top: 1; }
    PeoplePanel .hint { color: $text-muted; }
    PeoplePanel .hint, PeoplePanel #person-error { width: 100%; }  /* wrap, not cut at the edge */
    """

    def __init__(self, live, **kwargs) -> None:
        super().__init__(**kwargs)
        self.live = live

    def compose(self) -> ComposeResult:
        yield Label(ADD_HINT, classes="hint", id="person-hint")
        yield Input(
            placeholder="Jo Bloggs, school nurse, Health",
            id="person-input",
            max_length=3 * SHORT_LIMIT,
            disabled=not self.live.editable,
        )
        yield Label("", id="person-error", markup=False)
        table = Table(id="people", columns=COLUMNS, cursor_type="row", zebra_stripes=True)
        yield table
        yield table.detail
        yield Label(
            "On the list: p present · a apologies · w written contribution · s substitute · x absent · "
            "i invited · e expert · f family · Enter edit (all fields) · Delete remove",
            classes="hint",
        )

    def on_mount(self) -> None:
        self.refresh_people()

    def refresh_people(self, keep: str | None = None, *, reveal: bool = False) -> None:
        rows = []
        subjects = self.live.meeting.get("subjects")
        two_part = is_two_part(self.live.meeting)  # a part means something only in a two-part meeting (G-08)
        for a in self.live.meeting.get("attendees", []):
            att = capture.ATTENDANCE_LABELS.get(a.get("attendance"), a.get("attendance", ""))
            if a.get("attendance") == "substitute" and a.get("substitute_for"):
                att += f" for {a['substitute_for']}"
            as_ = taking_part_as(a, subjects)
            flags = ", ".join(
                w
                for w, on_ in (
                    ("expert", a.get("is_expert")),
                    (as_, as_ in ("family", "advocate")),
                    (PART_WORDS.get(a.get("parts"), ""), two_part and a.get("parts")),
                )
                if on_
            )
            rows.append((a["id"], [a.get("name"), a.get("role"), a.get("agency"), att, flags]))
        self.query_one("#people", Table).set_rows(rows, keep, reveal=reveal)

    def _change(self, person_id: str, values: dict) -> bool:
        """Change a person from a key in the list; a refusal is said under the list (False)."""
        from mapm_tui.store import StoreError

        try:
            self.live.update_item("attendees", person_id, values)
        except StoreError as exc:
            from mapm_tui.store_errors import refusal_of_a_change

            self._error(f"Not changed. {refusal_of_a_change(exc)}")
            return False
        self._error("")
        return True

    def _error(self, text: str) -> None:
        self.query_one("#person-error", Label).update(text)

    @on(Input.Submitted, "#person-input")
    def _add(self, event: Input.Submitted) -> None:
        event.stop()
        person = capture.parse_person(event.value)
        if not person["name"]:
            self._error("Type at least a name, then Enter (role and agency after commas), or ctrl+n for the form.")
            return
        if event.value.count(",") > 2:  # which comma separates what is a guess: let the chair see it
            self._open_form(None, person, title="Check how the line was split, then Enter")
            return
        if self._store(None, person):
            event.input.value = ""

    def _store(self, person_id: str | None, values: dict) -> bool:
        """Add a person (person_id None) or change one; a refusal from the store is shown, not raised."""
        from mapm_tui.store import StoreError

        try:
            if person_id is not None:
                self.live.update_item("attendees", person_id, values)
                keep = person_id
            else:
                status = "present" if self.live.status == "in_progress" else "invited"
                values = {k: v for k, v in values.items() if v is not None}
                keep = self.live.add_item("attendees", {**values, "attendance": status})
        except StoreError as exc:
            self._error(str(exc))
            return False
        self._error("")
        self.refresh_people(keep, reveal=True)
        self._saved()
        return True

    def _open_form(self, person_id: str | None, person: dict, *, title: str) -> None:
        from .person_form import PersonForm

        def done(values: dict | None) -> None:
            if values is not None and self._store(person_id, values) and person_id is None:
                self.query_one("#person-input", Input).value = ""

        meeting = self.live.meeting
        form = PersonForm(person, title=title, subjects=meeting.get("subjects"), two_part=is_two_part(meeting))
        self.app.push_screen(form, done)

    def action_add_person(self) -> None:
        line = self.query_one("#person-input", Input).value
        self._open_form(None, capture.parse_person(line) if line.strip() else {}, title="Add a person")

    def _saved(self) -> None:
        show = getattr(self.screen, "show_save_state", None)
        if show:
            show()

    def _highlighted(self) -> str | None:
        table = self.query_one("#people", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("mark", "toggle_flag", "remove"):
            return self.query_one("#people", DataTable).has_focus and self.live.editable
        if action == "add_person":
            return self.live.editable
        return True

    def action_mark(self, status: str) -> None:
        person_id = self._highlighted()
        if person_id is None:
            return
        if status != "substitute":
            if not self._change(person_id, {"attendance": status, "substitute_for": None}):
                return
            self.refresh_people(person_id)
            self._saved()
            return
        from .dialogs import AskText

        person = self.live.attendee(person_id) or {}

        def done(name: str | None) -> None:
            if name and self._change(person_id, {"attendance": "substitute", "substitute_for": name}):
                self.refresh_people(person_id)
                self._saved()

        self.app.push_screen(
            AskText(
                f"{person.get('name', 'This person')} came in place of whom?",
                person.get("substitute_for") or "",
                "Name of the person who sent apologies",
            ),
            done,
        )

    def action_toggle_flag(self, flag: str) -> None:
        person_id = self._highlighted()
        if person_id is None:
            return
        person = self.live.attendee(person_id) or {}
        if not self._change(person_id, {flag: not person.get(flag)}):
            return
        self.refresh_people(person_id)
        self._saved()

    @on(DataTable.RowSelected, "#people")
    def _edit(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.live.editable:
            return
        person = self.live.attendee(str(event.row_key.value))
        if person is not None:
            self._open_form(person["id"], person, title=f"Editing {person.get('name')}")

    def action_remove(self) -> None:
        person_id = self._highlighted()
        if person_id is None:
            return
        person = self.live.attendee(person_id) or {}
        from .dialogs import Confirm

        def done(yes: bool | None) -> None:
            if not yes:
                return
            from mapm_tui.store import StoreError

            try:
                self.live.delete_item("attendees", person_id)
            except StoreError as exc:
                self._error(str(exc))
                return
            self.refresh_people()
            self._saved()

        self.app.push_screen(
            Confirm(f"Remove {person.get('name', 'this person')} from the meeting?", danger=True), done
        )
