"""Search every meeting's words: case ref, title, aim and the other texts, subjects, attendees, entries, actions.

    search(store, text, limit=50) -> list[Hit]      newest meetings first, one hit per meeting
    fts_query(text) -> str | None                   the FTS5 expression for what a person typed

The index is kept in step with every edit by triggers (migration 0004), in the same transaction as the
edit: a word typed into an entry a moment ago is found at once. This module holds the search SQL of both
dialects: SQLite's FTS5 table, and on a PostgreSQL server a `tsvector` column with a GIN index over the
same rows (the same rowids, so the same order: newest meetings first). It turns what a person typed into
a safe query for each, and the rows into hits that say where each meeting matched.

What a person types is never FTS5 syntax. It is cut into words (letters and digits; everything else
separates words, as the index's tokenizer does), each word is quoted, and a run of words typed together
without a space (`C-2026-0042`, `o'brien`) becomes a phrase. So a stray `"`, `*`, `(`, `-`, `:` or the word
AND, OR, NOT or NEAR typed by a chair is plain text and can never make the search fail. Every word must
match, in any order, in one place (an entry, an action, the aim …); each word also matches as the start
of a longer word (a single letter only as itself), so `glass` finds "glasses" and `Thorn Mais` finds
"Maisie Thornbury" while it is typed.
"""

from __future__ import annotations

import json
import re
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from .store import Store
from .store_errors import server_reads

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


def ts_query(groups: list[list[str]]) -> str | None:
    """The PostgreSQL `to_tsquery` text for groups of words already folded as the index folds them
    (`mapm_fold`): each group a phrase (`a <-> b`), its last word also a word start (`:*`) unless it is a
    single letter, groups joined by `&`. Only letters, digits and those operators ever reach it."""
    out, count = [], 0
    for group in groups:
        group = group[: MAX_WORDS - count]
        if not group:
            break
        last = group[-1] + (":*" if len(group[-1]) > 1 else "")
        out.append(" <-> ".join([*group[:-1], last]))
        count += len(group)
    return " & ".join(out) if out else None


def search(store: Store, text: str, limit: int = 50) -> list[Hit]:
    """Meetings whose words match `text`, newest first, each with its best-matching place (and how many
    places match). Never raises, whatever the text."""
    if limit <= 0:
        return []
    if store.engine.dialect.name == "postgresql":
        with server_reads():  # a server that cannot be reached: ServerGone, one sentence
            rows = _server_rows(store, text, limit, BestPlace(text))
    else:
        match = fts_query(text)
        rows = [] if match is None else search_index(store, match, limit, BestPlace(text))
    return [_hit(row) for row in rows]


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
    if store.engine.dialect.name == "postgresql":
        return _server_plan(store, text)
    return explain_search(store, fts_query(text) or '""')


# -- SQLite: FTS5 (the index and the triggers that keep it in step are made by migration 0004) ----------

#: Search (migration 0004): a place's rowid is its meeting's docid * 2**32 + an offset, and docids follow
#: the meetings' dates, so the matches in descending rowid order are the newest meetings' places, each
#: meeting's together. Step 1 reads them until `limit` meetings are seen and stops: a word found in tens
#: of thousands of places costs no more than a rare one. Only the places of the meetings shown are read.
SEARCH_DOCID_SHIFT = 32
SEARCH_PLACES_SQL = """
SELECT rowid, place, item, detail, body FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC
"""
#: Step 2: the meetings shown, by their docids.
SEARCH_MEETINGS_SQL = """
SELECT sm.docid, m.id, m.case_ref, m.date, m.title, m.status FROM search_meeting AS sm
JOIN meeting AS m ON m.id = sm.meeting_id WHERE sm.docid IN (SELECT value FROM json_each(:docids))
"""
#: Step 3: the snippet of the chosen place of each meeting: one pass over the matches within the rowids
#: of the meetings shown (`+rowid`: filtered in that pass, not the whole query again for each rowid).
SEARCH_SNIPPETS_SQL = """
SELECT rowid, snippet(search_index, 0, char(2), char(3), '…', 16) FROM search_index
WHERE search_index MATCH :q AND rowid BETWEEN :low AND :high AND +rowid IN (SELECT value FROM json_each(:rowids))
"""


