"""The audit trail in the app (issue 12), by Pilot: opening a meeting, exporting the Word minutes and
searching into it are events under the settings' name; `a` on the review lists the meeting's events."""

from __future__ import annotations

import docx
from rich.text import Text
from textual.widgets import DataTable, OptionList

from mapm_tui import audit
from mapm_tui.bundle import import_bundle
from mapm_tui.settings import Settings
from tests.pilot_helpers import fill, screen_name, searched
from tests.samples import load_sample

SIZE = (120, 40)


def shown(cell) -> str:
    return Text.from_markup(cell).plain if isinstance(cell, str) else str(cell)


async def test_views_exports_and_searches_appear_in_the_audit_list(make_app, store, templates, tmp_path, clock):
    mid = import_bundle(store, load_sample("hampshire-planning.json"), templates)
    other = import_bundle(store, load_sample("hampshire-two-part.json"), templates)
    app = make_app(settings=Settings(user_name="Pat Minutes"))
    target = tmp_path / "minutes.docx"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(mid)
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("f7")
        await pilot.pause()
        await fill(pilot, "#ask-input", str(target), submit=True)
        await fill(pilot, "#password", "", submit=True)  # no password (the export asks since issue 11)
        assert target.exists() and "Maisie Thornbury" in "\n".join(p.text for p in docx.Document(target).paragraphs)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await fill(pilot, "#search-input", "Thornbury")
        results = app.screen.query_one("#search-results", OptionList)
        await searched(pilot)
        assert results.option_count == 1
        await pilot.press("enter")  # opens it: the search closes, then the meeting opens again
        await pilot.pause()
        assert app.live.id == mid and screen_name(pilot) == "ReviewScreen"
        await pilot.press("a")
        await pilot.pause()
        assert screen_name(pilot) == "AuditScreen"
        table = app.screen.query_one("#audit-events", DataTable)
        # as shown: the table escapes markup in what it is given (hardening), so a cell reads as written
        rows = [[shown(c) for c in table.get_row_at(n)] for n in range(table.row_count)]
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
    whats = [r[2] for r in rows]
    assert whats == [
        "imported from a bundle",
        "opened in the app",
        f"exported to a file: Word minutes, full version to {target}"[:59] + "…",
        "listed in search results",
        "opened in the app",
    ]
    assert rows[1][0] == "Tue 24 Nov 2026 10:00" and rows[1][1].startswith("Pat Minutes [")
    events = audit.events(store, mid)
    assert [e.kind for e in events] == ["imported", "viewed", "exported", "searched", "viewed"]
    assert events[2].detail == f"Word minutes, full version to {target}"
    assert [e.kind for e in audit.events(store, other)] == ["imported"]  # never opened nor listed
    assert audit.verify(store).ok
