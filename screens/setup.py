"""Setting up the meeting (before it starts): what kind of meeting, why now, who authorised it, who it
is about, whether the family knows and comes, and who is invited (G-01 to G-09).

F3 starts the meeting (refused while G-02 needs a reason); alt+right goes to the agenda without starting,
to record what was known beforehand.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, SelectionList

from mapm_tui import capture, dates, rules
from mapm_tui.schema import SHORT_LIMIT
from mapm_tui.store import StoreError
from mapm_tui.subject_words import SUBJECT_KIND_LABELS, is_adult
from mapm_tui.vocabulary import MEETING_REASONS, OTHER_PROCEDURES

from .app_contract import ScreensApp
from .form import FieldForm, FieldSpec, person_specs, worded
from .people import PeoplePanel
from .widgets import KeyBar, Table, TickList, not_done

MEETING_TYPES = (
    ("Planning meeting", "planning"),
    ("Resolving a professional disagreement", "professional_disagreement"),
    ("Other", "other"),
)
OTHER_PROCEDURE = tuple(
    (text[0].upper() + text[1:].replace("an ", "", 1).replace("a ", "", 1), key)
    for key, text in OTHER_PROCEDURES.items()
)


def _family(name: str, value) -> Callable[[dict], bool]:
    return lambda m: (m.get("family") or {}).get(name) is value


MEETING = [
    FieldSpec("meeting_type", "Type of meeting (G-01)", "choice", MEETING_TYPES),
    FieldSpec(
        "other_procedure",
        "Is it really one of these? (G-02)",
        "choice",
        OTHER_PROCEDURE,
        help=(
            "Leave as 'Not recorded' for a professionals' meeting. A professionals' meeting must not stand "
            "in for these."
        ),
    ),
    FieldSpec(
        "other_procedure_reason",
        "Why go on with a professionals' meeting anyway?",
        "text",
        show_if=lambda m: bool(m.get("other_procedure")),
    ),
    FieldSpec("date", "Date", "date", required=True),
    FieldSpec("start_time", "Start time", "time"),
    FieldSpec("venue", "Venue"),
    FieldSpec("case_ref", "Case reference"),
    FieldSpec("title", "Title"),
    FieldSpec("convening_agency", "Convening agency"),
    *person_specs("chair", "Chair"),
    *person_specs("minute_taker", "Minute-taker"),
]
AUTHORISED = [
    FieldSpec("reasons_detail", "More about why now", "text"),
    *person_specs(
        "authorised_by",
        "Who authorised the meeting? (G-04)",
        help="The designated safeguarding lead and/or line manager.",
    ),
]
#: the family questions; {carers} and {family} are filled in by `subject_words` for this meeting
FAMILY = [
    FieldSpec("family.informed_beforehand", "Were {carers} told about the meeting beforehand? (G-06)", "yesno"),
    FieldSpec("family.not_informed_reason", "Why not?", "text", show_if=_family("informed_beforehand", False)),
    FieldSpec(
        "family.agencies_agreed_not_to_inform",
        "Did the invited agencies agree not to tell them?",
        "yesno",
        show_if=_family("informed_beforehand", False),
    ),
    FieldSpec("family.objected", "Did {family} object to the meeting?", "yesno"),
    FieldSpec(
        "family.objection_response",
        "What was done about the objection?",
        "text",
        help="Consider whether a strategy discussion is needed instead.",
        show_if=_family("objected", True),
    ),
    FieldSpec(
        "family.attending",
        "Does {family} attend? (G-07, G-08)",
        "choice",
        (
            ("No", "no"),
            ("The second part only: a two-part meeting, professionals only first", "part_two"),
            ("The whole meeting", "whole"),
        ),
        help="Change it here if the meeting did not go as planned: the minutes' parts follow this answer.",
    ),
    FieldSpec(
        "family.not_attending_rationale",
        "Why is {family} not there throughout?",
        "text",
        help="Record it each time: a past exclusion is not a reason.",
        show_if=lambda m: (m.get("family") or {}).get("attending") in ("no", "part_two"),
    ),
]


#: G-05: who the meeting may be about, by `subject_words` kind
SUBJECTS_WORDS = {
    "child": "the child(ren)",
    "adult": "the adult(s) at risk",
    "both": "the child(ren) or adult(s) at risk",
}


class SetupScreen(Screen):
    app = getters.app(ScreensApp)

    BINDINGS = [
        Binding("f3", "start", "Start meeting", id="start_meeting"),
        Binding("alt+right", "agenda", "Agenda (not started)", id="to_agenda", priority=True),
        Binding("f9", "review", "Review", id="review", show=False),
        Binding("f10", "home", "Meetings", id="home"),
    ]
    HELP = (
        "Fill in what you know before the meeting; everything is saved as you type. Tab moves between "
        "fields; Enter opens a choice. F3 starts the meeting and its clock. alt+right opens the agenda "
        "without starting it, to record the strengths, needs and risks known beforehand."
    )
    HELP_TITLE = "Setting up the meeting"
    DEFAULT_CSS = """
    SetupScreen #setup-head { height: 1; background: $panel; padding: 0 1; }
    SetupScreen #setup-head Label { width: auto; margin-right: 3; }
    SetupScreen #save-state { dock: right; color: $text-muted; }
    SetupScreen #setup-body { padding: 0 2; }
    SetupScreen .section {
        text-style: bold;
        color: $accent;
        margin-top: 1;
        border-bottom: solid $panel-lighten-2;
        width: 100%;
    }
    SetupScreen #save-state.error { color: $error; text-style: bold reverse; }
    SetupScreen #held-by {
        background: $error 20%; color: $text; padding: 0 1; margin-top: 1; height: auto; width: 100%;
    }
    SetupScreen #g02 { background: $warning 20%; color: $text; padding: 0 1; margin-top: 1; height: auto; width: 100%; }
    SetupScreen #reasons-trap { width: 100%; }
    SetupScreen #reasons { height: auto; max-height: 12; }
    SetupScreen #reasons-trap { color: $text-muted; }
    SetupScreen #subjects { height: auto; max-height: 8; }
    SetupScreen #subject-error { color: $error; height: auto; }
    SetupScreen .hint { color: $text-muted; }
    """

    @property
    def live(self):
        return self.app.live

    def compose(self) -> ComposeResult:
        m = self.live.meeting
        with Horizontal(id="setup-head"):
            yield Label(f"[b]{escape(m.get('case_ref') or m['id'])}[/b]")
            yield Label("Setting up the meeting (draft)" if self.live.status == "draft" else "Meeting set-up")
            yield Label(self.live.template.name, id="setup-template", markup=False)
            yield Label("", id="save-state")
        with VerticalScroll(id="setup-body"):
            # why nothing here can be changed (another window or a checkout holds the meeting: who and since
            # when), for as long as the screen is up, not only in a message that goes
            held = Label(self.live.read_only or "", id="held-by", markup=False)
            held.display = bool(self.live.read_only)
            yield held
            yield Label("The meeting", classes="section")
            yield FieldForm(MEETING, self.live, id="form-meeting")
            yield Label("", id="g02", markup=False)
            yield Label("Why now? (G-03)", classes="section")
            yield Label(
                "'Worried about our relationship with the family' is not a reason on its own.",
                id="reasons-trap",
            )
            chosen = set(m.get("reasons") or [])
            yield TickList[str](
                *[(text, key, key in chosen) for key, text in MEETING_REASONS.items()],
                id="reasons",
                disabled=not self.live.editable,
            )
            yield FieldForm(AUTHORISED, self.live, id="form-authorised")
            words = self.live.words
            yield Label(self._subjects_title(words), classes="section", id="subjects-title")
            yield Input(
                placeholder="Name, date of birth (and 'adult' for an adult at risk) - then Enter",
                id="subject-input",
                max_length=2 * SHORT_LIMIT,
                disabled=not self.live.editable,
            )
            yield Label("", id="subject-error", markup=False)
            yield Table(id="subjects", cursor_type="row")
            yield Label("Delete removes the highlighted person from this list.", classes="hint")
            yield Label(self._family_title(words), classes="section", id="family-title")
            yield FieldForm(worded(FAMILY, words), self.live, id="form-family")
            yield Label("Invitees", classes="section")
            yield PeoplePanel(self.live, id="people-panel")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#subjects", DataTable)
        table.add_columns("Name", "Kind", "Date of birth")
        self.refresh_subjects()
        self.refresh_g02()
        self.show_save_state()
        self.query_one("#f-meeting_type").focus()

    def show_save_state(self) -> None:
        label = self.query_one("#save-state", Label)
        label.set_class(bool(self.app.save_error or self.live.read_only), "error")
        if self.live.read_only:  # nothing here is saved, so never "Saved" (as the meeting's own header)
            label.update("READ-ONLY")
        elif self.app.save_error:
            label.update("NOT SAVED - see message")
        elif self.app.last_saved:
            label.update(f"Saved {self.app.last_saved}")

    # -- G-02 ---------------------------------------------------------------------------------------
    def refresh_g02(self) -> None:
        warning = rules.other_procedure_warning(self.live.meeting)
        box = self.query_one("#g02", Label)
        box.display = bool(warning)
        box.update(f"! {warning}" if warning else "")

    def on_field_form_saved(self, event: FieldForm.Saved) -> None:
        if event.path in ("other_procedure", "other_procedure_reason"):
            self.refresh_g02()

    # -- reasons ------------------------------------------------------------------------------------
    @on(SelectionList.SelectedChanged, "#reasons")
    def _reasons(self, event: SelectionList.SelectedChanged) -> None:
        chosen = [key for key in MEETING_REASONS if key in event.selection_list.selected]
        self.live.set_field("reasons", chosen or None, now=True)

    # -- subjects -----------------------------------------------------------------------------------
    def refresh_subjects(self) -> None:
        table = self.query_one("#subjects", DataTable)
        table.clear()
        for n, s in enumerate(self.live.meeting.get("subjects", []), start=1):
            dob = dates.parse_iso(s.get("date_of_birth"))
            today = self.live.today()
            if dob and dob > today:  # imported so: said, not an age (age_on refuses it)
                age = " (after today: check the date of birth)"
            else:
                age = f" (age {dates.age_on(dob, today)})" if dob else ""
            kind = SUBJECT_KIND_LABELS["adult_at_risk" if is_adult(s.get("kind")) else "child"]
            table.add_row(s.get("name", ""), kind, (dates.format_date(dob) + age) if dob else "—", key=str(n))

    @on(Input.Submitted, "#subject-input")
    def _add_subject(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#subject-error", Label)
        default = self.live.words.subject_kind
        try:
            subject = capture.parse_subject(event.value, self.live.today(), default)
        except dates.DateError as exc:
            error.update(str(exc))
            return
        if not subject.get("name"):
            error.update("Type a name (and a date of birth after a comma), then Enter.")
            return
        try:
            self.live.add_item("subjects", subject)
        except StoreError as exc:
            error.update(str(exc))
            return
        error.update("")
        event.input.value = ""
        self.refresh_subjects()
        self.show_save_state()
        self.run_worker(self._reword(), exclusive=True, group="reword")

    # -- words that follow the subjects ---------------------------------------------------------------
    @staticmethod
    def _subjects_title(words) -> str:
        return f"Who is the meeting about? (G-05: {SUBJECTS_WORDS[words.kind]})"

    @staticmethod
    def _family_title(words) -> str:
        return "The family" if words.kind == "child" else words.cap("{carers}")

    async def _reword(self) -> None:
        """The subjects changed: the family questions follow (an adult's meeting asks no parents)."""
        words = self.live.words
        self.query_one("#subjects-title", Label).update(self._subjects_title(words))
        self.query_one("#family-title", Label).update(self._family_title(words))
        form = self.query_one("#form-family", FieldForm)
        specs = worded(FAMILY, words)
        if specs != form.specs:
            form.specs = specs
            await form.recompose()
            form.update_visibility()

    def on_key(self, event) -> None:
        table = self.query_one("#subjects", DataTable)
        if event.key == "delete" and table.has_focus and table.row_count and self.live.editable:
            event.stop()
            position = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            try:
                self.live.delete_item("subjects", position)
            except StoreError as exc:
                not_done(self, "Not removed", exc)
                return
            self.refresh_subjects()
            self.run_worker(self._reword(), exclusive=True, group="reword")

    # -- leaving ------------------------------------------------------------------------------------
    def action_start(self) -> None:
        self.live.flush()
        refusals = rules.start_refusals(self.live.meeting)
        if refusals:
            self.notify(refusals[0].message + f" ({refusals[0].rule})", severity="error", timeout=8)
            self.query_one("#f-other_procedure_reason").focus()
            return
        if self.live.status == "draft":
            try:
                self.live.set_status("in_progress")
            except StoreError as exc:
                not_done(self, "The meeting was not started", exc)
                return
            self.notify("The meeting has started: the clock is running.")
        self.app.goto_step(self.live.steps[0].key)

    def action_agenda(self) -> None:
        self.live.flush()
        self.app.goto_step(self.live.steps[0].key)

    def action_home(self) -> None:
        self.app.close_meeting()

    def action_review(self) -> None:
        self.app.open_review()

    def on_descendant_blur(self, _event) -> None:
        self.live.autosaver.flush()
