"""Bad agenda templates and settings files (issue 17): one sentence naming the file and the field, and
never a command (or the app) blocked by a file that the meeting at hand does not use.

The tests with a database run on a file and on a team's PostgreSQL server (issue 13, `both_dialects`): a
bad template or settings file on the computer, or a bad snapshot stored on the server, is said the same
way there. The tests of the files alone have no database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapm_tui import cli
from mapm_tui.agenda import Template, TemplateError, load_templates
from mapm_tui.settings import Settings, SettingsError, load_settings
from tests import keys
from tests.test_bundle import minimal

GOOD = """
key = "westshire"
name = "Westshire format"
subject_kind = "child"
[rules]
"G-12" = "warn"
[[steps]]
key = "aim"
title = "Aim"
kind = "text"
field = "aim"
prompt = "What is this meeting for?"
[[steps]]
key = "risks"
title = "Risks"
kind = "entries"
entry_kinds = ["risk"]
check = "G-12"
"""


def run(capsys, db: Path | str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = cli.main(["--db", str(db), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture
def db(tmp_path, backend, request) -> Path | str:
    """The database the commands are given: a new file, or a fresh database on the tests' PostgreSQL server."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "t.db"


@pytest.fixture
def templates_dir(isolated_home) -> Path:
    folder = isolated_home / "config" / "templates"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def settings_file(isolated_home) -> Path:
    (isolated_home / "config").mkdir(parents=True, exist_ok=True)
    return isolated_home / "config" / "settings.toml"


# -- templates ----------------------------------------------------------------------------------------
def test_a_good_user_template_loads(templates_dir):
    (templates_dir / "west.toml").write_text(GOOD, encoding="utf-8")
    templates = load_templates(templates_dir)
    assert templates.refused == [] and templates["westshire"].step("risks").check == "G-12"


@pytest.mark.parametrize(
    "change, words",
    [
        (('prompt = "What is this meeting for?"', "prompt = 123"), "step 1 ('aim') 'prompt' must be text in quotes"),
        (('title = "Aim"', "title = 5"), "step 1 ('aim') 'title' must be text in quotes"),
        (('title = "Aim"', 'title = "   "'), "step 1 ('aim') 'title' is empty"),
        (('subject_kind = "child"', 'subject_kind = "martian"'), "'subject_kind' is 'martian', not one of"),
        (('subject_kind = "child"', "subject_kind = 1979-05-27"), "'subject_kind'"),
        (('subject_kind = "child"', 'agenda_rule = "G-99"'), "'agenda_rule' is 'G-99', not one of G-20, G-21"),
        (('"G-12" = "warn"', '"G-12" = "sometimes"'), "'rules' 'G-12' is 'sometimes'"),
        (('"G-12" = "warn"', '"twelve" = "warn"'), "'rules'"),
        (('check = "G-12"', 'check = "G12"'), "step 2 ('risks') 'check' is 'G12'"),
        (('entry_kinds = ["risk"]', 'entry_kinds = ["gossip"]'), "'entry_kinds' item 1 is 'gossip'"),
        (('entry_kinds = ["risk"]', ""), "step 2 ('risks') 'entry_kinds' is missing"),
        (('field = "aim"', 'field = "aim"\nminutes = "5"'), "'minutes' must be a whole number"),
        (('field = "aim"', 'field = "aim"\nminutes = 999'), "from 1 to 240"),
        (('field = "aim"', 'field = "aim"\ncolour = "red"'), "has 'colour', which is not a field"),
        (('key = "risks"', 'key = "aim"'), "step 2 key 'aim' is used twice"),
        (('name = "Westshire format"', 'name = "Westshire format"\nsource = 7'), "'source' must be text"),
    ],
)
def test_a_bad_user_template_is_left_out_by_name(templates_dir, change, words):
    path = templates_dir / "west.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    templates = load_templates(templates_dir)
    assert "westshire" not in templates and {"hampshire", "calderdale"} <= set(templates)
    [refused] = templates.refused
    assert str(path) in str(refused) and words in str(refused), str(refused)
    assert "\n" not in str(refused)


