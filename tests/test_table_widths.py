"""mapm_tui.screens.widgets.Table: a row drawn before the table widened its columns is drawn again at the new widths."""

from __future__ import annotations

from textual.app import App
from textual.geometry import Region
from textual.widgets import DataTable

from mapm_tui.screens.widgets import Table


class OneTable(App[None]):
    # a table that fills its space (as the home list does): adding rows does not resize it, and a resize
    # is what would otherwise make the DataTable drop its rendered rows
    CSS = "DataTable { height: 1fr; }"

    def __init__(self, cls) -> None:
        super().__init__()
        self.cls = cls

    def compose(self):
        yield self.cls(id="t")


async def _row_text_after_early_draw(cls) -> str:
    app = OneTable(cls)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one("#t", DataTable)
        table.add_columns("Case ref", "Status")
        await pilot.pause()
        table.add_row("EH-2026-0417", "In progress")
        screen_lines = Region(0, 0, 80, 5)
        early = table.render_lines(screen_lines)[1].text  # a frame drawn before the table is idle
        assert "EH-2026-" in early and "EH-2026-0417" not in early  # the columns are the headers' widths
        await pilot.pause()  # idle: the columns widen to their cells
        return table.render_lines(screen_lines)[1].text


async def test_a_row_drawn_early_is_drawn_again_at_the_new_widths():
    assert "EH-2026-0417" in await _row_text_after_early_draw(Table)
    assert "In progress" in await _row_text_after_early_draw(Table)


async def test_textuals_own_table_keeps_the_early_row_cut_short():
    """Why Table exists: if this starts failing, Textual fixed it and Table can go."""
    text = await _row_text_after_early_draw(DataTable)
    assert "EH-2026-" in text and "EH-2026-0417" not in text
