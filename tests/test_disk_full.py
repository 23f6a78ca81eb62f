"""A full disk (or any failed write) never loses what the chair typed (issue 17, "Lost without a word").

The full disk is SQLite's own: `PRAGMA max_page_count` set to the file's current size on every
connection the store checks out makes SQLite refuse to grow the file with a genuine SQLITE_FULL (result
code 13), exactly what a full disk gives, at the store's boundary and without a small file system.
One test also fills a real file: a subprocess whose file size limit (RLIMIT_FSIZE) stops the database
from growing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import event

from mapm_tui import recovery
from mapm_tui.store import StorageFull, WriteFailed, open_store
from tests.pilot_helpers import fill, wait_until

SIZE = (120, 40)
#: long enough to need new pages (overflow pages) in the file
AIM = ("Agree who will visit the family each week and how school will share attendance. " * 120).strip()


class FullDisk:
    """Make the store's database "full" (SQLite refuses to add pages) until `free` is called."""

    def __init__(self, store):
        self.store = store
        self.full = False
        event.listen(store.engine, "checkout", self._checkout)

    def _checkout(self, dbapi_conn, _record, _proxy):
        cur = dbapi_conn.cursor()
        if self.full:
            pages = cur.execute("PRAGMA page_count").fetchone()[0]
            cur.execute(f"PRAGMA max_page_count = {pages}")
        else:
            cur.execute("PRAGMA max_page_count = 1073741823")
        cur.close()

    def fill(self):
        self.full = True

    def free(self):
        self.full = False


def test_a_full_disk_is_a_typed_error_from_sqlites_result_code(store, new_meeting):
    meeting_id = new_meeting("hampshire")
    disk = FullDisk(store)
    disk.fill()
    with pytest.raises(StorageFull) as raised:
        store.set_fields(meeting_id, {"aim": AIM})
    assert "disk is full" in str(raised.value) and "nothing was saved" in str(raised.value)
    disk.free()
    store.set_fields(meeting_id, {"aim": AIM})
    assert store.load_meeting(meeting_id)["aim"] == AIM


