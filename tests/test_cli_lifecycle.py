"""The command line after the meeting: finalise (exit 1 listing what blocks), reopen, next, search and
actions; exit codes 0 / 1 / 2 and one sentence on stderr, as for the other commands."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import mapm, one_sentence
from tests.test_lifecycle import complete


@pytest.fixture
def db(tmp_path, backend, request):
    """A file, or (this module runs on both dialects) a fresh database on the tests' PostgreSQL server."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "cli.db"


def _import(db, tmp_path, bundle: dict) -> str:
    path = tmp_path / f"{bundle['meeting']['id']}.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = mapm("import", str(path), db=db)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def blocked(db, tmp_path) -> str:
    """A meeting in review with two blocking findings: no aim (G-20), action 1 without a date (G-31)."""
    bundle = complete()
    del bundle["meeting"]["aim"]
    bundle["meeting"]["actions"][0].pop("due_date")
    return _import(db, tmp_path, bundle)


def test_finalise_refused_lists_what_blocks_then_overrides_finalise(db, blocked):
    result = mapm("finalise", blocked, "--by", "Jo Baker", db=db)
    assert result.returncode == 1 and one_sentence(result.stderr)
    assert "2 findings block it" in result.stderr
    lines = result.stdout.splitlines()
    assert any(x.startswith("BLOCKS G-20") and x.endswith("[G-20:aim]") for x in lines), result.stdout
    assert any(x.startswith("BLOCKS G-31") and x.endswith("[G-31:action:act-1:due_date]") for x in lines), result.stdout
    # check shows the same keys, so a chair can copy them
    assert "[G-31:action:act-1:due_date]" in mapm("check", blocked, db=db).stdout

    result = mapm(
        "finalise",
        blocked,
        "--by",
        "Jo Baker",
        "--override",
        "G-20",
        "--reason",
        "The aim is in the invitation letter",
        "--override",
        "G-31:action:act-1:due_date",
        "--reason",
        "Date set by the optician",
        db=db,
    )
    assert result.returncode == 0, result.stderr
    assert "is final" in result.stdout and "2 findings overridden" in result.stdout
    rows = json.loads(mapm("list", "--format", "json", db=db).stdout)
    assert rows[0]["status"] == "final"
    again = mapm("finalise", blocked, "--by", "Jo Baker", db=db)
    assert again.returncode == 1 and one_sentence(again.stderr) and "already final" in again.stderr


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--override", "G-20"], "needs a --reason"),
        (["--reason", "why"], "must follow the --override"),
        (["--override", "G-20", "--override", "G-31", "--reason", "x"], "needs its own --reason"),
        (["--override", "G-20", "--reason", "  "], "needs a reason"),
        (["--override", "G-77", "--reason", "typo"], "named 'G-77'"),
    ],
)
def test_finalise_usage_mistakes_exit_2(db, blocked, extra, words):
    result = mapm("finalise", blocked, "--by", "Jo Baker", *extra, db=db)
    assert result.returncode == 2 and one_sentence(result.stderr) and words in result.stderr, result.stderr
    assert json.loads(mapm("list", "--format", "json", db=db).stdout)[0]["status"] == "in_review"


def test_unknown_ids_and_missing_options_exit_2(db):
    for args in (
        ("finalise", "m-none", "--by", "Jo"),
        ("reopen", "m-none", "--by", "Jo", "--reason", "x"),
        ("next", "m-none"),
        ("finalise", "m-none"),  # no --by
        ("reopen", "m-none", "--by", "Jo"),  # no --reason
        ("search",),  # no text
    ):
        result = mapm(*args, db=db)
        assert result.returncode == 2 and one_sentence(result.stderr), (args, result.stderr)


