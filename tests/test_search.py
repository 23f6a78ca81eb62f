"""Search: kept in step with every edit (same session, same transaction), says where it matched, never
fails on what a chair types, and answers from the FTS5 index (not a scan) on a big database."""

from __future__ import annotations

import random
import re
import sqlite3
import time

import pytest

from mapm_tui.search import explain, fts_query, search
from tests import keys


def ids(hits) -> list[str]:
    return [h.meeting_id for h in hits]


@pytest.fixture
def meeting(store, new_meeting):
    mid = new_meeting(
        case_ref="EH-2026-0417", title="Planning meeting for Maisie", aim="Agree how Maisie gets to school"
    )
    store.add_item(mid, "subjects", {"name": "Maisie Thornbury", "kind": "child"})
    store.add_item(
        mid,
        "attendees",
        {"name": "Priya Lal", "role": "Housing officer", "agency": "Brookvale Homes", "attendance": "present"},
    )
    store.add_item(mid, "entries", {"kind": "risk", "text": "The flat is cold and damp; Mum and Dad argue about money"})
    store.add_item(
        mid,
        "actions",
        {"description": "Apply to the winter fuel support fund", "success_measure": "Heating on by December"},
    )
    return mid


def test_finds_a_word_typed_into_an_entry_a_moment_ago(store, meeting):
    assert search(store, "trampoline") == []
    entry = store.add_item(meeting, "entries", {"kind": "need", "text": "Maisie fell off the trampoline"})
    (hit,) = search(store, "trampoline")
    assert (hit.meeting_id, hit.place, hit.item, hit.label) == (meeting, "entry", entry, "Entry (need)")
    assert hit.where == "Entry (need): Maisie fell off the trampoline"
    assert hit.snippet[slice(*hit.highlights[0])] == "trampoline"
    # edited: the old word is gone at once, the new one found
    store.update_item(meeting, "entries", entry, {"text": "Maisie fell off a climbing frame"})
    assert search(store, "trampoline") == []
    assert ids(search(store, "climbing")) == [meeting]
    # the kind changed: the hit says so
    store.update_item(meeting, "entries", entry, {"kind": "risk"})
    assert search(store, "climbing")[0].label == "Entry (risk)"
    store.delete_item(meeting, "entries", entry)
    assert search(store, "climbing") == []


@pytest.mark.parametrize(
    "text, label",
    [
        ("EH-2026-0417", "Case ref"),
        ("Planning meeting for", "Title"),
        ("gets to school", "Aim"),
        ("Thornbury", "Subject"),
        ("Brookvale", "Attendee"),
        ("housing officer", "Attendee"),
        ("winter fuel", "Action act-1"),
        ("heating december", "Action act-1"),
        ("damp", "Entry (risk)"),
    ],
)
def test_each_place_is_searched_and_named(store, meeting, text, label):
    (hit,) = search(store, text)
    assert hit.meeting_id == meeting and hit.label == label and hit.case_ref == "EH-2026-0417"
    assert hit.date == "2026-11-24"


def test_meeting_fields_are_reindexed_when_set_and_cleared(store, meeting):
    store.set_fields(meeting, {"chair.name": "Jo Baker", "disagreement.summary": "School disputes the referral"})
    assert search(store, "Baker")[0].label == "Chair"
    assert search(store, "disputes")[0].label == "Professional disagreement"
    store.set_fields(meeting, {"chair.name": None})
    assert search(store, "Baker") == []
    store.set_fields(meeting, {"aim": "Find Maisie a quiet place to do homework"})
    assert search(store, "gets to school") == []
    assert search(store, "homework")[0].label == "Aim"


def test_one_hit_per_meeting_newest_first_with_its_best_place(store, new_meeting, meeting):
    import datetime as dt

    older = new_meeting(case_ref="C-2", day=dt.date(2025, 6, 1))
    store.add_item(older, "entries", {"kind": "note", "text": "Fuel poverty discussed"})
    assert ids(search(store, "fuel")) == [meeting, older]
    # more places match in one meeting: still one hit, the best place (a short text full of the word)
    store.add_item(meeting, "entries", {"kind": "need", "text": "Fuel vouchers, fuel debt, fuel"})
    hits = search(store, "fuel")
    assert ids(hits) == [meeting, older] and (hits[0].matches, hits[1].matches) == (2, 1)
    assert hits[0].label == "Entry (need)" and hits[0].snippet == "Fuel vouchers, fuel debt, fuel"
    assert len(hits[0].highlights) == 3
    assert ids(search(store, "fuel", limit=1)) == [meeting]


