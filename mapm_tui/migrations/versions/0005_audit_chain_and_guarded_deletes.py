"""The database refuses what would rewrite a record without a trace; the audit trail is a hash chain.

Guarded delete path
-------------------
0002/0003 refused UPDATE and DELETE on a final meeting's rows, but `INSERT OR REPLACE` deletes the row
it replaces *without firing delete triggers* (unless `recursive_triggers` is on, which a raw sqlite3
connection does not turn on), and with foreign keys on the delete cascades: a final meeting's entries,
attendees and actions vanished with no amendment and no audit event. Now:
- BEFORE INSERT triggers refuse an insert whose key would replace a final meeting's row (the meeting,
  or a child row by its pk); BEFORE UPDATE triggers refuse an `UPDATE OR REPLACE` that moves a key onto
  one. These fire whatever the connection's pragmas. The app's connections also turn `recursive_triggers`
  on (`db.py`), so REPLACE's own delete fires the delete triggers as a second guard.
- A final meeting may be deleted only by a purge (`retention.purge`): its newest audit event must be
  `purged` (written first, in the same transaction). No meeting of a case on legal hold may be deleted.
- The distribution record of a final meeting is appended to, never changed or deleted.

Status
------
A meeting's status moves only as design.md's table allows (draft → in_progress → in_review ⇄
in_progress, in_review → final, in_progress → draft). final → in_review is a reopen: refused unless the
meeting's newest amendment is the reopen's own status amendment (final → "in review", with a name and a
reason) written after the latest finalising, i.e. the reopen writes its amendment first, in the same
transaction. The amendment lock lets exactly that amendment into a final meeting.

Audit trail
-----------
Audit rows are append-only for every meeting: UPDATE and DELETE are refused, and so is an insert that
would replace one. Each event gets `os_user` (the operating-system user) and `hash`, a SHA-256 of the
previous event's hash and the event's own content (see `event_hash`; `audit.py` holds the same
definition and verifies the chain). Events already stored are chained here, oldest first.

Legal hold: `legalhold` lists case references that must not be purged (one row per case).

This revision imports no other migration: it is frozen as written.

PostgreSQL
----------
There is no INSERT OR REPLACE (a clashing key is a unique violation), so the no-replace and no-rekey
guards are not needed; the rest are PL/pgSQL trigger functions raising our own SQLSTATEs with the same
words: 23M01 final, 23M02 audit trail, 23M03 status move, 23M04 legal hold (the store maps each to its
typed error). The audit trail also refuses TRUNCATE, which skips row triggers.

Revision ID: 0005
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FINAL = "this meeting is final: reopen it with a reason before changing it"
AUDIT = "the audit trail is append-only: its events cannot be changed or deleted"
STATUS = "that status change is not one the meeting lifecycle allows"
HOLD = "this case is on legal hold: release the hold before deleting any of its meetings"
#: child tables of a meeting under the final lock (0002), and the distribution record (appended only)
LOCKED_CHILDREN = ("subject", "attendee", "entry", "action", "findingoverride", "amendment", "stepprogress")
GUARDED = (*LOCKED_CHILDREN, "distribution")
#: the status moves of design.md's table, except final -> in_review (a reopen, checked on its own)
MOVES = (
    ("draft", "in_progress"),
    ("in_progress", "in_review"),
    ("in_progress", "draft"),
    ("in_review", "in_progress"),
    ("in_review", "final"),
)
GENESIS = "0" * 64


def event_hash(prev: str, pk, meeting_id, at, by, os_user, kind, detail) -> str:
    """The chain hash of one audit event (a copy of `audit.event_hash` as of this revision)."""
    payload = json.dumps([pk, meeting_id, at, by, os_user, kind, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{payload}".encode()).hexdigest()


def _trigger(name: str, when_table: str, condition: str, message: str) -> str:
    return f"CREATE TRIGGER {name} {when_table} WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"


def _final(meeting_id: str) -> str:
    return f"(SELECT status FROM meeting WHERE id = {meeting_id}) = 'final'"


def _reopen_written() -> str:
    """The meeting's newest amendment is a reopen's status amendment, written since it was finalised."""
    return (
        "EXISTS (SELECT 1 FROM amendment AS a WHERE a.meeting_id = OLD.id "
        "AND a.pk = (SELECT max(pk) FROM amendment WHERE meeting_id = OLD.id) "
        "AND a.field = 'status' AND a.old = 'final' AND a.new = 'in review' "
        "AND trim(coalesce(a.reason, '')) <> '' AND trim(coalesce(a.by, '')) <> '' "
        "AND (OLD.finalised_at IS NULL OR julianday(a.at) >= julianday(OLD.finalised_at)))"
    )


TRIGGERS = {
    # -- the meeting row -----------------------------------------------------------------------------
    "meeting_final_no_replace": _trigger(
        "meeting_final_no_replace", "BEFORE INSERT ON meeting", _final("NEW.id"), FINAL
    ),
    "meeting_final_no_rekey": _trigger(
        "meeting_final_no_rekey", "BEFORE UPDATE OF id ON meeting", f"NEW.id <> OLD.id AND {_final('NEW.id')}", FINAL
    ),
    "meeting_status_moves": _trigger(
        "meeting_status_moves",
        "BEFORE UPDATE OF status ON meeting",
        "NEW.status IS NOT OLD.status AND NOT ("
        + " OR ".join(f"(OLD.status = '{a}' AND NEW.status = '{b}')" for a, b in MOVES)
        + ") AND OLD.status <> 'final'",  # moves out of final: 0003's lock and the reopen trigger below
        STATUS,
    ),
    "meeting_reopen_needs_amendment": _trigger(
        "meeting_reopen_needs_amendment",
        "BEFORE UPDATE OF status ON meeting",
        f"OLD.status = 'final' AND NEW.status = 'in_review' AND NOT {_reopen_written()}",
        FINAL,
    ),
    "meeting_final_no_delete": _trigger(
        "meeting_final_no_delete",
        "BEFORE DELETE ON meeting",
        "OLD.status = 'final' AND coalesce((SELECT kind FROM auditevent WHERE meeting_id = OLD.id "
        "ORDER BY pk DESC LIMIT 1), '') <> 'purged'",
        FINAL,
    ),
    "meeting_hold_no_delete": _trigger(
        "meeting_hold_no_delete",
        "BEFORE DELETE ON meeting",
        "EXISTS (SELECT 1 FROM legalhold WHERE case_ref = OLD.case_ref)",
        HOLD,
    ),
    # the amendment lock lets in exactly a reopen's own status amendment
    "amendment_final_no_insert": _trigger(
        "amendment_final_no_insert",
        'BEFORE INSERT ON "amendment"',
        f"{_final('NEW.meeting_id')} AND NOT (NEW.field = 'status' AND NEW.old = 'final' AND NEW.new = 'in review' "
        "AND trim(coalesce(NEW.reason, '')) <> '' AND trim(coalesce(NEW.by, '')) <> '')",
        FINAL,
    ),
    # -- the distribution record: appended to, never changed, once the meeting is final --------------
    "distribution_final_no_update": _trigger(
        "distribution_final_no_update", 'BEFORE UPDATE ON "distribution"', _final("OLD.meeting_id"), FINAL
    ),
    "distribution_final_no_delete": _trigger(
        "distribution_final_no_delete", 'BEFORE DELETE ON "distribution"', _final("OLD.meeting_id"), FINAL
    ),
    # -- the audit trail: append-only for every meeting -----------------------------------------------
    "auditevent_no_update": _trigger("auditevent_no_update", "BEFORE UPDATE ON auditevent", "1", AUDIT),
    "auditevent_no_delete": _trigger("auditevent_no_delete", "BEFORE DELETE ON auditevent", "1", AUDIT),
    "auditevent_no_replace": _trigger(
        "auditevent_no_replace",
        "BEFORE INSERT ON auditevent",
        "EXISTS (SELECT 1 FROM auditevent WHERE pk = NEW.pk)",
        AUDIT,
    ),
}
# a child row of a final meeting cannot be replaced by its pk, nor have another row's pk moved onto it
for _table in GUARDED:
    _target = f'(SELECT meeting_id FROM "{_table}" WHERE pk = NEW.pk)'
    TRIGGERS[f"{_table}_final_no_replace"] = _trigger(
        f"{_table}_final_no_replace", f'BEFORE INSERT ON "{_table}"', _final(_target), FINAL
    )
    TRIGGERS[f"{_table}_final_no_rekey"] = _trigger(
        f"{_table}_final_no_rekey",
        f'BEFORE UPDATE OF pk ON "{_table}"',
        f"NEW.pk <> OLD.pk AND {_final(_target)}",
        FINAL,
    )

#: 0002's triggers that this revision replaces, as 0002 made them (for the downgrade)
REPLACED_0002 = {
    "meeting_final_no_delete": _trigger(
        "meeting_final_no_delete", "BEFORE DELETE ON meeting", "OLD.status = 'final'", FINAL
    ),
    "amendment_final_no_insert": _trigger(
        "amendment_final_no_insert", 'BEFORE INSERT ON "amendment"', _final("NEW.meeting_id"), FINAL
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("auditevent") as batch:
        batch.add_column(sa.Column("os_user", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "legalhold",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=20000), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=True),
        sa.Column("at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("case_ref"),
    )

    # chain the events already stored, oldest first
    conn = op.get_bind()
    prev = GENESIS
    rows = conn.exec_driver_sql(
        "SELECT pk, meeting_id, at, by, os_user, kind, detail FROM auditevent ORDER BY pk"
    ).fetchall()
    for pk, meeting_id, at, by, os_user, kind, detail in rows:
        prev = event_hash(prev, pk, meeting_id, at, by, os_user, kind, detail)
        conn.execute(sa.text("UPDATE auditevent SET hash = :hash WHERE pk = :pk"), {"hash": prev, "pk": pk})

    if conn.dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    for name in REPLACED_0002:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in REPLACED_0002.values():
            op.execute(sql)
    op.drop_table("legalhold")
    with op.batch_alter_table("auditevent") as batch:
        batch.drop_column("hash")
        batch.drop_column("os_user")


# -- PostgreSQL -----------------------------------------------------------------------------------------
SQLSTATES = {FINAL: "23M01", AUDIT: "23M02", STATUS: "23M03", HOLD: "23M04"}


def _refuse(message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = '{SQLSTATES[message]}', MESSAGE = '{message}'"


def _function(name: str, body: str) -> str:
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\nEND $$"


def _pg_reopen_written() -> str:
    return (
        "EXISTS (SELECT 1 FROM amendment AS a WHERE a.meeting_id = OLD.id "
        "AND a.pk = (SELECT max(pk) FROM amendment WHERE meeting_id = OLD.id) "
        "AND a.field = 'status' AND a.old = 'final' AND a.new = 'in review' "
        "AND trim(coalesce(a.reason, '')) <> '' AND trim(coalesce(a.\"by\", '')) <> '' "
        "AND (OLD.finalised_at IS NULL OR a.at::timestamptz >= OLD.finalised_at::timestamptz))"
    )


def _upgrade_postgresql() -> None:
    moves = " OR ".join(f"(OLD.status = '{a}' AND NEW.status = '{b}')" for a, b in MOVES)
    op.execute(
        _function(
            "mapm_meeting_rules",
            f"""IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status AND OLD.status <> 'final'
    AND NOT ({moves}) THEN {_refuse(STATUS)}; END IF;
