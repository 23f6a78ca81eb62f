"""A connection to the PostgreSQL server lost mid-meeting loses nothing (issue 13): the server is stopped
under the running app (Pilot), the chair types on, the app says it is NOT SAVED and keeps the text,
retries, and saves it when the server is started again.

This test starts a server of its own (tests/pg_server.py) rather than use the shared one: it stops it.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable

from mapm_tui.app import MapmApp
from mapm_tui.bundle import import_bundle
from mapm_tui.store import open_store
from tests import pg, pg_server
from tests.pilot_helpers import fill, on_show, step_on_show, wait_until
from tests.samples import load_sample

SAMPLE = "m-2026-hants-001"
SIZE = (120, 40)
TYPED = "Typed while the server was down: the family asked for a copy in Polish."


def _postgres_available() -> bool:
    try:
        return (pg_server.bin_dir() / "pg_ctl").exists()
    except (OSError, RuntimeError, SystemExit):
        return False


@pytest.fixture
def own_server():
    """A server only this test uses (it is stopped and started again): its folder and a database URL."""
    if not _postgres_available():
        if pg.required():
            pytest.fail("PostgreSQL's programs are missing, and the PostgreSQL half must run here")
        pytest.skip("PostgreSQL's programs (pg_ctl) are not installed here")
    folder = Path(tempfile.mkdtemp(prefix="mapm-pg-lost-"))  # the postgres user must reach it: not tmp_path
    url = pg_server.start(folder)
    with pg.admin(url) as conn:
        conn.execute('CREATE DATABASE "mapm_lost"')
    yield folder, pg.with_database(url, "mapm_lost")
    pg_server.stop(folder)


def _pg_ctl(folder: Path, *args: str) -> None:
    data = folder.resolve() / "data"
    port = (folder / "port").read_text(encoding="utf-8")
    extra = ["-o", f"-p {port}", "-l", str(folder.resolve() / "log")] if args[0] == "start" else []
    subprocess.run(
        pg_server._as_owner([str(pg_server.bin_dir() / "pg_ctl"), *args, "-w", "-D", str(data)]) + extra,
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def _until(pilot, condition, what: str, ticks: int = 200) -> None:
    """Run autosave ticks until `condition()` holds (each tick retries what is not saved)."""
    for _ in range(ticks):
        pilot.app._autosave_tick()
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError(f"never happened: {what}")


async def test_text_typed_while_the_server_is_down_is_kept_and_saved_when_it_is_back(own_server, clock, templates):
    folder, url = own_server
    store = open_store(url, clock)
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    app = MapmApp(db=None, clock=clock, store=store, save_delay=0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.open_meeting(SAMPLE, "aim")
            await pilot.pause()
            await fill(pilot, "#text-field", "Before the server went.")
            await _until(pilot, lambda: not app.live.autosaver.pending, "the first text saved")

            _pg_ctl(folder, "stop", "-m", "fast")  # the server goes, under the running app
            await fill(pilot, "#text-field", TYPED)
            await _until(pilot, lambda: app.save_error is not None, "the failed save noticed")
            assert app.live.autosaver.pending and app.live.autosaver.unsaved()["field:aim"] == TYPED
            assert "NOT SAVED" in str(app.screen.query_one("#save-state").render())
            await pilot.pause()  # the notification is a message: handled on the next turn
            said = [n.message for n in app._notifications]
            assert "connection to the database server was lost" in app.save_error, app.save_error
            assert any("NOT SAVED" in m and "connection to the database server was lost" in m for m in said), said
            assert app.screen.query_one("#text-field").text == TYPED  # still on screen, editable

            _pg_ctl(folder, "start")  # and comes back
            await _until(pilot, lambda: not app.live.autosaver.pending, "the kept text saved")
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert any("server is back" in m for m in said), said
            assert "Saved" in str(app.screen.query_one("#save-state").render())
    finally:
        store.close()
    again = open_store(url, clock)
    try:
        assert again.load_meeting(SAMPLE)["aim"] == TYPED
    finally:
        again.close()


async def test_a_server_out_of_reach_never_holds_up_the_chairs_screen(pg_url, clock, templates):
    """The laptop's network drops under a running meeting: the server does not refuse, it falls silent,
    and every connect waits out its timeout. Saves ran on the app's thread and each was tried again on every
    autosave tick, so the chair's screen froze for a connect timeout per pending save, again and again.
    Now the first failure holds the saves, the server is asked in a thread whether it answers, and nothing
    waits on it on the app's thread until it does; then what was typed is saved."""
    from sqlalchemy import event
    from sqlalchemy.engine import make_url

    from tests.stall_proxy import StallProxy

    server = make_url(pg_url)
    proxy = StallProxy(server.host or "127.0.0.1", server.port or 5432)
    url = server.set(host="127.0.0.1", port=proxy.port).update_query_dict({"connect_timeout": "2"})
    store = open_store(url.render_as_string(hide_password=False), clock)
    on_the_apps_thread: list[bool] = []  # for each connect: made on the app's thread?
    event.listen(
        store.engine,
        "do_connect",
        lambda *_: on_the_apps_thread.append(threading.current_thread() is threading.main_thread()),
    )
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    app = MapmApp(db=None, clock=clock, store=store, save_delay=0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.open_meeting(SAMPLE, "aim")
            await pilot.pause()
            await fill(pilot, "#text-field", "Before the network went.")
            await _until(pilot, lambda: not app.live.autosaver.pending, "the first text saved")

            proxy.stall()
            await fill(pilot, "#text-field", TYPED)
            await _until(pilot, lambda: app.save_error is not None, "the failed save noticed")
            tried_here = on_the_apps_thread.count(True)
            # the chair types on, for about two seconds of autosave ticks
            for n in range(8):
                await fill(pilot, "#text-field", f"{TYPED} ({n})")
                for _ in range(5):
                    app._autosave_tick()
                    await pilot.pause(0.05)
            # a change asked for by a key (written at once, not autosaved) is refused at once, and steps change
            app.goto_step("attendance")
            await wait_until(pilot, lambda: step_on_show(app) and app.screen.body.step.key == "attendance", "step 3")
            on_show(app, "#people", DataTable).focus()
            await pilot.pause()
            await pilot.press("p")
            await pilot.pause()
            assert "cannot be reached just now" in str(on_show(app, "#person-error").render())
            app.goto_step("aim")
            await wait_until(pilot, lambda: step_on_show(app) and app.screen.body.step.key == "aim", "back at step 4")
            assert on_the_apps_thread.count(True) == tried_here, "a save waited on the silent server"
            assert on_the_apps_thread.count(False) >= 1, "the server was never asked in a thread"
            assert app.live.autosaver.unsaved()["field:aim"] == f"{TYPED} (7)"
            assert "NOT SAVED" in str(app.screen.query_one("#save-state").render())

            proxy.resume()
            await _until(pilot, lambda: not app.live.autosaver.pending, "the kept text saved")
            await pilot.pause()
            assert any("server is back" in n.message for n in app._notifications)
    finally:
        store.close()
        proxy.close()
    again = open_store(pg_url, clock)
    try:
        assert again.load_meeting(SAMPLE)["aim"] == f"{TYPED} (7)"
    finally:
        again.close()
