"""Each screen's behaviour, by Pilot: the keys a chair uses and what they leave in the database."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Label

from tests.pilot_helpers import choose, fill, meetings_listed, screen_name, wait_until

SIZE = (120, 40)


async def open_at(pilot, meeting_id: str, step: str | None) -> None:
    await pilot.pause()
    pilot.app.open_meeting(meeting_id, step)
    await pilot.pause()


def text_of(pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).content)


# -- home ------------------------------------------------------------------------------------------
async def test_home_with_no_meetings_says_how_to_start(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        hint = str(app.screen.query_one("#home-hint").content)
        assert "No meetings yet" in hint and "n" in hint


async def test_home_lists_todays_meeting_first_and_enter_opens_it(make_app, new_meeting, store):
    import datetime as dt

    older = new_meeting("hampshire", dt.date(2026, 11, 2), case_ref="OLD-1")
    today = new_meeting("hampshire", dt.date(2026, 11, 24), case_ref="TODAY-1")
    store.set_status(older, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: meetings_listed(app), "the meetings list")
        table = app.screen.query_one("#meetings", DataTable)
        assert table.get_row_at(0)[1] == "TODAY-1" and str(table.get_row_at(0)[0]).startswith("Today")
        await pilot.press("enter")
        await pilot.pause()
        assert app.live.id == today and screen_name(pilot) == "SetupScreen"  # a draft opens on its setup


async def test_home_columns_are_sized_to_the_meetings_when_they_arrive(make_app, new_meeting, store):
    """The list arrives from a thread; its columns get their widths then, not from the table measuring
    its cells a frame later (that later frame was sometimes never drawn: case refs stayed cut short)."""
    new_meeting("hampshire", case_ref="SOUTHVALE-EH-2026-004417")
    long_subjects = new_meeting("hampshire", case_ref="C-1")
    store.add_item(long_subjects, "subjects", {"name": "Alexandra-Rose Featherstonehaugh-Whittingham", "kind": "child"})
    store.add_item(long_subjects, "subjects", {"name": "Maximilian Featherstonehaugh-Whittingham", "kind": "child"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: meetings_listed(app), "the meetings list")
        table = app.screen.query_one("#meetings", DataTable)
        widths = {str(c.label): (c.auto_width, c.width) for c in table.columns.values()}
        assert widths["Case ref"] == (False, len("SOUTHVALE-EH-2026-004417"))
        assert widths["Status"] == (False, len("Status"))  # "Draft" is shorter
        # the subjects take what the other columns leave (at most 44), cut short: the row fits the screen
        assert 30 <= widths["Subjects"][1] <= 44 and not widths["Subjects"][0]
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        cells = [table.get_row_at(n) for n in range(table.row_count)]
        assert any(row[1] == "SOUTHVALE-EH-2026-004417" for row in cells)
        assert any(len(row[2]) == widths["Subjects"][1] and row[2].endswith("…") for row in cells)


# -- setup and G-02 ---------------------------------------------------------------------------------
async def test_g02_warns_and_start_needs_a_reason(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        assert screen_name(pilot) == "SetupScreen"
        assert not app.screen.query_one("#g02").display
        await choose(pilot, "#f-other_procedure", "strategy_discussion")
        await pilot.pause()
        warning = app.screen.query_one("#g02", Label)
        assert warning.display and "strategy discussion" in str(warning.content) and "G-02" in str(warning.content)
        await pilot.press("f3")
        await pilot.pause()
        assert store.load_meeting(meeting_id)["status"] == "draft"  # refused
        assert app.focused.id == "f-other_procedure_reason"
        await fill(
            pilot, "#f-other_procedure_reason", "The strategy discussion is booked; today plans school support only."
        )
        await pilot.press("f3")
        await pilot.pause()
        assert store.load_meeting(meeting_id)["status"] == "in_progress"
        assert screen_name(pilot) == "DetailsStep"
    assert store.load_meeting(meeting_id)["other_procedure_reason"].startswith("The strategy discussion")


async def test_subject_with_a_bad_date_of_birth_is_refused_with_the_reason(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        await fill(pilot, "#subject-input", "Sam Example, 31/02/2015", submit=True)
        error = text_of(pilot, "#subject-error")
        assert error and "31" in error
        assert app.screen.query_one("#subject-input", Input).value == "Sam Example, 31/02/2015"  # nothing lost
        await fill(pilot, "#subject-input", "Mr Example, 1/2/1950", submit=True)
    # an adult by age, even on a children's template, and the date read the UK way
    assert store.load_meeting(meeting_id)["subjects"] == [
        {"name": "Mr Example", "kind": "adult_at_risk", "date_of_birth": "1950-02-01"}
    ]


# -- attendance -------------------------------------------------------------------------------------
async def test_attendance_one_key_each_and_substitute_asks_for_whom(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "attendance")
        for line in (
            "Ann One, chair, CS",
            "Bob Two, nurse, Health",
            "Cy Three, teacher, School",
            "Di Four, GP, Health",
        ):
            await fill(pilot, "#person-input", line, submit=True)
        app.screen.query_one("#people", DataTable).focus()
        await pilot.press("ctrl+home")
        await pilot.press("p", "down", "a", "down", "w", "down", "s")
        await pilot.pause()
        assert screen_name(pilot) == "AskText"
        await fill(pilot, "#ask-input", "Bob Two", submit=True)
        await pilot.press("e")
        await pilot.pause()
    people = store.load_meeting(meeting_id)["attendees"]
    assert [(p["name"], p["attendance"]) for p in people] == [
        ("Ann One", "present"),
        ("Bob Two", "apologies"),
        ("Cy Three", "written_contribution"),
        ("Di Four", "substitute"),
    ]
    assert people[3]["substitute_for"] == "Bob Two" and people[3]["is_expert"] is True
    assert people[1]["role"] == "nurse" and people[1]["agency"] == "Health"


async def test_letters_typed_into_the_add_line_are_text_not_marks(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "attendance")
        app.screen.query_one("#person-input", Input).focus()
        await pilot.press("p", "a", "w")
        assert app.screen.query_one("#person-input", Input).value == "paw"


# -- text and entries -------------------------------------------------------------------------------
async def test_text_step_saves_within_the_autosave_delay(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "aim")
        await fill(pilot, "#text-field", "Agree how Sam gets to school.")
        assert store.load_meeting(meeting_id).get("aim") is None  # debounced, not yet
        clock.advance(1.0)
        app._autosave_tick()  # what the 0.25 s timer does; called here so a loaded machine cannot delay it
        await pilot.pause()
        assert store.load_meeting(meeting_id)["aim"] == "Agree how Sam gets to school."
        assert text_of(pilot, "#save-state").startswith("Saved ")


async def test_entry_kind_by_alt_key_and_prefix_basis_and_share(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("alt+r")
        await fill(pilot, "#capture", "Dad drinks at weekends")
        await pilot.press("ctrl+o", "ctrl+o")  # fact -> opinion
        await pilot.press("ctrl+f")  # family not in the room: default not shared; toggled to shared
        await pilot.press("enter")
        await pilot.pause()
        await fill(pilot, "#capture", "s: Mum is warm with Sam", submit=True)
        assert app.screen.query_one("#capture", Input).value == ""
        assert app.screen.query_one("#entries", DataTable).row_count == 2
    entries = store.load_meeting(meeting_id)["entries"]
    assert [(e["kind"], e["text"]) for e in entries] == [
        ("risk", "Dad drinks at weekends"),
        ("strength", "Mum is warm with Sam"),
    ]
    assert entries[0]["basis"] == "opinion" and entries[0]["share_with_family"] is True
    assert entries[1].get("basis") is None and entries[1]["share_with_family"] is False
    assert all(e["step"] == "identified_during" for e in entries)


async def test_edit_and_delete_an_entry_in_place(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await fill(pilot, "#capture", "n: Needs a GP", submit=True)
        await fill(pilot, "#capture", "r: Late nights", submit=True)
        table = app.screen.query_one("#entries", DataTable)
        table.focus()
        await pilot.press("ctrl+home", "enter")
        await fill(pilot, "#capture", "Needs to register with a GP", submit=True)
        table.focus()
        await pilot.press("down", "delete")
        await pilot.pause()
        clock.advance(0.5)  # past the dialog's grace period (keys sooner than that are ignored)
        await pilot.press("y")
        await pilot.pause()
    entries = store.load_meeting(meeting_id)["entries"]
    assert [(e["kind"], e["text"]) for e in entries] == [("need", "Needs to register with a GP")]


async def test_capture_line_draft_comes_back_after_reopening(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await fill(pilot, "#capture", "half a sentence the chair was typing")
        clock.advance(1.0)
        app._autosave_tick()
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        assert app.screen.query_one("#capture", Input).value == "half a sentence the chair was typing"


# -- actions ----------------------------------------------------------------------------------------
async def test_smart_hints_show_as_the_action_is_typed(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.add_item(meeting_id, "attendees", {"name": "Ben Nurse", "agency": "Health", "attendance": "present"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "plan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen_name(pilot) == "ActionForm"
        assert "would block finalising" in text_of(pilot, "#action-summary")
        await fill(pilot, "#a-description", "Continue to monitor attendance")
        hint = app.screen.query_one("#hint-description", Label)
        assert "Continue to" in str(hint.content) and hint.has_class("warn")
        assert "G-31" in text_of(pilot, "#hint-due_date") and app.screen.query_one("#hint-due_date").has_class("block")
        await fill(pilot, "#a-due", "32/13")
        assert text_of(pilot, "#echo-due") and not text_of(pilot, "#echo-due").startswith("→")
        await fill(pilot, "#a-due", "next tue")
        assert text_of(pilot, "#echo-due") == "→ Tue 1 Dec 2026"
        assert text_of(pilot, "#hint-due_date") == ""
        await fill(pilot, "#a-owner", "ben")
        assert text_of(pilot, "#echo-owner").startswith("→ Ben Nurse")
        assert text_of(pilot, "#hint-owner") == ""
        await pilot.press("ctrl+s")  # saved with gaps
        await pilot.pause()
        assert screen_name(pilot) == "ActionsStep"
        row = app.screen.query_one("#actions", DataTable).get_row_at(0)
        assert "blocking" in str(row[4])
    [action] = store.load_meeting(meeting_id)["actions"]
    assert action["description"] == "Continue to monitor attendance"
    assert (
        action["due_date"] == "2026-12-01" and action["owner_attendee_id"] == "att-1" and action["agency"] == "Health"
    )
    assert action["share_with_family"] is True and action["status"] == "open"
    assert "success_measure" not in action


async def test_escape_keeps_a_half_typed_action_as_a_draft(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "plan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await fill(pilot, "#a-description", "Refer to the young carers service")
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "ActionsStep"
        assert store.load_meeting(meeting_id).get("actions", []) == []
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.query_one("#a-description").text == "Refer to the young carers service"


# -- header clocks ----------------------------------------------------------------------------------
async def test_step_clock_turns_amber_at_70_percent_and_red_past_100(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "aim")  # 3 minutes suggested
        step_clock = app.screen.query_one("#step-clock", Label)
        clock.advance(120)
        app.screen.refresh_header()
        assert not step_clock.has_class("amber") and not step_clock.has_class("red")
        assert str(step_clock.content).endswith("02:00 / 03:00")
        clock.advance(6)  # 126 s = 70 %
        app.screen.refresh_header()
        assert step_clock.has_class("amber")
        # in words as well as colour: a chair without colour (NO_COLOR, a monochrome projector) sees it too
        assert str(step_clock.content).endswith("02:06 / 03:00 nearly")
        clock.advance(55)  # 181 s
        app.screen.refresh_header()
        assert step_clock.has_class("red") and not step_clock.has_class("amber")
        assert str(step_clock.content).endswith("03:01 / 03:00 over")
        assert "Meeting 03:01" in text_of(pilot, "#meeting-clock")


# -- privacy and help -------------------------------------------------------------------------------
async def test_privacy_key_blanks_everything_and_any_key_returns(make_app, new_meeting):
    meeting_id = new_meeting("hampshire", case_ref="SECRET-REF")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await fill(pilot, "#capture", "Something private")
        await pilot.press("f12")
        await pilot.pause()
        assert screen_name(pilot) == "PrivacyScreen"
        shown = app.export_screenshot()
        assert "SECRET-REF" not in shown and "Something private" not in shown
        await pilot.press("x")
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep"
        assert app.screen.query_one("#capture", Input).value == "Something private"  # the key was not typed


async def test_privacy_is_in_the_palette(make_app):
    from mapm_tui.screens.commands import system_commands

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in system_commands(app, app.screen)]
        assert any("privacy" in t.lower() for t in titles)


async def test_f1_help_lists_the_keys_of_this_screen(make_app, new_meeting):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("f1")
        await pilot.pause()
        assert screen_name(pilot) == "HelpScreen"
        table = app.screen.query_one("#help-keys", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        does = {str(r[1]) for r in rows}
        assert {"Next step", "Fact/opinion", "Share with family", "Risk", "Blank screen"} <= does
        assert any(str(r[0]) == "alt+r" for r in rows)
        trouble = str(app.screen.query_one("#help-trouble").render())
        assert "docs/troubleshooting.md" in trouble and "mapm doctor" in trouble  # issue 16: help where it is needed
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep"


async def test_question_mark_opens_help_only_outside_text_fields(make_app, new_meeting):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("question_mark")
        assert app.screen.query_one("#capture", Input).value == "?"
        app.screen.query_one("#entries", DataTable).focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert screen_name(pilot) == "HelpScreen"


# -- status -----------------------------------------------------------------------------------------
async def test_f3_starts_and_ends_the_meeting(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        await pilot.press("f3")
        await pilot.pause()
        assert store.load_meeting(meeting_id)["status"] == "in_progress"
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(0.5)  # past the dialog's grace period (keys sooner than that are ignored)
        await pilot.press("n")  # not yet
        await pilot.pause()
        assert store.load_meeting(meeting_id)["status"] == "in_progress"
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(0.5)
        await pilot.press("y")
        await pilot.pause()
    m = store.load_meeting(meeting_id)
    assert m["status"] == "in_review" and m["start_time"] == "10:00" and m["end_time"] == "10:00"


async def test_part_two_marks_entries_as_said_with_the_family(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.set_fields(
        meeting_id, {"family.attending": "part_two", "family.not_attending_rationale": "Professionals first."}
    )
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await fill(pilot, "#capture", "n: Before the family came in", submit=True)
        await pilot.press("f4")
        await pilot.pause()
        await fill(pilot, "#capture", "s: Said with the family", submit=True)
    first, second = store.load_meeting(meeting_id)["entries"]
    assert (first["part"], first["share_with_family"]) == ("professionals", False)
    assert (second["part"], second["share_with_family"]) == ("family", True)


async def test_a_final_meeting_shows_read_only(make_app, store, templates):
    from mapm_tui.bundle import import_bundle
    from tests.samples import load_sample

    data = load_sample("hampshire-two-part.json")
    data["meeting"]["status"] = "final"
    meeting_id = import_bundle(store, data, templates)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        assert app.screen.query_one("#capture", Input).disabled
        assert app.screen.query(".read-only-note")


async def test_letters_typed_during_a_step_change_land_in_the_new_field(make_app, new_meeting, store):
    """Keys that arrive while the next step is still being shown reach the screen, not a field; they
    must not be dropped (a chair types straight after alt+right)."""
    from textual import events

    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        app.goto_step("introductions")
        for ch in "Hello all":  # queued before the new screen has mounted
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#text-field").text == "Hello all"
        app.goto_step("identified_during")
        for ch in "r: x":
            app.post_message(events.Key(ch, ch))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == "r: x"


# -- kept step screens: shown again without re-styling, unless the styles changed -------------------
async def test_a_kept_step_is_shown_again_without_restyling_its_widgets(make_app, new_meeting, monkeypatch):
    """Re-applying the stylesheet makes the entries table drop every rendered line; a kept step that
    nothing has restyled since it was last shown must not pay for it on each visit."""
    meeting_id = new_meeting("hampshire")
    restyled: list[str] = []
    original = DataTable.notify_style_update

    def counting(self):
        restyled.append(self.id)
        return original(self)

    monkeypatch.setattr(DataTable, "notify_style_update", counting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "known_before")
        app.goto_step("identified_during")
        await pilot.pause()
        app.goto_step("known_before")
        await pilot.pause()
        restyled.clear()
        for key in ("identified_during", "known_before") * 2:
            app.goto_step(key)
            await pilot.pause()
        assert app.screen.step.key == "known_before"
        assert restyled == []


async def test_a_kept_step_shows_a_theme_chosen_while_it_was_away(make_app, new_meeting):
    from textual.color import Color

    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "known_before")
        app.goto_step("identified_during")
        await pilot.pause()
        agenda = lambda: app.screen.query_one("#agenda")  # noqa: E731
        before = agenda().styles.background
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        app.goto_step("known_before")
        await pilot.pause()
        await pilot.pause()
        surface = Color.parse(app.get_css_variables()["surface"])
        assert app.screen.step.key == "known_before"
        assert agenda().styles.background == surface != before


# -- the meeting screen: a step's own keys work from the agenda too ---------------------------------
async def test_a_steps_own_keys_work_from_the_agenda_and_show_in_the_key_bar(make_app, new_meeting, store, clock):
    """The step's chords (alt+r, ctrl+o …, ctrl+n) belong to its body; with the focus on the agenda (F2) they
    still work and the key bar still lists them. Delete, which acts on the step's highlighted row, does not
    reach across from the agenda."""
    from mapm_tui.screens.widgets import AgendaSidebar, KeyBar
    from tests.pilot_helpers import on_show, step_on_show, wait_until

    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await wait_until(pilot, lambda: step_on_show(app), "the entries step")
        await fill(pilot, "#capture", "n: Needs a GP", submit=True)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen.focused, AgendaSidebar), "the agenda to have the focus")
        bar = app.screen.query_one(KeyBar)
        await wait_until(pilot, lambda: ("alt+r", "Risk") in bar.shown_keys, "the key bar to list the step's keys")
        assert ("^o", "Fact/opinion") in bar.shown_keys
        await pilot.press("alt+r", "ctrl+o")
        await pilot.pause()
        body = app.screen.body
        assert (body.kind, body.basis) == ("risk", "fact")
        assert isinstance(app.screen.focused, AgendaSidebar)  # the keys did not move the focus
        clock.advance(1.0)  # a dialog would be past its grace period
        await pilot.press("delete")
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep" and isinstance(app.screen.focused, AgendaSidebar)
        assert len(store.load_meeting(meeting_id)["entries"]) == 1
        # the plan's ctrl+n opens the action form from the agenda too
        app.goto_step("plan")
        await wait_until(pilot, lambda: step_on_show(app) and app.screen.step.key == "plan", "the plan step")
        assert on_show(app, "#actions")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen.focused, AgendaSidebar), "the agenda to have the focus")
        await wait_until(pilot, lambda: ("^n", "New action") in bar.shown_keys, "the key bar to list ctrl+n")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ActionForm", "the action form")


async def test_a_read_only_step_keeps_the_agenda_narrow_at_80_columns(make_app, store, templates):
    """At 80 columns the agenda shows numbers only, and its titles while it has the focus (F2). A final meeting's
    step has no field to take the focus; Textual then focused the agenda itself, so it stayed wide over the step.
    The step's list takes the focus instead (it can still be read with the keys)."""
    from mapm_tui.bundle import import_bundle
    from mapm_tui.screens.widgets import AgendaSidebar
    from tests.pilot_helpers import step_on_show, wait_until
    from tests.samples import load_sample

    data = load_sample("hampshire-two-part.json")
    data["meeting"]["status"] = "final"
    meeting_id = import_bundle(store, data, templates)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await wait_until(pilot, lambda: step_on_show(app), "the entries step")
        agenda = app.screen.query_one(AgendaSidebar)
        assert app.screen.focused is app.screen.body.query_one("#entries")
        assert agenda.size.width < 10 and agenda.numbers_only
        await pilot.press("f2")
        await wait_until(pilot, lambda: agenda.size.width > 30, "the agenda to widen with the focus")


async def test_a_lookup_by_id_on_the_meeting_screen_finds_the_step_on_show(make_app, new_meeting):
    """The steps shown before are kept, hidden, with the same widget ids (two entries steps both have a
    #capture line): a lookup from the screen must find the field of the step on show, not a hidden one's."""
    from tests.pilot_helpers import step_on_show, wait_until

    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "known_before")
        for key in ("identified_during", "known_before", "identified_during"):
            app.goto_step(key)
            await wait_until(pilot, lambda: step_on_show(app) and app.screen.step.key == key, key)  # noqa: B023
            field = app.screen.query_one("#capture", Input)
            assert app.screen.body in field.ancestors and field.display and field.has_focus
        assert len(app.screen.query("#capture")) == 2