IF TG_OP = 'UPDATE' AND OLD.status = 'final' AND NEW.status = 'in_review' AND NOT {_pg_reopen_written()} THEN
    {_refuse(FINAL)};
END IF;
IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'final' AND coalesce((SELECT kind FROM auditevent WHERE meeting_id = OLD.id
        ORDER BY pk DESC LIMIT 1), '') <> 'purged' THEN {_refuse(FINAL)}; END IF;
    IF EXISTS (SELECT 1 FROM legalhold WHERE case_ref = OLD.case_ref) THEN {_refuse(HOLD)}; END IF;
    RETURN OLD;
END IF;
RETURN NEW;""",
        )
    )
    op.execute(
        "CREATE TRIGGER meeting_rules BEFORE UPDATE OR DELETE ON meeting "
        "FOR EACH ROW EXECUTE FUNCTION mapm_meeting_rules()"
    )
    # 0002's lock refused any delete of a final meeting: a purge may now delete it (the rule above)
    op.execute(
        _function(
            "mapm_meeting_final_lock",
            f"""IF TG_OP = 'UPDATE' AND OLD.status = 'final' AND (NEW.status <> 'in_review'
    OR to_jsonb(NEW) - 'status' - 'updated_at' IS DISTINCT FROM to_jsonb(OLD) - 'status' - 'updated_at') THEN
    {_refuse(FINAL)};
