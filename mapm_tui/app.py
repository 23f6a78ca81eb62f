"""The Textual app: routes between screens, holds the global keys, and wires saving.

It paints the home screen first and opens the database in a thread afterwards: SQLModel and
SQLAlchemy cost more to import than Textual itself. Handlers live on their screens; this stays a router.
"""

from __future__ import annotations

import contextlib
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding

from mapm_tui.screens.app_contract import ScreensApp

from .clock import Clock
from .vocabulary import has_ended

if TYPE_CHECKING:
    from threading import Thread

    from textual.timer import Timer

    from .agenda import Template
    from .holds import Hold
    from .live import LiveMeeting
    from .passphrase import Unlocker
    from .settings import Settings
    from .store import Store


#: the name the open meeting's screen is installed under (one at a time: see `goto_step`)
MEETING_SCREEN = "meeting"
#: seconds between asking a server out of reach whether it answers again (saves wait meanwhile)
SERVER_ASKED_EVERY = 1.0


class MapmApp(ScreensApp):
    """The app. What the screens may use of it is `ScreensApp` (screens/app_contract.py)."""

    CSS_PATH = "app.tcss"
    TITLE = "mapm"
    ENABLE_COMMAND_PALETTE = True
    #: every screen gets the class -narrow below 100 columns (an 80x24 terminal): the agenda, the header and
    #: the tables then give the step its room (widgets.py, app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    #: the thread asking a server out of reach whether it answers again (`_wait_for_server`), while it runs
    _server_watch: Thread | None = None

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
        save_max_latency: float | None = None,
        unlocker: Unlocker | None = None,
    ):
        super().__init__()
        #: the database target (path or URL); opened after the first frame
        self.db = db
        self.demo = demo
        self.clock = clock or Clock()
        self._settings = settings
        self.store: Store | None = store
        self.templates: dict[str, Template] = {}
        self.live: LiveMeeting | None = None
        self.save_delay = save_delay
        #: a pending save is written at most this long after its first unsaved change, however steadily
        #: the chair types (None: the autosaver's default)
        self.save_max_latency = save_max_latency
        #: shown on stderr after the app closes (a crash, a database that could not be opened)
        self.fatal_message: str | None = None
        self.last_saved: str | None = None
        #: the open meeting's screen is out of date (final, reopened): dropped as soon as it is left
        self._meeting_screen_stale = False
        self.save_error: str | None = None
        #: what the check after opening found wrong with the database file (a sentence), or None
        self.database_problem: str | None = None
        #: this window's hold on the open meeting (holds.py), None when it holds none
        self._hold: Hold | None = None
        self._heartbeat_timer: Timer | None = None
        #: recovery files whose entries were put back into the open meeting's queue (deleted once written)
        self._entry_files: list = []
        #: the encrypted database's key for this start (None: the store was given, or the demo); made
        #: here unless `launch.run_app` made it first (to derive a given passphrase while Textual loads)
        if unlocker is None and store is None and not demo:
            from .db import DatabaseError
            from .passphrase import start_unlocker

            try:
                unlocker = start_unlocker(db)
            except DatabaseError:  # not a usable file: opening the store says why, on the home screen
                unlocker = None
        self.unlocker = unlocker

    # -- start-up ---------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from mapm_tui.screens.home import HomeScreen

        if self.unlocker is not None and self.unlocker.needs_passphrase:
            from mapm_tui.screens.unlock import UnlockScreen

            # nothing is read before the passphrase is known
            self.push_screen(UnlockScreen(self.unlocker), lambda _unlocked: self.push_screen(HomeScreen()))
        else:
            self.push_screen(HomeScreen())
        if self.unlocker is not None and self.unlocker.kind == "plain":
            self.notify(
                "Your meetings are stored unencrypted: quit, then run `mapm encrypt` to protect them with a "
                "passphrase.",
                severity="warning",
                timeout=20,
                markup=False,
            )
        self.set_interval(0.25, self._autosave_tick, name="autosave")

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from .settings import settings_or_defaults

            self._settings, problem = settings_or_defaults()
            if problem is not None:  # the app goes on with the defaults, and says so once
                self.notify(
                    f"{problem} Until then the defaults are used (marking OFFICIAL-SENSITIVE, no letterhead).",
                    title="Settings not used",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
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
            # the quick check reads the whole file: a small one is checked here (in the home screen's
            # thread, after the first frame); a big one after opening, in `_check_and_back_up`
            store = open_store(self.db, self.clock, key=self.database_key())
            if self.demo and not store.list_meetings():
                from .demo import load_demo

                load_demo(store, self.templates)
            self.store = store
        if not self.demo:
            self.call_from_thread(self._store_opened)

    # -- one meeting ------------------------------------------------------------------------------
    def open_meeting(self, meeting_id: str, step_key: str | None = None) -> None:
        """Open a meeting on its live screen (at `step_key`, or where the chair left off)."""
        from .autosave import Autosaver
        from .live import LiveMeeting
        from .store_errors import ServerGone

        self.save_everything()
        self._keep_unsaved()
        self.release_hold()
        self.forget_meeting_screen()
        autosaver = Autosaver(delay=self.save_delay, now=self.clock.monotonic)
        if self.save_max_latency is not None:
            autosaver.max_latency = self.save_max_latency
        autosaver.on_saved = self._saved
        autosaver.on_error = self._save_failed
        store = self.store
        assert store is not None  # meetings are opened from an open store's list
        try:
            live = LiveMeeting(store, meeting_id, self.clock, autosaver)
        except ServerGone as exc:  # the server went: say so; opening it again works once it is back
            if self.live is not None:  # the meeting open before was saved and released above: leave it
                self.close_meeting()
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        self.live = live
        # every write to the database (an item added at once, a field or draft by the autosaver) moves the
        # "Saved hh:mm:ss" the chair sees, not only the autosaver's own saves
        self.live.on_change = lambda: self._saved(1)
        self.live.on_ended = self._meeting_ended
        autosaver.queue.on_change = self._keep_waiting_entries
        self._hold_meeting(self.live)
        self._entry_files.clear()
        self._take_back_entries(self.live)
        if self.live.read_only:
            self.notify(f"Opened read-only: {self.live.read_only}", severity="warning", timeout=10)
        self._record_view(store, meeting_id)
        if step_key is None and self.live.status == "draft":
            self.open_setup()
            return
        if step_key is None and has_ended(self.live.status):
            self.open_review()
            return
        self.goto_step(step_key or self.live.resume_step)

    def _record_view(self, store: Store, meeting_id: str) -> None:
        """Opening a meeting is a view in the audit trail (issue 12), under the name from settings."""
        from contextlib import suppress

        from .audit import record_view
        from .settings import SettingsError

        if store.user_name is None:
            with suppress(SettingsError):  # a settings file with a mistake: no name, and it says so elsewhere
                store.user_name = self.settings.user_name or None
        problem = record_view(store, meeting_id)
        if problem:
            self.notify(problem, severity="warning", timeout=8, markup=False)

    def open_review(self) -> None:
        """The review of the open meeting: back to it if it is under the current screen, else opened."""
        from mapm_tui.screens.review import ReviewScreen

        if self.live is None:
            return
        self.live.leave_step()  # the step clock stops while reviewing
        if isinstance(self.screen, ReviewScreen):
            return
        if any(isinstance(s, ReviewScreen) for s in self.screen_stack):
            while not isinstance(self.screen, ReviewScreen):
                self.pop_screen()
            return
        from mapm_tui.screens.setup import SetupScreen

        if isinstance(self.screen, (_meeting_screen_class(), SetupScreen)):
            self.switch_screen(ReviewScreen())
        else:
            self.push_screen(ReviewScreen())

    def open_setup(self) -> None:
        """The setup screen (before the meeting) for the open meeting."""
        from mapm_tui.screens.setup import SetupScreen

        if self.live is None:
            return
        self.live.leave_step()
        if isinstance(self.screen, _meeting_screen_class()):
            self.switch_screen(SetupScreen())
        elif not isinstance(self.screen, SetupScreen):
            self.push_screen(SetupScreen())

    def goto_step(self, key: str) -> None:
        """Show agenda step `key` on the open meeting's screen (meeting.py: one screen per open meeting,
        kept while it is open, whose body changes with the step)."""
        from mapm_tui.screens.meeting import MeetingScreen
        from mapm_tui.screens.setup import SetupScreen

        live = self.live
        assert live is not None
        step = live.template.step(key) or live.steps[0]
        live.enter_step(step.key)
        if self._meeting_screen_stale:
            self.forget_meeting_screen()
        if not self.is_screen_installed(MEETING_SCREEN):
            self.install_screen(MeetingScreen(step), MEETING_SCREEN)
        screen = self.get_screen(MEETING_SCREEN, MeetingScreen)
        screen.show_step(step)
        if self.screen is screen:
            return
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
        elif isinstance(self.screen, (MeetingScreen, SetupScreen)):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def forget_meeting_screen(self) -> None:
        """Drop the open meeting's screen and its steps' bodies (a meeting closed, or final/reopened: they
        were built editable, or read-only, and are out of date). A screen still on show is dropped once it
        is left (the next `goto_step` builds a new one)."""
        if not self.is_screen_installed(MEETING_SCREEN):
            self._meeting_screen_stale = False
            return
        screen = self.get_screen(MEETING_SCREEN)
        if any(screen is s for stack in self._screen_stacks.values() for s in stack):
            self._meeting_screen_stale = True
            return
        self.uninstall_screen(MEETING_SCREEN)
        self._meeting_screen_stale = False
        if screen.is_attached:
            screen.remove()

    def close_meeting(self) -> None:
        if self.live is not None:
            self.live.leave_step()
            self._keep_unsaved()
            self.release_hold()
            self.live = None
        from mapm_tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.call_after_refresh(self.forget_meeting_screen)
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_meetings()

    # -- saving -----------------------------------------------------------------------------------
    def _autosave_tick(self) -> None:
        if self.live is not None:
            self.live.autosaver.flush_due()

    def save_everything(self) -> None:
        """Write everything typed and not yet saved, now (quit, signals, crashes)."""
        if self.live is not None:
            from .db import DatabaseError
            from .store_errors import StoreError

            # a last try even while saves wait for a server out of reach (the watch may not have seen it
            # come back yet): the first save that fails holds the rest again, so a silent server costs
            # one connect timeout here, and what is still not saved goes to a recovery file
            self.live.autosaver.held = False
            try:
                self.live.save_progress()
            except (StoreError, DatabaseError):  # the step's time was refused: the typed text is still written
                self.live.autosaver.flush()

    def _saved(self, count: int) -> None:
        if self.live is not None:
            self.live.bank_time_owed()  # the database takes writes again: the step time it missed too
        self.last_saved = self.clock.now().strftime("%H:%M:%S")
        self.save_error = None
        self._forget_written_files()
        self._show_save_state()
        if getattr(self, "_connection_lost", False) and not (self.live and self.live.autosaver.pending):
            self._connection_lost = False
            self.notify("The database server is back: everything you typed is saved.", timeout=8)

    def _save_failed(self, exc: Exception) -> bool:
        """A save failed. A full disk, a failed write or a busy database keeps the text queued (retried on
        every autosave tick, written out to a recovery file if the chair quits before it goes through);
        a value the store refuses for good is dropped once the chair has been told why."""
        from .holds import HeldElsewhere
        from .store import DatabaseBusy, StoreError, WriteFailed
        from .store_errors import ConnectionLost, ServerGone

        first = self.save_error != str(exc)
        self.save_error = str(exc)
        self._show_save_state()
        if isinstance(exc, (ConnectionLost, ServerGone)):  # a server gone (team mode): kept and retried
            self._connection_lost = True
            if self.live is not None:  # tried again once the server answers, asked in a thread
                self.live.autosaver.held = True
                self._wait_for_server()
        # (ServerGone: the meeting read again after an entry was written found the server gone; the entry
        # stays queued, and its next try writes nothing twice)
        if isinstance(exc, (WriteFailed, DatabaseBusy, HeldElsewhere, ServerGone)):
            if first and isinstance(exc, (WriteFailed, HeldElsewhere, ServerGone)):
                self.notify(
                    f"NOT SAVED: {exc} What you typed is kept here, saving is tried again, and quitting offers "
                    "a recovery file.",
                    severity="error",
                    timeout=12,
                )
            return True
        if isinstance(exc, StoreError):
            self.notify(str(exc), severity="error", timeout=8, markup=False)  # it may quote what was typed
            return False
        return True

    def _wait_for_server(self) -> None:
        """Ask the server in a thread, every SERVER_ASKED_EVERY seconds, whether it answers again; saves
        wait meanwhile (Autosaver.held), so the chair types on while a server out of reach takes its
        connect timeout to say so off the app's thread. (A daemon thread of its own, not a Textual worker:
        a worker's thread is joined when the process ends, which could then wait out a connect timeout.)"""
        import threading

        watch = self._server_watch
        if watch is not None and watch.is_alive():
            return
        store = self.store
        assert store is not None
        self._server_watch = threading.Thread(
            target=self._ask_server, args=(store,), name="mapm-server-watch", daemon=True
        )
        self._server_watch.start()

    def _ask_server(self, store: Store) -> None:
        while self.is_running:
            time.sleep(SERVER_ASKED_EVERY)
            if self.is_running and store.answers():
                with contextlib.suppress(RuntimeError):  # (the app closed meanwhile)
                    self.call_from_thread(self._server_answers)
                return

    def _server_answers(self) -> None:
        """The server answers again: what waited is written now (and, should it fail again, held again)."""
        self._server_watch = None  # (this thread ends now: a save failing again starts another)
        if self.live is not None and self.live.autosaver.held:
            self.live.autosaver.held = False
            self.live.autosaver.flush()
            self.live.bank_time_owed()  # (the step time it missed, when nothing typed waited)

    def _show_save_state(self) -> None:
        update = getattr(self.screen, "show_save_state", None)
        if update is not None:
            update()

    async def action_quit(self) -> None:
        self.save_everything()
        if self.live is not None and self.live.autosaver.pending:
            self._ask_before_losing_text()
            return
        self.release_hold()
        self.exit()

    # -- one editor per meeting (holds.py) ----------------------------------------------------------
    def _hold_meeting(self, live: LiveMeeting) -> None:
        """Hold the meeting for this window, or open it read-only saying who has it (and offer to take a
        stale hold over). A database too busy or full to record the hold leaves the meeting editable:
        what is typed is then kept as for any failed save."""
        from . import holds
        from .store import DatabaseBusy, WriteFailed
        from .store_errors import NotPermitted

        store = self.store
        if store is None or store.read_only or live.status == "final":
            return
        if store.hold_token is None:
            store.hold_token = holds.new_token()
        try:
            self._hold = holds.acquire(
                store.engine, live.id, holds.Holder.here(store.user_name), store.hold_token, self.clock.utcnow()
            )
        except holds.HeldElsewhere as exc:
            live.read_only = str(exc)
            if exc.hold.stale(self.clock.utcnow()):
                self.call_after_refresh(self._offer_takeover, live.id, exc.hold.reason_to_offer())
        except NotPermitted:  # a reader's database role: it may read meetings, never hold or change them
            live.read_only = (
                "Your database role may read meetings but not change them; ask the partnership's database "
                "administrator if you need to."
            )
        except (WriteFailed, DatabaseBusy) as exc:
            self.notify(f"This window could not mark the meeting as being edited here: {exc}", severity="warning")
        if getattr(self, "_heartbeat_timer", None) is None:
            self._heartbeat_timer = self.set_interval(holds.HEARTBEAT, self._hold_heartbeat, name="hold")

    def _hold_heartbeat(self) -> None:
        from . import holds
        from .store import DatabaseBusy, WriteFailed

        hold, live = getattr(self, "_hold", None), self.live
        if hold is None or self.store is None or (live is not None and live.autosaver.held):
            return  # (held: the server is out of reach; the hold goes stale only after minutes)
        try:
            ours = holds.heartbeat(self.store.engine, hold, self.clock.utcnow())
        except (WriteFailed, DatabaseBusy):
            return  # the next beat tries again; the hold goes stale only after minutes
        if not ours:
            self._hold = None
            if live is not None and live.id == hold.meeting_id:
                live.read_only = "another window took this meeting over"
                self.notify(
                    "Another window took this meeting over: it is read-only here now. Anything not yet saved "
                    "is kept and offered as a recovery file when you quit.",
                    severity="error",
                    timeout=15,
                )
                self._show_save_state()

    def _offer_takeover(self, meeting_id: str, reason: str = "") -> None:
        """Ask why before taking a stale hold over (audited); when its window is known to have ended on this
        computer the facts are offered as the reason, so Enter takes it over."""
        from mapm_tui.screens.dialogs import AskText

        def answered(reason: str | None) -> None:
            if reason:
                self.take_over_meeting(meeting_id, reason)

        held = self.live.read_only if self.live is not None else None
        if reason:
            question = (held or "") + " Enter takes it over with the reason below (Escape: read only)."
        else:
            question = (held or "") + " To take it over, say why (Escape: read only)."
        self.push_screen(
            AskText(question, value=reason, placeholder="e.g. the laptop that had it open crashed"), answered
        )

    def take_over_meeting(self, meeting_id: str, reason: str) -> None:
        """Take a stale hold over (with the reason) and open the meeting again, editable."""
        from . import holds

        store = self.store
        assert store is not None
        if store.hold_token is None:
            store.hold_token = holds.new_token()
        try:
            self._hold = holds.take_over(
                store.engine,
                meeting_id,
                holds.Holder.here(store.user_name),
                store.hold_token,
                self.clock.utcnow(),
                reason,
                store=store,
            )
        except (holds.HeldElsewhere, ValueError) as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        step = self.live.current_step if self.live is not None and self.live.id == meeting_id else None
        # "Opened read-only: …" no longer holds: it stayed on screen beside the editable meeting
        self.clear_notifications()
        # the step on show was built read-only: leave it so that it is built again, editable
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.forget_meeting_screen()
        self.open_meeting(meeting_id, step)

    def release_hold(self) -> None:
        """Let go of this window's hold on its meeting (quit, close, another meeting)."""
        from . import holds
        from .store import DatabaseBusy, WriteFailed

        hold, self._hold = getattr(self, "_hold", None), None
        if hold is None or self.store is None:
            return
        with contextlib.suppress(WriteFailed, DatabaseBusy):  # if so, it goes stale by itself
            holds.release(self.store.engine, hold)

    # -- text the database would not take (recovery.py) ---------------------------------------------
    def _take_back_entries(self, live: LiveMeeting) -> None:
        """Entries of this meeting kept in recovery files (taken while the database failed, then the app
        quit or was stopped) go back into its queue, marked NOT SAVED until written, and the chair is
        told. Each keeps its id, so one also put back from the start's offer is never written twice. A
        file that kept only entries is deleted once they are all written (`_forget_written_files`)."""
        from . import recovery

        target = self.recovery_target()
        if target is None or not live.editable:
            return
        back = 0
        for kept in recovery.find(target):
            if kept.meeting_id != live.id:
                continue
            for entry in recovery.entries_in(kept):
                if live.entry(entry["id"]) is None:
                    live.autosaver.queue.put(entry)
                    back += 1
            if recovery.entries_in(kept):
                self._entry_files.append(kept)
        if not back:
            return
        live.version += 1
        self.notify(
            f"{back} entr{'y' if back == 1 else 'ies'} typed when the database could not save "
            f"{'it' if back == 1 else 'them'} (kept in a recovery file) {'is' if back == 1 else 'are'} back "
            "in this meeting, marked NOT SAVED until saved.",
            severity="warning",
            timeout=15,
            markup=False,
        )
        live.autosaver.flush_queue()

    def _keep_waiting_entries(self) -> None:
        """The entries waiting to be saved changed: mirror them in the meeting's journal file (a recovery
        file, offered back after a kill or a power cut), or remove it once none waits."""
        from . import recovery

        live, target = self.live, self.recovery_target()
        if live is None or target is None:
            return
        queue = live.autosaver.queue
        if not queue:
            recovery.drop_journal(target, live.id)
            return
        try:
            recovery.write_journal(target, live.id, queue.unsaved(), self.clock.now())
        except recovery.RecoveryError as exc:  # kept in memory still, and the quit's recovery file is tried
            self.notify(f"{exc} They are kept in this window until saved.", severity="error", timeout=10)

    def _forget_written_files(self) -> None:
        """Once every entry a recovery file kept is written, the file keeps only the rest (if any)."""
        live = self.live
        if live is None or not self._entry_files:
            return
        from . import recovery

        for kept in list(self._entry_files):
            if any(live.waiting(e["id"]) for e in recovery.entries_in(kept)):
                continue
            self._entry_files.remove(kept)
            with contextlib.suppress(recovery.RecoveryError):  # kept whole: putting it back adds nothing twice
                recovery.drop_entries(kept, self.clock.now())

    def _ask_before_losing_text(self) -> None:
        """Quit with saves still failing: never leave silently. Offer a recovery file; stay otherwise."""
        from mapm_tui.screens.dialogs import Confirm

        def answered(write: bool | None) -> None:
            if not write:
                return
            path, problem = self.write_recovery_file()
            if path is not None:
                self.fatal_message = f"Your unsaved text was written to {path}; mapm offers to restore it next time."
                self.exit()
                return
            self.push_screen(
                Confirm(f"{problem} Quit anyway and lose it?", yes="Quit and lose it", no="Stay", danger=True),
                lambda lose: self.exit() if lose else None,
            )

        self.push_screen(
            Confirm(
                f"Some of your text is NOT saved: {self.save_error or 'the database would not take it.'} "
                "Write it to a recovery file beside the database and quit?",
                yes="Write it and quit",
                no="Stay",
            ),
            answered,
        )

    def _keep_unsaved(self) -> None:
        """Leaving a meeting while some of its saves still fail: the text goes to a recovery file (offered
        back at the next start), never dropped with the meeting's autosaver."""
        if self.live is None or not self.live.autosaver.pending:
            return
        path, problem = self.write_recovery_file()
        if path is not None:
            self.notify(
                f"Text in that meeting was NOT saved; it was written to {path} and is offered back when mapm "
                "next starts.",
                severity="warning",
                timeout=15,
            )
        else:
            self.notify(f"Text in that meeting was NOT saved and is lost: {problem}", severity="error", timeout=30)

    def write_recovery_file(self) -> tuple[Path | None, str | None]:
        """Write what is still unsaved in the open meeting to a recovery file: (its path, None) or
        (None, the sentence saying why it could not be written)."""
        from . import recovery

        live, path = self.live, self.recovery_target()
        if live is None or path is None or not live.autosaver.pending:
            return None, "There is nowhere to write a recovery file for this database."
        try:
            written = recovery.write(path, live.id, live.autosaver.unsaved(), self.clock.now())
        except recovery.RecoveryError as exc:
            return None, str(exc)
        live.autosaver.discard()  # in the file now: not written a second time on the way out
        for kept in self._entry_files:  # their entries still waiting are in the new file
            kept.path.unlink(missing_ok=True)
        self._entry_files.clear()
        return written, None

    def recovery_target(self) -> Path | None:
        """What the open database's recovery files are named after: its file, or for a server a name in
        the data folder made from its address (recovery.server_target); None without a database."""
        store = self.store
        if store is None:
            return None
        if store.path is not None:
            return store.path
        url = store.engine.url
        if url.get_backend_name() != "postgresql":
            return None
        from .recovery import server_target

        return server_target(url.host, url.port, url.database)

    def _store_opened(self) -> None:
        """Once the database is open: say if it is read-only, take the day's backup, offer recovery files."""
        store = self.store
        if store is None:
            return
        if store.read_only:
            self.notify(
                f"The database is open read-only ({store.read_only}): you can read meetings but not change them.",
                severity="warning",
                timeout=12,
            )
            return
        self.run_worker(self._check_and_back_up, thread=True, exit_on_error=False, group="backup")
        self.offer_recovery()

    def _check_and_back_up(self) -> None:
        """In a thread, once the store is open: `PRAGMA quick_check` on the whole file; if it is damaged,
        tell the chair at once (naming the newest good backup) and take no backup of it; else the day's
        backup if it is due."""
        from .db import QUICK_CHECK_MAX_BYTES, damaged_sentence, file_problem

        path = self.store.path if self.store is not None else None
        try:
            checked_on_open = path is not None and self.db is not None and path.stat().st_size <= QUICK_CHECK_MAX_BYTES
        except OSError:
            checked_on_open = False
        problem = file_problem(path) if path is not None and not checked_on_open else None
        if path is not None and problem is not None:
            self.database_problem = damaged_sentence(path, problem[1])
            self.call_from_thread(self.notify, self.database_problem, severity="error", timeout=60)
            return
        self._backup_now("daily")

    def _meeting_ended(self) -> None:
        self.run_worker(partial(self._backup_now, "meeting-end"), thread=True, exit_on_error=False, group="backup")

    def _backup_now(self, reason: str) -> None:
        """A backup (backup.py), in a thread; a failure is told to the chair and never stops the app."""
        from . import backup
        from .settings import SettingsError

        store = self.store
        if store is None or store.read_only or self.database_problem:
            return  # a damaged file is never backed up: its copies would push the good ones out
        try:
            keep = self.settings.backups_kept
        except SettingsError:  # told elsewhere; the backup still matters more
            keep = backup.DEFAULT_KEEP
        try:
            if reason == "daily":
                backup.take_daily_if_due(store, keep=keep)
            else:
                backup.backup_store(store, reason, keep=keep)
        except backup.BackupError as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning", timeout=10)

    def offer_recovery(self) -> None:
        """At start: text kept in recovery files for this database is offered back, one file at a time."""
        from . import recovery

        path = self.recovery_target()
        found = recovery.find(path) if path is not None else []
        if not found:
            return
        from mapm_tui.screens.dialogs import Confirm

        from .dates import format_date

        first = found[0]
        when = f"{format_date(first.written_at.date())} {first.written_at.astimezone().strftime('%H:%M')}"
        question = (
            f"Text typed in meeting {first.meeting_id} on {when} could not be saved and was kept in "
            f"{first.path}. Put it back into the meeting now?"
        )

        def answered(restore: bool | None) -> None:
            from .store import StoreError

            if not restore:
                self.notify(f"The recovery file is kept: {first.path}", timeout=8)
                return
            try:
                count = recovery.restore(self.store, first)
            except StoreError as exc:
                self.notify(f"It could not be put back: {exc} The file is kept: {first.path}", severity="error")
                return
            self.notify(f"Put back {count} unsaved change{'s' if count != 1 else ''} into meeting {first.meeting_id}.")
            self.offer_recovery()

        self.push_screen(Confirm(question, yes="Put it back", no="Later"), answered)

    # -- global keys ------------------------------------------------------------------------------
    def action_help(self) -> None:
        from mapm_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_privacy(self) -> None:
        from mapm_tui.screens.privacy import PrivacyScreen

        if not isinstance(self.screen, PrivacyScreen):
            self.save_everything()
            self.push_screen(PrivacyScreen())

    def get_system_commands(self, screen):
        from mapm_tui.screens.commands import system_commands

        yield from system_commands(self, screen)

    # -- crashes ----------------------------------------------------------------------------------
    def _fatal_error(self) -> None:
        """An unexpected exception: save first, then leave with a plain message and exit code 1.

        Textual's own report prints local variables, which would put note text on the terminal;
        ours writes the traceback without locals to a private log file instead.
        """
        saved = self._save_before_stopping()
        log = _write_crash_log(self._exception)
        where = f" Details for support are in {log}." if log else ""
        self.fatal_message = f"mapm stopped because of an unexpected error. {saved}{where}"
        self._return_code = 1
        self._close_messages_no_wait()

    def _save_before_stopping(self) -> str:
        """Save what is pending as the app stops on an error; a sentence that claims only what happened
        (text the database would not take goes to a recovery file, and the sentence says where)."""
        with contextlib.suppress(Exception):  # stopping on an error already: what is left unsaved is below
            self.save_everything()
        if self.live is None or not self.live.autosaver.pending:
            return "Everything you typed up to now was saved."
        path, problem = self.write_recovery_file()
        if path is not None:
            return f"Your last changes could not be saved; they were written to {path} and are offered back next time."
        return f"Some of your last changes could not be saved. {problem}"

    def panic(self, *renderables) -> None:
        """Textual's other crash exit (an error Rich renders itself, a failed input thread): the same as
        `_fatal_error`: save first, one plain sentence, exit code 1, nothing from the error on screen."""
        saved = self._save_before_stopping()
        self.fatal_message = f"mapm stopped because of an unexpected error. {saved}"
        self._return_code = 1
        self._close_messages_no_wait()


def _meeting_screen_class():
    from mapm_tui.screens.meeting import MeetingScreen

    return MeetingScreen


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
