"""Debounced saving: the latest value of each field is written at most `delay` seconds after the
last keystroke, and at once when the chair leaves the field, the step or the app.

A commit per keystroke costs 1.4-4x CPU per key; a debounced one costs nothing measurable. Pending
saves live here, not in a Textual timer queue, so that a quit, a SIGTERM or a SIGHUP can flush them
synchronously before the process ends. No Textual here: the app calls `flush_due` from a timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Saver = Callable[[], None]


@dataclass
class Autosaver:
    delay: float = 0.5
    now: Callable[[], float] = time.monotonic
    #: called after each successful flush with the number of saves written
    on_saved: Callable[[int], None] | None = None
    #: called with the exception of a save that failed; returning True keeps the save queued to retry
    #: (a busy database), False drops it (a value the store refuses for good, already shown to the chair)
    on_error: Callable[[Exception], bool] | None = None
    _pending: dict[str, tuple[float, Saver]] = field(default_factory=dict)
    #: key -> the value its pending save writes (text the chair typed), for a recovery file
    _values: dict[str, object] = field(default_factory=dict)

    def put(self, key: str, save: Saver, value: object = None) -> None:
        """Schedule `save` for `key`, replacing an earlier one not yet written. `value` is what it writes,
        kept so that text that cannot be saved can still be written to a recovery file (`unsaved`)."""
        self._pending[key] = (self.now(), save)
        self._values[key] = value

    def unsaved(self) -> dict[str, object]:
        """key -> value of every save not yet written (in the order they were made)."""
        return {key: self._values.get(key) for key in self._pending}

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def discard(self) -> None:
        """Forget every pending save (its text is kept elsewhere: a recovery file)."""
        self._pending.clear()
        self._values.clear()

    def flush_due(self) -> int:
        """Write the saves whose last change is older than `delay`."""
        cutoff = self.now() - self.delay
        return self._run([k for k, (t, _s) in self._pending.items() if t <= cutoff])

    def flush(self, key: str | None = None) -> int:
        """Write everything pending now (or only `key`)."""
        keys = list(self._pending) if key is None else ([key] if key in self._pending else [])
        return self._run(keys)

    def _run(self, keys: list[str]) -> int:
        written = 0
        for key in keys:
            entry = self._pending.pop(key, None)
            if entry is None:
                continue
            try:
                entry[1]()
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
