"""The encrypted database: SQLCipher 4 keys, opening a file with its key, `encrypt` and `rekey`.

A passphrase is turned into the database's raw key once per start (PBKDF2-HMAC-SHA512, 256,000
iterations, the file's own 16-byte salt: SQLCipher 4's defaults), and every connection is then opened
with that raw key (`PRAGMA key = "x'<key><salt>'"`), which costs nothing. So the key is derived once
however many connections the pool opens, and the file still opens with the passphrase in any standard
SQLCipher tool (`PRAGMA key = '<passphrase>'`): a partnership's IT can recover its data without this app.

A database file is one of three kinds (`file_kind`): new (missing or empty), plain SQLite (its header is
"SQLite format 3"), or encrypted (anything else: the header is the random salt). Plain files still open
without a key; `encrypt_file` turns one into an encrypted file.

No Textual and no SQLAlchemy here. Passphrases and keys never go into a message, a log or a repr.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .db import SQLITE_HEADER, DatabaseError
from .files import sync_folder

#: the salt SQLCipher 4 keeps in a file's first 16 bytes
SALT_BYTES = 16
KEY_BYTES = 32
#: SQLCipher 4's default key derivation: PBKDF2-HMAC-SHA512 with this many iterations
KDF_ITERATIONS = 256_000
#: the shortest passphrase accepted for a new database
MIN_PASSPHRASE_LENGTH = 12
#: one sentence for the chair choosing a passphrase
STRENGTH_RULE = (
    f"Use at least {MIN_PASSPHRASE_LENGTH} characters: three or four ordinary words you will remember, "
    "such as 'kettle orchard blue tram', are strong and easy to type."
)
#: said wherever a passphrase is asked for or chosen (the unlock screen, the README)
NO_BACK_DOOR = (
    "There is no back door: without the passphrase nobody, including the makers of mapm, can read these "
    "meetings; keep a recovery copy as an encrypted export in a place your information governance approves."
)

#: SQLite's result code for "file is not a database": what a wrong key gives
SQLITE_NOTADB = 26

FileKind = Literal["new", "plain", "encrypted"]


class WrongPassphrase(DatabaseError):
    """The passphrase does not open the database."""


class PassphraseNeeded(DatabaseError):
    """The database is encrypted (or is to be created encrypted) and no passphrase was given."""


class WeakPassphrase(ValueError):
    """A new passphrase is too short or too simple; the message is `STRENGTH_RULE`."""


class DatabaseInUse(DatabaseError):
    """The database is open elsewhere, so it cannot be replaced by its encrypted copy now."""


class NotPlain(DatabaseError):
    """`encrypt` was asked to encrypt a file that is not a plain SQLite database."""


@dataclass(frozen=True)
class DatabaseKey:
    """The raw SQLCipher key of one database file and that file's salt (never shown in a repr)."""

    raw: bytes = field(repr=False)
    salt: bytes = field(repr=False)

    def literal(self) -> str:
        """The key as SQLCipher's raw-key literal, `x'<key><salt>'` (for PRAGMA key / rekey / ATTACH)."""
        return f"\"x'{self.raw.hex()}{self.salt.hex()}'\""


def check_strength(passphrase: str) -> None:
    """Raise WeakPassphrase unless `passphrase` is fit for a new database."""
    stripped = passphrase.strip()
    if len(stripped) < MIN_PASSPHRASE_LENGTH or len(set(stripped)) < 5:
        raise WeakPassphrase(STRENGTH_RULE)


def derive_key(passphrase: str, salt: bytes | None = None) -> DatabaseKey:
    """The raw key SQLCipher 4 would derive from `passphrase` and `salt` (a new random salt if None)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    raw = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
    return DatabaseKey(raw, salt)


def file_kind(path: Path) -> FileKind:
    """Whether `path` is a new (missing or empty), plain or encrypted database file."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "new"
    except OSError as exc:
        raise DatabaseError(f"cannot read the database {path}: {exc.strerror}; check the file, or use --db.") from None
    if not head:
        return "new"
    return "plain" if head == SQLITE_HEADER else "encrypted"


