"""One benchmark trial in a fresh process: `python bench/workers.py KIND MODE [options]`.

`run.py` starts these one at a time, alternating the app and its baseline (A, B, A, B …), and reads
the JSON object each prints as its last line. Every trial builds its own database in a temporary
folder, so no trial sees another's writes.

    typing  save|nosave   500 keys through Pilot into the quick-capture field (#capture) of an entries
                          step; CPU time per key (time.process_time: every thread of the process), and
                          for `save` the lag from the last key to the committed draft row
    step    app|body_kept|body_rebuilt|bare
                          app.goto_step between two entries steps of the big meeting (each step's body
                          built on its first showing, then kept); a bare one-screen app showing a body of
                          the same widgets the same way (body_kept), or rebuilding the body each time
                          (body_rebuilt); switch_screen between two empty screens (bare); time to the
                          frame painted after the change
    search  --db DB       search.search against a bare FTS5 query and a LIKE scan, on a generated database
    export  -             the Word minutes of the big meeting against python-docx writing the same text
                          as plain paragraphs, alternated in one process
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py)

SIZE = (120, 40)
#: what the chair types: lower-case words and spaces (no "@", no "x:" prefix, so no lookups are triggered)
PHRASE = "mother says the school run is harder since the move and she would like help with mornings "


class _Profile:
    """`MAPM_BENCH_PROFILE=out.html` profiles the measured part of a trial with pyinstrument (if installed)."""

    def __init__(self) -> None:
        self.path = os.environ.get("MAPM_BENCH_PROFILE")
        self.profiler = None

    def __enter__(self):
        if self.path:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.001, async_mode="disabled")
            self.profiler.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.profiler is not None:
            self.profiler.stop()
            Path(self.path).write_text(self.profiler.output_html(), encoding="utf-8")
            Path(self.path).with_suffix(".txt").write_text(
                self.profiler.output_text(unicode=True, show_all=True, short_mode=False), encoding="utf-8"
            )


def typed_text(n: int) -> str:
    return (PHRASE * (n // len(PHRASE) + 1))[:n]


def key_name(ch: str) -> str:
    return "space" if ch == " " else ch


def encrypted() -> bool:
    return os.environ.get("MAPM_BENCH_ENCRYPTED") == "1"


def database_key(path: Path):
    """The key of a worker's database (derived once, as the app does at unlock), or None when plain."""
    if not encrypted():
        return None
    from mapm_tui.crypto import key_for_file

    return key_for_file(Path(path), generate.BENCH_PASSPHRASE)


def raw_connect(path: Path, key, uri: bool = False):
    """A DB-API connection with the app's driver: sqlite3 for a plain file, SQLCipher with `key`."""
    if key is None:
        return sqlite3.connect(str(path), uri=uri)
    from mapm_tui.crypto import connect

    return connect(str(path), key, uri=uri)


def big_store(folder: Path, **sizes):
    """A new database in `folder` holding only the big meeting (40 attendees, 300 entries, 80 actions)."""
    from mapm_tui.agenda import shipped_templates
    from mapm_tui.clock import Clock
    from mapm_tui.store import open_store

    meeting = generate.big_meeting(**sizes)
    store = open_store(folder / "big.db", Clock(), key=database_key(folder / "big.db"))
    store.insert_meeting(meeting, shipped_templates()[meeting["template"]])
    return store, meeting


