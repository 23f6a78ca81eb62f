"""Benchmarks: the app against bare baselines, in the same run, interleaved (A, B, A, B …).

    python bench/run.py            # full sizes (search on 10,000 meetings / 1,000,000 entries)
    python bench/run.py --quick    # under 10 minutes on a 2-core machine (search on 1,000 / 100,000)
    python bench/run.py --only first_frame,export

Prints a table of medians and ratios, then, as its last line, one JSON object whose keys are the
ratios: first_frame, home_listed, typing, step_change, export, search, search_vs_like, memory (a ratio
is null when its benchmark could not run; the table says why). Ratios are app / baseline, except
search_vs_like, which is LIKE scan / search (a speed-up). Read bench/README.md for what each compares.
Full details are written to results-<time>.json in the cache folder ($MAPM_BENCH_CACHE or
~/.cache/mapm-bench). Never compare absolute times across machines or runs: compare the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

try:  # the start-up and memory figures need a POSIX pseudo-terminal; the others run on Windows too
    import ptyrun  # noqa: E402
except ImportError:  # pragma: no cover - Windows
    ptyrun = None

PY = sys.executable
KEYS = ("first_frame", "home_listed", "typing", "step_change", "export", "search", "search_vs_like", "memory")
#: the encrypted database against the plain one, same data, same run (bench_encrypted): encrypted / plain
ENCRYPTED_KEYS = (
    "encrypted_first_frame",
    "encrypted_listed",
    "encrypted_typing",
    "encrypted_step_change",
    "encrypted_export",
    "encrypted_search",
)
GOALS = {
    "first_frame": ("<=", 1.15),
    "home_listed": ("<=", 2.5),
    "typing": ("<=", 1.10),
    "step_change": ("<=", 1.2),
    "export": ("<=", 1.5),
    "search": ("<=", 2.0),
    "search_vs_like": (">=", 50.0),
    "memory": ("<=", 2.2),
    **dict.fromkeys(ENCRYPTED_KEYS, ("<=", 1.15)),
}
#: the title both home screens paint in their first frame, and the hint the app shows once the list is in
TITLE = b"Multi-agency professionals' meetings"
LISTED = b"Enter opens the highlighted meeting"

#: seconds the start-up runs wait after their last marker before reading peak RSS (see bench_startup)
MEMORY_SETTLE = 2.0

PROFILES = {
    "quick": dict(
        start_meetings=1000,
        start_entries=100_000,
        search_meetings=1000,
        search_entries=100_000,
        start_pairs=8,
        memory_pairs=0,
        typing_pairs=2,
        typing_keys=500,
        step_pairs=3,
        step_switches=20,
        export_rounds=7,
        search_repeats=5,
    ),
    "full": dict(
        start_meetings=1000,
        start_entries=100_000,
        search_meetings=10_000,
        search_entries=1_000_000,
        start_pairs=15,
        memory_pairs=3,
        typing_pairs=4,
        typing_keys=500,
        step_pairs=5,
        step_switches=30,
        export_rounds=15,
        search_repeats=9,
    ),
}


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


class Context:
    def __init__(self, profile: dict, workdir: Path):
        self.p = profile
        self.workdir = workdir
        self.env = dict(os.environ)
        self.env["MAPM_HOME"] = str(workdir / "home")  # settings and templates of a fresh user
        self.env.pop("MAPM_DB", None)
        self.env.pop("MAPM_BENCH_PROFILE", None)
        self.env["PYTHONDONTWRITEBYTECODE"] = "0"

    def worker(self, *args: str, timeout: float = 600) -> dict:
        proc = subprocess.run(
            [PY, str(HERE / "workers.py"), *args],
            env=self.env,
            cwd=str(REPO),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"workers.py {' '.join(args)} failed: {' / '.join(tail)}")
        return json.loads(lines[-1])


# -- 1 and 6: start-up and memory --------------------------------------------------------------------
def bench_startup(ctx: Context) -> dict:
    p = ctx.p
    cached = generate.ensure_db(p["start_meetings"], p["start_entries"])
    db = ctx.workdir / "start.db"
    shutil.copyfile(cached, db)
    app_cmd = [PY, "-c", "from mapm_tui.cli import main; raise SystemExit(main())", "--db", str(db)]
    bare_cmd = [PY, str(HERE / "baselines" / "bare_home.py")]
    list_cmd = [PY, str(HERE / "baselines" / "bare_home.py"), "--list", str(db)]
    # name: (command, markers, seconds to wait after the last marker before peak RSS is read). The app
    # opens its store (SQLModel) after the list is on screen; MEMORY_SETTLE covers that, so its peak RSS
    # is that of the app with the database open. The bare app waits as long (its RSS hardly moves).
    programs = {
        "app": (app_cmd, [TITLE, LISTED], MEMORY_SETTLE),
        "bare": (bare_cmd, [TITLE], MEMORY_SETTLE),
        "bare_list": (list_cmd, [TITLE, LISTED], 0.3),
    }
    runs: dict[str, list[dict]] = {k: [] for k in programs}
    for cmd, markers, _settle in programs.values():  # warm-up: file cache, bytecode
        ptyrun.run_until(cmd, markers, env=ctx.env, cwd=str(REPO), timeout=60)
    for n in range(p["start_pairs"]):
        for name, (cmd, markers, settle) in programs.items():
            r = ptyrun.run_until(cmd, markers, env=ctx.env, cwd=str(REPO), timeout=60, settle=settle)
            if r["missing"]:
                raise RuntimeError(f"{name}: never showed {r['missing']} (see the app under a terminal)")
            runs[name].append({"times": r["times"], "peak_rss_kb": r["peak_rss_kb"]})
        say(f"  start-up pair {n + 1}/{p['start_pairs']}")

    def times(name, marker):
        return [r["times"][marker.decode()] for r in runs[name]]

    app_first = median(times("app", TITLE))
    bare_first = median(times("bare", TITLE))
    app_listed = median(times("app", LISTED))
    bare_listed = median(times("bare_list", LISTED))
    app_rss = median([r["peak_rss_kb"] for r in runs["app"]])
    bare_rss = median([r["peak_rss_kb"] for r in runs["bare"]])
    memory = {
        "memory_meetings": p["start_meetings"],
        "memory_entries": p["start_entries"],
        "app_peak_rss_mb": app_rss / 1024,
        "bare_peak_rss_mb": bare_rss / 1024,
    }
    if (p["search_meetings"], p["search_entries"]) != (p["start_meetings"], p["start_entries"]):
        memory = _memory_on_search_db(ctx, bare_cmd) | {"start_db_app_peak_rss_mb": app_rss / 1024}
    return {
        "first_frame": ratio(app_first, bare_first),
        "home_listed": ratio(app_listed, bare_first),
        "memory": ratio(memory["app_peak_rss_mb"], memory["bare_peak_rss_mb"]),
        "details": {
            "meetings": p["start_meetings"],
            "entries": p["start_entries"],
            "pairs": p["start_pairs"],
            "app_first_frame_ms": app_first * 1000,
            "bare_first_frame_ms": bare_first * 1000,
            "app_listed_ms": app_listed * 1000,
            "bare_sqlite3_listed_ms": bare_listed * 1000,
            "listed_vs_bare_sqlite3_listing": ratio(app_listed, bare_listed),
            **memory,
            "bare_list_peak_rss_mb": median([r["peak_rss_kb"] for r in runs["bare_list"]]) / 1024,
            "runs": runs,
        },
    }


def _memory_on_search_db(ctx: Context, bare_cmd: list[str]) -> dict:
    """Peak RSS of the app with the search-sized database open (the full run: 10,000 meetings), against
    the bare Textual app. The quick run's search database is the start-up one, measured above."""
    p = ctx.p
    cached = generate.ensure_db(p["search_meetings"], p["search_entries"])
    db = ctx.workdir / "memory.db"
    shutil.copyfile(cached, db)
    app_cmd = [PY, "-c", "from mapm_tui.cli import main; raise SystemExit(main())", "--db", str(db)]
    app, bare = [], []
    for n in range(p["memory_pairs"]):
        r = ptyrun.run_until(app_cmd, [TITLE, LISTED], env=ctx.env, cwd=str(REPO), timeout=120, settle=MEMORY_SETTLE)
        if r["missing"]:
            raise RuntimeError(f"app on {p['search_meetings']:,} meetings: never showed {r['missing']}")
        app.append(r["peak_rss_kb"])
        bare.append(
            ptyrun.run_until(bare_cmd, [TITLE], env=ctx.env, cwd=str(REPO), timeout=60, settle=MEMORY_SETTLE)[
                "peak_rss_kb"
            ]
        )
        say(f"  memory pair {n + 1}/{p['memory_pairs']} ({p['search_meetings']:,} meetings)")
    db.unlink(missing_ok=True)
    return {
        "memory_meetings": p["search_meetings"],
        "memory_entries": p["search_entries"],
        "app_peak_rss_mb": median(app) / 1024,
        "bare_peak_rss_mb": median(bare) / 1024,
        "memory_runs_kb": {"app": app, "bare": bare},
    }


