"""`mapm check-db`, `backup` and `restore` on a team's PostgreSQL server (issue 13).

check-db checks what a server lets mapm check (server_check.py): the schema, the final-meeting lock and
the audit trail's rules (present, switched on, still refusing), the audit chain, grants to PUBLIC; and
reports like the file's check: a line per problem, one sentence on stderr, exit 1. It changes nothing.
backup and restore say in one sentence that a server's backups are its administrators'."""

from __future__ import annotations

import uuid

import pytest

from mapm_tui import migrations
from mapm_tui.bundle import import_bundle
from mapm_tui.store import open_store
from tests import pg
from tests.cli_helpers import mapm, mapm_process, one_sentence
from tests.samples import load_sample
from tests.test_pg_server import member, role  # noqa: F401  (fixtures: a login role in a README group)

PASSWORD = "pg-test-only"  # the start of the tests' server password (tests/pg_server.py): never printed


@pytest.fixture
def server(pg_url, templates, clock):
    """A server's mapm database holding one meeting, so the audit trail has events to check."""
    store = open_store(pg_url, clock)
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    store.close()
    return pg_url


def raw(url):
    return pg.raw_connection(url)


def test_a_sound_server_has_no_problems_and_says_what_was_checked(server):
    ran = mapm_process("check-db", db=server)  # a real process: exit code, stdout, stderr
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    last = ran.stdout.splitlines()[-1]
    assert "no problems found" in last and f"schema at {migrations.HEAD}" in last
    assert "final-meeting lock and the audit trail's rules in place" in last and "audit trail intact" in last
    assert "roles that may change meetings: " in ran.stdout and "the tables' owner" in ran.stdout
    assert PASSWORD not in ran.stdout + ran.stderr


def _disable(conn):
    conn.execute("ALTER TABLE meeting DISABLE TRIGGER meeting_final_lock")


def _drop(conn):
    conn.execute("DROP TRIGGER auditevent_append_only ON auditevent")


def _replace(conn):
    conn.execute(
        "CREATE OR REPLACE FUNCTION mapm_child_final_lock() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )


def _edit_an_event(conn):
    conn.execute("ALTER TABLE auditevent DISABLE TRIGGER auditevent_append_only")
    conn.execute("UPDATE auditevent SET detail = 'nothing to see' WHERE pk = 1")
    conn.execute("ALTER TABLE auditevent ENABLE TRIGGER auditevent_append_only")


def _grant_public(conn):
    conn.execute("GRANT UPDATE ON meeting TO PUBLIC")


DAMAGE = {
    "a lock switched off": (_disable, "the final-meeting lock is switched off"),
    "a rule dropped": (_drop, "the audit trail's append-only rule is missing"),
    "a lock that refuses nothing": (_replace, "refuses nothing any more (function mapm_child_final_lock"),
    "an audit event edited": (_edit_an_event, "the audit trail is broken at event 1"),
    "a grant to PUBLIC": (_grant_public, "every role on the server may change meetings"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_each_damage_is_a_line_and_one_sentence_with_exit_1(server, case):
    damage, words = DAMAGE[case]
    with raw(server) as conn:
        damage(conn)
    ran = mapm("check-db", db=server)
    assert ran.returncode == 1 and one_sentence(ran.stderr), ran.stderr
    assert "1 problem found on the database" in ran.stderr
    problems = [line for line in ran.stdout.splitlines() if words in line]
    assert len(problems) == 1, ran.stdout
    assert "no problems found" not in ran.stdout


@pytest.mark.parametrize(
    "version, words", [("0006", "older than this version's"), ("9999", "newer than this version's")]
)
def test_another_schema_version_is_reported_and_not_upgraded(server, version, words):
    with raw(server) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (version,))
    ran = mapm("check-db", db=server)
    assert ran.returncode == 1 and one_sentence(ran.stderr) and words in ran.stdout, ran.stdout
    with raw(server) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == version


def test_a_database_without_mapm_is_said_and_left_alone(pg_url):
    with raw(pg_url) as conn:
        conn.execute("DROP TABLE alembic_version")
    ran = mapm("check-db", db=pg_url)
    assert ran.returncode == 1 and "holds no mapm schema" in ran.stdout
    with raw(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None


def test_an_unreachable_server_is_one_sentence():
    ran = mapm("check-db", db="postgresql://nobody@127.0.0.1:1/mapm")
    assert ran.returncode == 2 and one_sentence(ran.stderr) and "cannot reach" in ran.stderr


@pytest.mark.parametrize(
    "argv, words",
    [
        (("backup",), "backed up by its administrators (pg_dump"),
        (("backup", "-o", "snapshot.db"), "backed up by its administrators (pg_dump"),
        (("restore", "old.db"), "mapm copy-to-server --from FILE"),
    ],
)
def test_backup_and_restore_on_a_server_say_whose_they_are_and_touch_nothing(argv, words, tmp_path):
    """On an empty database (as its administrator made it): the refusal comes before anything is opened,
    so nothing is created there (a backup used to open, and so migrate, the server's database first)."""
    url = pg.need_server()
    name = f"mapm_t_empty_{uuid.uuid4().hex[:12]}"  # unique: tmp_path's name repeats between sessions
    with pg.admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        target = pg.with_database(url, name)
        ran = mapm(*argv, db=target)
        assert ran.returncode == 2 and one_sentence(ran.stderr) and words in ran.stderr, ran.stderr
        assert PASSWORD not in ran.stderr
        with raw(target) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        assert tables == 0
    finally:
        pg.drop_database(url, name)


def test_a_reader_can_check_the_server_and_is_listed_as_reading_only(server, member):  # noqa: F811
    person, url = member("reader")
    ran = mapm("check-db", db=url)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    (read_only,) = [line for line in ran.stdout.splitlines() if "roles that may only read them: " in line]
    (may_change,) = [line for line in ran.stdout.splitlines() if "roles that may change meetings: " in line]
    assert person in read_only.split(": ")[-1].split(", ") and person not in may_change.split(": ")[-1].split(", ")


def test_a_role_that_may_not_read_the_tables_is_one_sentence(server):
    import secrets

    name, password = f"nobody_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with raw(server) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    try:
        from tests.test_pg_server import as_role

        ran = mapm("check-db", db=as_role(server, name, password))
        assert ran.returncode == 2 and one_sentence(ran.stderr), ran.stderr
        assert "may not read mapm's tables" in ran.stderr and password not in ran.stderr
    finally:
        with raw(server) as conn:
            conn.execute(f"DROP ROLE {name}")
