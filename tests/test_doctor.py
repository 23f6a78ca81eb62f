"""`mapm --version` and `mapm doctor`: one screen for a support request, with no personal data (issue 16).

The database rows are about a file (SQLite's header, `PRAGMA integrity_check`); on a team's server doctor
reads nothing and points to check-db, and its report still carries no password and no meeting data."""

from __future__ import annotations

import json
import os
from pathlib import Path

from mapm_tui import cli, crypto, doctor

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "hampshire-planning.json"


def _doctor(capsys, *argv: str) -> str:
    assert cli.main([*argv, "doctor"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    return out.out


def test_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("mapm 0.")


def test_doctor_on_a_healthy_plain_database_names_no_meeting_data(tmp_path, isolated_home, capsys):
    db = tmp_path / "meetings.db"
    assert cli.main(["--db", str(db), "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    out = _doctor(capsys, "--db", str(db))
    lines = dict(line.split(None, 1) for line in out.splitlines() if line and not line.startswith(" "))
    assert lines["health"] == "ok"  # an encrypted file is checked with the passphrase given in advance
    assert lines["encrypted"].startswith("yes" if crypto.file_kind(db) == "encrypted" else "no")
    assert lines["schema"].strip() == _head()
    bundle = json.loads(SAMPLE.read_text(encoding="utf-8"))["meeting"]
    for secret in [bundle["case_ref"], *(s["name"] for s in bundle.get("subjects", []))]:
        assert secret not in out


def test_doctor_finds_a_damaged_database(tmp_path, isolated_home, capsys):
    db = tmp_path / "meetings.db"
    assert cli.main(["--db", str(db), "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(2 * page + 100, 3 * page, 7):  # scribble over the third page's cells
        data[offset] = 0xA5
    db.write_bytes(bytes(data))
    out = _doctor(capsys, "--db", str(db))
    assert "DAMAGED" in out


def test_doctor_says_an_unreadable_header_is_encrypted_or_not_ours(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MAPM_PASSPHRASE", raising=False)  # doctor never asks: without one it cannot look inside
    db = tmp_path / "meetings.db"
    db.write_bytes(os.urandom(8192))
    out = _doctor(capsys, "--db", str(db))
    assert "encrypted" in out and "yes (or not a SQLite file)" in out


def test_home_folder_is_shown_as_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    inside = tmp_path / "data" / "meetings.db"
    assert doctor._private_path(inside) == os.path.join("~", "data", "meetings.db")


def test_terminal_and_colour_rows():
    rows = dict(doctor.terminal_rows({"NO_COLOR": "1", "TMUX": "/tmp/x"}, os.terminal_size((70, 20))))
    assert rows["colour"].startswith("off")
    assert "smaller than 80×24" in rows["terminal"]
    assert rows["terminal programs"] == "tmux"
    rows = dict(doctor.terminal_rows({"COLORTERM": "truecolor", "WT_SESSION": "x"}, None))
    assert rows["colour"] == "24-bit" and rows["terminal"] == "not a terminal"
    assert rows["terminal programs"] == "Windows Terminal"


def _head() -> str:
    from mapm_tui import migrations

    return migrations.HEAD


def test_doctor_on_a_server_names_neither_its_password_nor_meeting_data(pg_url, capsys):
    """A team's server (issue 13): doctor reads no database there (check-db does), and the report it
    gives for a support request carries neither the URL's password nor anything of a meeting."""
    from mapm_tui.store import open_store

    store = open_store(pg_url)
    store.close()
    assert cli.main(["--db", pg_url, "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    out = _doctor(capsys, "--db", pg_url)
    lines = dict(line.split(None, 1) for line in out.splitlines() if line and not line.startswith(" "))
    assert "mapm check-db" in lines["database"]
    password = pg_url.split("@", 1)[0].rsplit(":", 1)[1]
    bundle = json.loads(SAMPLE.read_text(encoding="utf-8"))["meeting"]
    for secret in [password, bundle["case_ref"], *(s["name"] for s in bundle.get("subjects", []))]:
        assert secret not in out
