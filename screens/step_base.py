"""The live meeting screen: header with clocks, the agenda on the left, one step in the centre.

Each step *kind* subclasses `StepScreen` and fills `compose_body`. Every key here is a function key,
an alt or ctrl chord, so letters typed into a field are always text.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label

from mapm_tui.vocabulary import may_start_or_end, start_or_end_move

from .widgets import AgendaSidebar, KeyBar, MeetingHeader, Prompt

#: how an Enter kept among early keys is queued (a printable key's character is never a newline)
_ENTER = "\n"


class _EarlyKeysResume(Message):
    """Posted to a field after the submission an early Enter made, so that it reaches the step screen
    after that submission has been handled at every widget on the way (see StepScreen._flush_early)."""


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
    StepScreen .read-only-note { color: $warning; width: 100%; }
    """

    #: the field that takes what the chair types on arriving at the step (None: the first text field)
    PRIMARY: str | None = None
    #: each step focuses its own field on mount; letting Textual focus the agenda first costs a
    #: second focus change (and a footer rebuild) on every step change
    AUTO_FOCUS = None

    def __init__(self, step) -> None:
        super().__init__()
        self.step = step
        #: letters typed while the screen was still arriving (before any field had focus)
        self._early: list[str] = []
        #: the field an early Enter submitted, while the keys after that Enter wait for it to be handled
        self._early_submitted = None
        #: the meeting's version when this screen last drew it, and last ticked the agenda (None: never)
        self._drawn_version: int | None = None
        self._ticked_version: int | None = None
        #: what the styles depended on when this screen was last shown (see on_screen_resume)
        self._shown_style_key: tuple | None = None

    @property
    def live(self):
        return self.app.live

    def compose(self) -> ComposeResult:
        yield MeetingHeader()
        with Horizontal(id="main"):
            yield AgendaSidebar(self.live, self.step.key, id="agenda")
            with VerticalScroll(id="step-body"):
                number = self.live.step_index(self.step.key) + 1
                yield Label(f"{number}. {self.step.title}", id="step-title", markup=False)
                if self.step.prompt:
                    yield Prompt(self.live.words.fill(self.step.prompt), id="prompt")
                if not self.live.editable:
                    yield Label(self._read_only_note(), classes="read-only-note", markup=False)
                yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def _read_only_note(self) -> str:
        """Why this step cannot be changed: final, or read-only in this window for another reason (the
        meeting held by another window, a read-only file), which is not the meeting's status."""
        if self.live.status == "final":
            return "This meeting is final and read-only. Reopen it from the review to change it."
        return f"Read-only in this window: {self.live.read_only}"

    def on_mount(self) -> None:
        self._clock = self.set_interval(1.0, self.refresh_header, name="clock")
        self.call_after_refresh(self._flush_early)

    def on_screen_resume(self, event) -> None:
        """Shown (first time or again: step screens are kept while the meeting is open).

        Textual re-applies the whole stylesheet to every widget of a screen it shows again, in case the
        CSS changed while the screen was away. That makes each widget drop its rendered lines (the entries
        table re-renders every cell), and measured as four fifths of showing a kept step again. This
        handler runs before Screen's own, so when nothing the styles depend on has changed since this
        screen was last shown (the theme, the CSS, the terminal's focus and colours) it asks Textual not
        to (ScreenResume.refresh_styles); otherwise Textual refreshes them as usual."""
        key = self._style_key()
        if self._shown_style_key is not None and key == self._shown_style_key:
            event.refresh_styles = False
        self._shown_style_key = key
        self.call_after_refresh(self._resumed)

    def _style_key(self) -> tuple:
        """What a kept screen's styles depend on beyond its own widgets. `_css_update_count` is how Textual
        itself tells a screen that the CSS or the theme changed (Textual is pinned; a test changes the
        theme while a step is away and checks that the step shows it)."""
        app = self.app
        return (getattr(app, "_css_update_count", None), app.theme, app.app_focus, app.ansi_color, app.size)

    def _resumed(self) -> None:
        if self.app.live is None or not self.is_attached:
            return
        self.refresh_header()
        self.show_save_state()
        self.query_one(AgendaSidebar).show_current(self.step.key)
        if self._drawn_version != self.live.version:  # redraw only what changed since last shown
            self.refresh_step()
            self._drawn_version = self.live.version
        self._clock.resume()

    def on_screen_suspend(self) -> None:
        self._clock.pause()

    def refresh_step(self) -> None:
        """Bring what the step shows up to date with the meeting (it may have changed elsewhere)."""

    # -- never lose a key typed during a step change ------------------------------------------------
    def on_key(self, event) -> None:
        """A chair types straight after alt+right. Keys that arrive before the new step's field has focus
        are sent by Textual to the screen itself (not through the field), and would be dropped: keep them
        and put them into the step's field instead. A printable key can only reach the screen with a text
        field focused if it did not pass through that field (a field takes every printable key).

        Enter is kept too, in its place among them, when it follows keys still waiting here ("r: Dad
        drinks", Enter): the field then gets it as if pressed there (an Input submits, a TextArea takes a
        newline). An Enter with nothing waiting before it is left alone, as before: with a field focused it
        is an ordinary Enter on its way to the field's binding (it passes through the field, unlike a
        letter); kept with nothing before it, it would submit whatever the field already held, which the
        chair has not seen yet. No other key is kept (Tab, function keys, chords act as usual)."""
        from textual.widgets import Input, TextArea

        focused = self.focused
        if not (focused is None or isinstance(focused, (Input, TextArea, AgendaSidebar))):
            return
        if event.is_printable and event.character:
            key = event.character
        elif event.key == "enter" and (self._early or self._early_submitted is not None):
            key = _ENTER
        else:
            return
        event.stop()
        event.prevent_default()
        self._early.append(key)
        self.call_after_refresh(self._flush_early)

    def primary_field(self):

        if self.PRIMARY:
            found = self.query(self.PRIMARY)
            return found.first() if found else None
        return next((w for w in self.query("Input, TextArea") if w.focusable), None)

    async def _flush_early(self) -> None:
        """Type the kept keys into the field. For an Input, only up to the first Enter: that submits it
        (the Input's own `action_submit`, as the Enter key does), and the keys after it wait until the
        step has handled the submission (it clears the field), signalled by `_EarlyKeysResume` following
        the submission up the same path."""
        if not self._early:
            return
        waiting = self._early_submitted
        if waiting is not None:
            if waiting.is_attached:
                return  # the submission is still on its way; `_resume_early` carries on
            self._early_submitted = None
        from textual.widgets import Input, TextArea

        focused = self.focused
        target = focused if isinstance(focused, (Input, TextArea)) else self.primary_field()
        if target is None or target.disabled or getattr(target, "read_only", False):
            self._early.clear()
            return
        target.focus()
        if isinstance(target, TextArea):  # Enter in a text area is a newline
            text, self._early = "".join(self._early), []
            target.insert(text)
            return
        if not isinstance(target, Input):
            self._early.clear()
            return
        keys = self._early
        enter = keys.index(_ENTER) if _ENTER in keys else len(keys)
        text, self._early = "".join(keys[:enter]), keys[enter + 1 :]
        if text:
            target.insert_text_at_cursor(text)
        if enter < len(keys):
            self._early_submitted = target
            await target.action_submit()  # posts Input.Submitted to the field, to bubble up to the step
            target.post_message(_EarlyKeysResume())  # arrives here after it, by the same queues

    @on(_EarlyKeysResume)
    async def _resume_early(self, event: _EarlyKeysResume) -> None:
        event.stop()
        self._early_submitted = None
        await self._flush_early()

    def refresh_header(self) -> None:
        if self.app.live is None or not self.is_current:
            return
        self.query_one(MeetingHeader).update_from(self.live, self.step)

    def show_save_state(self) -> None:
        self.query_one(MeetingHeader).show_save_state(self.app.last_saved, self.app.save_error)
        if self._ticked_version != self.live.version:  # the ticks depend on the meeting, not on drafts
            self._ticked_version = self.live.version
            self.query_one(AgendaSidebar).refresh_ticks()

    def check_action(self, action: str, parameters) -> bool | None:
        if self.app.live is None:  # the meeting was closed while this screen was on its way out
            return False
        if action == "part_two":
            return self.live.may_mark_part_two
        if action == "start_or_end":
            return may_start_or_end(self.live.status)
        return True

    # -- navigation -------------------------------------------------------------------------------
    def _move(self, offset: int) -> None:
        # from the step the chair last went to, not this screen's: a second alt+right pressed while the
        # first is still switching screens must go one step further, not repeat the first
        current = self.live.current_step or self.step.key
        index = self.live.step_index(current) + offset
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
        move = start_or_end_move(status)
        if move is None:
            return
        if move == "in_progress":
            self.live.set_status(move)
            self.live.enter_step(self.step.key)
            self.notify(
                "The meeting has started: the clock is running." if status == "draft" else "The meeting has resumed."
            )
            self.refresh_header()
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                note = self.live.set_status(move)
                self.notify("The meeting has ended. It is now in review.")
                if note:
                    self.notify(note, severity="warning", timeout=12)
                self.refresh_header()

        self.app.push_screen(Confirm("End the meeting now? It moves to review; you can resume it."), done)

    def action_part_two(self) -> None:
        self.live.mark_part_two()
        self.notify("Part two: the family has joined. New entries are marked as said with the family, and shared.")
        self.refresh_bindings()
        self.refresh_header()
