"""Taking a meeting offline and bringing it back (issue 13, checkout.py).

The "server" is a store on the tests' PostgreSQL server, and (every test again) a SQLite file: a store is a
store. The laptop is an encrypted SQLite file, as in use.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from mapm_tui import audit, checkout, holds
from mapm_tui.bundle import import_bundle
from mapm_tui.checkout import CheckoutError, ServerChanged
from mapm_tui.holds import HeldElsewhere, Holder
from mapm_tui.lifecycle import next_meeting
from tests import keys
from tests.samples import load_sample

SAMPLE = "m-2026-hants-001"
LATER = dt.timedelta(hours=3)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path, clock, templates):
    """The team's store: a SQLite file, and a database on the tests' PostgreSQL server (tests/pg.py)."""
    if request.param == "postgresql":
        from mapm_tui.store import open_store

        s = open_store(request.getfixturevalue("pg_url"), clock)
    else:
        s = keys.open_test_store(tmp_path / "server.db", clock)
    import_bundle(s, load_sample("hampshire-planning.json"), templates)
    yield s
    s.close()


@pytest.fixture
def laptop(tmp_path, clock):
    s = keys.open_test_store(tmp_path / "laptop.db", clock)
    yield s
    s.close()


def chair() -> Holder:
    return Holder.here("Sam Chair")


def take(server, laptop, clock, meeting_id=SAMPLE):
    return checkout.check_out(
        server, laptop, meeting_id, holder=chair(), purpose="taken to the venue", now=clock.utcnow()
    )


def entry_texts(store, meeting_id=SAMPLE) -> list[str]:
    return [e["text"] for e in store.load_meeting(meeting_id).get("entries", [])]


def kinds(store, meeting_id=SAMPLE) -> list[str]:
    return [e.kind for e in audit.events(store, meeting_id)]


def test_a_checked_out_meeting_is_on_the_laptop_and_read_only_on_the_server_saying_who_and_why(server, laptop, clock):
    before = server.load_meeting(SAMPLE)
    take(server, laptop, clock)
    assert laptop.load_meeting(SAMPLE) == before  # the whole meeting, as it was
    assert laptop.template_of(SAMPLE).to_dict() == server.template_of(SAMPLE).to_dict()
    # on the server, every write is refused, with who took it and why
    with pytest.raises(HeldElsewhere) as refused:
        server.set_fields(SAMPLE, {"aim": "changed at the office"})
    assert "checked out" in str(refused.value) and "Sam Chair" in str(refused.value)
    assert "taken to the venue" in str(refused.value)
    assert server.load_meeting(SAMPLE).get("aim") == before.get("aim")
    # an app window on the server gets the same refusal when it tries to hold it
    with pytest.raises(HeldElsewhere):
        holds.acquire(server.engine, SAMPLE, Holder.here("Someone Else"), holds.new_token(), clock.utcnow())
    # the laptop's copy can be edited
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    assert "checked_out" in kinds(server) and "checked_out" in kinds(laptop)
    # the laptop keeps where the meeting came from, never a password
    record = checkout.taken(laptop, SAMPLE)
    password = server.engine.url.password
    assert record.server and (password is None or password not in record.server)
    where = checkout.whereabouts(server, clock.utcnow())
    assert where[SAMPLE].where == "taken" and "Sam Chair" in where[SAMPLE].words
    assert checkout.whereabouts(laptop, clock.utcnow())[SAMPLE].where == "checked_out"


def test_a_check_in_brings_the_laptops_changes_back_releases_the_meeting_and_deletes_the_copy(server, laptop, clock):
    take(server, laptop, clock)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    laptop.set_fields(SAMPLE, {"aim": "agreed at the venue"})
    laptop.save_draft(SAMPLE, "capture", "half a sentence typed at the ven")
    done = checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow() + LATER)
    assert not done.forced and done.kept_as is None
    assert "Said at the venue." in entry_texts(server)
    assert server.load_meeting(SAMPLE)["aim"] == "agreed at the venue"
    assert server.drafts(SAMPLE) == {"capture": "half a sentence typed at the ven"}
    server.set_fields(SAMPLE, {"venue": "editable again"})  # released
    assert kinds(server)[-1] == "checked_in"
    # the laptop's copy is gone, and its deletion is in the laptop's audit trail
    assert not laptop.exists(SAMPLE) and checkout.taken(laptop, SAMPLE) is None
    assert kinds(laptop)[-1] == "purged"


def test_a_check_in_can_keep_the_laptops_copy_read_only(server, laptop, clock):
    take(server, laptop, clock)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow(), keep=True)
    assert "Said at the venue." in entry_texts(laptop)
    with pytest.raises(HeldElsewhere) as refused:
        laptop.set_fields(SAMPLE, {"aim": "a change nobody would see"})
    assert "read-only copy" in str(refused.value) and "checked in" in str(refused.value)
    assert checkout.whereabouts(laptop, clock.utcnow())[SAMPLE].where == "copy"
    # and it can be taken again, replacing the old copy
    take(server, laptop, clock)
    laptop.set_fields(SAMPLE, {"aim": "second trip"})


def test_a_meeting_finalised_offline_arrives_final(server, laptop, clock):
    from mapm_tui import lifecycle

    take(server, laptop, clock)
    try:
        lifecycle.finalise(laptop, SAMPLE, "Sam Chair")
    except lifecycle.FinaliseRefused as refused:
        lifecycle.finalise(laptop, SAMPLE, "Sam Chair", [(f.key, "accepted for the test") for f in refused.findings])
    checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    meeting = server.load_meeting(SAMPLE)
    assert meeting["status"] == "final"
    with pytest.raises(Exception) as locked:
        server.set_fields(SAMPLE, {"aim": "after the lock"})
    assert "final" in str(locked.value)


def test_earlier_meetings_with_open_actions_go_along_read_only(server, laptop, clock, templates):
    review = next_meeting(server, SAMPLE)
    done = take(server, laptop, clock, review)
    assert done.references == [SAMPLE]
    assert len([a for a in laptop.load_meeting(SAMPLE)["actions"] if a.get("status") == "open"]) == 6
    with pytest.raises(HeldElsewhere):
        laptop.set_fields(SAMPLE, {"aim": "changed offline"})
    laptop.set_fields(review, {"aim": "the review's aim"})
    checkout.check_in(server, laptop, review, by="Sam Chair", now=clock.utcnow())
    # the reference copy goes with the meeting that needed it
    assert not laptop.exists(SAMPLE) and not laptop.exists(review)
    assert server.load_meeting(review)["aim"] == "the review's aim"


def test_a_final_meeting_or_one_being_edited_is_not_checked_out(server, laptop, clock):
    holds.acquire(server.engine, SAMPLE, Holder.here("Alex Minutes"), holds.new_token(), clock.utcnow())
    with pytest.raises(HeldElsewhere):
        take(server, laptop, clock)
    assert not laptop.exists(SAMPLE)
    assert "checked_out" not in kinds(server)


def test_the_server_changed_meanwhile_is_refused_saying_what_differs_and_nothing_is_overwritten(server, laptop, clock):
    take(server, laptop, clock)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    checkout.force_release(server, SAMPLE, reason="the laptop was reported lost", by="Pat Manager", now=clock.utcnow())
    server.add_item(SAMPLE, "entries", {"kind": "information", "text": "Added at the office."})
    server_before, laptop_before = server.load_meeting(SAMPLE), laptop.load_meeting(SAMPLE)
    with pytest.raises(ServerChanged) as refused:
        checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    sentence = str(refused.value)
    assert "the notes differ" in sentence and "Pat Manager" in sentence and "laptop was reported lost" in sentence
    assert "--force" in sentence
    assert refused.value.parts == ["entries"]
    assert server.load_meeting(SAMPLE) == server_before and laptop.load_meeting(SAMPLE) == laptop_before
    assert checkout.taken(laptop, SAMPLE) is not None
    # forced: both versions are kept
    done = checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow(), force=True)
    assert done.forced and done.kept_as
    assert "Said at the venue." in entry_texts(server) and "Added at the office." not in entry_texts(server)
    kept = server.load_meeting(done.kept_as)
    assert "Added at the office." in [e["text"] for e in kept["entries"]]
    assert "server's version" in kept["title"]
    assert "checkout_forced" in kinds(server) and "checked_in" in kinds(server)


def test_a_forced_checkout_with_nothing_changed_on_the_server_checks_in(server, laptop, clock):
    take(server, laptop, clock)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    checkout.force_release(server, SAMPLE, reason="needed the hold off", by="Pat Manager", now=clock.utcnow())
    done = checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    assert done.forced and done.kept_as is None
    assert "Said at the venue." in entry_texts(server)


def test_a_check_in_is_one_transaction(server, laptop, clock, monkeypatch):
    take(server, laptop, clock)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    before = server.load_meeting(SAMPLE)
    real = audit.append

    def fail_at_the_end(s, store, meeting_id, kind, detail=None, by=None):
        if kind == "checked_in":
            raise CheckoutError("the last statement failed")
        return real(s, store, meeting_id, kind, detail, by)

    monkeypatch.setattr(audit, "append", fail_at_the_end)
    with pytest.raises(CheckoutError):
        checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    monkeypatch.undo()
    assert server.load_meeting(SAMPLE) == before
    with pytest.raises(HeldElsewhere):  # still taken
        server.set_fields(SAMPLE, {"aim": "x"})
    assert laptop.exists(SAMPLE) and checkout.taken(laptop, SAMPLE) is not None


def test_a_checkout_the_laptop_cannot_take_marks_nothing_on_the_server(server, laptop, clock, monkeypatch):
    from mapm_tui.store import StorageFull

    def laptop_full(*args, **kwargs):
        raise StorageFull("The disk is full, so nothing was saved; free some space.")

    monkeypatch.setattr(checkout, "write_new", laptop_full)
    with pytest.raises(StorageFull):
        take(server, laptop, clock)
    monkeypatch.undo()
    assert not laptop.exists(SAMPLE) and checkout.taken(laptop, SAMPLE) is None
    assert "checked_out" not in kinds(server)
    server.set_fields(SAMPLE, {"aim": "still editable here"})  # not marked taken


def test_a_check_in_whose_laptop_step_did_not_finish_can_be_run_again(server, laptop, clock, monkeypatch):
    take(server, laptop, clock)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})

    def laptop_fails(*args, **kwargs):
        raise OSError("the laptop's disk went away")

    monkeypatch.setattr(checkout, "_finish_on_laptop", laptop_fails)
    with pytest.raises(OSError):
        checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    monkeypatch.undo()
    assert "Said at the venue." in entry_texts(server)
    checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    assert not laptop.exists(SAMPLE)
    assert entry_texts(server).count("Said at the venue.") == 1


def test_a_deleted_laptop_copy_leaves_no_text_in_the_file(tmp_path, server, clock):
    from mapm_tui.store import open_store

    plain = open_store(tmp_path / "plain-laptop.db", clock)  # plain, so that its bytes can be searched
    try:
        take(server, plain, clock)
        plain.add_item(SAMPLE, "entries", {"kind": "information", "text": "Zebracrossingword said at the venue."})
        checkout.check_in(server, plain, SAMPLE, by="Sam Chair", now=clock.utcnow())
    finally:
        plain.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("plain-laptop.db*"))
    assert b"Zebracrossingword" not in raw
    sample_note = load_sample("hampshire-planning.json")["meeting"]["entries"][0]["text"]
    assert sample_note.encode()[:40] not in raw


def test_a_meeting_still_open_in_a_window_on_the_laptop_is_not_checked_in(server, laptop, clock):
    take(server, laptop, clock)
    window = holds.acquire(laptop.engine, SAMPLE, Holder.here("Sam Chair"), holds.new_token(), clock.utcnow())
    with pytest.raises(CheckoutError) as refused:
        checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    assert "open in a window on this laptop" in str(refused.value)
    assert laptop.exists(SAMPLE)
    holds.release(laptop.engine, window)
    checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())


def test_check_in_of_a_meeting_not_checked_out_here_is_refused(server, laptop, clock):
    with pytest.raises(CheckoutError) as refused:
        checkout.check_in(server, laptop, SAMPLE, by="Sam Chair", now=clock.utcnow())
    assert "was not checked out" in str(refused.value)


def test_status_paths_follow_the_lifecycle():
    assert checkout.status_path("draft", "final") == ["in_progress", "in_review", "final"]
    assert checkout.status_path("in_review", "draft") == ["in_progress", "draft"]
    assert checkout.status_path("final", "final") == []
    with pytest.raises(CheckoutError):
        checkout.status_path("final", "draft")


def test_the_hold_row_names_its_kind(server, laptop, clock):
    take(server, laptop, clock)
    with server.engine.connect() as conn:
        kind = conn.execute(text("SELECT kind FROM editor_hold WHERE meeting_id = :m"), {"m": SAMPLE}).scalar()
    assert kind == "checkout"


# -- the commands ------------------------------------------------------------------------------------
def target(store) -> str:
    """What `--db` is given for the store: its file, or its server's URL."""
    return str(store.path or store.engine.url.render_as_string(hide_password=False))