END IF;
IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
RETURN NEW;""",
        )
    )
    # the amendment lock lets in exactly a reopen's own status amendment
    op.execute(
        _function(
            "mapm_amendment_final_lock",
            f"""IF TG_OP = 'INSERT' AND (SELECT status FROM meeting WHERE id = NEW.meeting_id) = 'final'
    AND NOT (NEW.field = 'status' AND NEW.old = 'final' AND NEW.new = 'in review'
    AND trim(coalesce(NEW.reason, '')) <> '' AND trim(coalesce(NEW."by", '')) <> '') THEN {_refuse(FINAL)}; END IF;
IF TG_OP <> 'INSERT' AND (SELECT status FROM meeting WHERE id = OLD.meeting_id) = 'final' THEN {_refuse(FINAL)}; END IF;
IF TG_OP = 'UPDATE' AND (SELECT status FROM meeting WHERE id = NEW.meeting_id) = 'final' THEN {_refuse(FINAL)}; END IF;
IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
RETURN NEW;""",
        )
    )
    op.execute('DROP TRIGGER IF EXISTS amendment_final_lock ON "amendment"')
    op.execute(
        'CREATE TRIGGER amendment_final_lock BEFORE INSERT OR UPDATE OR DELETE ON "amendment" '
        "FOR EACH ROW EXECUTE FUNCTION mapm_amendment_final_lock()"
    )
    # the distribution record: appended to, never changed, once the meeting is final
    op.execute(
        _function(
            "mapm_distribution_final_lock",
            f"""IF (SELECT status FROM meeting WHERE id = OLD.meeting_id) = 'final' THEN {_refuse(FINAL)}; END IF;
IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
RETURN NEW;""",
        )
    )
    op.execute(
        'CREATE TRIGGER distribution_final_lock BEFORE UPDATE OR DELETE ON "distribution" '
        "FOR EACH ROW EXECUTE FUNCTION mapm_distribution_final_lock()"
    )
    # the audit trail: append-only for every meeting (TRUNCATE skips row triggers: refused on its own)
    op.execute(_function("mapm_audit_append_only", f"{_refuse(AUDIT)};"))
    op.execute(
        "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
        "FOR EACH ROW EXECUTE FUNCTION mapm_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION mapm_audit_append_only()"
    )


def _downgrade_postgresql() -> None:
    op.execute("DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent")
    op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
    op.execute("DROP FUNCTION IF EXISTS mapm_audit_append_only()")
    op.execute('DROP TRIGGER IF EXISTS distribution_final_lock ON "distribution"')
    op.execute("DROP FUNCTION IF EXISTS mapm_distribution_final_lock()")
    op.execute('DROP TRIGGER IF EXISTS amendment_final_lock ON "amendment"')
    op.execute("DROP FUNCTION IF EXISTS mapm_amendment_final_lock()")
    op.execute(
        'CREATE TRIGGER amendment_final_lock BEFORE INSERT OR UPDATE OR DELETE ON "amendment" '
        "FOR EACH ROW EXECUTE FUNCTION mapm_child_final_lock()"
    )
    op.execute("DROP TRIGGER IF EXISTS meeting_rules ON meeting")
    op.execute("DROP FUNCTION IF EXISTS mapm_meeting_rules()")
    final = f"RAISE EXCEPTION USING ERRCODE = '23M01', MESSAGE = '{FINAL}'"
    op.execute(  # 0003's lock, delete refused again
        _function(
            "mapm_meeting_final_lock",
            f"""IF TG_OP = 'DELETE' AND OLD.status = 'final' THEN {final}; END IF;
IF TG_OP = 'UPDATE' AND OLD.status = 'final' AND (NEW.status <> 'in_review'
    OR to_jsonb(NEW) - 'status' - 'updated_at' IS DISTINCT FROM to_jsonb(OLD) - 'status' - 'updated_at') THEN
    {final};
END IF;
IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
RETURN NEW;""",
        )
    )
