"""Search rowids in date order: the newest meetings are found without reading every match.

0003 numbered meetings in the order they were added, so "the newest 50 meetings where the words appear"
had to read, count and rank every matching place first: a word that appears in tens of thousands of
entries (a minute-taker types "housing") cost as much as scanning the lot. Now a meeting's number comes
from its date:

    docid = day * 2**14 + n        day: days from 1 January 1900 to the meeting's date (0..131071)
                                   n:   0, 1, 2 … for the meetings of that day, in the order they were added
    rowid = docid * 2**32 + offset (a meeting field's code 1..31; a child row's 32 + pk * 8 + table code)

so FTS5, asked for the matches in descending rowid order, gives the newest meeting's places first and
can stop as soon as 50 meetings are seen. Word starts of 2 to 10 letters have lists of their own
(`PREFIXES`), so a word being typed is found without merging the places of every word it begins.
The index's contents, columns and triggers are otherwise those of 0003 (its tables of fields and
columns are reused from there). When a meeting's date changes, its rows are taken out and put back
under its new number, in the same transaction.

Limits, each refused with a sentence rather than a wrong result: 16,384 meetings on one date, and child
rows with a pk of 2**29 - 8 or more (half a billion rows).

This revision is frozen: what it needs of 0003 (the tables of fields and columns, and 0003's own upgrade,
which the downgrade runs) is copied here as it was, so a later edit of 0003 cannot change what this does.

PostgreSQL
----------
The same tables, rowids and docids (so the same order: newest first), with `search_index.words` a
`tsvector` (the 'simple' configuration: no stemming, no stop words, as FTS5's unicode61) over the body
folded as FTS5 folds it (`mapm_fold`: lower case, accents off with the `unaccent` extension, everything but
letters and digits a space) and a GIN index on it; word starts are matched with `:*` (search.py builds the
query). PL/pgSQL triggers keep it in step in the edit's own transaction; the two limits raise SQLSTATE
23M05 and 23M06. `unaccent` is a trusted extension: the database's owner may create it.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# -- copied from 0003 as it was (frozen) ----------------------------------------------------------------
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


def _text(columns, r: str) -> str:
    """The indexed text of some columns of row alias `r` (NEW, OLD or a table alias): the non-empty ones
    joined by " · " (so a snippet reads "Priya Lal · Housing officer · Brookvale Homes")."""
    if len(columns) == 1:
        return f"trim(coalesce({r}.{columns[0]}, ''))"
    parts = " || ".join(f"coalesce(nullif(trim({r}.{c}), '') || ' · ', '')" for c in columns)
    return f"trim({parts}, ' ·')"


def _insert(
    rowid: str, body: str, meeting_id: str, place: str, item: str, detail: str, source: str = "", alias: str = ""
) -> str:
    """INSERT one index row per source row whose text is not empty (0003's statement). Without `source` the
    expressions read NEW (a trigger); with it (e.g. `FROM meeting AS r`) they read every stored row (the
    backfill). `alias` names the inner query (PostgreSQL wants one; SQLite's statement has none)."""
    return (
        "INSERT INTO search_index (rowid, body, meeting_id, place, item, detail) "
        "SELECT rid, body, mid, place, item, detail FROM ("
        f"SELECT {rowid} AS rid, {body} AS body, {meeting_id} AS mid, {place} AS place, {item} AS item, "
        f"{detail} AS detail {source}){alias} WHERE body <> ''"
    )


# -------------------------------------------------------------------------------------------------------

#: a meeting's rows lie between docid * SPAN and docid * SPAN + SPAN - 1
SPAN = 1 << 32
#: meetings one date can hold: docid = day * PER_DAY + n
PER_DAY = 1 << 14
#: days from 1 January 1900 that a docid can hold; dates outside are kept at the ends
MAX_DAY = (1 << 17) - 1
#: word starts FTS5 keeps a list of places for. Every word typed is also looked for as the start of a
#: longer word; without a list for its length, FTS5 first merges the places of every word that starts so
#: (measured on 1,000,000 entries: 5-9 ms for "housing" or "speech language", against 0.1 ms with the
#: list). The lists make the index about twice as big; longer words typed in full are rare and cheap.
PREFIXES = "2 3 4 5 6 7 8 9 10"
#: a child row's pk must stay below this, or its rowid would reach the next meeting's
MAX_PK = (SPAN - 32) // 8 - 1

FULL_DAY = "the search index holds at most 16,384 meetings on one date: give this meeting another date"
BIG_PK = "the search index is full (half a billion rows): export the meetings and start a new database"


def _day(date: str) -> str:
    """The day number of a meeting date (SQL), within 0..MAX_DAY; an unreadable date counts as day 0."""
    return f"max(0, min({MAX_DAY}, coalesce(CAST(julianday({date}) - 2415020.5 AS INTEGER), 0)))"


def _next_docid(date: str) -> str:
    """The docid for one more meeting on `date`: after the last of that day."""
    first = f"({_day(date)} * {PER_DAY})"
    return (
        f"(SELECT coalesce(max(docid) + 1, {first}) FROM search_meeting "
        f"WHERE docid BETWEEN {first} AND {first} + {PER_DAY - 1})"
    )


def _day_is_full(date: str) -> str:
    first = f"({_day(date)} * {PER_DAY})"
    return (
        f"(SELECT max(docid) FROM search_meeting WHERE docid BETWEEN {first} AND {first} + {PER_DAY - 1}) "
        f"= {first} + {PER_DAY - 1}"
    )


def _base(meeting_id: str) -> str:
    return f"((SELECT docid FROM search_meeting WHERE meeting_id = {meeting_id}) * {SPAN})"


def _child_rowid(table: str, r: str) -> str:
    return f"{_base(f'{r}.meeting_id')} + 32 + {r}.pk * 8 + {CHILD_TABLES[table][0]}"


def _insert_meeting_field(code: int, name: str, columns, r: str, source: str = "", alias: str = "") -> str:
    return _insert(
        f"{_base(f'{r}.id')} + {code}", _text(columns, r), f"{r}.id", "'meeting'", f"'{name}'", "NULL", source, alias
    )


def _insert_child(table: str, r: str, source: str = "", alias: str = "") -> str:
    _code, item, detail, columns = CHILD_TABLES[table]
    return _insert(
        _child_rowid(table, r),
        _text(columns, r),
        f"{r}.meeting_id",
        f"'{table}'",
        item.format(r=r),
        detail.format(r=r),
        source,
        alias,
    )


def _index_meeting(meeting_id: str, alias: str = "") -> list[str]:
    """Statements that index every row of one meeting (its fields and its child rows)."""
    out = [
        _insert_meeting_field(code, name, cols, "m", f"FROM meeting AS m WHERE m.id = {meeting_id}", alias)
        for code, name, cols in MEETING_FIELDS
    ]
    out += [
        _insert_child(table, "c", f'FROM "{table}" AS c WHERE c.meeting_id = {meeting_id}', alias)
        for table in CHILD_TABLES
    ]
    return out


def _drop_0003() -> None:
    for _code, name, _cols in MEETING_FIELDS:
        op.execute(f"DROP TRIGGER IF EXISTS search_meeting_{name}")
    for name in ("insert", "delete", "date"):
        op.execute(f"DROP TRIGGER IF EXISTS search_meeting_{name}")
    for table in CHILD_TABLES:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{name}")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute("DROP TABLE IF EXISTS search_meeting")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    _drop_0003()
    op.execute("CREATE TABLE search_meeting (docid INTEGER PRIMARY KEY, meeting_id VARCHAR(64) NOT NULL UNIQUE)")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "body, meeting_id UNINDEXED, place UNINDEXED, item UNINDEXED, detail UNINDEXED, "
        f"tokenize = 'unicode61 remove_diacritics 2', prefix = '{PREFIXES}')"
    )

    on_insert = [
        f"SELECT RAISE(ABORT, '{FULL_DAY}') WHERE {_day_is_full('NEW.date')}",
        f"INSERT INTO search_meeting (docid, meeting_id) VALUES ({_next_docid('NEW.date')}, NEW.id)",
    ]
    on_insert += [_insert_meeting_field(code, name, cols, "NEW") for code, name, cols in MEETING_FIELDS]
    op.execute("CREATE TRIGGER search_meeting_insert AFTER INSERT ON meeting BEGIN " + "; ".join(on_insert) + "; END")
    op.execute(
        "CREATE TRIGGER search_meeting_delete AFTER DELETE ON meeting BEGIN "
        f"DELETE FROM search_index WHERE rowid BETWEEN {_base('OLD.id')} AND {_base('OLD.id')} + {SPAN - 1}; "
        "DELETE FROM search_meeting WHERE meeting_id = OLD.id; END"
    )
    # a new date: the meeting's rows move to the number of its new day (taken out, then indexed again)
    on_date = [
        f"DELETE FROM search_index WHERE rowid BETWEEN {_base('OLD.id')} AND {_base('OLD.id')} + {SPAN - 1}",
        "DELETE FROM search_meeting WHERE meeting_id = OLD.id",
        f"SELECT RAISE(ABORT, '{FULL_DAY}') WHERE {_day_is_full('NEW.date')}",
        f"INSERT INTO search_meeting (docid, meeting_id) VALUES ({_next_docid('NEW.date')}, NEW.id)",
        *_index_meeting("NEW.id"),
    ]
    op.execute(
        "CREATE TRIGGER search_meeting_date AFTER UPDATE OF date ON meeting "
        f"WHEN {_day('NEW.date')} IS NOT {_day('OLD.date')} BEGIN " + "; ".join(on_date) + "; END"
    )
    for code, name, cols in MEETING_FIELDS:
        op.execute(
            f"CREATE TRIGGER search_meeting_{name} AFTER UPDATE OF {', '.join(cols)} ON meeting BEGIN "
            f"DELETE FROM search_index WHERE rowid = {_base('OLD.id')} + {code}; "
            f"{_insert_meeting_field(code, name, cols, 'NEW')}; END"
        )
    for table, (_code, _item, _detail, cols) in CHILD_TABLES.items():
        extra = {"subject": ("position",), "entry": ("kind",)}.get(table, ())
        watched = ", ".join(("meeting_id", *extra, *cols))
        op.execute(
            f'CREATE TRIGGER search_{table}_insert AFTER INSERT ON "{table}" BEGIN '
            f"SELECT RAISE(ABORT, '{BIG_PK}') WHERE NEW.pk > {MAX_PK}; {_insert_child(table, 'NEW')}; END"
        )
        op.execute(
            f'CREATE TRIGGER search_{table}_update AFTER UPDATE OF {watched} ON "{table}" BEGIN '
            f"DELETE FROM search_index WHERE rowid = {_child_rowid(table, 'OLD')}; {_insert_child(table, 'NEW')}; END"
        )
        op.execute(
            f'CREATE TRIGGER search_{table}_delete AFTER DELETE ON "{table}" BEGIN '
            f"DELETE FROM search_index WHERE rowid = {_child_rowid(table, 'OLD')}; END"
        )

    # -- fill it from what is stored: each day's meetings numbered in the order they were added --------
    op.execute(
        "INSERT INTO search_meeting (docid, meeting_id) "
        f"SELECT {_day('date')} * {PER_DAY} + row_number() OVER (PARTITION BY {_day('date')} ORDER BY rowid) - 1, id "
        "FROM meeting"
    )
    for code, name, cols in MEETING_FIELDS:
        op.execute(_insert_meeting_field(code, name, cols, "m", "FROM meeting AS m"))
    for table in CHILD_TABLES:
        op.execute(_insert_child(table, "c", f'FROM "{table}" AS c'))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
        return
    _drop_0003()
    # 0003's own upgrade makes its index again (and its lock trigger, unchanged)
    _upgrade_0003()


# -- 0003's upgrade, as it was (frozen): the downgrade makes 0003's index again -------------------------
_V3_MESSAGE = "this meeting is final: reopen it with a reason before changing it"
#: every column of `meeting` as of 0003 except status and updated_at
_V3_LOCKED_COLUMNS = (
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
_V3_SPAN = 1 << 40


def _v3_base(meeting_id: str) -> str:
    return f"((SELECT docid FROM search_meeting WHERE meeting_id = {meeting_id}) * {_V3_SPAN})"


def _v3_child_rowid(table: str, r: str) -> str:
    return f"{_v3_base(f'{r}.meeting_id')} + 32 + {r}.pk * 8 + {CHILD_TABLES[table][0]}"


def _v3_insert_meeting_field(code: int, name: str, columns, r: str, source: str = "") -> str:
    return _insert(
        f"{_v3_base(f'{r}.id')} + {code}", _text(columns, r), f"{r}.id", "'meeting'", f"'{name}'", "NULL", source
    )


def _v3_insert_child(table: str, r: str, source: str = "") -> str:
    _code, item, detail, columns = CHILD_TABLES[table]
    return _insert(
        _v3_child_rowid(table, r),
        _text(columns, r),
        f"{r}.meeting_id",
        f"'{table}'",
        item.format(r=r),
        detail.format(r=r),
        source,
    )


def _v3_lock_trigger() -> str:
    new = ", ".join(f"NEW.{c}" for c in _V3_LOCKED_COLUMNS)
    old = ", ".join(f"OLD.{c}" for c in _V3_LOCKED_COLUMNS)
    return f"""CREATE TRIGGER meeting_final_no_update BEFORE UPDATE ON meeting
        WHEN OLD.status = 'final' AND (NEW.status <> 'in_review' OR ({new}) IS NOT ({old}))
        BEGIN SELECT RAISE(ABORT, '{_V3_MESSAGE}'); END"""


def _upgrade_0003() -> None:
    # -- the final lock: a reopen changes the status and nothing else ---------------------------------
    op.execute("DROP TRIGGER IF EXISTS meeting_final_no_update")
    op.execute(_v3_lock_trigger())

    # -- search ------------------------------------------------------------------------------------
    op.execute("CREATE TABLE search_meeting (docid INTEGER PRIMARY KEY, meeting_id VARCHAR(64) NOT NULL UNIQUE)")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "body, meeting_id UNINDEXED, place UNINDEXED, item UNINDEXED, detail UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )

    on_insert = ["INSERT INTO search_meeting (meeting_id) VALUES (NEW.id)"]
    on_insert += [_v3_insert_meeting_field(code, name, cols, "NEW") for code, name, cols in MEETING_FIELDS]
    op.execute("CREATE TRIGGER search_meeting_insert AFTER INSERT ON meeting BEGIN " + "; ".join(on_insert) + "; END")
    op.execute(
        "CREATE TRIGGER search_meeting_delete AFTER DELETE ON meeting BEGIN "
        f"DELETE FROM search_index WHERE rowid BETWEEN {_v3_base('OLD.id')} AND {_v3_base('OLD.id')} + "
        f"{_V3_SPAN - 1}; DELETE FROM search_meeting WHERE meeting_id = OLD.id; END"
    )
    for code, name, cols in MEETING_FIELDS:
        op.execute(
            f"CREATE TRIGGER search_meeting_{name} AFTER UPDATE OF {', '.join(cols)} ON meeting BEGIN "
            f"DELETE FROM search_index WHERE rowid = {_v3_base('OLD.id')} + {code}; "
            f"{_v3_insert_meeting_field(code, name, cols, 'NEW')}; END"
        )
    for table, (_code, _item, _detail, cols) in CHILD_TABLES.items():
        # the columns the indexed row is made of (a subject's item is its position)
        extra = {"subject": ("position",), "entry": ("kind",)}.get(table, ())
        watched = ", ".join(("meeting_id", *extra, *cols))
        op.execute(
            f'CREATE TRIGGER search_{table}_insert AFTER INSERT ON "{table}" BEGIN '
            f"{_v3_insert_child(table, 'NEW')}; END"
        )
        op.execute(
            f'CREATE TRIGGER search_{table}_update AFTER UPDATE OF {watched} ON "{table}" BEGIN '
            f"DELETE FROM search_index WHERE rowid = {_v3_child_rowid(table, 'OLD')}; "
            f"{_v3_insert_child(table, 'NEW')}; END"
        )
        op.execute(
            f'CREATE TRIGGER search_{table}_delete AFTER DELETE ON "{table}" BEGIN '
            f"DELETE FROM search_index WHERE rowid = {_v3_child_rowid(table, 'OLD')}; END"
        )

    # -- fill the index from what is already stored ---------------------------------------------------
    op.execute("INSERT INTO search_meeting (meeting_id) SELECT id FROM meeting ORDER BY rowid")
    for code, name, cols in MEETING_FIELDS:
        op.execute(_v3_insert_meeting_field(code, name, cols, "m", "FROM meeting AS m"))
    for table in CHILD_TABLES:
        op.execute(_v3_insert_child(table, "c", f'FROM "{table}" AS c'))


# -- PostgreSQL -----------------------------------------------------------------------------------------
FULL_DAY_SQLSTATE = "23M05"
BIG_PK_SQLSTATE = "23M06"


def _pg_refuse(sqlstate: str, message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = '{sqlstate}', MESSAGE = '{message}'"


def _pg_day_is_full(date: str) -> str:
    first = f"(mapm_day({date}) * {PER_DAY})"
    return (
        f"(SELECT max(docid) FROM search_meeting WHERE docid BETWEEN {first} AND {first} + {PER_DAY - 1}) "
        f"= {first} + {PER_DAY - 1}"
    )


def _pg_next_docid(date: str) -> str:
    first = f"(mapm_day({date}) * {PER_DAY})"
    return (
        f"(SELECT coalesce(max(docid) + 1, {first}) FROM search_meeting "
        f"WHERE docid BETWEEN {first} AND {first} + {PER_DAY - 1})"
    )


def _pg_function(name: str, body: str) -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\nEND $$"


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
    # text as FTS5's unicode61 tokenizer (remove_diacritics 2) sees it: lower case, no accents, words
    # of letters and digits separated by single spaces
    op.execute(
        "CREATE FUNCTION mapm_fold(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        "SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, body)), "
        "'[^[:alnum:]]+', ' ', 'g') $$"
    )
    # the day number of a meeting date, as 0004's SQLite expression (days from 1 January 1900, held
    # within 0..MAX_DAY; an unreadable date counts as day 0)
    op.execute(
        "CREATE FUNCTION mapm_day(d text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN "
        "IF d IS NULL THEN RETURN 0; END IF; "
        f"RETURN greatest(0, least({MAX_DAY}, d::date - date '1900-01-01')); "
        "EXCEPTION WHEN others THEN RETURN 0; END $$"
    )
    op.execute("CREATE TABLE search_meeting (docid BIGINT PRIMARY KEY, meeting_id VARCHAR(64) NOT NULL UNIQUE)")
    op.execute(
        "CREATE TABLE search_index (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL, meeting_id VARCHAR(64), "
        "place TEXT, item TEXT, detail TEXT, "
        "words TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, mapm_fold(body))) STORED)"
    )
    op.execute("CREATE INDEX search_index_words ON search_index USING gin (words)")
    alias = " AS found"
    span_old = f"{_base('OLD.id')} AND {_base('OLD.id')} + {SPAN - 1}"
    renumber = "\n".join(
        [
            f"IF {_pg_day_is_full('NEW.date')} THEN {_pg_refuse(FULL_DAY_SQLSTATE, FULL_DAY)}; END IF;",
            f"INSERT INTO search_meeting (docid, meeting_id) VALUES ({_pg_next_docid('NEW.date')}, NEW.id);",
            *(f"{statement};" for statement in _index_meeting("NEW.id", alias)),
        ]
    )
    fields = "\n".join(
        f"IF ROW({', '.join(f'NEW.{c}' for c in cols)}) IS DISTINCT FROM ROW({', '.join(f'OLD.{c}' for c in cols)}) "
        f"THEN DELETE FROM search_index WHERE rowid = {_base('OLD.id')} + {code}; "
        f"{_insert_meeting_field(code, name, cols, 'NEW', '', alias)}; END IF;"
        for code, name, cols in MEETING_FIELDS
    )
    op.execute(
        _pg_function(
            "mapm_search_meeting",
            f"""IF TG_OP = 'DELETE' THEN
    DELETE FROM search_index WHERE rowid BETWEEN {span_old};
    DELETE FROM search_meeting WHERE meeting_id = OLD.id;
    RETURN OLD;
END IF;
IF TG_OP = 'UPDATE' AND (mapm_day(NEW.date) <> mapm_day(OLD.date) OR NEW.id <> OLD.id) THEN
    DELETE FROM search_index WHERE rowid BETWEEN {span_old};
    DELETE FROM search_meeting WHERE meeting_id = OLD.id;
END IF;
IF TG_OP = 'INSERT' OR NOT EXISTS (SELECT 1 FROM search_meeting WHERE meeting_id = NEW.id) THEN
{renumber}
    RETURN NEW;
END IF;
{fields}
RETURN NEW;""",
        )
    )
    op.execute(
        "CREATE TRIGGER search_meeting AFTER INSERT OR UPDATE OR DELETE ON meeting "
        "FOR EACH ROW EXECUTE FUNCTION mapm_search_meeting()"
    )
    for table, (_code, _item, _detail, cols) in CHILD_TABLES.items():
        extra = {"subject": ("position",), "entry": ("kind",)}.get(table, ())
        watched = ("pk", "meeting_id", *extra, *cols)
        new = ", ".join(f"NEW.{c}" for c in watched)
        old = ", ".join(f"OLD.{c}" for c in watched)
        op.execute(
            _pg_function(
                f"mapm_search_{table}",
                f"""IF TG_OP = 'INSERT' AND NEW.pk > {MAX_PK} THEN {_pg_refuse(BIG_PK_SQLSTATE, BIG_PK)}; END IF;
IF TG_OP = 'UPDATE' AND ({new}) IS NOT DISTINCT FROM ({old}) THEN RETURN NEW; END IF;
IF TG_OP <> 'INSERT' THEN DELETE FROM search_index WHERE rowid = {_child_rowid(table, "OLD")}; END IF;
IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
{_insert_child(table, "NEW", "", alias)};
RETURN NEW;""",
            )
        )
        op.execute(
            f'CREATE TRIGGER search_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION mapm_search_{table}()"
        )
    # fill it from what is stored: each day's meetings numbered in the order they were made
    op.execute(
        "INSERT INTO search_meeting (docid, meeting_id) SELECT mapm_day(date) * "
        f"{PER_DAY} + row_number() OVER (PARTITION BY mapm_day(date) ORDER BY created_at, id) - 1, id FROM meeting"
    )
    for code, name, cols in MEETING_FIELDS:
        op.execute(_insert_meeting_field(code, name, cols, "m", "FROM meeting AS m", alias))
    for table in CHILD_TABLES:
        op.execute(_insert_child(table, "c", f'FROM "{table}" AS c', alias))


def _downgrade_postgresql() -> None:
    """Back to 0003, which on PostgreSQL has no search index (team mode came after it)."""
    for table in CHILD_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS search_{table} ON "{table}"')
        op.execute(f"DROP FUNCTION IF EXISTS mapm_search_{table}()")
    op.execute("DROP TRIGGER IF EXISTS search_meeting ON meeting")
    op.execute("DROP FUNCTION IF EXISTS mapm_search_meeting()")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute("DROP TABLE IF EXISTS search_meeting")
    op.execute("DROP FUNCTION IF EXISTS mapm_day(text)")
    op.execute("DROP FUNCTION IF EXISTS mapm_fold(text)")
