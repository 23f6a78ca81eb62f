"""Quick capture while the meeting talks: entry kinds by key or prefix, defaults, and finding people.

Pure functions, so the live screen stays thin and the behaviour is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

from .subject_words import WORDS, SubjectWords
from .vocabulary import ATTENDANCE_WORDS, ENTRY_KIND_LABELS, is_two_part
from .vocabulary import BASIS_LABELS as _BASIS

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

KIND_LABELS = ENTRY_KIND_LABELS

BASIS_CYCLE = tuple(_BASIS)
#: fact or opinion in the capture line and the entry list ("—": not said yet)
BASIS_LABELS: dict[str | None, str] = dict(_BASIS.items())
BASIS_LABELS[None] = "—"


def kind_label(kind: str, words: SubjectWords | None = None) -> str:
    """An entry kind as a label; the voice of the subject follows the meeting's words (`LiveMeeting.words`:
    "Voice of the adult", "Voice of the child or adult"), a child's without them."""
    if kind == "voice_of_subject":
        return (words or WORDS["child"]).voice_title
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


#: letters that are never a kind when typed without a colon ("i Riley said" would be "I …"): an English
#: word of one letter starts many sentences ("I think", "a visit"), so only "i:" chooses information
NOT_WITHOUT_COLON = frozenset({"i", "a"})


def _letter_and_space(text: str) -> tuple[str, str] | None:
    """`"r Riley said …"` -> ("r", "Riley said …"): a kind's lower-case letter, a space and a word (a letter
    or a quotation mark first). An upper-case letter is an initial ("R Smith said"), a digit a number
    ("s 47 enquiry"): neither is a kind."""
    stripped = text.lstrip()
    letter, space, rest = stripped[:1], stripped[1:2], stripped[2:].lstrip()
    if not (space == " " and letter in KIND_KEYS and letter.islower() and letter not in NOT_WITHOUT_COLON):
        return None
    if not rest or not (rest[0].isalpha() or rest[0] in "\"'“‘("):
        return None
    return letter, rest


def parse_quick(text: str, allowed: tuple[str, ...] | None = None) -> tuple[str | None, str]:
    """`"r: Dad's drinking"` -> ("risk", "Dad's drinking"). A prefix names a kind by its letter or by a
    word (`risk:`, `need:`); one not allowed here, or none, gives (None, text) and the text unchanged.

    A kind's letter and a space (`"r Riley said …"`) chooses it too: chairs read the hint "r: risk" as "r,
    then a space" and typed it so, and a lower-case letter alone before a sentence is not English except
    "i" and "a", which are never read so (`_letter_and_space`). The step shows the kind it read before
    Enter, so a wrong reading is seen in time."""
    spaced = _letter_and_space(text)
    if spaced is not None:
        letter_kind = KIND_KEYS[spaced[0]]
        if allowed and letter_kind not in allowed:
            return None, text.strip()
        return letter_kind, spaced[1].strip()
    head, sep, rest = text.partition(":")
    if not sep:
        return None, text.strip()
    word = head.strip().lower()
    kind = KIND_KEYS.get(word) or next(
        (k for k in KIND_LABELS if k == word or k.startswith(word) and len(word) >= 3), None
    )
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
    two_part = is_two_part(meeting)
    in_room = (meeting.get("family") or {}).get("attending") == "whole" or (two_part and part_two_started)
    part = None
    if two_part:
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


@dataclass(frozen=True)
class Source:
    """Who said an entry: a person from the attendance list (with their agency), or an agency alone
    ("Community Health Trust" said it, no one person). Stored as the entry's `source_attendee_id` and
    `source_agency` (the bundle's shape)."""

    attendee_id: str | None
    agency: str | None
    label: str

    def values(self) -> dict:
        return {"source_attendee_id": self.attendee_id, "source_agency": self.agency}


#: no source: what clearing "From" stores
NO_SOURCE = {"source_attendee_id": None, "source_agency": None}


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def person_source(person: dict) -> Source:
    return Source(person["id"], person.get("agency") or None, person_label(person))


def agency_source(agency: str) -> Source:
    return Source(None, agency, f"{agency} (the agency)")


def source_of(entry: dict, attendees: list[dict]) -> Source | None:
    """The source an entry records, or None."""
    person = next((a for a in attendees if a["id"] == entry.get("source_attendee_id")), None)
    if person is not None:
        return person_source(person)
    if entry.get("source_agency"):
        return agency_source(entry["source_agency"])
    return None


