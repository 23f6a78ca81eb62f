"""Small dialogs that return typed values (dismiss(value)); the caller acts on them."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from .early_keys import EarlyKeysModal


class _Answer(Button):
    """A Confirm button: Enter on it does nothing during the dialog's grace period; a click always works."""

    def action_press(self) -> None:
        screen = self.screen
        if isinstance(screen, Confirm) and screen.too_soon():
            return
        super().action_press()


class Confirm(ModalScreen[bool]):
    """Yes/no, asked while the chair may still be typing.

    y or the Yes button confirms; n, Escape or the No button cancels; Enter presses the focused button.
    Those keys do nothing within `GRACE` seconds of the dialog appearing (or coming back from under the
    blank screen or the help): they were typed before anyone could have read the question. Focus
    starts on Yes, or on No when `danger` is true (deleting or replacing something), so that a stray
    Enter cancels. Clicking a button always works. Time is the app's clock (`app.clock.monotonic`)
    when it has one, else `time.monotonic`.

    The grace period is kept by the actions the keys run (y, n, Escape, a button's Enter), not by
    catching keys on their way through this screen: a key typed into the field underneath just before
    the dialog appeared reaches the app's binding lookup after the dialog is shown, so an Enter meant
    for a capture line would otherwise press the dialog's focused button without ever passing here."""

    #: seconds after the dialog appears during which keys are ignored (tests may set it)
    GRACE: float = 0.4

    BINDINGS = [
        Binding("escape,n", "cancel", "No", id="confirm_no"),
        Binding("y", "confirm", "Yes", id="confirm_yes"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 64; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    Confirm #question { width: 1fr; }  /* wraps: a long question was cut off at the dialog's edge */
    Confirm Horizontal { height: auto; margin-top: 1; }
    Confirm Button { margin-right: 2; }
    """

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", *, danger: bool = False) -> None:
        super().__init__()
        self.question, self.yes, self.no, self.danger = question, yes, no, danger
        #: when the dialog was last shown, by `_now` (None: not yet shown, so every key is too soon)
        self._shown_at: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question", markup=False)  # it quotes entries and names as written
            with Horizontal():
                yield _Answer(f"{self.yes} (y)", id="yes", variant="primary")
                yield _Answer(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()
        self._shown_at = self._now()

    def on_screen_resume(self) -> None:
        self._shown_at = self._now()

    def _now(self) -> float:
        clock = getattr(self.app, "clock", None)
        if clock is not None and callable(getattr(clock, "monotonic", None)):
            return clock.monotonic()
        return time.monotonic()

    def too_soon(self) -> bool:
        """True within the grace period: a key now was typed before the question could be read."""
        return self._shown_at is None or self._now() - self._shown_at < self.GRACE

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        if not self.too_soon():
            self.dismiss(True)

    def action_cancel(self) -> None:
        if not self.too_soon():
            self.dismiss(False)


class AskText(EarlyKeysModal, ModalScreen[str | None]):
    """One line of text (a reason, a name). Enter returns it; Escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask_cancel")]
    DEFAULT_CSS = """
    AskText { align: center middle; }
    AskText > Vertical { width: 72; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    AskText #ask-error { color: $error; }
    AskText Label { width: 100%; }
    """

    def __init__(
        self,
        question: str,
        value: str = "",
        placeholder: str = "",
        required: bool = True,
        max_length: int = 300,
        *,
        password: bool = False,
    ) -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder
        self.required, self.max_length = required, max_length
        #: a passphrase: not shown as it is typed
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            yield Input(
                self.value,
                placeholder=self.placeholder,
                max_length=self.max_length,
                password=self.password,
                id="ask-input",
            )
            yield Label("", id="ask-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.required and not value:
            self.query_one("#ask-error", Label).update("Please type something, or press Escape to cancel.")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
