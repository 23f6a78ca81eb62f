"""The schema is migrated forward on open and keeps old data."""

from __future__ import annotations

import sqlite3

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from mapm_tui import migrations
from mapm_tui.db import make_engine
from mapm_tui.store import open_store


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "mapm_tui:migrations")
    return cfg


def _migrate(path, revision: str, down: bool = False) -> None:
    """Bring the database at `path` up (or down) to `revision` with Alembic, then let go of it."""
    engine = make_engine(path)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


def test_head_constant_matches_the_newest_revision():
    assert ScriptDirectory.from_config(_config()).get_current_head() == migrations.HEAD


def test_a_database_made_by_the_first_schema_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    _migrate(path, "0001")
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO meeting (id, template, meeting_type, status, date) VALUES ('m-old', 'hampshire', "
        "'planning', 'final', '2026-01-05')"
    )
    raw.execute("INSERT INTO entry (meeting_id, id, position, kind, text) VALUES ('m-old', 'ent-1', 1, 'need', 'kept')")
    raw.commit()
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0] == 0
    raw.close()

    store = open_store(path)
    assert store.load_meeting("m-old")["entries"][0]["text"] == "kept"
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrations.HEAD
        triggers = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='trigger'").scalar()
    assert triggers > 0  # the 0002 lock now protects the old final meeting
    store.close()


def test_models_and_migrations_agree(tmp_path):
    """Autogenerate finds nothing to do on a migrated database: the models and the migrations match."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    store = open_store(tmp_path / "m.db")
    with store.engine.connect() as conn:
        # the same filter env.py gives autogenerate: the hand-made search tables are not the models' business
        context = MigrationContext.configure(conn, opts={"include_name": migrations.include_name})
        diff = compare_metadata(context, SQLModel.metadata)
        unfiltered = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    store.close()
    # without the filter autogenerate would propose dropping the search index: the filter is what stops it
    assert any(d[0] == "remove_table" and d[1].name.startswith("search_") for d in unfiltered)
    diff = [d for d in diff if d[0] != "remove_table" or d[1].name != "alembic_version"]
    assert diff == []


def test_0003_fills_the_search_index_from_existing_data(tmp_path):
    """A database at 0002 with meetings in it (one final) is searchable after the upgrade."""
    path = tmp_path / "old2.db"
    _migrate(path, "0002")
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO meeting (id, case_ref, aim, template, meeting_type, status, date) "
        "VALUES ('m-old', 'C-77', 'Agree a safety plan', 'hampshire', 'planning', 'draft', '2026-01-05')"
    )
    raw.execute(
        "INSERT INTO entry (meeting_id, id, position, kind, text) VALUES ('m-old', 'ent-1', 1, 'risk', "
        "'Trampoline accident')"
    )
    raw.execute(
        "INSERT INTO attendee (meeting_id, id, position, name, agency, attendance) VALUES ('m-old', 'att-1', "
        "1, 'Priya Nurse', 'Solent NHS', 'present')"
    )
    raw.execute("UPDATE meeting SET status = 'final' WHERE id = 'm-old'")
    raw.commit()
    raw.close()

    from mapm_tui.search import search

    store = open_store(path)
    try:
        assert [h.meeting_id for h in search(store, "trampoline")] == ["m-old"]
        assert search(store, "solent")[0].place == "attendee"
        assert search(store, "safety plan")[0].item == "aim"
        assert search(store, "C-77")[0].case_ref == "C-77"
    finally:
        store.close()


def test_0003_a_raw_reopen_cannot_change_the_record_in_the_same_statement(tmp_path):
    store = open_store(tmp_path / "lock.db")
    store.close()
    raw = sqlite3.connect(tmp_path / "lock.db")
    raw.execute(
        "INSERT INTO meeting (id, aim, template, meeting_type, status, date, finalised_at) "
        "VALUES ('m-1', 'Agreed aim', 'hampshire', 'planning', 'in_review', '2026-01-05', '2026-01-05T12:00:00+00:00')"
    )
    raw.execute("UPDATE meeting SET status = 'final' WHERE id = 'm-1'")
    raw.commit()
    import pytest

    for sql in (
        "UPDATE meeting SET status = 'in_review', aim = 'sneaky' WHERE id = 'm-1'",
        "UPDATE meeting SET status = 'draft' WHERE id = 'm-1'",
        "UPDATE meeting SET updated_at = '2026-01-06T00:00:00+00:00' WHERE id = 'm-1'",
        "UPDATE meeting SET finalised_at = NULL, status = 'in_review' WHERE id = 'm-1'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="final"):
            raw.execute(sql)
    # a reopen writes its amendment first (0005), then moves the status and nothing else
    raw.execute(
        "INSERT INTO amendment (meeting_id, position, at, by, field, old, new, reason) VALUES "
        "('m-1', 1, '2026-01-06T00:00:00+00:00', 'Jo Baker', 'status', 'final', 'in review', 'Wrong date')"
    )
    raw.execute("UPDATE meeting SET status = 'in_review', updated_at = '2026-01-06T00:00:00+00:00' WHERE id = 'm-1'")
    assert raw.execute("SELECT status, aim FROM meeting").fetchone() == ("in_review", "Agreed aim")
    raw.close()


def test_0004_numbers_meetings_by_date_and_goes_back_to_0003(tmp_path):
    """Meetings added out of date order (an old meeting imported last) come out newest first after the
    upgrade; a final one is renumbered too (the index is not part of its lock); down again gives 0003's
    index, whole."""
    path = tmp_path / "old3.db"
    _migrate(path, "0003")
    raw = sqlite3.connect(path)
    for mid, day in (
        ("m-mid", "2026-03-01"),
        ("m-new", "2026-09-01"),
        ("m-old", "2025-01-01"),
        ("m-new2", "2026-09-01"),
    ):
        raw.execute(
            "INSERT INTO meeting (id, aim, template, meeting_type, status, date) VALUES (?, 'Plan for the "
            "boiler', 'hampshire', 'planning', 'draft', ?)",
            (mid, day),
        )
    raw.execute(
        "INSERT INTO entry (meeting_id, id, position, kind, text) VALUES ('m-old', 'ent-1', 1, 'risk', 'Boiler broken')"
    )
    raw.execute("UPDATE meeting SET status = 'final' WHERE id = 'm-old'")
    raw.commit()
    raw.close()

    from mapm_tui.search import search

    store = open_store(path)
    try:
        hits = search(store, "boiler")
        assert [h.meeting_id for h in hits] == ["m-new2", "m-new", "m-mid", "m-old"] and hits[-1].matches == 2
    finally:
        store.close()
    _migrate(path, "0003", down=True)
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    assert raw.execute("SELECT count(*) FROM search_index WHERE search_index MATCH 'boiler'").fetchone()[0] == 5
    assert raw.execute("SELECT max(docid) FROM search_meeting").fetchone()[0] == 4  # 0003 numbers them 1, 2, 3 …
    raw.close()
