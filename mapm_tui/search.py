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
    return [_hit(row) for row in store.search_index(match, limit)]


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
    marked = " ".join(marked.split())
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length, start = 0, None
    for ch in marked:
        if ch == "\x02":
            start = length
        elif ch == "\x03":
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            plain.append(ch)
            length += 1
    return "".join(plain), tuple(spans)
