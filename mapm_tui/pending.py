"""Entries taken but not yet saved: the queue that lets Enter always take what the chair typed.

Why a queue: with the database unreachable (a PostgreSQL server stopped, the network gone), a full disk or
another window's write lock held too long, an entry cannot be written when Enter is pressed. The chair
cannot stop the meeting for IT, and the next person is already speaking: so the entry is taken anyway
(the capture line is cleared), shown at once marked NOT SAVED, and kept here until it can be written.

The promises:
- **In order.** Entries are written in the order they were typed; while one waits, those typed after it
  wait behind it (the meeting's order is the order of the database's positions).
- **Each once.** Every entry carries an id chosen here, before its first write (`new_entry_id`), and the
  store writes an entry whose id it already holds as nothing (`Store.add_item(..., once=True)`). So a
  retry after a write whose COMMIT reached the database but whose answer was lost (a connection dropped at
  that moment) does not add it a second time.
- **Nothing dropped.** A write the store refuses for good (not a failure of the database or the disk: a
  rule) leaves the entry here, marked with the reason (`QueuedEntry.refused`), skipped by the retries and
  kept for the recovery file; changing it (`update`) tries it again.

No Textual and no store here: `flush` is given the function that writes one entry, and the autosaver
(autosave.py) runs it on its timer, on leaving a step or the app, and writes what is left to a recovery file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .store_errors import StoreError

#: the recovery file's key prefix of a queued entry (`entry:<id>`; autosave.Autosaver.unsaved)
RECOVERY_PREFIX = "entry:"


class EntriesWaiting(StoreError):
    """Something that needs every entry saved first (finalising) was asked for while some still wait."""


def new_entry_id() -> str:
    """An entry id chosen before the entry is written, unique in practice (48 random bits), so that a
    write retried after a lost answer names the same entry (and so never adds it twice)."""
    return f"ent-{secrets.token_hex(6)}"


@dataclass
class QueuedEntry:
    #: the entry as `Store.add_item` takes it (bundle fields), its id included
    values: dict[str, Any]
    #: why the store refused it for good (a sentence), or None while it is only waiting
    refused: str | None = None

    @property
    def id(self) -> str:
        return str(self.values["id"])


#: writes one entry (its values); raises what the store raises
Writer = Callable[[dict[str, Any]], None]
#: told of a write that failed; True: keep the entry and stop (a failure of the database: retried later),
#: False: the store refused it for good (it is marked refused, and the entries after it go on)
OnError = Callable[[Exception], bool]


class EntryQueue:
    """The entries of one open meeting taken but not yet written, oldest first."""

    def __init__(self) -> None:
        self._entries: list[QueuedEntry] = []
        #: called after the queue changed (an entry taken, changed, deleted or written): the app keeps a copy
        #: on disk while entries wait (recovery.write_journal), so that a kill loses none of them
        self.on_change: Callable[[], None] | None = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[QueuedEntry]:
        return iter(list(self._entries))

    def __contains__(self, entry_id: object) -> bool:
        return any(q.id == entry_id for q in self._entries)

    def get(self, entry_id: str) -> QueuedEntry | None:
        return next((q for q in self._entries if q.id == entry_id), None)

    def put(self, values: dict[str, Any]) -> QueuedEntry:
        """Queue an entry (its values carry its id) behind those waiting."""
        if "id" not in values:
            raise ValueError("a queued entry needs the id it will be written with")
        queued = QueuedEntry(dict(values))
        self._entries.append(queued)
        self._changed()
        return queued

    def update(self, entry_id: str, changes: dict[str, Any]) -> bool:
        """Change a waiting entry in place (the chair edited it before it was saved): its place in the order
        is kept and a refusal is forgotten (it is tried again). A None value clears that field, as
        `Store.update_item` does. False when no entry of that id waits (it was written meanwhile)."""
        queued = self.get(entry_id)
        if queued is None:
            return False
        for key, value in changes.items():
            if key == "id":
                continue
            if value is None:
                queued.values.pop(key, None)
            else:
                queued.values[key] = value
        queued.refused = None
        self._changed()
        return True

    def remove(self, entry_id: str) -> bool:
        """Take a waiting entry out (the chair deleted it before it was saved); False when none waits."""
        queued = self.get(entry_id)
        if queued is None:
            return False
        self._entries.remove(queued)
        self._changed()
        return True

    def clear(self) -> None:
        if self._entries:
            self._entries.clear()
            self._changed()

    @property
    def waiting(self) -> int:
        """How many entries are still to be written (refused ones included: they are not saved either)."""
        return len(self._entries)

    def unsaved(self) -> dict[str, object]:
        """`entry:<id>` -> the entry's values, oldest first: the recovery file's form (recovery.py)."""
        return {f"{RECOVERY_PREFIX}{q.id}": dict(q.values) for q in self._entries}

    def flush(self, write: Writer, on_error: OnError | None = None) -> int:
        """Write the waiting entries in order; returns how many were written. The first write that fails
        with a fault of the database (on_error says True) stops the flush: the rest wait behind it. Without
        `on_error` the failure is raised (the entry is kept)."""
        written = 0
        for queued in list(self._entries):
            if queued.refused is not None:
                continue  # waits for the chair to change or delete it; the entries after it go on
            try:
                write(dict(queued.values))
            except Exception as exc:  # told to on_error, which decides: kept and retried, or refused
                if on_error is None:
                    raise
                if on_error(exc):
                    break
                queued.refused = str(exc)
                continue
            if queued in self._entries:  # (not removed by the chair while it was being written)
                self._entries.remove(queued)
            written += 1
        if written:
            self._changed()
        return written