def file_salt(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(SALT_BYTES)


def key_for_file(path: Path, passphrase: str) -> DatabaseKey:
    """The key that `passphrase` gives for the encrypted file `path` (checked: WrongPassphrase if it does
    not open it), or for a new file a key with a fresh salt. The one key derivation of a start."""
    kind = file_kind(path)
    if kind == "plain":
        raise NotPlain(f"{path} is not encrypted; it opens without a passphrase (`mapm encrypt` encrypts it).")
    if kind == "new":
        return derive_key(passphrase)
    key = derive_key(passphrase, file_salt(path))
    verify(path, key)
    return key


def connect(path: Path | str, key: DatabaseKey | None, *, uri: bool = False, **kwargs):
    """A sqlcipher3 connection to `path`, keyed with `key` (None: a plain SQLite file).

    SQLCipher's own log is silenced first: it writes to stderr, which would draw over the app's screen.
    """
    import sqlcipher3

    con = sqlcipher3.connect(str(path), uri=uri, **kwargs)
    try:
        con.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            con.execute(f"PRAGMA key = {key.literal()}")
    except BaseException:
        con.close()
        raise
    return con


def verify(path: Path, key: DatabaseKey) -> None:
    """Raise WrongPassphrase unless `key` opens `path`."""
    import sqlcipher3

    try:
        con = connect(f"file:{_uri_path(path)}?mode=ro", key, uri=True)
    except sqlcipher3.Error as exc:
        raise DatabaseError(f"cannot open the database {path} ({exc}); check the file, or use --db.") from None
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", SQLITE_NOTADB) != SQLITE_NOTADB:  # busy, unreadable …: not the key
            raise DatabaseError(f"cannot open the database {path} ({exc}); try again, or use --db.") from None
        from .db import key_or_damage_sentence

        raise WrongPassphrase(key_or_damage_sentence(path)) from None
    finally:
        con.close()


def _uri_path(path: Path | str) -> str:
    from urllib.parse import quote

    return quote(str(path))


# -- turning a plain file into an encrypted one, and changing the passphrase ---------------------------


def encrypt_file(path: Path, passphrase: str) -> DatabaseKey:
    """Encrypt the plain SQLite database `path` with `passphrase`, atomically.

    The encrypted copy is written beside it (`sqlcipher_export`), checked (it opens with the key, passes
    SQLCipher's integrity check and holds as many rows in every table), and only then moved over the plain
    file; the plain file's bytes are then overwritten with zeros before it is let go, and its WAL (already
    checkpointed into it) removed. On any failure the plain file is left as it was and the copy removed.
    Returns the new key (so the caller can open the database without deriving it again).
    """
    import sqlcipher3

    path = Path(path)
    if file_kind(path) != "plain":
        raise NotPlain(f"{path} is not a plain SQLite database (already encrypted, or empty); nothing was changed.")
    check_strength(passphrase)
    key = derive_key(passphrase)
    partial = path.with_name(path.name + ".encrypting")
    _remove_quietly(partial)
    try:
        plain = connect(path, None, isolation_level=None, timeout=0)
    except sqlcipher3.Error as exc:
        raise DatabaseError(f"could not open {path} ({exc}); nothing was changed.") from None
    try:
        _hold_alone(plain, path)
        try:
            counts = _row_counts(plain)
            plain.execute(f"ATTACH DATABASE ? AS encrypted KEY {key.literal()}", (str(partial),))
            plain.execute("SELECT sqlcipher_export('encrypted')")
            version = plain.execute("PRAGMA main.user_version").fetchone()[0]
            plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            plain.execute("DETACH DATABASE encrypted")
            copy = connect(partial, key, isolation_level=None)
            try:
                problems = copy.execute("PRAGMA cipher_integrity_check").fetchall()
                if problems or _row_counts(copy) != counts:
                    raise DatabaseError(f"the encrypted copy of {path} did not check out; nothing was changed.")
                copy.execute("PRAGMA journal_mode = WAL")
            finally:
                copy.close()
            _fsync(partial)
        except (sqlcipher3.Error, OSError) as exc:
            _give_back(plain, partial)
            raise DatabaseError(f"could not encrypt {path} ({exc}); nothing was changed.") from None
        except BaseException:
            _give_back(plain, partial)
            raise
        _replace_and_wipe(partial, path)
    finally:
        plain.close()
    return key


def _hold_alone(con, path: Path) -> None:
    """Take the plain database for `con` alone until it closes, or raise DatabaseInUse.

    Leaving WAL mode needs every other connection closed (in WAL mode each holds a lock on the file for as
    long as it is open, even idle), so the app running on this file is seen and refused: it would go on
    writing to the plain file after it was replaced. The rollback journal and an exclusive lock kept
    until close then keep everyone else out while the copy is made and moved into place."""
    import sqlcipher3

    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = con.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise DatabaseInUse(_IN_USE.format(path=path))
        con.execute("PRAGMA locking_mode = EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("COMMIT")
    except sqlcipher3.OperationalError:
        raise DatabaseInUse(_IN_USE.format(path=path)) from None


def _give_back(con, partial: Path) -> None:
    """After a failed encryption: the copy removed, the plain file back in WAL mode, as it was."""
    import sqlcipher3

    _remove_quietly(partial)
    with contextlib.suppress(sqlcipher3.Error):
        con.execute("PRAGMA journal_mode = WAL")


_IN_USE = "{path} is open in mapm (another window, or a command still running); close it, then try again."


def rekey_file(path: Path, old: DatabaseKey, new_passphrase: str) -> DatabaseKey:
    """Change the passphrase of the encrypted database `path` (its salt stays; every page is rewritten).

    `old` must open it (WrongPassphrase otherwise). Returns the new key.
    """
    import sqlcipher3

    check_strength(new_passphrase)
    verify(path, old)
    new = derive_key(new_passphrase, old.salt)
    try:
        con = connect(path, old, isolation_level=None)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute(f"PRAGMA rekey = {new.literal()}")
        finally:
            con.close()
    except sqlcipher3.Error as exc:
        raise DatabaseError(f"could not change the passphrase of {path} ({exc}); the old one still opens it.") from None
    verify(path, new)
    return new


def _row_counts(con) -> dict[str, int]:
    names = [
        r[0]
        for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if not r[0].startswith("search_index_")  # FTS5's shadow tables are counted through search_index
    ]
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}


def _replace_and_wipe(encrypted: Path, plain: Path) -> None:
    """Move `encrypted` over `plain`, then overwrite the old plain bytes (still held open) with zeros.

    The overwrite reaches the same blocks on ordinary file systems; on SSDs and copy-on-write file systems
    the drive may keep old copies, which is why the README asks for full-disk encryption as well.
    """
    if os.name != "posix":  # Windows will not replace a file that is open: hold the plain bytes by a link
        old = plain.with_name(plain.name + ".plain-old")
        _remove_quietly(old)
        os.link(plain, old)
        os.replace(encrypted, plain)
        _overwrite(old)
        old.unlink()
    else:
        fd = os.open(plain, os.O_RDWR)
        try:
            os.replace(encrypted, plain)
            sync_folder(plain.parent)
            _overwrite_fd(fd)
        finally:
            os.close(fd)
    for suffix in ("-wal", "-shm", "-journal"):
        _remove_quietly(plain.with_name(plain.name + suffix))
    if os.name == "posix":
        os.chmod(plain, 0o600)


def _overwrite(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        _overwrite_fd(fd)
    finally:
        os.close(fd)


def _overwrite_fd(fd: int) -> None:
    """Write zeros over every byte of the open file `fd`, and flush them to the disk."""
    size = os.fstat(fd).st_size
    zeros = b"\0" * (1 << 20)
    os.lseek(fd, 0, os.SEEK_SET)
    left = size
    while left > 0:
        left -= os.write(fd, zeros[: min(left, len(zeros))])
    os.fsync(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
