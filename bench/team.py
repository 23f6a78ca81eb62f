"""Team mode's benchmark (issue 13): the same generated meetings on PostgreSQL beside SQLite.

For each database, in the same run: search (`mapm_tui.search.search`, the newest 50 meetings with snippets)
as median and 95th percentile against a bare index query on the same rows (PostgreSQL: `tsvector @@
tsquery`, the 50 best places by ts_rank, and the 50 newest places' rowids alone; SQLite: FTS5's bm25 top 50
and newest 50, as bench/run.py), and against a scan doing search's job without the index (ILIKE on
PostgreSQL, LIKE on SQLite); the meeting list (the home screen's newest 500 and the count); the export of a
meeting as a bundle; the import of a bundle. Goals (issue 13): search <= 2x the bare ranked query, and
>= 50x faster than the scan.

    python bench/team.py --quick                    # 1,000 meetings, 100,000 entries
    python bench/team.py                            # 10,000 meetings, 1,000,000 entries (slow to generate)
    python bench/team.py --meetings 3000 --entries 300000

The PostgreSQL server is $MAPM_TEST_PG_URL (a superuser URL; tests/pg_server.py starts one), else one this
script starts and removes. The generated PostgreSQL database is kept on that server (`mapm_bench_…`) so a
second run does not generate it again. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import generate  # noqa: E402
from workers import SEARCHES  # noqa: E402


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000


# -- the databases -------------------------------------------------------------------------------------
def pg_database(server_url: str, count: int, entries: int) -> tuple[str, float | None]:
    """The generated database on the server (made once): its URL, and the seconds generating it took."""
    from mapm_tui.clock import FixedClock
    from mapm_tui.store import open_store
    from tests import pg

    name = f"mapm_bench_g{generate.GEN_VERSION}_s{generate._schema_head()}_m{count}_e{entries}"
    url = pg.with_database(server_url, name)
    with pg.admin(server_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        done = (
            exists
            and conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()[0]
        )
        if exists and done == "complete":
            return url, None
        if exists:
            conn.execute(f'DROP DATABASE "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"generating {name} on the server (once) …")
    started = time.perf_counter()
    store = open_store(url, FixedClock(generate.dt.datetime(2026, 11, 24, 10, 0, tzinfo=generate.dt.UTC)))
    try:
        generate.write_meetings(store, generate.meetings(count, entries))
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        store.close()
    seconds = time.perf_counter() - started
    with pg.admin(server_url) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS 'complete'")
    say(f"  done in {seconds:.0f} s")
    return url, seconds


# -- the measures --------------------------------------------------------------------------------------
SCAN_SQL = (
    "SELECT m.id FROM meeting m WHERE m.id IN (SELECT meeting_id FROM entry WHERE text {like} :p "
    "UNION SELECT meeting_id FROM action WHERE description {like} :p OR success_measure {like} :p "
    "UNION SELECT meeting_id FROM attendee WHERE name {like} :p OR agency {like} :p) "
    "OR m.aim {like} :p OR m.case_ref {like} :p ORDER BY m.date DESC LIMIT 50"
)


def bare_queries(store, text: str):
    """The bare index queries for `text` on this store: (ranked top 50, newest 50 rowids), as callables."""
    from sqlalchemy import text as sql

    from mapm_tui.search import _server_query, fts_query

    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            made = _server_query(conn.connection.cursor(), text)
            conn.rollback()
        query = made[0] if made else None
        ranked = sql(
            "SELECT rowid FROM search_index WHERE words @@ to_tsquery('simple', :q) "
            "ORDER BY ts_rank(words, to_tsquery('simple', :q)) DESC LIMIT 50"
        )
        newest = sql(
            "SELECT rowid FROM search_index WHERE words @@ to_tsquery('simple', :q) ORDER BY rowid DESC LIMIT 50"
        )
    else:
        query = fts_query(text)
        ranked = sql("SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rank LIMIT 50")
        newest = sql("SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT 50")

    def run(statement):
        def go():
            with store.engine.connect() as conn:
                conn.execute(statement, {"q": query}).fetchall()
                conn.rollback()

        return go

    return run(ranked), run(newest)


def scan(store, text: str):
    from sqlalchemy import text as sql

    like = "ILIKE" if store.engine.dialect.name == "postgresql" else "LIKE"  # SQLite's LIKE ignores ASCII case
    statement = sql(SCAN_SQL.format(like=like))
    pattern = f"%{text.split()[0]}%"

    def go():
        with store.engine.connect() as conn:
            conn.execute(statement, {"p": pattern}).fetchall()
            conn.rollback()

    return go


def measure(store, repeats: int, rounds: int, rng: random.Random) -> dict:
    from mapm_tui.bundle import export_bundle, import_bundle
    from mapm_tui.search import search

    with store.engine.connect() as conn:
        case_ref = conn.exec_driver_sql(
            "SELECT case_ref FROM meeting WHERE case_ref IS NOT NULL ORDER BY id LIMIT 1"
        ).scalar()
        surname = conn.exec_driver_sql("SELECT name FROM attendee ORDER BY meeting_id, position LIMIT 1").scalar()
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM meeting ORDER BY id")]
        conn.rollback()
    queries = (*SEARCHES, case_ref, surname.split()[-1])
    out: dict = {"meetings": len(ids), "per_query": {}}
    app, ranked_all, newest_all, scans = [], [], [], []
    for text in queries:
        ranked, newest = bare_queries(store, text)
        search(store, text), ranked(), newest()  # warm the caches for each
        mine, theirs, cheapest = [], [], []
        for _ in range(repeats):
            mine.append(timed(search, store, text))
            theirs.append(timed(ranked))
            cheapest.append(timed(newest))
        scanned = [timed(scan(store, text)) for _ in range(max(1, repeats // 5))]
        app += mine
        ranked_all += theirs
        newest_all += cheapest
        scans += scanned
        out["per_query"][text] = {
            "search_ms": round(statistics.median(mine), 2),
            "search_p95_ms": round(p95(mine), 2),
            "bare_ranked_ms": round(statistics.median(theirs), 2),
            "bare_newest_ms": round(statistics.median(cheapest), 2),
            "scan_ms": round(statistics.median(scanned), 1),
        }
    out["search_ms"] = statistics.median(app)
    out["search_p95_ms"] = p95(app)
    out["bare_ranked_ms"] = statistics.median(ranked_all)
    out["bare_newest_ms"] = statistics.median(newest_all)
    out["scan_ms"] = statistics.median(scans)
    out["search_vs_bare"] = out["search_ms"] / out["bare_ranked_ms"]
    out["search_p95_vs_bare"] = out["search_p95_ms"] / out["bare_ranked_ms"]
    out["scan_vs_search"] = out["scan_ms"] / out["search_ms"]
    # the meeting list: the home screen's newest 500 and the count
    listed = [timed(lambda: (store.list_meetings(limit=500), store.count_meetings())) for _ in range(rounds)]
    out["listed_ms"] = statistics.median(listed)
    # export and import of a bundle (imported under new ids, then deleted again)
    chosen = rng.sample(ids, min(rounds, len(ids)))
    bundles, exported = [], []
    for meeting_id in chosen:
        t0 = time.perf_counter()
        bundle = export_bundle(store, meeting_id)
        json.dumps(bundle, ensure_ascii=False)
        exported.append((time.perf_counter() - t0) * 1000)
        bundles.append(bundle)
    out["export_ms"] = statistics.median(exported)
    from mapm_tui.agenda import shipped_templates

    templates = shipped_templates()
    from sqlalchemy import text as sql

    def forget_imports() -> None:
        with store.engine.begin() as conn:
            conn.execute(sql("DELETE FROM meeting WHERE id LIKE :p"), {"p": "m-bench-import-%"})

    forget_imports()  # a run stopped part-way left some
    imported = []
    try:
        for n, bundle in enumerate(bundles):
            bundle["meeting"]["id"] = f"m-bench-import-{n}"
            bundle["meeting"]["status"] = "in_review"  # deletable again afterwards (a final one is locked)
            bundle["meeting"].pop("finalised_at", None)
            imported.append(timed(import_bundle, store, bundle, templates))
    finally:
        forget_imports()
    out["import_ms"] = statistics.median(imported)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="1,000 meetings, 100,000 entries")
    parser.add_argument("--repeats", type=int, default=15, help="searches per query and database")
    parser.add_argument("--rounds", type=int, default=15, help="lists, exports and imports per database")
    args = parser.parse_args(argv)
    if args.quick:
        args.meetings, args.entries = 1000, 100_000
    from mapm_tui.store import open_store
    from tests import pg, pg_server

    started_here = None
    server = os.environ.get(pg.URL_ENV)
    if not server:
        import tempfile

        started_here = Path(tempfile.mkdtemp(prefix="mapm-bench-pg-"))
        server = pg_server.start(started_here)
    try:
        sqlite_file = generate.ensure_db(args.meetings, args.entries)
        pg_url, generated = pg_database(server, args.meetings, args.entries)
        rng = random.Random(20261124)
        results = {"meetings": args.meetings, "entries": args.entries, "pg_generated_s": generated}
        for name, target in (("sqlite", sqlite_file), ("postgresql", pg_url)):
            say(f"measuring {name} …")
            store = open_store(target)
            try:
                results[name] = measure(store, args.repeats, args.rounds, rng)
            finally:
                store.close()
    finally:
        if started_here is not None:
            pg_server.stop(started_here)
    for name in ("sqlite", "postgresql"):
        r = results[name]
        say(
            f"{name:>10}: search {r['search_ms']:.1f} ms (p95 {r['search_p95_ms']:.1f}) vs bare ranked "
            f"{r['bare_ranked_ms']:.1f} ms = {r['search_vs_bare']:.2f}x (p95 {r['search_p95_vs_bare']:.2f}x; bare "
            f"newest {r['bare_newest_ms']:.2f} ms); scan {r['scan_ms']:.0f} ms = {r['scan_vs_search']:.0f}x search; "
            f"listed {r['listed_ms']:.1f} ms; export {r['export_ms']:.1f} ms; import {r['import_ms']:.1f} ms"
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
