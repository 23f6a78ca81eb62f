"""Two real app processes on one database and one meeting (issue 17): the second window opens it
read-only and whatever is typed there never replaces the first window's text. The pseudo-terminal
harness is test_kill's."""

from __future__ import annotations

from test_kill import (  # noqa: F401  (db and imported are fixtures)
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
    saved_text,
    start_app,
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