# -- typing -----------------------------------------------------------------------------------------
async def _typing(mode: str, keys: int, warmup: int, step_key: str) -> dict:
    from mapm_tui.app import MapmApp
    from mapm_tui.clock import Clock

    folder = Path(tempfile.mkdtemp(prefix="mapm-bench-typing-"))
    store, meeting = big_store(folder)
    db_file = folder / "big.db"
    # saving off: the same app, with a debounce and a ceiling so long that nothing is written while we
    # measure; saving on: the app's own (a save on a pause, and at most 0.4 s after the first unsaved key)
    if mode == "save":
        app = MapmApp(db=None, store=store, clock=Clock())
    else:
        app = MapmApp(db=None, store=store, clock=Clock(), save_delay=1e9, save_max_latency=1e9)
    result: dict = {"kind": "typing", "mode": mode, "keys": keys}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(meeting["id"], step_key)
        await pilot.pause()
        focused = app.focused
        if getattr(focused, "id", None) != "capture":
            raise SystemExit(f"the capture field is not focused (focus: {focused!r})")
        for ch in typed_text(warmup):
            await pilot.press(key_name(ch))
        await pilot.pause(0.8)  # let a pending save go out before we measure
        text = typed_text(warmup + keys)[warmup:]
        saves = [0]
        autosaver = app.live.autosaver
        counted = autosaver.on_saved

        def count(n: int) -> None:
            saves[0] += n
            if counted:
                counted(n)

        autosaver.on_saved = count
        # CPU spent writing saves, in this process: what saving costs per key, less exposed than the
        # ratio to other processes on a loaded machine (they slow both modes, but not evenly)
        save_cpu = [0.0]
        run = autosaver._run

        def timed_run(keys, queue=False):
            started = time.process_time()
            try:
                return run(keys, queue=queue)
            finally:
                if keys or queue:
                    save_cpu[0] += time.process_time() - started

        autosaver._run = timed_run
        with _Profile():
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for ch in text[:-1]:
                await pilot.press(key_name(ch))
            last_key = time.perf_counter()  # the last key is sent from here
            await pilot.press(key_name(text[-1]))
            cpu1, wall1 = time.process_time(), time.perf_counter()
        result["cpu_per_key_ms"] = (cpu1 - cpu0) / keys * 1000
        result["wall_per_key_ms"] = (wall1 - wall0) / keys * 1000
        #: saves written while the keys were typed (steady typing, no pause: the ceiling's doing)
        result["saves_while_typing"] = saves[0]
        result["save_cpu_per_key_ms"] = save_cpu[0] / keys * 1000
        expected = typed_text(warmup) + text
        if app.focused is None or getattr(app.focused, "value", None) != expected:
            raise SystemExit("the field does not hold what was typed")
        if mode == "save":
            # lag from the last key to the row on disk, seen through another connection
            con = raw_connect(f"file:{db_file}?mode=ro", database_key(db_file), uri=True)
            key = f"capture:{step_key}"
            lag = None
            while time.perf_counter() - wall1 < 10:
                row = con.execute(
                    "SELECT text FROM draft WHERE meeting_id = ? AND key = ?", (meeting["id"], key)
                ).fetchone()
                if row and row[0] == expected:
                    lag = time.perf_counter() - last_key
                    break
                await asyncio.sleep(0.002)
            con.close()
            result["save_lag_ms"] = None if lag is None else lag * 1000
            result["save_delay_s"] = app.save_delay
            result["save_max_latency_s"] = app.live.autosaver.max_latency
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return result


# -- step change -----------------------------------------------------------------------------------
class _Paints:
    """Records when each screen is composited (App._display is called for every frame, headless too)."""

    def __init__(self) -> None:
        from textual.app import App

        #: the latest frame painted of each screen
        self.last: dict[int, float] = {}
        original = App._display

        def display(app, screen, renderable):
            if renderable is not None:
                self.last[id(screen)] = time.perf_counter()
            return original(app, screen, renderable)

        App._display = display

    async def wait_for(self, pilot, screen, since: float, timeout: float = 10.0) -> float:
        """When `screen` was first painted after `since`."""
        end = time.perf_counter() + timeout
        while self.last.get(id(screen), 0.0) <= since:
            if time.perf_counter() > end:
                raise SystemExit("the new screen was never painted")
            await asyncio.sleep(0)
        return self.last[id(screen)]


