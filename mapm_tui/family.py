"""Whether an attendee is family (a parent, carer, the individual, or their advocate) or a professional.

The bundle's `is_family` is optional: imported meetings and people added quickly often leave it out, and
the minutes then called a son or a father "Professional". An explicit `is_family` (True or False, set in
the app with the people list's Family key) always wins; without one, the person's relationship decides:
a role that names a family relationship ("Mother", "Poppy's father, Riley's stepfather", "Son"), the
agency "Family", or the name of a subject of the meeting (the individual themself).
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
