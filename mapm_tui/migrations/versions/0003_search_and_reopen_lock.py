"""Full-text search over meetings (SQLite FTS5), kept in step by triggers; a tighter final lock.

Search
------
`search_index` is an FTS5 table with one row per searchable *place*: a meeting field (case ref, title,
aim, chair …), a subject, an attendee, an entry or an action. Its columns are `body` (the indexed text)
and, unindexed, `meeting_id`, `place` ('meeting', 'subject', 'attendee', 'entry', 'action'), `item`
(the meeting field's name, or the item's id; a subject's position) and `detail` (an entry's kind).

Each row has a stable rowid, so a trigger can replace exactly the row an edit changed, and the rowid says
which meeting it belongs to (a search groups its matches by meeting without reading any stored text):
    rowid = docid * 2**40 + offset
`docid` comes from `search_meeting`, a small table that gives each meeting a stable integer (the meeting
table's own rowid may change on VACUUM, and its key is text). The offset of a meeting field is its code
(1..31); that of a child row is `32 + pk * 8 + table code` (child tables have an INTEGER PRIMARY KEY, which
never changes; table codes 0..3). So `rowid >> 40` is the meeting's docid, and all of a meeting's rows lie
in one rowid range.

The triggers run in the same transaction as the edit, so a word typed a moment ago is found at once.
These tables and triggers live outside SQLModel's metadata: `migrations.include_name` keeps Alembic's
autogenerate from proposing to drop them. The migration fills the index from the data already stored.

Final lock
----------
0002 let any UPDATE through that moved a final meeting's status away from final, so a single raw
statement could "reopen" a meeting *and* change its aim. Now a final meeting's row may change only its
status (to in_review: a reopen) and `updated_at`; every other column must stay as it was. A migration
that adds a column to `meeting` must add it to `LOCKED_COLUMNS` and recreate the trigger.

PostgreSQL
----------
The lock is 0002's PL/pgSQL function, replaced: a final meeting's row may change its status to in_review
and its `updated_at`, every other column (all of them, compared as the whole row, so a later column is
locked too) must stay; refused with SQLSTATE 23M01. The search index on PostgreSQL is made by 0004 (team
mode came after both: no PostgreSQL database was ever at this revision).

Revision ID: 0003
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "this meeting is final: reopen it with a reason before changing it"

#: every column of `meeting` as of this revision except status and updated_at
LOCKED_COLUMNS = (
    "id",
    "case_ref",
    "title",
    "template",
    "template_snapshot",
    "meeting_type",
    "other_procedure",
    "other_procedure_reason",
    "date",
    "start_time",
    "end_time",
    "venue",
    "convening_agency",
    "chair_name",
    "chair_role",
    "chair_agency",
    "minute_taker_name",
    "minute_taker_role",
    "minute_taker_agency",
    "authorised_by_name",
    "authorised_by_role",
    "authorised_by_agency",
    "reasons",
    "reasons_detail",
    "aim",
    "introductions",
    "existing_plan_reviewed",
    "legislation_considered",
    "family_informed_beforehand",
    "family_not_informed_reason",
    "family_agencies_agreed_not_to_inform",
    "family_objected",
    "family_objection_response",
    "family_attending",
    "family_not_attending_rationale",
    "family_meeting_considered",
    "family_meeting_outcome",
    "lead_name",
    "lead_agency",
    "lead_changed",
    "lead_note",
    "disagreement_any",
    "disagreement_summary",
    "disagreement_escalation",
    "feedback_by_attendee_id",
    "feedback_by_name",
    "feedback_by_date",
    "feedback_method",
    "feedback_not_needed_reason",
    "sharing_share_with_family",
    "sharing_reason_not_shared",
    "sharing_fii_concern",
    "sharing_senior_consulted",
    "review_required",
    "review_date",
    "review_time",
    "review_venue",
    "review_reason_not_required",
    "previous_meeting_id",
    "finalised_at",
    "finalised_by",
    "protective_marking",
    "extensions",
    "bundle_extensions",
    "started_at",
    "ended_at",
    "part_two_started_at",
    "created_at",
)

#: meeting fields that are searched: (code, item name, columns joined into the indexed text)
MEETING_FIELDS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "case_ref", ("case_ref",)),
    (2, "title", ("title",)),
    (3, "aim", ("aim",)),
    (4, "reasons_detail", ("reasons_detail",)),
    (5, "introductions", ("introductions",)),
    (6, "existing_plan_reviewed", ("existing_plan_reviewed",)),
    (7, "legislation_considered", ("legislation_considered",)),
    (8, "other_procedure_reason", ("other_procedure_reason",)),
    (9, "convening_agency", ("convening_agency",)),
    (10, "venue", ("venue",)),
    (11, "chair", ("chair_name", "chair_role", "chair_agency")),
    (12, "minute_taker", ("minute_taker_name", "minute_taker_role", "minute_taker_agency")),
    (13, "authorised_by", ("authorised_by_name", "authorised_by_role", "authorised_by_agency")),
    (14, "family", ("family_not_informed_reason", "family_objection_response", "family_not_attending_rationale")),
    (15, "family_meeting", ("family_meeting_outcome",)),
    (16, "lead_practitioner", ("lead_name", "lead_agency", "lead_note")),
    (17, "disagreement", ("disagreement_summary", "disagreement_escalation")),
    (18, "feedback_to_family", ("feedback_by_name", "feedback_method", "feedback_not_needed_reason")),
    (19, "minutes_sharing", ("sharing_reason_not_shared", "sharing_senior_consulted")),
    (20, "next_review", ("review_venue", "review_reason_not_required")),
)

#: child tables that are searched: table -> (code, item expression, detail expression, columns of the text)
CHILD_TABLES = {
    "subject": (0, "CAST({r}.position AS TEXT)", "NULL", ("name",)),
    "attendee": (1, "{r}.id", "NULL", ("name", "role", "agency", "substitute_for")),
    "entry": (2, "{r}.id", "{r}.kind", ("text", "source_agency")),
    "action": (3, "{r}.id", "NULL", ("description", "success_measure", "owner_name", "agency", "progress_note")),
}
#: 2**40: a meeting's rows lie between docid * SPAN and docid * SPAN + SPAN - 1
SPAN = 1 << 40


def _text(columns, r: str) -> str:
    """The indexed text of some columns of row alias `r` (NEW, OLD or a table alias): the non-empty ones
    joined by " · " (so a snippet reads "Priya Lal · Housing officer · Brookvale Homes")."""
    if len(columns) == 1:
        return f"trim(coalesce({r}.{columns[0]}, ''))"
    parts = " || ".join(f"coalesce(nullif(trim({r}.{c}), '') || ' · ', '')" for c in columns)
    return f"trim({parts}, ' ·')"


def _base(meeting_id: str) -> str:
    """The first rowid of a meeting's rows."""
    return f"((SELECT docid FROM search_meeting WHERE meeting_id = {meeting_id}) * {SPAN})"


