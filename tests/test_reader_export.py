"""A reader exports a final meeting's Word minutes from inside the app (issue 13, README "Sharing with a
team"): the reader role (the README's grants, on a real PostgreSQL server) may search and export but not
edit; in the app, as on the command line, the minutes are written and the export is on the record."""

from __future__ import annotations

import docx
import pytest

from mapm_tui import audit
from mapm_tui.store import open_store
from tests.pilot_helpers import fill, screen_name, wait_until
from tests.test_audit_lock import finalised_sample
from tests.test_pg_server import member, role  # noqa: F401  (fixtures: a login role in a README group)


@pytest.mark.parametrize(
    "final, key", [(True, "f7"), (True, "f8"), (False, "f7")], ids=["final-full", "final-family", "in-review-full"]
)
async def test_a_reader_exports_the_word_minutes_in_the_app(
    pg_url,
    member,  # noqa: F811
    templates,
    clock,
    tmp_path,
    final,
    key,
):
    from mapm_tui.app import MapmApp
    from mapm_tui.bundle import import_bundle
    from tests.samples import load_sample

    chair = open_store(pg_url, clock)
    mid = (
        finalised_sample(chair, templates)
        if final
        else import_bundle(chair, load_sample("hampshire-planning.json"), templates)
    )
    case_ref = chair.load_meeting(mid)["case_ref"]
    chair.close()
    person, url = member("reader")
    reader = open_store(url, clock)
    target = tmp_path / "minutes.docx"
    app = MapmApp(db=None, clock=clock, store=reader, save_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting(mid)
        await wait_until(pilot, lambda: screen_name(pilot) == "ReviewScreen", "the final meeting's review")
        await pilot.press(key)
        await wait_until(pilot, lambda: screen_name(pilot) != "ReviewScreen", "the export's first question")
        if screen_name(pilot) == "Confirm":  # the family copy's check before sending: write it anyway
            clock.advance(0.5)
            await pilot.press("y")
        await wait_until(pilot, lambda: screen_name(pilot) == "AskText", "the file name question")
        await fill(pilot, "#ask-input", str(target), submit=True)
        await wait_until(pilot, lambda: screen_name(pilot) == "AskPassword", "the password question")
        await fill(pilot, "#password", "", submit=True)  # no password
        await wait_until(pilot, lambda: target.exists() or app.return_code is not None, "the minutes written")
        notes = [n.message for n in app._notifications]
        await pilot.press("ctrl+q")
        await pilot.pause()
    reader.close()
    assert app.return_code in (0, None)
    assert any(f"Written: {target}" in n for n in notes), notes
    text = "\n".join(p.text for p in docx.Document(target).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(target).tables for row in t.rows for c in row.cells)
    assert case_ref in text + cells
    admin = open_store(pg_url, clock)
    events = [(e.kind, e.os_user) for e in audit.events(admin, mid)]
    admin.close()
    assert ("exported", person) in events and ("viewed", person) in events  # on the record, by the reader's role
