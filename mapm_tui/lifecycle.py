"""After the meeting: finalising, reopening, the distribution record, the next meeting, open actions.

    finalise(store, meeting_id, by, overrides=()) -> Finalised
    reopen(store, meeting_id, by, reason) -> None
    record_distribution(store, meeting_id, name, version, ...) -> None                  (distribution.py)
    next_meeting(store, meeting_id, templates=None) -> str      (carry_over.py; the new meeting's id)
    actions(store, overdue_only=False, today=None, case_ref=None) -> list[OpenAction]   (open_actions.py)
    case_meetings(store, case_ref, today=None) -> CaseView                              (open_actions.py)

Status moves follow design.md's table: only a meeting in review is finalised; only a final one is
reopened (back to in review, with a reason). A final meeting is read-only in the database itself
(migrations 0002/0003); the distribution record and the audit trail live outside that lock. Once a
meeting has been finalised, every later change to it is kept as an amendment by the store (`store.py`,
"amendments"), and the minutes list them in their annex.

Overrides (what `finalise` accepts, and what it stores): an override names a finding by
- its key, `Finding.key`: "G-31:action:act-4:due_date" (one gap of one action), "G-44:next_review";
- its rule and target, "G-31:action:act-4": every finding of that rule about that action;
- its rule id alone, "G-44": every finding of that rule in this meeting.
Each is stored once per finding it covers, under that finding's full key, with its reason, who and when:
the record says exactly what was overridden, and an override given for "G-31" does not silently cover a
gap that appears only after a later reopen. The most specific override given wins for a finding. An
override that names no finding of the meeting is refused (a typing slip must not pass unnoticed).

The distribution record, the next meeting and the queries across meetings live in their own modules
(named above); their public names are re-exported here, so `lifecycle.next_meeting` and the like keep
working. The refusals (LifecycleError, FinaliseRefused, BadRequest) are in store_errors.py.

No Textual here; everything is a plain function of a Store, so the screens and the CLI share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from . import rules
from .agenda import Template
from .amendments import REOPENED, STATUS_FIELD
from .carry_over import actions_to_carry, next_meeting
from .distribution import record_distribution
from .models import FindingOverride
from .open_actions import CaseView, Disagreement, OpenAction, actions, case_meetings
from .rules import Finding
from .store import Store
from .store_errors import BadRequest, FinaliseRefused, LifecycleError
from .text import clean, clean_line
from .vocabulary import may_move, may_reopen, status_in_words

__all__ = [
    "BadRequest",
    "CaseView",
    "Disagreement",
    "FinaliseRefused",
    "Finalised",
    "LifecycleError",
    "OpenAction",
    "actions",
    "actions_to_carry",
    "case_meetings",
    "finalise",
    "next_meeting",
    "record_distribution",
    "reopen",
]


@dataclass(frozen=True)
class Finalised:
    #: findings overridden by this call (each stored under its key, with the reason)
    overridden: list[Finding]
    #: warnings left open (they never block finalising)
    warnings: list[Finding]


def _required(value: Any, what: str, limit: int = 300) -> str:
    text = " ".join(clean_line(str(value or "")).split()) if limit <= 300 else clean(str(value or "")).strip()
    if not text:
        raise BadRequest(f"Give {what}; nothing was changed.")
    if len(text) > limit:
        raise BadRequest(f"{what[0].upper() + what[1:]} is longer than {limit} characters; shorten it.")
    return text


# -- finalising ---------------------------------------------------------------------------------------
def _normal_key(key: str) -> str:
    key = "".join(str(key or "").split())
    return re.sub(r"^g-", "G-", key)


def _specificity(key: str, f: Finding) -> int | None:
    """0: the finding's own key; 1: its rule and target; 2: its rule; None: not this finding."""
    if key == f.key:
        return 0
    if key == f"{f.rule}:{f.target}":
        return 1
    if key == f.rule:
        return 2
    return None


def _match_overrides(
    open_findings: list[Finding], already: list[Finding], requested: list[tuple[str, str]]
) -> list[tuple[Finding, str]]:
    chosen: dict[str, tuple[int, Finding, str]] = {}
    for key, reason in requested:
        hits = [(sp, f) for f in open_findings if (sp := _specificity(key, f)) is not None]
        if not hits and not any(_specificity(key, f) is not None for f in already):
            raise BadRequest(
                f"No finding of this meeting is named '{key}'; `mapm check` lists each finding's key. Nothing "
                "was finalised."
            )
        for sp, f in hits:
            if f.key not in chosen or sp < chosen[f.key][0]:
                chosen[f.key] = (sp, f, reason)
    order = {f.key: n for n, f in enumerate(open_findings)}
    return [(f, reason) for _sp, f, reason in sorted(chosen.values(), key=lambda t: order[t[1].key])]


