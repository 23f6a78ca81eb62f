"""The password question of an export: the review screen's counterpart of `mapm export --password`.

Typed twice; left empty, the file is written without one, unless the settings protect every export
(`protect_exports`), as on the command line. The rule for a password is `file_crypto.check_password`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from mapm_tui.file_crypto import FileCryptoError, check_password

from .early_keys import EarlyKeysModal


class AskPassword(EarlyKeysModal, ModalScreen[str | None]):
    """Returns the password, "" for none (where allowed), or None when the chair cancels (Escape)."""

    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#password"

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="password_cancel")]
    DEFAULT_CSS = """
    AskPassword { align: center middle; }
    AskPassword > Vertical { width: 76; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    AskPassword #password-error { color: $error; }
    AskPassword Label { width: 100%; }  /* wraps: the question and the note were cut at the edge */
    """

    def __init__(self, what: str, required: bool) -> None:
        super().__init__()
        self.what, self.required = what, required

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.required:
                yield Label(f"The settings protect every export: type a password for {self.what}, twice.")
            else:
                yield Label(
                    f"Password-protect {self.what}? Type a password twice, or press Enter to write it without one."
                )
            yield Input(password=True, id="password")
            yield Input(password=True, id="password-again")
            yield Label(
                "Tell the password to the people who receive the file by another way (a phone call). It is not kept.",
                id="password-note",
            )
            yield Label("", id="password-error")

    @on(Input.Submitted, "#password")
    def _first(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value and not self.required:
            self.dismiss("")
            return
        try:
            check_password(event.value)
        except FileCryptoError as exc:
            self._say(str(exc))
            return
        self._say("")
        self.query_one("#password-again", Input).focus()

    @on(Input.Submitted, "#password-again")
    def _second(self, event: Input.Submitted) -> None:
        event.stop()
        first = self.query_one("#password", Input)
        if event.value != first.value:
            self._say("The two passwords are not the same; type them again.")
            first.value = ""
            self.query_one("#password-again", Input).value = ""
            first.focus()
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _say(self, text: str) -> None:
        self.query_one("#password-error", Label).update(text)
