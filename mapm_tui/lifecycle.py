"""After the meeting: finalising, reopening, the distribution record, the next meeting, open actions.

    finalise(store, meeting_id, by, overrides=()) -> Finalised
    reopen(store, meeting_id, by, reason) -> None
    record_distribution(store, meeting_id, name, version, method=None, sent_at=None, email=None) -> None
    next_meeting(store, meeting_id, templates=None) -> str                       (the new meeting's id)
    actions(store, overdue_only=False, today=None, case_ref=None) -> list[OpenAction]
    case_meetings(store, case_ref, today=None) -> CaseView

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

No Textual here; everything is a plain function of a Store, so the screens and the CLI share it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from . import rules
from .agenda import Template
from .models import Action, Attendee, Distribution, FindingOverride, Meeting, Subject
from .rules import Finding
from .schema import errors_for
from .store import REOPENED, STATUS_FIELD, MeetingSummary, NotFound, Store, StoreError
from .text import clean, clean_line
from .vocabulary import OPEN_ACTION_STATUSES, has_ended, is_open_action, may_move, may_reopen, status_in_words

#: action statuses that no longer need doing (design.md: never counted as open or overdue)


class LifecycleError(StoreError):
    """A valid request that a rule refuses (the status table, G-52): the CLI exits 1."""


class FinaliseRefused(LifecycleError):
    """Finalising is refused while blocking findings are open; `findings` lists them."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.findings = findings


class BadRequest(StoreError):
    """A request that lacks something (a name, a reason) or names no finding: the CLI exits 2."""


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


def _meeting(s: Session, meeting_id: str) -> Meeting:
    row = s.get(Meeting, meeting_id)
    if row is None:
        raise NotFound(f"There is no meeting with id '{meeting_id}'; `mapm list` shows the ids.")
    return row


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
        row = _meeting(s, meeting_id)
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
        row = _meeting(s, meeting_id)
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


# -- the distribution record (G-51) -------------------------------------------------------------------
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
        row = _meeting(s, meeting_id)
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


# -- the next meeting (G-34, G-44) --------------------------------------------------------------------
def next_meeting(store: Store, meeting_id: str, templates: dict[str, Template] | None = None) -> str:
    """Prepare the review meeting of a meeting that has ended; returns the new meeting's id.

    The new meeting (a draft) keeps the case ref, title, subjects, template, type, convening agency, chair,
    protective marking and invitees (attendance back to "invited"; a substitute is not invited when the
    person they stood in for is), and points back with `previous_meeting_id`. It is dated on the next
    review's date (time and venue too, when recorded), else today. Every action still open (not done or
    cancelled) is carried over as a new action with `carried_from_action_id` and status "open", so the
    review records its progress; the original stays as it was (a final meeting is locked) and is
    superseded by the copy. With `templates`, an installed newer version of the template is used.
    """
    now = store.clock.utcnow()
    with store.writing() as s:
        row = _meeting(s, meeting_id)
        if not has_ended(row.status):
            raise LifecycleError(
                f"Meeting {meeting_id} is {status_in_words(row.status)}: end it before preparing the next one."
            )
        follower = s.exec(select(Meeting.id).where(Meeting.previous_meeting_id == meeting_id)).first()
        if follower:
            raise LifecycleError(f"Meeting {follower} already follows meeting {meeting_id}; open it instead.")
        old = store.load_meeting_in(s, meeting_id)
        if templates and row.template in templates:
            template = templates[row.template]
        else:
            template = Template.from_dict(row.template_snapshot or {}, f"meeting {meeting_id}")
        review = old.get("next_review") or {}
        try:
            day = dt.date.fromisoformat(review.get("date") or "")
        except ValueError:
            day = store.clock.today()
        new_id = store.new_meeting_id(day)
        s.add(
            Meeting(
                id=new_id,
                case_ref=row.case_ref,
                title=row.title,
                template=template.key,
                template_snapshot=template.to_dict(),
                meeting_type=row.meeting_type,
                status="draft",
                date=day.isoformat(),
                start_time=review.get("time"),
                venue=review.get("venue"),
                convening_agency=row.convening_agency,
                chair_name=row.chair_name,
                chair_role=row.chair_role,
                chair_agency=row.chair_agency,
                protective_marking=row.protective_marking,
                previous_meeting_id=meeting_id,
                created_at=now,
                updated_at=now,
            )
        )
        s.flush()
        for n, subject in enumerate(old.get("subjects") or [], start=1):
            s.add(
                Subject(meeting_id=new_id, position=n, **{k: subject.get(k) for k in ("name", "kind", "date_of_birth")})
            )
        attendees = old.get("attendees") or []
        covered = {(a.get("name") or "").strip().casefold() for a in attendees if a.get("attendance") != "substitute"}
        invited = {}
        for a in attendees:
            if a.get("attendance") == "substitute" and (a.get("substitute_for") or "").strip().casefold() in covered:
                continue
            invited[a["id"]] = a
            s.add(
                Attendee(
                    meeting_id=new_id,
                    position=len(invited),
                    attendance="invited",
                    **{k: a.get(k) for k in ("id", "name", "role", "agency", "email", "is_expert", "is_family")},
                )
            )
        carried = 0
        for a in _to_carry(s, meeting_id, old):
            carried += 1
            owner_id, owner_name = a.get("owner_attendee_id"), a.get("owner_name")
            if owner_id and owner_id not in invited:
                owner_name = owner_name or (next((x.get("name") for x in attendees if x.get("id") == owner_id), None))
                owner_id = None
            s.add(
                Action(
                    meeting_id=new_id,
                    id=f"act-{carried}",
                    position=carried,
                    description=a["description"],
                    owner_attendee_id=owner_id,
                    owner_name=owner_name,
                    agency=a.get("agency"),
                    due_date=a.get("due_date"),
                    success_measure=a.get("success_measure"),
                    status="open",
                    carried_from_action_id=a["id"],
                    share_with_family=a.get("share_with_family"),
                    created_at=now,
                )
            )
        store.audit(s, new_id, "created", f"review of meeting {meeting_id}; {carried} action(s) carried over")
        store.audit(s, meeting_id, "next_meeting", new_id)
    return new_id