async def _step_app(switches: int, keys: tuple[str, str]) -> dict:
    from mapm_tui.app import MapmApp
    from mapm_tui.clock import Clock

    paints = _Paints()
    folder = Path(tempfile.mkdtemp(prefix="mapm-bench-step-"))
    store, meeting = big_store(folder)
    app = MapmApp(db=None, store=store, clock=Clock())
    walls, cpus = [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(meeting["id"], keys[0])
        await pilot.pause()
        profile = _Profile()
        for n in range(switches + 2):
            key = keys[(n + 1) % 2]
            await pilot.pause()
            if n == 2:
                profile.__enter__()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            app.goto_step(key)
            screen = app.screen  # switch_screen makes the new screen current at once
            painted = await paints.wait_for(pilot, screen, wall0)
            cpu1 = time.process_time()
            if getattr(screen, "step", None) is None or screen.step.key != key:
                raise SystemExit(f"goto_step({key!r}) did not show that step")
            if n >= 2:  # the first two load the step screens' modules
                walls.append(painted - wall0)
                cpus.append(cpu1 - cpu0)
        profile.__exit__()
        rows = app.screen.query_one("#entries").row_count
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "kind": "step",
        "mode": "app",
        "switches": switches,
        "median_ms": statistics.median(walls) * 1000,
        "cpu_median_ms": statistics.median(cpus) * 1000,
        "rows_shown": rows,
    }


def _one_screen_factory(kept: bool):
    """The bare one-screen app's screen (header, agenda, footer, and a body per step shown in it)."""
    from bare_screens import OneScreen

    meeting = generate.big_meeting()
    steps = [f"{'✓' if i < 4 else ' '} {i + 1:>2}. Step {i + 1}" for i in range(15)]
    by_step: dict[str, list[tuple[str, ...]]] = {}
    for e in meeting["entries"]:
        text = e["text"] if len(e["text"]) <= 70 else e["text"][:69] + "…"
        by_step.setdefault(e["step"], []).append(
            (
                e["kind"].capitalize(),
                text,
                e.get("source_agency", ""),
                e.get("basis") or "—",
                "shared" if e.get("share_with_family") else "—",
            )
        )
    return OneScreen(steps, [by_step["known_before"], by_step["identified_during"]], kept=kept)