def test_a_template_with_a_byte_order_mark_loads(templates_dir):
    (templates_dir / "west.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert "westshire" in load_templates(templates_dir)


def test_control_characters_in_a_template_are_cleaned(templates_dir):
    (templates_dir / "west.toml").write_text(
        GOOD.replace('title = "Aim"', 'title = "Aim\\u001b]0;PWNED\\u0007"'), encoding="utf-8"
    )
    assert load_templates(templates_dir)["westshire"].step("aim").title == "Aim ]0;PWNED"


@pytest.mark.both_dialects
def test_a_bad_template_blocks_no_command_on_other_meetings(capsys, templates_dir, tmp_path, db):
    (templates_dir / "west.toml").write_text(GOOD.replace('prompt = "What', "prompt = 123 #"), encoding="utf-8")
    bundle_path = tmp_path / "m.json"
    bundle_path.write_text(json.dumps(minimal()), encoding="utf-8")
    rc, out, err = run(capsys, db, "import", str(bundle_path))
    assert rc == 0 and out.strip() == "m-test-1"
    assert err.count("\n") == 1 and "west.toml" in err and "'prompt' must be text" in err  # said, not blocking
    rc, out, _ = run(capsys, db, "list")
    assert rc == 0 and "m-test-1" in out
    rc, out, err = run(capsys, db, "export", "m-test-1", "-o", str(tmp_path / "m.docx"))
    assert rc == 0 and (tmp_path / "m.docx").exists(), err
    west = minimal()
    west["meeting"].update(id="m-west", template="westshire")
    bundle_path.write_text(json.dumps(west), encoding="utf-8")
    rc, out, err = run(capsys, db, "import", str(bundle_path))
    assert rc == 2 and out == "" and "'westshire' could not be loaded" in err and "'prompt'" in err


def _stored_bad_snapshot(db: Path | str) -> None:
    """A meeting whose template snapshot was taken from a `prompt = 123` template before templates were
    checked whole (as the issue found them)."""
    with keys.connect_raw(db) as conn:
        (snapshot,) = conn.execute("SELECT template_snapshot FROM meeting").fetchone()
        data = json.loads(snapshot)
        data["steps"][3]["prompt"] = 123
        data["subject_kind"] = "martian"
        conn.execute("UPDATE meeting SET template_snapshot = ?", (json.dumps(data),))


@pytest.mark.both_dialects
def test_a_meeting_with_an_old_bad_snapshot_still_works(capsys, tmp_path, db):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    assert run(capsys, db, "import", str(path))[0] == 0
    _stored_bad_snapshot(db)
    rc, out, err = run(capsys, db, "check", "m-test-1")
    assert rc in (0, 1) and "Traceback" not in err and "G-" in out
    rc, _, err = run(capsys, db, "export", "m-test-1", "-o", str(tmp_path / "m.docx"))
    assert rc == 0, err


@pytest.mark.both_dialects
def test_a_snapshot_that_cannot_be_repaired_is_one_sentence(capsys, tmp_path, db):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    assert run(capsys, db, "import", str(path))[0] == 0
    with keys.connect_raw(db) as conn:
        conn.execute("UPDATE meeting SET template_snapshot = ?", (json.dumps({"key": "x", "steps": []}),))
    for argv in (("check", "m-test-1"), ("export", "m-test-1", "-o", str(tmp_path / "m.docx"))):
        rc, out, err = run(capsys, db, *argv)
        assert rc == 2 and out == "" and len(err.splitlines()) == 1 and "meeting m-test-1" in err, err
    with pytest.raises(TemplateError):
        Template.from_dict({"key": "x", "steps": []})


@pytest.mark.both_dialects
async def test_the_app_opens_a_meeting_whose_snapshot_had_a_bad_prompt(store, templates, make_app):
    from mapm_tui.bundle import import_bundle

    import_bundle(store, minimal(), templates)
    _stored_bad_snapshot(Path(store.engine.url.database))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting("m-test-1", "aim")
        await pilot.pause()
        assert app.live.template.step("aim").prompt == "123"  # kept as text, shown as typed


async def test_the_app_leaves_out_a_bad_template_and_works(templates_dir, store, make_app):
    (templates_dir / "west.toml").write_text(GOOD.replace('prompt = "What', "prompt = 123 #"), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "NewMeetingDialog"
        assert "westshire" not in app.templates and "hampshire" in app.templates


# -- settings -----------------------------------------------------------------------------------------
BAD_SETTINGS = {
    "bad TOML": ("protective_marking = ", "not valid TOML"),
    "a number": ("organisation = 3", "'organisation' must be text in quotes, not '3'"),
    "a table": ("[organisation]\nname = 'x'", "'organisation' must be text"),
    "unknown": ("colour = 'red'", "'colour' is not a setting"),
    "too long": ("organisation = '" + "x" * 400 + "'", "longer than 300"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_bad_settings_are_one_sentence(settings_file, case):
    text, words = BAD_SETTINGS[case]
    settings_file.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=words) as info:
        load_settings(settings_file)
    assert str(settings_file) in str(info.value) and "\n" not in str(info.value)


def test_settings_with_a_byte_order_mark_are_read(settings_file):
    settings_file.write_bytes(b"\xef\xbb\xbf" + b'protective_marking = "OFFICIAL"\n')
    assert load_settings(settings_file).protective_marking == "OFFICIAL"


def test_a_folder_for_settings_is_one_sentence(settings_file):
    settings_file.mkdir()
    with pytest.raises(SettingsError, match="is a folder"):
        load_settings(settings_file)


@pytest.mark.parametrize("case", ["bad TOML", "a number", "folder"])
@pytest.mark.both_dialects
def test_the_cli_works_on_defaults_where_safe_and_refuses_the_minutes(capsys, settings_file, tmp_path, case, db):
    if case == "folder":
        settings_file.mkdir()
    else:
        settings_file.write_text(BAD_SETTINGS[case][0], encoding="utf-8")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    assert run(capsys, db, "import", str(path))[0] == 0
    rc, out, err = run(capsys, db, "list")
    assert rc == 0 and "m-test-1" in out and err == ""  # list uses no settings
    rc, out, err = run(capsys, db, "export", "m-test-1", "--format", "json", "-o", str(tmp_path / "m.json.out"))
    assert rc == 0 and len(err.splitlines()) == 1 and "defaults are used" in err
    rc, out, err = run(capsys, db, "export", "m-test-1", "-o", str(tmp_path / "m.docx"))
    assert (rc, out) == (2, "") and len(err.splitlines()) == 1 and "Nothing was written" in err
    assert "Traceback" not in err and not (tmp_path / "m.docx").exists()


async def test_the_app_goes_on_with_default_settings_and_says_so(settings_file, store, make_app):
    """The app crashed on `n` with a bad settings.toml."""
    settings_file.write_text("default_template = [1, 2]", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "NewMeetingDialog"
        assert app.settings == Settings()
        [note] = list(app._notifications)
        assert "settings.toml" in note.message and "defaults are used" in note.message
