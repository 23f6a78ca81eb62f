"""The Textual app: routes between screens, holds the global keys, and wires saving.

It paints the home screen first and opens the database in a thread afterwards: SQLModel and
SQLAlchemy cost more to import than Textual itself. Handlers live on their screens; this stays a router.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from .clock import Clock

if TYPE_CHECKING:
    from .live import LiveMeeting
    from .passphrase import Unlocker
    from .settings import Settings
    from .store import Store


class MapmApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "mapm"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "help", "Help", id="help", priority=True),
        # ? also opens help where no text field has focus (a focused field takes it as text)
        Binding("question_mark", "help", "Help", id="help_question", show=False),
        Binding("f12", "privacy", "Blank screen", id="privacy", priority=True),
        Binding("ctrl+backslash", "privacy", "Blank screen", id="privacy_alt", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        db: str | None = None,
        *,
        demo: bool = False,
        clock: Clock | None = None,
        settings: Settings | None = None,
        store: Store | None = None,
        save_delay: float = 0.5,
        unlocker: Unlocker | None = None,
    ):
        super().__init__()
        #: the database target (path or URL); opened after the first frame
        self.db = db
        self.demo = demo
        self.clock = clock or Clock()
        self._settings = settings
        self.store: Store | None = store
        self.templates: dict = {}
        self.live: LiveMeeting | None = None
        self.save_delay = save_delay
        #: shown on stderr after the app closes (a crash, a database that could not be opened)
        self.fatal_message: str | None = None
        self.last_saved: str | None = None
        #: kept step screens to drop as soon as they are no longer on show
        self._stale_screens: set[str] = set()
        self.save_error: str | None = None
        #: the encrypted database's key for this start (None: the store was given, or the demo); made
        #: here unless `launch.run_app` made it first (to derive a given passphrase while Textual loads)
        if unlocker is None and store is None and not demo:
            from .db import DatabaseError
            from .launch import start_unlocker

            try:
                unlocker = start_unlocker(db)
            except DatabaseError:  # not a usable file: opening the store says why, on the home screen
                unlocker = None
        self.unlocker = unlocker

    # -- start-up ---------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from screens.home import HomeScreen

        if self.unlocker is not None and self.unlocker.needs_passphrase:
            from screens.unlock import UnlockScreen

            # nothing is read before the passphrase is known
            self.push_screen(UnlockScreen(self.unlocker), lambda _unlocked: self.push_screen(HomeScreen()))
        else:
            self.push_screen(HomeScreen())
        if self.unlocker is not None and self.unlocker.kind == "plain":
            self.notify(
                "Your meetings are stored unencrypted: quit, then run `mapm encrypt` to protect them with a passphrase.",
                severity="warning",
                timeout=20,
                markup=False,
            )
        self.set_interval(0.25, self._autosave_tick, name="autosave")

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from .settings import load_settings

            self._settings = load_settings()
        return self._settings

    def quick_meetings(self, limit: int | None = None) -> tuple[list, int] | None:
        """The newest `limit` meetings and how many there are, read with sqlite3 before the store is open
        (None where that does not apply: see `listing.quick_list`); called in a thread by the home
        screen, before `open_store`."""
        if self.store is not None or self.demo:
            return None
        from .listing import quick_list

        return quick_list(self.db, limit, key=self.database_key())

    def database_key(self):
        """The database's key (None for a plain file), waiting for a derivation under way (in a thread).
        A passphrase given in advance that does not open the database closes the app with its sentence."""
        if self.unlocker is None:
            return None
        from .crypto import WrongPassphrase

        try:
            return self.unlocker.key()
        except WrongPassphrase as exc:
            self.call_from_thread(self.locked_out, str(exc))
            raise

    def locked_out(self, message: str) -> None:
        """The passphrase was refused (three times, or the one given in advance): leave, exit code 2."""
        self.fatal_message = message
        self.exit(return_code=2)

    def open_store(self) -> None:
        """Open the database (called in a thread by the home screen)."""
        from .agenda import load_templates
        from .locations import user_templates_dir
        from .store import open_store

        if not self.templates:
            self.templates = load_templates(user_templates_dir())
        if self.store is None:
            store = open_store(self.db, self.clock, key=self.database_key())
            if self.demo and not store.list_meetings():
                from .launch import load_demo

                load_demo(store, self.templates)
            self.store = store

    # -- one meeting ------------------------------------------------------------------------------
    def open_meeting(self, meeting_id: str, step_key: str | None = None) -> None:
        """Open a meeting on its live screen (at `step_key`, or where the chair left off)."""
        from .autosave import Autosaver
        from .live import LiveMeeting

        self.save_everything()
        self.forget_step_screens()
        autosaver = Autosaver(delay=self.save_delay, now=self.clock.monotonic)
        autosaver.on_saved = self._saved
        autosaver.on_error = self._save_failed
        self.live = LiveMeeting(self.store, meeting_id, self.clock, autosaver)
        self.live.on_change = lambda: None
        if step_key is None and self.live.status == "draft":
            self.open_setup()
            return
        if step_key is None and self.live.status in ("in_review", "final"):
            self.open_review()
            return
        self.goto_step(step_key or self.live.steps[0].key)

    def open_review(self) -> None:
        """The review of the open meeting: back to it if it is under the current screen, else opened."""
        from screens.review import ReviewScreen

        if self.live is None:
            return
        self.live.leave_step()  # the step clock stops while reviewing
        if isinstance(self.screen, ReviewScreen):
            return
        if any(isinstance(s, ReviewScreen) for s in self.screen_stack):
            while not isinstance(self.screen, ReviewScreen):
                self.pop_screen()
            return
        from screens.setup import SetupScreen

        if isinstance(self.screen, (_step_screen_base(), SetupScreen)):
            self.switch_screen(ReviewScreen())
        else:
            self.push_screen(ReviewScreen())

    def open_setup(self) -> None:
        """The setup screen (before the meeting) for the open meeting."""
        from screens.setup import SetupScreen

        if self.live is None:
            return
        self.live.leave_step()
        if isinstance(self.screen, _step_screen_base()):
            self.switch_screen(SetupScreen())
        elif not isinstance(self.screen, SetupScreen):
            self.push_screen(SetupScreen())

    def goto_step(self, key: str) -> None:
        """Show agenda step `key`. Each step's screen is built once per open meeting and kept, so moving
        between steps only shows it again (composing a screen costs far more than showing one)."""
        from screens.setup import SetupScreen
        from screens.steps import screen_for_step

        live = self.live
        assert live is not None
        step = live.template.step(key) or live.steps[0]
        live.enter_step(step.key)
        self.forget_step_screens(stale_only=True)
        name = f"step:{live.id}:{step.key}"
        if not self.is_screen_installed(name):
            self.install_screen(screen_for_step(step), name)
        screen = self.get_screen(name)
        if self.screen is screen:
            return
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
        elif isinstance(self.screen, (_step_screen_base(), SetupScreen)):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def forget_step_screens(self, stale_only: bool = False) -> None:
        """Drop the kept step screens (a meeting closed, or final/reopened: their widgets are out of date).
        A screen still on show is dropped once it is left."""
        stacked = {id(s) for stack in self._screen_stacks.values() for s in stack}
        for name in [n for n in self._installed_screens if n.startswith("step:")]:
            if stale_only and name not in self._stale_screens:
                continue
            screen = self._installed_screens[name]
            if id(screen) in stacked:
                self._stale_screens.add(name)
                continue
            self.uninstall_screen(name)
            self._stale_screens.discard(name)
            if screen.is_attached:
                screen.remove()

    def close_meeting(self) -> None:
        if self.live is not None:
            self.live.leave_step()
            self.live = None
        from screens.home import HomeScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.call_after_refresh(self.forget_step_screens)
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_meetings()

    # -- saving -----------------------------------------------------------------------------------
    def _autosave_tick(self) -> None:
        if self.live is not None:
            self.live.autosaver.flush_due()

    def save_everything(self) -> None:
        """Write everything typed and not yet saved, now (quit, signals, crashes)."""
        if self.live is not None:
            try:
                self.live.save_progress()
            except Exception:
                self.live.autosaver.flush()

    def _saved(self, count: int) -> None:
        self.last_saved = self.clock.now().strftime("%H:%M:%S")
        self.save_error = None
        self._show_save_state()

    def _save_failed(self, exc: Exception) -> bool:
        from .store import StoreError

        self.save_error = str(exc)
        self._show_save_state()
        if isinstance(exc, StoreError) and "busy" not in str(exc):
            self.notify(str(exc), severity="error", timeout=8)
            return False
        return True

    def _show_save_state(self) -> None:
        update = getattr(self.screen, "show_save_state", None)
        if update is not None:
            update()

    async def action_quit(self) -> None:
        self.save_everything()
        self.exit()

    # -- global keys ------------------------------------------------------------------------------
    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_privacy(self) -> None:
        from screens.privacy import PrivacyScreen

        if not isinstance(self.screen, PrivacyScreen):
            self.save_everything()
            self.push_screen(PrivacyScreen())

    def get_system_commands(self, screen):
        from screens.commands import system_commands

        yield from system_commands(self, screen)

    # -- crashes ----------------------------------------------------------------------------------
    def _fatal_error(self) -> None:
        """An unexpected exception: save first, then leave with a plain message and exit code 1.

        Textual's own report prints local variables, which would put note text on the terminal;
        ours writes the traceback without locals to a private log file instead.
        """
        try:
            self.save_everything()
            saved = "Everything you typed up to now was saved."
        except Exception:
            saved = "Some of the last few seconds of typing may not have been saved."
        log = _write_crash_log(self._exception)
        where = f" Details for support are in {log}." if log else ""
        self.fatal_message = f"mapm stopped because of an unexpected error. {saved}{where}"
        self._return_code = 1
        self._close_messages_no_wait()

    def panic(self, *renderables) -> None:
        """Textual's other crash exit (an error Rich renders itself, a failed input thread): the same as
        `_fatal_error`: save first, one plain sentence, exit code 1, nothing from the error on screen."""
        try:
            self.save_everything()
            saved = "Everything you typed up to now was saved."
        except Exception:
            saved = "Some of the last few seconds of typing may not have been saved."
        self.fatal_message = f"mapm stopped because of an unexpected error. {saved}"
        self._return_code = 1
        self._close_messages_no_wait()


def _step_screen_base():
    from screens.step_base import StepScreen

    return StepScreen


def _write_crash_log(error: BaseException | None) -> Path | None:
    import traceback

    from .locations import data_dir, make_private_dir

    if error is None:
        return None
    try:
        folder = make_private_dir(data_dir() / "crash")
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        return path
    except OSError:
        return None
