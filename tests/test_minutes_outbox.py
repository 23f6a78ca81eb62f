"""The outbox (issue 14): .eml drafts per recipient with the right version attached, the next review as
.ics in UK local time, the action summary, the distribution recorded from the drafts, and the check
before anything is sent."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser
from io import BytesIO
from pathlib import Path

import docx
import pytest

from mapm_tui.bundle import import_bundle
from mapm_tui.outbox import OutboxError, check_before_sending, next_review_invitation, record_sent, write_outbox
from mapm_tui.settings import Settings
from tests.minutes_fixtures import all_text, body_blocks, open_docx
from tests.samples import load_sample

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def two_part():
    return load_sample("hampshire-two-part.json")["meeting"]


@pytest.fixture
def outbox(tmp_path, templates):
    m = two_part()
    return m, write_outbox(m, templates[m["template"]], tmp_path / "outbox", settings=Settings(), now=NOW)


def parse(path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def test_one_draft_per_recipient_with_an_address_and_the_right_version_attached(outbox):
    m, out = outbox
    with_email = [a for a in m["attendees"] if a.get("email")]
    assert len(out.drafts) == len(with_email)
    by_name = {d.recipient.name: d for d in out.drafts}
    police = parse(by_name["PC Hannah Moore"].path)  # at the professionals-only part only
    assert police["To"] == "PC Hannah Moore <hannah.moore@southvale-police.example>"
    assert police["Subject"].startswith("[OFFICIAL-SENSITIVE] Minutes of a multi-agency professionals' meeting")
    assert "case EH-2026-0388" in police["Subject"] and "Fri 20 Nov 2026" in police["Subject"]
    assert police["X-Unsent"] == "1"
    (attachment,) = list(police.iter_attachments())
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert attachment.get_filename().endswith("-part-one.docx")
    doc = docx.Document(BytesIO(attachment.get_content()))
    assert body_blocks(doc)[0][2].endswith(": the professionals-only part")
    assert "Dear PC Hannah Moore," in police.get_body(("plain",)).get_content()
    chair = parse(by_name["Nicola Hartley"].path)
    assert next(chair.iter_attachments()).get_filename() == "minutes-EH-2026-0388-2026-11-20.docx"
    # the family have no address here: theirs go by hand, and the family copy is made for them
    assert {r.name for r in out.by_hand} == {"Gemma Oakes", "Lee Francis"}
    assert "family" in out.documents and out.documents["family"].name.endswith("-family.docx")


def test_the_action_summary_holds_the_plan_and_the_next_review_only(outbox):
    m, out = outbox
    doc = open_docx(out.action_summary)
    blocks = body_blocks(doc)
    assert blocks[0][2] == "Action summary of a multi-agency professionals' meeting"
    headings = [b[2] for b in blocks if b[1] == "Heading 1"]
    assert headings == ["9. Plan: who does what, by when", "12. Date of next review"] or len(headings) == 2
    assert not [b for b in blocks if b[1] == "List Bullet"]  # no entries
    assert "Thu 28 Jan 2027 at 16:00" in all_text(doc)
    actions_draft = next(p for p in out.folder.glob("*-actions.eml"))
    assert next(parse(actions_draft).iter_attachments()).get_filename() == out.action_summary.name


@pytest.mark.parametrize(
    ("day", "time", "utc"),
    [("2027-01-28", "16:00", "2027-01-28 16:00"), ("2027-07-15", "09:30", "2027-07-15 08:30")],  # GMT, BST
)
def test_the_next_review_invitation_is_in_uk_local_time(day, time, utc):
    from icalendar import Calendar

    m = two_part()
    m["next_review"] = {"required": True, "date": day, "time": time, "venue": "Family Room"}
    cal = Calendar.from_ical(next_review_invitation(m, NOW))
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/London"
    assert start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") == utc
    assert event["location"] == "Family Room"
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/London"
    attendees = {str(a) for a in event.get("attendee")}
    assert "mailto:ben.adair@southvale-earlyhelp.example" in attendees
    m["next_review"] = {"required": False, "reason_not_required": "Closed"}
    assert next_review_invitation(m, NOW) is None


def test_recording_the_distribution_follows_from_the_drafts(tmp_path, store, templates):
    data = load_sample("hampshire-two-part.json")
    meeting_id = import_bundle(store, data, templates)
    m = store.load_meeting(meeting_id)
    out = write_outbox(m, templates[m["template"]], tmp_path / "out", settings=Settings(), now=NOW)
    assert record_sent(store, meeting_id, out, NOW) == len(out.drafts)
    sent = store.load_meeting(meeting_id)["distribution"]
    police = next(d for d in sent if d["name"] == "PC Hannah Moore")
    assert police["version"] == "full" and police["method"].endswith("minutes of the professionals-only part")
    assert police["email"] == "hannah.moore@southvale-police.example"
    # the drafts went to the right people with the right versions: nothing to warn about who got what
    assert not [w for w in check_before_sending(store.load_meeting(meeting_id)) if "recorded as sent" in w.what]


def test_the_check_before_sending_warns_about_what_is_risky(tmp_path):
    m = two_part()
    m["entries"].append(
        {
            "id": "risky",
            "kind": "information",
            "text": "Mr Francis now lives at 12 Acacia Road, SO23 8UJ, phone 07700 900123; his friend Dave Price "
            "visits",
            "share_with_family": True,
        }
    )
    m["distribution"] = [
        {"name": "PC Hannah Moore", "version": "family", "sent_at": "2026-11-23T10:00:00+00:00"},
        {"name": "Gemma Oakes", "version": "full", "sent_at": "2026-11-23T10:00:00+00:00"},
    ]
    words = [w.what for w in check_before_sending(m)]
    about = [w for w in words if w.startswith("The shared entry 'Mr Francis now lives at 12 Acacia Road")]
    assert any("holds an address" in w for w in about)
    assert any("holds a postcode" in w for w in about)
    assert any("holds a phone number" in w for w in about)
    assert any("names Dave Price, who is not at the meeting" in w for w in about)
    assert not any("Mr Francis," in w for w in about)  # Lee Francis is at the meeting
    assert "PC Hannah Moore was at the professionals-only part but is recorded as sent the family copy." in words
    assert any(w.startswith("Gemma Oakes is family but is recorded as sent the full minutes") for w in words)


def test_mapm_outbox_writes_the_drafts_and_records_them(tmp_path):
    import json

    from tests import cli_helpers

    bundle = tmp_path / "two-part.json"
    bundle.write_text(json.dumps(load_sample("hampshire-two-part.json")), encoding="utf-8")
    db = tmp_path / "cli.db"

    def mapm(*args):
        return cli_helpers.mapm(*args, db=db)

    meeting_id = mapm("import", str(bundle)).stdout.strip()
    result = mapm("outbox", meeting_id, "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(tmp_path / "out")
    assert any("PC Hannah Moore, minutes-EH-2026-0388-2026-11-20-part-one.docx" in x for x in lines)
    assert "  by hand or post (no e-mail address): Gemma Oakes, Family copy" in lines
    assert mapm("export", meeting_id, "--format", "json", "-o", str(tmp_path / "b.json")).returncode == 0
    exported = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert {d["name"] for d in exported["meeting"]["distribution"]} >= {"PC Hannah Moore", "Nicola Hartley"}
    unknown = mapm("outbox", "m-none")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_the_outbox_documents_read_without_mammoth_warnings(outbox):
    mammoth = pytest.importorskip("mammoth")
    _, out = outbox
    for path in [*out.documents.values(), out.action_summary]:
        with path.open("rb") as fh:
            assert mammoth.convert_to_html(fh).messages == [], path.name


def test_the_command_line_writes_no_outbox_for_a_meeting_that_has_not_ended(tmp_path, isolated_home, capsys):
    """QA found `mapm outbox` writing drafts for a meeting still in progress and recording them as sent."""
    import json

    from mapm_tui import cli
    from tests import keys

    db = tmp_path / "m.db"
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "hampshire-planning.json"
    data = json.loads(sample.read_text(encoding="utf-8"))
    data["meeting"]["status"] = "in_progress"
    bundle = tmp_path / "running.json"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["--db", str(db), "import", str(bundle)]) == 0
    meeting_id = capsys.readouterr().out.strip()
    out = tmp_path / "outbox"
    assert cli.main(["--db", str(db), "outbox", meeting_id, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "has not ended" in err and err[-1] == "\n" and err.count("\n") == 1
    assert not out.exists()
    store = keys.open_test_store(db)
    try:
        assert not store.load_meeting(meeting_id).get("distribution")
    finally:
        store.close()


def _imported_two_part(tmp_path, capsys):
    import json

    from mapm_tui import cli

    db = tmp_path / "m.db"
    bundle = tmp_path / "two-part.json"
    bundle.write_text(json.dumps(load_sample("hampshire-two-part.json")), encoding="utf-8")
    assert cli.main(["--db", str(db), "import", str(bundle)]) == 0
    return db, capsys.readouterr().out.strip()


def test_an_outbox_is_in_the_audit_trail_even_when_not_recorded_as_sent(tmp_path, isolated_home, capsys):
    """Its drafts carry the minutes to files, as an export does; `--no-record` (write them, record them as
    sent later) left no trace of that anywhere."""
    from mapm_tui import audit, cli
    from tests import keys

    db, meeting_id = _imported_two_part(tmp_path, capsys)
    out = tmp_path / "outbox"
    assert cli.main(["--db", str(db), "outbox", meeting_id, "-o", str(out), "--no-record"]) == 0
    store = keys.open_test_store(db)
    try:
        assert not store.load_meeting(meeting_id).get("distribution")
        exported = [e for e in audit.events(store, meeting_id) if e.kind == "exported"]
        assert len(exported) == 1
        drafts = len(list(out.glob("[0-9][0-9]-*.eml"))) - len(list(out.glob("*-actions.eml")))
        detail = exported[0].detail
        assert detail.startswith(f"Outbox of {drafts} e-mail drafts (") and detail.endswith(f") to {out}")
        assert "full minutes" in detail and "family copy" in detail
        assert audit.verify(store).ok
    finally:
        store.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid"), reason="file modes are POSIX")
def test_an_outbox_that_cannot_be_recorded_is_taken_away_again(tmp_path, isolated_home, capsys):
    """A database that cannot be written (a read-only file): the drafts and minutes written for the outbox
    are removed again and the command says why, as an export that cannot be recorded is."""
    import os

    from mapm_tui import cli

    db, meeting_id = _imported_two_part(tmp_path, capsys)
    os.chmod(db, 0o400)
    out = tmp_path / "outbox"
    assert cli.main(["--db", str(db), "outbox", meeting_id, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    last = err.splitlines()[-1]  # (after the check before sending)
    assert last.startswith("mapm: The outbox was not recorded in the audit trail, so it was removed: ")
    assert "Traceback" not in err
    assert not out.exists(), list(out.iterdir())


def test_an_outbox_stopped_half_way_leaves_no_minutes_behind(tmp_path, templates, monkeypatch):
    """A full disk half-way through the drafts: the minutes and drafts already written are taken away
    again (nothing recorded them yet), not left in the export folder."""
    import errno

    from mapm_tui import outbox as outbox_module

    real = outbox_module._write_private
    calls = []

    def fails_on_the_third(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(outbox_module, "_write_private", fails_on_the_third)
    m = two_part()
    folder = tmp_path / "outbox"
    with pytest.raises(OutboxError) as refused:
        write_outbox(m, templates[m["template"]], folder, settings=Settings(), now=NOW)
    assert len(calls) == 3
    assert "the disk is full" in str(refused.value) and "nothing was left there" in str(refused.value)
    assert not folder.exists() or not any(folder.iterdir()), sorted(p.name for p in folder.iterdir())
