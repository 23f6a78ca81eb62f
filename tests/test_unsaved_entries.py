"""Enter always takes the entry (pending.py): with the database failing, what the chair types on an entries
step is taken at once, listed marked NOT SAVED, and saved later in order, each once; quitting keeps it in a
recovery file and the next opening of the meeting puts it back.

The faults are the database's own errors, raised at the driver call for the store's writes (the store's
boundary): on SQLite a full disk (SQLITE_FULL, 13) and a busy database (SQLITE_BUSY, 5); on PostgreSQL a
lost connection (psycopg's OperationalError without a SQLSTATE, as libpq gives), a full disk (53100) and a
lock not available (55P03). One test stops a real PostgreSQL server under the running app instead.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.orm import Session
from textual.widgets import Input, Label

from mapm_tui import capture, recovery
from mapm_tui.app import MapmApp
from mapm_tui.bundle import import_bundle
from mapm_tui.models import Entry
from mapm_tui.store import open_store
from tests.pilot_helpers import fill, on_show, step_on_show, wait_until
from tests.samples import load_sample
from tests.test_kill import (  # noqa: F401  (db and imported are fixtures)
    ENTER,
    MEETING_ID,
    db,
    imported,
    needs_pty,
    open_field,
    start_app,
)

SAMPLE = "m-2026-hants-001"
STEP = "identified_during"  # strengths, needs and risks (the step's first kind: strength)
SIZE = (120, 40)
FAULTS = ("lost", "full", "busy")

A = ("r: Dad drives after drinking @Martin", "risk", "Dad drives after drinking", "att-2")
B = ("n Maisie needs a bus pass to get to school", "need", "Maisie needs a bus pass to get to school", None)
C = ("Nan collects her every Friday @Brookvale Homes", "strength", "Nan collects her every Friday", None)


class Faults:
    """Make the store's writes fail as the database itself would, until `clear` (see the module's doc).
    `only`: fail only statements holding these words (e.g. the entry table's insert)."""

    def __init__(self, store, kind: str, only: str | None = None):
        self.store, self.kind, self.only = store, kind, only
        self.failing = False
        self.failed = 0
        event.listen(store.engine, "do_execute", self._execute)

    def _error(self) -> Exception:
        dialect = self.store.engine.dialect.name
        if self.kind == "refused":  # a constraint: the store refuses the value for good
            if dialect == "sqlite":
                refused = self.store.engine.dialect.loaded_dbapi.IntegrityError("CHECK constraint failed")
                refused.sqlite_errorcode = 19
                return refused
            import psycopg.errors

            return psycopg.errors.CheckViolation("new row violates check constraint")
        if dialect == "sqlite":
            exc = self.store.engine.dialect.loaded_dbapi.OperationalError(
                "database or disk is full" if self.kind == "full" else "database is locked"
            )
            exc.sqlite_errorcode = {"full": 13, "busy": 5}[self.kind]
            return exc
        import psycopg
        import psycopg.errors

        if self.kind == "lost":
            return psycopg.OperationalError("server closed the connection unexpectedly")
        if self.kind == "full":
            return psycopg.errors.DiskFull("could not extend file: No space left on device")
        return psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")

    def _execute(self, cursor, statement, parameters, context):
        words = statement.lstrip().upper()
        if not self.failing or not words.startswith(("INSERT", "UPDATE", "DELETE")):
            return None
        if self.only is not None and self.only.upper() not in words:
            return None
        self.failed += 1
        raise self._error()

    def fail(self) -> None:
        self.failing = True

    def clear(self) -> None:
        self.failing = False


def _skip_what_the_dialect_cannot(store, fault: str) -> None:
    if fault == "lost" and store.engine.dialect.name == "sqlite":
        pytest.skip("a SQLite file has no connection to lose (the PostgreSQL run covers it)")


@pytest.fixture
def sample(store, templates):
    return import_bundle(store, load_sample("hampshire-planning.json"), templates)


#: how the list marks an entry not saved yet, before what was said
NOT = "[NOT SAVED] "


def waiting_marks(app) -> list[bool]:
    """For each row of the entries list: is it marked NOT SAVED?"""
    return [cells[1].startswith(NOT) for cells in rows(app)]


def rows(app) -> list[list[str]]:
    """The entries list as the chair sees it, each row's texts whole."""
    return [cells for _key, cells in on_show(app, "#entries").full_rows]


def shown(app, selector: str) -> str:
    return str(on_show(app, selector).render())


def assert_whole_on_screen(app, selector: str, ending: str) -> None:
    """The label ends with `ending` and is drawn whole: inside its step's width (wrapped onto more lines),
    not running past the right edge, where the sentence was cut at "…it is kept" (QA, 120 columns)."""
    label = on_show(app, selector, Label)
    assert str(label.render()).endswith(ending)
    body = app.screen.body
    assert label.region.right <= body.content_region.right, (label.region, body.content_region)
    assert label.region.height * label.region.width >= len(str(label.render()))


def stored(store, meeting_id: str) -> list[dict]:
    return store.load_meeting(meeting_id).get("entries") or []


async def open_step(pilot, meeting_id: str, step: str = STEP) -> None:
    pilot.app.open_meeting(meeting_id, step)
    await wait_until(pilot, lambda: step_on_show(pilot.app), "the entries step on show")


async def take(pilot, typed: str) -> None:
    """Type a line into the capture line and press Enter; the line is empty again afterwards (asserted)."""
    await fill(pilot, "#capture", typed, submit=True)
    await wait_until(pilot, lambda: on_show(pilot.app, "#capture", Input).value == "", "the capture line cleared")


async def until_all_saved(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: (app._autosave_tick(), not app.live.autosaver.pending)[1], "everything saved")


def assert_the_three(entries: list[dict], meeting_id: str) -> None:
    taken = [e for e in entries if e.get("step") == STEP][-3:]
    assert [(e["kind"], e["text"]) for e in taken] == [(k, t) for _typed, k, t, _who in (A, B, C)]
    assert taken[0]["source_attendee_id"] == "att-2"
    assert taken[1].get("source_attendee_id") is None and taken[1].get("source_agency") is None
    assert taken[2]["source_agency"] == "Brookvale Homes" and taken[2].get("source_attendee_id") is None
    assert len({e["id"] for e in entries}) == len(entries)


@pytest.mark.both_dialects
@pytest.mark.parametrize("fault", FAULTS)
async def test_entries_typed_while_writes_fail_are_taken_listed_not_saved_and_saved_in_order(
    make_app, store, sample, fault
):
    _skip_what_the_dialect_cannot(store, fault)
    before = len(stored(store, sample))
    faults = Faults(store, fault)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, sample)
        listed = len(rows(app))
        faults.fail()
        for typed, *_ in (A, B, C):
            await take(pilot, typed)  # the line is empty after each Enter: B is never appended to A
        assert faults.failed, "the fault never happened"
        listed_now = rows(app)
        assert len(listed_now) == listed + 3
        assert [(r[0], r[1]) for r in listed_now[-3:]] == [
            ("Risk", NOT + A[2]),
            ("Need", NOT + B[2]),
            ("Strength", NOT + C[2]),
        ]
        assert listed_now[-3][2] == "Martin Ellis" and listed_now[-1][2] == "Brookvale Homes"
        assert waiting_marks(app) == [False] * listed + [True] * 3
        assert "NOT SAVED (3 waiting)" in shown(app, "#save-state")
        assert "3 entries NOT SAVED yet" in shown(app, "#capture-waiting")
        assert_whole_on_screen(app, "#capture-waiting", app.save_error)
        assert len(stored(store, sample)) == before, "written while the database was failing?"

        faults.clear()
        await until_all_saved(pilot)
        await wait_until(pilot, lambda: not any(waiting_marks(app)), "the list redrawn as saved")
        assert "Saved" in shown(app, "#save-state")
        assert not on_show(app, "#capture-waiting", Label).display
    entries = stored(store, sample)
    assert len(entries) == before + 3
    assert_the_three(entries, sample)