# -- 2: typing ------------------------------------------------------------------------------------------
def bench_typing(ctx: Context) -> dict:
    p = ctx.p
    res: dict[str, list[dict]] = {"save": [], "nosave": []}
    for n in range(p["typing_pairs"]):
        for mode in ("save", "nosave"):
            res[mode].append(ctx.worker("typing", mode, "--keys", str(p["typing_keys"])))
        say(f"  typing pair {n + 1}/{p['typing_pairs']}")
    save_cpu = median([r["cpu_per_key_ms"] for r in res["save"]])
    off_cpu = median([r["cpu_per_key_ms"] for r in res["nosave"]])
    return {
        "typing": ratio(save_cpu, off_cpu),
        "details": {
            "keys": p["typing_keys"],
            "pairs": p["typing_pairs"],
            "save_cpu_per_key_ms": save_cpu,
            "nosave_cpu_per_key_ms": off_cpu,
            "save_wall_per_key_ms": median([r["wall_per_key_ms"] for r in res["save"]]),
            "save_lag_ms": median([r["save_lag_ms"] for r in res["save"]]),
            "save_lag_max_ms": max((r["save_lag_ms"] or 0) for r in res["save"]),
            "save_delay_s": res["save"][0]["save_delay_s"],
            "save_max_latency_s": res["save"][0].get("save_max_latency_s"),
            "saves_while_typing": median([r.get("saves_while_typing", 0) for r in res["save"]]),
            # CPU inside the saves themselves, per key typed: the ratio's own cause, measured in-process
            "writing_cpu_per_key_ms": median([r.get("save_cpu_per_key_ms", 0) for r in res["save"]]),
            "runs": res,
        },
    }


