"""Issue 10's "done when", for the fields part 3 made enterable: the content of a shipped sample bundle,
typed into the app by keys as a chair would (from the home screen: new meeting, set-up, the person form,
attendance marks, the agenda, F3), exports back with every one of those fields as the sample holds them.

Long text is set in the field directly, as if typed (pilot.press costs ~60 ms a key); every key that
moves, opens, chooses, marks or saves is pressed.
"""

from __future__ import annotations

from mapm_tui import bundle
from mapm_tui.participants import taking_part_as
from tests.pilot_helpers import choose, fill, screen_name
from tests.samples import load_sample

SIZE = (120, 40)
PERSON_FIELDS = ("name", "role", "agency", "email", "attendance", "substitute_for", "parts", "is_family", "is_expert")
MARK = {"present": "p", "written_contribution": "w", "apologies": "a", "absent": "x", "substitute": "s"}


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def type_person(pilot, person: dict) -> None:
    """The person form, from the invitees line: ctrl+n, each field, ctrl+s."""
    await press(pilot, "ctrl+n")
    assert screen_name(pilot) == "PersonForm"
    for field in ("name", "role", "agency", "email"):
        if person.get(field):
            await fill(pilot, f"#p-{field}", person[field])
    await choose(pilot, "#p-as", taking_part_as(person))
    if person.get("parts"):
        await choose(pilot, "#p-parts", person["parts"])
    await press(pilot, "ctrl+s")
    assert screen_name(pilot) == "SetupScreen"


async def test_a_two_part_meeting_typed_by_keys_exports_every_field_it_holds(make_app, store):
    sample = load_sample("hampshire-two-part.json")["meeting"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        # a new meeting from the home screen
        await pilot.pause()
        await press(pilot, "n")
        await choose(pilot, "#new-template", "hampshire")
        await fill(pilot, "#new-case", sample["case_ref"])
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "SetupScreen"
        meeting_id = app.live.id

        # set-up: the time as planned, three people as name, role and agency, the family's two parts
        await fill(pilot, "#f-start_time", sample["start_time"])
        for group in ("chair", "minute_taker", "authorised_by"):
            for field in ("name", "role", "agency"):
                await fill(pilot, f"#f-{group}--{field}", sample[group][field])
        await choose(pilot, "#f-family--informed_beforehand", True)
        await choose(pilot, "#f-family--attending", "part_two")
        await fill(pilot, "#f-family--not_attending_rationale", sample["family"]["not_attending_rationale"])
        app.screen.query_one("#person-input").focus()
        for person in sample["attendees"]:
            await type_person(pilot, person)

        # start; the attendance step: one key each, a substitute asked for whom
        await press(pilot, "f3")
        assert app.live.status == "in_progress"
        await press(pilot, "alt+right", "alt+right")
        assert app.screen.step.key == "attendance"
        app.screen.query_one("#people").focus()
        await pilot.pause()
        for person in sample["attendees"]:
            await press(pilot, MARK[person["attendance"]])
            if person["attendance"] == "substitute":
                assert screen_name(pilot) == "AskText"
                await fill(pilot, "#ask-input", person["substitute_for"], submit=True)
            await press(pilot, "down")

        # G-33: the review of the existing plan, six steps on
        await press(pilot, *["alt+right"] * 6)
        assert app.screen.step.key == "existing_plan"
        await fill(pilot, "#text-field", sample["existing_plan_reviewed"])

        # end (the fixed clock says 10:00, before the 13:30 start: no end time is written), then type it
        await press(pilot, "f3")
        app.clock.advance(1)
        await press(pilot, "y")
        assert app.live.status == "in_review"
        assert "end_time" not in store.load_meeting(meeting_id)
        await press(pilot, *["alt+left"] * 8)
        assert app.screen.step.key == "details"
        await fill(pilot, "#f-end_time", sample["end_time"])
        await press(pilot, "f10")

    got = bundle.export_bundle(store, meeting_id)["meeting"]
    for group in ("chair", "minute_taker", "authorised_by"):
        assert got[group] == sample[group], group
    for field in ("start_time", "end_time", "existing_plan_reviewed", "case_ref"):
        assert got[field] == sample[field], field
    assert got["family"] == sample["family"]

    def people(meeting: dict) -> list[dict]:
        return [{k: a[k] for k in PERSON_FIELDS if k in a} for a in meeting["attendees"]]

    assert people(got) == people(sample)


async def test_the_adult_samples_people_typed_in_the_form_export_back_whole(make_app, store):
    """An advocate (is_family, role says so), an expert adviser and an agency with a comma in it."""
    sample = load_sample("calderdale-adult-disagreement.json")["meeting"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press(pilot, "n")
        await choose(pilot, "#new-template", "calderdale")
        await press(pilot, "ctrl+s")
        meeting_id = app.live.id
        for group in ("chair", "minute_taker", "authorised_by"):
            for field in ("name", "role", "agency"):
                await fill(pilot, f"#f-{group}--{field}", sample[group][field])
        app.screen.query_one("#person-input").focus()
        for person in sample["attendees"]:
            await type_person(pilot, person)
        await press(pilot, "f10")
    got = bundle.export_bundle(store, meeting_id)["meeting"]
    for group in ("chair", "minute_taker", "authorised_by"):
        assert got[group] == sample[group], group
    fields = ("name", "role", "agency", "email", "is_family", "is_expert")
    assert [{k: a[k] for k in fields if k in a} for a in got["attendees"]] == [
        {k: a[k] for k in fields if k in a} for a in sample["attendees"]
    ]
    assert "," in got["attendees"][5]["agency"]