def search_index(store: Store, match: str, limit: int, choose) -> list[dict]:
    """The newest `limit` meetings with a place that matches an FTS5 `match` expression, each with
    one of its places chosen by `choose(places) -> SearchPlace` and its snippet.

    `match` must be built by `fts_query` (never a user's raw text). Each row: meeting_id,
    case_ref, date, title, status, place, item, detail, snippet (the words found between \x02 and
    \x03) and matches (how many places of that meeting match). Newest first: by date, and within a
    date the meeting added last first. One read transaction.
    """
    with store.engine.connect() as conn:
        # the driver's own cursor: up to thousands of rows, read as plain tuples
        cursor = conn.connection.cursor()
        try:
            cursor.execute(SEARCH_PLACES_SQL, {"q": match})
            found = _newest_places(cursor, limit)
        finally:
            cursor.close()
        if not found:
            conn.rollback()
            return []
        meetings = {
            row[0]: row[1:] for row in conn.exec_driver_sql(SEARCH_MEETINGS_SQL, {"docids": json.dumps(list(found))})
        }
        chosen = {docid: choose(places) for docid, places in found.items()}
        rowids = [place.rowid for place in chosen.values()]
        snippets: dict[int, str] = dict(
            conn.exec_driver_sql(
                SEARCH_SNIPPETS_SQL,
                {"q": match, "low": min(rowids), "high": max(rowids), "rowids": json.dumps(rowids)},
            ).all()
        )
        conn.rollback()
    return _results(found, meetings, chosen, snippets)


