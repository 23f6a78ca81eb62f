"""The minute-taker's review by Pilot: findings beside the minutes, jumping to a step and back,
finalising (refused, then allowed with an override), reopening with amendments, the Word minutes,
distribution, the next meeting, and search from the home screen."""

from __future__ import annotations

import docx
import pytest
from textual.widgets import Input, OptionList

from mapm_tui.bundle import import_bundle
from tests import keys
from tests.pilot_helpers import fill, screen_name, searched
from tests.samples import load_sample

SIZE = (120, 40)


@pytest.fixture
def calderdale(store, templates):
    """In review, one blocking finding: act-4 has no due date (G-31)."""
    return import_bundle(store, load_sample("calderdale-adult-disagreement.json"), templates)


@pytest.fixture
def hampshire(store, templates):
    """In review, nothing blocking."""
    return import_bundle(store, load_sample("hampshire-planning.json"), templates)


async def open_review(pilot, meeting_id: str) -> None:
    await pilot.pause()
    pilot.app.open_meeting(meeting_id)
    await pilot.pause()
    assert screen_name(pilot) == "ReviewScreen"


def findings_text(pilot) -> list[str]:
    table = pilot.app.screen.query_one("#findings", OptionList)
    return [str(table.get_option_at_index(i).prompt) for i in range(table.option_count)]


async def test_review_lists_blocking_findings_first_and_jumps_to_the_step(make_app, calderdale):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, calderdale)
        lines = findings_text(pilot)
        assert lines[0].startswith("BLOCKS G-31") and "Action 4" in lines[0]
        assert "block finalising" in str(app.screen.query_one("#findings-title").content)
        minutes = app.screen.query_one("#minutes", OptionList)
        assert any(
            "Aim of the meeting" in str(minutes.get_option_at_index(i).prompt) for i in range(minutes.option_count)
        )
        await pilot.press("enter")  # on the first finding
        await pilot.pause()
        assert screen_name(pilot) == "ActionsStep"
        await pilot.press("f9")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"


async def test_finalise_is_refused_while_something_blocks_then_allowed_with_an_override(make_app, store, calderdale):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, calderdale)
        await pilot.press("f5")
        await pilot.pause()
        await fill(pilot, "#ask-input", "Pat Minutes", submit=True)
        assert store.load_meeting(calderdale)["status"] == "in_review"  # refused
        app.screen.query_one("#findings", OptionList).focus()
        await pilot.press("o")
        await pilot.pause()
        await fill(pilot, "#ask-input", "The GP surgery sets the date; the chair will add it.", submit=True)
        assert findings_text(pilot)[0].startswith("OVERRIDE")
        await pilot.press("f5")
        await pilot.pause()
        await fill(pilot, "#ask-input", "Pat Minutes", submit=True)
        assert "FINAL" in str(app.screen.query_one("#review-status").content)
    m = store.load_meeting(calderdale)
    assert m["status"] == "final" and m["finalised_by"] == "Pat Minutes"
    [override] = m["finding_overrides"]
    assert override["rule"] == "G-31:action:act-4:due_date" and override["reason"].startswith("The GP surgery")


async def test_a_final_meeting_is_locked_in_the_database_itself(make_app, store, hampshire, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, hampshire)
        await pilot.press("f5")
        await pilot.pause()
        await fill(pilot, "#ask-input", "Pat Minutes", submit=True)
    assert store.load_meeting(hampshire)["status"] == "final"
    raw = keys.connect_raw(tmp_path / "test.db")
    with pytest.raises(keys.DatabaseError):
        raw.execute("UPDATE entry SET text = 'changed behind the app' WHERE meeting_id = ?", (hampshire,))
        raw.commit()
    raw.close()


async def test_reopen_and_amend_shows_in_the_word_minutes(make_app, store, hampshire, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, hampshire)
        await pilot.press("f5")
        await pilot.pause()
        await fill(pilot, "#ask-input", "Pat Minutes", submit=True)
        await pilot.press("f6")
        await pilot.pause()
        await fill(pilot, "#ask-input", "The aim left out Poppy.", submit=True)
        await fill(pilot, "#ask-input", "Pat Minutes", submit=True)
        assert app.live.status == "in_review"
        app.goto_step("aim")
        await pilot.pause()
        await fill(pilot, "#text-field", "To agree a plan for Riley and for Poppy.")
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        target = tmp_path / "out" / "minutes.docx"
        target.parent.mkdir()
        await fill(pilot, "#ask-input", str(target), submit=True)
        await fill(pilot, "#password", "", submit=True)  # no password
        assert target.exists()
    text = "\n".join(p.text for p in docx.Document(target).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(target).tables for row in t.rows for c in row.cells)
    assert "To agree a plan for Riley and for Poppy." in text
    assert "The aim left out Poppy." in text + cells  # the annex lists the amendment with its reason
    [amendment] = [a for a in store.load_meeting(hampshire)["amendments"] if a["field"] == "aim"]
    assert amendment["new"] == "To agree a plan for Riley and for Poppy." and amendment["by"] == "Pat Minutes"


async def test_existing_file_asks_before_replacing(make_app, hampshire, tmp_path, clock):
    target = tmp_path / "minutes.docx"
    target.write_bytes(b"the minute-taker's own edits")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, hampshire)
        await pilot.press("f7")
        await pilot.pause()
        await fill(pilot, "#ask-input", str(target), submit=True)
        assert screen_name(pilot) == "Confirm"
        clock.advance(0.5)  # past the dialog's grace period (keys sooner than that are ignored)
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
    assert target.read_bytes() == b"the minute-taker's own edits"


