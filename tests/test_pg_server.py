"""Team mode on a real PostgreSQL server (issue 13): opening it and each way that fails, the database's own
rules (triggers, the write lock), who did what (current_user), and the roles a partnership creates.

Every test here needs the tests' server (tests/pg.py): skipped with a reason without one, never in CI."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import psycopg
import pytest
from sqlalchemy.engine import URL, make_url

from mapm_tui import audit, cli, lifecycle, pgserver
from mapm_tui.bundle import import_bundle
from mapm_tui.search import search
from mapm_tui.store import DatabaseBusy, NewerDatabase, open_store
from mapm_tui.store_errors import NotPermitted
from tests.samples import load_sample


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def as_role(url: str, role: str, password: str | None) -> str:
    """`url` for another login role, with its password or none (URL.set keeps a password given None)."""
    u = make_url(url)
    return URL.create(u.drivername, role, password, u.host, u.port, u.database).render_as_string(hide_password=False)


@pytest.fixture
def no_password_sources(monkeypatch, tmp_path):
    """No ~/.pgpass and no PGPASSWORD: only what the test gives."""
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)


@pytest.fixture
def role(pg_url):
    """make(kind) -> (role, password): a login role that may read the test's database, dropped after."""
    made = []

    def make(kind: str) -> tuple[str, str]:
        name, password = f"{kind}_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
        with psycopg.connect(libpq(pg_url), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}")
        made.append(name)
        return name, password

    yield make
    with psycopg.connect(libpq(pg_url), autocommit=True) as conn:
        for name in made:
            conn.execute(f"DROP OWNED BY {name}")
            conn.execute(f"DROP ROLE {name}")


# -- opening, and each way it fails: one sentence, no traceback, never the password ----------------------


def test_every_spelling_of_a_server_url_opens_the_same_database(pg_url, templates, clock):
    first = open_store(pg_url, clock)
    mid = first.create_meeting(templates["hampshire"], clock.utcnow().date(), case_ref="C-1")
    first.close()
    for scheme in ("postgresql://", "postgres://"):
        url = scheme + libpq(pg_url).split("://", 1)[1]
        again = open_store(url, clock)
        assert again.engine.dialect.driver == "psycopg" and again.exists(mid)
        again.close()


def test_the_database_url_setting_and_mapm_db_name_the_server(pg_url, templates, clock, isolated_home, monkeypatch):
    from mapm_tui import locations

    store = open_store(pg_url, clock)
    mid = store.create_meeting(templates["hampshire"], clock.utcnow().date(), case_ref="C-77")
    store.close()
    settings = locations.settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f'database_url = "{libpq(pg_url)}"\n', encoding="utf-8")
    from_setting = open_store(None, clock)
    assert from_setting.exists(mid)
    from_setting.close()
    settings.unlink()
    monkeypatch.setenv("MAPM_DB", libpq(pg_url))
    from_env = open_store(None, clock)
    assert from_env.exists(mid)
    from_env.close()


def test_an_unreachable_server_is_one_sentence(capsys, no_password_sources):
    code, out, err = run(capsys, "--db", "postgresql://nobody@127.0.0.1:1/mapm", "list")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "cannot reach the database mapm on 127.0.0.1:1" in err
    assert "Traceback" not in err