async def _step_one_screen(switches: int, mode: str) -> dict:
    """mode: body_kept (each body built on its first showing, then hidden and shown again, as the app's
    meeting screen does) or body_rebuilt (a new body mounted for each switch, the old one removed)."""
    sys.path.insert(0, str(HERE / "baselines"))
    from bare_screens import BareScreensApp

    paints = _Paints()
    app = BareScreensApp()
    walls, cpus = [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = _one_screen_factory(kept=mode == "body_kept")
        app.switch_screen(screen)
        await pilot.pause()
        for n in range(switches + 2):
            await pilot.pause()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            screen.show(n)
            body = screen.shown
            painted = await paints.wait_for(pilot, screen, wall0)
            while not (body.is_mounted and body.query("DataTable") and screen.focused is not None):
                painted = await paints.wait_for(pilot, screen, painted)  # rebuilt: until the body is drawn
            cpu1 = time.process_time()
            if n >= 2:
                walls.append(painted - wall0)
                cpus.append(cpu1 - cpu0)
    return {
        "kind": "step",
        "mode": mode,
        "switches": switches,
        "median_ms": statistics.median(walls) * 1000,
        "cpu_median_ms": statistics.median(cpus) * 1000,
    }


async def _step_bare(switches: int, mode: str) -> dict:
    """mode: bare (switch_screen between two empty screens: Textual's floor)."""
    sys.path.insert(0, str(HERE / "baselines"))
    from bare_screens import BareScreensApp, EmptyScreen

    paints = _Paints()
    app = BareScreensApp()
    walls, cpus = [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(switches + 2):
            await pilot.pause()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            app.switch_screen(EmptyScreen(name=f"s{n % 2}"))
            screen = app.screen
            painted = await paints.wait_for(pilot, screen, wall0)
            cpu1 = time.process_time()
            if n >= 2:
                walls.append(painted - wall0)
                cpus.append(cpu1 - cpu0)
    return {
        "kind": "step",
        "mode": mode,
        "switches": switches,
        "median_ms": statistics.median(walls) * 1000,
        "cpu_median_ms": statistics.median(cpus) * 1000,
    }


# -- export ----------------------------------------------------------------------------------------
def _export(rounds: int) -> dict:
    sys.path.insert(0, str(HERE / "baselines"))
    from plain_docx import docx_text, write_plain

    from mapm_tui.agenda import shipped_templates
    from mapm_tui.minutes import export_minutes

    folder = Path(tempfile.mkdtemp(prefix="mapm-bench-export-"))
    meeting = generate.big_meeting(status="in_review")
    template = shipped_templates()[meeting["template"]]
    first = export_minutes(meeting, template, folder / "warm.docx")
    paragraphs = docx_text(first)
    write_plain(paragraphs, folder / "warm-plain.docx")
    app_times, plain_times = [], []
    if os.environ.get("MAPM_BENCH_PROFILE"):
        with _Profile():
            for n in range(rounds):
                export_minutes(meeting, template, folder / f"profile-{n}.docx")
    for n in range(rounds):
        t0 = time.perf_counter()
        export_minutes(meeting, template, folder / f"app-{n}.docx")
        t1 = time.perf_counter()
        write_plain(paragraphs, folder / f"plain-{n}.docx")
        t2 = time.perf_counter()
        app_times.append(t1 - t0)
        plain_times.append(t2 - t1)
    out = {
        "kind": "export",
        "rounds": rounds,
        "app_ms": [t * 1000 for t in app_times],
        "plain_ms": [t * 1000 for t in plain_times],
        "paragraphs": len(paragraphs),
        "characters": sum(len(p) for p in paragraphs),
        "app_bytes": (folder / "app-0.docx").stat().st_size,
        "plain_bytes": (folder / "plain-0.docx").stat().st_size,
    }
    shutil.rmtree(folder, ignore_errors=True)
    return out


def _export_stored(rounds: int) -> dict:
    """The Word minutes of the big meeting read from the store each time (load + write): the part of an
    export that the database's driver touches. Run plain and encrypted (MAPM_BENCH_ENCRYPTED) to compare."""
    from mapm_tui.minutes import export_minutes

    folder = Path(tempfile.mkdtemp(prefix="mapm-bench-export-db-"))
    store, meeting = big_store(folder, status="in_review")
    template = store.template_of(meeting["id"])
    export_minutes(store.load_meeting(meeting["id"]), template, folder / "warm.docx")
    times = []
    for n in range(rounds):
        t0 = time.perf_counter()
        export_minutes(store.load_meeting(meeting["id"]), template, folder / f"app-{n}.docx")
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"kind": "export_stored", "encrypted": encrypted(), "rounds": rounds, "app_ms": times}


# -- search ----------------------------------------------------------------------------------------
#: what a minute-taker types: a common word, a rarer one, two words, a prefix, a name-like word
SEARCHES = ("housing", "speech language", "attendance", "repairs winter", "refer")


def _search(db: str, repeats: int) -> dict:
    """`search.search` against a bare FTS5 query on the same file, and against a LIKE scan.

    The bare query asks the same index for the same words and the 50 best matching places (bm25), with
    none of our code (no grouping by meeting, no snippets); a second bare query, reported beside it, asks
    only for the rowids of the 50 newest places (the cheapest question the index answers). The LIKE scan is
    what search would cost without the index: every entry, action and attendee read and compared."""
    from mapm_tui.search import fts_query, search
    from mapm_tui.store import open_store

    key = database_key(Path(db))
    store = open_store(db, key=key)
    con = raw_connect(db, key)
    # and what a minute-taker looks up most: a case reference and a person's surname (few matches each)
    case_ref = con.execute("SELECT case_ref FROM meeting WHERE case_ref IS NOT NULL ORDER BY id LIMIT 1").fetchone()[0]
    surname = con.execute("SELECT name FROM attendee ORDER BY meeting_id, position LIMIT 1").fetchone()[0].split()[-1]
    queries = (*SEARCHES, case_ref, surname)
    app_ms, fts_ms, newest_ms, like_ms, hits, per_query = [], [], [], [], {}, {}
    for text in queries:
        mine_app, mine_like = len(app_ms), len(like_ms)
        match = fts_query(text)
        like = f"%{text.split()[0]}%"
        search(store, text)  # warm the page cache for both
        con.execute(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT 50", (match,)
        ).fetchall()
        for _ in range(repeats):
            t0 = time.perf_counter()
            found = search(store, text)
            t1 = time.perf_counter()
            con.execute(
                "SELECT rowid, meeting_id FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT 50", (match,)
            ).fetchall()
            t2 = time.perf_counter()
            # the cheapest question FTS5 can answer about these words: the newest 50 places, rowids only
            con.execute(
                "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT 50", (match,)
            ).fetchall()
            t3 = time.perf_counter()
            app_ms.append((t1 - t0) * 1000)
            fts_ms.append((t2 - t1) * 1000)
            newest_ms.append((t3 - t2) * 1000)
        hits[text] = len(found)
        for _ in range(max(1, repeats // 3)):
            t0 = time.perf_counter()
            con.execute(
                # the same job as search: the newest 50 meetings where the words appear anywhere searched
                "SELECT m.id FROM meeting m WHERE m.id IN (SELECT meeting_id FROM entry WHERE text LIKE ?1 "
                "UNION SELECT meeting_id FROM action WHERE description LIKE ?1 OR success_measure LIKE ?1 "
                "UNION SELECT meeting_id FROM attendee WHERE name LIKE ?1 OR agency LIKE ?1) "
                "OR m.aim LIKE ?1 OR m.case_ref LIKE ?1 ORDER BY m.date DESC LIMIT 50",
                (like,),
            ).fetchall()
            like_ms.append((time.perf_counter() - t0) * 1000)
        q_search, q_like = statistics.median(app_ms[mine_app:]), statistics.median(like_ms[mine_like:])
        per_query[text] = {
            "search_ms": round(q_search, 2),
            "like_ms": round(q_like, 1),
            "speedup": round(q_like / q_search, 1),
        }
    meetings = con.execute("SELECT count(*) FROM meeting").fetchone()[0]
    entries = con.execute("SELECT count(*) FROM entry").fetchone()[0]
    store.close()
    con.close()
    search_ms, bare_ms, newest, scan_ms = (statistics.median(x) for x in (app_ms, fts_ms, newest_ms, like_ms))
    return {
        "kind": "search",
        "meetings": meetings,
        "entries": entries,
        "queries": list(queries),
        "per_query": per_query,
        "hits": hits,
        "search_ms": search_ms,
        "fts_ms": bare_ms,
        "fts_newest_ms": newest,
        "search_vs_fts_newest": search_ms / newest,
        "like_ms": scan_ms,
        "search_ratio": search_ms / bare_ms,
        "like_speedup": scan_ms / search_ms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("typing", "step", "export", "export_stored", "search"))
    parser.add_argument("mode", nargs="?", default="-")
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--db")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.kind == "typing":
        out = asyncio.run(_typing(args.mode, args.keys, args.warmup, "known_before"))
    elif args.kind == "step" and args.mode == "app":
        out = asyncio.run(_step_app(args.switches, ("known_before", "identified_during")))
    elif args.kind == "step" and args.mode.startswith("body_"):
        out = asyncio.run(_step_one_screen(args.switches, args.mode))
    elif args.kind == "step":
        out = asyncio.run(_step_bare(args.switches, args.mode))
    elif args.kind == "search":
        out = _search(args.db, args.repeats)
    elif args.kind == "export_stored":
        out = _export_stored(args.rounds)
    else:
        out = _export(args.rounds)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