async def test_family_copy_withheld_says_why(make_app, calderdale, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, calderdale)
        await pilot.press("f8")
        await pilot.pause()
        await fill(pilot, "#ask-input", str(tmp_path / "family.docx"), submit=True)
    assert not (tmp_path / "family.docx").exists()


async def test_distribution_is_recorded(make_app, store, hampshire):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, hampshire)
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "#dist-name", "Westbrook Junior School")
        await fill(pilot, "#dist-method", "Secure email")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
    [sent] = store.load_meeting(hampshire)["distribution"]
    assert (sent["name"], sent["version"], sent["method"]) == ("Westbrook Junior School", "full", "Secure email")


async def test_next_meeting_carries_open_actions(make_app, store, hampshire, clock):
    before = store.load_meeting(hampshire)
    open_ids = [a["id"] for a in before["actions"] if a.get("status") not in ("done", "cancelled")]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, hampshire)
        await pilot.press("n")
        await pilot.pause()
        clock.advance(0.5)  # past the dialog's grace period (keys sooner than that are ignored)
        await pilot.press("y")
        await pilot.pause()
        assert screen_name(pilot) == "SetupScreen"
        new_id = app.live.id
    new = store.load_meeting(new_id)
    assert new["previous_meeting_id"] == hampshire and new["status"] == "draft"
    assert new["date"] == before["next_review"]["date"]
    assert [a["carried_from_action_id"] for a in new["actions"]] == open_ids
    assert all(a["attendance"] == "invited" for a in new["attendees"])


async def test_search_finds_a_word_typed_a_moment_ago(make_app, store, hampshire):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(hampshire, "identified_during")
        await pilot.pause()
        await fill(pilot, "#capture", "r: The trampoline in the garden is broken", submit=True)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert screen_name(pilot) == "SearchScreen"
        await fill(pilot, "#search-input", "trampol")
        results = app.screen.query_one("#search-results", OptionList)
        await searched(pilot)
        assert results.option_count == 1 and "trampoline" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert app.live.id == hampshire and screen_name(pilot) == "ReviewScreen"


async def test_overdue_actions_from_home(make_app, store, hampshire, clock):
    import datetime as dt

    clock.advance(dt.timedelta(days=60).total_seconds())  # Sat 23 Jan 2027: several actions are overdue now
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert screen_name(pilot) == "ActionsScreen"
        title = str(app.screen.query_one("#open-title").content)
        assert "overdue: 0" not in title and "Open actions:" in title


async def test_step_screens_kept_for_speed_never_show_stale_state(make_app, store, hampshire):
    """Step screens are kept while a meeting is open; after finalising they must be read-only, and an
    entry added on one visit must be listed on the next."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(hampshire, "identified_during")
        await pilot.pause()
        first = app.screen
        await fill(pilot, "#capture", "r: Added on the first visit", submit=True)
        await pilot.press("alt+right")
        await pilot.pause()
        await pilot.press("alt+left")
        await pilot.pause()
        assert app.screen is first  # the same screen, shown again
        app.live.store.add_item(
            hampshire, "entries", {"kind": "risk", "text": "Added elsewhere", "step": "identified_during"}
        )
        app.live.reload()
        await pilot.press("f9")
        await pilot.pause()
        app.goto_step("identified_during")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#entries")
        texts = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert any("Added elsewhere" in t for t in texts) and any("Added on the first visit" in t for t in texts)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await fill(pilot, "#ask-input", "Pat Minutes", submit=True)
        assert app.live.status == "final"
        app.goto_step("identified_during")
        await pilot.pause()
        assert app.screen is not first
        assert app.screen.query_one("#capture", Input).disabled


async def test_next_meeting_question_counts_only_what_will_be_carried(make_app, store, hampshire, clock):
    """The question counts the actions the next meeting would carry: not done or cancelled ones, and not
    those already carried into a later meeting (before, it counted every action not done or cancelled)."""
    from mapm_tui import lifecycle
    from mapm_tui.screens.dialogs import Confirm

    open_ids = [
        a["id"] for a in store.load_meeting(hampshire)["actions"] if a.get("status") not in ("done", "cancelled")
    ]
    assert len(open_ids) >= 2
    assert [a["id"] for a in lifecycle.actions_to_carry(store, hampshire)] == open_ids
    follower = lifecycle.next_meeting(store, hampshire)
    assert [a["carried_from_action_id"] for a in store.load_meeting(follower)["actions"]] == open_ids
    assert lifecycle.actions_to_carry(store, hampshire) == []  # each is carried forward already
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, hampshire)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        question = app.screen.question
        assert "No open action is left to carry over." in question and "will be carried over" not in question


async def test_a_review_with_nothing_to_put_right_opens_on_the_minutes(make_app, store, templates):
    """With no finding, the focus was on the empty findings list: Down and Enter did nothing, and the review
    looked stuck until Tab (80x24, by hand). It now starts on the minutes, where Enter jumps to a step."""
    clean = import_bundle(store, load_sample("hampshire-two-part.json"), templates)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot, clean)
        assert findings_text(pilot) == []
        assert app.focused is app.screen.query_one("#minutes", OptionList)
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert screen_name(pilot) != "ReviewScreen"  # a step of the meeting, to put something right