def actions_to_carry(store: Store, meeting_id: str) -> list[dict]:
    """The actions `next_meeting` would carry over from this meeting: open ones not already carried
    into a later meeting (the review's "N open actions will be carried over" counts these)."""
    with store.reading() as s:
        return _to_carry(s, meeting_id, store.load_meeting_in(s, meeting_id))


def _to_carry(s: Session, meeting_id: str, meeting: dict) -> list[dict]:
    superseded = _superseded_ids(s, meeting_id)
    return [a for a in meeting.get("actions") or [] if is_open_action(a) and a.get("id") not in superseded]


def _superseded_ids(s: Session, meeting_id: str) -> set[str]:
    """Ids of this meeting's actions already carried into a later meeting."""
    later = aliased(Meeting)
    rows = s.exec(
        select(Action.carried_from_action_id)
        .join(later, later.id == Action.meeting_id)
        .where(later.previous_meeting_id == meeting_id, Action.carried_from_action_id.is_not(None))
    ).all()
    return set(rows)


# -- open actions across meetings (G-34) --------------------------------------------------------------
@dataclass(frozen=True)
class OpenAction:
    meeting_id: str
    case_ref: str | None
    meeting_date: str
    meeting_status: str
    action_id: str
    #: the action's number in its meeting's minutes (1..n in agenda order)
    number: int
    description: str
    #: who does it: the attendee's name, the name typed, or the agency
    owner: str | None
    agency: str | None
    due_date: str | None
    status: str
    overdue: bool
    carried_from_action_id: str | None

    def as_dict(self) -> dict:
        return {
            "meeting_id": self.meeting_id,
            "case_ref": self.case_ref,
            "meeting_date": self.meeting_date,
            "action_id": self.action_id,
            "number": self.number,
            "description": self.description,
            "owner": self.owner,
            "agency": self.agency,
            "due_date": self.due_date,
            "status": self.status,
            "overdue": self.overdue,
            "carried_from_action_id": self.carried_from_action_id,
        }


