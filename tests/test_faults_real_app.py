"""Faults with the real app in a pseudo-terminal (issue 17; the harness is test_kill's).

Two app processes on one database and one meeting: the second window opens it read-only and whatever
is typed there never replaces the first window's text. A full disk (SQLITE_FULL faked at the driver call,
switched on by a flag file through a small bootstrap script) and then a closed terminal: the text typed is kept
in a recovery file beside the database."""

from __future__ import annotations

import sys

import pytest

from mapm_tui import recovery
from tests.test_kill import (  # noqa: F401  (db and imported are fixtures)
    ALT_RIGHT,
    CASE_REF,
    ENTER,
    FIELDS,
    STEP_OF,
    WAIT,
    db,
    imported,
    needs_pty,
    open_field,
    poll_saved,
    pty,
    saved_text,
    start_app,
    termios,
    type_text,
    unique_sentence,
)

CTRL_Q = b"\x11"


@needs_pty
def test_a_second_window_opens_the_meeting_read_only_and_cannot_overwrite_it(db, tmp_path):  # noqa: F811
    first_words = unique_sentence()
    second_words = unique_sentence()
    with start_app(db, tmp_path / "home-1") as first:
        open_field(first, "aim")
        type_text(first, first_words)
        assert poll_saved(db, "aim", first_words, timeout=WAIT) is not None

        with start_app(db, tmp_path / "home-2") as second:
            second.wait_for(CASE_REF)
            mark = second.mark()
            second.send(ENTER)
            found = second.wait_for_match(STEP_OF, since=mark)
            second.wait_for("READ-ONLY", since=mark)
            number, total = int(found.group(1)), int(found.group(2))
            while number < FIELDS["aim"]:
                number += 1
                second.press(ALT_RIGHT, f"Step {number} of {total}")
            mark = second.mark()
            second.send(second_words)  # a read-only field takes no text
            second.send(CTRL_Q)
            assert second.wait(timeout=WAIT) == 0
            assert second_words not in second.text(mark)

        assert second_words not in saved_text(db, "aim")
        assert first_words in saved_text(db, "aim")
        # the first window still holds the meeting and goes on saving
        more = unique_sentence()
        first.send(" " + more)  # wraps in the field: read back from the database, not the screen
        assert poll_saved(db, "aim", more, timeout=WAIT) is not None
        first.send(CTRL_Q)
        assert first.wait(timeout=WAIT) == 0
    assert first_words in saved_text(db, "aim") and more in saved_text(db, "aim")


#: the real app, whose writes fail with SQLITE_FULL (result code 13, as a full disk gives) once a flag file
#: exists: faked at the driver call, the store's boundary. (SQLite's own max_page_count does not serve here:
#: the sample's free pages take a long text without the file growing.)
FULL_DISK_BOOTSTRAP = """
import sys
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine

FLAG = Path({flag!r})

@event.listens_for(Engine, "do_execute")
def _full(cursor, statement, parameters, context):
    if FLAG.exists() and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        exc = {error}("database or disk is full")
        exc.sqlite_errorcode = 13
        raise exc

from mapm_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@needs_pty
@pytest.mark.skipif(not hasattr(termios if pty else None, "TIOCSCTTY"), reason="no TIOCSCTTY here")
@pytest.mark.parametrize(
    "error",
    # the driver's own error (sqlcipher3's), and a fault nobody foresaw: the text is kept either way
    ["context.dialect.dbapi.OperationalError", "RuntimeError"],
    ids=["full-disk", "unforeseen-fault"],
)
def test_a_closed_terminal_on_a_full_disk_keeps_the_text_in_a_recovery_file(db, tmp_path, error):  # noqa: F811
    flag = tmp_path / "disk-is-full"
    script = tmp_path / "full_disk_mapm.py"
    script.write_text(FULL_DISK_BOOTSTRAP.format(flag=str(flag), error=error), encoding="utf-8")
    words = unique_sentence() + " " + "The school will share attendance weekly. " * 10
    with start_app(db, tmp_path / "home", [sys.executable, str(script), "--db", str(db)]) as app:
        open_field(app, "aim")
        flag.touch()
        app.send(words)
        app.wait_for("NOT SAVED")
        app.hang_up()
        app.wait()
    assert words.strip() not in saved_text(db, "aim")
    kept = recovery.find(db)
    assert len(kept) == 1 and kept[0].path.parent == db.parent
    assert words.strip() in str(kept[0].changes["field:aim"])
