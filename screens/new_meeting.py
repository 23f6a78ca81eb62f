"""A new meeting: which agenda, which day, which case. Everything else is asked on the setup screen."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from mapm_tui import dates
from mapm_tui.schema import SHORT_LIMIT
from mapm_tui.store import StoreError

from .app_contract import ScreensApp
from .early_keys import EarlyKeysModal
from .widgets import chosen

#: the fields where Enter creates the meeting (the hint under the form says so); Enter in the date moves on
CREATES = ("new-case", "new-title-input")


class NewMeetingDialog(EarlyKeysModal, ModalScreen[str | None]):
    """Dismisses with the new meeting's id, or None when cancelled."""

    app = getters.app(ScreensApp)

    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#new-date"

    BINDINGS = [
        Binding("ctrl+s", "create", "Create", id="create_meeting", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel_new"),
    ]
    HELP = (
        "Choose the agenda your partnership uses, the day of the meeting (today, 20/11, next tue …) "
        "and the case reference. Enter in the date moves on; Enter in the case reference or the title, or "
        "ctrl+s, creates the meeting as a draft and opens its setup."
    )
    HELP_TITLE = "New meeting"
    DEFAULT_CSS = """
    NewMeetingDialog { align: center middle; }
    NewMeetingDialog > Vertical { width: 80; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    NewMeetingDialog #new-title { text-style: bold; color: $accent; }
    NewMeetingDialog .field-label { margin-top: 1; text-style: bold; }
    NewMeetingDialog #new-date-echo { color: $success; }
    NewMeetingDialog #new-error { color: $error; height: auto; }
    NewMeetingDialog #new-date-echo, NewMeetingDialog #new-error, NewMeetingDialog .field-help { width: 100%; }
    NewMeetingDialog Select { width: 60; }
    """

    def compose(self) -> ComposeResult:
        app = self.app
        templates = app.templates
        default = app.settings.default_template if app.settings.default_template in templates else next(iter(templates))
        with Vertical():
            yield Label("New meeting", id="new-title")
            yield Label("Agenda", classes="field-label")
            yield Select(
                # a partnership's template name is text, not markup ("[/]" in a name crashed this dialog)
                [(escape(t.name), key) for key, t in templates.items()],
                value=default,
                allow_blank=False,
                id="new-template",
            )
            yield Label("Date of the meeting", classes="field-label")
            yield Input("today", id="new-date", placeholder="today, 20/11, next tue")
            yield Label("", id="new-date-echo", markup=False)
            yield Label("Case reference", classes="field-label")
            yield Input(id="new-case", max_length=SHORT_LIMIT, placeholder="As your case system has it")
            yield Label("Title (optional)", classes="field-label")
            yield Input(
                id="new-title-input",
                max_length=SHORT_LIMIT,
                placeholder="e.g. Planning meeting for the Example children",
            )
            yield Label("", id="new-error", markup=False)
            yield Label(
                "Enter in the case reference or title (or ctrl+s) creates it · Escape cancels", classes="field-help"
            )

    def on_mount(self) -> None:
        self._echo()

    def _day(self):
        return dates.parse_date(self.query_one("#new-date", Input).value, self.app.clock.today(), prefer="future")

    def _echo(self) -> None:
        text = self.query_one("#new-date", Input).value
        self.query_one("#new-date-echo", Label).update(dates.describe(text, self.app.clock.today(), "future"))

    @on(Input.Changed, "#new-date")
    def _date_changed(self) -> None:
        self._echo()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in CREATES:
            self.action_create()
        else:
            self.focus_next()

    def action_create(self) -> None:
        error = self.query_one("#new-error", Label)
        try:
            day = self._day()
        except dates.DateError as exc:
            error.update(str(exc))
            self.query_one("#new-date", Input).focus()
            return
        template = self.app.templates[chosen(self.query_one("#new-template", Select))]
        fields = {}
        for wid, path in (("#new-case", "case_ref"), ("#new-title-input", "title")):
            value = self.query_one(wid, Input).value.strip()
            if value:
                fields[path] = value
        organisation = self.app.settings.organisation
        if organisation:
            fields["convening_agency"] = organisation
        try:
            meeting_id = self.app.opened_store.create_meeting(template, day, **fields)
        except StoreError as exc:  # a refusal from the store: say why, keep the form
            error.update(str(exc))
            return
        self.dismiss(meeting_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
