"""G-08's two-part meeting is one concept: the family attends the second part only (`family.attending`,
asked on the set-up screen). A part recorded for a person or an entry of a meeting held in one part makes
no part copy, no "Part attended" column and no "said in the professionals-only part" label; the person
form asks which part someone attended only in a two-part meeting."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from textual.widgets import Select

from mapm_tui.minutes import build_layout
from mapm_tui.minutes.recipients import recipients
from mapm_tui.vocabulary import is_two_part
from tests.minutes_fixtures import hampshire
from tests.pilot_helpers import wait_until
from tests.samples import load_sample


def two_part() -> dict:
    return load_sample("hampshire-two-part.json")["meeting"]


def held_in_one_part(attending: str) -> dict:
    """The two-part sample, with the family recorded as attending otherwise: its people and entries keep
    the parts recorded when it was planned in two parts."""
    m = copy.deepcopy(two_part())
    m["family"]["attending"] = attending
    return m


def test_the_sample_is_two_part_and_sends_part_copies():
    m = two_part()
    assert is_two_part(m)
    versions = {r.version for r in recipients(m)}
    assert "part_professionals" in versions


@pytest.mark.parametrize("attending", ["whole", "no", None])
def test_parts_recorded_in_a_meeting_held_in_one_part_make_no_part_copies(attending):
    m = held_in_one_part(attending)
    assert any(a.get("parts") in ("professionals", "family") for a in m["attendees"])  # still recorded
    assert not is_two_part(m)
    versions = {r.version for r in recipients(m) if not r.is_family}
    assert versions == {"full"}  # never "the minutes of the professionals-only part" of a meeting without one
    assert all(r.parts == "" for r in recipients(m))


@pytest.mark.parametrize("attending", ["whole", "no"])
def test_the_minutes_of_a_one_part_meeting_show_no_parts(attending):
    m = held_in_one_part(attending)
    lay = build_layout(m, hampshire())
    (att,) = lay.section("attendance").tables("attendance")
    assert "Part attended" not in att.columns
    text = "\n".join(lay.texts())
    assert "professionals-only part" not in text and "said with the family present" not in text


def test_the_minutes_of_a_two_part_meeting_show_the_parts():
    lay = build_layout(two_part(), hampshire())
    (att,) = lay.section("attendance").tables("attendance")
    assert "Part attended" in att.columns
    assert "said in the professionals-only part" in "\n".join(lay.texts())


async def _person_form(make_app, store, templates, attending: str | None):
    """Open the person form (ctrl+n) from the set-up screen of a draft meeting whose family attends so."""
    mid = store.create_meeting(templates["hampshire"], dt.date(2026, 11, 24))
    store.add_item(mid, "attendees", {"name": "Ann Nurse", "attendance": "invited", "parts": "professionals"})
    if attending:
        store.set_fields(mid, {"family.attending": attending})
    app = make_app()
    return app, mid


@pytest.mark.parametrize(("attending", "asked"), [("part_two", True), ("whole", False), (None, False)])
async def test_the_person_form_asks_the_part_only_in_a_two_part_meeting(make_app, store, templates, attending, asked):
    app, mid = await _person_form(make_app, store, templates, attending)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.store is not None and app.screen.__class__.__name__ == "HomeScreen")
        app.open_meeting(mid)
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "SetupScreen")
        table = app.screen.query_one("#people")
        table.focus()
        await pilot.press("enter")  # edit the highlighted person, every field
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PersonForm")
        assert bool(app.screen.query("#p-parts")) is asked
        if asked:
            assert app.screen.query_one("#p-parts", Select).value == "professionals"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "SetupScreen")
    # saved without the question: what was recorded is kept, not cleared
    assert store.load_meeting(mid)["attendees"][0]["parts"] == "professionals"


def test_the_review_warns_of_parts_recorded_in_a_meeting_held_in_one_part():
    from mapm_tui import rules

    planned = two_part()
    assert [f for f in rules.check_meeting(planned, hampshire()) if f.rule == "G-08"] == []
    m = held_in_one_part("whole")
    (finding,) = [f for f in rules.check_meeting(m, hampshire()) if f.rule == "G-08"]
    assert finding.severity == "warn" and finding.step == "setup"
    assert "3 people are recorded at one part only" in finding.message
    assert "not recorded as a two-part meeting" in finding.message
