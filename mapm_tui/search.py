"""Search every meeting's words: case ref, title, aim and the other texts, subjects, attendees, entries, actions.

    search(store, text, limit=50) -> list[Hit]      newest meetings first, one hit per meeting
    fts_query(text) -> str | None                   the FTS5 expression for what a person typed

The index is an SQLite FTS5 table kept in step with every edit by triggers (migration 0003), in the same
transaction as the edit: a word typed into an entry a moment ago is found at once. The SQL lives in
`store.py` (`Store.search_index`); this module turns what a person typed into a safe query and the rows
into hits that say where each meeting matched.

What a person types is never FTS5 syntax. It is cut into words (letters and digits; everything else
separates words, as the index's tokenizer does), each word is quoted, and a run of words typed together
without a space (`C-2026-0042`, `o'brien`) becomes a phrase. So a stray `"`, `*`, `(`, `-`, `:` or the word
AND, OR, NOT or NEAR typed by a chair is plain text and can never make the search fail. Every word must
match, in any order, in one place (an entry, an action, the aim …); each word also matches as the start
of a longer word (a single letter only as itself), so `glass` finds "glasses" and `Thorn Mais` finds
"Maisie Thornbury" while it is typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .store import Store

#: more words than this are dropped from a query (a pasted paragraph is not a search)
MAX_WORDS = 16
#: longer queries are cut here before they are read
MAX_CHARS = 500

_WORD = re.compile(r"[^\W_]+")

#: what the hit says for a meeting field (the item names that migration 0003 gives them)
FIELD_LABELS = {
    "case_ref": "Case ref",
    "title": "Title",
    "aim": "Aim",
    "reasons_detail": "Reasons for the meeting",
    "introductions": "Introductions",
    "existing_plan_reviewed": "Existing plan",
    "legislation_considered": "Legislation and wider duties",
    "other_procedure_reason": "Why this procedure",
    "convening_agency": "Convening agency",
    "venue": "Venue",
    "chair": "Chair",
    "minute_taker": "Minute-taker",
    "authorised_by": "Authorised by",
    "family": "The family",
    "family_meeting": "Family meeting",
    "lead_practitioner": "Lead practitioner",
    "disagreement": "Professional disagreement",
    "feedback_to_family": "Feedback to the family",
    "minutes_sharing": "Sharing the minutes",
    "next_review": "Next review",
}
PLACE_LABELS = {"subject": "Subject", "attendee": "Attendee", "entry": "Entry", "action": "Action"}


@dataclass(frozen=True)
class Hit:
    meeting_id: str
    case_ref: str | None
    date: str
    title: str | None
    status: str
    #: 'meeting' (one of its fields), 'subject', 'attendee', 'entry' or 'action'
    place: str
    #: the meeting field's name (aim, chair …), the item's id (ent-3, act-2, att-1) or a subject's position
    item: str | None
    #: where it matched, for people: "Aim", "Entry (risk)", "Action act-2", "Attendee"
    label: str
    #: the matching text around the words found, on one line
    snippet: str
    #: (start, end) of each word found within `snippet`, to highlight
    highlights: tuple[tuple[int, int], ...]
    #: how many places of this meeting match (the hit shows the best one, by bm25)
    matches: int

    @property
    def where(self) -> str:
        """`Entry (risk): …Dad drinks at weekends…`"""
        return f"{self.label}: {self.snippet}"

    def as_dict(self) -> dict:
        return {
            "meeting_id": self.meeting_id,
            "case_ref": self.case_ref,
            "date": self.date,
            "title": self.title,
            "status": self.status,
            "place": self.place,
            "item": self.item,
            "where": self.where,
            "matches": self.matches,
        }


def words(text: str) -> list[list[str]]:
    """What a person typed, as groups of words: one group per run of text between spaces."""
    text = unicodedata.normalize("NFC", str(text or "")[:MAX_CHARS])
    groups = []
    for chunk in text.split():
        found = _WORD.findall(chunk)
        if found:
            groups.append(found)
    return groups


def fts_query(text: str) -> str | None:
    """The FTS5 expression for `text`, or None when it holds no word to look for.

    Only letters, digits, spaces, and double quotes around each phrase (followed by `*`) ever reach FTS5."""
    groups = words(text)
    out, count = [], 0
    for group in groups:
        group = group[: MAX_WORDS - count]
        if not group:
            break
        # a word may be unfinished (prefix match), except a single letter, which would match nearly everything
        out.append('"' + " ".join(group) + ('"*' if len(group[-1]) > 1 else '"'))
        count += len(group)
    if not out:
        return None
    return " ".join(out)


def search(store: Store, text: str, limit: int = 50) -> list[Hit]:
    """Meetings whose words match `text`, newest first, each with its best-matching place (and how many
    places match). Never raises, whatever the text."""
    match = fts_query(text)
    if match is None or limit <= 0:
        return []
    return [_hit(row) for row in store.search_index(match, limit, BestPlace(text))]


class BestPlace:
    """Which of a meeting's matching places the hit shows: the one where the words weigh most.

    The weight is BM25's (k1 = 1.2, b = 0.75) on how often the words occur in a place and how long it is,
    counted here over the places of the meetings shown. FTS5's own bm25() would first read every match
    in the database to weigh the words against each other (for a common word, longer than the search
    itself), and every place shown holds every word, so that weighing changes little. Occurrences are
    counted as the words appear in the text, case aside (FTS5 has already said that each place holds every
    word, so a count of nought, say for an accented spelling, counts as one). A tie goes to the lower
    rowid: the meeting's own fields (case ref, title, aim) first, then the oldest row."""

    K1, B = 1.2, 0.75

    def __init__(self, text: str) -> None:
        self._words = list(dict.fromkeys(_fold(word) for group in words(text) for word in group))[:MAX_WORDS]

    def __call__(self, places):
        if len(places) == 1:
            return places[0]
        scored = []
        for place in places:
            body = place.body.casefold()
            tf = sum(body.count(word) for word in self._words) or 1
            scored.append((tf, body.count(" ") + 1, place))
        average = sum(length for _tf, length, _p in scored) / len(scored)
        k1, b = self.K1, self.B

        def weight(item):
            tf, length, place = item
            return (tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)), -place.rowid)

        return max(scored, key=weight)[2]


