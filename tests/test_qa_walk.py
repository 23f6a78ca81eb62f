"""Defects found by using the integrated app as a chair would (QA, issue 10/11/17 promises), each with
the Pilot test that failed before its fix."""

from __future__ import annotations

from textual.widgets import Input

from mapm_tui import holds
from tests.test_capture_sources import SIZE, STEP, meeting_with_people, open_step, type_keys
from tests.test_holds import MEETING, db, dead_pid, other_window, two  # noqa: F401 (db, two: fixtures)

DRAFT = "Grandmother collects the boys from school every weekday and cooks tea"


async def test_a_key_typed_on_returning_to_a_draft_adds_to_it_rather_than_replacing_it(make_app, new_meeting, store):
    """The capture line's draft (kept when the terminal died mid-sentence, or when the chair left the
    step) came back selected: the next letter typed replaced the whole sentence, and the autosave
    then stored that letter in its place."""
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    store.save_draft(meeting_id, f"capture:{STEP}", DRAFT)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        field = pilot.app.screen.query_one("#capture", Input)
        assert field.has_focus and field.value == DRAFT
        await type_keys(pilot, " at five")
        assert field.value == DRAFT + " at five"


async def test_a_key_typed_when_editing_an_entry_adds_to_its_text(make_app, new_meeting, store):
    """Enter on an entry puts its text in the capture line to correct it: the first key typed must not
    replace the whole entry."""
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    store.add_item(meeting_id, "entries", {"kind": "strength", "text": DRAFT, "step": STEP})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        pilot.app.screen.query_one("#entries").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        field = pilot.app.screen.query_one("#capture", Input)
        assert field.has_focus and field.value == DRAFT
        await type_keys(pilot, " daily")
        assert field.value == DRAFT + " daily"


async def test_after_taking_over_a_stale_hold_the_step_on_show_can_be_typed_in(two, clock):  # noqa: F811
    """Reopening after the terminal was killed: the meeting is held by the dead window, so it opens
    read-only and offers a take-over. The step on show said "This meeting is final" (it was not), and
    after the take-over it stayed read-only: the chair could not type on it."""
    from textual.widgets import Label, TextArea

    from mapm_tui.app import MapmApp
    from tests.pilot_helpers import fill

    first, second = two
    holds.acquire(first.engine, MEETING, other_window(dead_pid()), first.hold_token, clock.utcnow())
    app = MapmApp(db=None, clock=clock, store=second, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(MEETING, "aim")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "AskText"
        [note] = app.screen_stack[-2].query(".read-only-note").results(Label)
        assert "final" not in str(note.content) and "Sam Chair" in str(note.content)
        assert note.size.width <= note.parent.content_size.width, "the note is cut at the screen's edge"
        await fill(pilot, "#ask-input", "The terminal was closed by accident.", submit=True)
        await pilot.pause()
        await pilot.pause()
        assert app.live.editable
        field = app.screen.query_one("#text-field", TextArea)
        assert not field.read_only
        assert not list(app.screen.query(".read-only-note"))


async def test_a_long_question_and_a_long_date_error_are_shown_whole(make_app):
    """The take-over question ('This meeting is held by … since Wed 2 De') and the new meeting's
    date error ('… try 20/11, 20 Nov, tue, next tue o') were cut at the dialog's edge."""
    from textual.widgets import Label

    from mapm_tui.screens.dialogs import AskText

    question = "This meeting is held by Sam Chair (sam) on LAPTOP-7 (process 4242), since Wed 2 Dec 2026 11:23, " * 2
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(AskText(question))
        await pilot.pause()
        label = app.screen.query(Label).first()
        assert label.size.width <= label.parent.content_size.width
        assert label.size.height * label.size.width >= len(question.rstrip())
        app.pop_screen()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        date = app.screen.query_one("#new-date", Input)
        date.value = "the day after the school fair"
        await pilot.pause()
        echo = app.screen.query_one("#new-date-echo", Label)
        shown = str(echo.content)
        assert "in 2 weeks" in shown
        assert echo.size.width <= echo.parent.content_size.width
        assert echo.size.height * echo.size.width >= len(shown)


def test_mapm_list_in_an_80_column_terminal_shows_every_id_and_date_whole(tmp_path, templates):
    """The minute-taker copies the id from `mapm list` into `mapm check ID`: at 80 columns (and when
    piped) it was cut to 'm-20261202-…' and the date broken over two lines."""
    from mapm_tui.bundle import import_bundle
    from mapm_tui.store import open_store
    from tests.cli_helpers import mapm
    from tests.samples import load_sample

    path = tmp_path / "meetings.db"
    store = open_store(path)
    ids = [import_bundle(store, load_sample(name), templates) for name in ("hampshire-planning.json",)]
    store.close()
    out = mapm("list", db=path, env={"COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    for meeting_id in ids:
        assert meeting_id in out.stdout, out.stdout
    assert "…" not in out.stdout
    assert all(len(line) <= 80 for line in out.stdout.splitlines())


async def test_the_demo_banner_is_read_whole_at_80_columns(make_app, store):
    """At 80×24 the demo's banner read '… unencrypted copy. Nothing': the sentence saying nothing is
    kept was cut."""
    from textual.widgets import Label

    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        badge = app.screen.query_one("#demo-badge", Label)
        assert "Nothing here is kept." in str(badge.content)
        assert badge.region.right <= app.screen.region.right
        assert badge.size.width * badge.size.height >= len(str(badge.content))


async def test_the_export_password_question_is_read_whole_at_80_columns(make_app):
    """F7 at 80×24: 'Type a password twice, or press Enter to' and 'by another way (a' were cut."""
    from textual.widgets import Label

    from mapm_tui.screens.password import AskPassword

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for required in (False, True):
            app.push_screen(AskPassword("the Word minutes", required))
            await pilot.pause()
            for label in app.screen.query(Label):
                text = str(label.content)
                assert label.size.width <= label.parent.content_size.width, text
                assert label.size.width * label.size.height >= len(text), text
            app.pop_screen()
            await pilot.pause()


async def test_no_label_on_any_step_runs_past_the_screen_edge(make_app, new_meeting, store):
    """At 120×40 the attendance step's hints read 'ctrl+n: the form (e-mail, advo' and '… s substitute
    · x': a label wider than its container is cut, never wrapped. Every label of every step, at both
    sizes, fits its container."""
    from textual.widgets import Label

    meeting_id, _ids = meeting_with_people(new_meeting, store)
    app = make_app()
    cut = []
    for size in ((120, 40), (80, 24)):
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            steps = None
            app.open_meeting(meeting_id, "attendance")
            await pilot.pause()
            steps = [s.key for s in app.live.steps]
            for key in steps:
                app.goto_step(key)
                await pilot.pause()
                for label in app.screen.query(Label):
                    if not label.display or not label.parent.display:
                        continue
                    if label.size.width > label.parent.content_size.width:
                        cut.append((size, key, str(label.content)[:60]))
        app = make_app()
    assert not cut, "\n".join(map(str, cut))