@pytest.mark.both_dialects
async def test_an_entry_refused_for_good_waits_for_the_chair_and_those_after_it_go_on(make_app, store, sample):
    before = len(stored(store, sample))
    faults = Faults(store, "refused", only="INSERT INTO entry")
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, sample)
        faults.fail()
        await take(pilot, A[0])
        faults.clear()
        await take(pilot, B[0])
        await wait_until(pilot, lambda: app.live.entries_waiting == 1, "B saved, A still waiting")
        # B is saved; A waits, listed after the saved entries (and saved after B: it was refused first)
        assert [r[1] for r in rows(app)[-2:]] == [B[2], NOT + A[2]]
        for _ in range(3):  # the ticks do not retry it: it waits for the chair
            app._autosave_tick()
            await pilot.pause()
        assert app.live.entries_waiting == 1
        assert "Change or delete the entry marked NOT SAVED" in shown(app, "#capture-waiting")

        table = on_show(app, "#entries")
        table.focus()
        table.move_cursor(row=len(rows(app)) - 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_show(app, "#capture", Input).value == A[2], "A in the capture line")
        await fill(pilot, "#capture", "Dad drives after drinking at weekends", submit=True)
        await until_all_saved(pilot)
    texts = [e["text"] for e in stored(store, sample)[before:]]
    assert texts == [B[2], "Dad drives after drinking at weekends"]


