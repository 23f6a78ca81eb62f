"""Keys typed while a form or dialog is still being built, or while the laptop is busy, go where the chair
meant them.

A chair presses ctrl+n and goes straight on typing "Refer Kim to housing", Tab, "dana". On a loaded laptop
the form may take a second to appear, and the keys typed meanwhile arrive together. Three things went
wrong with Textual's defaults (seen in a terminal, and in tests/test_early_keys_forms.py):
- keys that arrive before the form's field has the focus are sent to the screen itself, not through a
  field, and a screen drops them: the words were lost;
- a field focused by `Widget.focus()` in `on_mount` is focused later (the call is deferred), so the focus
  jumped back to the first field after the chair's Tab;
- a Tab is acted on by the app only when it has bubbled back up from the field, after the keys behind it
  have already been handed to the same field: "dana" went into "What will be done?".

So a form names its first field in `AUTO_FOCUS` (focused as soon as the form is built, before any key is
handled), and is an `EarlyKeysModal` (a dialog) or an `EarlyKeysScreen`: Tab and shift+tab are priority
keys there, acted on when the app takes them, in order with the keys around them (no widget of ours binds
Tab itself); and a printable key that reaches the screen while a text field has the focus did not pass
through that field (a field takes every printable key), so it is typed into the focused field, in order.
While the form is still being built (no focus yet) a Tab waits in order with the letters and moves the
focus when its turn comes. An early Enter or Backspace is not replayed: an Enter in a form acts, and the
chair sees the form before pressing it. The meeting screen does the same for step changes (screens/meeting.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea

#: the keys that move between fields, and which way
MOVES = {"tab": 1, "shift+tab": -1}

#: Tab and shift+tab as priority keys (Textual reads BINDINGS only from its own node classes, so each of
#: the two screen classes below names them)
MOVE_BINDINGS: list[BindingType] = [
    Binding("tab", "move_focus(1)", "Next field", show=False, priority=True),
    Binding("shift+tab", "move_focus(-1)", "Previous field", show=False, priority=True),
]


# the type checker sees the mixin as the Screen it is mixed into (at run time it is a plain class: see below)
if TYPE_CHECKING:
    _MixedIntoScreen = Screen
else:
    _MixedIntoScreen = object


class _EarlyKeys(_MixedIntoScreen):
    """What the two screen classes share. A mixin, not a Screen: placed before ModalScreen as a Screen, it
    brought the plain Screen's opaque background to every dialog."""

    def _update_auto_focus(self) -> None:
        """Textual focuses `AUTO_FOCUS` when the screen is built, scrolling it "to centre" before the screen
        has a layout, which scrolled a form's first label out of sight. Focus it without scrolling: it is
        at the top of a form anyway."""
        auto_focus = self.app.AUTO_FOCUS if self.AUTO_FOCUS is None else self.AUTO_FOCUS
        if self.app.app_focus and auto_focus and self.focused is None:
            for widget in self.query(auto_focus):
                if widget.focusable:
                    self.set_focus(widget, scroll_visible=False)
                    break

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # not built yet: let the Tab go to the screen, in order with the letters waiting there (on_key)
        if action == "move_focus" and self.focused is None:
            return False
        return super().check_action(action, parameters)

    def action_move_focus(self, direction: int) -> None:
        self.focus_next() if direction > 0 else self.focus_previous()

    def on_key(self, event: events.Key) -> None:
        focused = self.focused
        if event.key in MOVES and focused is not None:
            event.stop()
            event.prevent_default()
            self.focus_next() if MOVES[event.key] > 0 else self.focus_previous()
            return
        if not (event.is_printable and event.character) or not isinstance(focused, (Input, TextArea)):
            return
        if focused.disabled or getattr(focused, "read_only", False):
            return
        event.stop()
        event.prevent_default()
        if isinstance(focused, TextArea):
            focused.insert(event.character)
        else:
            focused.insert_text_at_cursor(event.character)


class EarlyKeysScreen(_EarlyKeys, Screen):
    """A full screen with a form (the unlock screen)."""

    BINDINGS = MOVE_BINDINGS


class EarlyKeysModal(_EarlyKeys, ModalScreen):
    """A dialog with a form."""

    BINDINGS = MOVE_BINDINGS
