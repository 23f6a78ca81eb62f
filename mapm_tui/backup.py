"""Backups of the database, and putting one back.

Backups are taken with SQLite's online backup API (`sqlite3.Connection.backup`): a consistent copy
of the open database while the app goes on writing (in WAL mode the copy neither blocks nor is
blocked by the writer). They go to the data folder, one folder per database
(`backups/meetings-1a2b3c4d/meetings-20261124-100000-daily.db`), each 0600 in a 0700 folder, written
to a temporary name, synced and renamed into place, so a backup is either whole or absent. The app
takes one at each meeting's end and once a day; the newest `keep` (`backups_kept` in settings.toml)
are kept. `mapm backup` and `mapm restore` do it by hand.

Encryption: every copy is made by `write_backup`, which takes the open connection and the database's
key: the target is opened with the same key before `backup` is called, so the backup of an encrypted
database is encrypted too (sqlcipher3's `backup` into an unkeyed target would write plaintext), and a
backup is checked and restored through the same key. No Textual here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import locations
from .db import driver_errors, file_problem, read_only_connection
from .files import sync_folder

#: backups kept per database when settings.toml does not say
DEFAULT_KEEP = 10
#: a daily backup is taken when the newest is older than this
DAILY = dt.timedelta(hours=24)
_NAME = re.compile(r"-(\d{8}-\d{6})(?:-(\d+))?-([a-z-]+)\.db$")


class BackupError(ValueError):
    """A backup that cannot be taken or put back; the message is one sentence saying why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str

    @property
    def when(self) -> str:
        """'Tue 24 Nov 2026 10:00' (local time)."""
        from .dates import format_date

        local = self.taken_at.astimezone()
        return f"{format_date(local.date())} {local.strftime('%H:%M')}"


def backup_folder(db_path: Path) -> Path:
    """The folder for the backups of the database at `db_path` (its name and a hash of its full path, so
    two databases called meetings.db keep their backups apart)."""
    resolved = Path(db_path).resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:8]
    return locations.data_dir() / "backups" / f"{resolved.stem}-{digest}"


def write_backup(conn: sqlite3.Connection, dest: Path, key=None) -> Path:
    """Copy the database open on `conn` to `dest` (0600; whole or not at all) with the online backup API.

    The one function every backup goes through; see the module docstring for an encrypted database.
    The copy is switched to a rollback journal, so it is one self-contained file."""
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        if key is None:
            target = sqlite3.connect(tmp)
        else:
            from . import crypto

            target = crypto.connect(tmp, key)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_folder(dest.parent)
    return dest


def backup_store(store, reason: str, *, keep: int = DEFAULT_KEEP, now: dt.datetime | None = None) -> Path:
    """Take a rotating backup of the store's database now (`reason`: daily, meeting-end, manual)."""
    db_path = store.path
    if db_path is None:
        raise BackupError("Only a database file can be backed up.")
    try:
        folder = locations.make_private_dir(backup_folder(db_path))
    except OSError as exc:
        raise BackupError(f"The backups folder {backup_folder(db_path)} cannot be made: {_why(exc)}.") from None
    stamp = (now or store.clock.utcnow()).astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    dest = folder / f"{db_path.stem}-{stamp}-{reason}.db"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"{db_path.stem}-{stamp}-{n}-{reason}.db"
    backup_to(store, dest)
    problem = file_problem(dest, key=store.key)
    if problem is not None:  # a copy of a damaged database must never push a good backup out
        dest.unlink(missing_ok=True)
        raise BackupError(f"The database looks damaged ({problem[1]}), so this backup was not kept.")
    rotate(db_path, keep)
    return dest


def _copy_errors() -> tuple[type[Exception], ...]:
    """What copying a database can raise for reasons outside the program: the disk, or the driver."""
    return (OSError, *driver_errors())


def backup_to(store, dest: Path) -> Path:
    """Back the store's database up to the file `dest` (replaced if it exists)."""
    raw = store.engine.raw_connection()
    try:
        return write_backup(raw.driver_connection, dest, store.key)
    except _copy_errors() as exc:
        raise BackupError(f"The backup could not be written to {dest}: {_why(exc)}.") from None
    finally:
        raw.close()


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of the database at `db_path`, newest first."""
    folder = backup_folder(db_path)
    found = []
    for path in folder.glob("*.db") if folder.is_dir() else ():
        match = _NAME.search(path.name)
        if match is None:
            continue
        taken = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)
        found.append((taken, int(match.group(2) or 1), BackupInfo(path, taken, match.group(3))))
    return [info for _t, _n, info in sorted(found, key=lambda f: (f[0], f[1]), reverse=True)]


def rotate(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (and any left half-written); returns what was deleted."""
    gone = []
    for info in list_backups(db_path)[max(1, keep) :]:
        info.path.unlink(missing_ok=True)
        gone.append(info.path)
    folder = backup_folder(db_path)
    for part in folder.glob(".*.part") if folder.is_dir() else ():
        part.unlink(missing_ok=True)
    return gone


