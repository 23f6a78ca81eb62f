"""The privacy key: the screen goes blank at once and stays blank until a key is pressed."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Static


class PrivacyScreen(Screen[None]):
    DEFAULT_CSS = """
    PrivacyScreen { background: black; align: center bottom; }
    PrivacyScreen Static { color: #303030; width: auto; }
    """
    #: no footer, no bindings shown: nothing on the screen says what is underneath
    BINDINGS = []

    def compose(self):
        yield Static("Press any key to continue.")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.dismiss(None)
