"""Readable at 80x24 and 120x40 (issue 10, part 5): the tables keep the columns a chair needs, cut only
what can be read whole under the table, and the step clock says in words what its colour says.

The screens' tests are SQLite's: how a table is drawn does not depend on where the meeting is stored.
`mapm list` runs on both dialects (`both_dialects`): its SQL is written per dialect."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from mapm_tui.bundle import import_bundle
from mapm_tui.screens.widgets import Col, RowDetail, cut_words, fit_columns
from tests.samples import load_sample

SMALL, LARGE = (80, 24), (120, 40)


@pytest.fixture
def hampshire(store, templates) -> str:
    return import_bundle(store, load_sample("hampshire-planning.json"), templates)


def headings(table: DataTable) -> list[str]:
    return [str(c.label) for c in table.columns.values()]


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


def fits(table: DataTable) -> bool:
    return sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width


async def open_step(app, pilot, meeting_id: str, step: str) -> None:
    await pilot.pause()
    app.open_meeting(meeting_id, step)
    await pilot.pause()
    await pilot.pause()


# -- the fitting rule ---------------------------------------------------------------------------------
def test_cut_words_cuts_between_words_only():
    assert cut_words("Written contribution", 15) == "Written…"
    assert cut_words("Substitute for Neil Barton", 20) == "Substitute for Neil…"
    assert cut_words("Present", 10) == "Present"
    assert cut_words("Unbreakablewordthatislong", 10) == "Unbreakab…"  # no space to cut at


def test_columns_give_way_by_priority_and_keep_whole_ones_whole():
    columns = (
        Col("Name", least=8),
        Col("Role", priority=3, least=10),
        Col("Agency", priority=2, least=10),
        Col("Attendance", whole=True),
    )
    texts = (["Priya Lal"], ["Senior Tenancy Officer"], ["Brookvale Homes"], ["Substitute for Neil Barton"])
    roomy = fit_columns(columns, texts, 200)
    assert roomy == [9, 22, 15, 26]
    narrow = fit_columns(columns, texts, 60)
    assert narrow[1] is None and narrow[3] == 26  # the role goes first; attendance stays whole
    assert sum(w + 2 for w in narrow if w is not None) <= 60
    tight = fit_columns(columns, texts, 40)
    assert tight[1] is None and tight[2] is None and tight[3] == 26


# -- the tables, at the two sizes ---------------------------------------------------------------------
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_attendance_keeps_its_column_whole(make_app, hampshire, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_step(app, pilot, hampshire, "attendance")
        table = app.screen.query_one("#people", DataTable)
        assert headings(table)[0] == "Name" and "Attendance" in headings(table)
        attendance = [row[headings(table).index("Attendance")] for row in cells(table)]
        assert "Substitute for Neil Barton" in attendance and "Written contribution" in attendance
        assert fits(table)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(SMALL, ["#", "What", "Owner", "By when"]), (LARGE, ["#", "What", "Owner", "By when", "SMART"])],
    ids=["80x24", "120x40"],
)
async def test_action_list_keeps_what_owner_and_date(make_app, hampshire, size, expected):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_step(app, pilot, hampshire, "plan")
        table = app.screen.query_one("#actions", DataTable)
        assert headings(table) == expected
        assert [row[3] for row in cells(table)][0] == "Wed 25 Nov 2026"  # dates are never cut
        assert all(len(row[1]) >= 24 for row in cells(table) if row[1].endswith("…"))
        assert fits(table)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_entries_show_most_of_what_was_said(make_app, hampshire, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_step(app, pilot, hampshire, "identified_during")
        table = app.screen.query_one("#entries", DataTable)
        what = next(c for c in table.columns.values() if str(c.label) == "What was said")
        assert what.width >= 36
        assert "Family" in headings(table)
        assert fits(table)


async def test_the_highlighted_row_is_readable_whole_under_the_table(make_app, hampshire, store):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, hampshire, "identified_during")
        table = app.screen.query_one("#entries", DataTable)
        detail = app.screen.query_one(RowDetail)
        entries = app.live.entries_in_step(app.live.template.step("identified_during"))
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        entry = entries[1]
        assert cells(table)[1][1] != entry["text"]  # cut short in the table …
        shown = str(detail.content)
        assert detail.display and entry["text"] in shown  # … and whole under it, with who said it
        who = app.live.attendee(entry.get("source_attendee_id")) or {}
        assert who.get("name", "") in shown


async def test_no_detail_line_when_the_row_is_shown_whole(make_app, hampshire):
    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.pause()
        detail = app.screen.query_one(RowDetail)
        assert not detail.display and str(detail.content) == ""


# -- the key bar ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("step", ["identified_during", "attendance", "plan"])
async def test_key_bar_fits_and_keeps_f1_last(make_app, hampshire, size, step):
    from mapm_tui.screens.widgets import KeyBar

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_step(app, pilot, hampshire, step)
        bar = app.screen.query_one(KeyBar)
        line = "   ".join(f"{k} {d}" for k, d in bar.shown_keys)
        assert len(line) <= bar.size.width - 2  # nothing cut at the edge ("f1 He…")
        assert bar.shown_keys[-1] == ("f1", "Help")
        if step == "identified_during":  # the step's own keys go last of all, after the app's and the palette
            assert ("alt+r", "Risk") in bar.shown_keys and ("^o", "Fact/opinion") in bar.shown_keys


async def test_key_bar_of_a_dialog_shows_f1(make_app, hampshire):
    from mapm_tui.screens.widgets import KeyBar

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, hampshire, "plan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert type(app.screen).__name__ == "ActionForm"
        assert app.screen.query_one(KeyBar).shown_keys[-1] == ("f1", "Help")
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


async def test_help_wraps_what_each_key_does(make_app, hampshire):
    from mapm_tui.screens.help import EXTRA

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, hampshire, "identified_during")
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one("#help-keys", DataTable)
        said = [row[2] for row in cells(table)]
        assert EXTRA["next_step"] in said  # whole, on as many lines as it needs
        assert fits(table)


# -- state without colour -------------------------------------------------------------------------------
async def test_share_with_family_box_shows_its_state_in_the_glyph(make_app, hampshire):
    from mapm_tui.screens.widgets import TickBox

    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await open_step(app, pilot, hampshire, "plan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        box = app.screen.query_one("#a-share", TickBox)
        assert box.value and str(box.render()).startswith("[X]")
        box.value = False
        await pilot.pause()
        assert str(box.render()).startswith("[ ]")


async def test_address_boxes_show_their_state_in_the_glyph(make_app, hampshire):
    from mapm_tui.screens.widgets import TickList

    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await open_step(app, pilot, hampshire, "plan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        boxes = app.screen.query_one("#a-addresses", TickList)
        await pilot.pause()
        assert boxes.render_line(0).text.startswith("[ ]")
        boxes.select(boxes.get_option_at_index(0).value)
        await pilot.pause()
        assert boxes.render_line(0).text.startswith("[X]")


async def test_without_colour_the_highlighted_row_is_in_reverse(make_app, hampshire, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, hampshire, "attendance")
        table = app.screen.query_one("#people", DataTable)
        assert app.no_color and table.has_focus
        cursor = table.get_component_styles("datatable--cursor").text_style
        assert cursor.reverse and cursor.bold


# -- mapm list ------------------------------------------------------------------------------------------
@pytest.mark.both_dialects  # the list's SQL differs by dialect (listing._list_sql); its table must not
@pytest.mark.parametrize("columns", ["80", "60"])
def test_mapm_list_never_cuts_the_id_when_piped(tmp_path, templates, capsys, monkeypatch, columns, backend, request):
    """`mapm export ID` and `mapm check ID` need the id whole: piped (no terminal) or at 80 columns, the
    id and the case reference are printed whole on one line; the subjects wrap instead."""
    from mapm_tui import cli
    from mapm_tui.store import open_store
    from tests.test_bundle import minimal

    bundle = minimal()
    meeting = bundle["meeting"]
    meeting["id"] = "m-southvale-early-help-2026-000417"
    meeting["case_ref"] = "SOUTHVALE-EH-2026-004417"
    meeting["subjects"] = [
        {"name": name, "kind": "child"}
        for name in ("Alexandra-Rose Featherstonehaugh", "Maximilian Featherstonehaugh-Whittingham")
    ]
    db = request.getfixturevalue("pg_url") if backend == "postgresql" else tmp_path / "list.db"
    store = open_store(db)
    try:
        import_bundle(store, bundle, templates)
    finally:
        store.close()
    monkeypatch.setenv("COLUMNS", columns)
    assert cli.main(["--db", str(db), "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(meeting["id"] in line and meeting["case_ref"] in line for line in lines), out


# -- smaller things a chair met -------------------------------------------------------------------------
async def test_enter_in_the_case_reference_creates_the_meeting_as_the_dialog_says(make_app, store):
    from tests.pilot_helpers import fill, screen_name

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(pilot) == "NewMeetingDialog"
        hint = " ".join(str(label.content) for label in app.screen.query(".field-help"))
        assert "case reference" in hint and "creates it" in hint
        await fill(pilot, "#new-date", "next tue", submit=True)
        assert screen_name(pilot) == "NewMeetingDialog"  # Enter in the date moves on …
        assert app.screen.focused.id == "new-case"
        await fill(pilot, "#new-case", "EH-2026-0555", submit=True)
        assert screen_name(pilot) == "SetupScreen"  # … Enter in the case reference creates it
        assert app.live.meeting["case_ref"] == "EH-2026-0555" and app.live.meeting["date"] == "2026-12-01"


async def test_editing_hint_goes_once_the_edit_is_saved(make_app, hampshire):
    from textual.widgets import Label

    from tests.pilot_helpers import fill

    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await open_step(app, pilot, hampshire, "attendance")
        app.screen.query_one("#people", DataTable).focus()
        await pilot.press("enter")  # edit the first person: the person form (fields), titled "Editing …"
        await pilot.pause()
        assert type(app.screen).__name__ == "PersonForm"
        await fill(pilot, "#p-role", "Team Manager (chair)")
        await fill(pilot, "#p-email", "deborah.okafor@example.org", submit=True)
        await pilot.pause()
        assert type(app.screen).__name__ != "PersonForm"
        # no "Editing …" is left on the step once the edit is saved
        assert not [label for label in app.screen.query(Label) if "Editing" in str(label.content)]
        assert any(a.get("role") == "Team Manager (chair)" for a in app.live.meeting["attendees"])


async def test_saved_time_moves_when_people_are_added_and_the_new_one_is_in_view(make_app, new_meeting, clock):
    from textual.containers import VerticalScroll
    from textual.widgets import Label

    from tests.pilot_helpers import fill

    meeting_id = new_meeting("hampshire", case_ref="EH-2026-0999")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, meeting_id, None)
        assert type(app.screen).__name__ == "SetupScreen"
        saved = app.screen.query_one("#save-state", Label)
        table = app.screen.query_one("#people", DataTable)
        body = app.screen.query_one("#setup-body", VerticalScroll)
        for n in range(12):
            clock.advance(7)
            await fill(pilot, "#person-input", f"Person {n}, role {n}, Agency {n}", submit=True)
            await pilot.pause()
            assert str(saved.content) == f"Saved {clock.now():%H:%M:%S}"
            assert table.get_row_at(table.cursor_row)[0] == f"Person {n}"
            # the table, cursor row and all, is inside the part of the form on screen
            assert body.region.y <= table.region.y and table.region.bottom <= body.region.bottom


async def test_without_colour_the_focused_field_is_underlined(make_app, hampshire, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, hampshire, "identified_during")
        field = app.screen.query_one("#capture")
        assert field.has_focus and field.styles.text_style.underline
        app.screen.query_one("#entries", DataTable).focus()
        await pilot.pause()
        assert not field.styles.text_style.underline


async def test_at_80_columns_the_agenda_shows_numbers_and_its_titles_when_focused(make_app, hampshire):
    from mapm_tui.screens.widgets import AgendaSidebar

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_step(app, pilot, hampshire, "plan")
        agenda = app.screen.query_one(AgendaSidebar)
        number = app.live.step_index("plan") + 1
        assert agenda.size.width <= 8 and agenda.label_of("plan").strip() == f"✓ {number:>2}"
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()
        assert agenda.has_focus and agenda.size.width >= 30 and "Plan" in agenda.label_of("plan")