#: the combining marks that FTS5's remove_diacritics takes off Latin letters
_MARKS = re.compile("[\u0300-\u036f]")


def _fold(text: str) -> str:
    """Text as the index compares it: case and accents do not matter."""
    text = text.casefold()
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def explain(store: Store, text: str) -> list[str]:
    """The query plan of a search for `text` (it must come from the FTS index, not a scan)."""
    return store.explain_search(fts_query(text) or '""')


def _hit(row: dict) -> Hit:
    snippet, highlights = _marks(row.get("snippet") or "")
    return Hit(
        meeting_id=row["meeting_id"],
        case_ref=row.get("case_ref"),
        date=row.get("date") or "",
        title=row.get("title"),
        status=row.get("status") or "",
        place=row["place"],
        item=row.get("item"),
        label=_label(row),
        snippet=snippet,
        highlights=highlights,
        matches=row.get("matches") or 1,
    )


def _label(row: dict) -> str:
    place, item = row["place"], row.get("item")
    if place == "meeting":
        return FIELD_LABELS.get(item or "", (item or "Meeting").replace("_", " ").capitalize())
    if place == "entry" and row.get("detail"):
        from .capture import kind_label

        return f"Entry ({kind_label(row['detail']).lower()})"
    if place == "action" and item:
        return f"Action {item}"
    return PLACE_LABELS.get(place, place.capitalize())


def _marks(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Take the \\x02 / \\x03 match markers out of a snippet, keeping where they were; one line."""
    first, *marked_parts = " ".join(marked.split()).split("\x02")
    plain = [first.replace("\x03", "")]
    length = len(plain[0])
    spans: list[tuple[int, int]] = []
    for part in marked_parts:  # each begins with a word found, ended by \x03 (a marker left open ends nothing)
        found, end, rest = part.partition("\x03")
        if end:
            spans.append((length, length + len(found)))
        text = found + rest.replace("\x03", "")
        plain.append(text)
        length += len(text)
    return "".join(plain), tuple(spans)
