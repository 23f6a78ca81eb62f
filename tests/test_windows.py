"""Windows code paths, run on Linux with the Windows branch forced where that means something (issue 16).

The console close handler is the one that matters most: on Windows, closing the console window ends the
process a few seconds later and no Python signal handler runs, so the text the chair typed since the last
save is lost unless a console control handler saves it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from pathlib import Path

import pytest

from mapm_tui import winconsole

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "hampshire-planning.json"


class FakeKernel32:
    """Stands in for kernel32: keeps what SetConsoleCtrlHandler was given, as Windows would."""

    def __init__(self, accept: bool = True):
        self.accept = accept
        self.registered: list = []

    def SetConsoleCtrlHandler(self, callback, add):  # noqa: N802 - the Windows API's name
        self.registered.append((callback, add))
        return 1 if self.accept else 0


def test_close_logoff_and_shutdown_save_once_each_handler_ctrl_c_is_left_to_python():
    saves = []
    handle = winconsole.make_handler(lambda: saves.append(1))
    assert handle(winconsole.CTRL_C_EVENT) is False
    assert handle(winconsole.CTRL_BREAK_EVENT) is False
    assert saves == []
    assert handle(winconsole.CTRL_CLOSE_EVENT) is True
    assert handle(winconsole.CTRL_SHUTDOWN_EVENT) is True  # the process is ending: saved already
    assert saves == [1]


def test_a_second_close_while_saving_waits_for_the_first_save():
    started, release = threading.Event(), threading.Event()
    saves = []

    def slow_save():
        started.set()
        release.wait(5)
        saves.append(1)

    handle = winconsole.make_handler(slow_save)
    first = threading.Thread(target=handle, args=(winconsole.CTRL_CLOSE_EVENT,))
    first.start()
    started.wait(5)
    answers = []
    second = threading.Thread(target=lambda: answers.append(handle(winconsole.CTRL_LOGOFF_EVENT)))
    second.start()
    second.join(0.2)
    assert second.is_alive(), "the second event returned (and Windows would end the process) before the save"
    release.set()
    first.join(5)
    second.join(5)
    assert saves == [1] and answers == [True]


def test_a_failing_save_still_answers_windows():
    def broken():
        raise OSError("disk gone")

    assert winconsole.make_handler(broken)(winconsole.CTRL_CLOSE_EVENT) is True


def test_install_registers_a_callback_windows_can_call():
    saves = []
    kernel32 = FakeKernel32()
    callback = winconsole.install(lambda: saves.append(1), kernel32=kernel32)
    assert callback is not None and kernel32.registered == [(callback, 1)]
    assert callback in winconsole._installed  # kept alive for as long as the process runs
    assert callback(winconsole.CTRL_C_EVENT) == 0
    assert callback(winconsole.CTRL_CLOSE_EVENT) == 1
    assert saves == [1]


def test_install_does_nothing_off_windows_or_without_a_console():
    assert winconsole.install(lambda: None) is None  # Linux: no kernel32 asked for
    assert winconsole.install(lambda: None, kernel32=FakeKernel32(accept=False)) is None


async def test_closing_the_console_saves_what_the_chair_has_just_typed(store, templates, make_app):
    """The real app with a note typed and not yet saved: Windows calls the handler on its own thread,
    as it does when the console window is closed, and the note is in the database when it returns."""
    from textual.widgets import Input

    from mapm_tui.bundle import import_bundle
    from mapm_tui.launch import install_console_close_handler

    meeting_id = import_bundle(store, json.loads(SAMPLE.read_text(encoding="utf-8")), templates, source=SAMPLE.name)
    note = f"Closed the window {uuid.uuid4().hex[:8]}"
    app = make_app(save_delay=3600)  # no debounced save: only the handler can write the note
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id, "known_before")
        await pilot.pause()
        await pilot.press(*note[:12])
        app.screen.query_one("#capture", Input).insert_text_at_cursor(note[12:])
        assert app.live.autosaver.pending
        assert "capture:known_before" not in store.drafts(meeting_id)
        callback = install_console_close_handler(app, kernel32=FakeKernel32())
        answer = await asyncio.wait_for(asyncio.to_thread(callback, winconsole.CTRL_CLOSE_EVENT), 10)
        assert answer == 1
        assert store.drafts(meeting_id).get("capture:known_before") == note


def test_the_handler_saves_directly_when_the_app_is_not_running():
    from mapm_tui.launch import install_console_close_handler

    class NotRunning:
        saved = 0

        def call_from_thread(self, *_args):
            raise RuntimeError("App is not running")

        def save_everything(self):
            self.saved += 1

    app = NotRunning()
    callback = install_console_close_handler(app, kernel32=FakeKernel32())
    assert callback(winconsole.CTRL_CLOSE_EVENT) == 1
    assert app.saved == 1


@pytest.mark.parametrize("event", [winconsole.CTRL_C_EVENT, winconsole.CTRL_BREAK_EVENT])
def test_ctrl_c_and_break_do_not_save_from_the_console_thread(event):
    saves = []
    callback = winconsole.install(lambda: saves.append(1), kernel32=FakeKernel32())
    assert callback(event) == 0 and saves == []


# -- one atomic private write for every file the app makes --------------------------------------------
def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_private_is_atomic_private_and_keeps_an_existing_file(tmp_path):
    import os

    from mapm_tui import files

    target = tmp_path / "minutes.docx"
    files.write_private(target, b"first")
    assert target.read_bytes() == b"first"
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(files.FileExists, match="already exists"):
        files.write_private(target, b"second")
    assert target.read_bytes() == b"first"
    files.write_private(target, lambda fh: fh.write(b"third"), force=True)
    assert target.read_bytes() == b"third" and _leftovers(tmp_path) == []


def test_a_file_open_in_word_is_one_sentence_not_a_traceback(tmp_path, monkeypatch):
    """Windows refuses to replace a file another program has open: os.replace raises PermissionError."""
    import os

    from mapm_tui import files

    target = tmp_path / "bundle.json"
    target.write_bytes(b"old")

    def locked(*_args):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(files.FileInUse) as caught:
        files.write_private(target, b"new", force=True)
    message = str(caught.value)
    assert "open in another program" in message and "\n" not in message
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_a_full_disk_is_one_sentence_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno
    import os

    from mapm_tui import files

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(files.NoRoom, match="full"):
        files.write_private(tmp_path / "out.json", b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused_by_name(tmp_path):
    from mapm_tui import files

    with pytest.raises(files.NotWritable, match="does not exist"):
        files.write_private(tmp_path / "nowhere" / "out.json", b"x")


def test_what_protects_a_file_is_said_truthfully_on_windows(monkeypatch):
    import os

    from mapm_tui import files

    assert "0600" in files.protection()
    monkeypatch.setattr(os, "name", "nt")
    text = files.protection()
    assert "0600" not in text and "permissions of the folder" in text
