"""The next meeting (G-34, G-44): the review meeting of a meeting that has ended, with its people and the
actions still open carried over.

    next_meeting(store, meeting_id, templates=None) -> str       (the new meeting's id)
    actions_to_carry(store, meeting_id) -> list[dict]

The new meeting's fields and items go through the store's own checks (`Store.set_fields_in`,
`Store.add_item_in`: the values against the bundle schema, the ids they refer to), inside one transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from .agenda import Template
from .models import Action, Meeting
from .store import Store
from .store_errors import LifecycleError
from .vocabulary import has_ended, is_open_action, status_in_words


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
        row = store.meeting_in(s, meeting_id)
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
        new_id = store.create_meeting_in(s, template, day)
        s.flush()
        # the fields and items through the store's checks, as the app's own edits go
        store.set_fields_in(
            s,
            new_id,
            {
                "case_ref": row.case_ref,
                "title": row.title,
                "meeting_type": row.meeting_type,
                "start_time": review.get("time"),
                "venue": review.get("venue"),
                "convening_agency": row.convening_agency,
                "chair.name": row.chair_name,
                "chair.role": row.chair_role,
                "chair.agency": row.chair_agency,
                "protective_marking": row.protective_marking,
                "previous_meeting_id": meeting_id,
            },
        )
        for subject in old.get("subjects") or []:
            store.add_item_in(s, new_id, "subjects", {k: subject.get(k) for k in ("name", "kind", "date_of_birth")})
        attendees = old.get("attendees") or []
        covered = {(a.get("name") or "").strip().casefold() for a in attendees if a.get("attendance") != "substitute"}
        invited = {}
        for a in attendees:
            if a.get("attendance") == "substitute" and (a.get("substitute_for") or "").strip().casefold() in covered:
                continue
            invited[a["id"]] = a
            store.add_item_in(
                s,
                new_id,
                "attendees",
                {
                    "attendance": "invited",
                    **{k: a.get(k) for k in ("id", "name", "role", "agency", "email", "is_expert", "is_family")},
                },
            )
        carried = 0
        for a in _to_carry(s, meeting_id, old):
            carried += 1
            owner_id, owner_name = a.get("owner_attendee_id"), a.get("owner_name")
            if owner_id and owner_id not in invited:
                owner_name = owner_name or (next((x.get("name") for x in attendees if x.get("id") == owner_id), None))
                owner_id = None
            store.add_item_in(
                s,
                new_id,
                "actions",
                {
                    "id": f"act-{carried}",
                    "description": a["description"],
                    "owner_attendee_id": owner_id,
                    "owner_name": owner_name,
                    "agency": a.get("agency"),
                    "due_date": a.get("due_date"),
                    "success_measure": a.get("success_measure"),
                    "status": "open",
                    "carried_from_action_id": a["id"],
                    "share_with_family": a.get("share_with_family"),
                    "created_at": now.isoformat(),
                },
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
        select(col(Action.carried_from_action_id))
        .join(later, col(later.id) == Action.meeting_id)
        .where(later.previous_meeting_id == meeting_id, col(Action.carried_from_action_id).is_not(None))
    ).all()
    return {action_id for action_id in rows if action_id is not None}
