"""The home screen's quick list on a PostgreSQL server: read with psycopg alone before SQLAlchemy loads, it
says exactly what the store says, and steps aside (None, never an error or a password in any output) when
the server cannot be used that way."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from sqlalchemy.engine import make_url

from mapm_tui.listing import quick_list
from mapm_tui.store import open_store
from tests import pg


def _fill(store, templates) -> None:
    for n in range(4):
        mid = store.create_meeting(templates["hampshire"], dt.date(2026, 11, 2 + n), case_ref=f"CSC/{n}")
        store.add_item(mid, "subjects", {"name": f"Child {n}", "kind": "child"})
        store.add_item(mid, "subjects", {"name": f"Sibling {n}", "kind": "child"})
        store.add_item(mid, "actions", {"description": "Book a visit", "status": "open"})


def test_quick_list_on_a_server_is_the_store_list(pg_url, templates, clock):
    store = open_store(pg_url, clock)
    try:
        _fill(store, templates)
        meetings = store.list_meetings()
    finally:
        store.close()
    assert len(meetings) == 4 and meetings[0].subjects == "Child 3, Sibling 3" and meetings[0].open_actions == 1
    assert quick_list(pg_url) == (meetings, 4)
    assert quick_list(pg_url, 2) == (meetings[:2], 4)
    assert quick_list(pg_url, 9) == (meetings, 4)


def test_quick_list_on_a_server_does_not_load_sqlalchemy(pg_url, templates, clock):
    store = open_store(pg_url, clock)
    try:
        _fill(store, templates)
    finally:
        store.close()
    code = (
        "import os, sys; from mapm_tui.listing import quick_list; "
        "listed = quick_list(os.environ['MAPM_TEST_LIST_URL']); "
        "assert listed is not None and listed[1] == 4, listed; "
        "assert 'sqlalchemy' not in sys.modules, 'SQLAlchemy was loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "MAPM_TEST_LIST_URL": pg_url})


def test_quick_list_steps_aside_for_a_server_it_cannot_read(pg_url, capfd):
    url = make_url(pg_url)
    wrong = url.set(password="not-the-password-1").render_as_string(hide_password=False)
    assert quick_list(wrong) is None  # the store then opens and says the login was refused
    name = f"mapm_t_empty_{os.getpid()}"
    with pg.admin(pg_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        assert quick_list(pg.with_database(pg_url, name)) is None  # no schema yet: the store migrates first
    finally:
        pg.drop_database(pg_url, name)
    out, err = capfd.readouterr()
    assert "not-the-password-1" not in out + err and (url.password or "\0") not in out + err
