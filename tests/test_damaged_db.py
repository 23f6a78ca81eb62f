"""A damaged or foreign database file, backups and restore (issue 17).

A file that is not ours is refused before anything is written to it (never migrated); a damaged one
gives one sentence for every command, naming the newest good backup; `mapm backup` / `mapm restore`
put a good copy back. The commands run in-process through `cli.main` (one sentence on stderr, the exit
code), and once through a real subprocess.

These are SQLite's files; the PostgreSQL analogues (a server's database of another program, an older
schema) are at the end, and a server's damaged rules are check-db's (test_check_db_server).
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys

import pytest

from mapm_tui import backup, cli, migrations
from mapm_tui.crypto import WrongPassphrase, derive_key, file_salt
from mapm_tui.db import APPLICATION_ID, SQLITE_HEADER, DamagedDatabase, ForeignDatabase
from mapm_tui.store import open_store
from tests import keys
from tests.pilot_helpers import wait_until
from tests.samples import load_sample, sample_names

MEETING = "m-2026-hants-001"
#: every command, with arguments that would do something on a sound database
COMMANDS = [
    ["list"],
    ["export", MEETING, "--format", "json", "-o", "{tmp}/out.json"],
    ["export", MEETING, "-o", "{tmp}/out.docx"],
    ["check", MEETING],
    ["finalise", MEETING, "--by", "A Chair"],
    ["reopen", MEETING, "--by", "A Chair", "--reason", "typo"],
    ["next", MEETING],
    ["search", "housing"],
    ["actions"],
    ["import", "{tmp}/bundle.json"],
    ["backup"],
]


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> bool:
    lines = [line for line in err.splitlines() if line.strip()]
    return len(lines) == 1 and lines[0].startswith("mapm: ") and "Traceback" not in err


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(tmp_path, templates):
    """A database of ours with the samples in it, closed (its WAL checkpointed into the file)."""
    import json

    from mapm_tui.bundle import import_bundle

    db = tmp_path / "meetings.db"
    store = open_store(db)
    for name in sample_names():
        import_bundle(store, load_sample(name), templates)
    store.close()
    (tmp_path / "bundle.json").write_text(json.dumps(load_sample("hampshire-planning.json")), encoding="utf-8")
    return db


# -- ours or not ------------------------------------------------------------------------------------
def test_a_new_database_carries_our_application_id(tmp_path):
    open_store(tmp_path / "new.db").close()
    con = sqlite3.connect(tmp_path / "new.db")
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


@pytest.mark.parametrize("app_id", [0, 0x12345678])
def test_a_foreign_sqlite_database_is_refused_and_never_migrated(tmp_path, capsys, app_id):
    foreign = tmp_path / "notes.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO note (body) VALUES ('someone else''s data')")
    con.execute(f"PRAGMA application_id = {app_id}")
    con.commit()
    con.close()
    before = digest(foreign)
    with pytest.raises(ForeignDatabase):
        open_store(foreign)
    code, _out, err = run(capsys, "--db", foreign, "list")
    assert code == 2 and one_sentence(err) and "not a mapm database" in err
    assert digest(foreign) == before
    tables = {r[0] for r in sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master")}
    assert tables == {"note"}, "tables were added to another program's database"


def test_a_database_of_ours_from_before_the_id_is_recognised_and_given_it(tmp_path):
    from tests.test_migrations import _migrate

    db = tmp_path / "old.db"
    _migrate(db, "0004")
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0
    con.close()
    open_store(db).close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrations.HEAD


# -- damaged ----------------------------------------------------------------------------------------
def _truncate(db):
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _zero_first_page(db):
    data = bytearray(db.read_bytes())
    data[:4096] = bytes(4096)
    db.write_bytes(bytes(data))


def _random_file(db):
    db.write_bytes(random.Random(17).randbytes(64 * 1024))


def _zero_tail(db):
    data = bytearray(db.read_bytes())
    cut = len(data) // 2 // 4096 * 4096
    data[cut:] = bytes(len(data) - cut)
    db.write_bytes(bytes(data))


def _flip_pages(db):
    data = bytearray(db.read_bytes())
    rng = random.Random(4)
    for page in rng.sample(range(2, len(data) // 4096), 4):
        for i in range(page * 4096, page * 4096 + 4096, 7):
            data[i] ^= 0xA5
    db.write_bytes(bytes(data))


DAMAGE = {
    "truncated": _truncate,
    "zeroed first page": _zero_first_page,
    "random file": _random_file,
    "zeroed tail": _zero_tail,
    "flipped pages": _flip_pages,
}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_database_is_one_sentence_for_every_command(filled, tmp_path, capsys, how, monkeypatch):
    assert not (tmp_path / "meetings.db-wal").exists()
    DAMAGE[how](filled)
    before = digest(filled)
    if filled.read_bytes().startswith(SQLITE_HEADER):
        with pytest.raises(DamagedDatabase):
            open_store(filled)
    else:  # without its header the file looks encrypted: a passphrase then cannot open it, or it is damaged
        monkeypatch.setenv("MAPM_PASSPHRASE", keys.PASSPHRASE)
        with pytest.raises(WrongPassphrase, match="the file is damaged"):
            open_store(filled, key=derive_key(keys.PASSPHRASE, file_salt(filled)))
    for args in COMMANDS:
        args = [a.replace("{tmp}", str(tmp_path)) for a in args]
        code, _out, err = run(capsys, "--db", filled, *args)
        assert code == 2, (args, code, err)
        assert one_sentence(err), (args, err)
        assert "damaged" in err and "sqlalchemy" not in err
    assert digest(filled) == before, "a damaged file was written to"


def test_a_damaged_database_names_its_newest_good_backup_and_restore_puts_it_back(filled, tmp_path, capsys):
    code, out, _err = run(capsys, "--db", filled, "backup")
    assert code == 0
    taken = backup.list_backups(filled)
    assert len(taken) == 1 and out.strip() == str(taken[0].path)
    assert taken[0].path.stat().st_mode & 0o777 == 0o600
    assert taken[0].path.parent.stat().st_mode & 0o777 == 0o700

    _zero_tail(filled)
    code, _out, err = run(capsys, "--db", filled, "list")
    assert code == 2 and one_sentence(err)
    assert f"The newest good backup is {taken[0].path}" in err and "mapm --db" in err and "restore" in err

    code, _out, err = run(capsys, "--db", filled, "check-db")
    assert code == 1 and str(taken[0].path) in err

    code, out, _err = run(capsys, "--db", filled, "restore", taken[0].path)
    assert code == 0, _err
    aside = [p for p in tmp_path.glob("meetings.db.before-restore-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and str(aside[0]) in out
    code, out, _err = run(capsys, "--db", filled, "list", "--format", "json")
    assert code == 0 and MEETING in out
    code, out, _err = run(capsys, "--db", filled, "check-db")
    assert code == 0 and "no problems found" in out


def test_restore_refuses_a_damaged_backup_and_changes_nothing(filled, tmp_path, capsys):
    bad = tmp_path / "bad-backup.db"
    bad.write_bytes(filled.read_bytes())
    _flip_pages(bad)
    before = digest(filled)
    code, _out, err = run(capsys, "--db", filled, "restore", bad)
    assert code == 2 and one_sentence(err) and "Nothing was changed" in err
    assert digest(filled) == before
    assert not list(tmp_path.glob("meetings.db.before-restore-*"))
    code, _out, err = run(capsys, "--db", filled, "restore", tmp_path / "bundle.json")
    assert code == 2 and one_sentence(err)


def test_backups_rotate_keeping_the_newest(filled, clock):
    import datetime as dt

    store = open_store(filled, clock)
    try:
        for hour in range(5):
            backup.backup_store(store, "daily", keep=3, now=clock.utcnow() + dt.timedelta(hours=hour))
    finally:
        store.close()
    kept = backup.list_backups(filled)
    assert [b.taken_at.hour for b in kept] == [14, 13, 12]
    assert backup.newest_good_backup(filled) == kept[0]
    assert not backup.daily_due(filled, kept[0].taken_at + dt.timedelta(hours=23))
    assert backup.daily_due(filled, kept[0].taken_at + dt.timedelta(hours=24))


def test_a_backup_is_taken_while_another_connection_writes(filled, clock, templates):
    """The online backup API copies a consistent database while the app goes on writing."""
    writer = open_store(filled, clock)
    reader = open_store(filled, clock)
    try:
        meeting = writer.create_meeting(templates["hampshire"], clock.today())
        writer.set_fields(meeting, {"aim": "Written before the backup."})
        path = backup.backup_store(reader, "manual")
        writer.set_fields(meeting, {"aim": "Written after the backup."})
    finally:
        writer.close()
        reader.close()
    copy = open_store(path)
    try:
        assert copy.load_meeting(meeting)["aim"] == "Written before the backup."
    finally:
        copy.close()


def test_the_real_command_says_one_sentence_for_a_random_file(tmp_path):
    db = tmp_path / "random.db"
    _random_file(db)
    run_ = subprocess.run(
        [sys.executable, "-m", "mapm_tui.cli", "--db", str(db), "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert run_.returncode == 2
    assert one_sentence(run_.stderr) and "damaged" in run_.stderr


async def test_the_app_checks_the_file_after_opening_and_never_backs_up_a_damaged_one(filled, clock):
    from mapm_tui.app import MapmApp

    store = open_store(filled, clock)
    backup.backup_store(store, "manual")
    store.close()
    good = backup.list_backups(filled)
    _flip_pages(filled)
    store = open_store(filled, clock, quick_check=False)  # what the app does: the check comes after
    app = MapmApp(db=None, clock=clock, store=store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.database_problem, "the check after opening")
            await app.workers.wait_for_complete()
            assert app.database_problem and "damaged" in app.database_problem
            assert f"The newest good backup is {good[0].path}" in app.database_problem
            assert any(n.message == app.database_problem for n in app._notifications)
            with pytest.raises(backup.BackupError):
                backup.backup_store(store, "meeting-end")
    finally:
        store.close()
    assert backup.list_backups(filled) == good, "a damaged file was backed up"


async def test_the_app_backs_up_once_a_day_and_at_each_meetings_end(filled, clock):
    from mapm_tui.app import MapmApp

    store = open_store(filled, clock)
    store.set_status(MEETING, "in_progress")
    app = MapmApp(db=None, clock=clock, store=store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            # the daily backup follows the check after opening, in a thread
            await wait_until(pilot, lambda: backup.list_backups(filled), "the daily backup")
            await app.workers.wait_for_complete()
            assert [b.reason for b in backup.list_backups(filled)] == ["daily"]
            app.open_meeting(MEETING, "aim")
            await pilot.pause()
            clock.advance(60)
            app.live.set_status("in_review")  # the chair ends the meeting
            await app.workers.wait_for_complete()
            await pilot.pause()
    finally:
        store.close()
    taken = backup.list_backups(filled)
    assert [b.reason for b in taken] == ["meeting-end", "daily"]
    copy = open_store(taken[0].path)
    try:
        assert copy.meeting_row(MEETING).status == "in_review"
    finally:
        copy.close()


def test_restore_refuses_while_a_window_is_editing_the_database(filled, capsys):
    from mapm_tui import holds
    from mapm_tui.clock import Clock

    store = open_store(filled)
    copy = backup.backup_store(store, "manual")
    hold = holds.acquire(store.engine, MEETING, holds.Holder.here("Sam Chair"), holds.new_token(), Clock().utcnow())
    before = digest(filled)
    try:
        code, _out, err = run(capsys, "--db", filled, "restore", copy)
        assert code == 2 and one_sentence(err) and "Sam Chair" in err and "close it first" in err
        assert digest(filled) == before
        holds.release(store.engine, hold)
        code, _out, err = run(capsys, "--db", filled, "restore", copy)
        assert code == 0, err
    finally:
        store.close()


@pytest.mark.parametrize("how", ["truncated", "zeroed tail", "random file"])
async def test_the_app_on_a_damaged_file_says_one_sentence_on_its_home_screen(filled, clock, how):
    from mapm_tui.app import MapmApp

    DAMAGE[how](filled)
    app = MapmApp(db=str(filled), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "could not be opened" in str(app.screen.query_one("#home-hint").render()))
        hint = str(app.screen.query_one("#home-hint").render())
        assert "could not be opened" in hint and "is damaged" in hint
        assert "sqlalchemy" not in hint and "SQL:" not in hint
        await pilot.press("ctrl+q")


@pytest.mark.skipif(not keys.encrypted(), reason="an encrypted database (MAPM_TEST_ENCRYPTED=0)")
def test_an_encrypted_database_damaged_on_page_one_says_passphrase_or_damage_and_names_the_backup(
    tmp_path, templates, capsys
):
    """SQLCipher cannot tell a damaged first page from a wrong passphrase (its HMAC fails either way): the
    sentence says both, names the newest backup, and nothing is written; the backup is encrypted too."""
    from mapm_tui.bundle import import_bundle

    db = tmp_path / "meetings.db"
    store = keys.open_test_store(db)
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    store.close()
    code, out, err = run(capsys, "--db", db, "backup")
    assert code == 0, err
    [taken] = backup.list_backups(db)
    assert not taken.path.read_bytes().startswith(SQLITE_HEADER)  # the backup is encrypted as well
    data = bytearray(db.read_bytes())
    data[100:4096] = bytes(4096 - 100)  # page 1's content and HMAC, the salt kept
    db.write_bytes(bytes(data))
    before = digest(db)
    code, _out, err = run(capsys, "--db", db, "list")
    assert code == 2 and one_sentence(err), err
    assert "not the passphrase" in err and "the file is damaged" in err
    assert f"the newest backup is {taken.path}" in err and f"mapm --db {db} restore {taken.path}" in err
    assert keys.PASSPHRASE not in err
    with pytest.raises(WrongPassphrase, match="the file is damaged"):
        open_store(db, key=keys.key_for(db))
    assert digest(db) == before
    code, _out, err = run(capsys, "--db", db, "restore", taken.path)
    assert code == 0, err
    code, out, _err = run(capsys, "--db", db, "list", "--format", "json")
    assert code == 0 and MEETING in out


# -- the same promises on a team's PostgreSQL server (issue 13) -------------------------------------------
# A server keeps its own pages (no page to damage from here; its administrators' backups restore it), so
# what a file's header and pages are to SQLite, the schema is to a server: a database of another program,
# an older schema, a newer one (test_pg_server), and the database's own rules damaged (check-db:
# test_check_db_server). The rest of this module is about files and SQLite's own machinery.
@pytest.fixture
def empty_server_database(tmp_path):
    """A new, empty database on the tests' server, as its administrator makes it (not migrated): its URL."""
    from tests import pg

    url = pg.need_server()
    name = f"mapm_t_bare_{os.getpid()}_{tmp_path.name[-8:].lower().replace('-', '_')}"
    with pg.admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg.with_database(url, name)
    pg.drop_database(url, name)