@pytest.mark.both_dialects
async def test_an_entry_keeps_the_part_of_the_meeting_it_was_typed_in(make_app, store, new_meeting, templates):
    """Typed in part one, saved after the family joined: it is still part one's (G-08), as typed."""
    meeting_id = new_meeting("hampshire", **{"family.attending": "part_two"})
    store.set_status(meeting_id, "in_progress")
    faults = Faults(store, "busy" if store.engine.dialect.name == "sqlite" else "lost", only="INSERT INTO entry")
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        faults.fail()
        await take(pilot, "r: said before the family came in")
        app.live.mark_part_two()  # F4 (the meeting's own row: not failing here)
        await take(pilot, "r: said with the family in the room")
        assert waiting_marks(app) == [True, True]
        faults.clear()
        await until_all_saved(pilot)
    parts = [(e["text"], e["part"]) for e in stored(store, meeting_id)]
    assert parts == [
        ("said before the family came in", "professionals"),
        ("said with the family in the room", "family"),
    ]


class LostAnswer:
    """The COMMIT of the next entry written reaches the database, but its answer is lost (the connection
    drops at that moment): the store's commit raises the driver's error after the database committed."""

    def __init__(self, store):
        self.store = store
        self.armed = False
        self.lost = 0
        event.listen(Session, "before_flush", self._before)
        event.listen(Session, "after_commit", self._after)

    def remove(self) -> None:
        event.remove(Session, "before_flush", self._before)
        event.remove(Session, "after_commit", self._after)

    def _before(self, session, _context, _instances) -> None:
        if any(isinstance(o, Entry) for o in session.new):
            session.info["adds_entry"] = True

    def _after(self, session) -> None:
        if not (self.armed and session.info.pop("adds_entry", False)):
            return
        self.armed = False
        self.lost += 1
        if self.store.engine.dialect.name == "sqlite":
            orig = self.store.engine.dialect.loaded_dbapi.OperationalError("disk I/O error")
            orig.sqlite_errorcode = 10
        else:
            import psycopg

            orig = psycopg.OperationalError("server closed the connection unexpectedly")
        raise SAOperationalError("COMMIT", {}, orig)


@pytest.mark.both_dialects
async def test_a_retry_after_a_lost_commit_writes_no_second_entry(make_app, store, sample):
    before = len(stored(store, sample))
    lost = LostAnswer(store)
    app = make_app(save_delay=0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_step(pilot, sample)
            lost.armed = True
            await take(pilot, A[0])
            assert lost.lost == 1, "the answer was never lost"
            # the app could not know it was written: it was kept and is retried (now, or by a tick already)
            await until_all_saved(pilot)
            await take(pilot, B[0])
            await until_all_saved(pilot)
            assert not any(waiting_marks(app))
    finally:
        lost.remove()
    entries = stored(store, sample)
    assert [e["text"] for e in entries[before:]] == [A[2], B[2]], "the retry wrote the entry a second time"


@pytest.mark.both_dialects
async def test_a_waiting_entry_is_changed_or_deleted_in_the_queue_never_another_one(make_app, store, sample):
    before = stored(store, sample)
    faults = Faults(store, "busy" if store.engine.dialect.name == "sqlite" else "lost")
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, sample)
        faults.fail()
        for typed, *_ in (A, B, C):
            await take(pilot, typed)
        table = on_show(app, "#entries")
        count = len(rows(app))

        # Enter on B's row edits it in the capture line; Enter again changes the waiting B
        table.focus()
        table.move_cursor(row=count - 2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_show(app, "#capture", Input).value == B[2], "B in the capture line")
        await fill(pilot, "#capture", "Maisie needs a bus pass from January", submit=True)
        changed = NOT + "Maisie needs a bus pass from January"
        await wait_until(pilot, lambda: rows(app)[-2][1] == changed, "B changed, still waiting")
        assert rows(app)[-2][0] == "Need"

        # ctrl+o on A's row marks it fact: the waiting A
        table.focus()
        table.move_cursor(row=count - 3)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: rows(app)[-3][3] == "Fact", "A marked fact")

        # Delete on C's row (confirmed) takes C out of the queue
        table.move_cursor(row=count - 1)
        await pilot.press("delete")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "Confirm", "the confirmation")
        app.screen.GRACE = 0
        await pilot.press("y")
        await wait_until(pilot, lambda: len(rows(app)) == count - 1, "C gone from the list")
        assert app.live.entries_waiting == 2

        faults.clear()
        await until_all_saved(pilot)
    entries = stored(store, sample)
    assert entries[: len(before)] == before, "an entry saved before was changed or deleted"
    added = [(e["kind"], e["text"], e.get("basis")) for e in entries[len(before) :]]
    assert added == [("risk", A[2], "fact"), ("need", "Maisie needs a bus pass from January", None)]


