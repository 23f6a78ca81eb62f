"""Amendments: once a meeting has been finalised, every change to it is recorded (field, before, after, who
and why), for the minutes' annex. `Amendments` is a part of `store.Store`; lifecycle appends the status
amendments of finalising and reopening through `add_amendment`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import TEXT, Amendment, Meeting
from .text import clean, clean_line

if TYPE_CHECKING:
    from .clock import Clock


#: the amendment field of a status change (a reopen, finalising again); it starts a new run of amendments
STATUS_FIELD = "status"
#: the new value of the status amendment a reopen writes (its by and reason go on every later amendment)
REOPENED = "in review"


@dataclass(frozen=True)
class _Amending:
    meeting_id: str
    by: str | None
    reason: str | None
    #: amendments after this pk (the latest status amendment) may be merged with a later edit of their field
    since: int


def _amend_text(value: Any) -> str | None:
    """A value as the annex shows it: text as is, yes/no, lists joined, dates ISO; None stays None."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        out = "yes" if value else "no"
    elif isinstance(value, dt.datetime):
        out = value.astimezone(dt.UTC).isoformat()
    elif isinstance(value, (list, tuple)):
        out = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        import json

        out = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        out = str(value)
    out = clean(out)
    return out if len(out) <= TEXT else out[: TEXT - 1] + "…"


def _item_label(kind: str, row) -> str:
    """How an amendment names an item: `entries[ent-3]`, `actions[act-2]`, `subjects[Sam Example]`."""
    key = row.name if kind == "subjects" else _item_key(row)
    return f"{kind}[{key}]"


def _item_summary(kind: str, row) -> str | None:
    """An item in one line of text, for an amendment that adds or deletes it."""
    if kind == "entries":
        from .capture import kind_label

        return f"{kind_label(row.kind)}: {row.text}"
    if kind == "actions":
        bits = [row.description]
        if row.due_date:
            bits.append(f"due {row.due_date}")
        return "; ".join(bits)
    if kind == "attendees":
        extra = ", ".join(x for x in (row.role, row.agency) if x)
        return f"{row.name} ({extra})" if extra else row.name
    if kind == "subjects":
        return row.name
    return None


def _item_key(row) -> str:
    return row.id if hasattr(row, "id") else str(row.position)


class Amendments:
    """The store's recording of amendments (a part of `store.Store`)."""

    clock: Clock

    def _amending(self, s: Session, meeting: Meeting) -> _Amending | None:
        """How changes to this meeting are recorded as amendments, or None while it was never final.

        A meeting has been finalised when `finalised_at` is set (a reopen keeps it) or it has an amendment
        of its status (a reopen writes one; a bundle imported as final may carry no `finalised_at`). The
        amendments carry the name and reason of the latest reopen, read from that status amendment (so they
        survive an export and import); the store's edits have no reason of their own. Edits to one field
        since that reopen are kept as one amendment: typing is saved every half second, and the annex shows
        before and after, not every keystroke.
        """
        if meeting.status == "final":
            return None
        latest = s.exec(
            select(Amendment)
            .where(Amendment.meeting_id == meeting.id, Amendment.field == STATUS_FIELD)
            .order_by(col(Amendment.pk).desc())
        ).first()
        if latest is None:
            return None if meeting.finalised_at is None else _Amending(meeting.id, None, None, 0)
        assert latest.pk is not None  # a row read back has its primary key
        if latest.new == REOPENED:
            return _Amending(meeting.id, latest.by, latest.reason, latest.pk)
        return _Amending(meeting.id, None, None, latest.pk)

    def _amend(self, s: Session, ctx: _Amending, field: str, old: Any, new: Any) -> None:
        old, new = _amend_text(old), _amend_text(new)
        if old == new:
            return
        field = clean_line(field)[:300]
        earlier = s.exec(
            select(Amendment)
            .where(Amendment.meeting_id == ctx.meeting_id, Amendment.field == field, col(Amendment.pk) > ctx.since)
            .order_by(col(Amendment.pk).desc())
        ).first()
        if earlier is not None and earlier.by == ctx.by and earlier.reason == ctx.reason:
            if earlier.old == new:  # back as it was before the reopen: nothing was amended after all
                s.delete(earlier)
                if field.endswith("]"):  # an item added since the reopen and deleted again: drop its edits too
                    for row in s.exec(
                        select(Amendment).where(
                            Amendment.meeting_id == ctx.meeting_id,
                            col(Amendment.pk) > ctx.since,
                            col(Amendment.field).startswith(field + "."),
                        )
                    ):
                        s.delete(row)
            else:
                earlier.new = new
                earlier.at = self.clock.utcnow()
                s.add(earlier)
            s.flush()
            return
        self.add_amendment(s, ctx.meeting_id, field, old, new, by=ctx.by, reason=ctx.reason)

    def add_amendment(
        self, s: Session, meeting_id: str, field: str, old: Any, new: Any, *, by: str | None, reason: str | None
    ) -> None:
        """Append one amendment row (inside the caller's transaction); never merged with earlier ones."""
        position = (
            s.exec(select(func.max(Amendment.position)).where(Amendment.meeting_id == meeting_id)).one() or 0
        ) + 1
        s.add(
            Amendment(
                meeting_id=meeting_id,
                position=position,
                at=self.clock.utcnow(),
                by=by,
                field=field,
                old=_amend_text(old),
                new=_amend_text(new),
                reason=reason,
            )
        )
        s.flush()
