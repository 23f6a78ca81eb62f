"""How a person takes part in the meeting, as the bundle records it and as the screens ask it.

The bundle has two flags: `is_family` ("a parent, carer, the individual, or their advocate/supporter",
G-07, G-08) and `is_expert` (G-23). An advocate or supporter is therefore `is_family` too; what tells
them apart from a parent is their role, which says "advocate" or "supporter" (the form fills in
"Advocate" when the chair gave no role). `parts` says which part of a two-part meeting they attended.
"""

from __future__ import annotations

import re

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

_ADVOCATE = re.compile(r"\b(advocate|supporter|advocacy)\b", re.IGNORECASE)


def is_advocate(person: dict) -> bool:
    return bool(person.get("is_family")) and bool(_ADVOCATE.search(person.get("role") or ""))


def taking_part_as(person: dict) -> str:
    """professional, family, advocate or expert (an expert who is also family counts as family)."""
    if person.get("is_family"):
        return "advocate" if is_advocate(person) else "family"
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