@pytest.mark.both_dialects
async def test_quitting_while_entries_wait_keeps_them_and_opening_the_meeting_puts_them_back(
    make_app, store, sample, tmp_path
):
    before = len(stored(store, sample))
    faults = Faults(store, "full")
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, sample)
        faults.fail()
        for typed, *_ in (A, B, C):
            await take(pilot, typed)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "Confirm", "the offer of a recovery file")
        assert "NOT saved" in str(app.screen.query_one("#question").render())
        app.screen.GRACE = 0
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running
    target = app.recovery_target()
    kept = recovery.find(target)
    assert len(kept) == 1 and str(kept[0].path) in app.fatal_message
    assert [e["text"] for e in recovery.entries_in(kept[0])] == [A[2], B[2], C[2]]
    assert len(stored(store, sample)) == before

    # the next start: the offer of the file is put off; opening the meeting puts the entries back
    faults.clear()
    again = make_app(save_delay=0)
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: type(again.screen).__name__ == "Confirm", "the start's offer of the file")
        again.screen.GRACE = 0
        await pilot.press("n")
        await wait_until(pilot, lambda: type(again.screen).__name__ == "HomeScreen", "the meetings list")
        await open_step(pilot, sample)
        await pilot.pause()
        said = [n.message for n in again._notifications]
        assert any("3 entries" in m and "back in this meeting" in m for m in said), said
        await until_all_saved(pilot)
        assert [r[:2] for r in rows(again)[-3:]] == [["Risk", A[2]], ["Need", B[2]], ["Strength", C[2]]]
    assert_the_three(stored(store, sample), sample)
    assert len(stored(store, sample)) == before + 3
    # the file is done with its entries once they are saved: what else it kept (the capture line's draft,
    # emptied by Enter) is still offered
    assert all(not recovery.entries_in(kept) for kept in recovery.find(target))


@pytest.mark.both_dialects
def test_a_recovery_file_put_back_twice_adds_each_entry_once(store, sample, clock):
    entries = {
        f"entry:ent-{n}abc": {"id": f"ent-{n}abc", "kind": "risk", "text": f"said {n}", "step": STEP} for n in range(2)
    }
    target = MapmApp(db=None, clock=clock, store=store).recovery_target()
    assert target is not None and "mapm_test" not in str(target)  # never the role or its password
    for _ in range(2):
        path = recovery.write(target, sample, entries, clock.now())
        (kept,) = recovery.find(target)
        assert kept.path == path
        assert recovery.restore(store, kept) == 2
    texts = [e["text"] for e in stored(store, sample)]
    assert texts.count("said 0") == 1 and texts.count("said 1") == 1
    assert texts[-2:] == ["said 0", "said 1"]


@pytest.mark.both_dialects
async def test_finalising_is_refused_while_entries_wait(make_app, store, sample):
    from mapm_tui.pending import EntriesWaiting

    faults = Faults(store, "full" if store.engine.dialect.name == "sqlite" else "lost")
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, sample)
        faults.fail()
        await take(pilot, A[0])
        with pytest.raises(EntriesWaiting, match="NOT SAVED"):
            app.live.check_all_saved()
        faults.clear()
        await until_all_saved(pilot)
        app.live.check_all_saved()


