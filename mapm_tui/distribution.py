"""The distribution record (G-51): who the minutes went to, which version, how and when.

record_distribution(store, meeting_id, name, version, method=None, sent_at=None, email=None) -> None
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import select

from .models import Distribution
from .schema import errors_for
from .store import Store
from .store_errors import BadRequest, LifecycleError
from .text import clean_line
from .vocabulary import has_ended, status_in_words


def record_distribution(
    store: Store,
    meeting_id: str,
    name: str,
    version: str,
    method: str | None = None,
    sent_at: dt.datetime | str | None = None,
    email: str | None = None,
) -> None:
    """Record that the minutes went to someone (G-51): which version (full / family), how and when.

    Allowed on a final meeting (the record lives outside the lock) and on one in review (minutes sent for
    checking, G-53). The family version is refused unless the minutes are shared with the family (G-52)."""
    if version not in ("full", "family"):
        raise BadRequest(f"The version sent must be 'full' or 'family', not '{version}'.")
    if sent_at is None:
        sent_at = store.clock.utcnow()
    elif isinstance(sent_at, str):
        try:
            sent_at = dt.datetime.fromisoformat(sent_at.strip().replace("Z", "+00:00"))
        except ValueError:
            raise BadRequest(f"'{sent_at}' is not a date and time (such as 2026-11-24T10:00:00+00:00).") from None
    if sent_at.tzinfo is None:
        sent_at = sent_at.astimezone()  # a time without a zone is the laptop's local time
    item = {"name": " ".join(clean_line(str(name or "")).split()), "version": version}
    if method:
        item["method"] = " ".join(clean_line(method).split())
    if email:
        item["email"] = clean_line(email).strip()
    item["sent_at"] = sent_at.astimezone(dt.UTC).isoformat()
    if not item["name"]:
        raise BadRequest("Give the name of who the minutes were sent to; nothing was recorded.")
    problems = errors_for([item], "meeting", "distribution")
    if problems:
        raise BadRequest(f"The distribution was not recorded: {problems[0].split(': ', 1)[-1]}.")
    with store.writing() as s:
        row = store.meeting_in(s, meeting_id)
        if not has_ended(row.status):
            raise LifecycleError(
                f"The minutes cannot have been sent yet: this meeting is {status_in_words(row.status)}; end it first."
            )
        if version == "family" and row.sharing_share_with_family is not True:
            if row.sharing_share_with_family is False:
                why = "the chair decided not to share these minutes with the family"
                if row.sharing_reason_not_shared:
                    why += f" ({' '.join(row.sharing_reason_not_shared.split())[:200]})"
            else:
                why = (
                    "whether the minutes are shared with the family is not recorded; record the chair's decision first"
                )
            raise LifecycleError(f"The family copy cannot be recorded as sent: {why} (G-52).")
        position = s.exec(select(func.max(Distribution.position)).where(Distribution.meeting_id == meeting_id)).one()
        number = (-1 if position is None else position) + 1
        s.add(
            Distribution(
                meeting_id=meeting_id,
                position=number,
                name=item["name"],
                email=item.get("email"),
                version=version,
                sent_at=sent_at,
                method=item.get("method"),
            )
        )
        # who it went to stays in the distribution record: the audit trail copies no names (a purge leaves it)
        store.audit(s, meeting_id, "distributed", f"{version} copy, distribution record {number + 1}", None)