def run(*argv) -> int:
    from mapm_tui.cli import main

    return main([str(a) for a in argv])


def test_the_commands_take_a_meeting_to_a_new_encrypted_laptop_file_and_back(tmp_path, server, capsys):
    from mapm_tui import crypto

    server_path, laptop_path = target(server), tmp_path / "venue" / "laptop.db"
    laptop_path.parent.mkdir()
    assert run("--db", server_path, "checkout", SAMPLE, "--to", laptop_path, "--by", "Sam Chair") == 0
    assert "checked out to" in capsys.readouterr().out
    assert crypto.file_kind(laptop_path) == "encrypted"
    laptop = keys.open_test_store(laptop_path)
    laptop.add_item(SAMPLE, "entries", {"kind": "information", "text": "Said at the venue."})
    laptop.close()
    # taken: a second checkout is refused (exit 1) with who has it
    assert run("--db", server_path, "checkout", SAMPLE, "--to", tmp_path / "other.db") == 1
    assert "Sam Chair" in capsys.readouterr().err
    assert run("--db", server_path, "checkin", SAMPLE, "--from", laptop_path, "--keep") == 0
    assert "kept there, read-only" in capsys.readouterr().out
    assert "Said at the venue." in entry_texts(server)


def test_the_commands_refuse_a_changed_server_and_force_keeps_both(tmp_path, server, capsys):
    server_path, laptop_path = target(server), tmp_path / "laptop.db"
    assert run("--db", server_path, "checkout", SAMPLE, "--to", laptop_path) == 0
    assert run("--db", server_path, "release-checkout", SAMPLE, "--reason", "laptop lost", "--by", "Pat Manager") == 0
    server.set_fields(SAMPLE, {"aim": "changed at the office"})
    capsys.readouterr()
    assert run("--db", server_path, "checkin", SAMPLE, "--from", laptop_path) == 1
    err = capsys.readouterr().err
    assert "its details (aim) differs" in err and "Pat Manager" in err and "Traceback" not in err
    assert run("--db", server_path, "checkin", SAMPLE, "--from", laptop_path, "--force") == 0
    assert "kept as meeting" in capsys.readouterr().out
    assert server.load_meeting(SAMPLE).get("aim") != "changed at the office"
    laptop = keys.open_test_store(laptop_path)
    try:
        assert not laptop.exists(SAMPLE)
    finally:
        laptop.close()