# -- the capture line's kind prefix ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, kind, text",
    [
        ("r Riley said Dad drives after drinking", "risk", "Riley said Dad drives after drinking"),
        ("r: Riley said Dad drives after drinking", "risk", "Riley said Dad drives after drinking"),
        ('v "I want to live with Nan"', "voice_of_subject", '"I want to live with Nan"'),
        ("i think she is safe at school", None, "i think she is safe at school"),  # "i" is the word I
        ("R Smith said the house was cold", None, "R Smith said the house was cold"),  # an initial
        ("s 47 enquiry started on Monday", None, "s 47 enquiry started on Monday"),  # a number
        ("x-ray showed an old fracture", None, "x-ray showed an old fracture"),
        ("r", None, "r"),
    ],
)
def test_a_kind_letter_and_a_space_chooses_the_kind_where_it_cannot_be_a_word(typed, kind, text):
    assert capture.parse_quick(typed) == (kind, text)


async def test_r_then_a_space_is_a_risk_and_the_step_says_so_before_enter(make_app, store, sample):
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, sample)
        await fill(pilot, "#capture", "r Riley said Dad drives after drinking")
        assert "Risk (typed “r”, not stored)" in shown(app, "#capture-kind")
        await fill(pilot, "#capture", "i think she is safe at school")
        assert shown(app, "#capture-kind").startswith("New: Strength")
        await fill(pilot, "#capture", "r Riley said Dad drives after drinking", submit=True)
        await until_all_saved(pilot)
    last = stored(store, sample)[-1]
    assert (last["kind"], last["text"]) == ("risk", "Riley said Dad drives after drinking")


# -- a real server stopped under the app ----------------------------------------------------------


async def test_two_entries_typed_while_the_server_is_stopped_are_saved_as_two_when_it_is_back(clock, templates):
    from tests import pg, pg_server
    from tests.test_lost_connection import _pg_ctl, _postgres_available

    if not _postgres_available():
        if pg.required():
            pytest.fail("PostgreSQL's programs are missing, and the PostgreSQL half must run here")
        pytest.skip("PostgreSQL's programs (pg_ctl) are not installed here")
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="mapm-pg-unsaved-"))  # the postgres user must reach it
    url = pg_server.start(folder)
    try:
        with pg.admin(url) as conn:
            conn.execute('CREATE DATABASE "mapm_unsaved"')
        url = pg.with_database(url, "mapm_unsaved")
        store = open_store(url, clock)
        import_bundle(store, load_sample("hampshire-planning.json"), templates)
        before = len(stored(store, SAMPLE))
        app = MapmApp(db=None, clock=clock, store=store, save_delay=0)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await open_step(pilot, SAMPLE)
                _pg_ctl(folder, "stop", "-m", "fast")  # the server goes, under the running app
                await take(pilot, A[0])
                await take(pilot, B[0])
                await wait_until(pilot, lambda: app.live.entries_waiting == 2, "both taken")
                assert waiting_marks(app)[-2:] == [True, True]
                assert "NOT SAVED (2 waiting)" in shown(app, "#save-state")
                assert "connection to the database server was lost" in shown(app, "#capture-waiting")
                assert_whole_on_screen(app, "#capture-waiting", "saved when the server is back.")
                _pg_ctl(folder, "start")  # and comes back
                await until_all_saved(pilot)
                await pilot.pause()
                said = [n.message for n in app._notifications]
                assert any("server is back" in m for m in said), said
        finally:
            store.close()
        again = open_store(url, clock)
        try:
            texts = [e["text"] for e in stored(again, SAMPLE)[before:]]
        finally:
            again.close()
        assert texts == [A[2], B[2]]
    finally:
        pg_server.stop(folder)


# -- how it looks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_step_with_entries_waiting(snap_compare, make_app, store, sample, size, monkeypatch):
    monkeypatch.setenv("LOGNAME", "chair")
    faults = Faults(store, "full")

    async def run_before(pilot) -> None:
        await open_step(pilot, sample)
        faults.fail()
        await take(pilot, A[0])
        await take(pilot, B[0])
        await wait_until(pilot, lambda: pilot.app.live.entries_waiting == 2, "both taken")
        table = on_show(pilot.app, "#entries")
        table.move_cursor(row=len(rows(pilot.app)) - 1)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(save_delay=0), terminal_size=size, run_before=run_before)


