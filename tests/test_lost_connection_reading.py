"""A connection to the PostgreSQL server lost while READING (issue 13): the server is stopped under the
running app (Pilot) and under a running command. Refreshing the meetings list, searching, opening a
meeting, the case screen, the review and a Word export each say one sentence (what, and to try again),
with no traceback; the app stays usable, and the same action works once the server is back.

The server is one of this module's own (tests/pg_server.py), as in test_lost_connection: it is stopped.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from mapm_tui import cli
from mapm_tui.app import MapmApp
from mapm_tui.bundle import import_bundle
from mapm_tui.store import open_store
from mapm_tui.store_errors import SERVER_GONE
from tests import pg, pg_server
from tests.cli_helpers import mapm
from tests.pilot_helpers import wait_until
from tests.samples import load_sample
from tests.test_lost_connection import _pg_ctl, _postgres_available

SAMPLE = "m-2026-hants-001"
SIZE = (120, 40)


@pytest.fixture
def own_server(clock, templates):
    """A server only this test uses (it is stopped and started again), holding the Hampshire sample:
    its folder and the database's URL."""
    if not _postgres_available():
        if pg.required():
            pytest.fail("PostgreSQL's programs are missing, and the PostgreSQL half must run here")
        pytest.skip("PostgreSQL's programs (pg_ctl) are not installed here")
    folder = Path(tempfile.mkdtemp(prefix="mapm-pg-read-"))  # the postgres user must reach it: not tmp_path
    try:
        url = pg_server.start(folder)
        with pg.admin(url) as conn:
            conn.execute('CREATE DATABASE "mapm_read"')
        url = pg.with_database(url, "mapm_read")
        store = open_store(url, clock)
        try:
            import_bundle(store, load_sample("hampshire-planning.json"), templates)
        finally:
            store.close()
        yield folder, url
    finally:
        pg_server.stop(folder)


def _listening(app) -> list[str]:
    """Every notification the app gives from now on (the app's own list drops those that expired)."""
    said: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return said


async def _says_server_gone(pilot, app, said: list[str], what: str) -> None:
    """Wait for a notification (since `said` was last cleared) saying the server cannot be reached; the app
    still runs."""
    try:
        await wait_until(pilot, lambda: any(SERVER_GONE in message for message in said), what)
    except AssertionError:
        raise AssertionError(f"{what}: {said}") from None
    assert app.is_running and app._exception is None


async def test_reading_with_the_server_down_says_so_and_works_again_when_it_is_back(own_server, clock, tmp_path):
    from mapm_tui.screens.case import CaseScreen
    from mapm_tui.screens.home import HomeScreen
    from mapm_tui.screens.review import ReviewScreen
    from mapm_tui.screens.search import SearchScreen

    folder, url = own_server
    store = open_store(url, clock)
    app = MapmApp(db=None, clock=clock, store=store, save_delay=0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.meetings, "the list")
            said = _listening(app)
            _pg_ctl(folder, "stop", "-m", "fast")

            # the meetings list, refreshed (F5): the sentence; the list shown stays
            said.clear()
            await pilot.press("f5")
            await _says_server_gone(pilot, app, said, "the list's refresh refused")
            assert [m.id for m in app.screen.meetings] == [SAMPLE]

            # search: the sentence under the box, and the box still takes typing
            said.clear()
            await pilot.press("slash")
            await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
            await pilot.press(*"Maisie")
            await _says_server_gone(pilot, app, said, "the search refused")
            assert SERVER_GONE in str(app.screen.query_one("#search-count").render())
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "back home")

            # opening a meeting: the sentence, still on the list, no meeting half-open
            said.clear()
            await pilot.press("enter")
            await _says_server_gone(pilot, app, said, "opening refused")
            assert isinstance(app.screen, HomeScreen) and app.live is None

            # the server is back: the same key opens it; the review is read from the meeting in memory
            _pg_ctl(folder, "start")
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.live is not None and app.live.id == SAMPLE, "the meeting opened")
            app.open_review()
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")

            _pg_ctl(folder, "stop", "-m", "fast")
            # the case screen: the sentence, and back to the review
            said.clear()
            await pilot.press("c")
            await _says_server_gone(pilot, app, said, "the case screen refused")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "back on the review")

            # the Word minutes: the sentence (their record in the audit trail cannot be written), and no file
            said.clear()
            target = tmp_path / "minutes.docx"
            app.screen._write(target, family=False, force=False)
            await _says_server_gone(pilot, app, said, "the export refused")
            assert not target.exists() and any(m.startswith("Not exported") for m in said)

            _pg_ctl(folder, "start")
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen, server back")
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "back on the review")
            app.screen._write(target, family=False, force=False)
            await wait_until(pilot, target.exists, "the minutes written, server back")
    finally:
        store.close()


def test_a_command_whose_server_goes_under_it_says_one_sentence(own_server, monkeypatch, tmp_path):
    """The server stops after the command has connected (its login and opening done), before it reads."""
    folder, url = own_server
    opened = cli._user_name

    def stop_then(*args):
        _pg_ctl(folder, "stop", "-m", "fast")
        return opened(*args)

    monkeypatch.setattr(cli, "_user_name", stop_then)
    for command in (
        ["list"],
        ["search", "Maisie"],
        ["export", SAMPLE, "--format", "json", "-o", str(tmp_path / "b.json")],
    ):
        done = mapm(*command, db=url)
        assert done.returncode == 2, (command, done)
        assert done.stderr == f"mapm: {SERVER_GONE}\n", (command, done.stderr)
        assert pg_server.PASSWORD not in done.stderr
        _pg_ctl(folder, "start")
    monkeypatch.setattr(cli, "_user_name", opened)
    done = mapm("search", "Maisie", db=url)
    assert done.returncode == 0 and SAMPLE in done.stdout, done
