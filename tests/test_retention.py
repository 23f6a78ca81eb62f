"""Retention and legal hold (issue 12): cases past their retention date are listed; a purge is refused on
hold and before retention, shows what it deletes, asks for the case ref typed, is all or nothing, keeps in
the audit trail that the case existed and why it went, and leaves none of the case's text in the
database file or its write-ahead log."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from mapm_tui import audit, cli, lifecycle, retention, rules
from mapm_tui.bundle import import_bundle
from mapm_tui.settings import Settings, SettingsError, load_settings
from tests import keys
from tests.samples import load_sample

TODAY = dt.date(2026, 11, 24)
KEEP_10 = Settings(retention_child_years=10, retention_adult_years=6)


def add(store, templates, name: str, meeting_id: str, date: str, case_ref: str | None = None, final=False) -> str:
    bundle = load_sample(name)
    bundle["meeting"].update(id=meeting_id, date=date)
    bundle["meeting"].pop("next_review", None)
    if case_ref:
        bundle["meeting"]["case_ref"] = case_ref
    mid = import_bundle(store, bundle, templates)
    if final:
        findings = rules.check_meeting(store.load_meeting(mid), store.template_of(mid))
        lifecycle.finalise(store, mid, "Jo Baker", [(f.key, "Agreed") for f in rules.blocking(findings)])
    return mid


@pytest.fixture
def cases(store, templates):
    """Case EH-OLD: two meetings (2009, 2010, the later final); case EH-0388: 2026; ASC-OLD: an adult, 2019."""
    add(store, templates, "hampshire-planning.json", "m-old-1", "2009-05-01", "EH-OLD")
    add(store, templates, "hampshire-planning.json", "m-old-2", "2010-03-01", "EH-OLD", final=True)
    # sent, reopened, amended and finalised again: its distribution record and amendments go with it too
    lifecycle.record_distribution(store, "m-old-2", "Priya Nurse", "full", method="email")
    lifecycle.reopen(store, "m-old-2", "Sarah Khan", "The title named the wrong school term")
    store.set_fields("m-old-2", {"title": "Planning meeting, spring term"})
    lifecycle.finalise(store, "m-old-2", "Sarah Khan")
    add(store, templates, "hampshire-two-part.json", "m-new", "2026-11-20")
    add(store, templates, "calderdale-adult-disagreement.json", "m-adult", "2019-06-01", "ASC-OLD")
    return store


def test_by_default_nothing_is_ever_past_retention(cases):
    assert retention.past_retention(cases, Settings(), TODAY) == []
    with pytest.raises(retention.NotDue, match="No retention period is set for child cases"):
        retention.purge(cases, Settings(), "EH-OLD", "Schedule 2.1", "Jo Baker", TODAY)
    assert cases.exists("m-old-1")


def test_retention_lists_cases_past_their_date_by_kind(cases):
    found = retention.past_retention(cases, KEEP_10, TODAY)
    assert [(c.case_ref, c.kind, c.until) for c in found] == [
        ("EH-OLD", "child", dt.date(2020, 3, 1)),  # ten years after its *last* meeting
        ("ASC-OLD", "adult", dt.date(2025, 6, 1)),
    ]
    assert retention.past_retention(cases, Settings(retention_child_years=20), TODAY) == []


def test_a_case_is_an_adults_case_only_when_it_is_about_adults_alone(store, templates):
    """The same reading as the words on screen (subject_words.is_adult): a case with no subject recorded
    on an agenda for a child or an adult (Calderdale) keeps the child period, as one with a child among
    its subjects does; before, anything but "child" counted as an adult's case."""
    store.create_meeting(templates["calderdale"], dt.date(2019, 6, 1), case_ref="CAL-1")
    store.create_meeting(templates["hampshire"], dt.date(2019, 6, 1), case_ref="HAN-1")
    assert (templates["calderdale"].subject_kind, templates["hampshire"].subject_kind) == ("child_or_adult", "child")
    assert retention.case_retention(store, KEEP_10, "CAL-1").kind == "child"
    assert retention.case_retention(store, KEEP_10, "HAN-1").kind == "child"
    adult = store.create_meeting(templates["calderdale"], dt.date(2019, 6, 1), case_ref="ASC-2")
    store.add_item(adult, "subjects", {"name": "Ray Hill", "kind": "adult_at_risk"})
    assert retention.case_retention(store, KEEP_10, "ASC-2").kind == "adult"
    store.add_item(adult, "subjects", {"name": "Amy Hill", "kind": "child"})
    assert retention.case_retention(store, KEEP_10, "ASC-2").kind == "child"