def test_a_wrong_password_is_one_sentence_and_never_shown(pg_url, role, no_password_sources):
    name, _password = role("chair")
    wrong = "Wr0ng-" + secrets.token_hex(6)
    url = as_role(libpq(pg_url), name, wrong)
    done = subprocess.run(
        [sys.executable, "-m", "mapm_tui.cli", "--db", url, "list"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PGPASSFILE": os.environ["PGPASSFILE"]},
        timeout=120,
    )
    assert done.returncode == 2
    assert "refused the login: check the user name and password" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert wrong not in done.stderr + done.stdout


def test_a_missing_password_is_asked_at_the_terminal_or_said(pg_url, role, no_password_sources, templates, clock):
    name, password = role("chair")
    url = as_role(pg_url, name, None)
    with pytest.raises(pgserver.PasswordNeeded, match="needs a password: put it in your ~/.pgpass file"):
        open_store(url, clock)
    asked = []

    def prompt(text: str) -> str:
        asked.append(text)
        return password

    pgserver.login(pgserver.engine_url(url), prompt)
    assert asked and name in asked[0] and password not in asked[0]
    store = open_store(url, clock)  # the password typed is kept in memory for the connections that follow
    assert store.count_meetings() == 0
    assert password not in str(store.engine.url) and password not in repr(store.engine)
    store.close()


def test_the_password_file_is_read(pg_url, role, no_password_sources, tmp_path, monkeypatch, clock):
    name, password = role("chair")
    url = make_url(pg_url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{url.host}:{url.port}:{url.database}:{name}:{password}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    store = open_store(as_role(pg_url, name, None), clock)
    assert store.count_meetings() == 0
    store.close()


def test_a_server_database_of_a_newer_schema_is_refused(pg_url, capsys, clock):
    with psycopg.connect(libpq(pg_url), autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(NewerDatabase, match="newer version of mapm-tui"):
        open_store(pg_url, clock)
    code, _out, err = run(capsys, "--db", pg_url, "list")
    assert code == 2 and "newer version of mapm-tui" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["encrypt", "rekey"])
def test_encrypt_and_rekey_refuse_a_server_without_repeating_its_url(pg_url, capsys, command):
    code, out, err = run(capsys, "--db", pg_url, command)
    assert code == 2 and "has no passphrase" in err and err.count("\n") == 1
    assert make_url(pg_url).password not in out + err


def test_no_passphrase_for_a_server(pg_url, clock):
    from mapm_tui.crypto import derive_key
    from mapm_tui.db import DatabaseError

    with pytest.raises(DatabaseError, match="has no passphrase"):
        open_store(pg_url, clock, key=derive_key("a long test passphrase here", bytes(16)))


# -- the database's own rules ----------------------------------------------------------------------------


def test_writes_take_the_write_lock_one_at_a_time(pg_url, templates, clock, monkeypatch):
    """BEGIN IMMEDIATE's PostgreSQL form: a write waits for another's lock, then is refused as busy."""
    monkeypatch.setattr(pgserver, "LOCK_TIMEOUT_MS", 300)
    store = open_store(pg_url, clock)
    mid = store.create_meeting(templates["hampshire"], clock.utcnow().date())
    with psycopg.connect(libpq(pg_url)) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (pgserver.WRITE_LOCK_KEY,))
        with pytest.raises(DatabaseBusy, match="busy"):
            store.set_fields(mid, {"aim": "Agree a plan"})
        other.rollback()  # the lock goes with the other transaction
    store.set_fields(mid, {"aim": "Agree a plan"})
    assert store.load_meeting(mid)["aim"] == "Agree a plan"
    store.close()


def test_the_database_refuses_rewriting_a_final_meeting_or_the_audit_trail(pg_url, templates, clock):
    store = open_store(pg_url, clock)
    mid = import_bundle(store, load_sample("hampshire-planning.json"), templates)
    from mapm_tui import rules

    findings = rules.check_meeting(store.load_meeting(mid), store.template_of(mid))
    lifecycle.finalise(store, mid, "Jo Baker", [(f.key, "Agreed") for f in rules.blocking(findings)])
    store.close()
    attacks = {
        "UPDATE meeting SET aim = 'changed' WHERE id = %(m)s": "23M01",
        "UPDATE meeting SET status = 'in_review', aim = 'x' WHERE id = %(m)s": "23M01",
        "DELETE FROM meeting WHERE id = %(m)s": "23M01",
        "UPDATE entry SET text = 'x' WHERE meeting_id = %(m)s": "23M01",
        # PostgreSQL's upsert: a final meeting's entry overwritten through ON CONFLICT
        "INSERT INTO entry (pk, meeting_id, id, position, kind, text) SELECT pk, meeting_id, id, position, kind, "
        "'x' FROM entry WHERE meeting_id = %(m)s ON CONFLICT (pk) DO UPDATE SET text = excluded.text": "23M01",
        "UPDATE auditevent SET by = 'someone else'": "23M02",
        "DELETE FROM auditevent": "23M02",
        "TRUNCATE auditevent": "23M02",
        "UPDATE meeting SET status = 'draft' WHERE id = %(m)s": "23M01",
    }
    with psycopg.connect(libpq(pg_url), autocommit=True) as raw:
        before = raw.execute("SELECT count(*) FROM auditevent").fetchone()[0]
        for sql, state in attacks.items():
            with pytest.raises(psycopg.IntegrityError) as refused:
                raw.execute(sql, {"m": mid})
            assert refused.value.sqlstate == state, sql
        assert raw.execute("SELECT count(*) FROM auditevent").fetchone()[0] == before
        assert raw.execute("SELECT count(*) FROM entry WHERE text = 'x'").fetchone()[0] == 0


def readme_grants(group: str) -> list[str]:
    """The GRANT statements the README's "Sharing with a team" gives a group role (chair, minute_taker,
    reader), each ending `TO mapm_<group>;`."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Sharing with a team", 1)[1].split("\n## ", 1)[0]
    return [
        line.strip().rstrip(";")
        for line in section.splitlines()
        if line.strip().startswith("GRANT ") and line.strip().endswith(f" TO mapm_{group};")
    ]


@pytest.fixture
def member(pg_url, role):
    """member(group) -> the URL of a new person's login role in a group made with the README's grants."""
    groups = []

    def make(group: str) -> tuple[str, str]:
        grants = readme_grants(group)
        assert grants, f"the README gives the grants of mapm_{group}"
        name = f"mapm_{group}_{secrets.token_hex(3)}"  # roles are the whole server's: one per test
        person, password = role(group)
        with psycopg.connect(libpq(pg_url), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {name} NOLOGIN")
            groups.append(name)
            for grant in grants:
                conn.execute(grant.replace(f" TO mapm_{group}", f" TO {name}"))
            conn.execute(f"GRANT {name} TO {person}")
        return person, as_role(pg_url, person, password)

    yield make
    with psycopg.connect(libpq(pg_url), autocommit=True) as conn:
        for name in groups:
            conn.execute(f"DROP OWNED BY {name}")
            conn.execute(f"DROP ROLE {name}")


def test_who_did_what_is_the_database_role(pg_url, member, templates, clock):
    """Each member of a team connects as their own role: the audit trail records current_user."""
    person, url = member("chair")
    store = open_store(url, clock)
    mid = store.create_meeting(templates["hampshire"], clock.utcnow().date())
    store.set_fields(mid, {"aim": "Agree a plan"})
    store.close()
    admin = open_store(pg_url, clock)
    (created,) = [e for e in audit.events(admin, mid) if e.kind == "created"]
    assert created.os_user == person
    assert audit.verify(admin).ok
    admin.close()


def test_who_holds_a_meeting_is_the_database_role(pg_url, member, templates, clock):
    """The others see who has a meeting open by the role they logged in as, not the login of the computer
    their window runs on (on a shared server that says nothing: every window was 'root' or 'chair')."""
    import datetime as dt

    from mapm_tui import holds

    person, url = member("chair")
    store = open_store(url, clock)
    mid = store.create_meeting(templates["hampshire"], clock.utcnow().date())
    now = dt.datetime.now(dt.UTC)
    mine = holds.acquire(store.engine, mid, holds.Holder.here(), holds.new_token(), now)
    assert (mine.holder.name, mine.holder.os_user) == (person, person)
    with pytest.raises(holds.HeldElsewhere) as refused:
        holds.acquire(store.engine, mid, holds.Holder.here(), holds.new_token(), now)
    assert f"another window: {person} on " in str(refused.value)
    holds.release(store.engine, mine)
    named = holds.acquire(store.engine, mid, holds.Holder.here("Sam Patel"), holds.new_token(), now)
    assert (named.holder.name, named.holder.os_user) == ("Sam Patel", person)  # a name from settings stays
    store.close()


async def test_a_reader_opens_a_meeting_in_the_app_read_only_saying_why(pg_url, member, templates, clock):
    """A reader's role may not hold a meeting (its GRANTs have no editor_hold): opening one in the app used
    to stop the app with a crash report; it opens read-only and says why, in a sentence that stays."""
    from mapm_tui.app import MapmApp

    chair = open_store(pg_url, clock)
    mid = chair.create_meeting(templates["hampshire"], clock.utcnow().date())
    chair.close()
    _person, url = member("reader")
    reader = open_store(url, clock)
    app = MapmApp(db=None, clock=clock, store=reader, save_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_meeting(mid)
        await pilot.pause()
        assert app.live is not None and not app.live.editable
        assert app.live.read_only.startswith("Your database role may read meetings but not change them")
        assert "READ-ONLY" in str(app.screen.query_one("#save-state").render())
        assert "Your database role" in str(app.screen.query_one("#held-by").render())
        await pilot.press("a", "b", "c")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code in (0, None)
    reader.close()


def test_a_minute_taker_can_finalise(pg_url, member, templates, clock):
    _person, url = member("minute_taker")
    store = open_store(url, clock)
    mid = import_bundle(store, load_sample("hampshire-planning.json"), templates)
    from mapm_tui import rules

    findings = rules.check_meeting(store.load_meeting(mid), store.template_of(mid))
    lifecycle.finalise(store, mid, "Priya Nurse", [(f.key, "Agreed") for f in rules.blocking(findings)])
    assert store.load_meeting(mid)["status"] == "final"
    store.close()


def test_a_reader_can_search_and_export_but_not_edit(pg_url, member, templates, clock, capsys, tmp_path):
    import json

    chair = open_store(pg_url, clock)
    mid = import_bundle(chair, load_sample("hampshire-planning.json"), templates)
    chair.close()
    person, url = member("reader")
    reader = open_store(url, clock)
    assert [h.meeting_id for h in search(reader, "Thornbury")] == [mid]
    with pytest.raises(NotPermitted, match="may not make this change"):
        reader.set_fields(mid, {"aim": "changed by a reader"})
    reader.close()
    code, out, _err = run(capsys, "--db", url, "search", "Thornbury")
    assert code == 0 and mid in out
    code, _out, err = run(capsys, "--db", url, "export", mid, "--format", "json", "-o", str(tmp_path / "m.json"))
    assert code == 0 and (tmp_path / "m.json").exists(), err
    bundle = load_sample("hampshire-two-part.json")
    bundle["meeting"]["id"] = "m-reader-tried"
    (tmp_path / "new.json").write_text(json.dumps(bundle), encoding="utf-8")
    code, _out, err = run(capsys, "--db", url, "import", str(tmp_path / "new.json"))
    assert code != 0 and "may not make this change" in err and "Traceback" not in err
    admin = open_store(pg_url, clock)
    assert admin.load_meeting(mid).get("aim") != "changed by a reader" and not admin.exists("m-reader-tried")
    assert ("exported", person) in [(e.kind, e.os_user) for e in audit.events(admin, mid)]  # on the record
    admin.close()


def test_the_test_server_helper_refuses_a_folder_left_by_a_killed_run(tmp_path):
    """`python tests/pg_server.py start FOLDER` into a folder that still holds a cluster: one sentence saying
    what to do (it was initdb's refusal inside a traceback of the helper's)."""
    from tests import pg_server

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "PG_VERSION").write_text("15\n", encoding="utf-8")
    with pytest.raises(SystemExit) as refused:
        pg_server.start(tmp_path)
    said = str(refused.value)
    assert said.startswith(f"{tmp_path / 'data'} already holds a cluster") and f"delete {tmp_path}" in said
