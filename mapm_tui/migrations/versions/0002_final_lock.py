"""A final meeting is read-only in the database itself, not only in the app.

Triggers refuse any change to a final meeting's own rows. The meeting row may still change status
(a reopen moves it back to in_review); the distribution record and the audit trail live outside the lock.

On PostgreSQL the same rules are PL/pgSQL trigger functions that raise SQLSTATE 23M01 (FINAL_SQLSTATE)
with the same words; the store maps the code to MeetingLocked.

Revision ID: 0002
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOCKED_CHILDREN = ("subject", "attendee", "entry", "action", "findingoverride", "amendment", "stepprogress")
MESSAGE = "this meeting is final: reopen it with a reason before changing it"
#: the SQLSTATE of the final lock's refusal on PostgreSQL: class 23 (integrity constraint violation, as
#: SQLite's RAISE is a constraint error) with a subclass of our own, so drivers raise an IntegrityError
FINAL_SQLSTATE = "23M01"


def _refuse(sqlstate: str, message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = '{sqlstate}', MESSAGE = '{message}'"


def _upgrade_postgresql() -> None:
    refuse = _refuse(FINAL_SQLSTATE, MESSAGE)
    op.execute(
        f"""CREATE FUNCTION mapm_meeting_final_lock() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND OLD.status = 'final' THEN {refuse}; END IF;
            IF TG_OP = 'UPDATE' AND OLD.status = 'final' AND NEW.status = 'final' THEN {refuse}; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER meeting_final_lock BEFORE UPDATE OR DELETE ON meeting "
        "FOR EACH ROW EXECUTE FUNCTION mapm_meeting_final_lock()"
    )
    # a child row of a final meeting: not added, changed, deleted, nor moved into a final meeting
    op.execute(
        f"""CREATE FUNCTION mapm_child_final_lock() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND (SELECT status FROM meeting WHERE id = OLD.meeting_id) = 'final' THEN
                {refuse};
            END IF;
            IF TG_OP <> 'DELETE' AND (SELECT status FROM meeting WHERE id = NEW.meeting_id) = 'final' THEN
                {refuse};
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$"""
    )
    for table in LOCKED_CHILDREN:
        op.execute(
            f'CREATE TRIGGER {table}_final_lock BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION mapm_child_final_lock()"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
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
    if op.get_bind().dialect.name == "postgresql":
        for table in LOCKED_CHILDREN:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_final_lock ON "{table}"')
        op.execute("DROP TRIGGER IF EXISTS meeting_final_lock ON meeting")
        op.execute("DROP FUNCTION IF EXISTS mapm_child_final_lock()")
        op.execute("DROP FUNCTION IF EXISTS mapm_meeting_final_lock()")
        return
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_update")
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_delete")
    for table in LOCKED_CHILDREN:
        for name in ("insert", "update", "delete", "move"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_final_no_{name}")
