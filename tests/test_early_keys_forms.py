"""Keys typed while a form or dialog is still opening reach the field the chair meant (screens/early_keys.py).

A real terminal delivers keys as fast as the chair types, whether or not the form has been built yet:
`burst` posts them to the app all at once, without waiting for any to be handled (Pilot's `press` waits
for each, which hid the bug: keys typed before the form had its focus were dropped, and a Tab among them
was undone by the form focusing its first field late, so the words after it went into the wrong field)."""

from __future__ import annotations

from textual import events

from mapm_tui.bundle import import_bundle
from tests.pilot_helpers import on_show, step_on_show, wait_until
from tests.samples import load_sample

SIZE = (120, 40)
NAMED_KEYS = {"tab": "\t", "space": " "}


def burst(app, keys: list[str]) -> None:
    """Post `keys` to the app as a terminal would deliver fast typing: all queued before any is handled."""
    for key in keys:
        character = key if len(key) == 1 else NAMED_KEYS.get(key)
        app.post_message(events.Key(key, character))


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    for _ in range(4):
        await pilot.pause()


async def open_step(pilot, store, templates, step: str) -> None:
    meeting = import_bundle(store, load_sample("hampshire-planning.json"), templates)
    pilot.app.open_meeting(meeting, step)
    await wait_until(pilot, lambda: step_on_show(pilot.app), "the step on show")


async def test_an_action_typed_straight_after_ctrl_n_lands_field_by_field(make_app, store, templates):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, store, templates, "plan")
        burst(app, ["ctrl+n", *typed("Refer Kim to housing"), "tab", *typed("dana")])
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ActionForm", "the action form")
        await settled(pilot)
        form = app.screen
        assert form.query_one("#a-description").text == "Refer Kim to housing"
        assert form.query_one("#a-owner").value == "dana"
        assert form.focused is form.query_one("#a-owner")


async def test_a_person_typed_straight_after_ctrl_n_lands_field_by_field(make_app, store, templates):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, store, templates, "attendance")
        burst(app, ["ctrl+n", *typed("Jo Example"), "tab", *typed("school nurse"), "tab", *typed("Health")])
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PersonForm", "the person form")
        await settled(pilot)
        form = app.screen
        assert [form.query_one(f"#p-{name}").value for name in ("name", "role", "agency")] == [
            "Jo Example",
            "school nurse",
            "Health",
        ]


async def test_a_search_typed_straight_after_the_slash_is_searched_whole(make_app, store, templates):
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the meetings list")
        await settled(pilot)
        burst(app, ["slash", *typed("housing")])
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SearchScreen", "the search")
        await settled(pilot)
        assert on_show(app, "#search-input").value == "housing"


async def test_a_new_meeting_typed_straight_after_n_keeps_its_case_reference(make_app, store, templates):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the meetings list")
        await settled(pilot)
        burst(app, ["n", "tab", *typed("EH-2026-0999"), "tab", *typed("Planning")])
        await wait_until(pilot, lambda: type(app.screen).__name__ == "NewMeetingDialog", "the new-meeting form")
        await settled(pilot)
        assert app.screen.query_one("#new-case").value == "EH-2026-0999"
        assert app.screen.query_one("#new-title-input").value == "Planning"
        assert app.screen.query_one("#new-date").value == "today"


async def test_a_field_opened_again_goes_on_where_its_text_ends(make_app, store, templates):
    """Back at a step or an action with text in it, the chair's next words follow that text."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, store, templates, "aim")
        field = on_show(app, "#text-field")
        before = field.text
        assert before, "the sample meeting has an aim"
        field.focus()
        await pilot.pause()
        await pilot.press(*typed(" More"))
        assert field.text == before + " More"
