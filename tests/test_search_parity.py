"""The same search on SQLite (FTS5) and on a PostgreSQL server (tsvector + GIN) gives the same results on
the same data (issue 13): the same meetings in the same order (newest first), the same place shown for each,
the same count of places that match, and the same snippet with the same words marked (on the server the
snippet is made as FTS5's snippet() makes it: search.fts5_snippet)."""

from __future__ import annotations

import datetime as dt

import pytest

from mapm_tui.bundle import import_bundle
from mapm_tui.search import search
from mapm_tui.store import open_store
from tests import keys
from tests.samples import load_sample, sample_names

#: what the search tests type, and more: word starts, phrases, accents, operators as words, odd text
QUERIES = [
    "trampoline",
    "climbing",
    "Baker",
    "fuel",
    "boiler",
    "Brookvale",
    "C-1",
    "therm",
    "Thorn",
    "Thorn Mais",
    "Maisie Thornbury",
    "bury",
    "Thorn Maisie Brookvale",
    "zoe",
    "ZOË O SUILLEABHAIN",
    "Zoe\u0308",
    "Mum AND Dad",
    "mum and dad",
    '"Mum" and "Dad"',
    "Mum, and Dad!",
    "Mum OR Cat",
    "NOT damp",
    "C-2026-0042 o'brien",
    "o'brien",
    "Plan A",
    "school",
    "s",
    "sch",
    "housing officer",
    "speech language",
    "GP",
    "dad drinks",
    "damp " * 40,
    '"',
    "ΑΝΔ καὶ",
    "日本語",
    "2026",
    "nursery place",
]


def fill(store, templates) -> None:
    """The same meetings, made in the same order (so each date's meetings are numbered alike)."""
    for name in sample_names():
        import_bundle(store, load_sample(name), templates)
    days = [dt.date(2026, 3, 1), dt.date(2026, 5, 1), dt.date(2026, 4, 1), dt.date(2026, 4, 1)]
    for n, day in enumerate(days):
        mid = store.create_meeting(
            templates["hampshire"], day, case_ref=f"C-{n + 1}", aim="Plan for the boiler and the damp in the flat"
        )
        store.add_item(mid, "subjects", {"name": "Zoë Ó Súilleabháin", "kind": "child"})
        store.add_item(mid, "entries", {"kind": "risk", "text": "The boiler leaks; Mum and Dad say the damp is worse"})
        store.add_item(mid, "entries", {"kind": "need", "text": f"Needs a nursery place by C-2026-004{n} o'Brien"})
        store.add_item(
            mid,
            "attendees",
            {"name": "Priya Lal", "role": "Housing officer", "agency": "Brookvale Homes", "attendance": "present"},
        )
        store.set_fields(mid, {"chair.name": "Jo Baker"})


def marked(hit) -> list[str]:
    return sorted({hit.snippet[a:b].casefold() for a, b in hit.highlights})


def summary(hits) -> list[tuple]:
    """What a hit says (a made meeting's id is random in each store: its case ref stands for it)."""
    return [(h.case_ref, h.date, h.place, h.item, h.label, h.matches) for h in hits]


@pytest.fixture
def both(tmp_path, pg_url, templates, clock):
    sqlite = keys.open_test_store(tmp_path / "same.db", clock)
    server = open_store(pg_url, clock)
    for store in (sqlite, server):
        fill(store, templates)
    yield sqlite, server
    sqlite.close()
    server.close()


def test_the_same_search_finds_the_same_on_both(both):
    sqlite, server = both
    found_any = 0
    for text in QUERIES:
        on_sqlite, on_server = search(sqlite, text), search(server, text)
        assert summary(on_server) == summary(on_sqlite), text
        for a, b in zip(on_sqlite, on_server, strict=True):
            assert marked(b) == marked(a), (text, a.snippet, b.snippet)
            assert (b.snippet, b.highlights) == (a.snippet, a.highlights), text
        found_any += bool(on_sqlite)
    assert found_any >= 20  # most of the queries find something: the comparison is not of empty lists


def test_the_limit_cuts_both_at_the_same_meetings(both):
    sqlite, server = both
    for limit in (1, 2, 3):
        assert summary(search(server, "boiler", limit)) == summary(search(sqlite, "boiler", limit))
