"""A read-only database file (0400) or folder opens read-only, says so, never claims a save that did not
happen, and is never made writable again behind the user's back (issue 17)."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from mapm_tui.app import MapmApp
from mapm_tui.store import ReadOnlyDatabase, WriteFailed, open_store
from tests.samples import load_sample

MEETING = "m-2026-hants-001"
SIZE = (120, 40)

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path, templates):
    from mapm_tui.bundle import import_bundle

    path = tmp_path / "meetings.db"
    store = open_store(path)
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    store.close()
    return path


@posix_only
def test_a_0400_database_opens_read_only_and_stays_0400(db, clock):
    os.chmod(db, 0o400)
    before = digest(db)
    store = open_store(db, clock)
    try:
        assert store.read_only and "read-only" in store.read_only
        assert store.load_meeting(MEETING)["id"] == MEETING
        with pytest.raises(ReadOnlyDatabase) as raised:
            store.set_fields(MEETING, {"aim": "Not to be written."})
        assert isinstance(raised.value, WriteFailed) and "read-only" in str(raised.value)
    finally:
        store.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o400, "the user's read-only file was made writable"
    assert digest(db) == before


@posix_only
def test_a_read_only_folder_opens_read_only(db, clock):
    folder = db.parent
    os.chmod(folder, 0o500)
    try:
        store = open_store(db, clock)
        try:
            assert store.read_only and str(folder) in store.read_only
            with pytest.raises(ReadOnlyDatabase):
                store.set_fields(MEETING, {"aim": "Not to be written."})
        finally:
            store.close()
    finally:
        os.chmod(folder, 0o700)


@posix_only
def test_a_group_readable_file_is_made_private_but_never_given_write_back(db):
    os.chmod(db, 0o640)
    open_store(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    os.chmod(db, 0o444)
    open_store(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o400


@posix_only
async def test_the_app_opens_a_meeting_read_only_says_so_and_never_claims_a_save(db, clock):
    os.chmod(db, 0o400)
    before = digest(db)
    store = open_store(db, clock)
    app = MapmApp(db=None, clock=clock, store=store, save_delay=0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.open_meeting(MEETING, "aim")
            await pilot.pause()
            assert not app.live.editable
            area = app.screen.query_one("#text-field")
            assert area.read_only
            assert "READ-ONLY" in str(app.screen.query_one("#save-state").render())
            assert any("read-only" in n.message for n in app._notifications)
            app.goto_step(app.live.steps[5].key)  # moving between steps writes nothing
            await pilot.pause()
            app.goto_step("aim")
            await pilot.pause()
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.return_code in (0, None) and not app.fatal_message
    finally:
        store.close()
    assert digest(db) == before


@posix_only
def test_a_read_only_database_that_needs_upgrading_says_so_and_is_not_blamed(tmp_path, capsys):
    from mapm_tui import cli
    from tests.test_migrations import _migrate

    old = tmp_path / "old.db"
    _migrate(old, "0004")
    os.chmod(old, 0o400)
    before = digest(old)
    code = cli.main(["--db", str(old), "list"])
    err = capsys.readouterr().err
    assert code == 2 and "read-only" in err and "upgrading" in err
    assert "check the file is a mapm database" not in err
    assert digest(old) == before and stat.S_IMODE(old.stat().st_mode) == 0o400
