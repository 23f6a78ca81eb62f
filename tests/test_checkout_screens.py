"""The meeting list shows where each meeting is, and takes one offline (o) and back (i): Pilot, on a
SQLite "server" (test_checkout.py runs the core on PostgreSQL too)."""

from __future__ import annotations

import pytest

from mapm_tui import checkout
from mapm_tui.app import MapmApp
from mapm_tui.bundle import import_bundle
from tests import keys
from tests.pilot_helpers import fill, meetings_listed, screen_name, wait_until
from tests.samples import load_sample

SAMPLE = "m-2026-hants-001"
SIZE = (120, 40)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path, clock, templates, monkeypatch):
    """The team's store: an encrypted SQLite file, or a database on the tests' PostgreSQL server (whose
    password a check-in from the laptop finds in PGPASSWORD: the laptop keeps the URL without it)."""
    if request.param == "postgresql":
        from sqlalchemy.engine import make_url

        from mapm_tui.store import open_store

        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("PGPASSWORD", make_url(url).password)
        s = open_store(url, clock)
    else:
        s = keys.open_test_store(tmp_path / "server.db", clock)
    import_bundle(s, load_sample("hampshire-planning.json"), templates)
    yield s
    s.close()


def status_cell(app, meeting_id: str) -> str:
    """The meeting's row as the list shows it, whole."""
    table = app.screen.query_one("#meetings")
    return " | ".join(dict(table.full_rows)[meeting_id])


async def wait_for_list(pilot) -> None:
    await wait_until(pilot, lambda: meetings_listed(pilot.app), "the meetings list")


async def test_a_meeting_is_taken_offline_from_the_list_and_checked_in_from_the_laptops_list(tmp_path, server, clock):
    laptop_path = tmp_path / "laptop.db"
    app = MapmApp(db=None, clock=clock, store=server)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_list(pilot)
        assert "Taken" not in status_cell(app, SAMPLE)
        await pilot.press("o")
        await pilot.pause()
        assert screen_name(pilot) == "AskText"
        await fill(pilot, "#ask-input", str(laptop_path), submit=True)
        assert screen_name(pilot) == "AskText"
        assert app.screen.query_one("#ask-input").password  # the passphrase is not shown
        await fill(pilot, "#ask-input", keys.PASSPHRASE, submit=True)
        # the list is read again in a thread once the meeting is taken
        await wait_until(pilot, lambda: meetings_listed(app) and "Taken by" in status_cell(app, SAMPLE), "Taken by")
    laptop = keys.open_test_store(laptop_path, clock)
    try:
        laptop.set_fields(SAMPLE, {"aim": "agreed at the venue"})
        app = MapmApp(db=None, clock=clock, store=laptop)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_list(pilot)
            assert "Checked out" in status_cell(app, SAMPLE)
            await pilot.press("i")
            await pilot.pause()
            if server.path is not None:
                assert screen_name(pilot) == "AskText"  # the server is an encrypted file: its passphrase
                await fill(pilot, "#ask-input", keys.PASSPHRASE, submit=True)
                await pilot.pause()
            assert not laptop.exists(SAMPLE)
    finally:
        laptop.close()
    assert server.load_meeting(SAMPLE)["aim"] == "agreed at the venue"
    assert checkout.whereabouts(server, clock.utcnow()) == {}


async def test_opening_a_meeting_taken_offline_shows_it_read_only_with_who_and_why(tmp_path, server, clock):
    laptop = keys.open_test_store(tmp_path / "laptop.db", clock)
    try:
        checkout.check_out(
            server,
            laptop,
            SAMPLE,
            holder=checkout.holds.Holder.here("Sam Chair"),
            purpose="to the venue",
            now=clock.utcnow(),
        )
    finally:
        laptop.close()
    app = MapmApp(db=None, clock=clock, store=server, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(SAMPLE, "aim")
        await pilot.pause()
        assert not app.live.editable
        assert "checked out" in app.live.read_only and "Sam Chair" in app.live.read_only
        assert "to the venue" in app.live.read_only
        assert screen_name(pilot) != "AskText"  # a checkout is not offered for take-over
