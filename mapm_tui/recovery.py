"""Recovery files: text the chair typed that the database would not take (a full disk, a failed write).

When the app must stop with saves still pending, what they would have written goes into a small JSON
file (0600) beside the database: `meetings.db.unsaved-20261124-100000.json`. If that folder cannot be
written either (the same full disk), the data folder and then the system's temporary folder are tried.
The next start finds the files for its database and offers to put the text back (`restore`).

The file holds the autosaver's keys (`field:aim`, `draft:capture:known_before`) and their values, and the
entries taken but not yet written (`entry:<id>` -> the entry, pending.py), so it is restored through the
same store calls the app saves with: entries in the order they were typed, each once (an entry already
written under its id is not added again). A database on a server has no folder of its own: its files go
in the data folder under a name made from the server's address and database (`server_target`), never
its password. No Textual here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import locations
from .pending import RECOVERY_PREFIX

FORMAT = "mapm-unsaved-text/1"


class RecoveryError(ValueError):
    """A recovery file that cannot be written or read; the message says which and what to do."""


@dataclass(frozen=True)
class Recovery:
    path: Path
    database: str
    meeting_id: str
    written_at: dt.datetime
    #: autosaver key -> value, in the order they were typed
    changes: dict[str, object]


def _folders(db_path: Path) -> list[Path]:
    # (once each: a server's files are named in the data folder's recovery folder, the second place)
    return list(dict.fromkeys([db_path.parent, locations.data_dir() / "recovery", Path(tempfile.gettempdir())]))


def _pattern(db_path: Path) -> str:
    return f"{db_path.name}.unsaved-*.json"


def server_target(host: str | None, port: int | None, database: str | None) -> Path:
    """Where a PostgreSQL database's recovery files are kept (the path stands in for a database file: its
    files are named after it, in the data folder's `recovery` folder). No user name or password in it."""
    name = "-".join(str(part) for part in ("postgresql", host or "local", port or 5432, database or "mapm"))
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return locations.data_dir() / "recovery" / safe


def write(db_path: Path, meeting_id: str, changes: dict[str, object], now: dt.datetime) -> Path:
    """Write `changes` to a new recovery file (0600, synced to disk) and return its path; the first
    folder that takes it wins. Raises RecoveryError naming the folders when none does."""
    db_path = Path(db_path).resolve()
    payload = {
        "format": FORMAT,
        "database": str(db_path),
        "meeting_id": meeting_id,
        "written_at": now.astimezone(dt.UTC).isoformat(),
        "changes": [{"key": key, "value": value} for key, value in changes.items()],
    }
    data = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    reasons = []
    for folder in _folders(db_path):
        path = folder / f"{db_path.name}.unsaved-{stamp}.json"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{db_path.name}.unsaved-{stamp}-{n}.json"
        try:
            _write_private(db_path, folder, path, data, os.O_EXCL)
            return path
        except OSError as exc:
            reasons.append(f"{folder} ({exc.strerror})")
            with contextlib.suppress(OSError):
                path.unlink()  # a half-written file is worse than none
    raise RecoveryError(f"The unsaved text could not be written to a recovery file in {', or '.join(reasons)}.")


