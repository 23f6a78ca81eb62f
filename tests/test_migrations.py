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


def test_head_constant_matches_the_newest_revision():
    assert ScriptDirectory.from_config(_config()).get_current_head() == migrations.HEAD


def test_a_database_made_by_the_first_schema_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(path)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO meeting (id, template, meeting_type, status, date) VALUES ('m-old', 'hampshire', 'planning', 'final', '2026-01-05')"
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
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    store.close()
    diff = [d for d in diff if d[0] != "remove_table" or d[1].name != "alembic_version"]
    assert diff == []
