"""What leaves the laptop (issue 11): Word minutes behind a password (ECMA-376 agile encryption) and
bundles encrypted to a passphrase with age; a wrong passphrase or a damaged file changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import msoffcrypto
import pytest
from msoffcrypto.exceptions import InvalidKeyError

from mapm_tui.file_crypto import AGE_HEADERS
from tests import keys
from tests.cli_helpers import mapm, one_sentence

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "hampshire-planning.json"
PASSWORD = "otter shingle 42 quay"


@pytest.fixture
def imported(tmp_path) -> tuple[Path, str]:
    db = tmp_path / "meetings.db"
    done = mapm("import", str(SAMPLE), db=db)
    assert done.returncode == 0, done.stderr
    return db, done.stdout.strip()


def subject_name() -> str:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))["meeting"]["subjects"][0]["name"]


def test_password_protected_minutes_open_only_with_the_password(imported, tmp_path):
    db, meeting_id = imported
    out = tmp_path / "minutes.docx"
    done = mapm("export", meeting_id, "--password", "-o", str(out), db=db, env={"MAPM_EXPORT_PASSWORD": PASSWORD})
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert subject_name().encode() not in data and subject_name().encode("utf-16-le") not in data
    with pytest.raises(Exception) as refused:  # python-docx cannot read it without the password
        docx.Document(str(out))
    assert "Package not found" in str(refused.value) or "zip" in str(refused.value).lower()
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    assert office.is_encrypted()
    with pytest.raises(InvalidKeyError):
        office.load_key(password="otter shingle 42 quays", verify_password=True)
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=PASSWORD, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    text = "\n".join(p.text for p in docx.Document(plain).paragraphs)
    assert subject_name() in text
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_password_is_asked_for_and_checked(imported, tmp_path):
    db, meeting_id = imported
    out = tmp_path / "minutes.docx"
    short = mapm("export", meeting_id, "--password", "-o", str(out), db=db, env={"MAPM_EXPORT_PASSWORD": "short"})
    assert short.returncode == 2 and one_sentence(short.stderr) and "at least 8 characters" in short.stderr
    none = mapm("export", meeting_id, "--password", "-o", str(out), db=db)
    assert none.returncode == 2 and one_sentence(none.stderr) and "MAPM_EXPORT_PASSWORD" in none.stderr
    assert not out.exists()
    mixed = mapm("export", meeting_id, "--format", "json", "--password", "-o", str(out), db=db)
    assert mixed.returncode == 2 and one_sentence(mixed.stderr) and "--encrypt" in mixed.stderr


def test_the_setting_protects_every_export_unless_plain_is_asked_for(imported, tmp_path, isolated_home):
    from mapm_tui.locations import settings_path

    db, meeting_id = imported
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("protect_exports = true\n", encoding="utf-8")
    out = tmp_path / "minutes.docx"
    asked = mapm("export", meeting_id, "-o", str(out), db=db)
    assert asked.returncode == 2 and one_sentence(asked.stderr) and "password" in asked.stderr
    done = mapm("export", meeting_id, "-o", str(out), db=db, env={"MAPM_EXPORT_PASSWORD": PASSWORD})
    assert done.returncode == 0 and msoffcrypto.OfficeFile(out.open("rb")).is_encrypted()
    plain = mapm("export", meeting_id, "--plain", "-o", str(tmp_path / "plain.docx"), db=db)
    assert plain.returncode == 0, plain.stderr
    assert subject_name() in "\n".join(p.text for p in docx.Document(str(tmp_path / "plain.docx")).paragraphs)


def test_an_encrypted_bundle_round_trips_and_refuses_a_wrong_passphrase(imported, tmp_path):
    db, meeting_id = imported
    out = tmp_path / "bundle.json.age"
    env = {"MAPM_EXPORT_PASSWORD": PASSWORD}
    done = mapm("export", meeting_id, "--format", "json", "--encrypt", "-o", str(out), db=db, env=env)
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(AGE_HEADERS) and subject_name().encode() not in data

    other = tmp_path / "other.db"
    wrong = mapm("import", str(out), db=other, env={"MAPM_EXPORT_PASSWORD": "otter shingle 42 quays"})
    assert wrong.returncode == 2 and one_sentence(wrong.stderr) and "does not open" in wrong.stderr
    damaged = tmp_path / "damaged.json.age"
    damaged.write_bytes(data[:-40])
    broken = mapm("import", str(damaged), db=other, env=env)
    assert broken.returncode == 2 and one_sentence(broken.stderr) and "damaged" in broken.stderr
    listed = mapm("list", "--format", "json", db=other)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []  # nothing was imported

    again = mapm("import", str(out), db=other, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == meeting_id
    original = keys.open_test_store(db)
    copy = keys.open_test_store(other)
    try:
        assert copy.load_meeting(meeting_id) == original.load_meeting(meeting_id)
    finally:
        original.close()
        copy.close()


# -- the review screen asks the same ----------------------------------------------------------------


@pytest.mark.parametrize("required", [False, True])
async def test_the_review_screen_asks_for_a_password_twice(store, templates, clock, tmp_path, required):
    from mapm_tui.app import MapmApp
    from mapm_tui.bundle import import_bundle
    from mapm_tui.settings import Settings
    from tests.pilot_helpers import fill, screen_name
    from tests.samples import load_sample

    meeting_id = import_bundle(store, load_sample("hampshire-planning.json"), templates)
    app = MapmApp(clock=clock, store=store, settings=Settings(protect_exports=required))
    target = tmp_path / "minutes.docx"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id)
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        await fill(pilot, "#ask-input", str(target), submit=True)
        assert screen_name(pilot) == "AskPassword"
        error = app.screen.query_one("#password-error")
        if required:  # the settings protect every export: no password is not an answer
            await fill(pilot, "#password", "", submit=True)
            assert "at least 8 characters" in str(error.render())
        await fill(pilot, "#password", PASSWORD, submit=True)
        await fill(pilot, "#password-again", PASSWORD + "!", submit=True)
        assert "not the same" in str(error.render()) and not target.exists()
        await fill(pilot, "#password", PASSWORD, submit=True)
        await fill(pilot, "#password-again", PASSWORD, submit=True)
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
    office = msoffcrypto.OfficeFile(target.open("rb"))
    office.load_key(password=PASSWORD, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    assert subject_name() in "\n".join(p.text for p in docx.Document(plain).paragraphs)