def test_a_new_date_moves_the_meeting_in_the_order_and_keeps_its_words(store, new_meeting):
    import datetime as dt

    first = new_meeting(case_ref="C-1", day=dt.date(2026, 3, 1), aim="Plan for the boiler")
    second = new_meeting(case_ref="C-2", day=dt.date(2026, 5, 1), aim="Plan for the boiler")
    third = new_meeting(case_ref="C-3", day=dt.date(2026, 4, 1), aim="Plan for the boiler")
    same_day = new_meeting(case_ref="C-4", day=dt.date(2026, 4, 1), aim="Plan for the boiler")
    store.add_item(first, "entries", {"kind": "risk", "text": "The boiler leaks"})
    store.add_item(first, "attendees", {"name": "Priya Lal", "agency": "Brookvale Homes", "attendance": "present"})
    assert ids(search(store, "boiler")) == [second, same_day, third, first]  # a date's last added first
    store.set_fields(first, {"date": "2026-06-01"})
    hits = search(store, "boiler")
    assert ids(hits) == [first, second, same_day, third] and hits[0].matches == 2
    assert ids(search(store, "Brookvale")) == [first] and search(store, "C-1")[0].meeting_id == first
    store.set_fields(third, {"date": "2026-04-01"})  # the same date again: nothing moves
    assert ids(search(store, "boiler")) == [first, second, same_day, third]
    raw = keys.connect_raw(store.engine.url.database)
    raw.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    per_meeting = dict(raw.execute("SELECT meeting_id, count(*) FROM search_index GROUP BY 1").fetchall())
    raw.close()
    assert per_meeting[first] == 4  # case ref, aim, the entry, the attendee: nothing lost or doubled


def test_a_row_too_far_for_the_index_is_refused_not_misfiled(store, meeting):
    """A child row's pk is part of its index rowid; one so large that it would reach the next meeting's
    numbers is refused with a sentence (half a billion rows: it does not happen, but never misfile)."""
    raw = keys.connect_raw(store.engine.url.database)
    with pytest.raises(keys.DatabaseError, match="search index is full"):
        raw.execute(
            "INSERT INTO entry (pk, meeting_id, id, position, kind, text) VALUES (?, ?, 'ent-big', 99, 'note', 'far')",
            ((1 << 29) - 3, meeting),
        )
    raw.close()
    assert search(store, "far") == []


def test_words_match_as_starts_of_words_and_all_must_match_in_one_place(store, meeting):
    assert ids(search(store, "therm")) == []
    assert ids(search(store, "Thorn")) == [meeting]  # typing: a word may be unfinished
    assert ids(search(store, "Thorn Mais")) == [meeting]
    assert ids(search(store, "Maisie Thornbury")) == [meeting]
    assert search(store, "bury") == []  # the start of a word, not any part of it
    assert search(store, "Thorn Maisie Brookvale") == []  # every word must match in one place


def test_accents_and_case_do_not_matter(store, new_meeting):
    mid = new_meeting()
    store.add_item(mid, "subjects", {"name": "Zoë Ó Súilleabháin", "kind": "child"})
    assert ids(search(store, "zoe")) == [mid]
    assert ids(search(store, "ZOË O SUILLEABHAIN")) == [mid]
    assert ids(search(store, "Zoe\u0308")) == [mid]  # a decomposed ë typed or pasted