def test_a_server_database_of_another_program_is_refused_and_never_migrated(empty_server_database, capsys):
    from tests import pg

    with pg.raw_connection(empty_server_database) as conn:
        conn.execute("CREATE TABLE note (id serial PRIMARY KEY, body text)")
        conn.execute("INSERT INTO note (body) VALUES ('someone else''s data')")
    with pytest.raises(ForeignDatabase):
        open_store(empty_server_database)
    code, _out, err = run(capsys, "--db", empty_server_database, "list")
    assert code == 2 and one_sentence(err) and "no mapm schema; nothing was changed" in err, err
    with pg.raw_connection(empty_server_database) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert conn.execute("SELECT body FROM note").fetchall() == [("someone else's data",)]
    assert tables == {"note"}, "tables were added to another program's database"


def test_an_empty_server_database_is_set_up(empty_server_database, capsys):
    code, _out, err = run(capsys, "--db", empty_server_database, "list")
    assert code == 0, err
    store = open_store(empty_server_database)
    store.close()


def test_an_older_server_schema_is_brought_to_head_with_its_data(empty_server_database):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from mapm_tui.pgserver import engine_url
    from tests import pg

    engine = create_engine(engine_url(empty_server_database))
    cfg = Config()
    cfg.set_main_option("script_location", "mapm_tui:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    engine.dispose()
    with pg.raw_connection(empty_server_database) as conn:
        conn.execute(
            "INSERT INTO meeting (id, template, meeting_type, status, date) "
            "VALUES ('m-old-1', 'hampshire', 'planning', 'draft', '2026-11-20')"
        )
    store = open_store(empty_server_database)
    try:
        assert [m.id for m in store.list_meetings()] == ["m-old-1"]
    finally:
        store.close()
    with pg.raw_connection(empty_server_database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrations.HEAD


@pytest.mark.parametrize("how", ["another program's", "newer"])
async def test_the_app_on_a_server_database_not_its_own_says_one_sentence_on_its_home_screen(
    empty_server_database, clock, how
):
    from mapm_tui.app import MapmApp
    from tests import pg

    if how == "newer":
        open_store(empty_server_database).close()
    with pg.raw_connection(empty_server_database) as conn:
        if how == "newer":
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        else:
            conn.execute("CREATE TABLE note (id serial PRIMARY KEY, body text)")
    app = MapmApp(db=empty_server_database, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "could not be opened" in str(app.screen.query_one("#home-hint").render()))
        hint = str(app.screen.query_one("#home-hint").render())
        await pilot.press("ctrl+q")
    words = "no mapm schema; nothing was changed" if how != "newer" else "newer version of mapm"
    assert words in hint and "sqlalchemy" not in hint and "SQL:" not in hint
    assert empty_server_database.split("@", 1)[0].rsplit(":", 1)[-1] not in hint  # never the password
    if how != "newer":
        with pg.raw_connection(empty_server_database) as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 1