def explain_search(store: Store, match: str) -> list[str]:
    """EXPLAIN QUERY PLAN of the search statements (for tests, and for a slow search)."""
    plan = []
    with store.engine.connect() as conn:
        for sql, params in (
            (SEARCH_PLACES_SQL, {"q": match}),
            (SEARCH_MEETINGS_SQL, {"docids": "[]"}),
            (SEARCH_SNIPPETS_SQL, {"q": match, "low": 0, "high": 0, "rowids": "[]"}),
        ):
            plan += [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
        conn.rollback()
    return plan


def _results(found: dict, meetings: dict, chosen: dict, snippets: dict) -> list[dict]:
    out = []
    for docid, places in found.items():
        meeting = meetings.get(docid)
        if meeting is None:
            continue
        meeting_id, case_ref, date, title, status = meeting
        best = chosen[docid]
        out.append(
            {
                "meeting_id": meeting_id,
                "case_ref": case_ref,
                "date": date,
                "title": title,
                "status": status,
                "place": best.place,
                "item": best.item,
                "detail": best.detail,
                "snippet": snippets.get(best.rowid) or best.body,
                "matches": len(places),
            }
        )
    return out


def _newest_places(cursor, limit: int, found: dict[int, list[SearchPlace]] | None = None, batch: int = 200):
    """Read matching places (newest meeting first) until `limit` meetings are complete: the first place
    of one more meeting ends the reading, so the index goes no further into its matches. With `found`
    (the server reads window by window), the places are added to it: `limit` meetings in it are then
    complete (a window holds whole meetings, so none of theirs is in an older one). With `batch` 0, each
    fetch asks for about as many places as the meetings still missing should need, at the rate seen so far
    (on a server a fetch is a round trip, and the walk behind it goes on until the fetch is full)."""
    found = {} if found is None else found
    shift = SEARCH_DOCID_SHIFT
    read = 0
    while rows := cursor.fetchmany(batch or _fetch_size(limit, len(found), read)):
        read += len(rows)
        for row in rows:
            docid = row[0] >> shift
            places = found.get(docid)
            if places is None:
                if len(found) == limit:
                    return found
                places = found[docid] = []
            places.append(SearchPlace._make(row))
    return found


def _fetch_size(limit: int, meetings: int, read: int) -> int:
    """Places to fetch next: first `2 * limit`; then the meetings still missing (and one more, to know the
    last is complete) times the places per meeting seen so far, a tenth more, within [limit, 5000]."""
    if read == 0 or meetings == 0:
        return 2 * limit if read == 0 else 5000
    return max(limit, min(5000, int((limit + 1 - meetings) * read / meetings * 1.1) + 1))


class SearchPlace(NamedTuple):
    """A place whose words match: a meeting field, a subject, an attendee, an entry or an action."""

    rowid: int
    #: 'meeting', 'subject', 'attendee', 'entry' or 'action'
    place: str
    #: the meeting field's name, the item's id, or a subject's position
    item: str | None
    #: an entry's kind
    detail: str | None
    #: the text that was indexed
    body: str


# -- PostgreSQL: tsvector + GIN over the same rows (migration 0004's PostgreSQL form) --------------------

#: the words typed, folded by the server as the index folds the text (`mapm_fold`: case, accents, and
#: everything but letters and digits), so a query word and an indexed word compare alike
SERVER_FOLD_SQL = "SELECT mapm_fold(w) FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n"
#: Step 1, as SQLite's: the matching places, newest meeting first, read window by window of meetings (a
#: window: the rowids from one meeting's docid up to, not including, the first of the window before it).
#: How it reads is chosen by how common the words are (the planner's estimate for each word alone: the
#: places holding all of them are at most as many as those holding the rarest):
#: - a rare word (at most SERVER_RARE places): every place that matches, from the GIN index, in one go;
#: - common words: the newest SERVER_WALKS meetings first, their rows walked newest first through the
#:   primary key, each place's words tested as it goes (bitmap scans off), the walk stopped at the 50th
#:   meeting found (a server-side cursor). A common word's 50 meetings are found there, never at the cost
#:   of a bitmap of its hundred thousand places (100+ ms for "housing"), and two common words found
#:   together in 14,000 places are not all read and sorted to keep the newest few (300+ ms).
#: - words common alone but rare together: after the walk, the older meetings in windows where the
#:   planner intersects the GIN index's bitmap with the rowid range, so only the places within the window
#:   are read. The query there is a parameter the planner cannot see into (`(SELECT …)`): its estimate for
#:   several words multiplies their frequencies, far too low for words that come together ("speech and
#:   language": 152 places expected, 14,231 found), and it would read every match.
SERVER_PLACES_SQL = """
SELECT rowid, place, item, detail, body FROM search_index
WHERE words @@ {query} AND rowid >= %(low)s AND rowid < %(high)s ORDER BY rowid DESC
"""
SERVER_QUERY, SERVER_QUERY_HIDDEN = "to_tsquery('simple', %(q)s)", "(SELECT to_tsquery('simple', %(q)s))"
SERVER_RARE = 2000
#: the windows walked through the primary key, then those left to the planner (each: how many of the
#: newest meetings it reaches back to; after the last, every older meeting)
SERVER_WALKS, SERVER_WINDOWS = (256,), (2048,)
#: the planner's estimate of how many places hold one word (EXPLAIN's JSON: its "Plan Rows")
SERVER_ESTIMATE_SQL = "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_index WHERE words @@ to_tsquery('simple', %(q)s)"
#: the docid of the meeting at each window's far end (the oldest meeting in it): None past the last meeting
SERVER_WINDOW_SQL = """
SELECT (SELECT docid FROM search_meeting ORDER BY docid DESC OFFSET n - 1 LIMIT 1)
FROM unnest(%(sizes)s::int[]) WITH ORDINALITY AS t(n, i) ORDER BY i
"""
#: JIT compiling costs 10-35 ms per statement on these plans, for queries that run in a few milliseconds
#: (the planner's cost of a walk over every row, stopped early, is what sets JIT off); parallel workers
#: cost more to start than these reads take
SERVER_SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0"


def _server_walk(walk: bool) -> str:
    """The settings of one window: a walk through the primary key (neither a bitmap nor a table scan), or
    the planner's choice."""
    value = "off" if walk else "on"
    return f"SET LOCAL enable_bitmapscan = {value}; SET LOCAL enable_seqscan = {value}"


SERVER_MEETINGS_SQL = """
SELECT sm.docid, m.id, m.case_ref, m.date, m.title, m.status FROM search_meeting AS sm
JOIN meeting AS m ON m.id = sm.meeting_id WHERE sm.docid = ANY(%(docids)s)
"""
#: Step 3 is done here, not by ts_headline (whose parser cuts "C-1" or "o'Brien" unlike the index): the
#: chosen place's words are cut as FTS5 cuts them and folded by the server, and the snippet is made as
#: FTS5's snippet() makes it (below), so the same words are marked on both dialects.
SNIPPET_TOKENS = 16


def _server_query(cursor, text: str, ascii_lower: bool = False) -> tuple[str, list[list[str]]] | None:
    """The tsquery for what a person typed, and its groups of folded words: cut into groups of words as
    for SQLite, each word folded by the server, so `C-2026-0042` is the phrase c <-> 2026 <-> 0042:* and
    `Zoë` finds "zoe"."""
    groups = words(text)
    flat = [word for group in groups for word in group][:MAX_WORDS]
    if not flat:
        return None
    folded = iter(_server_fold(cursor, flat, ascii_lower))
    out: list[list[str]] = []
    for group in groups:
        taken = [next(folded, "") for _ in group]
        out.append([part for word in taken for part in word.split()])
    out = [group for group in out if group]
    query = ts_query(out)
    return None if query is None else (query, out)


#: a word that folds to itself on any server: ASCII lower-case letters and digits (`unaccent` leaves ASCII
#: as it is, and lower() keeps lower case whatever the server's locale); and an ASCII word, which folds to
#: Python's lower() of it where the server's lower() agrees on the ASCII letters (not in a Turkish locale,
#: where lower('I') is a dotless i)
_FOLDS_TO_ITSELF, _ASCII_WORD = re.compile(r"[a-z0-9]+"), re.compile(r"[A-Za-z0-9]+")
_ASCII_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: whether each server's lower() folds the ASCII capitals as Python's does (asked once per engine)
_lowers_ascii: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _server_lowers_ascii(engine, cursor) -> bool:
    known = _lowers_ascii.get(engine)
    if known is None:
        cursor.execute(SERVER_FOLD_SQL, {"words": [_ASCII_CAPITALS]})
        known = _lowers_ascii[engine] = cursor.fetchone()[0] == _ASCII_CAPITALS.lower()
    return known


def _server_fold(cursor, texts: list[str], ascii_lower: bool = False) -> list[str]:
    """Each text as `mapm_fold` folds it on the server. Only the texts that could change are sent, each
    once (a snippet's words are mostly ASCII: sending all of them cost 15-20 ms a search); with
    `ascii_lower` (`_server_lowers_ascii`), an ASCII word is folded here."""
    local = _ASCII_WORD if ascii_lower else _FOLDS_TO_ITSELF
    asked = list(dict.fromkeys(text for text in texts if not local.fullmatch(text)))
    folded: dict[str, str] = {}
    if asked:
        cursor.execute(SERVER_FOLD_SQL, {"words": asked})
        folded = {text: row[0] or "" for text, row in zip(asked, cursor.fetchall(), strict=True)}
    return [folded[text] if text in folded else text.lower() for text in texts]


def _server_rows(store: Store, text: str, limit: int, choose: Callable) -> list[dict]:
    """`search_index` on PostgreSQL: the same steps, the same rows, snippets made as FTS5 makes them."""
    with store.engine.connect() as conn:
        cursor = conn.connection.cursor()
        try:
            ascii_lower = _server_lowers_ascii(store.engine, cursor)
            made = _server_query(cursor, text, ascii_lower)
            if made is None:
                conn.rollback()
                return []
            query, groups = made
            driver = conn.connection.driver_connection  # psycopg's own: its named cursor has itersize
            assert driver is not None  # None only once a connection is closed; this one is open
            found = _server_places(cursor, driver, query, groups, limit)
            if not found:
                conn.rollback()
                return []
            cursor.execute(SERVER_MEETINGS_SQL, {"docids": list(found)})
            meetings = {row[0]: row[1:] for row in cursor.fetchall()}
            chosen = {docid: choose(places) for docid, places in found.items()}
            tokens = {
                place.rowid: [(m.start(), m.end(), m.group()) for m in _WORD.finditer(place.body)]
                for place in chosen.values()
            }
            every = [token for cut in tokens.values() for _s, _e, token in cut]
            folded = iter(_server_fold(cursor, every, ascii_lower) if every else [])
            snippets = {}
            for place in chosen.values():
                cut = [(start, end, "".join(next(folded, "").split())) for start, end, _t in tokens[place.rowid]]
                snippets[place.rowid] = fts5_snippet(place.body, cut, groups)
        finally:
            cursor.close()
        conn.rollback()
    return _results(found, meetings, chosen, snippets)


def _server_terms(groups: list[list[str]]) -> list[str]:
    """Each word of a query alone, as `to_tsquery` text (the last of each group also a word start)."""
    return [
        word + (":*" if i == len(group) - 1 and len(word) > 1 else "")
        for group in groups
        for i, word in enumerate(group[:MAX_WORDS])
    ]


def _server_windows(cursor, groups: list[list[str]]) -> list[tuple[int, int, bool, str]]:
    """How step 1 reads, newest first: (low, high, walk through the primary key, the query's SQL) for each
    window of rowids [low, high); the last reaches the oldest meeting. One round trip (a round trip costs
    milliseconds on a loaded server): the search's settings, the first window's, the planner's estimate for
    each word, and where each window ends, as one simple query (the words are only letters and digits,
    each quoted as a literal)."""
    from psycopg import sql

    terms = _server_terms(groups)
    estimates = [
        sql.SQL(SERVER_ESTIMATE_SQL.replace("%(q)s", "{}")).format(sql.Literal(term)).as_string(cursor)
        for term in terms
    ]
    sizes = ", ".join(str(int(n)) for n in (*SERVER_WALKS, *SERVER_WINDOWS))
    batch = [SERVER_SETTINGS, _server_walk(True), *estimates, SERVER_WINDOW_SQL.replace("%(sizes)s", f"ARRAY[{sizes}]")]
    cursor.execute("; ".join(batch))
    rows = []
    while True:
        if cursor.description is not None:  # not a SET
            rows.append(cursor.fetchall())
        if not cursor.nextset():
            break
    *planned, lows = rows
    everything = (-(1 << 62), 1 << 62)  # beyond any rowid (docids stop at 2**31)
    if any(plan[0][0][0]["Plan"]["Plan Rows"] <= SERVER_RARE for plan in planned):
        return [(*everything, False, SERVER_QUERY)]
    shift = SEARCH_DOCID_SHIFT
    out, high = [], everything[1]
    for number, (docid,) in enumerate(lows):
        if docid is None:
            break
        walk = number < len(SERVER_WALKS)
        out.append((docid << shift, high, walk, SERVER_QUERY if walk else SERVER_QUERY_HIDDEN))
        high = docid << shift
    out.append((everything[0], high, len(out) < len(SERVER_WALKS), SERVER_QUERY_HIDDEN))
    return out


def _server_places(cursor, driver, query: str, groups: list[list[str]], limit: int) -> dict[int, list[SearchPlace]]:
    """Step 1 on the server: the newest `limit` meetings' matching places, window by window, until `limit`
    meetings are complete. Each window's places stream from a server-side cursor, newest first, and reading
    stops once `limit` meetings are complete (a client-side cursor would first fetch every match)."""
    found: dict[int, list[SearchPlace]] = {}
    windows = _server_windows(cursor, groups)  # the search's settings and the first window's made
    rare = len(windows) == 1 and not windows[0][2]
    for number, (low, high, walk, sql) in enumerate(windows):
        if number > 0 or not walk:
            cursor.execute(_server_walk(walk))
        # the places stream from a server-side cursor, newest first, so a walk stops at the `limit`-th meeting;
        # a rare word's few places come in one round trip
        places = cursor if rare else driver.cursor(name=f"mapm_search_places_{number}")
        try:
            places.execute(SERVER_PLACES_SQL.format(query=sql), {"q": query, "low": low, "high": high})
            # a FETCH is a round trip, and the walk behind it goes on until it is full: asked for what the
            # meetings still missing need (a common word's 50 meetings: ~800 places in two or three)
            if len(_newest_places(places, limit, found, 0 if places is not cursor else 200)) == limit:
                break
        finally:
            if places is not cursor:
                places.close()
    return found


def fts5_snippet(
    body: str, tokens: list[tuple[int, int, str]], groups: list[list[str]], size: int = SNIPPET_TOKENS
) -> str:
    """The snippet FTS5's snippet(…, char(2), char(3), '…', 16) gives, for a body cut into `tokens`
    ((start, end, folded word)) and a query of phrases `groups` (each phrase's last word also a word start
    unless a single letter): FTS5's own choice of window (fts5_aux.c: each match scored by the phrases it
    and the matches after it within `size` words show, 1000 for a phrase's first and 1 for a repeat, the
    window then centred on them; a window from a sentence's start scores 100 more, 120 at the body's
    start), every phrase found in it marked whole between \x02 and \x03, and '…' where the body goes on."""
    hits: list[tuple[int, int, int]] = []  # (first token, token after the last, phrase), by position
    for number, group in enumerate(groups):
        width = len(group)
        for i in range(len(tokens) - width + 1):
            if all(
                tokens[i + k][2] == word or (k == width - 1 and len(word) > 1 and tokens[i + k][2].startswith(word))
                for k, word in enumerate(group)
            ):
                hits.append((i, i + width, number))
    hits.sort()
    if not tokens:
        return body
    count = len(tokens)

    def score(start: int) -> tuple[int, int]:
        seen: set[int] = set()
        total, first, last = 0, -1, -1
        for begin, end, phrase in hits:
            if start <= begin < start + size:
                total += 1 if phrase in seen else 1000
                seen.add(phrase)
                first = begin if first < 0 else first
                last = end
        centred = first - (size - (last - first)) // 2
        return total, max(0, min(centred, count - size))

    sentences = [i for i, (start, _e, _t) in enumerate(tokens) if i == 0 or _after_full_stop(body, start)]
    best, first = -1, 0
    for begin, _end, _phrase in hits:
        total, centred = score(begin)
        if total > best:
            best, first = total, centred
        starts = [i for i in sentences if i <= begin]
        if starts and starts[-1] < begin:
            opening = starts[-1]
            total = score(opening)[0] + (120 if opening == 0 else 100)
            if total > best:
                best, first = total, opening
    last = min(count, first + size)
    out, at = [], 0 if first == 0 else tokens[first][0]
    for begin, end, _phrase in hits:
        if begin < first or end > last or tokens[begin][0] < at:
            continue  # outside the window, or inside a phrase already marked
        out += [body[at : tokens[begin][0]], "\x02", body[tokens[begin][0] : tokens[end - 1][1]], "\x03"]
        at = tokens[end - 1][1]
    if last >= count:
        out.append(body[at:])
    else:
        out += [body[at : tokens[last - 1][1]], "…"]
    return ("…" if first > 0 else "") + "".join(out)


def _after_full_stop(body: str, start: int) -> bool:
    """Whether the word at `start` begins a sentence as FTS5 sees it: white space, and before it '.' or ':'."""
    i = start - 1
    while i >= 0 and body[i] in " \t\n\r":
        i -= 1
    return i != start - 1 and i >= 0 and body[i] in ".:"


def _server_plan(store: Store, text: str) -> list[str]:
    """EXPLAIN of the PostgreSQL search's first step in its windows (the first walks the newest rows by
    the primary key; the others may use the GIN index)."""
    with store.engine.connect() as conn:
        cursor = conn.connection.cursor()
        try:
            made = _server_query(cursor, text)
            plan = []
            query, groups = made if made else ("x", [["x"]])
            for low, high, walk, sql in _server_windows(cursor, groups):
                cursor.execute(_server_walk(walk))
                statement = "EXPLAIN " + SERVER_PLACES_SQL.format(query=sql)
                cursor.execute(statement, {"q": query, "low": low, "high": high})
                plan += [row[0] for row in cursor.fetchall()]
        finally:
            cursor.close()
        conn.rollback()
    return plan


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