def take_daily_if_due(store, *, keep: int = DEFAULT_KEEP) -> Path | None:
    """The day's backup, if the newest is a day old or there is none (the app calls it after opening)."""
    db_path = store.path
    if db_path is None or store.read_only or not daily_due(db_path, store.clock.utcnow()):
        return None
    return backup_store(store, "daily", keep=keep)


def daily_due(db_path: Path, now: dt.datetime) -> bool:
    newest = list_backups(db_path)
    return not newest or now - newest[0].taken_at >= DAILY


def newest_good_backup(db_path: Path, key=None) -> BackupInfo | None:
    """The newest backup of `db_path` that is whole (passes the same checks as opening a database; an
    encrypted backup is checked only with `key`)."""
    for info in list_backups(db_path):
        if file_problem(info.path, key=key) is None:
            return info
    return None


def restore(backup: Path, db_path: Path, now: dt.datetime, key=None) -> Path:
    """Put `backup` in place of the database at `db_path`; returns where the current file was kept.

    Atomic: the backup is checked first (a mapm database that passes the quick check), copied beside
    the database under a temporary name and synced; only then is the current file (with its -wal and
    -shm) moved aside to `<name>.before-restore-<time>` and the copy renamed into place. Close mapm in
    every other window first: a window with the old file open would go on writing to the one set aside.
    """
    backup, db_path = Path(backup), Path(db_path)
    if not backup.is_file():
        raise BackupError(f"{backup} is not a file; give the path of a backup (`mapm backup` prints one).")
    if backup.resolve() == db_path.resolve():
        raise BackupError(f"{backup} is the database itself; give the path of a backup of it.")
    from . import crypto

    if crypto.file_kind(backup) == "encrypted" and key is None:
        raise BackupError(f"{backup} is encrypted: give the database's passphrase to restore it. Nothing was changed.")
    problem = file_problem(backup, quick_check=True, key=key)
    if problem is not None or (backup.stat().st_size == 0):
        detail = problem[1] if problem else "it is empty"
        raise BackupError(f"{backup} cannot be restored: {detail}. Nothing was changed.")
    editing = _editing_elsewhere(db_path, now, key)
    if editing is not None:
        raise BackupError(
            f"A mapm window is editing a meeting in {db_path} ({editing}); close it first. Nothing was changed."
        )
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    try:
        if not db_path.parent.exists():
            locations.make_private_dir(db_path.parent)
        tmp.unlink(missing_ok=True)
        source = read_only_connection(backup, key if crypto.file_kind(backup) == "encrypted" else None)
        try:
            write_backup(source, tmp, key if crypto.file_kind(backup) == "encrypted" else None)
        finally:
            source.close()
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        if db_path.exists():
            os.replace(db_path, aside)
            for suffix in ("-wal", "-shm"):
                extra = db_path.with_name(db_path.name + suffix)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + suffix))
        os.replace(tmp, db_path)
        sync_folder(db_path.parent)
    except _copy_errors() as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"{backup} could not be restored to {db_path}: {_why(exc)}.") from None
    return aside


def _editing_elsewhere(db_path: Path, now: dt.datetime, key=None) -> str | None:
    """Who holds a meeting of the database at `db_path` with a live heartbeat (holds.py), if anyone: a
    restore under a running window would leave it writing to the file set aside. Best effort: a file too
    damaged to read has no readable holds."""
    from .holds import STALE_AFTER

    if not db_path.is_file():
        return None
    try:
        from . import crypto

        con = read_only_connection(db_path, key if crypto.file_kind(db_path) == "encrypted" else None)
        try:
            rows = con.execute("SELECT holder_name, host, pid, heartbeat FROM editor_hold").fetchall()
        finally:
            con.close()
    except driver_errors():
        return None
    for name, host, pid, beat in rows:
        try:
            alive = now - dt.datetime.fromisoformat(beat) < STALE_AFTER
        except (TypeError, ValueError):
            continue
        if alive:
            return f"{name} on {host}, process {pid}"
    return None


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
