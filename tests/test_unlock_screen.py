"""The unlock screen (issue 11): nothing is read before the passphrase; a wrong one is refused with the
tries left and the third closes the app (exit code 2, one sentence); the first start chooses one, twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from mapm_tui import crypto
from mapm_tui.passphrase import Unlocker
from tests.pilot_helpers import wait_until

PASSPHRASE = "lantern meadow copper finch"


@pytest.fixture
def encrypted_db(tmp_path) -> Path:
    from mapm_tui.agenda import shipped_templates
    from mapm_tui.demo import load_demo
    from mapm_tui.store import open_store

    db = tmp_path / "meetings.db"
    store = open_store(db, key=crypto.key_for_file(db, PASSPHRASE))
    load_demo(store, shipped_templates())
    store.close()
    return db


def make(db: Path, clock):
    from mapm_tui.app import MapmApp

    return MapmApp(db=str(db), clock=clock, unlocker=Unlocker(db))


async def submit(pilot, field: str, text: str) -> None:
    pilot.app.screen.query_one(f"#{field}", Input).value = text  # pressing each key costs ~60 ms in Pilot
    pilot.app.screen.query_one(f"#{field}", Input).focus()
    await pilot.press("enter")


def said(pilot) -> str:
    return str(pilot.app.screen.query_one("#unlock-error", Static).render())


async def test_a_wrong_passphrase_says_how_many_tries_are_left_then_the_right_one_opens(encrypted_db, clock):
    from mapm_tui.screens.home import HomeScreen
    from mapm_tui.screens.unlock import UnlockScreen

    app = make(encrypted_db, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.store is None  # nothing read yet
        assert "no back door" in " ".join(str(s.render()) for s in app.screen.query(Static)).lower()
        await submit(pilot, "passphrase", "lantern meadow copper fish")
        await wait_until(pilot, lambda: "tries left" in said(pilot))
        assert "2 tries left" in said(pilot) and "lantern" not in said(pilot)
        await submit(pilot, "passphrase", PASSPHRASE)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and len(app.screen.meetings) == 3)
        await wait_until(pilot, lambda: app.store is not None)
        assert len(app.screen_stack) == 2  # the unlock screen is gone, not under home
    app.store.close()


async def test_three_wrong_passphrases_close_the_app_with_one_sentence(encrypted_db, clock):
    before = encrypted_db.read_bytes()
    app = make(encrypted_db, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        for n in range(3):
            await submit(pilot, "passphrase", f"not the passphrase {n}")
            if n < 2:
                await wait_until(pilot, lambda n=n: f"{2 - n} {'try' if n == 1 else 'tries'} left" in said(pilot))
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert app.fatal_message.startswith("Three wrong passphrases") and "\n" not in app.fatal_message
    assert app.store is None and encrypted_db.read_bytes() == before


async def test_the_first_start_chooses_a_passphrase_twice(tmp_path, clock):
    from mapm_tui.screens.home import HomeScreen

    db = tmp_path / "new" / "meetings.db"
    app = make(db, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "at least 12 characters" in text and "no back door" in text.lower()
        await submit(pilot, "passphrase", "short")
        assert "at least 12 characters" in said(pilot)
        assert app.screen.query_one("#passphrase", Input).has_focus
        await submit(pilot, "passphrase", PASSPHRASE)
        await submit(pilot, "again", PASSPHRASE + " ")
        assert "not the same" in said(pilot)
        await submit(pilot, "passphrase", PASSPHRASE)
        await submit(pilot, "again", PASSPHRASE)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.store is not None)
    app.store.close()
    assert crypto.file_kind(db) == "encrypted"
    crypto.key_for_file(db, PASSPHRASE)  # the chosen passphrase opens it


async def test_a_passphrase_given_in_advance_skips_the_screen(encrypted_db, clock, monkeypatch):
    """MAPM_PASSPHRASE (scripts, tests): derived while the app starts; a wrong one closes it, exit 2."""
    from mapm_tui.app import MapmApp
    from mapm_tui.screens.home import HomeScreen

    monkeypatch.setenv("MAPM_PASSPHRASE", PASSPHRASE)
    app = MapmApp(db=str(encrypted_db), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and len(app.screen.meetings) == 3)
        await wait_until(pilot, lambda: app.store is not None)
    app.store.close()
    monkeypatch.setenv("MAPM_PASSPHRASE", "lantern meadow copper fish")
    app = MapmApp(db=str(encrypted_db), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2 and "does not open" in app.fatal_message and app.store is None


async def test_the_demo_asks_no_passphrase_and_says_it_is_unencrypted(clock, monkeypatch, tmp_path):
    from mapm_tui.app import MapmApp
    from mapm_tui.demo import demo_database
    from mapm_tui.screens.home import HomeScreen

    monkeypatch.delenv("MAPM_PASSPHRASE", raising=False)
    db = demo_database()
    app = MapmApp(db=str(db), demo=True, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and len(app.screen.meetings) == 3)
        assert "unencrypted" in str(app.screen.query_one("#demo-badge").render())
    app.store.close()
    try:
        assert crypto.file_kind(db) == "plain"
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)


async def test_a_plain_database_opens_and_the_chair_is_told_to_encrypt_it(tmp_path, clock):
    from mapm_tui.app import MapmApp
    from mapm_tui.screens.home import HomeScreen
    from mapm_tui.store import open_store

    db = tmp_path / "old.db"
    open_store(db).close()
    app = MapmApp(db=str(db), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.store is not None)
        assert any("mapm encrypt" in n.message for n in app._notifications)
    app.store.close()


# -- the credential store (setting remember_passphrase) ----------------------------------------------


@pytest.fixture
def credential_store():
    """An in-memory keyring backend in place of the operating system's."""
    import keyring
    import keyring.backend
    import keyring.errors

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.kept: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.kept.get((service, username))

        def set_password(self, service, username, password):
            self.kept[(service, username)] = password

        def delete_password(self, service, username):
            if self.kept.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError("none kept")

    before = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(before)


