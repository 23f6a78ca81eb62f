"""The benchmark generator is deterministic and makes valid meetings (no timings are asserted here)."""

from __future__ import annotations

import importlib.util
import os
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


# -- the benchmark machinery runs end to end at toy sizes (what it measures is never asserted) --------
def run_bench(*args, env_extra=None, timeout=240):
    import json
    import os
    import subprocess

    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=str(BENCH.parent),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_cache_name_follows_the_schema_head(generate, monkeypatch, tmp_path):
    """A new migration (a new HEAD) must give a new cached database, never a stale one."""
    from mapm_tui import migrations

    monkeypatch.setenv("MAPM_BENCH_CACHE", str(tmp_path))
    name = generate.db_name(5, 50)
    assert f"-s{migrations.HEAD}-" in name
    first = generate.ensure_db(5, 50, quiet=True)
    assert generate.ensure_db(5, 50, quiet=True) == first  # cached
    monkeypatch.setattr(migrations, "HEAD", migrations.HEAD + "x")
    assert generate.db_name(5, 50) != name


def test_generated_database_is_searchable_at_head(generate, tmp_path):
    import sqlite3

    from mapm_tui import migrations
    from mapm_tui.search import search
    from mapm_tui.store import open_store

    path = generate.build_db(tmp_path / "s.db", 8, 80, seed=4)
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrations.HEAD
    con.close()
    meeting = next(iter(generate.meetings(8, 80, seed=4)))
    store = open_store(path)
    try:
        assert [h.meeting_id for h in search(store, meeting["case_ref"])] == [meeting["id"]]
    finally:
        store.close()


def test_workers_run(generate, tmp_path):
    export = run_bench("bench/workers.py", "export", "--rounds", "1")
    assert len(export["app_ms"]) == len(export["plain_ms"]) == 1 and export["paragraphs"] > 300
    db = generate.build_db(tmp_path / "w.db", 20, 400, seed=2)
    found = run_bench("bench/workers.py", "search", "--db", str(db), "--repeats", "1")
    assert found["meetings"] == 20 and found["entries"] == 400
    assert set(found["per_query"]) == set(found["queries"]) and found["hits"][found["queries"][-2]] == 1  # the case ref
    for mode in ("app", "bare", "kept_widgets"):
        step = run_bench("bench/workers.py", "step", mode, "--switches", "2")
        assert step["mode"] == mode and step["median_ms"] > 0
    assert step["mode"] == "kept_widgets"
    typed = run_bench("bench/workers.py", "typing", "save", "--keys", "5", "--warmup", "1")
    assert typed["save_lag_ms"] is not None  # the typed text reached the database


@pytest.mark.skipif(os.name != "posix", reason="bench/ptyrun.py needs a POSIX pseudo-terminal (not on Windows)")
def test_pty_runner_sees_the_marker():
    sys.path.insert(0, str(BENCH))
    import ptyrun

    r = ptyrun.run_until(
        [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(30)"], [b"ready"], timeout=20
    )
    assert r["missing"] == [] and r["times"]["ready"] > 0 and r["peak_rss_kb"] > 0


def test_run_prints_the_ratios_line(tmp_path):
    out = run_bench("bench/run.py", "--only", "export", env_extra={"MAPM_BENCH_CACHE": str(tmp_path)})
    assert list(out) == [
        "first_frame",
        "home_listed",
        "typing",
        "step_change",
        "export",
        "search",
        "search_vs_like",
        "memory",
    ]
    assert out["export"] > 0 and all(v is None for k, v in out.items() if k != "export")
    assert list(tmp_path.glob("results-*.json"))
