"""What the screens may use of the app: the contract between `mapm_tui.screens` and `MapmApp` (app.py).

The screens never import the app module (an import-linter contract in pyproject.toml), yet they ask it to
open a meeting, go to a step, reach the open meeting (`live`) and so on. `ScreensApp` names exactly that:
it is a Textual `App` plus the attributes and methods below, and nothing else. `MapmApp` subclasses it, so
mypy checks that the app keeps each promise with the same types (an abstract method it forgets to define
makes `MapmApp()` an error), and a screen or widget that uses any of it declares, as Textual recommends,

    app = getters.app(ScreensApp)

so that `self.app.live`, `self.app.goto_step(...)` are typed (Textual's own `self.app` is a bare `App`).
At run time that property is the running app, checked to be a `ScreensApp`. Widgets meant for any app
(the dialogs, the tables) do not declare it and use only Textual's App.

Anything a screen needs of the app beyond this belongs here first; screens hold no business rules, so the
open meeting's own operations are on `live` (mapm_tui.live), not here.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from mapm_tui.agenda import Template
    from mapm_tui.clock import Clock
    from mapm_tui.live import LiveMeeting
    from mapm_tui.settings import Settings
    from mapm_tui.store import Store


class StoreNotOpenYet(RuntimeError):
    """A screen used the database before the app had opened it (a bug: reported by the crash handler)."""


class ScreensApp(App[None]):
    """The app as the screens see it (see the module's docstring)."""

    #: the open database (None until it is opened, in a thread, after the first frame)
    store: Store | None
    #: the meeting open on screen (None on the home screen)
    live: LiveMeeting | None
    #: the app's clock: every date and time the screens show or record comes from it
    clock: Clock
    #: the agenda templates, by key (empty until the store is opened)
    templates: dict[str, Template]
    #: the demonstration meetings (no database file)
    demo: bool
    #: when the last save went through ("HH:MM:SS"), and why the last one failed (None: it did not)
    last_saved: str | None
    save_error: str | None

    @property
    def opened_store(self) -> Store:
        """The open database, for what only runs once it is open (every screen past the home screen's list;
        the home screen waits for it). Asked before then, it is a programming error, not the chair's."""
        if self.store is None:
            raise StoreNotOpenYet("a screen asked for the database before it was opened")
        return self.store

    @property
    @abstractmethod
    def settings(self) -> Settings:
        """The user's settings (the defaults if the file has a mistake, said once)."""

    @abstractmethod
    def open_store(self) -> None:
        """Open the database (called in a thread by the home screen)."""

    @abstractmethod
    def quick_meetings(self, limit: int | None = None) -> tuple[list, int] | None:
        """The newest meetings and how many there are, read before the store is open (in a thread)."""

    @abstractmethod
    def locked_out(self, message: str) -> None:
        """The passphrase was refused: leave with `message`."""

    @abstractmethod
    def open_meeting(self, meeting_id: str, step_key: str | None = None) -> None:
        """Open a meeting (at `step_key`, or where the chair left off)."""

    @abstractmethod
    def goto_step(self, key: str) -> None:
        """Show agenda step `key` of the open meeting."""

    @abstractmethod
    def open_setup(self) -> None:
        """The open meeting's setup screen."""

    @abstractmethod
    def open_review(self) -> None:
        """The open meeting's review."""

    @abstractmethod
    def close_meeting(self) -> None:
        """Close the open meeting and go back to the meetings list."""

    @abstractmethod
    def forget_meeting_screen(self) -> None:
        """Drop the open meeting's screen (it is out of date: final, reopened); built again when next shown."""

    @abstractmethod
    def action_help(self) -> None:
        """Every key on the current screen (F1)."""

    @abstractmethod
    def action_privacy(self) -> None:
        """Blank the screen at once (F12)."""