def find_sources(query: str, attendees: list[dict], limit: int = 6) -> list[tuple[int, Source]]:
    """Who `query` may name, best first, each with its rank (lower is better): a whole name or a whole
    agency (the agency itself, not its first person) 0; a name that starts with it 1; an agency that
    starts with it 2; a word of a name that starts with it 3; a name (with its agency) or an agency
    holding every word 4; a person whose role holds the rest 5. Role text ranks last: "Early Help" is
    the agency of that name, not a chair whose role mentions early help."""
    q = _fold(query)
    words = q.split()
    if not words:
        return []
    found: dict[tuple, tuple[int, int, Source]] = {}

    def offer(rank: int, order: int, source: Source) -> None:
        key = (source.attendee_id, source.agency if source.attendee_id is None else None)
        if key not in found or found[key][0] > rank:
            found[key] = (rank, order, source)

    agencies: dict[str, str] = {}
    for order, person in enumerate(attendees):
        name, role, agency = _fold(person.get("name")), _fold(person.get("role")), _fold(person.get("agency"))
        if person.get("agency"):
            agencies.setdefault(agency, person["agency"])
        if not name:
            continue
        if name == q:
            rank = 0
        elif name.startswith(q):
            rank = 1
        elif any(w.startswith(q) for w in name.split()):
            rank = 3
        elif any(w in name for w in words) and all(w in f"{name} {agency}" for w in words):
            rank = 4  # (words found in the agency alone name the agency, below)
        elif all(w in f"{name} {role} {agency}" for w in words):
            rank = 5
        else:
            continue
        offer(rank, order, person_source(person))
    for order, (folded, agency) in enumerate(agencies.items()):
        if folded == q:
            rank = 0
        elif folded.startswith(q):
            rank = 2
        elif all(w in folded for w in words):
            rank = 4
        else:
            continue
        offer(rank, len(attendees) + order, agency_source(agency))
    ranked = sorted(found.values(), key=lambda t: (t[0], t[1]))
    return [(rank, source) for rank, _order, source in ranked][:limit]


@dataclass(frozen=True)
class Mention:
    """An `@name` at the end of a capture line. `source` is set only when the mention is unambiguous
    (one best match); `candidates` lists the equally good matches otherwise (none: it names nobody, and
    is ordinary text)."""

    start: int
    query: str
    source: Source | None
    candidates: tuple[Source, ...]

    def text_before(self, line: str) -> str:
        """The line without the mention: the entry's text when the mention picked a source."""
        return line[: self.start].rstrip()


def trailing_mention(line: str, attendees: list[dict]) -> Mention | None:
    """The mention at the end of `line`, if there is one.

    Only `@` at the start of the line or after a space, followed at once by a letter or digit, and with
    no other `@` after it, can be a mention: an e-mail address (`owen.e@example.org`), `@ £5` or an `@`
    inside a quoted handle followed by more words that name nobody are ordinary text. The whole rest
    of the line is the query, so a mention is always the last thing typed."""
    at = line.rfind("@")
    if at < 0 or (at > 0 and not line[at - 1].isspace()):
        return None
    query = line[at + 1 :]
    if not query[:1].isalnum():
        return None
    query = query.strip()
    ranked = find_sources(query, attendees)
    if not ranked:
        return Mention(at, query, None, ())
    best = [source for rank, source in ranked if rank == ranked[0][0]]
    if len(best) == 1:
        return Mention(at, query, best[0], ())
    return Mention(at, query, None, tuple(best))


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


#: one person's attendance (the people list, the owner picker)
ATTENDANCE_LABELS = ATTENDANCE_WORDS


def parse_person(text: str) -> dict:
    """`"Jo Bloggs, school nurse, Health"` -> name, role, agency (commas separate; only a name is needed).

    More than three parts keep the extra commas in the agency ("Smith, Jones & Co" stays whole)."""
    parts = [p.strip() for p in text.split(",")]
    out = {"name": parts[0] if parts else ""}
    if len(parts) > 1 and parts[1]:
        out["role"] = parts[1]
    if len(parts) > 2:
        agency = ", ".join(p for p in parts[2:] if p)
        if agency:
            out["agency"] = agency
    return out


def person_line(person: dict) -> str:
    """The inverse of `parse_person`, to edit a person in the same one-line field."""
    bits = [person.get("name") or "", person.get("role") or "", person.get("agency") or ""]
    while len(bits) > 1 and not bits[-1]:
        bits.pop()
    return ", ".join(bits)


def resolve_owner(text: str, attendees: list[dict]) -> dict:
    """Who owns an action, from what the chair typed in the owner field.

    A name that picks out one attendee (or whose best match starts with what was typed) is that attendee
    (`owner_attendee_id`); anything else is kept as typed (`owner_name`). Empty: no owner.
    """
    text = " ".join(text.split())
    if not text:
        return {}
    exact = [a for a in attendees if (a.get("name") or "").casefold() == text.casefold()]
    if len(exact) == 1:
        return {"owner_attendee_id": exact[0]["id"]}
    found = match_people(text, attendees)
    if len(found) == 1 or (found and (found[0].get("name") or "").lower().startswith(text.lower().split()[0])):
        return {"owner_attendee_id": found[0]["id"]}
    return {"owner_name": text}


def parse_subject(text: str, today, default_kind: str = "child") -> dict:
    """`"Sam Example, 12/03/2015"` or `"Mr Example, adult, 1/2/1950"` -> name, kind, date_of_birth.

    The date of birth is read the UK way pointing to the past; a date that cannot be read raises
    `dates.DateError` with the reason. A child is under 18 (G-05): a date of birth 18 or more years
    ago makes the subject an adult unless "child" was typed.
    """
    from . import dates

    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return {}
    out: dict = {"name": parts[0]}
    kind = None
    born = None
    for part in parts[1:]:
        word = part.lower()
        if word in ("child", "young person"):
            kind = "child"
        elif word in ("adult", "adult at risk"):
            kind = "adult_at_risk"
        else:
            born = dates.parse_date(part, today, prefer="past")
            out["date_of_birth"] = born.isoformat()
    if kind is None:
        kind = "adult_at_risk" if default_kind == "adult_at_risk" else "child"
        if born is not None and dates.age_on(born, today) >= 18:
            kind = "adult_at_risk"
    out["kind"] = kind
    return out