# -- the real app stopped by SIGTERM while entries wait ---------------------------------------------

#: the real app, whose entry inserts fail with SQLITE_FULL (13) once a flag file exists: raised at the driver
#: call as the driver in use (sqlcipher3 for an encrypted file, sqlite3 for a plain one) raises it
ENTRY_WRITES_FAIL = """
import sys
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine

FLAG = Path({flag!r})

@event.listens_for(Engine, "do_execute")
def _full(cursor, statement, parameters, context):
    if FLAG.exists() and statement.lstrip().upper().startswith("INSERT INTO ENTRY"):
        exc = context.dialect.loaded_dbapi.OperationalError("database or disk is full")
        exc.sqlite_errorcode = 13
        raise exc

from mapm_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@needs_pty
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_stopped_while_entries_wait_they_are_kept_in_a_recovery_file(db, tmp_path, how):  # noqa: F811
    """SIGTERM: the app writes them out as it stops. SIGKILL (or a power cut): nothing runs on the way out,
    and the file the app keeps while entries wait (recovery.write_journal) has them."""
    import signal
    import sys

    from tests import keys

    flag = tmp_path / "entries-fail"
    script = tmp_path / "entries_fail_mapm.py"
    script.write_text(ENTRY_WRITES_FAIL.format(flag=str(flag)), encoding="utf-8")
    first, second = "r: Dad drives after drinking", "n Maisie needs a bus pass"
    with start_app(db, tmp_path / "home", [sys.executable, str(script), "--db", str(db)]) as app:
        open_field(app, "capture")
        flag.touch()
        for line in (first, second):
            mark = app.mark()
            app.send(line)
            app.wait_for(line, since=mark)
            mark = app.mark()
            app.send(ENTER)
            app.wait_for("NOT SAVED", since=mark)
        app.wait_for("NOT SAVED (2 waiting)")
        app.proc.send_signal(getattr(signal, how))
        code = app.wait()
    assert code == (128 + signal.SIGTERM if how == "SIGTERM" else -signal.SIGKILL)
    kept = recovery.find(db)
    assert len(kept) == 1 and kept[0].meeting_id == MEETING_ID
    assert [(e["kind"], e["text"]) for e in recovery.entries_in(kept[0])] == [
        ("risk", "Dad drives after drinking"),
        ("need", "Maisie needs a bus pass"),
    ]
    store = keys.open_test_store(db)
    try:
        before = len(stored(store, MEETING_ID))
        assert recovery.restore(store, kept[0]) >= 2
        texts = [e["text"] for e in stored(store, MEETING_ID)]
    finally:
        store.close()
    assert texts[before:] == ["Dad drives after drinking", "Maisie needs a bus pass"]


@pytest.mark.both_dialects
@pytest.mark.parametrize("fault", FAULTS)
async def test_changing_step_while_writes_fail_keeps_the_meeting_going(make_app, store, new_meeting, fault):
    """alt+right banks the time spent on the step; with the database failing that write failed and the app
    crashed (PostgreSQL QA, server stopped). Now the chair moves on, the step's time waits with the rest."""
    _skip_what_the_dialect_cannot(store, fault)
    meeting = new_meeting("hampshire", case_ref="EH-2026-0999")
    store.set_status(meeting, "in_progress")
    faults = Faults(store, fault)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting, "aim")
        app.clock.advance(90)
        faults.fail()
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: app.live.current_step != "aim", "the next step")
        await wait_until(pilot, lambda: step_on_show(app), "the next step on show")
        assert app.is_running and app.return_code is None
        assert app.live.step_seconds("aim") >= 90  # on the step clock meanwhile
        faults.clear()
        await pilot.press("alt+left")
        await wait_until(pilot, lambda: app.live.current_step == "aim", "back at the aim")
        # (a lost server holds the saves until it answers, asked in a thread: written then)
        await wait_until(pilot, lambda: "aim" in store.opened(meeting).progress, "the step's time written")
    assert app.return_code in (None, 0)
    progress = store.opened(meeting).progress
    assert progress["aim"].seconds >= 90, "the step's time was lost"
