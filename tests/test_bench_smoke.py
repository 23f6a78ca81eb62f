"""The benchmark generator is deterministic and makes valid meetings (no timings are asserted here)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("mapm_bench_generate", BENCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_meetings(generate):
    assert generate.fingerprint(20, 600, seed=7) == generate.fingerprint(20, 600, seed=7)
    assert generate.fingerprint(20, 600, seed=7) != generate.fingerprint(20, 600, seed=8)
    assert generate.big_meeting() == generate.big_meeting()


def test_sizes_are_exact(generate):
    counts = generate.entry_counts(37, 1000, random.Random(1))
    assert len(counts) == 37 and sum(counts) == 1000 and min(counts) >= 0
    meetings = list(generate.meetings(10, 250, seed=3))
    assert len(meetings) == 10 and sum(len(m["entries"]) for m in meetings) == 250
    big = generate.big_meeting()
    assert (len(big["attendees"]), len(big["entries"]), len(big["actions"])) == (40, 300, 80)


def test_generated_meetings_are_valid_bundles(generate, templates):
    from mapm_tui.bundle import problems

    for meeting in [*generate.meetings(15, 300, seed=5), generate.big_meeting()]:
        assert problems({"format": "mapm-meeting", "version": 1, "meeting": meeting}, templates) == []


def test_database_holds_exactly_the_generated_meetings(generate, tmp_path):
    from mapm_tui.store import open_store

    path = generate.build_db(tmp_path / "bench.db", 6, 120, seed=11)
    store = open_store(path)
    try:
        assert len(store.list_meetings()) == 6
        for meeting in generate.meetings(6, 120, seed=11):
            assert store.load_meeting(meeting["id"]) == meeting
    finally:
        store.close()
