"""A final meeting is read-only in the database itself, not only in the app.

Triggers refuse any change to a final meeting's own rows. The meeting row may still change status
(a reopen moves it back to in_review); the distribution record and the audit trail live outside the lock.

Revision ID: 0002
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOCKED_CHILDREN = ("subject", "attendee", "entry", "action", "findingoverride", "amendment", "stepprogress")
MESSAGE = "this meeting is final: reopen it with a reason before changing it"


def upgrade() -> None:
    op.execute(
        f"""CREATE TRIGGER meeting_final_no_update BEFORE UPDATE ON meeting
        WHEN OLD.status = 'final' AND NEW.status = 'final'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    )
    op.execute(
        f"""CREATE TRIGGER meeting_final_no_delete BEFORE DELETE ON meeting
        WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    )
    for table in LOCKED_CHILDREN:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            op.execute(
                f"""CREATE TRIGGER {table}_final_no_{event.lower()} BEFORE {event} ON "{table}"
                WHEN (SELECT status FROM meeting WHERE id = {row}.meeting_id) = 'final'
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
            )
        # An UPDATE could also move a row into a final meeting.
        op.execute(
            f"""CREATE TRIGGER {table}_final_no_move BEFORE UPDATE ON "{table}"
            WHEN (SELECT status FROM meeting WHERE id = NEW.meeting_id) = 'final'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_update")
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_delete")
    for table in LOCKED_CHILDREN:
        for name in ("insert", "update", "delete", "move"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_final_no_{name}")
