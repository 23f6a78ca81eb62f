"""The PostgreSQL search reads the newest meetings window by window (search.SERVER_WALKS, SERVER_WINDOWS),
or every match at once when a word is rare (SERVER_RARE); whichever way it reads, it finds what SQLite's
FTS5 finds. The test data is small, so the windows are made small here (one, two and three meetings) to
put each meeting's places in a different window, and each way is forced in turn."""

from __future__ import annotations

import pytest

from mapm_tui import search as search_module
from mapm_tui.search import explain, search
from mapm_tui.store import open_store
from tests import keys
from tests.test_search_parity import QUERIES, fill, marked, summary


@pytest.fixture
def both(tmp_path, pg_url, templates, clock):
    sqlite = keys.open_test_store(tmp_path / "same.db", clock)
    server = open_store(pg_url, clock)
    for store in (sqlite, server):
        fill(store, templates)
    yield sqlite, server
    sqlite.close()
    server.close()


@pytest.fixture(params=["walked windows", "planned windows", "rare: all at once"])
def way(request, monkeypatch):
    """Small windows, and the way each query is read forced: walked through the primary key, through the
    GIN index window by window, or every match at once."""
    monkeypatch.setattr(search_module, "SERVER_WALKS", (1, 2) if request.param == "walked windows" else ())
    monkeypatch.setattr(search_module, "SERVER_WINDOWS", (3,) if request.param != "walked windows" else (4,))
    monkeypatch.setattr(search_module, "SERVER_RARE", 10**9 if request.param.startswith("rare") else -1)
    return request.param


def test_each_way_of_reading_finds_what_sqlite_finds(both, way):
    sqlite, server = both
    found_any = 0
    for text in QUERIES:
        on_sqlite, on_server = search(sqlite, text), search(server, text)
        assert summary(on_server) == summary(on_sqlite), (way, text)
        for a, b in zip(on_sqlite, on_server, strict=True):
            assert marked(b) == marked(a), (way, text)
            assert (b.snippet, b.highlights) == (a.snippet, a.highlights), (way, text)
        found_any += bool(on_sqlite)
        for limit in (1, 2, 3):
            assert summary(search(server, text, limit)) == summary(search(sqlite, text, limit)), (way, text, limit)
    assert found_any >= 20


def test_words_folded_by_the_server_or_here_mark_the_same_snippets(both, monkeypatch):
    """ASCII words are folded here when the server's lower() agrees with Python's (not in a Turkish locale):
    with every word sent to the server instead, the snippets are the same as SQLite's too."""
    sqlite, server = both
    monkeypatch.setattr(search_module, "_lowers_ascii", _NeverLocal())
    for text in QUERIES:
        on_sqlite, on_server = search(sqlite, text), search(server, text)
        assert [(h.snippet, h.highlights) for h in on_server] == [(h.snippet, h.highlights) for h in on_sqlite], text


class _NeverLocal(dict):
    """A cache of `_server_lowers_ascii` that says the server's lower() disagrees, for every engine."""

    def get(self, _engine, default=None):
        return False


def test_common_words_walk_the_newest_rows_window_by_window_and_rare_ones_are_read_at_once(both, monkeypatch):
    _sqlite, server = both
    monkeypatch.setattr(search_module, "SERVER_WALKS", (1, 2))
    monkeypatch.setattr(search_module, "SERVER_WINDOWS", (3,))
    monkeypatch.setattr(search_module, "SERVER_RARE", -1)  # every word counts as common
    plan = explain(server, "boiler damp")
    tops = [line for line in plan if not line.startswith(" ")]  # each window's statement's top node
    assert len(tops) == 4, plan  # two walked windows, one window of 3 meetings, then every older meeting
    # the walked windows go through the primary key, newest first: no table scan, no bitmap of every match
    assert all(top.startswith("Index Scan Backward using search_index_pkey") for top in tops[:2]), plan
    monkeypatch.setattr(search_module, "SERVER_RARE", 10**9)  # every word counts as rare
    rare = explain(server, "boiler damp")
    assert len([line for line in rare if not line.startswith(" ")]) == 1, rare  # every match at once
