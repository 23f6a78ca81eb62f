"""Run a program under a pseudo-terminal and time when given text first appears on its screen.

Used for the start-up and memory benchmarks, the same way for the app and for its baselines: the clock
starts just before the fork, so interpreter start-up and every import count, as they do for a chair who
types `mapm`. A Textual app writes its first frame as text, so "first painted frame" is the moment the
first marker (a label both apps show in their first frame) has been written to the terminal.

Peak resident memory is read from /proc/<pid>/status (VmHWM) while the program still runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time


def _peak_rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_until(
    argv: list[str],
    markers: list[bytes],
    *,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 30.0,
    settle: float = 0.0,
    size: tuple[int, int] = (120, 40),
) -> dict:
    """Start `argv` on a new pty; return {"times": {marker: seconds}, "peak_rss_kb": …, "output": bytes}.

    Each marker's time is measured from just before the fork to the read that completed it. After the
    last marker, waits `settle` seconds (still draining output), reads the peak RSS, then quits the
    program (ctrl+q, then SIGTERM, then SIGKILL).
    """
    cols, rows = size
    env = dict(os.environ if env is None else env)
    env.setdefault("TERM", "xterm-256color")
    env["COLUMNS"], env["LINES"] = str(cols), str(rows)
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            if cwd:
                os.chdir(cwd)
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    buf = bytearray()
    times: dict[bytes, float] = {}
    pending = list(markers)
    deadline = started + timeout
    settle_until = None
    eof = False

    def drain(wait: float) -> None:
        nonlocal eof
        readable, _, _ = select.select([fd], [], [], max(0.0, wait))
        if not readable:
            return
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            data = b""
        if not data:
            eof = True
            return
        now = time.perf_counter()
        old_len = len(buf)
        buf.extend(data)
        for marker in list(pending):
            # search only where a new match can be, so long outputs stay cheap
            if buf.find(marker, max(0, old_len - len(marker))) != -1:
                times[marker] = now - started
                pending.remove(marker)

    try:
        while not eof:
            now = time.perf_counter()
            if now > deadline:
                break
            if not pending:
                if settle_until is None:
                    settle_until = now + settle
                if now >= settle_until:
                    break
                drain(settle_until - now)
                continue
            drain(min(0.05, deadline - now))
        peak = _peak_rss_kb(pid)
    finally:
        _stop(pid, fd)
    return {
        "times": {m.decode(): t for m, t in times.items()},
        "missing": [m.decode() for m in pending],
        "peak_rss_kb": peak,
        "output": bytes(buf),
    }


def _stop(pid: int, fd: int) -> None:
    """Quit the program we started: ctrl+q first (a clean exit), then SIGTERM, then SIGKILL."""
    with contextlib.suppress(OSError):
        os.write(fd, b"\x11")
    for sig, wait in ((None, 3.0), (signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        if sig is not None:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
        end = time.perf_counter() + wait
        while time.perf_counter() < end:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                with contextlib.suppress(OSError):
                    os.close(fd)
                return
            # keep the terminal drained so the program can finish writing
            readable, _, _ = select.select([fd], [], [], 0.02)
            if readable:
                with contextlib.suppress(OSError):
                    os.read(fd, 1 << 16)
    with contextlib.suppress(OSError):
        os.close(fd)
