"""Debounced saving with a ceiling: the latest value of each field is written `delay` seconds after
the last keystroke (a pause), or `max_latency` seconds after its first unsaved change, whichever comes
first; and at once when the chair leaves the field, the step or the app.

Why both: a pause alone never comes while the chair types steadily (one key every 0.15 s for a whole
sentence), and a SIGKILL or a dead battery then lost everything since the last pause. The ceiling bounds
what can be lost to `max_latency` plus one timer tick, however fast or long the chair types.

A commit per keystroke costs 1.4-4x CPU per key; a save at most every `max_latency` seconds while typing
costs a commit every few keys (measured by the typing benchmark). Pending saves live here, not in a
Textual timer queue, so that a quit, a SIGTERM or a SIGHUP can flush them synchronously before the
process ends. No Textual here: the app calls `flush_due` from a timer.

Entries taken but not yet written (pending.py) wait here too, in `queue`, written by `write_entry`: every
flush writes them first, in order, and `pending`, `unsaved` and `discard` count them, so that whatever
keeps or writes out unsaved text (the quit, a signal, a crash, leaving the meeting) keeps them as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from .pending import EntryQueue, Writer

Saver = Callable[[], None]

#: seconds after the last change (a pause in typing)
DEFAULT_DELAY = 0.5
#: seconds after the first unsaved change, however steadily the typing goes on
DEFAULT_MAX_LATENCY = 0.4


class Pending(NamedTuple):
    #: when the value was last changed
    changed: float
    save: Saver
    #: when the first change not yet written was made
    first: float


@dataclass
class Autosaver:
    delay: float = DEFAULT_DELAY
    now: Callable[[], float] = time.monotonic
    #: called after each successful flush with the number of saves written
    on_saved: Callable[[int], None] | None = None
    #: called with the exception of a save that failed; returning True keeps the save queued to retry
    #: (a busy database), False drops it (a value the store refuses for good, already shown to the chair)
    on_error: Callable[[Exception], bool] | None = None
    max_latency: float = DEFAULT_MAX_LATENCY
    _pending: dict[str, Pending] = field(default_factory=dict)
    #: key -> the value its pending save writes (text the chair typed), for a recovery file
    _values: dict[str, object] = field(default_factory=dict)
    #: entries taken but not yet written, oldest first (pending.py)
    queue: EntryQueue = field(default_factory=EntryQueue)
    #: writes one queued entry (LiveMeeting sets it); None: the queue is not written
    write_entry: Writer | None = None
    #: nothing is tried while set: a save found the database out of reach (a server gone). A server out
    #: of reach can take the connect timeout to say so, and saves run on the app's thread: trying each
    #: pending save on every tick froze the chair's screen for that long, again and again. The app asks
    #: the server in a thread instead (`Store.answers`) and clears this when it answers.
    held: bool = False

    def put(self, key: str, save: Saver, value: object = None) -> None:
        """Schedule `save` for `key`, replacing an earlier one not yet written (whose first change still
        counts towards the ceiling). `value` is what it writes, kept so that text that cannot be saved can
        still be written to a recovery file (`unsaved`)."""
        now = self.now()
        earlier = self._pending.get(key)
        self._pending[key] = Pending(now, save, earlier.first if earlier else now)
        self._values[key] = value

    def unsaved(self) -> dict[str, object]:
        """key -> value of every save not yet written (in the order they were made), then each entry
        still queued (`entry:<id>` -> its values, in the order they were typed)."""
        return {**{key: self._values.get(key) for key in self._pending}, **self.queue.unsaved()}

    def waiting(self, key: str) -> bool:
        """Whether a save of `key` waits to be written."""
        return key in self._pending

    @property
    def pending(self) -> bool:
        return bool(self._pending) or bool(self.queue)

    def discard(self, key: str | None = None) -> None:
        """Forget a pending save that is no longer wanted (its value was written another way), or every
        pending save (`key` None: their text is kept elsewhere, a recovery file)."""
        if key is None:
            self._pending.clear()
            self._values.clear()
            self.queue.clear()
        else:
            self._pending.pop(key, None)
            self._values.pop(key, None)

    def flush_due(self) -> int:
        """Write the saves whose last change is older than `delay`, or whose first unsaved change is
        older than `max_latency`."""
        now = self.now()
        return self._run(
            [k for k, p in self._pending.items() if now - p.changed >= self.delay or now - p.first >= self.max_latency],
            queue=True,
        )

    def flush(self, key: str | None = None, *, keep: Collection[str] = ()) -> int:
        """Write everything pending now (or only `key`); the queued entries first when it is everything.
        `keep`: keys left for the timer (a value that need not be written before the next screen is drawn)."""
        keys = [k for k in self._pending if k not in keep] if key is None else ([key] if key in self._pending else [])
        return self._run(keys, queue=key is None)

    def flush_queue(self) -> int:
        """Write the queued entries now (an entry just taken), in order."""
        return self._run([], queue=True)

    def _run(self, keys: list[str], queue: bool = False) -> int:
        written = 0
        if self.held:
            return written
        if queue and self.queue and self.write_entry is not None:
            written += self.queue.flush(self.write_entry, self.on_error)
        for key in keys:
            if self.held:  # a save just now found the database out of reach: the others wait with it
                break
            entry = self._pending.pop(key, None)
            if entry is None:
                continue
            try:
                entry.save()
                written += 1
                if key not in self._pending:  # not put again meanwhile
                    self._values.pop(key, None)
            except Exception as exc:  # report it, and never lose the other saves
                if self.on_error is None:
                    raise
                if self.on_error(exc):
                    self._pending.setdefault(key, entry)
        if written and self.on_saved:
            self.on_saved(written)
        return written