def test_settings_take_whole_years(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('retention_child_years = 35\nuser_name = "Jo Baker"\n', encoding="utf-8")
    assert load_settings(path).retention_child_years == 35 and load_settings(path).user_name == "Jo Baker"
    for bad in ('retention_child_years = "35"', "retention_child_years = 0", "retention_adult_years = true"):
        path.write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(SettingsError, match="whole number of years"):
            load_settings(path)


def test_a_case_on_hold_is_not_purged_even_by_raw_sql(cases):
    retention.hold(cases, "EH-OLD", "Inquiry into Northfield, letter of 3 Nov 2026", "Jo Baker")
    with pytest.raises(retention.OnHold, match="legal hold"):
        retention.purge(cases, KEEP_10, "EH-OLD", "Schedule 2.1", "Jo Baker", TODAY)
    raw = keys.connect_raw(cases.engine.url.database)
    with pytest.raises(keys.IntegrityError, match="legal hold"):
        raw.execute("DELETE FROM meeting WHERE id = 'm-old-1'")
    raw.close()
    assert [e.kind for e in audit.events(cases, "m-old-1")][-1] == "held"
    with pytest.raises(retention.RetentionError, match="already on legal hold"):
        retention.hold(cases, "EH-OLD", "Again", "Jo Baker")
    retention.release(cases, "EH-OLD", "Jo Baker")
    with pytest.raises(retention.RetentionError, match="not on legal hold"):
        retention.release(cases, "EH-OLD", "Jo Baker")
    assert retention.purge(cases, KEEP_10, "EH-OLD", "Schedule 2.1", "Jo Baker", TODAY).counts["meetings"] == 2


def test_a_case_not_yet_due_is_refused(cases):
    with pytest.raises(retention.NotDue, match="must be kept until Thu 20 Nov 2036"):
        retention.purge(cases, KEEP_10, "EH-2026-0388", "Schedule 2.1", "Jo Baker", TODAY)
    with pytest.raises(retention.UnknownCase):
        retention.purge(cases, KEEP_10, "EH-NONE", "Schedule 2.1", "Jo Baker", TODAY)
    with pytest.raises(retention.MissingReason):
        retention.purge(cases, KEEP_10, "EH-OLD", "  ", "Jo Baker", TODAY)


def test_a_purge_is_all_or_nothing(cases, monkeypatch):
    before = cases.load_meeting("m-old-1")
    calls = []
    real = retention.audit.append

    def failing(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 2:
            raise retention.RetentionError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(retention.audit, "append", failing)
    with pytest.raises(retention.RetentionError, match="disk is full"):
        retention.purge(cases, KEEP_10, "EH-OLD", "Schedule 2.1", "Jo Baker", TODAY)
    monkeypatch.undo()
    assert cases.load_meeting("m-old-1") == before and cases.exists("m-old-2")
    assert "purged" not in [e.kind for e in audit.events(cases, "m-old-1")]


def _case_texts(store, meeting_id: str, other: str) -> list[str]:
    """The purged meeting's texts (names, entries, actions, aim) that the other case does not share."""
    m = store.load_meeting(meeting_id)
    keep = json.dumps(store.load_meeting(other), ensure_ascii=False)
    texts = [s["name"] for s in m["subjects"]] + [a["name"] for a in m["attendees"]]
    texts += [e["text"] for e in m["entries"]] + [a["description"] for a in m["actions"]] + [m["aim"]]
    texts += [a["reason"] for a in m.get("amendments", []) if a.get("reason")]
    return [t for t in texts if t not in keep]


def test_purge_at_the_command_line_shows_asks_deletes_and_leaves_no_text(
    cases, capsys, monkeypatch, isolated_home, tmp_path, backend
):
    (isolated_home / "config").mkdir(parents=True)
    (isolated_home / "config" / "settings.toml").write_text(
        'retention_child_years = 10\nuser_name = "Jo Baker"\n', encoding="utf-8"
    )
    texts = _case_texts(cases, "m-old-2", "m-new")
    assert len(texts) > 25 and "Maisie Thornbury" in texts
    db = keys.db_of(cases)

    # the wrong ref typed: nothing deleted
    monkeypatch.setattr("sys.stdin", io.StringIO("EH-2026-0388\n"))
    code = cli.main(["--db", db, "purge", "--case", "EH-OLD", "--reason", "Retention schedule 2.1"])
    out = capsys.readouterr()
    assert code == 1 and "nothing was deleted" in out.err
    assert "meeting m-old-1  2009-05-01  in review" in out.out and "meeting m-old-2  2010-03-01  final" in out.out
    assert "2 meetings, 2 subjects, 18 attendees, 36 entries, 12 actions, 3 amendments" in out.out
    assert cases.exists("m-old-2")

    monkeypatch.setattr("sys.stdin", io.StringIO("EH-OLD\n"))
    code = cli.main(["--db", db, "purge", "--case", "EH-OLD", "--reason", "Retention schedule 2.1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Case EH-OLD was purged: 2 meeting(s) deleted." in out.out
    assert not cases.exists("m-old-1") and not cases.exists("m-old-2") and cases.exists("m-new")

    # the audit keeps that it existed, when, why and by whom; the chain still holds
    events = audit.events(cases, "m-old-2")
    assert events[-1].kind == "purged" and events[-1].by == "Jo Baker"
    assert events[-1].detail == "case EH-OLD, last meeting 2010-03-01, kept 10 years: Retention schedule 2.1"
    assert audit.verify(cases).ok
    assert cli.main(["--db", db, "search", "Thornbury"]) == 0
    assert "No meeting matches" in capsys.readouterr().out

    if backend != "sqlite":  # a server's files are the server's (README: Sharing with a team)
        return
    # none of the case's text in the database file or its write-ahead log (read while this store still has
    # the database open, so the log is not simply removed on closing)
    wal = tmp_path / "test.db-wal"
    assert wal.exists() and wal.stat().st_size == 0  # checkpointed into the file and truncated
    data = (tmp_path / "test.db").read_bytes()
    assert [t for t in texts if t.encode("utf-8") in data] == []
    # a word of the case as `strings` would show it: the subject's surname (in 36 entries, the index, the title)
    # the search index keeps words folded to lower case
    for word in (b"Thornbury", b"thornbury", b"Maisie", b"maisie"):
        assert word not in data


def test_purge_with_yes_and_refusals_at_the_command_line(cases, capsys, isolated_home):
    (isolated_home / "config").mkdir(parents=True)
    (isolated_home / "config" / "settings.toml").write_text("retention_adult_years = 5\n", encoding="utf-8")
    db = keys.db_of(cases)
    assert cli.main(["--db", db, "hold", "ASC-OLD", "--reason", "Safeguarding adults review"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", db, "retention"]) == 0
    assert (
        "ASC-OLD  adult  last meeting Sat 1 Jun 2019  kept until Sat 1 Jun 2024  1 meeting(s)  ON LEGAL HOLD"
        in capsys.readouterr().out
    )
    assert cli.main(["--db", db, "purge", "--case", "ASC-OLD", "--reason", "Schedule", "--yes"]) == 1
    assert "legal hold" in capsys.readouterr().err
    assert cli.main(["--db", db, "release", "ASC-OLD"]) == 0
    assert cli.main(["--db", db, "purge", "--case", "EH-OLD", "--reason", "Schedule", "--yes"]) == 1
    assert "No retention period is set for child cases" in capsys.readouterr().err
    assert cli.main(["--db", db, "purge", "--case", "NOPE", "--reason", "Schedule", "--yes"]) == 2
    assert cli.main(["--db", db, "purge", "--case", "ASC-OLD", "--reason", "Schedule", "--yes"]) == 0
    assert not cases.exists("m-adult")


def _words_of(data: bytes, words) -> list[bytes]:
    return [w for w in words if w in data]


def test_no_text_of_a_purged_case_is_left_in_the_files(plain_store, templates, tmp_path):
    """What `strings` on the database and its WAL would find: the sample's surname, capitalised as typed and
    folded to lower case as the search index keeps it, and whole entry texts. Without the index merge, or
    without VACUUM (copies left in free space when pages were split), this fails. On a plain file on purpose:
    an encrypted file shows no text to `strings` before the purge either."""
    store = plain_store
    add(store, templates, "hampshire-planning.json", "m-2026-hants-001", "2001-01-01")
    import_bundle(store, load_sample("hampshire-two-part.json"), templates)
    texts = _case_texts(store, "m-2026-hants-001", "m-2026-hants-003")
    words = [b"Thornbury", b"thornbury", b"Maisie", b"maisie"]
    files = [tmp_path / "plain.db", tmp_path / "plain.db-wal"]
    before = b"".join(f.read_bytes() for f in files)
    assert _words_of(before, words) == words
    retention.purge(store, Settings(retention_child_years=1), "EH-2026-0417", "Schedule 2.1", "Jo Baker", TODAY)
    after = b"".join(f.read_bytes() for f in files)
    assert files[1].stat().st_size == 0
    assert _words_of(after, words) == []
    assert [t for t in texts if t.encode("utf-8") in after] == []
    assert store.load_meeting("m-2026-hants-003")["entries"]  # the other case is whole