def test_mapm_list_says_where_a_meeting_is_as_the_app_does(tmp_path, server, capsys):
    """`mapm list` marks a meeting that is not simply here, as the app's list does: taken offline (and by
    whom) on the server, checked out on the laptop; `--format json` gives the same words as `where`."""
    import json

    server_path, laptop_path = target(server), tmp_path / "laptop.db"
    assert run("--db", server_path, "list") == 0
    assert "Taken" not in capsys.readouterr().out
    assert run("--db", server_path, "checkout", SAMPLE, "--to", laptop_path, "--by", "Sam Chair") == 0
    capsys.readouterr()
    assert run("--db", server_path, "list") == 0
    assert "Taken by Sam Chair" in capsys.readouterr().out
    assert run("--db", server_path, "list", "--format", "json") == 0
    assert [m["where"] for m in json.loads(capsys.readouterr().out) if m["id"] == SAMPLE] == ["Taken by Sam Chair"]
    assert run("--db", laptop_path, "list") == 0
    assert "Checked out" in capsys.readouterr().out
    assert run("--db", server_path, "checkin", SAMPLE, "--from", laptop_path) == 0
    capsys.readouterr()
    assert run("--db", server_path, "list", "--format", "json") == 0
    assert [m["where"] for m in json.loads(capsys.readouterr().out) if m["id"] == SAMPLE] == [None]


def test_a_meeting_in_progress_keeps_its_clock_on_the_laptop_and_back(server, laptop, clock, templates):
    """When the meeting started is not in a bundle, but the meeting clock counts from it: a meeting taken
    to the venue mid-way showed 'Meeting 00:00' there for good."""
    from sqlmodel import Session

    def started(store, meeting_id):
        with Session(store.engine) as s:
            row = store._get(s, meeting_id)
            return row.started_at

    mid = server.create_meeting(templates["hampshire"], clock.utcnow().date())
    server.set_status(mid, "in_progress")
    began = started(server, mid)
    assert began is not None
    take(server, laptop, clock, mid)
    assert started(laptop, mid) == began
    laptop.add_item(mid, "entries", {"kind": "information", "text": "Said at the venue."})
    checkout.check_in(server, laptop, mid, by="Sam Chair", now=clock.utcnow(), keep=False)
    assert started(server, mid) == began
