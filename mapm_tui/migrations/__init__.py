"""Forward migrations of the database schema (Alembic), run on open.

`HEAD` names the newest revision; opening a database already at HEAD skips Alembic entirely (it costs
tens of milliseconds to load), and a test checks that HEAD matches the newest revision file.
Triggers and FTS tables live outside SQLModel's metadata: they are created here, never by create_all,
and `include_name` keeps Alembic's autogenerate from proposing to drop them.
"""

from __future__ import annotations

HEAD = "0007"

#: tables the migrations make by hand (the search index, its FTS5 shadow tables and its meeting map;
#: the editor holds, kept in plain SQL by holds.py so a later PostgreSQL team mode uses the same statements;
#: the laptop's record of meetings checked out to it, checkout.py's, likewise)
UNMANAGED_PREFIXES = ("search_", "editor_hold", "checkout")


def include_name(name, type_, parent_names) -> bool:
    """Alembic's `include_name` hook: leave the hand-made search tables (and their indexes) alone."""
    if type_ == "table" and name and name.startswith(UNMANAGED_PREFIXES):
        return False
    table = str((parent_names or {}).get("table_name") or "")
    return not (type_ == "index" and table.startswith(UNMANAGED_PREFIXES))
