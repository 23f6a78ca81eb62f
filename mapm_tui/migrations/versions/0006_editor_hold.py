"""One editor per meeting, and a database that says it is ours.

`editor_hold`: which app instance is editing a meeting (holds.py). A second window on the same meeting
opens it read-only and says who has it and since when; a hold whose heartbeat stopped (or whose process
on this host is gone) can be taken over with a reason, kept in the row. One row per meeting.

`PRAGMA application_id`: the file is marked as a mapm database (db.APPLICATION_ID), so a foreign SQLite
file given with --db is recognised and refused before anything is written to it. Databases of ours
made before this revision are recognised by their schema (db.check_database) and get the id here.

Revision ID: 0006
"""

from alembic import op

#: `PRAGMA application_id` of a mapm database ("MAPM"): db.APPLICATION_ID, copied (this revision is frozen)
APPLICATION_ID = 0x4D41504D

revision = "0006"
# written against 0004 while 0005 (the audit trail) was being made alongside; re-pointed when merged
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE editor_hold (
            meeting_id TEXT NOT NULL PRIMARY KEY REFERENCES meeting (id) ON DELETE CASCADE,
            token TEXT NOT NULL,
            holder_name TEXT NOT NULL,
            os_user TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            since TEXT NOT NULL,
            heartbeat TEXT NOT NULL,
            taken_over_from TEXT,
            takeover_reason TEXT
        )"""
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    op.execute("DROP TABLE editor_hold")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA application_id = 0")
