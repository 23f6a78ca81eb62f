"""The capture line as the chair meets it (issue 10, parts 1 and 2): no text is cut or silently changed
by an `@` or a prefix, who said it is shown before Enter and never carried to the next entry, and a
source can be an agency alone. By Pilot, through the keys a chair presses."""

from __future__ import annotations

import string

from textual.widgets import Input, Label

from mapm_tui import capture
from tests.pilot_helpers import fill, screen_name

SIZE = (120, 40)
STEP = "identified_during"  # an entries step of the Hampshire agenda: strengths, needs and risks

PEOPLE = [
    {"name": "Dawn Ashcroft", "role": "Chair, early help hub", "agency": "Children's Services"},
    {"name": "Jo Bloggs", "role": "Family worker", "agency": "Early Help"},
    {"name": "Kim Lee", "role": "School nurse", "agency": "Community Health Trust"},
    {"name": "Ravi Patel", "role": "GP", "agency": "Community Health Trust"},
    {"name": "Jo Smith", "role": "Class teacher", "agency": "Northfield Primary"},
]


def meeting_with_people(new_meeting, store) -> tuple[str, dict[str, str]]:
    meeting_id = new_meeting("hampshire")
    ids = {p["name"]: store.add_item(meeting_id, "attendees", {**p, "attendance": "present"}) for p in PEOPLE}
    return meeting_id, ids


async def open_step(pilot, meeting_id: str, step: str = STEP) -> None:
    await pilot.pause()
    pilot.app.open_meeting(meeting_id, step)
    await pilot.pause()


def shown(pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).content)