def finalise(store: Store, meeting_id: str, by: str, overrides: Iterable[tuple[str, str]] = ()) -> Finalised:
    """Make a meeting in review final: nothing blocking, or each block overridden with a reason.

    Checks and writes in one transaction, so an edit from another window cannot slip in between. On a
    refusal nothing is stored (not even the overrides given): raises FinaliseRefused (open blocking
    findings), LifecycleError (not in review), BadRequest (no name, an override without a reason or
    naming no finding) or NotFound."""
    by = _required(by, "the name of who finalises the meeting")
    requested = []
    for key, reason in overrides:
        key = _normal_key(key)
        if not key:
            raise BadRequest("An override needs the key of the finding it overrides; nothing was finalised.")
        reason = clean(str(reason or "")).strip()
        if not reason:
            raise BadRequest(f"The override of {key} needs a reason; nothing was finalised.")
        if len(reason) > 20_000:
            raise BadRequest(f"The reason for overriding {key} is longer than 20,000 characters; shorten it.")
        requested.append((key, reason))

    now = store.clock.utcnow()
    with store.writing() as s:
        row = store.meeting_in(s, meeting_id)
        store.check_hold(s, meeting_id)  # not while another window is editing it (holds.py)
        if row.status == "final":
            raise LifecycleError(f"Meeting {meeting_id} is already final; nothing was changed.")
        if not may_move(row.status, "final"):
            raise LifecycleError(
                f"Only a meeting in review can be finalised; this one is {status_in_words(row.status)}: "
                "end the meeting first (it then moves to review)."
            )
        meeting = store.load_meeting_in(s, meeting_id)
        template = Template.from_dict(row.template_snapshot or {}, f"meeting {meeting_id}")
        findings = rules.check_meeting(meeting, template)
        open_findings, already = rules.split_overridden(findings, meeting.get("finding_overrides"))
        chosen = _match_overrides(open_findings, already, requested)
        covered = {f.key for f, _ in chosen}
        blocking = [f for f in rules.blocking(open_findings) if f.key not in covered]
        if blocking:
            n = len(blocking)
            raise FinaliseRefused(
                f"Meeting {meeting_id} was not finalised: {n} finding{'s' if n != 1 else ''} "
                f"block{'s' if n == 1 else ''} it; put {'them' if n != 1 else 'it'} right, or override each "
                "with a reason.",
                blocking,
            )
        position = s.exec(
            select(func.max(FindingOverride.position)).where(FindingOverride.meeting_id == meeting_id)
        ).one()
        position = -1 if position is None else position
        for n, (f, reason) in enumerate(chosen, start=1):
            s.add(
                FindingOverride(meeting_id=meeting_id, position=position + n, rule=f.key, reason=reason, by=by, at=now)
            )
        if row.finalised_at is not None:  # finalised again after a reopen: the annex says so
            store.add_amendment(s, meeting_id, STATUS_FIELD, REOPENED, "final", by=by, reason=None)
        # The meeting's own rows are written while it is still in review: the lock applies from here on.
        s.flush()
        row.status = "final"
        row.finalised_at = now
        row.finalised_by = by
        row.updated_at = now
        s.add(row)
        detail = f"{len(chosen)} finding{'s' if len(chosen) != 1 else ''} overridden" if chosen else None
        store.audit(s, meeting_id, "finalised", detail, by)
    warnings = [f for f in open_findings if not f.blocks and f.key not in covered]
    return Finalised([f for f, _ in chosen], warnings)


def reopen(store: Store, meeting_id: str, by: str, reason: str) -> None:
    """Move a final meeting back to review, with a reason. From now on every change to it is kept as an
    amendment carrying this reason and name (the minutes' annex lists them, this reopen first)."""
    by = _required(by, "the name of who reopens the meeting")
    reason = _required(reason, "the reason for reopening the meeting", limit=20_000)
    now = store.clock.utcnow()
    with store.writing() as s:
        row = store.meeting_in(s, meeting_id)
        if not may_reopen(row.status):
            raise LifecycleError(
                f"Only a final meeting can be reopened; this one is {status_in_words(row.status)} "
                "and can be changed as it is."
            )
        # The amendment first: the database lets a final meeting move back to review only when its newest
        # amendment is this reopen's, written in the same transaction (0005).
        store.add_amendment(s, meeting_id, STATUS_FIELD, "final", REOPENED, by=by, reason=reason)
        row.status = "in_review"
        row.updated_at = now
        s.add(row)
        s.flush()
        # the reason stays in the amendment (the minutes' annex); the audit trail copies no text
        store.audit(s, meeting_id, "reopened", None, by)
