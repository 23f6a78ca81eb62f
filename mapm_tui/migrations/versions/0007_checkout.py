"""Taking a meeting offline (checkout.py): what kind of hold a meeting is under, and where a copy came from.

`editor_hold.kind`: 'window' (an app window editing it: the heartbeat hold of 0006), 'checkout' (on the
server: a chair took it to a laptop; it never goes stale, it ends at check-in or when a manager forces it)
or 'copy' (on the laptop: a copy kept for reference, read-only there). `editor_hold.purpose`: why, in the
words of whoever took it ("taken to the venue"), shown to everyone who opens it read-only.

`checkout`: on the laptop, one row per meeting checked out to this file: the server it came from (the URL
without any password), the token of its hold there, who took it and when, and a fingerprint of the
meeting as it was taken (a hash per part of the meeting, never the text), so a check-in can tell whether
the server's copy changed meanwhile and say which parts differ.

Plain SQL that PostgreSQL and SQLite both take. Revision ID: 0007
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE editor_hold ADD COLUMN kind VARCHAR(10) NOT NULL DEFAULT 'window'")
    op.execute("ALTER TABLE editor_hold ADD COLUMN purpose TEXT")
    op.execute(
        """CREATE TABLE checkout (
            meeting_id VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES meeting (id) ON DELETE CASCADE,
            token TEXT NOT NULL,
            server TEXT NOT NULL,
            taken_by TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            fingerprint TEXT NOT NULL
        )"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE checkout")
    if op.get_bind().dialect.name == "sqlite":  # SQLite drops a column only since 3.35; batch mode copies
        with op.batch_alter_table("editor_hold") as batch:
            batch.drop_column("purpose")
            batch.drop_column("kind")
    else:
        op.execute("ALTER TABLE editor_hold DROP COLUMN purpose")
        op.execute("ALTER TABLE editor_hold DROP COLUMN kind")
