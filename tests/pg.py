"""The PostgreSQL half of the suite: a fresh, migrated, empty database for each test.

The server is the one in `MAPM_TEST_PG_URL` (a superuser URL; `.ci/run` starts one with tests/pg_server.py,
and `python tests/pg_server.py run` starts one by hand). Without it the PostgreSQL tests are skipped with
that reason, except when `MAPM_TEST_PG_REQUIRED=1` (CI), where a missing server fails them.

Each xdist worker migrates one template database once (`mapm_tpl_<worker>`); each test gets
`CREATE DATABASE … TEMPLATE` of it (a file copy on the server: tens of milliseconds, against a second
or more to run the migrations), dropped after the test.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import os
import re
import secrets

import pytest

URL_ENV = "MAPM_TEST_PG_URL"
REQUIRED_ENV = "MAPM_TEST_PG_REQUIRED"
SKIP_REASON = (
    f"no PostgreSQL server for the tests: set {URL_ENV} (`python tests/pg_server.py run` starts one; "
    f".ci/run does, and sets {REQUIRED_ENV}=1 so these never skip there)"
)

_counter = itertools.count()
_templates: dict[str, str] = {}


def server_url() -> str | None:
    return os.environ.get(URL_ENV) or None


def required() -> bool:
    return os.environ.get(REQUIRED_ENV) == "1"


def need_server() -> str:
    """The server's URL, or skip (locally) / fail (CI) the test that needs it."""
    url = server_url()
    if url is None:
        if required():
            pytest.fail(f"{REQUIRED_ENV}=1 but {URL_ENV} is not set: the PostgreSQL half must run here")
        pytest.skip(SKIP_REASON)
    return url


def with_database(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


def admin(url: str):
    """An autocommit psycopg connection to the server's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    libpq_url = with_database(url, "postgres").replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(libpq_url, autocommit=True)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def template_database(url: str) -> str:
    """This worker's migrated template database (made once per test session)."""
    worker = _worker()
    if worker in _templates:
        return _templates[worker]
    name = f"mapm_tpl_{worker}_{secrets.token_hex(3)}"
    with admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    from mapm_tui.store import open_store

    store = open_store(with_database(url, name))
    store.close()
    _templates[worker] = name
    return name


def _copy_template(url: str, template: str) -> str:
    name = f"mapm_t_{_worker()}_{next(_counter)}_{secrets.token_hex(2)}"
    with admin(url) as conn:
        # FILE_COPY: a file copy of the small template, faster here than WAL_LOG's page-by-page WAL
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    return name


def fresh_database(url: str) -> str:
    """A new database copied from the template: its name. The next test's copy is made on the server in
    the background while this test runs (a copy costs 0.7-1 s on the loaded 2-core machine)."""
    global _spare
    template = template_database(url)
    name = _spare.result() if _spare is not None else _copy_template(url, template)
    _spare = _background().submit(_copy_template, url, template)
    return name


_spare: concurrent.futures.Future | None = None
_pool: concurrent.futures.ThreadPoolExecutor | None = None


def _background() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-spare")
    return _pool


def drop_database(url: str, name: str) -> None:
    with admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_templates() -> None:
    global _spare
    url = server_url()
    if url is None:
        return
    if _spare is not None:  # the copy made for a test that never came
        drop_database(url, _spare.result())
        _spare = None
    for name in _templates.values():
        drop_database(url, name)
    _templates.clear()


def is_test_database(name) -> bool:
    """Whether `name` is one of these tests' PostgreSQL databases (not a SQLite file's path)."""
    text = str(name)
    return text.startswith("mapm_t_") and "/" not in text and server_url() is not None


class RawConnection:
    """A psycopg connection that reads SQL written for sqlite3 (`?` placeholders), for the tests that
    change a database past the store, as an attacker or a careless tool would."""

    def __init__(self, conn):
        self._conn = conn

    #: SQLite statements with nothing to do on PostgreSQL: foreign keys are always enforced, and the index's
    #: words are a generated column (computed from the body by the server, so they cannot drift from it)
    SQLITE_ONLY = frozenset(
        {"PRAGMA foreign_keys = ON", "INSERT INTO search_index (search_index) VALUES ('integrity-check')"}
    )

    def execute(self, sql: str, params=()):
        if sql in self.SQLITE_ONLY:
            return self._conn.execute("SELECT 1")
        if isinstance(params, dict):
            sql = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql.replace("%", "%%"))
            return self._conn.execute(sql, params)
        if not params:
            return self._conn.execute(sql)
        return self._conn.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))

    def executemany(self, sql: str, seq):
        with self._conn.cursor() as cursor:
            cursor.executemany(sql.replace("%", "%%").replace("?", "%s"), list(seq))
        return cursor

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.commit()
        else:
            self.rollback()


def raw_connection(database: str) -> RawConnection:
    """A raw connection to a test's database, by its name or its whole URL."""
    import psycopg

    url = database if "://" in database else with_database(need_server(), database)
    url = url.replace("postgresql+psycopg://", "postgresql://")
    # autocommit: a refused statement does not spoil the next one (sqlite3 carries on after a refusal)
    return RawConnection(psycopg.connect(url, autocommit=True))