def actions(
    store: Store, overdue_only: bool = False, today: dt.date | None = None, case_ref: str | None = None
) -> list[OpenAction]:
    """Actions still to do, across meetings (or one case): not done or cancelled, and the latest of each
    chain only (an action carried over to the next meeting is superseded by its copy). Overdue: due before
    `today` (the store's clock by default). Ordered by due date (undated last), then case and meeting."""
    today = today or store.clock.today()
    numbered = select(
        Action.pk,
        func.row_number().over(partition_by=Action.meeting_id, order_by=(Action.position, Action.pk)).label("number"),
    ).subquery()
    later_action, later_meeting = aliased(Action), aliased(Meeting)
    superseded = (
        select(later_action.pk)
        .join(later_meeting, later_meeting.id == later_action.meeting_id)
        .where(
            later_action.carried_from_action_id == Action.id,
            later_meeting.previous_meeting_id == Action.meeting_id,
        )
        .exists()
    )
    owner = aliased(Attendee)
    query = (
        select(Action, Meeting.case_ref, Meeting.date, Meeting.status, numbered.c.number, owner.name)
        .join(Meeting, Meeting.id == Action.meeting_id)
        .join(numbered, numbered.c.pk == Action.pk)
        .outerjoin(owner, (owner.meeting_id == Action.meeting_id) & (owner.id == Action.owner_attendee_id))
        .where((Action.status.is_(None)) | (Action.status.in_(OPEN_ACTION_STATUSES)))
        .where(~superseded)
    )
    if case_ref is not None:
        query = query.where(Meeting.case_ref == case_ref)
    if overdue_only:
        query = query.where(Action.due_date.is_not(None), Action.due_date < today.isoformat())
    with store.reading() as s:
        rows = s.exec(query).all()
    out = [
        OpenAction(
            meeting_id=a.meeting_id,
            case_ref=case,
            meeting_date=date,
            meeting_status=status,
            action_id=a.id,
            number=int(number),
            description=a.description,
            owner=owner_name or a.owner_name or a.agency,
            agency=a.agency,
            due_date=a.due_date,
            status=a.status or "open",
            overdue=bool(a.due_date and a.due_date < today.isoformat()),
            carried_from_action_id=a.carried_from_action_id,
        )
        for a, case, date, status, number, owner_name in rows
    ]
    out.sort(key=lambda x: (x.due_date is None, x.due_date or "", x.case_ref or "", x.meeting_date, x.number))
    return out


# -- one case: its meetings, what is still open, what is still disputed -----------------------------------
@dataclass(frozen=True)
class Disagreement:
    meeting_id: str
    meeting_date: str
    summary: str | None
    escalation: str | None


@dataclass(frozen=True)
class CaseView:
    case_ref: str
    #: the case's meetings, oldest first
    meetings: list[MeetingSummary]
    #: open actions of the case (latest of each chain), as `actions` gives them
    open_actions: list[OpenAction]
    #: disagreement still recorded as remaining (G-42), carried forward until a later meeting records none
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def overdue(self) -> list[OpenAction]:
        return [a for a in self.open_actions if a.overdue]


def case_meetings(store: Store, case_ref: str, today: dt.date | None = None) -> CaseView:
    """Every meeting about one case (oldest first), its open actions and its unresolved disagreements.

    A disagreement recorded as remaining at a meeting stays listed until a later meeting of the case
    records that none remains (`disagreement.any` = no); a meeting that records nothing says nothing."""
    case_ref = " ".join(clean_line(str(case_ref or "")).split())
    meetings = sorted(store.list_meetings(case_ref=case_ref), key=lambda m: (m.date, m.id))
    with store.reading() as s:
        rows = s.exec(
            select(
                Meeting.id,
                Meeting.date,
                Meeting.disagreement_any,
                Meeting.disagreement_summary,
                Meeting.disagreement_escalation,
            )
            .where(Meeting.case_ref == case_ref)
            .order_by(Meeting.date, Meeting.id)
        ).all()
    disputed: list[Disagreement] = []
    for mid, date, any_, summary, escalation in rows:
        if any_ is False:
            disputed = []
        elif any_ is True:
            disputed.append(Disagreement(mid, date, summary, escalation))
    return CaseView(case_ref, meetings, actions(store, today=today, case_ref=case_ref), disputed)