def remember(on: bool) -> None:
    from mapm_tui.locations import settings_path

    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(f"remember_passphrase = {'true' if on else 'false'}\n", encoding="utf-8")


async def test_the_credential_store_keeps_the_key_only_when_the_setting_asks(
    encrypted_db, clock, credential_store, monkeypatch
):
    from mapm_tui.app import MapmApp
    from mapm_tui.passphrase import start_unlocker
    from mapm_tui.screens.home import HomeScreen
    from mapm_tui.screens.unlock import UnlockScreen

    monkeypatch.delenv("MAPM_PASSPHRASE", raising=False)

    async def unlock_once() -> None:
        app = MapmApp(db=str(encrypted_db), clock=clock, unlocker=start_unlocker(str(encrypted_db)))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, UnlockScreen)
            await submit(pilot, "passphrase", PASSPHRASE)
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.store is not None)
        app.store.close()

    remember(False)  # the default
    await unlock_once()
    assert credential_store.kept == {}

    remember(True)
    await unlock_once()
    [kept] = credential_store.kept.values()
    assert PASSPHRASE not in kept and len(bytes.fromhex(kept)) == 48  # the raw key and salt, not the passphrase
    app = MapmApp(db=str(encrypted_db), clock=clock, unlocker=start_unlocker(str(encrypted_db)))
    async with app.run_test(size=(120, 40)) as pilot:  # the next start asks nothing
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and len(app.screen.meetings) == 3)
        await wait_until(pilot, lambda: app.store is not None)
    app.store.close()

    copy = encrypted_db.with_name("copied.db")  # the file copied elsewhere is not opened by the kept key
    copy.write_bytes(encrypted_db.read_bytes())
    assert start_unlocker(str(copy)).needs_passphrase

    crypto.rekey_file(encrypted_db, crypto.key_for_file(encrypted_db, PASSPHRASE), "harbour violet seven kites")
    assert credential_store.kept  # the old key is still kept
    unlocker = start_unlocker(str(encrypted_db))
    assert unlocker.needs_passphrase and credential_store.kept == {}  # it no longer opens the file: forgotten
