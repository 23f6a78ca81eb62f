"""What every section needs to know about the meeting, looked up once (the big meeting has 300 entries).

The copy decides what is in it: the family copy holds only what `family_copy` lets it show, a part copy
(G-51) the entries of its part; both number the actions the same way.
"""

from __future__ import annotations

from typing import Any

from ..subject_words import words_for
from ..vocabulary import CLOSED_ACTION_STATUSES, is_two_part
from . import family_copy
from .values import as_dict, as_line, dicts, word_for
from .words import CLOSING_KINDS, ENTRY_LABELS, NOT_RECORDED, PART_TITLES


class Context:
    """The meeting, its template and the copy being made, with the lookups the sections share."""

    def __init__(self, meeting: dict, template, family: bool, previous: dict | None = None, part: str | None = None):
        self.m = meeting
        self.t = template
        self.family = family
        #: the meeting this one reviews, when it is in the store (its actions and lead practitioner)
        self.previous = as_dict(previous)
        from .extras import family_fields

        #: free-text fields outside design.md's list that the chair decided to share with the family
        self.shared_fields = family_fields(meeting) if family else set()
        self.attendees = dicts(meeting.get("attendees"))
        self.subjects = dicts(meeting.get("subjects"))
        self.by_attendee = {a.get("id"): a for a in self.attendees if a.get("id")}
        all_entries = dicts(meeting.get("entries"))
        if family:
            self.entries, self.actions = family_copy.shared_items(meeting)
        else:
            # a part copy (G-51): the minutes of one part, for someone who was at that part only
            self.entries = [e for e in all_entries if part not in PART_TITLES or e.get("part") in (None, part)]
            self.actions = family_copy.numbered_first(dicts(meeting.get("actions")))
        self.by_entry = {e.get("id"): e for e in self.entries if e.get("id")}
        #: earlier actions carried into this meeting: the review of earlier actions (G-34)
        self.reviewed = [a for a in self.actions if a.get("carried_from_action_id")]
        #: the action plan: every action, except earlier ones this meeting closed (done or stopped)
        self.plan = [
            a
            for a in self.actions
            if not (a.get("carried_from_action_id") and a.get("status") in CLOSED_ACTION_STATUSES)
        ]
        self.action_numbers = {a.get("id"): n for n, a in enumerate(self.plan, start=1) if a.get("id")}
        earlier = dicts(self.previous.get("actions"))
        self.earlier_actions = {a.get("id"): a for a in earlier if a.get("id")}
        #: G-08, the family attended the second part only: parts are shown (vocabulary.is_two_part)
        self.two_part = is_two_part(meeting)
        #: who the subject and the family are, in words (the child / the adult …)
        self.words = words_for(meeting, template)

    def shows_field(self, name: str) -> bool:
        """Whether this copy shows a free-text field (every field in the full copy)."""
        return not self.family or family_copy.shows_text_field(name, self.shared_fields)

    def leaves_out(self, step) -> bool:
        """Whether this copy leaves a template step out whole: in the family copy, a free-text field or a
        closing record it may not show (entries captured there that it may show go to "Other information")."""
        if step.kind == "text":
            return not self.shows_field(step.field or "")
        return self.family and step.kind in CLOSING_KINDS and not family_copy.shows_closing(step.kind)

    # --- people
    def attendee(self, attendee_id: Any) -> dict | None:
        return self.by_attendee.get(attendee_id) if attendee_id else None

    def attendee_name(self, attendee_id: Any, fallback: Any = None) -> str:
        who = self.attendee(attendee_id)
        if who:
            return ", ".join(x for x in (as_line(who.get("name")), as_line(who.get("agency"))) if x)
        return as_line(fallback)

    def is_family(self, attendee: dict) -> bool:
        from ..participants import is_family_member

        return is_family_member(attendee, self.subjects)

    # --- entries
    def agency_of(self, e: dict) -> str:
        who = self.attendee(e.get("source_attendee_id"))
        return as_line(e.get("source_agency")) or (as_line(who.get("agency")) if who else "")

    def source(self, e: dict, *, with_agency: bool = True) -> str:
        """Who said it: 'Agency (Name)', the agency, or the name."""
        who = self.attendee(e.get("source_attendee_id"))
        agency = self.agency_of(e)
        name = as_line(who.get("name")) if who else ""
        if with_agency and agency and name:
            return f"{agency} ({name})"
        return (agency if with_agency else "") or name

    def entry_short(self, entry_id: Any) -> str | None:
        """'Risk: Dad's drinking' for an entry in this copy (whole: the minutes never cut text)."""
        e = self.by_entry.get(entry_id)
        if e is None:
            return None
        return f"{word_for(ENTRY_LABELS, e.get('kind'), 'Item')}: {as_line(e.get('text'))}"

    # --- actions
    def owner(self, a: dict) -> str:
        """'Name\\nAgency' of who owns an action."""
        who = self.attendee(a.get("owner_attendee_id"))
        name = (as_line(who.get("name")) if who else "") or as_line(a.get("owner_name"))
        agency = (as_line(who.get("agency")) if who else "") or as_line(a.get("agency"))
        if name and agency:
            return f"{name}\n{agency}"
        return name or agency or NOT_RECORDED