def _child_rowid(table: str, r: str) -> str:
    return f"{_base(f'{r}.meeting_id')} + 32 + {r}.pk * 8 + {CHILD_TABLES[table][0]}"


def _insert(rowid: str, body: str, meeting_id: str, place: str, item: str, detail: str, source: str = "") -> str:
    """INSERT one index row per source row whose text is not empty. Without `source` the expressions
    read NEW (a trigger); with it (e.g. `FROM meeting AS r`) they read every stored row (the backfill)."""
    return (
        "INSERT INTO search_index (rowid, body, meeting_id, place, item, detail) "
        "SELECT rid, body, mid, place, item, detail FROM ("
        f"SELECT {rowid} AS rid, {body} AS body, {meeting_id} AS mid, {place} AS place, {item} AS item, "
        f"{detail} AS detail {source}) WHERE body <> ''"
    )


def _insert_meeting_field(code: int, name: str, columns, r: str, source: str = "") -> str:
    return _insert(
        f"{_base(f'{r}.id')} + {code}", _text(columns, r), f"{r}.id", "'meeting'", f"'{name}'", "NULL", source
    )


def _insert_child(table: str, r: str, source: str = "") -> str:
    _code, item, detail, columns = CHILD_TABLES[table]
    return _insert(
        _child_rowid(table, r),
        _text(columns, r),
        f"{r}.meeting_id",
        f"'{table}'",
        item.format(r=r),
        detail.format(r=r),
        source,
    )


