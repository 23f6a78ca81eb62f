"""Shared fixtures. Every test runs with its data and config folders in tmp_path (MAPM_HOME), never
the user's real ones, and with a fixed clock where time matters."""

from __future__ import annotations

import datetime as dt

import pytest

from mapm_tui.clock import FixedClock
from tests import keys

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


@pytest.fixture
def store(tmp_path, clock):
    s = keys.open_test_store(tmp_path / "test.db", clock)
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
