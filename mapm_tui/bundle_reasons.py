"""How the reasons for holding a meeting (G-03) travel in a bundle, whose fixed `reasons` list lacks one of
ours: "a legitimate concern for professionals' safety" (`vocabulary.PROFESSIONAL_SAFETY`).

The bundle schema is a fixed contract: it cannot gain a value, and every bundle this app writes must be
valid against it. So in a bundle that reason is written as "other", and the first line of `reasons_detail`
is one of two fixed sentences that say so in words a person at another system reads without a key:

    SAFETY_ONLY       the chair picked professionals' safety and not "other"
    SAFETY_AND_OTHER  the chair picked both (the rest of the details may explain the other reason)

On import, a bundle whose `reasons` hold "other" and whose details begin with one of these lines exactly
gets the reason back and the line removed, so a meeting exported and imported again is the same meeting.
Anything else, such as "other" with free text from another system, stays as it is.

Pure functions over meeting dicts (the bundle's shape): export, import and check-out/check-in call them at
the boundary; `export_problem` lets the store refuse a change whose export would not fit the schema.
"""

from __future__ import annotations

from typing import Any

from .schema import errors_for
from .vocabulary import PROFESSIONAL_SAFETY

OTHER = "other"
SAFETY_ONLY = "Reason recorded as 'other': a legitimate concern for professionals' safety (G-03)."
SAFETY_AND_OTHER = (
    "Reasons recorded as 'other': a legitimate concern for professionals' safety (G-03), and another reason."
)


def _reasons(meeting: dict) -> list | None:
    value = meeting.get("reasons")
    return value if isinstance(value, list) else None


def bundle_reasons(reasons: list, detail: str | None) -> tuple[list, str | None]:
    """The app's reasons and details as a bundle holds them (unchanged without professionals' safety)."""
    if PROFESSIONAL_SAFETY not in reasons:
        return reasons, detail
    also_other = OTHER in reasons
    out: list = []
    for reason in reasons:
        if reason == PROFESSIONAL_SAFETY:
            reason = OTHER
        if reason == OTHER and OTHER in out:
            continue
        out.append(reason)
    line = SAFETY_AND_OTHER if also_other else SAFETY_ONLY
    return out, f"{line}\n{detail}" if detail else line


def to_bundle(meeting: dict) -> dict:
    """`meeting` (as the store loads it) with its reasons in the bundle's words: a copy when changed."""
    reasons = _reasons(meeting)
    if reasons is None or PROFESSIONAL_SAFETY not in reasons:
        return meeting
    out = dict(meeting)
    out["reasons"], out["reasons_detail"] = bundle_reasons(reasons, meeting.get("reasons_detail"))
    return out


def from_bundle(meeting: dict) -> dict:
    """`meeting` (a valid bundle's) with professionals' safety given back where `to_bundle` wrote it; a copy
    when changed. Only one of the two fixed lines, alone on the first line of the details, and only beside
    "other", is read as the reason: any other text stays the details it is."""
    reasons = _reasons(meeting)
    detail = meeting.get("reasons_detail")
    if reasons is None or OTHER not in reasons or PROFESSIONAL_SAFETY in reasons or not isinstance(detail, str):
        return meeting
    first, _, rest = detail.partition("\n")
    if first not in (SAFETY_ONLY, SAFETY_AND_OTHER):
        return meeting
    at = reasons.index(OTHER)
    if first == SAFETY_ONLY:
        new = [*reasons[:at], PROFESSIONAL_SAFETY, *reasons[at + 1 :]]
    else:
        new = [*reasons[:at], PROFESSIONAL_SAFETY, *reasons[at:]]
    out = dict(meeting)
    out["reasons"] = new
    out["reasons_detail"] = rest or None
    return out


def export_problem(reasons: Any, detail: str | None) -> str | None:
    """Why these reasons and details would not make a valid bundle (the fixed line makes the details longer,
    and the schema bounds them), in words for the chair; None when they would."""
    if not isinstance(reasons, list):
        return None
    reasons, detail = bundle_reasons(reasons, detail)
    if errors_for(reasons, "meeting", "reasons"):
        return "these reasons cannot be recorded (one of them is not a reason this app knows)"
    if detail is not None and errors_for(detail, "meeting", "reasons_detail"):
        return (
            "with 'a legitimate concern for professionals' safety' chosen, 'More about why now' is too long to "
            "be exported (the exported details begin with a sentence naming that reason); shorten the details"
        )
    return None
