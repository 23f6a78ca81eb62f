"""Quick capture while the meeting talks: entry kinds by key or prefix, defaults, and finding people.

Pure functions, so the live screen stays thin and the behaviour is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

#: One letter per entry kind: typed as a prefix (`r: …`) or with alt (`alt+r`) in the capture field.
KIND_KEYS = {
    "s": "strength",
    "n": "need",
    "r": "risk",
    "i": "information",
    "v": "voice_of_subject",
    "f": "family_view",
    "t": "already_tried",
    "h": "how_to_address",
    "d": "decision",
    "x": "referral",
    "g": "disagreement",
    "o": "note",
}
KEY_OF_KIND = {kind: key for key, kind in KIND_KEYS.items()}

KIND_LABELS = {
    "strength": "Strength",
    "need": "Need",
    "risk": "Risk",
    "information": "Information",
    "voice_of_subject": "Voice of the child",
    "family_view": "Family's view",
    "already_tried": "Already tried",
    "how_to_address": "How to address",
    "decision": "Decision",
    "referral": "Referral",
    "disagreement": "Disagreement",
    "note": "Note",
}

BASIS_CYCLE = ("fact", "opinion", "unverified")
BASIS_LABELS = {"fact": "Fact", "opinion": "Opinion", "unverified": "Unverified", None: "—"}


def kind_label(kind: str, subject_kind: str = "child") -> str:
    if kind == "voice_of_subject":
        return "Voice of the adult" if subject_kind == "adult_at_risk" else "Voice of the child"
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def parse_quick(text: str, allowed: tuple[str, ...] | None = None) -> tuple[str | None, str]:
    """`"r: Dad's drinking"` -> ("risk", "Dad's drinking"). A prefix names a kind by its letter or by a
    word (`risk:`, `need:`); one not allowed here, or none, gives (None, text) and the text unchanged."""
    head, sep, rest = text.partition(":")
    if not sep:
        return None, text.strip()
    word = head.strip().lower()
    kind = KIND_KEYS.get(word) or next((k for k in KIND_LABELS if k == word or k.startswith(word) and len(word) >= 3), None)
    if kind is None or (allowed and kind not in allowed):
        return None, text.strip()
    return kind, rest.strip()


def next_basis(basis: str | None) -> str:
    """Fact -> opinion -> unverified -> fact (one key cycles it, G-11)."""
    if basis not in BASIS_CYCLE:
        return BASIS_CYCLE[0]
    return BASIS_CYCLE[(BASIS_CYCLE.index(basis) + 1) % len(BASIS_CYCLE)]


@dataclass(frozen=True)
class EntryDefaults:
    stage: str
    part: str | None
    share_with_family: bool


def entry_defaults(meeting: dict, step_stage: str | None, status: str, part_two_started: bool) -> EntryDefaults:
    """Stage, part and sharing for a new entry (design.md, "The family version").

    Entries default to shared only when the family is in the room: the whole meeting, or part two once
    the chair has marked it begun. The stage is the step's, else before the meeting while in draft.
    """
    attending = (meeting.get("family") or {}).get("attending")
    in_room = attending == "whole" or (attending == "part_two" and part_two_started)
    part = None
    if attending == "part_two":
        part = "family" if part_two_started else "professionals"
    stage = step_stage or ("before_meeting" if status == "draft" else "during_meeting")
    return EntryDefaults(stage=stage, part=part, share_with_family=in_room)


def match_people(query: str, attendees: list[dict], limit: int = 6) -> list[dict]:
    """Attendees whose name, role or agency contains every word of `query` (case-insensitive),
    best first: a name that starts with the query, then a name containing it, then the rest."""
    words = query.lower().split()
    if not words:
        return attendees[:limit]
    scored = []
    for index, person in enumerate(attendees):
        hay = " ".join(str(person.get(k) or "") for k in ("name", "role", "agency")).lower()
        if all(w in hay for w in words):
            name = (person.get("name") or "").lower()
            rank = 0 if name.startswith(words[0]) else 1 if words[0] in name else 2
            scored.append((rank, index, person))
    return [p for _r, _i, p in sorted(scored, key=lambda t: (t[0], t[1]))][:limit]


def person_label(person: dict) -> str:
    bits = [person.get("name") or ""]
    extra = ", ".join(b for b in (person.get("role"), person.get("agency")) if b)
    return f"{bits[0]} ({extra})" if extra else bits[0]


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def step_time_level(seconds: float, suggested_minutes: int) -> str:
    """'ok', 'amber' at 70 % of the suggested time, 'red' past 100 %."""
    if suggested_minutes <= 0:
        return "ok"
    share = seconds / (suggested_minutes * 60)
    return "red" if share > 1.0 else "amber" if share >= 0.7 else "ok"
