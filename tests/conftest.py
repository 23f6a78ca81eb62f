"""Shared fixtures. Every test runs with its data and config folders in tmp_path (MAPM_HOME), never
the user's real ones, and with a fixed clock where time matters."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil

import pytest

from mapm_tui.clock import FixedClock
from tests import keys, pg

#: Tue 24 Nov 2026, 10:00 UTC: the fixed "now" of the tests and snapshots.
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def keys_derived_once():
    """Each key the tests' stores, CLI runs and apps need is derived once per test session (keys.py)."""
    from mapm_tui import crypto

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crypto, "derive_key", keys.remembering(crypto.derive_key))
        yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "mapm-home"
    monkeypatch.setenv("MAPM_HOME", str(home))
    monkeypatch.delenv("MAPM_DB", raising=False)
    # the command-line and app subprocesses open the tests' encrypted databases with it (keys.py); a new
    # database the CLI makes is always encrypted, so it is set with MAPM_TEST_ENCRYPTED=0 too
    monkeypatch.setenv("MAPM_PASSPHRASE", keys.PASSPHRASE)
    monkeypatch.delenv("MAPM_NEW_PASSPHRASE", raising=False)
    return home


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def templates():
    from mapm_tui.agenda import shipped_templates

    return shipped_templates()


#: test modules whose `store` runs on both dialects: SQLite (a file) and PostgreSQL (a fresh database on
#: the tests' server, tests/pg.py); the PostgreSQL half is skipped with a reason when there is no server
#: (never in CI: .ci/run starts one and sets MAPM_TEST_PG_REQUIRED=1)
#: (test_audit_lock is SQLite's: its attacks are INSERT OR REPLACE and rowid order; PostgreSQL's own
#: attacks on the lock and the audit trail are in test_pg_server)
BOTH_DIALECTS = frozenset(
    {
        "test_store",
        "test_lifecycle",
        "test_search",
        "test_bundle",
        "test_audit_trail",
        "test_sar",
        "test_retention",
        "test_cli",
        "test_cli_lifecycle",
    }
)
DIALECTS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite's own machinery (pragmas, files, raw SQLite)")
    config.addinivalue_line("markers", "both_dialects: this test's store runs on SQLite and on PostgreSQL")


def pytest_collection_finish(session):
    """What is alive once the tests are collected (every imported module: Textual, SQLAlchemy, the app)
    lives until the session ends: frozen out of the garbage collector, it is no longer walked by every
    full collection, and the Pilot tests allocate enough to trigger many. Measured here: 20-27% less CPU
    for test_fields, test_dialogs_and_early_keys and test_search (a test's own objects are collected
    as before)."""
    gc.collect()
    gc.freeze()


def pytest_generate_tests(metafunc):
    both = (
        metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_DIALECTS
        or metafunc.definition.get_closest_marker("both_dialects") is not None
    )
    if "backend" in metafunc.fixturenames and both and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("backend", DIALECTS, indirect=True)


def pytest_sessionfinish(session, exitstatus):
    pg.drop_templates()


@pytest.fixture
def backend(request) -> str:
    """The dialect of this test's `store`: 'sqlite' unless the module runs on both (BOTH_DIALECTS)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def pg_url():
    """A fresh, migrated, empty PostgreSQL database on the tests' server (its superuser URL), dropped
    after the test; skips (fails in CI) without a server."""
    server = pg.need_server()
    name = pg.fresh_database(server)
    yield pg.with_database(server, name)
    pg.drop_database(server, name)


@pytest.fixture(scope="session")
def empty_store_file(tmp_path_factory):
    """A new, migrated, empty test database made once per worker; each `store` starts as a copy of it.
    Making one runs every migration through Alembic (about 0.1 s of CPU, hundreds of statements), and a
    new database's contents do not depend on when or where it is made (no clock, no random rows), so
    the copy holds what a new one would. The copy is 0600, as `open_store` makes a new file; the tests
    about making a database (its mode, its folder, its migrations) call `open_store` themselves."""
    path = tmp_path_factory.mktemp("empty-store") / "empty.db"
    keys.open_test_store(path).close()
    return path


@pytest.fixture
def new_store_file(empty_store_file):
    """new_store_file(path) -> path: a new, migrated, empty test database at `path`, for `open_test_store`
    (a copy of `empty_store_file`, 0600 as `open_store` makes a new file)."""

    def make(path):
        shutil.copyfile(empty_store_file, path)
        os.chmod(path, 0o600)
        return path

    return make


@pytest.fixture
def store(request, backend, tmp_path, clock):
    if backend == "postgresql":
        from mapm_tui.store import open_store

        s = open_store(request.getfixturevalue("pg_url"), clock)
    else:
        s = keys.open_test_store(request.getfixturevalue("new_store_file")(tmp_path / "test.db"), clock)
    yield s
    s.close()


@pytest.fixture
def plain_store(tmp_path, clock):
    """A plain SQLite store whatever MAPM_TEST_ENCRYPTED says: for the tests about what a plain file
    holds (an unencrypted database, as before `mapm encrypt`)."""
    from mapm_tui.store import open_store

    s = open_store(tmp_path / "plain.db", clock)
    yield s
    s.close()


@pytest.fixture
def new_meeting(store, templates):
    """Make a fresh meeting on a template: new_meeting("hampshire", **fields) -> id."""

    def make(template: str = "hampshire", day: dt.date = dt.date(2026, 11, 24), **fields) -> str:
        return store.create_meeting(templates[template], day, **fields)

    return make


@pytest.fixture
def make_app(store, clock):
    """An app on the test store with a fixed clock; use inside `async with app.run_test() as pilot`."""
    from mapm_tui.app import MapmApp

    def make(**kwargs):
        return MapmApp(db=None, clock=clock, store=store, **kwargs)

    return make
