"""The live meeting screen: header with clocks, the agenda on the left, one step in the centre.

Each step *kind* subclasses `StepScreen` and fills `compose_body`. Every key here is a function key,
an alt or ctrl chord, so letters typed into a field are always text.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label

from .widgets import AgendaSidebar, MeetingHeader, Prompt


class StepScreen(Screen):
    BINDINGS = [
        Binding("alt+right", "next_step", "Next step", id="next_step", priority=True),
        Binding("alt+left", "previous_step", "Previous step", id="previous_step", priority=True),
        Binding("f2", "focus_agenda", "Agenda", id="focus_agenda"),
        Binding("f3", "start_or_end", "Start/end meeting", id="start_or_end"),
        Binding("f4", "part_two", "Family joins", id="part_two"),
        Binding("f9", "review", "Review", id="review"),
        Binding("f10", "home", "Meetings", id="home"),
    ]

    DEFAULT_CSS = """
    StepScreen #main { height: 1fr; }
    StepScreen #step-body { padding: 1 2; }
    StepScreen #step-title { text-style: bold; color: $accent; }
    StepScreen .read-only-note { color: $warning; }
    """

    def __init__(self, step) -> None:
        super().__init__()
        self.step = step

    @property
    def live(self):
        return self.app.live

    def compose(self) -> ComposeResult:
        yield MeetingHeader()
        with Horizontal(id="main"):
            yield AgendaSidebar(self.live, self.step.key, id="agenda")
            with VerticalScroll(id="step-body"):
                number = self.live.step_index(self.step.key) + 1
                yield Label(f"{number}. {self.step.title}", id="step-title")
                if self.step.prompt:
                    yield Prompt(self.step.prompt, id="prompt")
                if not self.live.editable:
                    yield Label("This meeting is final and read-only. Reopen it from the review to change it.", classes="read-only-note")
                yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.refresh_header()
        self.show_save_state()
        self.set_interval(1.0, self.refresh_header, name="clock")

    def refresh_header(self) -> None:
        if self.app.live is None:
            return
        self.query_one(MeetingHeader).update_from(self.live, self.step)

    def show_save_state(self) -> None:
        self.query_one(MeetingHeader).show_save_state(self.app.last_saved, self.app.save_error)
        self.query_one(AgendaSidebar).refresh_ticks()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "part_two":
            attending = (self.live.meeting.get("family") or {}).get("attending")
            return attending == "part_two" and not self.live.part_two_started and self.live.status == "in_progress"
        if action == "start_or_end":
            return self.live.status in ("draft", "in_progress", "in_review")
        return True

    # -- navigation -------------------------------------------------------------------------------
    def _move(self, offset: int) -> None:
        index = self.live.step_index(self.step.key) + offset
        if 0 <= index < len(self.live.steps):
            self.app.goto_step(self.live.steps[index].key)
        elif index >= len(self.live.steps):
            self.notify("This is the last step. F3 ends the meeting.", timeout=3)

    def action_next_step(self) -> None:
        self._move(+1)

    def action_previous_step(self) -> None:
        self._move(-1)

    def action_focus_agenda(self) -> None:
        self.query_one(AgendaSidebar).focus()

    @on(AgendaSidebar.StepChosen)
    def _chosen(self, event: AgendaSidebar.StepChosen) -> None:
        if event.key != self.step.key:
            self.app.goto_step(event.key)

    def action_home(self) -> None:
        self.app.close_meeting()

    def action_review(self) -> None:
        self.app.open_review()

    def action_start_or_end(self) -> None:
        from .dialogs import Confirm

        status = self.live.status
        if status in ("draft", "in_review"):
            self.live.set_status("in_progress")
            self.live.enter_step(self.step.key)
            self.notify("The meeting has started: the clock is running." if status == "draft" else "The meeting has resumed.")
            self.refresh_header()
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.live.set_status("in_review")
                self.notify("The meeting has ended. It is now in review.")
                self.refresh_header()

        self.app.push_screen(Confirm("End the meeting now? It moves to review; you can resume it."), done)

    def action_part_two(self) -> None:
        self.live.mark_part_two()
        self.notify("Part two: the family has joined. New entries are marked as said with the family, and shared.")
        self.refresh_bindings()
