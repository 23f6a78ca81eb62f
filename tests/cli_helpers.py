"""Running `mapm` in the tests: in-process through `cli.main(argv)` (most tests: no interpreter start, no
imports, no key derivation per command), or as a real process (the few tests about the process itself:
the installed entry point, exit codes and stderr through a real process, signals, terminals).

Both return the same `Ran` (returncode, stdout, stderr, as `subprocess.CompletedProcess` has), so a test
reads alike whichever way it ran. `db` is passed on as `--db`, so the same test can run on any database
target the CLI accepts (a file, or later a PostgreSQL URL).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """One run of `mapm`: what it returned and printed."""

    returncode: int
    stdout: str
    stderr: str


def _argv(args, db) -> list[str]:
    return ([] if db is None else ["--db", str(db)]) + [str(a) for a in args]


@contextlib.contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    """`os.environ` with `env` laid over it for one run, as a child process would see it; then restored."""
    saved = {name: os.environ.get(name) for name in env or {}}
    try:
        os.environ.update(env or {})
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def mapm(*args, db=None, env: Mapping[str, str] | None = None, stdin: str = "") -> Ran:
    """`mapm [--db DB] ARGS…` in this process: stdout and stderr captured, stdin `stdin` (not a terminal,
    as for a child process with its input piped), the environment `os.environ` with `env` laid over it."""
    from mapm_tui import cli

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            returncode = cli.main(_argv(args, db))
    finally:
        sys.stdin = saved_stdin
    return Ran(returncode, out.getvalue(), err.getvalue())


def mapm_process(*args, db=None, env: Mapping[str, str] | None = None, stdin: str | None = None, timeout=120) -> Ran:
    """`python -m mapm_tui.cli [--db DB] ARGS…` as a real child process (stdin from /dev/null unless given)."""
    done = subprocess.run(
        [sys.executable, "-m", "mapm_tui.cli", *_argv(args, db)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ) | dict(env or {}),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def one_sentence(stderr: str) -> bool:
    """The CLI's error contract: exactly one line on stderr, `mapm: …`, and no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in stderr and lines[0].startswith("mapm: ")
