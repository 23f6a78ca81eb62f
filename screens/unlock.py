"""The unlock screen: before anything is read, the passphrase of the encrypted database, or on the first
start the choice of one (typed twice). Three wrong passphrases close the app with one sentence (exit 2).

The screen holds no rule: `passphrase.Unlocker` checks the passphrase, counts the tries and keeps the key;
`crypto` says how strong a new passphrase must be and that there is no back door.
"""

from __future__ import annotations

from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from mapm_tui.crypto import NO_BACK_DOOR, STRENGTH_RULE, WeakPassphrase, WrongPassphrase
from mapm_tui.db import DatabaseError
from mapm_tui.passphrase import TooManyTries, Unlocker

from .app_contract import ScreensApp
from .early_keys import EarlyKeysScreen
from .widgets import KeyBar


class UnlockScreen(EarlyKeysScreen, Screen[bool]):
    """Dismissed with True once the database's key is known (`Unlocker.key()` then returns it)."""

    app = getters.app(ScreensApp)

    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#passphrase"

    BINDINGS = []  # ctrl+q (quit), F1 and F12 are the app's
    DEFAULT_CSS = """
    UnlockScreen #unlock-body { padding: 1 2; width: 100%; max-width: 90; height: auto; }
    UnlockScreen #unlock-title { text-style: bold; color: $accent; margin-bottom: 1; }
    UnlockScreen #unlock-error { color: $error; height: auto; margin: 1 0 0 0; }
    UnlockScreen .unlock-note { color: $text-muted; margin-top: 1; }
    UnlockScreen Input { width: 100%; max-width: 60; }
    """

    def __init__(self, unlocker: Unlocker) -> None:
        super().__init__()
        self.unlocker = unlocker
        #: a new database: the chair chooses its passphrase
        self.choosing = unlocker.kind == "new"

    def compose(self) -> ComposeResult:
        path = self.unlocker.path
        with Vertical(id="unlock-body"):
            if self.choosing:
                yield Label("Choose a passphrase for your meetings", id="unlock-title")
                yield Static(f"Your meetings will be kept encrypted in {path}. {STRENGTH_RULE}", markup=False)
                yield Label("Passphrase")
                yield Input(password=True, id="passphrase")
                yield Label("The same passphrase again")
                yield Input(password=True, id="again")
            else:
                yield Label("Unlock your meetings", id="unlock-title")
                yield Static(f"The meetings in {path} are encrypted. Type the passphrase to open them.", markup=False)
                yield Input(password=True, id="passphrase")
            yield Static("", id="unlock-error", markup=False)
            yield Static(NO_BACK_DOOR, classes="unlock-note", markup=False)
        yield KeyBar()

    @on(Input.Submitted, "#passphrase")
    def _first(self, event: Input.Submitted) -> None:
        event.stop()
        if self.choosing:
            try:
                from mapm_tui.crypto import check_strength

                check_strength(event.value)
            except WeakPassphrase as exc:
                self._say(str(exc))
                return
            self._say("")
            self.query_one("#again", Input).focus()
            return
        self._try(event.value)

    @on(Input.Submitted, "#again")
    def _second(self, event: Input.Submitted) -> None:
        event.stop()
        first = self.query_one("#passphrase", Input)
        if event.value != first.value:
            self._say("The two passphrases are not the same; type them again.")
            first.value = event.value = ""
            self.query_one("#again", Input).value = ""
            first.focus()
            return
        self._try(event.value)

    def _try(self, passphrase: str) -> None:
        if not passphrase:
            return
        for field in self.query(Input):
            field.disabled = True
        self._say("Unlocking…")
        self._attempt(passphrase)

    @work(thread=True, exclusive=True, group="unlock")  # a bug: the app's crash exit (no locals shown)
    def _attempt(self, passphrase: str) -> None:
        """The key derivation takes a fraction of a second: off the event loop."""
        try:
            self.unlocker.attempt(passphrase)
        except TooManyTries as exc:
            self.app.call_from_thread(self._locked_out, str(exc))
            return
        except (WrongPassphrase, WeakPassphrase) as exc:
            self.app.call_from_thread(self._refused, str(exc), self.unlocker.wrong_tries)
            return
        except DatabaseError as exc:  # the file cannot be read at all: say so, and let the chair try again
            self.app.call_from_thread(self._refused, str(exc), None)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, message: str, wrong_tries: int | None) -> None:
        from mapm_tui.passphrase import MAX_TRIES

        if wrong_tries is not None and not self.choosing:
            left = MAX_TRIES - wrong_tries
            message = f"That passphrase does not open them; {left} {'try' if left == 1 else 'tries'} left."
        self._say(message)
        for field in self.query(Input):
            field.disabled = False
            field.value = ""
        self.query_one("#passphrase", Input).focus()

    def _locked_out(self, message: str) -> None:
        self.app.locked_out(message)

    def _say(self, text: str) -> None:
        self.query_one("#unlock-error", Static).update(text)
