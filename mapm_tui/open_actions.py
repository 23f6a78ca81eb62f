"""Questions across meetings: the actions still open (G-34), and one case's meetings with what is still open
and still disputed.

    actions(store, overdue_only=False, today=None, case_ref=None) -> list[OpenAction]
    case_meetings(store, case_ref, today=None) -> CaseView
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, text
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from .listing import MeetingSummary
from .models import Action, Attendee, Meeting
from .store import Store
from .text import clean_line
from .vocabulary import open_action_sql


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
        func.row_number()
        .over(partition_by=Action.meeting_id, order_by=(col(Action.position), col(Action.pk)))
        .label("number"),
    ).subquery()
    later_action, later_meeting = aliased(Action), aliased(Meeting)
    superseded = (
        select(later_action.pk)
        .join(later_meeting, col(later_meeting.id) == later_action.meeting_id)
        .where(
            later_action.carried_from_action_id == Action.id,
            later_meeting.previous_meeting_id == Action.meeting_id,
        )
        .exists()
    )
    owner = aliased(Attendee)
    query = (
        # sqlmodel's select() is typed for at most four columns (generated overloads); this takes six
        select(  # type: ignore[call-overload]
            Action, Meeting.case_ref, Meeting.date, Meeting.status, numbered.c.number, owner.name
        )
        .join(Meeting, col(Meeting.id) == Action.meeting_id)
        .join(numbered, numbered.c.pk == Action.pk)
        .outerjoin(owner, (owner.meeting_id == Action.meeting_id) & (owner.id == Action.owner_attendee_id))
        .where(text(open_action_sql("action")))  # what "open" is: vocabulary, one definition
        .where(~superseded)
    )
    if case_ref is not None:
        query = query.where(Meeting.case_ref == case_ref)
    if overdue_only:
        query = query.where(col(Action.due_date).is_not(None), col(Action.due_date) < today.isoformat())
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
            # sqlmodel's select() is typed for at most four columns (generated overloads); this takes five
            select(  # type: ignore[call-overload]
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
