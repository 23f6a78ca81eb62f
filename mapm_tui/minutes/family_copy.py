"""The family's copy of the minutes (G-52, design.md "The family version of the minutes"): when there is
one, and what it may show. Defined here once; the minutes, the recipients, the outbox and the check
before sending all ask these functions.

There is a family copy only when the chair decided to share the minutes with the family
(`minutes_sharing.share_with_family` is true); when they decided not to, or have not decided, it is
withheld and `withheld_reason` says why in one sentence.

It shows: meeting type (a disagreement meeting is not named as one, G-42), case reference, date, time,
venue, subjects, chair, attendance, the aim, the entries and actions marked `share_with_family: true`,
the family meeting, the lead practitioner, who will contact the family and the next review; and the
free-text fields the chair decided to share as well (`extras.family_fields`).

It never shows: reasons for convening, whether and why the family was told or attends, the disagreement
step and disagreement entries (even if marked shared), minutes sharing / FII details, the checking of the
minutes, the distribution, the annex, nor the source or fact/opinion of anything not shared. Actions are
numbered so that gaps do not hint at what was withheld: the shared ones come first in both copies.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..text import clean_line

#: free-text fields the family copy shows (design.md's list: the aim); others only by the chair's own
#: decision (`extras.family_fields`): introductions once said "professionals-only because of FII concerns"
TEXT_FIELDS = ("aim",)

#: closing records the family copy shows (design.md)
CLOSING_KINDS = ("family_meeting", "lead_practitioner", "feedback_to_family", "next_review")

#: the meeting type as the family copy names it: a disagreement meeting is not named as one (G-42)
MEETING_TYPES = {
    "planning": "Planning meeting",
    "professional_disagreement": "Multi-agency professionals' meeting",
    "other": "Multi-agency professionals' meeting",
}

#: fact / opinion in words a parent reads without a key
BASIS = {"fact": "a fact", "opinion": "an opinion", "unverified": "not yet checked"}

TITLE = "Minutes of a multi-agency professionals' meeting: the family's copy"

OPENING = (
    "These are the minutes of a meeting of professionals about {subjects}. They are the parts of the minutes "
    "that are shared with you: some parts are for the professionals only and are not included here.",
    "After each point you will see who shared it and whether it is a fact (something known or seen) or an "
    "opinion (what someone thinks). The action plan says who will do what, and by when.",
    "If you have a question, or think something here is wrong or missing, please contact {contact}. If you "
    "disagree with a decision, tell {contact}: your view will be written down and looked at again, at the "
    "latest at the next review.",
)

#: G-54 for the family copy (settings.family_handling_statement replaces it)
HANDLING = (
    "These minutes are about your family and contain personal information. Please keep them somewhere safe. "
    "You may show them to someone who is helping you, such as an advocate or a solicitor."
)


def sharing(meeting: dict) -> dict:
    """The chair's decision about sharing the minutes (the meeting's `minutes_sharing`; {} when none)."""
    value = meeting.get("minutes_sharing")
    return value if isinstance(value, dict) else {}


def is_shared(meeting: dict) -> bool:
    """Whether there is a family copy: the chair decided to share the minutes with the family."""
    return sharing(meeting).get("share_with_family") is True


def withheld_reason(meeting: dict) -> str | None:
    """Why the family copy is not made, in one sentence for the chair; None when it is shared."""
    decision = sharing(meeting)
    if decision.get("share_with_family") is True:
        return None
    reason = " ".join(clean_line(str(decision.get("reason_not_shared") or "")).split()).rstrip(" .")
    if decision.get("share_with_family") is False:
        if reason:
            return (
                "The family copy was not made: the chair decided not to share these minutes with the family, "
                f"recording this reason: {reason}."
            )
        return (
            "The family copy was not made: the chair decided not to share these minutes with the family "
            "and recorded no reason."
        )
    return (
        "The family copy was not made: whether these minutes are shared with the family has not been recorded; "
        "record the chair's decision under 'Sharing the minutes' first."
    )


def shows_entry(entry: dict) -> bool:
    """An entry the family copy shows: marked to share, and not a disagreement between professionals."""
    return entry.get("share_with_family") is True and entry.get("kind") != "disagreement"


def shows_action(action: dict) -> bool:
    """An action the family copy shows: marked to share."""
    return action.get("share_with_family") is True


def shared_items(meeting: dict) -> tuple[list[dict], list[dict]]:
    """The entries and the actions the family copy shows, in the meeting's order."""
    entries = [e for e in meeting.get("entries") or [] if isinstance(e, dict) and shows_entry(e)]
    actions = [a for a in meeting.get("actions") or [] if isinstance(a, dict) and shows_action(a)]
    return entries, actions


def shows_text_field(name: str, chosen: Collection[str]) -> bool:
    """A free-text field (`aim`, `introductions`, `family_meeting.outcome` …) the family copy shows:
    design.md's list, or one the chair chose to share (`chosen`: `extras.family_fields`)."""
    return name in TEXT_FIELDS or name in chosen


def shows_closing(kind: str) -> bool:
    """A closing record (by its step kind) the family copy shows."""
    return kind in CLOSING_KINDS


def numbered_first(actions: list[Any]) -> list[Any]:
    """The actions in the order both copies number them: the shared ones first, so the family's action 2
    is the professionals' action 2 and the family copy has no gaps that hint at what is withheld."""
    shared = [a for a in actions if shows_action(a)]
    return shared + [a for a in actions if not shows_action(a)]
