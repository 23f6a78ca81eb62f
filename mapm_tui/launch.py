"""Starting the app from the command line: the demo copy, signals, and a crash that saves first.

Kept apart from `cli.py` so the scripting commands never import Textual, and apart from `app.py` so
the app itself stays a router.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from pathlib import Path

from .demo import demo_database


def run_app(db: str | None, demo: bool = False, passphrase_file: Path | None = None) -> int:
    """The app on `db`; the demo on a throw-away, unencrypted copy of the samples (no passphrase)."""
    if not demo:  # a team's server: its password is asked here, at the terminal, before the app starts
        from .pgserver import login_at_terminal

        login_at_terminal(db)
    from .passphrase import start_unlocker  # here, as before: nothing of the database is imported for the demo

    unlocker = None if demo else start_unlocker(db, passphrase_file)
    from .app import MapmApp

    demo_path = demo_database() if demo else None

    def remove_demo() -> None:
        if demo_path is not None:
            shutil.rmtree(demo_path.parent, ignore_errors=True)

    app = MapmApp(db=str(demo_path) if demo_path else db, demo=demo, unlocker=unlocker)
    _install_signal_handlers(app, on_hangup=remove_demo)
    install_console_close_handler(app)
    unsaved = None
    try:
        app.run()
    finally:
        unsaved = _save_after_run(app)
        remove_demo()
    if app.fatal_message:
        print(app.fatal_message, file=sys.stderr)
    elif unsaved:
        print(unsaved, file=sys.stderr)
    return app.return_code or 0


def _save_after_run(app) -> str | None:
    """Write whatever is still pending once the app has stopped, however it stopped.

    A quit, a signal and `_fatal_error` save before the app closes, but Textual's other way out, `panic`
    (an exception that renders itself, such as a CSS error, or a failed input thread), saves nothing.
    Returns a sentence for the chair if something could not be written.
    """
    live = getattr(app, "live", None)
    if live is None:
        return None
    failures: list[Exception] = []
    saver = live.autosaver
    saver.on_saved = None  # the screens are gone: there is no "Saved" to show

    def keep(exc: Exception) -> bool:  # keep it (for the recovery file); report below
        failures.append(exc)
        return True

    saver.on_error = keep
    try:
        live.leave_step()  # flushes, then adds the time on the current step (a no-op if already left)
    except Exception as exc:  # the app has stopped: whatever the failure, the unsaved text goes to a recovery file
        failures.append(exc)
    if failures:
        return _recovery_sentence(app, failures[0])
    app.release_hold()  # the meeting is free for another window (kept while text is unsaved)
    return None


def _recovery_sentence(app, failure: Exception) -> str:
    """Text still unsaved as the app stops (a signal, a crash): it goes to a recovery file, never lost
    without a word; the sentence says where (or that it could not be written)."""
    path, problem = app.write_recovery_file()
    if path is not None:
        return (
            f"mapm could not save your last changes ({failure}); they were written to {path} "
            "and are offered back next time."
        )
    return f"mapm could not save the last few seconds of typing: {failure} {problem or ''}".strip()


def _install_signal_handlers(app, on_hangup=None) -> None:
    """Save everything on SIGTERM and SIGHUP (a closed terminal); Textual installs no SIGHUP handler.

    The handler itself only schedules the work: Python runs it on the main thread between any two
    bytecodes, which may be in the middle of a save (saving again from there would wait on the write
    lock that save holds, and a SIGHUP exit would drop it) or between a keystroke and its `Changed`
    message reaching the screen that saves it. So the handler asks the event loop to run `finish`:
    it lets the messages already in flight arrive (`_settle`), saves, and leaves. On a hang-up the
    terminal is gone: stdin, stdout and stderr are pointed at the null device at once, so that drawing
    neither fails nor blocks meanwhile.
    On Windows a console close is a console control event that no Python signal handler sees in time:
    `install_console_close_handler` saves on it. SIGBREAK (Ctrl+Break) is handled here like SIGTERM.
    A hang-up ends the process at once (`os._exit`: no `finally` runs), so `on_hangup` (the demo's removal
    of its throw-away database) is called just before.
    """
    import asyncio

    hangup = getattr(signal, "SIGHUP", None)
    under_way: list = []  # not empty once a signal is being handled; holds the finishing task

    def leave(signum: int) -> None:
        if signum == hangup:
            if on_hangup is not None:
                on_hangup()
            os._exit(128 + signum)  # nothing left to draw on or restore, and the data is committed
        app.exit(return_code=128 + signum)

    async def finish(signum: int) -> None:
        try:
            await _settle(app)
        finally:
            try:
                app.save_everything()
            finally:
                # whatever became of that (a fault nobody foresaw included), what is still unsaved is kept
                # now: a hang-up leaves at once
                try:
                    if app.live is not None and app.live.autosaver.pending:
                        app.write_recovery_file()
                finally:
                    leave(signum)

    def on_signal(signum, _frame):
        if signum == hangup:
            _detach_from_terminal()
        if under_way:  # already saving and leaving
            return
        under_way.append(signum)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app's loop is not running (yet, or any more): save here
            app.save_everything()
            raise SystemExit(128 + signum) from None

        def start() -> None:
            under_way.append(loop.create_task(finish(signum)))  # a strong reference to the task

        loop.call_soon_threadsafe(start)

    for name in ("SIGTERM", "SIGHUP", "SIGBREAK"):
        sig = getattr(signal, name, None)
        if sig is not None:
            with contextlib.suppress(ValueError, OSError):  # not the main thread, or not allowed here
                signal.signal(sig, on_signal)


def install_console_close_handler(app, *, kernel32=None):
    """Windows: save everything when the console window is closed (see `winconsole`). Returns the callback
    registered with Windows, or None off Windows; tests pass a stand-in `kernel32` to run it on Linux."""
    from . import winconsole

    def save() -> None:  # runs on the thread Windows calls the handler on, not the app's
        try:
            app.call_from_thread(_settle_then_save, app)
        except RuntimeError:  # the app's loop is not running (yet, or any more): save from here
            app.save_everything()

    return winconsole.install(save, kernel32=kernel32)


async def _settle_then_save(app) -> None:
    try:
        await _settle(app)
    finally:
        app.save_everything()


async def _settle(app, timeout: float = 2.0) -> None:
    """Wait until the messages queued in the app and its screens have been handled (at most `timeout`).

    A keystroke changes a field at once, but the field's `Changed` message climbs to the screen that
    saves it one widget per turn: each round waits until every widget has handled what was queued
    for it when the round began, and there is one round per level of the widget tree.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    nodes = [app]  # with no screen yet, only the app's own queue
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    for _round in range(max(len(node.ancestors) for node in nodes) + 1):
        handled = []
        for node in nodes:
            event = asyncio.Event()
            if node.call_later(event.set):  # runs once `node` has handled what is queued before it
                handled.append(event)
        if not handled:
            return
        try:
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in handled)), max(0.0, deadline - loop.time()))
        except TimeoutError:
            return


def _detach_from_terminal() -> None:
    """Point stdin, stdout and stderr at the null device (the terminal has hung up).

    Textual's writer thread dies on its first failed write and its queue then fills and blocks the
    app; Textual's SIGCONT handler (the kernel sends SIGCONT with SIGHUP) would redraw on the dead
    terminal. Neither may get in the way of saving.
    """
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass
    if hasattr(signal, "SIGCONT"):
        signal.signal(signal.SIGCONT, lambda *_: None)
