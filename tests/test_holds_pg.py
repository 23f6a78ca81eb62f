"""One editor per meeting on PostgreSQL (issue 13): two real processes race to edit the same meetings on
the tests' server. Exactly one holds each meeting and everything it writes is kept; the other is refused
every write (never silently overwriting) and is told who holds the meeting and since when."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from mapm_tui.bundle import import_bundle
from mapm_tui.store import open_store
from tests.samples import load_sample

#: each meeting is raced for by both processes
ROUNDS = 6
LINES = 8

EDITOR = textwrap.dedent(
    """
    import datetime as dt, json, pathlib, sys, time
    from mapm_tui import holds
    from mapm_tui.store import open_store

    url, name, folder, lines, *meetings = sys.argv[1:]
    folder = pathlib.Path(folder)
    store = open_store(url)
    store.hold_token = holds.new_token()
    (folder / f"{name}.ready").touch()
    while not (folder / "go").exists():  # both start together
        time.sleep(0.01)
    out = []
    for meeting in meetings:
        now = dt.datetime.now(dt.UTC)
        try:
            holds.acquire(store.engine, meeting, holds.Holder.here(name), store.hold_token, now)
            refusal = None
        except holds.HeldElsewhere as exc:
            refusal = str(exc)
        written, refused = [], 0
        for n in range(int(lines)):
            line = f"{name} wrote line {n} of {meeting}"
            try:
                store.add_item(meeting, "entries", {"kind": "information", "text": line})
                written.append(line)
            except holds.HeldElsewhere:
                refused += 1
        out.append({"meeting": meeting, "refusal": refusal, "written": written, "refused": refused})
    (folder / f"{name}.done").touch()
    # alive until both are done: a hold whose process has ended is stale, and a stale hold blocks no one
    while len(list(folder.glob("*.done"))) < 2:
        time.sleep(0.01)
    store.close()
    print(json.dumps(out))
    """
)


def test_two_processes_editing_the_same_meetings_lose_nothing(pg_url, templates, tmp_path):
    store = open_store(pg_url)
    ids = []
    sample = load_sample("hampshire-planning.json")
    for n in range(ROUNDS):
        sample["meeting"]["id"] = f"m-race-{n}"
        ids.append(import_bundle(store, sample, templates))
    before = {m: len(store.load_meeting(m)["entries"]) for m in ids}
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, pg_url, name, str(tmp_path), str(LINES), *ids],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("Sam Chair", "Alex Minutes")
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"{n}.ready").exists() for n in ("Sam Chair", "Alex Minutes")):
        assert time.monotonic() < deadline, "the editors never started"
        assert all(e.poll() is None for e in editors), [e.communicate() for e in editors]
        time.sleep(0.01)
    (tmp_path / "go").touch()
    results = {}
    for name, editor in zip(("Sam Chair", "Alex Minutes"), editors, strict=True):
        out, err = editor.communicate(timeout=120)
        assert editor.returncode == 0, err
        results[name] = {r["meeting"]: r for r in json.loads(out)}
    for meeting in ids:
        sam, alex = results["Sam Chair"][meeting], results["Alex Minutes"][meeting]
        winners = [r for r in (sam, alex) if r["refusal"] is None]
        assert len(winners) == 1, (meeting, sam, alex)
        winner, loser = (sam, alex) if sam["refusal"] is None else (alex, sam)
        winner_name = "Sam Chair" if winner is sam else "Alex Minutes"
        # the one who lost the race was told who holds it and since when, and every write was refused
        assert winner_name in loser["refusal"] and "since" in loser["refusal"]
        assert loser["written"] == [] and loser["refused"] == LINES
        # nothing the holder wrote is lost, and nothing of the other's got in
        texts = [e["text"] for e in store.load_meeting(meeting)["entries"]]
        assert len(texts) == before[meeting] + LINES
        assert texts[-LINES:] == winner["written"]
    store.close()


def test_a_stale_hold_is_taken_over_with_a_reason_audited_on_postgresql(pg_url, templates, clock):
    import datetime as dt
    import os

    from mapm_tui import audit, holds

    store = open_store(pg_url, clock)
    try:
        meeting = import_bundle(store, load_sample("hampshire-planning.json"), templates)
        here = holds.Holder.here("Sam Chair")
        crashed = holds.Holder(here.name, here.os_user, "another-host", os.getpid())
        long_ago = clock.utcnow() - holds.STALE_AFTER - dt.timedelta(seconds=1)
        holds.acquire(store.engine, meeting, crashed, holds.new_token(), long_ago)
        mine = holds.new_token()
        with pytest.raises(holds.HeldElsewhere) as refused:
            holds.acquire(store.engine, meeting, holds.Holder.here("Alex Minutes"), mine, clock.utcnow())
        assert "can be taken over" in str(refused.value)
        hold = holds.take_over(
            store.engine,
            meeting,
            holds.Holder.here("Alex Minutes"),
            mine,
            clock.utcnow(),
            "Sam's laptop died",
            store=store,
        )
        assert hold.token == mine and "Sam Chair" in hold.taken_over_from
        events = [e for e in audit.events(store, meeting) if e.kind == "taken_over"]
        assert len(events) == 1 and "Sam's laptop died" in events[0].detail and events[0].by == "Alex Minutes"
    finally:
        store.close()
