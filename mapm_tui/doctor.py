"""`mapm doctor`: one screen to paste into a support request — versions, where things are, whether the
database is encrypted and healthy, what the terminal can do — and no personal data.

Nothing here opens the database through the store (no migration, no key asked for): the file is read
with the standard library only, read-only. No case reference, name or note is read or printed; the home
folder in paths is shown as `~` so the user's account name stays out of the report.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, locations
from .db import SQLITE_HEADER
from .files import protection

if TYPE_CHECKING:
    from .crypto import DatabaseKey

#: the libraries whose versions a support request needs
LIBRARIES = ("textual", "rich", "sqlmodel", "sqlalchemy", "alembic", "python-docx", "platformdirs")


def version_line() -> str:
    return f"mapm {__version__} (Python {platform.python_version()}, {platform.system()} {platform.release()})"


def report(
    db_path: Path | None, environ: Mapping[str, str], terminal: os.terminal_size | None, key: DatabaseKey | None = None
) -> list[tuple[str, str]]:
    """The lines of the report, as (label, value) pairs."""
    rows: list[tuple[str, str]] = [
        ("mapm", __version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()}, {sys.platform})"),
        ("system", f"{platform.system()} {platform.release()} {platform.machine()}"),
    ]
    for name in LIBRARIES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    rows += [
        ("data folder", _private_path(locations.data_dir())),
        ("settings", _exists(locations.settings_path())),
        ("own templates", _exists(locations.user_templates_dir())),
    ]
    if db_path is None:
        rows.append(("database", "a team's server (not checked here: `mapm check-db` checks it)"))
    else:
        rows.append(("database", _exists(db_path)))
        rows += database_health(db_path, key)
    rows.append(("file protection", protection()))
    rows += terminal_rows(environ, terminal)
    return rows


def database_health(path: Path, key: DatabaseKey | None = None) -> list[tuple[str, str]]:
    """Whether the file is encrypted, its schema version and `PRAGMA integrity_check`, read-only. An encrypted
    file is checked only with `key` (a passphrase given in advance: doctor never asks for one)."""
    if not path.is_file():
        return []
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        return [("readable", f"no ({exc.strerror or type(exc).__name__})")]
    rows = [("size", f"{path.stat().st_size / 1_048_576:.1f} MB")]
    if header != SQLITE_HEADER:
        if key is None:
            rows.append(
                (
                    "encrypted",
                    "yes (or not a SQLite file): give MAPM_PASSPHRASE or --passphrase-file to check its health",
                )
            )
            return rows
        rows.append(("encrypted", "yes (SQLCipher 4)"))
    else:
        rows.append(("encrypted", "no: anyone with the file can read it"))
        key = None
    from .db import driver_errors, read_only_connection

    try:
        conn = read_only_connection(path, key)
    except driver_errors() as exc:
        return [*rows, ("health", f"cannot open: {exc}")]
    try:
        try:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rows.append(("schema", version[0] if version else "none"))
        except driver_errors():
            rows.append(("schema", "none: not a mapm database"))
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            rows.append(("health", "ok" if problems == ["ok"] else "DAMAGED: " + "; ".join(problems)))
        except driver_errors() as exc:
            rows.append(("health", f"DAMAGED: {exc}"))
    finally:
        conn.close()
    return rows


def terminal_rows(environ: Mapping[str, str], terminal: os.terminal_size | None) -> list[tuple[str, str]]:
    size = f"{terminal.columns}×{terminal.lines}" if terminal else "not a terminal"
    if terminal and (terminal.columns < 80 or terminal.lines < 24):
        size += " (smaller than 80×24: some screens will be cut)"
    if "NO_COLOR" in environ:
        colour = "off (NO_COLOR is set)"
    elif environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        colour = "24-bit"
    elif "256color" in environ.get("TERM", ""):
        colour = "256 colours"
    else:
        colour = f"basic (TERM={environ.get('TERM', 'unset')})"
    programs = [name for name in ("TMUX", "WT_SESSION", "TERM_PROGRAM", "SSH_CONNECTION") if environ.get(name)]
    where = ", ".join(_terminal_name(name, environ) for name in programs) or "none recognised"
    return [("terminal", size), ("colour", colour), ("terminal programs", where)]


def _terminal_name(variable: str, environ: Mapping[str, str]) -> str:
    return {
        "TMUX": "tmux",
        "WT_SESSION": "Windows Terminal",
        "SSH_CONNECTION": "over SSH",
    }.get(variable, environ.get(variable, variable))


def _private_path(path: Path) -> str:
    """`path` with the home folder shown as ~ (the account name is personal data)."""
    try:
        return "~" + os.sep + str(path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, RuntimeError):
        return str(path)


def _exists(path: Path) -> str:
    return f"{_private_path(path)}{'' if path.exists() else ' (not there yet)'}"


def render(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