def _lock_trigger() -> str:
    new = ", ".join(f"NEW.{c}" for c in LOCKED_COLUMNS)
    old = ", ".join(f"OLD.{c}" for c in LOCKED_COLUMNS)
    return f"""CREATE TRIGGER meeting_final_no_update BEFORE UPDATE ON meeting
        WHEN OLD.status = 'final' AND (NEW.status <> 'in_review' OR ({new}) IS NOT ({old}))
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""


FINAL_SQLSTATE = "23M01"


def _meeting_lock_postgresql(update_rule: str) -> str:
    refuse = f"RAISE EXCEPTION USING ERRCODE = '{FINAL_SQLSTATE}', MESSAGE = '{MESSAGE}'"
    return f"""CREATE OR REPLACE FUNCTION mapm_meeting_final_lock() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND OLD.status = 'final' THEN {refuse}; END IF;
            IF TG_OP = 'UPDATE' AND OLD.status = 'final' AND ({update_rule}) THEN {refuse}; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$"""


#: a reopen changes the status (to in_review) and updated_at, nothing else
REOPEN_ONLY = (
    "NEW.status <> 'in_review' "
    "OR to_jsonb(NEW) - 'status' - 'updated_at' IS DISTINCT FROM to_jsonb(OLD) - 'status' - 'updated_at'"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_meeting_lock_postgresql(REOPEN_ONLY))
        return
    # -- the final lock: a reopen changes the status and nothing else ---------------------------------
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_update")
    op.execute(_lock_trigger())

    # -- search ------------------------------------------------------------------------------------
    op.execute("CREATE TABLE search_meeting (docid INTEGER PRIMARY KEY, meeting_id VARCHAR(64) NOT NULL UNIQUE)")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "body, meeting_id UNINDEXED, place UNINDEXED, item UNINDEXED, detail UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )

    on_insert = ["INSERT INTO search_meeting (meeting_id) VALUES (NEW.id)"]
    on_insert += [_insert_meeting_field(code, name, cols, "NEW") for code, name, cols in MEETING_FIELDS]
    op.execute("CREATE TRIGGER search_meeting_insert AFTER INSERT ON meeting BEGIN " + "; ".join(on_insert) + "; END")
    op.execute(
        "CREATE TRIGGER search_meeting_delete AFTER DELETE ON meeting BEGIN "
        f"DELETE FROM search_index WHERE rowid BETWEEN {_base('OLD.id')} AND {_base('OLD.id')} + {SPAN - 1}; "
        "DELETE FROM search_meeting WHERE meeting_id = OLD.id; END"
    )
    for code, name, cols in MEETING_FIELDS:
        op.execute(
            f"CREATE TRIGGER search_meeting_{name} AFTER UPDATE OF {', '.join(cols)} ON meeting BEGIN "
            f"DELETE FROM search_index WHERE rowid = {_base('OLD.id')} + {code}; "
            f"{_insert_meeting_field(code, name, cols, 'NEW')}; END"
        )
    for table, (_code, _item, _detail, cols) in CHILD_TABLES.items():
        # the columns the indexed row is made of (a subject's item is its position)
        extra = {"subject": ("position",), "entry": ("kind",)}.get(table, ())
        watched = ", ".join(("meeting_id", *extra, *cols))
        op.execute(
            f'CREATE TRIGGER search_{table}_insert AFTER INSERT ON "{table}" BEGIN {_insert_child(table, "NEW")}; END'
        )
        op.execute(
            f'CREATE TRIGGER search_{table}_update AFTER UPDATE OF {watched} ON "{table}" BEGIN '
            f"DELETE FROM search_index WHERE rowid = {_child_rowid(table, 'OLD')}; {_insert_child(table, 'NEW')}; END"
        )
        op.execute(
            f'CREATE TRIGGER search_{table}_delete AFTER DELETE ON "{table}" BEGIN '
            f"DELETE FROM search_index WHERE rowid = {_child_rowid(table, 'OLD')}; END"
        )

    # -- fill the index from what is already stored ---------------------------------------------------
    op.execute("INSERT INTO search_meeting (meeting_id) SELECT id FROM meeting ORDER BY rowid")
    for code, name, cols in MEETING_FIELDS:
        op.execute(_insert_meeting_field(code, name, cols, "m", "FROM meeting AS m"))
    for table in CHILD_TABLES:
        op.execute(_insert_child(table, "c", f'FROM "{table}" AS c'))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_meeting_lock_postgresql("NEW.status = 'final'"))  # 0002's rule
        return
    for _code, name, _cols in MEETING_FIELDS:
        op.execute(f"DROP TRIGGER IF EXISTS search_meeting_{name}")
    for name in ("insert", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS search_meeting_{name}")
    for table in CHILD_TABLES:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{name}")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute("DROP TABLE IF EXISTS search_meeting")
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_update")
    op.execute(
        f"""CREATE TRIGGER meeting_final_no_update BEFORE UPDATE ON meeting
        WHEN OLD.status = 'final' AND NEW.status = 'final'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    )