def test_reopen_then_next_meeting(db, tmp_path):
    mid = _import(db, tmp_path, complete())
    refused = mapm("reopen", mid, "--by", "Sarah Khan", "--reason", "Typo", db=db)
    assert refused.returncode == 1 and one_sentence(refused.stderr) and "Only a final meeting" in refused.stderr
    assert mapm("finalise", mid, "--by", "Jo Baker", db=db).returncode == 0
    result = mapm("reopen", mid, "--by", "Sarah Khan", "--reason", "The GP's correction", db=db)
    assert result.returncode == 0, result.stderr
    exported = tmp_path / "out.json"
    mapm("export", mid, "--format", "json", "-o", str(exported), db=db)
    amendments = json.loads(exported.read_text(encoding="utf-8"))["meeting"]["amendments"]
    assert amendments[0]["reason"] == "The GP's correction" and amendments[0]["by"] == "Sarah Khan"

    result = mapm("next", mid, db=db)
    assert result.returncode == 0, result.stderr
    new = result.stdout.strip()
    assert new.startswith("m-20270115-")  # dated on the next review
    rows = {r["id"]: r for r in json.loads(mapm("list", "--format", "json", db=db).stdout)}
    assert rows[new]["status"] == "draft" and rows[new]["case_ref"] == "EH-2026-0001" and rows[new]["open_actions"] == 1
    twice = mapm("next", mid, db=db)
    assert twice.returncode == 1 and one_sentence(twice.stderr) and "already follows" in twice.stderr


def test_search_table_and_json_and_odd_text(db, tmp_path):
    mid = _import(db, tmp_path, complete())
    result = mapm("search", "glasses", db=db)
    assert result.returncode == 0, result.stderr
    assert mid in result.stdout and "EH-2026-0001" in result.stdout and "Fri 20 Nov 2026" in result.stdout
    hits = json.loads(mapm("search", "eye", "test", "--format", "json", db=db).stdout)
    assert hits == [
        {
            "meeting_id": mid,
            "case_ref": "EH-2026-0001",
            "date": "2026-11-20",
            "title": "Planning meeting for Sam",
            "status": "in_review",
            "place": "action",
            "item": "act-1",
            "where": "Action act-1: Book an eye test at the optician on the high street · Sam has glasses and wears…",
            "matches": 1,
        }
    ]
    for odd in ('"', "*", "AND", "NEAR(", "glasses)", "'; DROP TABLE meeting; --"):
        result = mapm("search", odd, db=db)
        assert result.returncode == 0 and result.stderr == "", (odd, result.stderr)
    assert "No meeting matches" in mapm("search", "zebra", db=db).stdout
    assert json.loads(mapm("search", "zebra", "--format", "json", db=db).stdout) == []


def test_actions_lists_open_ones_and_overdue_ones(db, tmp_path):
    """Dates far from any real "today", so the test does not depend on when it runs."""
    bundle = complete()
    base = bundle["meeting"]["actions"][0]
    bundle["meeting"]["actions"] = [
        dict(base, id="act-1", description="Write to the school", due_date="2999-12-31"),
        dict(base, id="act-2", description="Ring the housing officer", due_date="2001-01-01"),
        dict(base, id="act-3", description="Already done", due_date="2001-01-01", status="done"),
        dict(base, id="act-4", description="Not wanted any more", due_date="2001-01-01", status="cancelled"),
    ]
    mid = _import(db, tmp_path, bundle)
    everything = json.loads(mapm("actions", "--format", "json", db=db).stdout)
    assert [(a["meeting_id"], a["action_id"], a["number"], a["overdue"]) for a in everything] == [
        (mid, "act-2", 2, True),
        (mid, "act-1", 1, False),
    ]
    assert everything[0]["owner"] == "Priya Nurse" and everything[0]["case_ref"] == "EH-2026-0001"
    overdue = json.loads(mapm("actions", "--overdue", "--format", "json", db=db).stdout)
    assert [a["action_id"] for a in overdue] == ["act-2"]
    table = mapm("actions", "--overdue", db=db)
    assert table.returncode == 0 and "Ring the housing officer" in table.stdout and "OVERDUE" in table.stdout
    assert "Write to the school" not in table.stdout and "Already done" not in table.stdout
