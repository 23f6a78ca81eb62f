"""Who should receive the minutes, which version, and whether it has gone (G-51, G-52).

Everyone on the attendance list receives the minutes (present, apologies, written contribution,
substitute, invited), not only those with an email address: one with no address gets them by hand or by
post. Family members get the family copy when the chair shares the minutes with them, and nothing when
not. In a two-part meeting, someone who was at one part only gets the minutes of that part (Hampshire's
chairs' prompts: attendees receive the minutes for the part they attended).

Pure: the meeting dict in, `Recipient`s out; the Word minutes, the outbox and the check before sending
all use this one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..participants import is_family_member
from ..vocabulary import is_two_part
from .family_copy import is_shared

#: Versions of the minutes. "full" and "family" are the bundle's distribution versions; a part copy is
#: recorded in the bundle as "full" with the part named in its method (the bundle has no value for it).
VERSIONS = {
    "full": "Full minutes",
    "family": "Family copy",
    "part_professionals": "Minutes of the professionals-only part",
    "part_family": "Minutes of the part with the family",
}
#: The bundle's distribution `version` for each version here.
BUNDLE_VERSION = {"full": "full", "family": "family", "part_professionals": "full", "part_family": "full"}
#: Which part of the meeting each part copy holds (the entries' `part`).
PART_OF_VERSION = {"part_professionals": "professionals", "part_family": "family"}


@dataclass(frozen=True)
class Recipient:
    attendee_id: str
    name: str
    agency: str
    email: str
    #: a key of VERSIONS, or "" when this person gets no copy
    version: str
    #: why this version (or why none), for people
    why: str
    is_family: bool
    #: the part(s) attended in a two-part meeting ("professionals", "family", "both") or ""
    parts: str
    #: the distribution records that match this person (by email, else by name)
    sent: tuple[dict, ...] = ()

    @property
    def version_words(self) -> str:
        return VERSIONS.get(self.version, "No copy")


def _clean(value) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def recipients(meeting: dict) -> list[Recipient]:
    """Everyone who should receive these minutes, in attendance-list order, with the version for each."""
    shared = is_shared(meeting)
    subjects = [s for s in meeting.get("subjects") or [] if isinstance(s, dict)]
    records = [d for d in meeting.get("distribution") or [] if isinstance(d, dict)]
    parted = is_two_part(meeting)  # G-08: a part recorded for someone in a one-part meeting makes no copy
    out = []
    for a in meeting.get("attendees") or []:
        if not isinstance(a, dict):
            continue
        family = is_family_member(a, subjects)
        parts = _clean(a.get("parts")) if parted else ""
        if family:
            if shared:
                version, why = "family", "family: the chair shares the minutes with the family"
            else:
                version, why = "", "family: the chair decided not to share the minutes with the family (G-52)"
        elif parts == "professionals":
            version, why = "part_professionals", "was at the professionals-only part only"
        elif parts == "family":
            version, why = "part_family", "was at the part with the family only"
        else:
            version, why = "full", "attendee" if a.get("attendance") != "invited" else "invited"
        name, email = _clean(a.get("name")), _clean(a.get("email"))
        sent = tuple(
            r
            for r in records
            if (email and _clean(r.get("email")).casefold() == email.casefold())
            or (_clean(r.get("name")).casefold() == name.casefold() and name)
        )
        out.append(
            Recipient(
                attendee_id=_clean(a.get("id")),
                name=name,
                agency=_clean(a.get("agency")),
                email=email,
                version=version,
                why=why,
                is_family=family,
                parts=parts,
                sent=sent,
            )
        )
    return out
