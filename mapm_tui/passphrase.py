"""Where a passphrase comes from, and the one unlocking of a start.

A passphrase is asked for on the terminal without echo (`getpass`), or given by `--passphrase-file FILE`
or the `MAPM_PASSPHRASE` environment variable for scripts and tests. Both of those put the passphrase
where other software can read it (a file on disk; the environment of the process, which the same user's
other processes and crash tools can see), so the README recommends them only for scripts on a machine
the partnership controls. A passphrase is never taken as a command-line argument: it would show in the
process list and the shell history.

`Unlocker` is what the app holds: which kind of file it is opening, the key once derived, and the count
of wrong tries (three, then `TooManyTries`). No Textual here: the unlock screen calls it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from . import crypto
from .crypto import DatabaseKey, PassphraseNeeded, WeakPassphrase, WrongPassphrase
from .db import DatabaseError, database_path

ENV = "MAPM_PASSPHRASE"
#: for `mapm rekey` in scripts: the new passphrase
NEW_ENV = "MAPM_NEW_PASSPHRASE"
MAX_TRIES = 3


class PassphraseFileError(DatabaseError):
    """`--passphrase-file` names a file that cannot be read, or is empty."""


class TooManyTries(WrongPassphrase):
    """Three wrong passphrases in a row."""


class PassphrasesDiffer(ValueError):
    """The two typings of a new passphrase are not the same."""


def read_passphrase_file(path: Path) -> str:
    """The passphrase in `path`: its first line, without the line ending."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
        raise PassphraseFileError(f"cannot read the passphrase file {path}: {reason}.") from None
    line = text.splitlines()[0] if text else ""
    if not line:
        raise PassphraseFileError(f"the passphrase file {path} is empty; put the passphrase on its first line.")
    return line


def given_passphrase(passphrase_file: Path | None = None, env: str = ENV) -> str | None:
    """The passphrase from `--passphrase-file`, else from the environment, else None."""
    if passphrase_file is not None:
        return read_passphrase_file(passphrase_file)
    return os.environ.get(env) or None


def new_passphrase(given: str | None, ask: Callable[[str], str] | None, what: str = "the database") -> str:
    """A new passphrase: `given` (checked for strength), else asked twice with `ask` (up to three tries)."""
    if given is not None:
        crypto.check_strength(given)
        return given
    if ask is None:
        raise PassphraseNeeded(
            f"choose a passphrase for {what}: run this on a terminal, or give --passphrase-file or {ENV}."
        )
    _tell(crypto.STRENGTH_RULE)
    _tell(crypto.NO_BACK_DOOR)
    problem: Exception | None = None
    for _ in range(MAX_TRIES):
        first = ask("New passphrase: ")
        try:
            crypto.check_strength(first)
        except WeakPassphrase as exc:
            problem = exc
            _tell(str(exc))
            continue
        if ask("The same passphrase again: ") != first:
            problem = PassphrasesDiffer("The two passphrases were not the same; nothing was changed.")
            _tell(str(problem))
            continue
        return first
    assert problem is not None
    raise problem


def terminal_prompt() -> Callable[[str], str] | None:
    """`getpass` when stdin is a terminal (no echo), else None."""
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass


def _tell(sentence: str) -> None:
    print(sentence, file=sys.stderr)


# -- the operating system's credential store (optional; setting `remember_passphrase`) ------------------

#: the keyring service name; the user name is the database file's full path
KEYRING_SERVICE = "mapm-tui"


def _keyring_user(path: Path) -> str:
    return str(Path(path).resolve())


def remembered_key(path: Path) -> DatabaseKey | None:
    """The key kept in the credential store for `path` (None: none kept, or no store on this system).

    The raw key is kept, not the passphrase: it opens this one file, and reveals nothing of a passphrase
    the chair may use elsewhere. A copy of the file on another machine stays unreadable."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None
    try:
        stored = keyring.get_password(KEYRING_SERVICE, _keyring_user(path))
    except keyring.errors.KeyringError:
        return None
    try:
        raw = bytes.fromhex(stored or "")
    except ValueError:
        return None
    if len(raw) != crypto.KEY_BYTES + crypto.SALT_BYTES:
        return None
    return DatabaseKey(raw[: crypto.KEY_BYTES], raw[crypto.KEY_BYTES :])


def remember_key(path: Path, key: DatabaseKey) -> bool:
    """Keep `key` in the credential store; False if there is none on this system."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, _keyring_user(path), (key.raw + key.salt).hex())
    except keyring.errors.KeyringError:
        return False
    return True


def forget_key(path: Path) -> None:
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return
    with contextlib.suppress(keyring.errors.KeyringError):  # PasswordDeleteError: none kept
        keyring.delete_password(KEYRING_SERVICE, _keyring_user(path))


def remembering() -> bool:
    """Whether the settings ask for the key to be kept in the credential store (off when unreadable)."""
    from .settings import SettingsError, load_settings

    try:
        return load_settings().remember_passphrase
    except SettingsError:
        return False


