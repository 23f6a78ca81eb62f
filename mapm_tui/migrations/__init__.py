"""Forward migrations of the database schema (Alembic), run on open.

`HEAD` names the newest revision; opening a database already at HEAD skips Alembic entirely (it costs
tens of milliseconds to load), and a test checks that HEAD matches the newest revision file.
Triggers and FTS tables live outside SQLModel's metadata: they are created here, never by create_all.
"""

from __future__ import annotations

HEAD = "0002"