ODD = [
    '"',
    '""',
    "*",
    "**",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(",
    "Mum AND Dad",
    "Mum OR",
    "NOT Mum",
    '"Mum',
    'Mum"',
    "damp*",
    "*damp",
    "(damp",
    "damp)",
    "{damp}",
    "body:damp",
    "meeting_id:x",
    "^damp",
    "damp -cold",
    "+damp",
    "d'amp",
    "'",
    "\\",
    "%",
    "_",
    ";DROP TABLE meeting;--",
    "\x00damp",
    "lone \ud800 surrogate",
    "😀 damp",
    "   ",
    "",
    "a" * 5000,
    " ".join(["damp"] * 200),
    "ΑΝΔ καὶ",
    "日本語",
]


#: the odd texts whose every word is in the meeting (operators and punctuation are plain text, not syntax)
FINDS = {"AND", "Mum AND Dad", '"Mum', 'Mum"', "damp*", "*damp", "(damp", "damp)", "{damp}", "^damp", "damp -cold"}
FINDS |= {"+damp", "\x00damp", "😀 damp", " ".join(["damp"] * 200)}


@pytest.mark.parametrize("text", ODD, ids=[repr(t)[:30] for t in ODD])
def test_whatever_a_chair_types_never_raises(store, meeting, text):
    """No error, and the meeting is found exactly when every word typed is in it."""
    assert ids(search(store, text)) == ([meeting] if text in FINDS else [])
    assert explain(store, text)  # the plan too


@pytest.mark.parametrize(
    "text", ["Mum AND Dad", "mum and dad", '"Mum" and "Dad"', "Mum, and Dad!", "NOT Mum"[4:] + " AND Dad"]
)
def test_operators_are_plain_words(store, meeting, text):
    assert ids(search(store, text)) == [meeting]


def test_not_and_or_are_words_too(store, meeting):
    """`Mum OR Cat` would find the meeting if OR were an operator; as words, "or" and "cat" are not there."""
    assert search(store, "Mum OR Cat") == []
    assert search(store, "NOT damp") == []  # "not" is not in the text


def test_queries_reaching_fts5_hold_only_words_quotes_and_one_star():
    for text in ODD:
        q = fts_query(text)
        if q is None:
            continue
        assert re.fullmatch(r'("[^\W_]+( [^\W_]+)*"\*?)( "[^\W_]+( [^\W_]+)*"\*?)*', q), q
    assert fts_query('   "  * ') is None
    assert fts_query("C-2026-0042 o'brien") == '"C 2026 0042"* "o brien"*'
    assert fts_query("Plan A") == '"Plan"* "A"'


def test_raw_deletes_keep_the_index_consistent(store, meeting, new_meeting):
    """Deleting a meeting (cascading to its rows) takes its words out; FTS5's own integrity check passes."""
    other = new_meeting(case_ref="C-9", aim="damp again")
    raw = keys.connect_raw(store.engine.url.database)
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("DELETE FROM meeting WHERE id = ?", (meeting,))
    raw.commit()
    assert ids(search(store, "damp")) == [other]
    assert search(store, "Brookvale") == [] and search(store, "Thornbury") == []
    raw.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    rows = raw.execute("SELECT count(*) FROM search_index WHERE meeting_id = ?", (meeting,)).fetchone()[0]
    raw.close()
    assert rows == 0


def test_index_matches_the_data_after_many_edits(store, new_meeting):
    """Every non-empty searchable row has exactly one index row, and nothing else is indexed."""
    rng = random.Random(7)
    words = ["damp", "school", "fuel", "glasses", "nursery", "GP", "alcohol", "debt"]
    mids = [new_meeting(case_ref=f"C-{n}") for n in range(3)]
    live: dict[str, list[str]] = {m: [] for m in mids}
    for _ in range(150):
        mid = rng.choice(mids)
        op = rng.random()
        if op < 0.5 or not live[mid]:
            live[mid].append(store.add_item(mid, "entries", {"kind": "need", "text": " ".join(rng.sample(words, 3))}))
        elif op < 0.8:
            store.update_item(mid, "entries", rng.choice(live[mid]), {"text": " ".join(rng.sample(words, 2))})
        else:
            entry = rng.choice(live[mid])
            live[mid].remove(entry)
            store.delete_item(mid, "entries", entry)
        if rng.random() < 0.2:
            store.set_fields(mid, {"aim": rng.choice([None, "Agree a plan about " + rng.choice(words)])})
    raw = keys.connect_raw(store.engine.url.database)
    indexed = raw.execute("SELECT count(*) FROM search_index WHERE place = 'entry'").fetchone()[0]
    stored = raw.execute("SELECT count(*) FROM entry WHERE trim(text) <> ''").fetchone()[0]
    aims = raw.execute("SELECT count(*) FROM meeting WHERE trim(coalesce(aim, '')) <> ''").fetchone()[0]
    indexed_aims = raw.execute("SELECT count(*) FROM search_index WHERE place = 'meeting' AND item = 'aim'").fetchone()[
        0
    ]
    raw.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    raw.close()
    assert (indexed, indexed_aims) == (stored, aims)
    for word in words:
        expected = {
            m
            for m in mids
            for e in store.load_meeting(m).get("entries", [])
            if word.lower() in e["text"].lower().split()
        }
        expected |= {m for m in mids if word.lower() in (store.load_meeting(m).get("aim") or "").lower().split()}
        assert set(ids(search(store, word + " "))) >= expected  # trailing space: still a prefix query; superset is fine
        assert {h.meeting_id for h in search(store, word)} == expected


# -- a big database -------------------------------------------------------------------------------------
N_MEETINGS = 5000


def _bulk_meetings(path, n: int) -> float:
    """n fictional meetings with subjects, attendees, entries and actions, inserted in bulk into the
    database at `path` (one transaction, executemany). Returns the seconds it took."""
    rng = random.Random(2026)
    first = ["Maisie", "Riley", "Poppy", "Alfie", "Sam", "Noor", "Kai", "Lena", "Owen", "Ruby"]
    last = ["Thornbury", "Francis", "Oakes", "Pell", "Example", "Ahmed", "Kowalski", "Nwosu"]
    agencies = ["Northfield Primary School", "Solent NHS", "Brookvale Homes", "Hampshire Police", "Children's Services"]
    phrases = [
        "attendance has dropped since the autumn half term",
        "the flat is cold and damp and the boiler is broken",
        "Mum says mornings are hard with the baby",
        "missed two audiology appointments",
        "school reports she is tired and hungry",
        "Dad has started a course at the college",
        "rent arrears and a notice seeking possession",
        "the health visitor saw the family at home",
    ]
    meetings, subjects, attendees, entries, actions = [], [], [], [], []
    for i in range(n):
        mid = f"m-bulk-{i:05d}"
        day = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
        meetings.append(
            (
                mid,
                f"BULK-{i:05d}",
                f"Planning meeting {i}",
                "hampshire",
                "planning",
                "in_review",
                day,
                f"Agree a plan about {rng.choice(phrases)}",
            )
        )
        for p in range(2):
            subjects.append((mid, p + 1, f"{rng.choice(first)} {rng.choice(last)}", "child"))
        for p in range(4):
            attendees.append(
                (mid, f"att-{p + 1}", p + 1, f"{rng.choice(first)} {rng.choice(last)}", rng.choice(agencies), "present")
            )
        for p in range(6):
            entries.append(
                (
                    mid,
                    f"ent-{p + 1}",
                    p + 1,
                    rng.choice(["need", "risk", "strength"]),
                    f"{rng.choice(phrases)}; {rng.choice(phrases)}",
                )
            )
        for p in range(2):
            actions.append((mid, f"act-{p + 1}", p + 1, f"Visit at home about {rng.choice(phrases)}", "2026-12-04"))
    raw = sqlite3.connect(path)
    started = time.perf_counter()
    with raw:
        raw.executemany(
            "INSERT INTO meeting (id, case_ref, title, template, meeting_type, status, date, aim) VALUES (?, "
            "?, ?, ?, ?, ?, ?, ?)",
            meetings,
        )
        raw.executemany("INSERT INTO subject (meeting_id, position, name, kind) VALUES (?, ?, ?, ?)", subjects)
        raw.executemany(
            "INSERT INTO attendee (meeting_id, id, position, name, agency, attendance) VALUES (?, ?, ?, ?, ?, ?)",
            attendees,
        )
        raw.executemany("INSERT INTO entry (meeting_id, id, position, kind, text) VALUES (?, ?, ?, ?, ?)", entries)
        raw.executemany(
            "INSERT INTO action (meeting_id, id, position, description, due_date) VALUES (?, ?, ?, ?, ?)", actions
        )
    elapsed = time.perf_counter() - started
    raw.close()
    return elapsed


#: the tests on the 5,000-meeting database run on one pytest-xdist worker, so it is built once
ON_BIG_STORE = pytest.mark.xdist_group("big_store")


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    """5,000 meetings written in bulk into a database of the schema before search (0002), then opened:
    the upgrades to 0003 and 0004 build the index from all of them (the backfill at scale)."""
    from alembic import command
    from alembic.config import Config

    from mapm_tui.clock import FixedClock
    from mapm_tui.db import make_engine
    from mapm_tui.store import open_store
    from tests.conftest import NOW

    path = tmp_path_factory.mktemp("big") / "big.db"
    engine = make_engine(path)
    cfg = Config()
    cfg.set_main_option("script_location", "mapm_tui:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    engine.dispose()
    bulk = _bulk_meetings(path, N_MEETINGS)
    started = time.perf_counter()
    store = open_store(path, FixedClock(NOW))
    print(
        f"\nbulk insert of {N_MEETINGS} meetings: {bulk:.2f} s; upgrades with the index: "
        f"{time.perf_counter() - started:.2f} s"
    )
    yield store
    store.close()


@ON_BIG_STORE
def test_search_answers_from_the_fts_index_not_a_scan(big_store):
    plan = explain(big_store, "audiology appointments")
    fts = [line for line in plan if "VIRTUAL TABLE" in line and "search_index" in line]
    # both statements that read the index go through MATCH: FTS5 reports it as an idxStr with "M" (a full
    # scan of the FTS table would show "INDEX 0:" with no M); the snippets are read within a rowid range
    assert len(fts) == 2 and all(re.search(r"INDEX \d+:\S*M", line) for line in fts), plan
    assert re.search(r"INDEX \d+:M\d*><", fts[1]), plan
    # no table of meetings or of their rows is scanned: meetings are found by their keys
    assert not [
        line for line in plan if re.match(r"SCAN (meeting|m|sm|search_meeting|entry|attendee|action|subject)\b", line)
    ], plan
    assert any(re.match(r"SEARCH sm USING INTEGER PRIMARY KEY", line) for line in plan), plan
    assert any(re.match(r"SEARCH m USING INDEX sqlite_autoindex_meeting_1", line) for line in plan), plan


def _expected_newest(store, text: str, limit: int) -> list[tuple[str, int]]:
    """What search must answer, worked out the slow way: every matching place counted per meeting, the
    meetings sorted by date, newest first, and within a date the one added last first."""
    raw = keys.connect_raw(store.engine.url.database)
    rows = raw.execute(
        "SELECT m.id, count(*) FROM search_index AS s JOIN meeting AS m ON m.id = s.meeting_id "
        "WHERE search_index MATCH ? GROUP BY m.id ORDER BY m.date DESC, m.rowid DESC LIMIT ?",
        (fts_query(text), limit),
    ).fetchall()
    raw.close()
    return [(mid, n) for mid, n in rows]


@ON_BIG_STORE
@pytest.mark.parametrize(
    "text, limit", [("audiology", 50), ("college", 7), ("Brookvale", 50), ("a", 50), ("rent arrears", 3)]
)
def test_the_newest_meetings_and_all_their_matches_on_5000_meetings(big_store, text, limit):
    """Search reads matches newest first and stops once it has `limit` meetings: it must still give the
    same meetings, in the same order, with every one of their matching places counted."""
    hits = search(big_store, text, limit=limit)
    assert [(h.meeting_id, h.matches) for h in hits] == _expected_newest(big_store, text, limit)
    assert len(hits) == limit


@ON_BIG_STORE
def test_search_on_5000_meetings(big_store):
    assert len(big_store.list_meetings()) == N_MEETINGS
    raw = keys.connect_raw(big_store.engine.url.database)
    assert raw.execute("SELECT count(*) FROM search_index").fetchone()[0] == N_MEETINGS * (3 + 2 + 4 + 6 + 2)
    raw.close()
    hits = search(big_store, "BULK-01234")
    assert ids(hits) == ["m-bulk-01234"] and hits[0].label == "Case ref"
    # how fast is measured by bench/, never asserted here: a loaded machine is not a slow search
    for text in ("audiology", "notice seeking possession", "Thornbury", "college", "Brookvale", "zzzz", "a"):
        assert len(search(big_store, text)) <= 50
    # an edit in the big database is found at once
    big_store.add_item("m-bulk-04999", "entries", {"kind": "note", "text": "Quokka sighting"})
    assert ids(search(big_store, "quokka")) == ["m-bulk-04999"]
