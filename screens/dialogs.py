"""Small dialogs that return typed values (dismiss(value)); the caller acts on them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


class Confirm(ModalScreen[bool]):
    """Yes/no. Enter or y confirms, Escape or n cancels."""

    BINDINGS = [
        Binding("escape,n", "cancel", "No", id="confirm_no"),
        Binding("y", "confirm", "Yes", id="confirm_yes"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 64; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    Confirm Horizontal { height: auto; margin-top: 1; }
    Confirm Button { margin-right: 2; }
    """

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with Horizontal():
                yield Button(f"{self.yes} (y)", id="yes", variant="primary")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class AskText(ModalScreen[str | None]):
    """One line of text (a reason, a name). Enter returns it; Escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask_cancel")]
    DEFAULT_CSS = """
    AskText { align: center middle; }
    AskText > Vertical { width: 72; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    AskText #ask-error { color: $error; }
    """

    def __init__(self, question: str, value: str = "", placeholder: str = "", required: bool = True, max_length: int = 300) -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder
        self.required, self.max_length = required, max_length

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(self.value, placeholder=self.placeholder, max_length=self.max_length, id="ask-input")
            yield Label("", id="ask-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.required and not value:
            self.query_one("#ask-error", Label).update("Please type something, or press Escape to cancel.")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
