"""How a person takes part in the meeting: family or professional, advocate, expert, which part.

The bundle has two flags: `is_family` ("a parent, carer, the individual, or their advocate/supporter",
G-07, G-08) and `is_expert` (G-23). An advocate or supporter is therefore `is_family` too; what tells
them apart from a parent is their role, which says "advocate" or "supporter" (the form fills in
"Advocate" when the chair gave no role). `parts` says which part of a two-part meeting they attended.

`is_family` is optional: imported meetings and people added quickly often leave it out, and the minutes
then called a son or a father "Professional". An explicit `is_family` (True or False, set in the app with
the people list's Family key or the person form) always wins; without one, the person's relationship
decides: a role that names a family relationship ("Mother", "Poppy's father, Riley's stepfather", "Son"),
the agency "Family", or the name of a subject of the meeting (the individual themself). Every reader (the
people list, the person form, the minutes, the recipients, the rules) asks `is_family_member` or
`taking_part_as` here, so they never disagree about who is family.
"""

from __future__ import annotations

import re
from typing import Any

#: Words that, in a role, name a family relationship or a carer at home (not a professional role).
RELATIONSHIP_WORDS = (
    "mother",
    "mum",
    "mom",
    "father",
    "dad",
    "parent",
    "stepmother",
    "stepfather",
    "step-mother",
    "step-father",
    "stepmum",
    "stepdad",
    "son",
    "daughter",
    "stepson",
    "stepdaughter",
    "brother",
    "sister",
    "half-brother",
    "half-sister",
    "sibling",
    "grandmother",
    "grandfather",
    "grandparent",
    "grandma",
    "grandad",
    "granddad",
    "nan",
    "nana",
    "aunt",
    "auntie",
    "uncle",
    "cousin",
    "niece",
    "nephew",
    "husband",
    "wife",
    "spouse",
    "guardian",
    "special guardian",
    "kinship carer",
    "family member",
    "relative",
)

#: Roles that contain a relationship word but are professional ("Parent support adviser").
PROFESSIONAL_HINTS = ("worker", "adviser", "advisor", "officer", "practitioner", "nurse", "visitor", "manager", "lead")

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("'s", ""))


def role_is_relationship(role: Any) -> bool:
    """True when a role names a family relationship ("Mother", "Maisie's father", "Son")."""
    if not isinstance(role, str) or not role.strip():
        return False
    words = _words(role)
    if any(w in PROFESSIONAL_HINTS for w in words):
        return False
    joined = " ".join(words)
    return any(w in words if " " not in w else f" {w} " in f" {joined} " for w in RELATIONSHIP_WORDS)


def is_family_member(attendee: dict, subjects: list | None = None) -> bool:
    """Family or professional: the explicit `is_family` if set, else decided from the relationship."""
    flag = attendee.get("is_family")
    if isinstance(flag, bool):
        return flag
    agency = attendee.get("agency")
    if isinstance(agency, str) and agency.strip().casefold() in ("family", "the family", "family member"):
        return True
    if role_is_relationship(attendee.get("role")):
        return True
    name = " ".join(str(attendee.get("name") or "").split()).casefold()
    return bool(name) and any(
        isinstance(s, dict) and " ".join(str(s.get("name") or "").split()).casefold() == name for s in subjects or ()
    )


#: (label, value) for "Taking part as"
TAKING_PART = (
    ("Professional", "professional"),
    ("Family: a parent, carer or the individual", "family"),
    ("Advocate or supporter of the individual or family", "advocate"),
    ("Expert adviser, not involved in the case (G-23)", "expert"),
)
#: (label, value) for the part(s) of a two-part meeting attended (G-08); the bundle's enum
PARTS = (
    ("The professionals-only part", "professionals"),
    ("The part with the family", "family"),
    ("Both parts", "both"),
)
PART_WORDS = {"professionals": "part 1 only", "family": "part 2 only", "both": "both parts"}
#: how a person takes part (`taking_part_as`) in a table cell: the minutes' attendance table, the people list
TAKING_PART_WORDS = {
    "professional": "Professional",
    "family": "Family",
    "advocate": "Advocate or supporter",
    "expert": "Expert adviser",
}

_ADVOCATE = re.compile(r"\b(advocate|supporter|advocacy)\b", re.IGNORECASE)


def is_advocate(person: dict, subjects: list | None = None) -> bool:
    """Family (`is_family_member`) with a role that says advocate or supporter."""
    return is_family_member(person, subjects) and bool(_ADVOCATE.search(str(person.get("role") or "")))


def taking_part_as(person: dict, subjects: list | None = None) -> str:
    """professional, family, advocate or expert (an expert who is also family counts as family);
    `subjects`: the meeting's, so that the individual themself counts as family without the flag."""
    if is_family_member(person, subjects):
        return "advocate" if is_advocate(person, subjects) else "family"
    return "expert" if person.get("is_expert") else "professional"


def taking_part_values(choice: str, role: str | None) -> dict:
    """The bundle fields for a "Taking part as" choice: is_family, is_expert and, for an advocate with
    no role given, the role that marks them as one."""
    values: dict = {"is_family": None, "is_expert": None, "role": role or None}
    if choice in ("family", "advocate"):
        values["is_family"] = True
    if choice == "expert":
        values["is_expert"] = True
    if choice == "advocate" and not _ADVOCATE.search(role or ""):
        values["role"] = f"Advocate ({role})" if role else "Advocate"
    return values
