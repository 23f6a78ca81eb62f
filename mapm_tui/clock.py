"""The one clock. Everything that needs 'now' or 'today' asks a Clock, so tests and snapshots can fix time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class Clock:
    def now(self) -> dt.datetime:
        """Aware local time."""
        return dt.datetime.now().astimezone()

    def utcnow(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return self.now().date()

    def monotonic(self) -> float:
        import time

        return time.monotonic()


@dataclass
class FixedClock(Clock):
    """A clock that stands still unless moved (`advance`); for tests."""

    at: dt.datetime
    _mono: float = 1000.0

    def now(self) -> dt.datetime:
        return self.at if self.at.tzinfo else self.at.replace(tzinfo=dt.UTC)

    def utcnow(self) -> dt.datetime:
        return self.now().astimezone(dt.UTC)

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self.at = self.at + dt.timedelta(seconds=seconds)
        self._mono += seconds
