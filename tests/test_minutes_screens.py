"""Sending the minutes from the review, by Pilot (issue 14): the deadlines beside the findings, the check
before sending (who gets what, what is risky), the outbox written and the distribution recorded, the
request for corrections, and the warning before the family copy is written."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from textual.widgets import Label

from mapm_tui.bundle import import_bundle
from mapm_tui.settings import Settings
from tests.pilot_helpers import screen_name
from tests.samples import load_sample

SIZE = (120, 40)


@pytest.fixture
def two_part(store, templates):
    """Hampshire, in two parts, in review, held Fri 20 Nov 2026 (the tests' clock says Tue 24 Nov)."""
    return import_bundle(store, load_sample("hampshire-two-part.json"), templates)


async def open_review(pilot, meeting_id: str) -> None:
    await pilot.pause()
    pilot.app.open_meeting(meeting_id)
    await pilot.pause()
    assert screen_name(pilot) == "ReviewScreen"


def text_of(pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).content)


async def test_the_review_shows_when_the_action_summary_and_minutes_are_due(make_app, two_part):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, two_part)
        due = text_of(pilot, "#deadlines")
        assert "Action summary to the agencies overdue: was due Mon 23 Nov 2026 (1 working day late)" in due
        assert "Minutes due Fri 11 Dec 2026 (13 working days left)" in due


async def test_send_shows_who_gets_what_writes_the_outbox_and_records_it(make_app, store, two_part, tmp_path):
    app = make_app(settings=Settings(export_folder=str(tmp_path / "exports")))
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, two_part)
        await pilot.press("s")
        await pilot.pause()
        assert screen_name(pilot) == "SendScreen"
        who = text_of(pilot, "#send-who")
        assert "PC Hannah Moore: Minutes of the professionals-only part, e-mail hannah.moore@" in who
        assert "Gemma Oakes: Family copy, by hand or post" in who
        assert text_of(pilot, "#send-warnings") == "Nothing risky found."
        await pilot.press("r")  # out for checking: corrections due in 10 working days
        await pilot.pause()
        assert "Corrections to the minutes due Tue 8 Dec 2026" in text_of(pilot, "#send-due")
        await pilot.press("o")
        await pilot.pause()
        result = text_of(pilot, "#send-result")
        assert "e-mail drafts" in result and "to give by hand or post" in result
        assert "(sent)" in text_of(pilot, "#send-who")
    folder = tmp_path / "exports" / "outbox-EH-2026-0388-2026-11-20"
    drafts = sorted(folder.glob("*.eml"))
    assert drafts
    msg = BytesParser(policy=policy.default).parsebytes(drafts[0].read_bytes())
    assert next(msg.iter_attachments()).get_filename().endswith(".docx")
    assert (folder / "next-review.ics").exists()
    m = store.load_meeting(two_part)
    assert {d["name"] for d in m["distribution"]} >= {"Nicola Hartley", "PC Hannah Moore"}
    assert m["extensions"]["mapm_minutes"]["accuracy"]["corrections_by"] == "2026-12-08"


async def test_the_family_copy_is_not_written_past_a_warning_without_a_yes(make_app, store, clock, two_part, tmp_path):
    store.add_item(
        two_part,
        "entries",
        {"kind": "information", "text": "Mum's new number is 07700 900123", "share_with_family": True},
    )
    app = make_app(settings=Settings(export_folder=str(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, two_part)
        await pilot.press("f8")
        await pilot.pause()
        assert screen_name(pilot) == "Confirm"
        assert "holds a phone number" in app.screen.question
        clock.advance(0.5)  # past the dialog's grace period (keys sooner than that are ignored)
        await pilot.press("enter")  # No has the focus (danger): nothing written
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
    assert not list(tmp_path.glob("*.docx"))


async def test_home_says_when_the_minutes_still_to_go_out_are_due(make_app, two_part):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        hint = str(app.screen.query_one("#home-hint").content)
        assert "Minutes due: EH-2026-0388 Fri 11 Dec 2026 (13 working days left)" in hint


async def test_the_chair_decides_to_share_a_free_text_field_with_the_family(make_app, store, two_part):
    from mapm_tui.minutes.extras import family_fields

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, two_part)
        await pilot.press("s")
        await pilot.pause()
        assert "i: Introductions: left out" in text_of(pilot, "#send-fields")
        await pilot.press("i")
        await pilot.pause()
        assert "i: Introductions: shared" in text_of(pilot, "#send-fields")
    assert family_fields(store.load_meeting(two_part)) == {"introductions"}
