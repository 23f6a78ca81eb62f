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

Revision ID: 0004
"""

import importlib

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Alembic loads revision files by path; this imports 0003 as a module of the package for its tables
_0003 = importlib.import_module("mapm_tui.migrations.versions.0003_search_and_reopen_lock")
MEETING_FIELDS = _0003.MEETING_FIELDS
CHILD_TABLES = _0003.CHILD_TABLES
_text = _0003._text
#: one INSERT into the index per source row with text (the same statement as 0003's)
_insert = _0003._insert

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


def _index_meeting(meeting_id: str) -> list[str]:
    """Statements that index every row of one meeting (its fields and its child rows)."""
    out = [
        _insert_meeting_field(code, name, cols, "m", f"FROM meeting AS m WHERE m.id = {meeting_id}")
        for code, name, cols in MEETING_FIELDS
    ]
    out += [
        _insert_child(table, "c", f'FROM "{table}" AS c WHERE c.meeting_id = {meeting_id}') for table in CHILD_TABLES
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
    _drop_0003()
    # 0003's own upgrade makes its index again (and its lock trigger, unchanged)
    _0003.upgrade()
