"""One agenda step's body: its title, prompt and fields, shown in the centre of the meeting screen.

Each step *kind* subclasses `StepBody` and fills `compose_body`. The meeting screen (meeting.py) holds the
header, the agenda and the key bar, and shows one body at a time; a body is built the first time its step
is shown and kept (hidden) while the meeting is open, so going back to a step only shows it again.

Keys a kind adds (`BINDINGS`) belong to its body. Its chords (priority bindings: alt+r, ctrl+n …) work
anywhere on the meeting screen, the agenda included (MeetingScreen._binding_chain), as the screen's keys
(next step, F3 …) do; its other keys (Delete, Escape) act on what has the focus in the step, so only there.
Every chord here is a function key, an alt or ctrl chord, so letters typed into a field are always text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, getters
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, TextArea

from .app_contract import ScreensApp
from .widgets import Prompt

if TYPE_CHECKING:
    from .meeting import MeetingScreen


class StepBody(VerticalScroll):
    app = getters.app(ScreensApp)

    DEFAULT_CSS = """
    StepBody { padding: 1 2; height: 1fr; }
    StepBody #step-title { text-style: bold; color: $accent; }
    StepBody .read-only-note { color: $warning; width: 100%; }
    """

    #: the field that takes what the chair types on arriving at the step (None: the first text field)
    PRIMARY: str | None = None
    #: what F1 says this step is for
    HELP = ""
    #: the actions of this step's keys that change the meeting: left out of the key bar, and not run, while
    #: the meeting cannot be changed here (final, or read-only in this window)
    EDITS: frozenset[str] = frozenset()

    def __init__(self, step) -> None:
        super().__init__(classes="step-body")
        self.step = step
        #: the meeting's version when this body last drew it (None: not yet drawn)
        self.drawn_version: int | None = None
        #: the widget of this body that had the focus when the chair last left the step
        self.last_focused: Widget | None = None

    @property
    def live(self):
        return self.app.live

    def compose(self) -> ComposeResult:
        number = self.live.step_index(self.step.key) + 1
        yield Label(f"{number}. {self.step.title}", id="step-title", markup=False)
        if self.step.prompt:
            yield Prompt(self.live.words.fill(self.step.prompt), id="prompt")
        if not self.live.editable:
            yield Label(self._read_only_note(), classes="read-only-note", markup=False)
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def _read_only_note(self) -> str:
        """Why this step cannot be changed: final, or read-only in this window for another reason (the
        meeting held by another window, a read-only file), which is not the meeting's status."""
        if self.live.status == "final":
            return "This meeting is final and read-only. Reopen it from the review to change it."
        return f"Read-only in this window: {self.live.read_only}"

    @property
    def meeting_screen(self) -> MeetingScreen:
        """The meeting screen this body is shown on (bodies live on no other)."""
        from .meeting import MeetingScreen  # (meeting.py imports this module)

        screen = self.screen
        if not isinstance(screen, MeetingScreen):
            raise TypeError(f"a step's body is on {type(screen).__name__}, not on the meeting screen")
        return screen

    def on_mount(self) -> None:
        # (a kind's own on_mount runs too, first: Textual calls every class's handler, the subclass's first)
        self.drawn_version = self.live.version
        screen = self.meeting_screen
        screen.body_built(self)
        screen.call_after_refresh(screen.type_early_keys)  # keys typed while this body was being built
        self.call_after_refresh(self._show_focused)

    def _show_focused(self) -> None:
        """Scroll the field the step focused on arriving into view, now that the body has its size
        (Textual tries when the focus is given, before a body just built has been laid out)."""
        screen = self.screen
        focused = screen.focused
        if focused is not None and self in focused.ancestors and not screen.can_view_entire(focused):
            screen.scroll_to_center(focused, origin_visible=True)
        self._wrap_text_areas()

    def _wrap_text_areas(self) -> None:
        """Wrap each text area at its width, now that the body has been laid out. A text area wraps its text
        when it handles a Resize; in Textual 8.2.8 the first one can arrive before the area has a place on
        the screen (the body scrolling to the focused field as it is first shown), and the area then keeps
        its text on one line, cut at the right edge, until the terminal is resized (seen about one time in
        ten on the disagreement step). It is sent the Resize again, at its size."""
        for area in self.query(TextArea):
            if area.soft_wrap and area.size:
                area.post_message(events.Resize(area.size, area.virtual_size, area.container_size))

    # -- what the meeting screen asks of a body ---------------------------------------------------
    def refresh_step(self) -> None:
        """Bring what the step shows up to date with the meeting (it may have changed elsewhere)."""

    def shown_again(self) -> None:
        """The step is on show again: redraw what changed in the meeting since it was last shown."""
        if self.drawn_version != self.live.version:
            self.refresh_step()
            self.drawn_version = self.live.version

    def left(self) -> None:
        """The chair went to another step, or to the review (not a dialog over this step)."""

    def check_action(self, action: str, parameters) -> bool | None:
        live = self.app.live
        return action not in self.EDITS or (live is not None and live.editable)

    def first_focus(self) -> Widget | None:
        """What has the focus when the step is first shown (by default its text field)."""
        return self.primary_field()

    def primary_field(self):
        if self.PRIMARY:
            found = self.query(self.PRIMARY)
            return found.first() if found else None
        return next((w for w in self.query("Input, TextArea") if w.focusable), None)

    def focus_on_return(self) -> Widget | None:
        """The widget to focus when the step is shown again: where the chair left it, else its field."""
        last = self.last_focused
        if last is not None and last.is_attached and last.focusable:
            return last
        return self.primary_field()

    def focusable_or_first(self, widget: Widget | None) -> Widget | None:
        """`widget` if it can take the focus, else the body's first widget that can (in a read-only window
        the step's field is disabled; its list can still be read with the keys), else None. Never a widget
        outside the body: the agenda gets the focus only when the chair asks (F2)."""
        if widget is not None and widget.focusable:
            return widget
        return next((w for w in self.query("*") if w.focusable), None)

    def show_save_state(self) -> None:
        self.meeting_screen.show_save_state()

    def save_state_changed(self) -> None:
        """Something was saved, or failed to be, while this step is on show (entries taken earlier may
        have been written from the queue meanwhile: the entries step redraws them)."""
