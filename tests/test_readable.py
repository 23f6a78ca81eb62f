"""Readable at 80x24 and 120x40 (issue 10, part 5): the tables keep the columns a chair needs, cut only
what can be read whole under the table, and the step clock says in words what its colour says."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from mapm_tui.bundle import import_bundle
from screens.widgets import Col, RowDetail, cut_words, fit_columns
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
