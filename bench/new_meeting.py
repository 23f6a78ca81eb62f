"""A new meeting, and the home screen, on PostgreSQL beside SQLite: the real app in a pseudo-terminal.

For each database, in the same run, one after the other (SQLite, PostgreSQL, SQLite …):
  - home: from the start of `mapm --db …` until the meetings are listed (ratio PostgreSQL / SQLite);
  - new meeting: from Enter on the new-meeting form (case reference typed) until the set-up screen is
    on the terminal (ratio PostgreSQL / SQLite), several times in each run of the app.
Both databases hold the same few meetings (made by the store before the runs). The PostgreSQL server is
$MAPM_TEST_PG_URL (tests/pg_server.py starts one), else one this script starts and removes.

    python bench/new_meeting.py               # 5 runs of the app per database, 4 new meetings each
    python bench/new_meeting.py --runs 3 --creates 3
    python bench/new_meeting.py --python ../main/.venv/bin/python    # another checkout's code, same data

The last line printed is one JSON object with the medians and ratios. Compare ratios, never absolute times
across runs: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import ptyrun  # noqa: E402

LISTED = b"Enter opens the highlighted meeting"
FORM = b"Date of the meeting"
SETUP = b"Setting up the meeting"
HOME_AGAIN = b"Enter opens the highlighted meeting"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Terminal:
    """The app on a pty: send keys, wait for text to appear in what it writes after a given point."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str, size=(120, 40)):
        import fcntl
        import termios

        cols, rows = size
        env = {**env, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            try:
                os.chdir(cwd)  # not the repository: `python -c` imports the interpreter's installed mapm_tui
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.buf = bytearray()

    def mark(self) -> int:
        return len(self.buf)

    def wait_for(self, marker: bytes, since: int = 0, timeout: float = 120.0) -> float:
        """perf_counter() when `marker` was first written after byte `since`."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.buf.find(marker, max(since, 0))
            if found != -1:
                return self._when
            now = time.perf_counter()
            if now > deadline:
                import re

                text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b" ", bytes(self.buf[since:]))
                words = " ".join(text.decode("utf-8", "replace").split())[:1500]  # what came first says why
                raise RuntimeError(f"never showed {marker!r}; the words written since: {words}")
            readable, _, _ = select.select([self.fd], [], [], min(0.05, deadline - now))
            if readable:
                data = os.read(self.fd, 1 << 16)
                if not data:
                    raise RuntimeError("the app ended")
                self._when = time.perf_counter()
                self.buf.extend(data)

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            readable, _, _ = select.select([self.fd], [], [], left)
            if readable:
                data = os.read(self.fd, 1 << 16)
                if not data:
                    return
                self.buf.extend(data)

    def send(self, keys: bytes) -> float:
        self.drain(0)
        at = time.perf_counter()
        os.write(self.fd, keys)
        return at

    def stop(self) -> None:
        ptyrun._stop(self.pid, self.fd)


def one_run(python: str, target: str, env: dict[str, str], creates: int, tag: str) -> dict:
    """Start the app on `target`, time the home list and `creates` new meetings."""
    argv = [python, "-c", "from mapm_tui.cli import main; raise SystemExit(main())", "--db", target]
    term = Terminal(argv, env, cwd=env["MAPM_HOME"])
    try:
        listed = term.wait_for(LISTED) - term.started
        term.drain(1.0)  # the store opens after the list is painted: let it, as a chair reading the list would
        times = []
        for n in range(creates):
            since = term.mark()
            term.send(b"n")
            term.wait_for(FORM, since)
            term.drain(0.3)
            term.send(b"\r")  # the date ("today") -> the case reference
            term.drain(0.3)
            since = term.mark()
            term.send(f"{tag}/{n}".encode())
            term.wait_for(f"{tag}/{n}".encode(), since)  # typed into the case reference, on screen
            term.drain(0.3)
            since = term.mark()
            pressed = term.send(b"\r")
            shown = term.wait_for(SETUP, since)
            times.append(shown - pressed)
            term.drain(0.5)
            since = term.mark()
            term.send(b"\x1b[21~")  # F10: back to the meetings
            term.wait_for(HOME_AGAIN, since)
            term.drain(0.5)
        return {"listed_s": listed, "new_meeting_s": times}
    finally:
        term.stop()


def seed(store, count: int) -> None:
    """The same few meetings in each database, so the list has something to show."""
    from mapm_tui.agenda import shipped_templates

    template = shipped_templates()["hampshire"]
    for n in range(count):
        store.create_meeting(template, dt.date(2026, 11, 2) + dt.timedelta(days=n), case_ref=f"SEED/{n}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of the app per database")
    parser.add_argument("--creates", type=int, default=4, help="new meetings per run")
    parser.add_argument("--meetings", type=int, default=20, help="meetings in each database beforehand")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter whose installed mapm runs (another checkout's .venv/bin/python: its code)",
    )
    args = parser.parse_args(argv)

    from mapm_tui.clock import Clock
    from mapm_tui.store import open_store
    from tests import keys, pg, pg_server

    work = Path(tempfile.mkdtemp(prefix="mapm-bench-new-"))
    env = {k: v for k, v in os.environ.items() if k not in ("MAPM_DB", "MAPM_BENCH_PROFILE")}
    env["MAPM_HOME"] = str(work / "home")
    os.makedirs(env["MAPM_HOME"], exist_ok=True)
    env["MAPM_PASSPHRASE"] = keys.PASSPHRASE

    started_here = None
    server = os.environ.get(pg.URL_ENV)
    if not server:
        started_here = work / "pg"
        server = pg_server.start(started_here)
    database = f"mapm_bench_new_{os.getpid()}"
    with pg.admin(server) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    targets = {"sqlite": str(work / "bench.db"), "postgresql": pg.with_database(server, database)}
    try:
        lite = open_store(targets["sqlite"], Clock(), key=keys.key_for(targets["sqlite"]))
        seed(lite, args.meetings)
        lite.close()
        srv = open_store(targets["postgresql"], Clock())
        seed(srv, args.meetings)
        srv.close()
        results: dict[str, list[dict]] = {k: [] for k in targets}
        for name, target in targets.items():  # warm-up: bytecode, file cache, the server's caches
            one_run(args.python, target, env, 1, f"WARM/{name}")
        for n in range(args.runs):
            for name, target in targets.items():
                results[name].append(one_run(args.python, target, env, args.creates, f"BENCH/{name}/{n}"))
            say(f"  pair {n + 1}/{args.runs}")
    finally:
        with pg.admin(server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if started_here is not None:
            pg_server.stop(started_here)

    def med(name: str, key: str) -> float:
        values = [v for r in results[name] for v in (r[key] if isinstance(r[key], list) else [r[key]])]
        return statistics.median(values) * 1000

    out = {
        "home_listed_ms": {k: round(med(k, "listed_s")) for k in targets},
        "new_meeting_ms": {k: round(med(k, "new_meeting_s")) for k in targets},
    }
    out["home_listed_ratio"] = round(out["home_listed_ms"]["postgresql"] / out["home_listed_ms"]["sqlite"], 2)
    out["new_meeting_ratio"] = round(out["new_meeting_ms"]["postgresql"] / out["new_meeting_ms"]["sqlite"], 2)
    out["all_new_meeting_ms"] = {k: [round(v * 1000) for r in results[k] for v in r["new_meeting_s"]] for k in targets}
    for key in ("home_listed_ms", "new_meeting_ms"):
        say(f"{key}: SQLite {out[key]['sqlite']} ms, PostgreSQL {out[key]['postgresql']} ms")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
