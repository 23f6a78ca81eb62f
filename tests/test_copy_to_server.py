"""`mapm copy-to-server --from laptop.db` (issue 13): a laptop's meetings moved onto the team's server in one
transaction, as they stand, with their audit trails; a meeting already there refuses the whole copy.

The target is the `store` of each dialect (a team's PostgreSQL server, and a file: the command copies into
any mapm database); the laptop is an encrypted file opened with the usual passphrase handling."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from mapm_tui import audit, holds, lifecycle, retention
from mapm_tui.bundle import import_bundle
from mapm_tui.copy_to_server import CopyRefused, copy_to_server
from mapm_tui.models import LegalHold
from mapm_tui.store import MeetingLocked
from tests import keys
from tests.cli_helpers import mapm, one_sentence
from tests.samples import load_sample
from tests.test_audit_lock import finalised_sample
from tests.test_pg_server import member, role  # noqa: F401  (fixtures: a login role in a README group)

pytestmark = pytest.mark.both_dialects

#: what a copy must carry unchanged: the whole meeting dict, and the row's own times
TIMES = ("created_at", "updated_at", "started_at", "part_two_started_at", "ended_at", "finalised_at")


@pytest.fixture
def laptop_path(tmp_path):
    return tmp_path / "laptop.db"


@pytest.fixture
def laptop(laptop_path, clock):
    s = keys.open_test_store(laptop_path, clock)
    yield s
    s.close()


@pytest.fixture
def filled(laptop, templates, clock):
    """A chair's laptop: a final meeting (with its distribution record), a meeting in progress with its
    clock running, a step done and text typed but not yet added, and its case on legal hold."""
    final = finalised_sample(laptop, templates)
    busy = import_bundle(laptop, load_sample("hampshire-two-part.json"), templates)
    started = clock.utcnow() - dt.timedelta(minutes=25)
    with laptop.writing() as s:
        row = laptop._get(s, busy)
        row.started_at = started
        s.add(row)
    laptop.set_step_done(busy, "aim", True)
    laptop.save_draft(busy, "capture", "half a sentence typed at the venue")
    case = laptop.load_meeting(busy)["case_ref"]
    retention.hold(laptop, case, "a complaint is open", by="Jo Baker")
    return {"final": final, "busy": busy, "case": case}


def _times(store, meeting_id):
    row = store.meeting_row(meeting_id)
    return {name: getattr(row, name) for name in TIMES}


def test_every_meeting_arrives_as_it_stands_with_its_audit_trail(store, laptop, laptop_path, filled):
    ids = sorted([filled["final"], filled["busy"]])
    before = {m: (laptop.load_meeting(m), _times(laptop, m), audit.events(laptop, m)) for m in ids}
    laptop_dump = keys.dump(laptop_path)
    result = mapm("copy-to-server", "--from", laptop_path, "--by", "Sam Admin", db=keys.db_of(store))
    assert result.returncode == 0, result.stderr
    assert "Copied 2 meeting(s)" in result.stdout and all(m in result.stdout for m in ids)
    password = keys.db_of(store).split("@", 1)[0].rsplit(":", 1)[-1] if "@" in keys.db_of(store) else None
    assert password is None or password not in result.stdout + result.stderr
    for meeting_id in ids:
        meeting, times, events = before[meeting_id]
        assert store.load_meeting(meeting_id) == meeting
        assert _times(store, meeting_id) == times
        came = audit.events(store, meeting_id)
        # the laptop's events as they were recorded (when, who, the computer user, what), then the copy
        assert [(e.at, e.by, e.os_user, e.kind, e.detail) for e in came[:-1]] == [
            (e.at, e.by, e.os_user, e.kind, e.detail) for e in events
        ]
        assert came[-1].kind == "copied_in" and came[-1].by == "Sam Admin"
        assert f"with its {len(events)} earlier audit event(s)" in came[-1].detail and "laptop.db" in came[-1].detail
    assert audit.verify(store).ok  # the server's chain links them anew
    assert store.load_meeting(filled["final"])["status"] == "final"
    with pytest.raises(MeetingLocked):  # and locked there as it was on the laptop
        store.set_fields(filled["final"], {"aim": "changed after the copy"})
    busy = filled["busy"]
    assert store.drafts(busy) == {"capture": "half a sentence typed at the venue"}
    assert {k: p.done for k, p in store.step_progress(busy).items()} == {
        k: p.done for k, p in laptop.step_progress(busy).items()
    }
    with store.reading() as s:
        assert [(h.case_ref, h.reason, h.by) for h in s.exec(select(LegalHold))] == [
            (filled["case"], "a complaint is open", "Jo Baker")
        ]
    assert keys.dump(laptop_path) == laptop_dump  # the laptop's file is only read


def test_a_meeting_already_on_the_server_refuses_the_whole_copy_naming_it(store, laptop_path, filled, templates):
    there = filled["busy"]
    import_bundle(store, load_sample("hampshire-two-part.json"), templates)
    before = keys.dump(keys.db_of(store))
    result = mapm("copy-to-server", "--from", laptop_path, db=keys.db_of(store))
    assert result.returncode == 1 and one_sentence(result.stderr), result.stderr
    assert f"Meeting {there} is already on" in result.stderr and "nothing was copied" in result.stderr
    after = keys.dump(keys.db_of(store))
    assert after == before and not store.exists(filled["final"])
    # the others can be copied by id
    result = mapm("copy-to-server", filled["final"], "--from", laptop_path, db=keys.db_of(store))
    assert result.returncode == 0 and store.exists(filled["final"]), result.stderr


def test_a_broken_audit_trail_on_the_laptop_refuses_the_copy(store, laptop, laptop_path, filled, clock):
    with keys.connect_raw(laptop_path) as conn:  # another tool, past the triggers: an event's detail changed
        conn.execute("DROP TRIGGER IF EXISTS auditevent_no_update")
        conn.execute("UPDATE auditevent SET detail = 'nothing to see' WHERE pk = 2")
    with pytest.raises(CopyRefused, match="audit trail of .* is broken at event 2"):
        copy_to_server(laptop, store, by="Sam", now=clock.utcnow())
    assert not store.exists(filled["final"]) and not store.exists(filled["busy"])


def test_a_meeting_open_in_a_window_on_the_laptop_is_not_copied_from_under_it(store, laptop, filled, clock):
    holds.acquire(laptop.engine, filled["busy"], holds.Holder.here("Sam"), holds.new_token(), clock.utcnow())
    with pytest.raises(CopyRefused, match="open in a window on this laptop"):
        copy_to_server(laptop, store, by="Sam", now=clock.utcnow())
    assert not store.exists(filled["final"])


def test_unknown_ids_and_missing_files_are_one_sentence(store, laptop_path, filled, tmp_path):
    result = mapm("copy-to-server", "m-none", "--from", laptop_path, db=keys.db_of(store))
    assert result.returncode == 1 and one_sentence(result.stderr) and "m-none" in result.stderr
    result = mapm("copy-to-server", "--from", tmp_path / "nope.db", db=keys.db_of(store))
    assert result.returncode == 2 and one_sentence(result.stderr) and "not a file" in result.stderr
    assert not tmp_path.joinpath("nope.db").exists()  # never made


def test_a_reopened_meeting_keeps_its_history(store, laptop, laptop_path, filled, clock):
    lifecycle.reopen(laptop, filled["final"], "Jo Baker", "The date of the review was wrong")
    meeting = laptop.load_meeting(filled["final"])
    assert copy_to_server(laptop, store, by="Sam", now=clock.utcnow()).meeting_ids
    assert store.load_meeting(filled["final"]) == meeting
    assert [e.kind for e in audit.events(store, filled["final"])][-2:] == ["reopened", "copied_in"]


def test_meetings_checked_out_from_a_server_are_left_out_and_named(store, laptop, laptop_path, templates, clock):
    """A laptop that took a meeting from the server (with a read-only copy of an earlier one of its case)
    and holds one of its own: only its own is copied; the others go back with checkin."""
    from mapm_tui import checkout

    mine = import_bundle(laptop, load_sample("calderdale-adult-disagreement.json"), templates)
    taken = import_bundle(store, load_sample("hampshire-planning.json"), templates)
    checkout.check_out(
        store, laptop, taken, holder=holds.Holder.here("Sam"), purpose="to the venue", now=clock.utcnow()
    )
    result = mapm("copy-to-server", "--from", laptop_path, db=keys.db_of(store))
    assert result.returncode == 0, result.stderr
    assert "Copied 1 meeting(s)" in result.stdout and mine in result.stdout
    assert "Left out 1 meeting(s)" in result.stdout and taken in result.stdout
    assert store.exists(mine)
    result = mapm("copy-to-server", taken, "--from", laptop_path, db=keys.db_of(store))
    assert result.returncode == 1 and one_sentence(result.stderr) and "mapm checkin" in result.stderr


def test_a_wrong_laptop_passphrase_is_one_sentence_and_copies_nothing(store, laptop_path, filled, tmp_path):
    if not keys.encrypted():
        pytest.skip("the laptop's file is plain (MAPM_TEST_ENCRYPTED=0)")
    wrong = tmp_path / "wrong-passphrase"
    wrong.write_text("not the laptop's passphrase at all\n", encoding="utf-8")
    result = mapm("copy-to-server", "--from", laptop_path, "--laptop-passphrase-file", wrong, db=keys.db_of(store))
    assert result.returncode == 2 and one_sentence(result.stderr), result.stderr
    assert "not the laptop's passphrase" not in result.stderr
    assert not store.exists(filled["final"]) and not store.exists(filled["busy"])


@pytest.mark.sqlite_only  # the target is a server (pg_url); the laptop is the file
def test_a_reader_may_not_copy_meetings_onto_the_server(pg_url, member, laptop_path, filled):  # noqa: F811
    """The reader role (the README's grants) may not add meetings: one sentence, nothing written."""
    _person, url = member("reader")
    result = mapm("copy-to-server", "--from", laptop_path, db=url)
    assert result.returncode == 1 and one_sentence(result.stderr), result.stderr
    assert "may not make this change" in result.stderr
    from mapm_tui.store import open_store

    admin = open_store(pg_url)
    try:
        assert not admin.exists(filled["final"]) and not admin.exists(filled["busy"])
    finally:
        admin.close()


@pytest.mark.sqlite_only  # the target is a server (pg_url) reached as a chair's role; the laptop is the file
def test_a_chair_copies_with_the_readme_grants_and_the_copy_is_theirs(pg_url, member, laptop_path, filled):  # noqa: F811
    from mapm_tui.store import open_store

    person, url = member("chair")
    result = mapm("copy-to-server", "--from", laptop_path, "--by", "Sam Chair", db=url)
    assert result.returncode == 0, result.stderr
    admin = open_store(pg_url)
    try:
        copied = audit.events(admin, filled["final"])[-1]
        assert (copied.kind, copied.by, copied.os_user) == ("copied_in", "Sam Chair", person)
        assert admin.load_meeting(filled["final"])["status"] == "final" and audit.verify(admin).ok
    finally:
        admin.close()