class Unlocker:
    """The key of one database for one start: derived once, from the first passphrase that opens it.

    `kind` says what the file is: "plain" (no key needed), "new" (a passphrase is chosen, and the file
    is created encrypted) or "encrypted" (a passphrase is asked for; three wrong ones raise TooManyTries).
    A passphrase known in advance (the environment, a file) is derived in a background thread at once,
    while the app loads (`begin`); `key()` waits for it.
    """

    def __init__(self, path: Path, remember: bool = False):
        self.path = path
        self.kind = crypto.file_kind(path)
        #: keep the key in the credential store once a passphrase opens the file (`remember_passphrase`)
        self.remember = remember
        self.wrong_tries = 0
        self._key: DatabaseKey | None = None
        self._error: DatabaseError | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if self.kind == "plain":
            self._done.set()

    @property
    def needs_passphrase(self) -> bool:
        """Whether someone must still give a passphrase (nothing was given in advance, none accepted)."""
        return self.kind != "plain" and self._thread is None and self._key is None

    def begin(self, passphrase: str) -> None:
        """Derive the key from a passphrase given in advance, in a background thread."""

        def derive() -> None:
            try:
                self._key = self.attempt(passphrase)
            except DatabaseError as exc:
                self._error = exc
            except ValueError as exc:  # WeakPassphrase for a new file
                self._error = DatabaseError(str(exc))
            finally:
                self._done.set()

        self._thread = threading.Thread(target=derive, name="mapm-key", daemon=True)
        self._thread.start()

    def attempt(self, passphrase: str) -> DatabaseKey:
        """The key if `passphrase` opens the file (a new file: if it is strong enough); else raise
        WrongPassphrase (TooManyTries on the third) or WeakPassphrase. Takes a fraction of a second."""
        if self.kind == "plain":
            raise crypto.NotPlain(f"{self.path} is not encrypted; it opens without a passphrase.")
        if self.kind == "new":
            crypto.check_strength(passphrase)
        try:
            key = crypto.key_for_file(self.path, passphrase)
        except TooManyTries:
            raise
        except WrongPassphrase:
            self.wrong_tries += 1
            if self.wrong_tries >= MAX_TRIES:
                raise TooManyTries(
                    f"Three wrong passphrases for {self.path}; nothing was read or changed. "
                    "Start mapm again to try once more."
                ) from None
            raise
        self._key = key
        self._done.set()
        if self.remember:
            remember_key(self.path, key)
        return key

    def use_remembered(self) -> bool:
        """Take the key kept in the credential store, if there is one and it still opens the file (a
        rekeyed file's old key is forgotten). No key derivation: the key is the raw one."""
        if self.kind != "encrypted":
            return False
        key = remembered_key(self.path)
        if key is None:
            return False
        try:
            crypto.verify(self.path, key)
        except WrongPassphrase:
            forget_key(self.path)
            return False
        self._key = key
        self._done.set()
        return True

    def key(self) -> DatabaseKey | None:
        """The key (None for a plain file), waiting for a derivation under way; raises what it raised."""
        if self.kind == "plain":
            return None
        if self._key is None and self._thread is None:
            raise PassphraseNeeded(f"{self.path} is encrypted and has not been unlocked.")
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._key


def start_unlocker(db: str | None, passphrase_file: Path | None = None):
    """The start's `Unlocker` for the database `db` (None where no key applies: not a file). A passphrase
    given in advance (--passphrase-file, MAPM_PASSPHRASE) starts its key derivation now, in a thread,
    while Textual loads; otherwise the app asks for it on the unlock screen before reading anything."""
    path = database_path(db)
    if path is None:
        return None
    given = given_passphrase(passphrase_file)
    unlocker = Unlocker(path, remember=given is None and remembering())
    if given is not None and unlocker.kind != "plain":
        unlocker.begin(given)
    elif unlocker.remember:
        unlocker.use_remembered()  # the key kept in the credential store: no unlock screen
    return unlocker


def unlock_for_command(target, passphrase_file: Path | None = None) -> DatabaseKey | None:
    """The key for a command-line command on `target`: None for a plain file (or not a file); for an
    encrypted one the given passphrase, or up to three asked on the terminal; for a new one a passphrase
    chosen (given, or asked twice)."""
    path = database_path(target)
    if path is None:
        return None
    given = given_passphrase(passphrase_file)
    unlocker = Unlocker(path, remember=given is None and remembering())
    if unlocker.kind == "plain":
        return None
    if unlocker.remember and unlocker.use_remembered():
        return unlocker.key()
    ask = terminal_prompt()
    if unlocker.kind == "new":
        return unlocker.attempt(new_passphrase(given, ask, str(path)))
    if given is not None:
        return unlocker.attempt(given)
    if ask is None:
        raise PassphraseNeeded(
            f"{path} is encrypted: run this on a terminal to be asked for its passphrase, "
            f"or give --passphrase-file or {ENV}."
        )
    while True:
        try:
            return unlocker.attempt(ask(f"Passphrase for {path.name}: "))
        except TooManyTries:
            raise
        except WrongPassphrase:
            _tell("That passphrase does not open it; try again.")
