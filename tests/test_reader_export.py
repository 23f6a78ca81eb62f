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


def _reader_on_review(pg_url, member, templates, clock, final: bool):  # noqa: F811
    from mapm_tui.app import MapmApp
    from mapm_tui.bundle import import_bundle
    from tests.samples import load_sample

    chair = open_store(pg_url, clock)
    sample = load_sample("hampshire-planning.json")
    mid = finalised_sample(chair, templates) if final else import_bundle(chair, sample, templates)
    chair.close()
    _person, url = member("reader")
    reader = open_store(url, clock)
    return mid, reader, MapmApp(db=None, clock=clock, store=reader, save_delay=0)


async def test_a_reader_resuming_a_meeting_in_review_is_told_why_not(pg_url, member, templates, clock):  # noqa: F811
    """F3 on the review of a meeting in review stopped the app with a crash report for a reader (and for any
    meeting read-only here): the refusal is a sentence and nothing changes."""
    mid, reader, app = _reader_on_review(pg_url, member, templates, clock, final=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting(mid)
        await wait_until(pilot, lambda: screen_name(pilot) == "ReviewScreen", "the review")
        await pilot.press("f3")
        await wait_until(pilot, lambda: len(app._notifications) >= 2, "the refusal")
        notes = [n.message for n in app._notifications]
        assert app.return_code is None and screen_name(pilot) == "ReviewScreen"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert any("may not make this change" in n for n in notes), notes
    assert reader.load_meeting(mid)["status"] == "in_review"
    reader.close()


async def test_a_reader_writing_the_outbox_is_told_it_was_not_recorded(
    pg_url,
    member,  # noqa: F811
    templates,
    clock,
    isolated_home,
):
    """The Send screen's `o` wrote the drafts, then recording them as sent (a write) stopped the app with a
    crash report for a reader: the drafts stay written and the screen says they were NOT recorded, and why."""
    from textual.widgets import Label

    mid, reader, app = _reader_on_review(pg_url, member, templates, clock, final=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting(mid)
        await wait_until(pilot, lambda: screen_name(pilot) == "ReviewScreen", "the review")
        await pilot.press("s")
        await wait_until(pilot, lambda: screen_name(pilot) == "SendScreen", "the Send screen")
        await pilot.press("o")
        result = lambda: str(app.screen.query_one("#send-result", Label).render())  # noqa: E731
        await wait_until(pilot, lambda: "recorded" in result(), "the outbox's result")
        said = result()
        assert app.return_code is None and screen_name(pilot) == "SendScreen"
        await pilot.press("escape")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert "NOT recorded as sent" in said and "may not make this change" in said, said
    assert list((isolated_home).rglob("*.eml")), "the drafts were written"
    reader.close()