async def type_keys(pilot, text: str) -> None:
    """Press a key for each character, as the terminal reports it (Textual's xterm parser gives the
    character itself; `pilot.press` looks a symbol up by its Unicode name and drops £, —, « and emoji)."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for ch in text:
        event = events.Key(ch if ch.isalnum() else _character_to_key(ch), ch)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def entries(store, meeting_id: str) -> list[dict]:
    return store.load_meeting(meeting_id).get("entries", [])


# -- nothing cut, nothing silently changed ------------------------------------------------------------
async def test_an_email_address_is_text_not_a_mention(make_app, new_meeting, store):
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    sentence = "Son emailed owen.e@example.org to say the gas was capped on Friday"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await fill(pilot, "#capture", sentence)
        assert shown(pilot, "#capture-from").startswith("From: not named")
        await pilot.press("enter")
        await pilot.pause()
    [entry] = entries(store, meeting_id)
    assert entry["text"] == sentence
    assert entry.get("source_attendee_id") is None and entry.get("source_agency") is None


async def test_every_punctuation_mark_and_unicode_typed_by_keys_is_stored_exactly(make_app, new_meeting, store):
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    typed = (
        f"Said {string.punctuation} and {' '.join(string.punctuation)} @ £5 each; "
        "Zoë’s café — naïve «ok» مرحبا بك 😀👍🏽 你好 ok @ kim"
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await type_keys(pilot, typed)
        assert app.screen.query_one("#capture", Input).value == typed
        assert shown(pilot, "#capture-kind") == "New: Strength"  # no prefix read from the text
        await pilot.press("enter")
        await pilot.pause()
    [entry] = entries(store, meeting_id)
    assert entry["text"] == typed and entry["kind"] == "strength"
    assert entry.get("source_attendee_id") is None and entry.get("source_agency") is None


async def test_a_typed_prefix_is_shown_before_enter(make_app, new_meeting, store):
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await fill(pilot, "#capture", "r: Dad drives after drinking")
        assert shown(pilot, "#capture-kind") == "New: Risk (typed “r:”, not stored)"
        await fill(pilot, "#capture", "Dad: I'm fine")
        assert shown(pilot, "#capture-kind") == "New: Strength"


# -- who said it ----------------------------------------------------------------------------------------
async def test_a_trailing_mention_is_shown_before_enter_and_not_stored_in_the_text(make_app, new_meeting, store):
    meeting_id, ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await fill(pilot, "#capture", "Sam was late four times this term @kim")
        assert shown(pilot, "#capture-from").startswith("From: Kim Lee (School nurse, Community Health Trust)")
        await pilot.press("enter")
        await pilot.pause()
    [entry] = entries(store, meeting_id)
    assert entry["text"] == "Sam was late four times this term"
    assert entry["source_attendee_id"] == ids["Kim Lee"] and entry["source_agency"] == "Community Health Trust"


async def test_from_does_not_stick_to_the_next_entry(make_app, new_meeting, store):
    meeting_id, ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await fill(pilot, "#capture", "Mum is warm with Sam @kim", submit=True)
        assert shown(pilot, "#capture-from").startswith("From: not named")
        await fill(pilot, "#capture", "Nobody knows who collects Sam", submit=True)
    first, second = entries(store, meeting_id)
    assert first["source_attendee_id"] == ids["Kim Lee"]
    assert second.get("source_attendee_id") is None and second.get("source_agency") is None


async def test_one_key_clears_from_and_keeps_the_words(make_app, new_meeting, store):
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        assert "^r\u00a0Clear From" in str(app.screen.query_one("KeyBar").render()).replace("ctrl+r", "^r")
        await fill(pilot, "#capture", "Messages go to @kim")
        assert shown(pilot, "#capture-from").startswith("From: Kim Lee")
        await pilot.press("ctrl+r")
        assert shown(pilot, "#capture-from").startswith("From: not named")
        await pilot.press("enter")
        await pilot.pause()
    [entry] = entries(store, meeting_id)
    assert entry["text"] == "Messages go to @kim" and entry.get("source_attendee_id") is None


async def test_clearing_from_while_editing_removes_the_entrys_source(make_app, new_meeting, store):
    meeting_id, ids = meeting_with_people(new_meeting, store)
    entry_id = store.add_item(
        meeting_id,
        "entries",
        {
            "kind": "need",
            "text": "Needs a GP",
            "step": STEP,
            "source_attendee_id": ids["Kim Lee"],
            "source_agency": "Community Health Trust",
        },
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        table = app.screen.query_one("#entries")
        table.focus()
        await pilot.press("ctrl+home", "enter")
        await pilot.pause()
        assert shown(pilot, "#capture-from").startswith("From: Kim Lee")
        await pilot.press("ctrl+r", "enter")
        await pilot.pause()
    [entry] = entries(store, meeting_id)
    assert entry["id"] == entry_id and entry["text"] == "Needs a GP"
    assert entry.get("source_attendee_id") is None and entry.get("source_agency") is None


async def test_an_ambiguous_mention_is_refused_with_the_choices_and_nothing_is_lost(make_app, new_meeting, store):
    meeting_id, ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await fill(pilot, "#capture", "Sam likes football @jo")
        assert "could be Jo Bloggs" in shown(pilot, "#capture-from")
        await pilot.press("enter")
        await pilot.pause()
        assert entries(store, meeting_id) == []
        assert app.screen.query_one("#capture", Input).value == "Sam likes football @jo"
        assert "type more" in shown(pilot, "#capture-error")
        await pilot.press(" ", "s", "enter")
        await pilot.pause()
    [entry] = entries(store, meeting_id)
    assert entry["text"] == "Sam likes football" and entry["source_attendee_id"] == ids["Jo Smith"]


async def test_an_agency_is_a_source_without_a_person_and_exports_so(make_app, new_meeting, store, templates):
    from mapm_tui.bundle import export_bundle, problems

    meeting_id, ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await fill(pilot, "#capture", "Clinic letters were not answered @Community Health Trust")
        assert shown(pilot, "#capture-from").startswith("From: Community Health Trust (the agency)")
        await pilot.press("enter")
        await pilot.pause()
        # an exact agency outranks a chair whose role mentions early help
        await fill(pilot, "#capture", "Family support offered twice @Early Help", submit=True)
    first, second = entries(store, meeting_id)
    assert first["text"] == "Clinic letters were not answered"
    assert first.get("source_attendee_id") is None and first["source_agency"] == "Community Health Trust"
    assert second.get("source_attendee_id") is None and second["source_agency"] == "Early Help"
    bundle = export_bundle(store, meeting_id)
    exported = {e["text"]: e for e in bundle["meeting"]["entries"]}
    assert exported["Clinic letters were not answered"]["source_agency"] == "Community Health Trust"
    assert "source_attendee_id" not in exported["Clinic letters were not answered"]
    assert problems(bundle, templates) == []


def test_sources_rank_whole_names_and_agencies_above_role_text():
    people = [{"id": f"a{n}", **p} for n, p in enumerate(PEOPLE)]
    ranked = [s for _rank, s in capture.find_sources("early help", people)]
    assert ranked[0] == capture.agency_source("Early Help")
    assert capture.trailing_mention("x @Dawn was right", people).source is None  # words that name nobody
    assert capture.trailing_mention("paid @ £5 each", people) is None
    assert capture.trailing_mention("see owen.e@example.org", people) is None
    assert capture.trailing_mention("x @", people) is None
    assert capture.trailing_mention("x @gp", people).source.attendee_id == "a3"


# -- each entry starts afresh ----------------------------------------------------------------------------
async def test_an_alt_chosen_kind_is_for_one_entry_like_a_typed_prefix(make_app, new_meeting, store):
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await pilot.press("alt+r")
        assert shown(pilot, "#capture-kind") == "New: Risk (this entry only)"
        await fill(pilot, "#capture", "Dad drives after drinking", submit=True)
        assert shown(pilot, "#capture-kind") == "New: Strength"
        await fill(pilot, "#capture", "n: Needs a GP", submit=True)
        await fill(pilot, "#capture", "Mum is warm with Sam", submit=True)
    assert [e["kind"] for e in entries(store, meeting_id)] == ["risk", "need", "strength"]


async def test_leaving_the_step_forgets_what_was_chosen_but_help_does_not(make_app, new_meeting, store):
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await pilot.press("alt+r")
        await pilot.press("f1")
        await pilot.pause()
        assert screen_name(pilot) == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert shown(pilot, "#capture-kind") == "New: Risk (this entry only)"
        await pilot.press("alt+right")
        await pilot.pause()
        await pilot.press("alt+left")
        await pilot.pause()
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep"
        assert shown(pilot, "#capture-kind") == "New: Strength"


async def test_leaving_for_the_meetings_list_or_the_review_is_clean(make_app, new_meeting, store):
    """Leaving the step forgets the entry's choices even when the meeting closes as it goes; and a step
    opened from the review (as a finding opens it), left with F10, no longer crashes the app: the review
    under it was shown again after the meeting had closed."""
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        await pilot.press("alt+r")
        await pilot.press("f9")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
        app.goto_step(STEP)
        await pilot.pause()
        await pilot.pause()
        assert shown(pilot, "#capture-kind") == "New: Strength"
        await pilot.press("alt+r")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.pause()
        assert screen_name(pilot) == "HomeScreen" and app.live is None
