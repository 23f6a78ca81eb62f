"""The home screen's quick list (sqlite3, before SQLAlchemy loads) says exactly what the store says, and
steps aside whenever it does not apply; keys pressed before the store is open are not lost."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from mapm_tui.listing import quick_list
from tests import keys
from tests.pilot_helpers import wait_until


@pytest.fixture
def demo_store(store, templates):
    from mapm_tui.demo import load_demo

    load_demo(store, templates)
    return store


def db_path(store) -> str:
    return store.engine.url.database


def test_quick_list_is_the_store_list(demo_store):
    meetings = demo_store.list_meetings()
    assert len(meetings) >= 3
    assert any(m.open_actions for m in meetings) and any(", " in m.subjects for m in meetings)
    assert quick_list(db_path(demo_store), key=keys.key()) == (meetings, len(meetings))
    # the newest two, and how many there are; the store says the same
    assert quick_list(db_path(demo_store), 2, key=keys.key()) == (meetings[:2], len(meetings))
    assert demo_store.list_meetings(limit=2) == meetings[:2] and demo_store.count_meetings() == len(meetings)
    assert quick_list(db_path(demo_store), len(meetings) + 1, key=keys.key()) == (meetings, len(meetings))
    case_ref = meetings[0].case_ref
    assert demo_store.list_meetings(case_ref=case_ref) == [m for m in meetings if m.case_ref == case_ref]


def test_subjects_are_listed_in_their_order(store, new_meeting):
    meeting_id = new_meeting()
    for name in ("Zoe Amber", "Adam Amber", "Mia Amber"):
        store.add_item(meeting_id, "subjects", {"name": name, "kind": "child"})
    [summary] = store.list_meetings()
    assert summary.subjects == "Zoe Amber, Adam Amber, Mia Amber"
    assert quick_list(db_path(store), key=keys.key()) == ([summary], 1)


def test_quick_list_steps_aside(tmp_path, demo_store):
    assert quick_list(tmp_path / "missing.db") is None  # the store creates it
    assert not (tmp_path / "missing.db").exists()
    assert quick_list("postgresql://team/meetings") is None
    (tmp_path / "notes.txt").write_text("not a database")
    assert quick_list(tmp_path / "notes.txt") is None
    path = db_path(demo_store)
    demo_store.close()
    con = keys.connect_raw(path)
    con.execute("UPDATE alembic_version SET version_num = '0002'")  # an older schema: the store migrates it
    con.commit()
    con.close()
    assert quick_list(path, key=keys.key()) is None
    if keys.encrypted():  # an encrypted file without its key: steps aside too (the store then says why)
        assert quick_list(db_path(demo_store)) is None


def test_quick_list_does_not_load_sqlalchemy(demo_store):
    code = (
        "import sys; from mapm_tui.listing import quick_list; from mapm_tui.crypto import derive_key; "
        f"key = derive_key({keys.PASSPHRASE!r}, {keys.SALT!r}) if {keys.encrypted()} else None; "
        f"assert quick_list({db_path(demo_store)!r}, key=key); "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_enter_before_the_store_is_open_opens_the_meeting(demo_store, clock, monkeypatch):
    from mapm_tui.app import MapmApp

    path = db_path(demo_store)
    expected = demo_store.list_meetings()
    demo_store.close()
    app = MapmApp(db=path, clock=clock)
    release = threading.Event()
    open_store = app.open_store

    def slow_open_store():
        release.wait(10)
        return open_store()

    monkeypatch.setattr(app, "open_store", slow_open_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.meetings, "the quick list")
        home = app.screen
        assert [m.id for m in home.meetings] == [
            m.id for m in sorted(expected, key=lambda m: m.date != clock.today().isoformat())
        ]
        assert app.store is None
        await pilot.press("enter")  # before the store is open
        assert app.live is None and app.screen is home
        release.set()
        await wait_until(pilot, lambda: app.live is not None, "the meeting to open")
        assert app.live is not None and app.live.id == home.meetings[0].id
        # let the meeting's screen finish mounting before the app is torn down
        await wait_until(pilot, lambda: app.screen is not home and app.screen.is_mounted, "the meeting's screen")
        await pilot.pause()
        app.save_everything()
    app.store.close()


async def test_home_lists_the_newest_meetings_and_says_how_many_there_are(demo_store, clock, monkeypatch):
    """A big database lists its newest meetings (mapm_tui.screens.home.LIMIT), says how many there are in all and
    that search covers them; the chair's own meeting of today still comes first."""
    from mapm_tui.app import MapmApp
    from mapm_tui.screens import home

    everything = demo_store.list_meetings()
    monkeypatch.setattr(home, "LIMIT", 2)
    for quick in (True, False):  # read with sqlite3 before the store opens, or from the store
        app = MapmApp(db=db_path(demo_store), clock=clock)
        if not quick:
            monkeypatch.setattr(app, "quick_meetings", lambda limit=None: None)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda a=app: a.screen.meetings and a.store is not None, "the list and the store")
            screen = app.screen
            assert [m.id for m in screen.meetings] == [m.id for m in everything[:2]]
            assert screen.query_one("#meetings").row_count == 2
            hint = str(screen.query_one("#home-hint").content)
            assert f"The newest 2 of {len(everything)} meetings: / searches them all." in hint
        app.store.close()