# -- 3: step change -----------------------------------------------------------------------------------
def bench_step(ctx: Context) -> dict:
    """The app's meeting screen showing another step's body, against a bare Textual screen showing a
    body of the same widgets the same way (kept, hidden and shown again: `baselines/bare_screens.OneScreen`).
    Also measured: two empty screens (the old baseline) and the bare body rebuilt for every change."""
    p = ctx.p
    res: dict[str, list[dict]] = {"app": [], "body_kept": [], "bare": [], "body_rebuilt": []}
    for n in range(p["step_pairs"]):
        for mode in res:
            res[mode].append(ctx.worker("step", mode, "--switches", str(p["step_switches"])))
        say(f"  step change pair {n + 1}/{p['step_pairs']}")
    app = median([r["median_ms"] for r in res["app"]])
    kept = median([r["median_ms"] for r in res["body_kept"]])
    bare = median([r["median_ms"] for r in res["bare"]])
    rebuilt = median([r["median_ms"] for r in res["body_rebuilt"]])
    return {
        "step_change": ratio(app, kept),
        "details": {
            "pairs": p["step_pairs"],
            "switches_per_trial": p["step_switches"],
            "app_ms": app,
            "bare_body_kept_ms": kept,
            "bare_empty_ms": bare,
            "app_vs_empty_screens": ratio(app, bare),
            "bare_body_rebuilt_ms": rebuilt,
            "app_cpu_ms": median([r["cpu_median_ms"] for r in res["app"]]),
            "body_kept_cpu_ms": median([r["cpu_median_ms"] for r in res["body_kept"]]),
            "bare_cpu_ms": median([r["cpu_median_ms"] for r in res["bare"]]),
            "body_rebuilt_cpu_ms": median([r["cpu_median_ms"] for r in res["body_rebuilt"]]),
            "rows_shown": res["app"][0].get("rows_shown"),
            "runs": res,
        },
    }