def _write_private(db_path: Path, folder: Path, path: Path, data: bytes, mode: int) -> None:
    """Write `data` to `path` in `folder` (made private first when it is one of ours), readable by the
    user alone, synced to the disk before returning. `mode`: os.O_EXCL (a new file) or os.O_TRUNC."""
    if not folder.exists() and (folder != db_path.parent or folder == locations.data_dir() / "recovery"):
        locations.make_private_dir(folder)
    fd = os.open(path, os.O_CREAT | mode | os.O_WRONLY, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def journal_name(db_path: Path, meeting_id: str) -> str:
    """The name of the file that mirrors a meeting's waiting entries while they wait (`write_journal`); a
    recovery file's name, so that `find` and the next start offer it like any other."""
    return f"{Path(db_path).name}.unsaved-entries-{meeting_id}.json"


def write_journal(db_path: Path, meeting_id: str, changes: dict[str, object], now: dt.datetime) -> Path:
    """Keep `changes` (the entries waiting to be saved) in the meeting's journal file, replaced whole each
    time (written beside it, synced, renamed over it): a kill or a power cut while the database cannot take
    them loses none. The first folder that takes it wins, as for `write`; a copy left in another folder by
    an earlier write is removed. Raises RecoveryError when no folder takes it."""
    db_path = Path(db_path).resolve()
    payload = {
        "format": FORMAT,
        "database": str(db_path),
        "meeting_id": meeting_id,
        "written_at": now.astimezone(dt.UTC).isoformat(),
        "changes": [{"key": key, "value": value} for key, value in changes.items()],
    }
    data = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    name = journal_name(db_path, meeting_id)
    reasons = []
    for index, folder in enumerate(_folders(db_path)):
        path, part = folder / name, folder / (name + ".part")
        try:
            _write_private(db_path, folder, part, data, os.O_TRUNC)
            os.replace(part, path)
        except OSError as exc:
            reasons.append(f"{folder} ({exc.strerror})")
            with contextlib.suppress(OSError):
                part.unlink()
            continue
        for other in _folders(db_path)[index + 1 :]:
            with contextlib.suppress(OSError):
                (other / name).unlink()
        return path
    raise RecoveryError(f"The entries not yet saved could not be kept in a file in {', or '.join(reasons)}.")


def drop_journal(db_path: Path, meeting_id: str) -> None:
    """No entry of the meeting waits any more: its journal file goes (wherever it was written)."""
    db_path = Path(db_path).resolve()
    for folder in _folders(db_path):
        with contextlib.suppress(OSError):
            (folder / journal_name(db_path, meeting_id)).unlink()


def find(db_path: Path) -> list[Recovery]:
    """The recovery files of the database at `db_path`, oldest first (unreadable ones are skipped)."""
    db_path = Path(db_path).resolve()
    found = []
    for folder in _folders(db_path):
        for path in sorted(folder.glob(_pattern(db_path))) if folder.is_dir() else ():
            try:
                recovery = read(path)
            except RecoveryError:
                continue
            if recovery.database == str(db_path):
                found.append(recovery)
    return sorted(found, key=lambda r: r.written_at)


def read(path: Path) -> Recovery:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("not a recovery file")
        return Recovery(
            path=Path(path),
            database=str(data["database"]),
            meeting_id=str(data["meeting_id"]),
            written_at=dt.datetime.fromisoformat(data["written_at"]),
            changes={str(c["key"]): c["value"] for c in data["changes"]},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RecoveryError(f"{path}: is not a readable mapm recovery file ({exc}).") from None


def restore(store, recovery: Recovery) -> int:
    """Write the recovered text into its meeting (the store's usual calls: its checks apply), then delete
    the file. Returns how many changes were written. StoreError passes through, the file kept."""
    fields: dict[str, object] = {}
    drafts: dict[str, str] = {}
    part_two: dt.datetime | None = None
    step_times: dict[str, int] = {}
    entries = entries_in(recovery)
    for key, value in recovery.changes.items():
        kind, _, name = key.partition(":")
        if kind == "field":
            fields[name] = value
        elif kind == "draft":
            drafts[name] = "" if value is None else str(value)
        elif kind == "step_time" and isinstance(value, int) and value > 0:  # time on a step (live.py)
            step_times[name] = value
        elif kind == "part_two" and isinstance(value, str):  # the family joined (F4), when (live.PART_TWO_KEY)
            with contextlib.suppress(ValueError):
                part_two = dt.datetime.fromisoformat(value)
    if fields:
        store.set_fields(recovery.meeting_id, fields)
    for step, seconds in step_times.items():
        store.add_step_time(recovery.meeting_id, step, seconds)
    if part_two is not None and store.meeting_row(recovery.meeting_id).part_two_started_at is None:
        store.mark_part_two(recovery.meeting_id, part_two)
    for name, text in drafts.items():
        store.save_draft(recovery.meeting_id, name, text)
    for entry in entries:
        store.add_item(recovery.meeting_id, "entries", entry, once=True)
    recovery.path.unlink(missing_ok=True)
    return len(fields) + len(drafts) + len(entries) + len(step_times) + (part_two is not None)


def entries_in(recovery: Recovery) -> list[dict]:
    """The entries a recovery file keeps (taken but never written), in the order they were typed."""
    return [
        dict(value)
        for key, value in recovery.changes.items()
        if key.startswith(RECOVERY_PREFIX) and isinstance(value, dict) and value.get("id")
    ]


def drop_entries(recovery: Recovery, now: dt.datetime) -> Path | None:
    """The file's entries are written (put back into their meeting another way): delete the file, or when
    it keeps more than entries, replace it with a file of the rest (returned). RecoveryError when that
    cannot be written: the old file is then kept whole (putting it back adds no entry twice)."""
    rest = {k: v for k, v in recovery.changes.items() if not k.startswith(RECOVERY_PREFIX)}
    kept = write(Path(recovery.database), recovery.meeting_id, rest, now) if rest else None
    recovery.path.unlink(missing_ok=True)
    return kept
