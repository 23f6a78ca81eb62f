"""The live meeting screen: header with clocks, the agenda on the left, one step's body in the centre.

One screen per open meeting. The header, the agenda and the key bar stay put; moving to another step
hides one body and shows another (step_base.StepBody). Each body is built the first time its step is
shown and kept while the meeting is open, so moving between steps only shows it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Container, Horizontal
from textual.message import Message
from textual.screen import Screen

from mapm_tui.store_errors import StoreError
from mapm_tui.vocabulary import may_start_or_end, start_or_end_move

from .app_contract import ScreensApp
from .step_base import StepBody
from .widgets import AgendaSidebar, KeyBar, MeetingHeader, not_done

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.widgets import Input

#: how an Enter kept among early keys is queued (a printable key's character is never a newline)
_ENTER = "\n"


class _EarlyKeysResume(Message):
    """Posted to a field after the submission an early Enter made, so that it reaches the meeting screen
    after that submission has been handled at every widget on the way (see MeetingScreen.type_early_keys)."""


class MeetingScreen(Screen):
    app = getters.app(ScreensApp)

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
    MeetingScreen #main { height: 1fr; }
    MeetingScreen #steps { height: 1fr; width: 1fr; }
    """

    #: a body focuses its own field when it is shown; Textual must not focus anything itself (None would
    #: mean the app's "*": the agenda, which at 80 columns then stays wide while a read-only step, with no
    #: field to take the focus, is on show; and a second focus change, a key bar rebuild, on every step)
    AUTO_FOCUS = ""

    def __init__(self, step) -> None:
        super().__init__()
        #: the step on show (or to show, before the screen is mounted)
        self._step = step
        #: each step's body, by step key, built when the step is first shown
        self.bodies: dict[str, StepBody] = {}
        #: letters typed while a step was still arriving (before any field had focus)
        self._early: list[str] = []
        #: the field an early Enter submitted, while the keys after that Enter wait for it to be handled
        self._early_submitted: Input | None = None
        #: the meeting's version when the agenda's ticks were last drawn
        self._ticked_version: int | None = None

    @property
    def live(self):
        return self.app.live

    @property
    def step(self):
        """The agenda step on show."""
        return self._step

    @property
    def body(self) -> StepBody | None:
        """The body of the step on show (None before it is built)."""
        return self.bodies.get(self._step.key)

    def compose(self) -> ComposeResult:
        yield MeetingHeader()
        with Horizontal(id="main"):
            yield AgendaSidebar(self.live, self._step.key, id="agenda")
            yield Container(id="steps")
        yield KeyBar()

    def on_mount(self) -> None:
        self._clock = self.set_interval(1.0, self.refresh_header, name="clock")
        self._show(self._step, first=True)

    # -- which step is on show ----------------------------------------------------------------------
    def show_step(self, step) -> None:
        """Show agenda step `step` (its body built the first time it is shown)."""
        if not self.is_mounted:
            self._step = step  # shown once mounted
            return
        self._show(step)

    def _show(self, step, first: bool = False) -> None:
        from .steps import body_for_step

        old = None if first else self.body
        body = self.bodies.get(step.key)
        if body is not None and body is old:
            return
        focused = self.focused
        if old is not None:
            if focused is not None and old in focused.ancestors:
                old.last_focused = focused
            old.left()
        self._step = step
        if body is None:
            # Built hidden, and shown with the header and the agenda once built (body_built), so that
            # "Step 4 of 15" is never on screen over another step's body. Keys typed meanwhile come to
            # the screen (no field has focus: on_key) and wait for the new step's field.
            body = body_for_step(step)
            body.display = False
            self.bodies[step.key] = body
            self.set_focus(None)
            self.query_one("#steps").mount(body)
            return
        body.shown_again()
        self._reveal(body)
        self.set_focus(body.focusable_or_first(body.focus_on_return()))
        if self.focused is focused:  # (a change of focus has told the key bar already)
            self.refresh_bindings()

    def _reveal(self, body: StepBody) -> None:
        """Show `body` alone (hide whichever is on show), with its step in the header and the agenda."""
        with self.app.batch_update():
            for other in self.bodies.values():
                other.display = other is body  # (no work for a body already hidden)
            self.query_one(AgendaSidebar).show_current(body.step.key)
            self.refresh_header()

    def query_one(self, selector: Any, expect_type: Any = None) -> Any:
        """Textual's `query_one`, looking in the step on show first: the kept, hidden bodies have the same
        widget ids (two entries steps both have a #capture line), and a lookup from the screen
        (`screen.query_one("#capture")`) must find the step on show's field, never a hidden step's.

        (The body on show used to be moved to the front of the bodies instead; moving a child made Textual
        draw every line of the screen anew, a third of the cost of a step change.)"""
        body = self.body
        if body is not None and body.is_attached:
            found = body.query_one_optional(selector, expect_type) if expect_type else body.query_one_optional(selector)
            if found is not None:
                return found
        return super().query_one(selector, expect_type) if expect_type else super().query_one(selector)

    def body_built(self, body: StepBody) -> None:
        """A step's body has been built: show it if its step is still the one the chair went to (alt+right
        pressed twice goes on before the first body is built), and focus its field."""
        if body is not self.body:
            return
        self._reveal(body)
        focused = self.focused
        target = (
            body.focusable_or_first(body.first_focus()) if focused is None or body not in focused.ancestors else None
        )
        if target is not None:
            self.set_focus(target)
        if self.focused is focused:
            self.refresh_bindings()

    def on_screen_resume(self) -> None:
        """Shown again (back from the review, a dialog, help): the meeting may have changed meanwhile."""
        if self.app.live is None or not self.is_attached:
            return
        self.refresh_header()
        self.show_save_state()
        self.query_one(AgendaSidebar).show_current(self._step.key)
        body = self.body
        if body is not None and body.is_mounted:
            body.shown_again()
        self._clock.resume()

    def on_screen_suspend(self) -> None:
        self._clock.pause()
        # a help or confirmation screen on top is not leaving the step; another step or the review is
        self.app.call_after_refresh(self._left_if_gone)

    def _left_if_gone(self) -> None:
        if self in self.app.screen_stack or self.app.live is None:
            return
        body = self.body
        if body is not None and body.is_attached:
            body.left()

    # -- the step's keys, wherever the focus is on the screen ---------------------------------------
    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        """Textual's chain of bindings (the focused widget up to the screen, then the app), plus the step's
        own chords (its body's priority keys: alt+r, ctrl+n …) when the focus is outside the body (the
        agenda, after F2, or nowhere), so that they work anywhere on the meeting screen and the key bar shows
        them there too. They come after the focused widget's keys (the agenda's own keys win) and before the
        screen's. The body's other keys (Delete, Escape) act on what has the focus in the step: only there.

        (Textual 8.2.8 has no public hook for this: `Screen._binding_chain` is what both the key handling
        and `active_bindings` read. Textual is pinned; tests/test_screens.py pins the behaviour.)"""
        chain = super()._binding_chain
        body = self.body
        if body is None or not body.is_mounted or not body.display:
            return chain
        focused = self.focused
        if focused is not None and body in focused.ancestors_with_self:
            return chain  # the body is in the chain already, with all its keys
        chords = {
            key: kept
            for key, bindings in body._bindings.key_to_bindings.items()
            if (kept := [b for b in bindings if b.priority])
        }
        if not chords:
            return chain
        at = next((n for n, (node, _bindings) in enumerate(chain) if node is self), len(chain))
        return [*chain[:at], (body, BindingsMap.from_keys(chords)), *chain[at:]]

    # -- never lose a key typed during a step change ------------------------------------------------
    def on_key(self, event) -> None:
        """A chair types straight after alt+right. Keys that arrive before the new step's field has focus
        (a step shown for the first time is still being built) are sent by Textual to the screen itself,
        not through a field, and would be dropped: keep them and put them into the step's field instead.
        A printable key can only reach the screen with a text field focused if it did not pass through
        that field (a field takes every printable key).

        Enter is kept too, in its place among them, when it follows keys still waiting here ("r: Dad
        drinks", Enter): the field then gets it as if pressed there (an Input submits, a TextArea takes a
        newline). An Enter with nothing waiting before it is left alone: with a field focused it is an
        ordinary Enter on its way to the field's binding (it passes through the field, unlike a letter);
        kept with nothing before it, it would submit whatever the field already held, which the chair has
        not seen yet. No other key is kept (Tab, function keys, chords act as usual)."""
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
        self.call_after_refresh(self.type_early_keys)

    async def type_early_keys(self) -> None:
        """Type the kept keys into the step's field. For an Input, only up to the first Enter: that
        submits it (the Input's own `action_submit`, as the Enter key does), and the keys after it wait
        until the step has handled the submission (it clears the field), signalled by `_EarlyKeysResume`
        following the submission up the same path. Keys wait while the step's body is still being built."""
        if not self._early:
            return
        waiting = self._early_submitted
        if waiting is not None:
            if waiting.is_attached:
                return  # the submission is still on its way; `_resume_early` carries on
            self._early_submitted = None
        body = self.body
        if body is None or not body.is_mounted:
            return  # its on_mount calls this again
        from textual.widgets import Input, TextArea

        focused = self.focused
        target = focused if isinstance(focused, (Input, TextArea)) else body.primary_field()
        if target is None or target.disabled or getattr(target, "read_only", False):
            self._early.clear()
            return
        self.set_focus(target)
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
            # arrives here after it, by the same queues (sent as from this screen: a message stops
            # bubbling at its sender, and this may run on behalf of the step's body)
            target.post_message(_EarlyKeysResume().set_sender(self))

    @on(_EarlyKeysResume)
    async def _resume_early(self, event: _EarlyKeysResume) -> None:
        event.stop()
        self._early_submitted = None
        await self.type_early_keys()

    # -- header and agenda -------------------------------------------------------------------------
    def _header(self) -> MeetingHeader | None:
        """The header, or None when there is none to update: the screen is not on show (it is brought up
        to date when it is: on_screen_resume) or is being taken down (a field's blur saves on the way)."""
        if self.app.live is None or not self.is_current:
            return None
        found = self.query(MeetingHeader)
        header = found.first() if found else None
        return header if header is not None and header.children else None

    def refresh_header(self) -> None:
        header = self._header()
        if header is not None:
            header.update_from(self.live, self._step)

    def show_save_state(self) -> None:
        header = self._header()
        if header is not None:
            header.show_save_state(self.app.last_saved, self.app.save_error, self.live.entries_waiting)
            self.refresh_ticks()
            body = self.body
            if body is not None and body.is_mounted:
                body.save_state_changed()

    def refresh_ticks(self) -> None:
        """Tick the agenda's steps that have content (only when the meeting changed, not for drafts)."""
        if self._ticked_version != self.live.version:
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
        # from the step the chair last went to: a second alt+right pressed while the first is still
        # being handled must go one step further, not repeat the first
        current = self.live.current_step or self._step.key
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
        if event.key != self._step.key:
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
            try:
                self.live.set_status(move)
            except StoreError as exc:
                not_done(
                    self, "The meeting was not started" if status == "draft" else "The meeting was not resumed", exc
                )
                return
            self.live.enter_step(self._step.key)
            self.notify(
                "The meeting has started: the clock is running." if status == "draft" else "The meeting has resumed."
            )
            self.refresh_header()
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                try:
                    note = self.live.set_status(move)
                except StoreError as exc:  # (the step clock runs on: the meeting is still running)
                    self.live.enter_step(self._step.key)
                    not_done(self, "The meeting was not ended", exc)
                    return
                self.notify("The meeting has ended. It is now in review.")
                if note:
                    self.notify(note, severity="warning", timeout=12)
                self.refresh_header()

        self.app.push_screen(Confirm("End the meeting now? It moves to review; you can resume it."), done)

    def action_part_two(self) -> None:
        self.live.mark_part_two()  # (taken at once; written now or with the next save that goes through)
        self.notify("Part two: the family has joined. New entries are marked as said with the family, and shared.")
        self.refresh_bindings()
        self.refresh_header()