async def test_text_typed_on_a_full_disk_is_kept_retried_and_saved_once_there_is_space(make_app, store, new_meeting):
    meeting_id = new_meeting("hampshire")
    disk = FullDisk(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(meeting_id, "aim")
        await pilot.pause()
        disk.fill()
        await fill(pilot, "#text-field", AIM)
        for _ in range(4):  # several autosave ticks: each one retries and fails
            app._autosave_tick()
            await pilot.pause()
        assert app.live.autosaver.pending, "the unsaved text was dropped"
        header = str(app.screen.query_one("#save-state").render())
        assert "NOT SAVED" in header
        assert isinstance(app.live.autosaver.unsaved(), dict) and app.live.autosaver.unsaved()["field:aim"] == AIM
        assert not store.load_meeting(meeting_id).get("aim")

        disk.free()
        app._autosave_tick()
        await pilot.pause()
        assert not app.live.autosaver.pending
        assert "Saved" in str(app.screen.query_one("#save-state").render())
    assert store.load_meeting(meeting_id)["aim"] == AIM


async def test_quitting_with_unsaved_text_offers_a_recovery_file_and_the_next_start_puts_it_back(
    make_app, store, new_meeting
):
    meeting_id = new_meeting("hampshire")
    disk = FullDisk(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(meeting_id, "aim")
        await pilot.pause()
        disk.fill()
        await fill(pilot, "#text-field", AIM)
        app._autosave_tick()
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running, "the app left silently with unsaved text"
        question = str(app.screen.query_one("#question").render())
        assert "NOT saved" in question and "recovery file" in question
        app.screen.GRACE = 0
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running
    files = recovery.find(store.path)
    assert len(files) == 1
    kept = files[0]
    assert kept.path.parent == store.path.parent
    assert kept.path.stat().st_mode & 0o777 == 0o600
    assert kept.changes["field:aim"] == AIM and kept.meeting_id == meeting_id
    assert str(kept.path) in app.fatal_message

    disk.free()
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        # the home screen opens the store in a thread, then offers the file
        await wait_until(pilot, lambda: type(again.screen).__name__ == "Confirm", "the offer of the kept file")
        assert "Put it back" in str(again.screen.query_one("#yes").render())
        again.screen.GRACE = 0
        await pilot.press("y")
        await pilot.pause()
    assert store.load_meeting(meeting_id)["aim"] == AIM
    assert not kept.path.exists()


async def test_a_value_the_store_refuses_for_good_is_still_dropped(make_app, store, new_meeting):
    """Only write failures are kept: a value the schema refuses is not retried for ever."""
    meeting_id = new_meeting("hampshire")
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(meeting_id, "aim")
        await pilot.pause()
        app.live.set_field("meeting_type", "not-a-meeting-type")
        app._autosave_tick()
        await pilot.pause()
        assert not app.live.autosaver.pending


REAL_DISK = textwrap.dedent(
    """
    import json, resource, signal, sys
    from mapm_tui.store import open_store, StoreError, WriteFailed
    from mapm_tui.agenda import shipped_templates
    import datetime as dt
    store = open_store(sys.argv[1])
    meeting_id = store.create_meeting(shipped_templates()["hampshire"], dt.date(2026, 11, 24))
    size = __import__("os").path.getsize(sys.argv[1] + "-wal")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8192, resource.RLIM_INFINITY))
    outcome = None
    for n in range(200):
        try:
            store.set_fields(meeting_id, {"aim": "x" * 19000 + str(n)})
        except WriteFailed as exc:
            outcome = [type(exc).__name__, str(exc), n]
            break
    print(json.dumps(outcome))
    """
)


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX only")
def test_a_real_file_that_cannot_grow_gives_a_typed_write_failure(tmp_path):
    """The real disk: the operating system refuses to let the file grow (RLIMIT_FSIZE), as a full disk
    does. A loop-mounted or size-limited file system is not available here; this is the closest."""
    db = tmp_path / "real.db"
    run = subprocess.run(
        [sys.executable, "-c", REAL_DISK, str(db)], capture_output=True, text=True, timeout=120, cwd=os.getcwd()
    )
    assert run.returncode == 0, run.stderr[-2000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome is not None, "the file grew past its limit without an error"
    kind, message, _n = outcome
    assert kind in ("StorageFull", "WriteFailed") and "nothing was saved" in message
    assert issubclass(StorageFull, WriteFailed)
    # nothing written half: the file opens and the meeting reads back
    reopened = open_store(db)
    try:
        assert reopened.list_meetings()
    finally:
        reopened.close()


async def test_a_crash_on_a_full_disk_never_claims_the_text_was_saved(make_app, store, new_meeting, monkeypatch):
    """Before: the crash sentence said 'Everything you typed up to now was saved.' whatever happened."""
    from mapm_tui.screens.steps.text import TextStep

    meeting_id = new_meeting("hampshire")
    disk = FullDisk(store)

    def broken(self, _event) -> None:
        raise RuntimeError("forced for the test")

    app = make_app(save_delay=3600)
    with pytest.raises(RuntimeError, match="forced for the test"):
        async with app.run_test(size=SIZE) as pilot:
            app.open_meeting(meeting_id, "aim")
            await pilot.pause()
            disk.fill()
            await fill(pilot, "#text-field", AIM)
            monkeypatch.setattr(TextStep, "on_descendant_blur", broken)
            app.screen.query_one("#text-field").blur()
            await pilot.pause()
    assert app.return_code == 1
    assert "was saved" not in app.fatal_message and "could not be saved" in app.fatal_message
    files = recovery.find(store.path)
    assert len(files) == 1 and str(files[0].path) in app.fatal_message
    assert files[0].changes["field:aim"] == AIM


async def test_leaving_a_meeting_with_unsaved_text_writes_it_to_a_recovery_file(make_app, store, new_meeting):
    """Before: going home (or to another meeting) replaced the autosaver and its failed saves with it."""
    meeting_id = new_meeting("hampshire")
    disk = FullDisk(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(meeting_id, "aim")
        await pilot.pause()
        disk.fill()
        await fill(pilot, "#text-field", AIM)
        app.close_meeting()
        await pilot.pause()
        files = recovery.find(store.path)
        assert len(files) == 1 and files[0].changes["field:aim"] == AIM
        assert any(str(files[0].path) in n.message and "NOT saved" in n.message for n in app._notifications)