# -- 4: export ----------------------------------------------------------------------------------------
def bench_export(ctx: Context) -> dict:
    r = ctx.worker("export", "--rounds", str(ctx.p["export_rounds"]))
    app, plain = median(r["app_ms"]), median(r["plain_ms"])
    r["app_runs_ms"], r["plain_runs_ms"] = r.pop("app_ms"), r.pop("plain_ms")
    return {"export": ratio(app, plain), "details": {**r, "app_ms": app, "plain_ms": plain}}


# -- 5: search ----------------------------------------------------------------------------------------
def bench_search(ctx: Context) -> dict:
    try:
        import mapm_tui.search  # noqa: F401
    except ImportError:
        raise RuntimeError("mapm_tui/search.py is not in this tree yet") from None
    p = ctx.p
    db = generate.ensure_db(p["search_meetings"], p["search_entries"])
    r = ctx.worker("search", "--db", str(db), "--repeats", str(p["search_repeats"]), timeout=3600)
    return {"search": r["search_ratio"], "search_vs_like": r["like_speedup"], "details": r}


# -- 7: the encrypted database against the plain one ------------------------------------------------
def bench_encrypted(ctx: Context) -> dict:
    """Each measure of the app on the SQLCipher-encrypted copy of a database against the same on the
    plain one, interleaved in the same run: start-up (first frame; meetings listed, which includes the
    one key derivation of a start), CPU per key while typing with saving on, step change, the Word
    export read from the store, and search on the search-sized database."""
    p = ctx.p
    plain_start = ctx.workdir / "enc-start-plain.db"
    shutil.copyfile(generate.ensure_db(p["start_meetings"], p["start_entries"]), plain_start)
    encrypted_start = ctx.workdir / "enc-start-encrypted.db"
    shutil.copyfile(generate.ensure_encrypted_db(p["start_meetings"], p["start_entries"]), encrypted_start)
    env = {
        "plain": ctx.env | {"MAPM_BENCH_ENCRYPTED": "0"},
        "encrypted": ctx.env | {"MAPM_BENCH_ENCRYPTED": "1", "MAPM_PASSPHRASE": generate.BENCH_PASSPHRASE},
    }
    app = [PY, "-c", "from mapm_tui.cli import main; raise SystemExit(main())", "--db"]
    starts = {"plain": app + [str(plain_start)], "encrypted": app + [str(encrypted_start)]}
    runs: dict[str, list[dict]] = {"plain": [], "encrypted": []}
    for mode, cmd in starts.items():  # warm-up
        ptyrun.run_until(cmd, [TITLE, LISTED], env=env[mode], cwd=str(REPO), timeout=60)
    for n in range(p["start_pairs"]):
        for mode, cmd in starts.items():
            r = ptyrun.run_until(cmd, [TITLE, LISTED], env=env[mode], cwd=str(REPO), timeout=60)
            if r["missing"]:
                raise RuntimeError(f"{mode} database: the app never showed {r['missing']}")
            runs[mode].append(r["times"])
        say(f"  encrypted start-up pair {n + 1}/{p['start_pairs']}")

    def start(mode, marker):
        return median([t[marker.decode()] for t in runs[mode]]) * 1000

    def worker(mode, *args, timeout=600):
        saved, ctx.env = ctx.env, env[mode]
        try:
            return ctx.worker(*args, timeout=timeout)
        finally:
            ctx.env = saved

    typing = {"plain": [], "encrypted": []}
    step = {"plain": [], "encrypted": []}
    export = {"plain": [], "encrypted": []}
    for n in range(max(p["typing_pairs"], p["step_pairs"])):
        for mode in ("plain", "encrypted"):
            if n < p["typing_pairs"]:
                typing[mode].append(worker(mode, "typing", "save", "--keys", str(p["typing_keys"]))["cpu_per_key_ms"])
            if n < p["step_pairs"]:
                step[mode].append(worker(mode, "step", "app", "--switches", str(p["step_switches"]))["median_ms"])
            export[mode] += worker(mode, "export_stored", "--rounds", str(max(3, p["export_rounds"] // 2)))["app_ms"]
        say(f"  encrypted typing/step/export pair {n + 1}")
    search_dbs = {
        "plain": generate.ensure_db(p["search_meetings"], p["search_entries"]),
        "encrypted": generate.ensure_encrypted_db(p["search_meetings"], p["search_entries"]),
    }
    search = {
        mode: worker(mode, "search", "--db", str(db), "--repeats", str(p["search_repeats"]), timeout=3600)
        for mode, db in search_dbs.items()
    }
    figures = {
        "first_frame_ms": {m: start(m, TITLE) for m in runs},
        "listed_ms": {m: start(m, LISTED) for m in runs},
        "typing_cpu_per_key_ms": {m: median(v) for m, v in typing.items()},
        "step_change_ms": {m: median(v) for m, v in step.items()},
        "export_ms": {m: median(v) for m, v in export.items()},
        "search_ms": {m: search[m]["search_ms"] for m in search},
    }
    keys = dict(zip(ENCRYPTED_KEYS, figures, strict=True))
    return {
        **{key: ratio(figures[name]["encrypted"], figures[name]["plain"]) for key, name in keys.items()},
        "details": {
            **figures,
            "meetings": p["start_meetings"],
            "search_meetings": search["plain"]["meetings"],
            "search_entries": search["plain"]["entries"],
            "runs": {"start": runs, "typing": typing, "step": step, "export": export},
        },
    }


BENCHES = {
    "first_frame": bench_startup,  # also home_listed and memory
    "typing": bench_typing,
    "step_change": bench_step,
    "export": bench_export,
    "search": bench_search,  # also search_vs_like
    "encrypted": bench_encrypted,  # the encrypted_* ratios
}


def verdict(key: str, value) -> str:
    if value is None:
        return "not run"
    op, goal = GOALS[key]
    ok = value <= goal if op == "<=" else value >= goal
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="mapm-tui benchmarks (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="smaller search database and fewer repeats (<10 min)")
    parser.add_argument("--only", help="comma-separated: " + ",".join(BENCHES))
    args = parser.parse_args(argv)
    profile = PROFILES["quick" if args.quick else "full"]
    chosen = args.only.split(",") if args.only else list(BENCHES)
    unknown = [c for c in chosen if c not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    started = time.perf_counter()
    # the eight ratios always; the six encrypted_* ones when that benchmark was chosen
    results = dict.fromkeys(KEYS + (ENCRYPTED_KEYS if "encrypted" in chosen else ()))
    details: dict[str, dict] = {}
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mapm-bench-") as tmp:
        ctx = Context(profile, Path(tmp))
        for name in chosen:
            say(f"{name} …")
            t0 = time.perf_counter()
            try:
                out = BENCHES[name](ctx)
            except Exception as exc:  # report it and go on with the others
                errors[name] = str(exc)
                say(f"  {name}: {exc}")
                continue
            details[name] = out.pop("details")
            details[name]["seconds"] = time.perf_counter() - t0
            results.update(out)
    elapsed = time.perf_counter() - started
    print(report(results, details, errors, args.quick, elapsed))
    record = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "profile": profile,
        "seconds": elapsed,
        "machine": machine(),
        "ratios": results,
        "details": details,
        "errors": errors,
    }
    out_file = generate.cache_dir() / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out_file.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
    print(f"details: {out_file}")
    print(json.dumps({k: (None if v is None else round(v, 3)) for k, v in results.items()}))
    return 0


def machine() -> dict:
    import textual

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "textual": textual.__version__ if hasattr(textual, "__version__") else "?",
    }


def fmt(value, unit="ms", digits=1):
    return "—" if value is None else f"{value:,.{digits}f} {unit}".strip()


def report(results: dict, details: dict, errors: dict, quick: bool, elapsed: float) -> str:
    lines = [f"mapm-tui benchmarks ({'quick' if quick else 'full'}, {elapsed:.0f} s)", ""]
    lines.append(f"{'ratio':<15} {'value':>8}  {'goal':<8} {'verdict':<8} app vs baseline (medians)")
    rows = []
    d = details
    if "first_frame" in d:
        s = d["first_frame"]
        rows += [
            (
                "first_frame",
                f"{fmt(s['app_first_frame_ms'])} vs {fmt(s['bare_first_frame_ms'])} bare Textual app, same widgets",
            ),
            (
                "home_listed",
                f"{fmt(s['app_listed_ms'])} to list {s['meetings']:,} meetings vs the bare first frame"
                f" (bare app listing them with sqlite3: {fmt(s['bare_sqlite3_listed_ms'])})",
            ),
            (
                "memory",
                f"{fmt(s['app_peak_rss_mb'], 'MB')} vs {fmt(s['bare_peak_rss_mb'], 'MB')} peak RSS"
                f" ({s['memory_meetings']:,} meetings open)",
            ),
        ]
    if "typing" in d:
        s = d["typing"]
        rows.append(
            (
                "typing",
                f"{fmt(s['save_cpu_per_key_ms'], 'ms', 2)} vs {fmt(s['nosave_cpu_per_key_ms'], 'ms', 2)} CPU/key,"
                f" saving on vs off; last key to committed row {fmt(s['save_lag_ms'], 'ms', 0)};"
                f" {s.get('saves_while_typing', 0):.0f} saves while typing {s['keys']} keys without a pause,"
                f" {fmt(s.get('writing_cpu_per_key_ms'), 'ms', 2)} CPU/key inside them",
            )
        )
    if "step_change" in d:
        s = d["step_change"]
        rows.append(
            (
                "step_change",
                f"{fmt(s['app_ms'])} vs {fmt(s['bare_body_kept_ms'])} a bare body of the same widgets, kept"
                f" (CPU {fmt(s['app_cpu_ms'])} vs {fmt(s['body_kept_cpu_ms'])}; the bare body rebuilt each time"
                f" {fmt(s['bare_body_rebuilt_ms'])}; two empty screens {fmt(s['bare_empty_ms'])})",
            )
        )
    if "export" in d:
        s = d["export"]
        rows.append(("export", f"{fmt(s['app_ms'])} vs {fmt(s['plain_ms'])} python-docx plain paragraphs"))
    if "search" in d:
        s = d["search"]
        rows += [
            (
                "search",
                f"{fmt(s.get('search_ms'), 'ms', 2)} vs {fmt(s.get('fts_ms'), 'ms', 2)} bare FTS5 query, 50 best places"
                f" ({s.get('meetings', 0):,} meetings, {s.get('entries', 0):,} entries;"
                f" the 50 newest places' rowids alone: {fmt(s.get('fts_newest_ms'), 'ms', 2)})",
            ),
            (
                "search_vs_like",
                f"LIKE scan {fmt(s.get('like_ms'), 'ms', 1)} vs search {fmt(s.get('search_ms'), 'ms', 2)}"
                + (
                    " (the goal is set on 10,000 meetings: a LIKE scan grows with the data, search does not)"
                    if s.get("meetings", 0) < 10_000
                    else ""
                ),
            ),
        ]
    if "encrypted" in d:
        s = d["encrypted"]
        for key, name in zip(
            ENCRYPTED_KEYS,
            ("first_frame_ms", "listed_ms", "typing_cpu_per_key_ms", "step_change_ms", "export_ms", "search_ms"),
            strict=True,
        ):
            figures = s[name]
            rows.append(
                (key, f"{fmt(figures['encrypted'], 'ms', 2)} encrypted vs {fmt(figures['plain'], 'ms', 2)} plain")
            )
    shown = {r[0] for r in rows}
    for key in results:
        value = results.get(key)
        op, goal = GOALS[key]
        text = next((t for k, t in rows if k == key), "")
        if key not in shown:
            bench = next(
                (
                    b
                    for b in BENCHES
                    if b == key
                    or (key in ("home_listed", "memory") and b == "first_frame")
                    or (key == "search_vs_like" and b == "search")
                    or (key.startswith("encrypted_") and b == "encrypted")
                ),
                key,
            )
            text = errors.get(bench, "not run")
        value_text = "—" if value is None else f"{value:.2f}"
        lines.append(f"{key:<15} {value_text:>8}  {op}{goal:<6} {verdict(key, value):<8} {text}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
