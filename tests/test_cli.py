"""The command line contract: output, exit codes (0 / 1 / 2), one sentence on stderr, no traceback.

Most run in-process (`cli_helpers.mapm`); the exit codes 1 and 2 and the one sentence are also checked
through a real process (`mapm_process`), as a script calling `mapm` sees them."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import mapm, mapm_process, one_sentence
from tests.samples import load_sample, sample_names
from tests.test_bundle import minimal


@pytest.fixture
def db(tmp_path, backend, request):
    """The database the commands are given: a file, or (this module runs on both dialects) a fresh
    database on the tests' PostgreSQL server."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "cli.db"


@pytest.fixture
def bundle_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    return path


def test_import_prints_the_id_and_list_shows_it(db, bundle_file):
    result = mapm("import", str(bundle_file), db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "m-test-1"
    listed = mapm("list", "--format", "json", db=db)
    rows = json.loads(listed.stdout)
    assert rows[0]["id"] == "m-test-1" and rows[0]["date"] == "2026-11-20" and rows[0]["status"] == "in_review"
    assert "case_ref" in rows[0]
    table = mapm("list", db=db)
    assert "m-test-1" in table.stdout and "Fri 20 Nov 2026" in table.stdout


def test_import_twice_is_refused_with_exit_1_through_a_real_process(db, bundle_file):
    assert mapm("import", str(bundle_file), db=db).returncode == 0
    again = mapm_process("import", str(bundle_file), db=db)
    assert again.returncode == 1 and one_sentence(again.stderr) and "already stored" in again.stderr


@pytest.mark.parametrize(
    "content, words",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (json.dumps({"format": "mapm-meeting", "version": 1}).encode(), "'meeting' is missing"),
    ],
)
def test_bad_files_exit_2_with_one_sentence(db, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = mapm("import", str(path), db=db)
    assert result.returncode == 2 and one_sentence(result.stderr) and words in result.stderr
    assert json.loads(mapm("list", "--format", "json", db=db).stdout) == []


def test_missing_file_and_unknown_id_and_usage(db, tmp_path):
    result = mapm("import", str(tmp_path / "nope.json"), db=db)
    assert result.returncode == 2 and one_sentence(result.stderr)
    result = mapm("export", "m-none", "--format", "json", db=db)
    assert result.returncode == 2 and one_sentence(result.stderr) and "m-none" in result.stderr
    result = mapm_process("frobnicate", db=db)  # a usage error, through a real process
    assert result.returncode == 2 and one_sentence(result.stderr)
    result = mapm("frobnicate", db=db)
    assert result.returncode == 2 and one_sentence(result.stderr)
    result = mapm("export", db=db)
    assert result.returncode == 2 and one_sentence(result.stderr)


def test_export_json_round_trips(db, bundle_file, tmp_path):
    mapm("import", str(bundle_file), db=db)
    out = tmp_path / "out.json"
    result = mapm("export", "m-test-1", "--format", "json", "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meeting"]["actions"][0]["addresses"] == ["ent-1"]
    refused = mapm("export", "m-test-1", "--format", "json", "-o", str(out), db=db)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert mapm("export", "m-test-1", "--format", "json", "-o", str(out), "--force", db=db).returncode == 0


def test_db_from_environment(tmp_path, bundle_file, monkeypatch):
    monkeypatch.setenv("MAPM_DB", str(tmp_path / "env.db"))
    assert mapm("import", str(bundle_file)).returncode == 0
    assert (tmp_path / "env.db").exists()


def test_a_folder_as_database_is_one_sentence(tmp_path):
    result = mapm("list", db=tmp_path)
    assert result.returncode == 2 and one_sentence(result.stderr) and "folder" in result.stderr


def test_check_exits_1_when_something_blocks(db, bundle_file):
    mapm("import", str(bundle_file), db=db)
    result = mapm("check", "m-test-1", db=db)
    assert result.returncode == 1
    assert "G-20" in result.stdout or "G-21" in result.stdout  # no aim recorded
    assert "G-31" in result.stdout and "Action 1" in result.stdout


@pytest.mark.parametrize("name", sample_names())
def test_samples_import_through_the_cli(db, tmp_path, name):
    path = tmp_path / name
    path.write_text(json.dumps(load_sample(name)), encoding="utf-8")
    result = mapm("import", str(path), db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == load_sample(name)["meeting"]["id"]
