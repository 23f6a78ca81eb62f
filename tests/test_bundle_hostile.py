"""Hostile bundles (issue 17): nothing injected into a terminal, and a sentence (never a traceback) for
every file that cannot be a bundle, with the database unchanged.

The CLI runs in-process through `cli.main(argv)` (fast); `test_cli.py` keeps the subprocess contract.
Every test runs on a database file and on a team's PostgreSQL server (issue 13): what a bundle carries is
stored and shown the same way on both, except the user templates' own tests (files, not the database).
"""

from __future__ import annotations

import copy
import datetime as dt
import errno
import json
import os
from pathlib import Path

import pytest

from mapm_tui import cli
from tests import keys
from tests.cli_helpers import unmeasured_env
from tests.pilot_helpers import screen_name
from tests.test_bundle import minimal

HOSTILE_REF = "EH-\u001b[2J\u001b]0;PWNED\u0007-1"
#: what a terminal obeys: ESC, BEL, and the 8-bit CSI
OBEYED = ("\x1b", "\x07", "\x9b")
NOW_DAY = dt.date(2026, 11, 24)  # the tests' fixed clock

pytestmark = pytest.mark.both_dialects


def run(capsys, db: Path | str, *argv: str) -> tuple[int, str, str]:
    """`mapm --db DB argv…` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    rc = cli.main(["--db", str(db), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def dump(db: Path | str) -> str:
    """The whole database as SQL: byte-for-byte the same content or not."""
    return keys.dump(db)


def one_line(err: str) -> bool:
    lines = err.splitlines()
    return len(lines) == 1 and lines[0].startswith("mapm: ") and "Traceback" not in err


def hostile_bundle() -> dict:
    bundle = minimal()
    meeting = bundle["meeting"]
    meeting["case_ref"] = HOSTILE_REF
    meeting["subjects"] = [{"name": "Ada\u009b31m Red", "kind": "child", "date_of_birth": "2019-04-02"}]
    meeting["entries"][0]["text"] = "Needs glasses\u001b]0;TITLE\u0007 and a\r\nsecond line"
    meeting["actions"][0]["description"] = "Book an eye test\u001b[31m now"
    meeting["actions"][0]["due_date"] = "2026-11-21"
    return bundle


@pytest.fixture
def db(tmp_path, backend, request) -> Path | str:
    """An empty, migrated database: a file, or a fresh database on the tests' PostgreSQL server (its URL)."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    path = tmp_path / "hostile.db"
    assert cli.main(["--db", str(path), "list"]) == 0  # created and migrated, empty
    return path


def write(tmp_path: Path, data, name: str = "b.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# -- nothing injected -------------------------------------------------------------------------------
def test_escape_sequences_from_a_bundle_reach_no_command_output(capsys, db, tmp_path):
    rc, out, err = run(capsys, db, "import", str(write(tmp_path, hostile_bundle())))
    assert rc == 0, err
    stored = json.loads(run(capsys, db, "list", "--format", "json")[1])[0]
    assert stored["case_ref"] == "EH- [2J ]0;PWNED -1"  # cleaned as the app cleans what is typed
    outputs = [out, err]
    for argv in (
        ("list",),
        ("list", "--format", "json"),
        ("search", "glasses"),
        ("search", "PWNED"),
        ("search", "glasses", "--format", "json"),
        ("actions",),
        ("actions", "--format", "json"),
        ("check", "m-test-1"),
        ("export", "m-test-1", "--format", "json", "-o", str(tmp_path / "out.json")),
    ):
        rc, out, err = run(capsys, db, *argv)
        assert rc in (0, 1), (argv, err)
        outputs += [out, err]
    exported = (tmp_path / "out.json").read_text(encoding="utf-8")
    for text in [*outputs, exported]:
        assert not any(c in text for c in OBEYED), text
    assert "second line" in exported and "\\r" not in exported  # CRLF became a plain newline


def test_escapes_already_in_the_database_are_shown_escaped(capsys, db, tmp_path, monkeypatch):
    """A database written before import cleaned its text: the CLI shows the escapes, never obeys them."""
    monkeypatch.setenv("COLUMNS", "200")  # the table's case ref uncut
    assert run(capsys, db, "import", str(write(tmp_path, minimal())))[0] == 0
    with keys.connect_raw(db) as conn:
        conn.execute("UPDATE meeting SET case_ref = ?", (HOSTILE_REF + "\u009b2J[red]x[/]",))
        conn.execute("UPDATE action SET description = ?", ("Visit\u001b[2J\u0007",))
    for argv in (("list",), ("list", "--format", "json"), ("actions",), ("actions", "--format", "json")):
        rc, out, err = run(capsys, db, *argv)
        assert rc == 0, err
        assert not any(c in out + err for c in OBEYED), (argv, out)
    rc, out, _ = run(capsys, db, "list")
    assert "\\x1b[2J" in out and "[red]x[/]" in out  # shown as it is, and not taken as Rich markup
    rc, out, _ = run(capsys, db, "list", "--format", "json")
    assert json.loads(out)[0]["case_ref"].endswith("\u009b2J[red]x[/]")  # still the same JSON


async def test_the_home_screen_draws_no_escape_sequences(store, templates, make_app):
    from textual.widgets import DataTable

    from mapm_tui.bundle import import_bundle

    import_bundle(store, hostile_bundle(), templates)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#meetings", DataTable)
        cells = [str(c) for c in table.get_row_at(0)]
        assert any("PWNED" in c for c in cells)
        svg = app.export_screenshot()
    for text in [*cells, svg, app.title or "", app.sub_title or ""]:
        assert not any(c in text for c in OBEYED)


def test_a_json_error_names_line_and_column_once(capsys, db, tmp_path):
    path = write(tmp_path, '{"format": "mapm-meeting",\n "version": "a\u001bb"}')
    rc, _, err = run(capsys, db, "import", str(path))
    assert rc == 2 and one_line(err)
    assert "at at" not in err and "on line 2, column" in err


# -- refused with one sentence, the database unchanged --------------------------------------------------
def _with(change):
    def make() -> str:
        bundle = copy.deepcopy(minimal())
        change(bundle)
        return json.dumps(bundle)

    return make


def _replace(old: str, new: str, data=None):
    return lambda: json.dumps(data or minimal()).replace(old, new, 1)


REFUSED = {
    "duplicate key (a hidden second text)": (
        _replace('"text": "Needs glasses"', '"text": "Needs glasses", "text": "hidden"'),
        "appears twice",
    ),
    "NaN": (_replace('"version": 1', '"version": NaN'), "NaN is not a number JSON allows"),
    "Infinity": (_replace('"version": 1', '"version": Infinity'), "Infinity"),
    "-Infinity in extensions": (_replace('"version": 1', '"version": 1, "extensions": {"x": -Infinity}'), "Infinity"),
    "a float that overflows": (_replace('"version": 1', '"version": 1, "extensions": {"x": 1e400}'), "too large"),
    "exported_at not a date-time": (_with(lambda b: b.update(exported_at="last Tuesday")), "exported_at"),
    "exported_at without an offset": (_with(lambda b: b.update(exported_at="2026-11-20T10:00:00")), "offset"),
    "a 5,000-digit integer": (_replace('"version": 1', '"version": ' + "9" * 5000), "too large"),
    "step_timings beyond SQLite": (
        _with(lambda b: b["meeting"].update(step_timings={"aim": 2**63})),
        "too large",
    ),
    "step_timings far beyond SQLite": (
        _with(lambda b: b["meeting"].update(step_timings={"aim": 10**30})),
        "too large",
    ),
    "step_timings SQLite can hold, but the next second cannot": (
        _with(lambda b: b["meeting"].update(step_timings={"aim": 2**63 - 1})),
        "more than a year",
    ),
    "step_timings as a huge float": (_with(lambda b: b["meeting"].update(step_timings={"aim": 1e300})), "a year"),
    "nesting 2,000 deep": (
        _replace('"version": 1', '"version": 1, "extensions": {"x": ' + "[" * 2000 + "]" * 2000 + "}"),
        "nested more than",
    ),
    "nesting 200,000 deep": (
        _replace('"version": 1', '"version": 1, "extensions": {"x": ' + "[" * 200_000 + "]" * 200_000 + "}"),
        "nested more than",
    ),
    "lone high surrogate in a text": (_replace("Needs glasses", "Needs \\ud800 glasses"), "lone surrogate"),
    "lone low surrogate in an id": (_replace('"ent-1"', '"ent-\\udfff"'), "lone surrogate"),
    "lone surrogate in a key": (_replace('"version": 1', '"version": 1, "extensions": {"\\udc80": 1}'), "surrogate"),
    "reversed pair": (_replace("Needs glasses", "\\ude00\\ud83d"), "lone surrogate"),
    "a control character raw in a string": (_replace("Needs glasses", "Needs\u0007glasses"), "not valid JSON"),
    "a megabyte in an enum": (_with(lambda b: b["meeting"].update(status="x" * 1_000_000)), "is not one of"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_bundles_are_refused_with_one_sentence(capsys, db, tmp_path, case):
    make, words = REFUSED[case]
    before = dump(db)
    rc, out, err = run(capsys, db, "import", str(write(tmp_path, make())))
    assert (rc, out) == (2, ""), err
    assert one_line(err) and words in err, err
    assert len(err) < 600  # at most ~80 characters of any value are quoted
    assert dump(db) == before


def test_a_fifo_is_refused_without_waiting(capsys, db, tmp_path):
    fifo = tmp_path / "bundle.json"
    os.mkfifo(fifo)
    before = dump(db)
    rc, _, err = run(capsys, db, "import", str(fifo))
    assert rc == 2 and one_line(err) and "not a regular file" in err
    assert dump(db) == before


def test_a_symlink_to_a_device_is_not_read(capsys, db, tmp_path):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    rc, _, err = run(capsys, db, "import", str(link))
    assert rc == 2 and one_line(err) and "not a regular file" in err


def test_a_huge_file_is_refused_before_it_is_read(capsys, db, tmp_path, monkeypatch):
    from mapm_tui import bundle

    big = tmp_path / "big.json"
    with open(big, "wb") as fh:  # sparse: 60 MB on paper, nothing on disk
        fh.truncate(60 * 1024 * 1024)
    reads = []
    real_read = os.read
    monkeypatch.setattr(bundle.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    rc, _, err = run(capsys, db, "import", str(big))
    assert rc == 2 and one_line(err) and "at most 50 MB" in err
    assert reads == []


def test_a_file_name_with_escapes_is_quoted_escaped(capsys, db, tmp_path):
    rc, _, err = run(capsys, db, "import", str(tmp_path / "no\u001b]0;PWNED\u0007.json"))
    assert rc == 2 and one_line(err) and "\\x1b" in err
    assert not any(c in err for c in OBEYED)


def test_the_real_command_refuses_a_fifo_too(db, tmp_path):
    """One real process: no hang, exit 2, one line, no traceback."""
    import subprocess
    import sys

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "mapm_tui.cli", "--db", str(db), "import", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and one_line(result.stderr), result.stderr


# -- a date of birth after the meeting ---------------------------------------------------------------
def test_a_birth_after_the_meeting_is_said_found_and_exported(capsys, db, tmp_path):
    from docx import Document

    bundle = minimal()
    bundle["meeting"]["subjects"] = [{"name": "Bo Green", "kind": "child", "date_of_birth": "2027-01-05"}]
    rc, out, err = run(capsys, db, "import", str(write(tmp_path, bundle)))
    assert rc == 0 and out.strip() == "m-test-1"
    assert one_line(err) and "Bo Green" in err and "after the meeting" in err
    rc, out, _ = run(capsys, db, "check", "m-test-1")
    assert rc == 1 and "BLOCKS G-05" in out and "Tue 5 Jan 2027" in out
    rc, out, err = run(capsys, db, "export", "m-test-1", "-o", str(tmp_path / "m.docx"))
    assert rc == 0, err
    text = "\n".join(c.text for t in Document(tmp_path / "m.docx").tables for r in t.rows for c in r.cells)
    assert "born Tue 5 Jan 2027 (after the meeting date: check the date of birth)" in text


# -- exports: full disk, odd case refs -------------------------------------------------------------------
class _FullDisk:
    """A file object whose writes fail as on a full disk (ENOSPC), at the boundary with the OS."""

    def __init__(self, fd: int):
        self.fd = fd

    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self.fd

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)


@pytest.mark.parametrize("fmt, module", [("json", "mapm_tui.bundle"), ("docx", "mapm_tui.minutes")])
def test_export_to_a_full_disk_is_one_sentence(capsys, db, tmp_path, monkeypatch, fmt, module):
    import gc
    import importlib
    import sys

    assert run(capsys, db, "import", str(write(tmp_path, minimal())))[0] == 0
    monkeypatch.setattr(importlib.import_module(module).os, "fdopen", lambda fd, mode: _FullDisk(fd))
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    rc, out, err = run(capsys, db, "export", "m-test-1", "--format", fmt, "-o", str(out_dir / f"m.{fmt}"))
    gc.collect()
    assert (rc, out) == (2, "") and one_line(err), err
    assert "the disk is full" in err and "free some space" in err and "mapm database" not in err
    assert unraisable == []  # no "Exception ignored … seek of closed file"
    assert list(out_dir.iterdir()) == []  # no half file, no temporary file left


def test_export_past_a_real_file_size_limit_is_one_sentence(db, tmp_path):
    """A real write failing at the disk (RLIMIT_FSIZE: the kernel refuses to grow the file, as a full
    disk would), in a real process."""
    import subprocess
    import sys

    resource = pytest.importorskip("resource")
    assert cli.main(["--db", str(db), "import", str(write(tmp_path, minimal()))]) == 0
    script = (  # the limit is set once the database is open: only the export's new file meets it
        "import resource, signal, sys\n"
        "from mapm_tui import cli\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "real_open = cli._open\n"
        "def limited_open(*args, **kwargs):\n"  # cli._open(db, passphrase_file) since issue 11
        "    opened = real_open(*args, **kwargs)\n"
        "    resource.setrlimit(resource.RLIMIT_FSIZE, (500, resource.RLIM_INFINITY))\n"
        "    return opened\n"
        "cli._open = limited_open\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    del resource
    for fmt in ("json", "docx"):
        target = tmp_path / f"limited.{fmt}"
        result = subprocess.run(
            [sys.executable, "-c", script, "--db", str(db), "export", "m-test-1", "--format", fmt, "-o", str(target)],
            capture_output=True,
            text=True,
            timeout=60,
            env=unmeasured_env(),
        )
        assert result.returncode == 2 and one_line(result.stderr), result.stderr
        assert "could not write" in result.stderr.lower() and "Exception ignored" not in result.stderr
        assert not target.exists()


def test_the_default_json_name_survives_slashes_in_the_case_ref(capsys, db, tmp_path, isolated_home):
    bundle = minimal()
    bundle["meeting"]["case_ref"] = "EH/2026/../\u001b[2J/7"
    assert run(capsys, db, "import", str(write(tmp_path, bundle)))[0] == 0
    rc, out, err = run(capsys, db, "export", "m-test-1", "--format", "json")
    assert rc == 0, err
    path = Path(out.strip())
    assert path.parent == isolated_home / "documents" and path.name.startswith("meeting-EH-2026")
    assert json.loads(path.read_text(encoding="utf-8"))["meeting"]["case_ref"] == "EH/2026/../ [2J/7"


async def test_escapes_already_stored_are_not_drawn_on_the_home_screen(store, templates, make_app):
    """A database written before import cleaned its text: the home list draws the escapes as spaces."""
    from textual.widgets import DataTable

    from mapm_tui.bundle import import_bundle

    import_bundle(store, minimal(), templates)
    with keys.connect_raw(store.engine.url.database) as conn:
        conn.execute("UPDATE meeting SET case_ref = ?", (HOSTILE_REF,))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        cells = [str(c) for c in app.screen.query_one("#meetings", DataTable).get_row_at(0)]
        svg = app.export_screenshot()
    assert any("PWNED" in c for c in cells)
    for text in [*cells, svg]:
        assert not any(c in text for c in OBEYED)


async def test_the_setup_screen_shows_a_birth_after_today_without_crashing(store, templates, make_app):
    """A draft imported with a date of birth after today (the app's clock): its setup screen showed an
    age and raised DateError."""
    from textual.widgets import DataTable

    from mapm_tui.bundle import import_bundle

    bundle = minimal()
    bundle["meeting"].update(
        status="draft", subjects=[{"name": "Bo Green", "kind": "child", "date_of_birth": "2027-01-05"}]
    )
    import_bundle(store, bundle, templates)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting("m-test-1")
        await pilot.pause()
        assert type(app.screen).__name__ == "SetupScreen"
        row = [str(c) for c in app.screen.query_one("#subjects", DataTable).get_row_at(0)]
    assert row[0] == "Bo Green" and "Tue 5 Jan 2027" in row[2] and "check the date of birth" in row[2]


# -- markup: square brackets are text, never Textual/Rich markup ---------------------------------------
MARKUP = {
    "case_ref": "EH-[/]-1",
    "name": "Sam [/b] Teacher",
    "entry": "Said [@click=app.quit]click me[/] twice",
    "action": "Book [red]an eye test[/red",
}


async def test_square_brackets_from_a_bundle_are_shown_as_written(store, templates, make_app):
    """'[/]' in a case ref crashed the home screen (DataTable reads strings as markup), a name with '[/b]'
    crashed the attendance step, and '[@click=app.quit]' drew a link that quit the app."""
    from textual.widgets import DataTable

    from mapm_tui.bundle import import_bundle

    bundle = minimal()
    meeting = bundle["meeting"]
    meeting["case_ref"] = MARKUP["case_ref"]
    meeting["attendees"][0]["name"] = MARKUP["name"]
    meeting["entries"][0]["text"] = MARKUP["entry"]
    meeting["actions"][0]["description"] = MARKUP["action"]
    import_bundle(store, bundle, templates)
    app = make_app()
    screens = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.pause()
        shots = [app.export_screenshot()]
        app.open_meeting("m-test-1")  # in review: the review screen
        await pilot.pause()
        screens.append(screen_name(pilot))
        shots.append(app.export_screenshot())
        for step in ("attendance", "known_before", "plan"):
            app.open_meeting("m-test-1", step)
            await pilot.pause()
            screens.append(screen_name(pilot))
            if step == "known_before":  # who said it, as the capture line shows it when an entry is edited
                body = app.screen.body
                body.source_id = "att-1"
                body.refresh_meta()
                await pilot.pause()
                shots.append(app.export_screenshot())
                body.query_one("#entries", DataTable).focus()
                await pilot.pause()
                body.action_delete_entry()  # "Delete this entry?" quotes the entry
                await pilot.pause()
                screens.append(screen_name(pilot))
                confirm = str(app.screen.query_one("#question").render())  # the dialog's own text
                await pilot.press("escape")
                await pilot.pause()
            shots.append(app.export_screenshot())
        assert app.return_code is None  # still running: nothing crashed, nothing quit
    assert screens == ["ReviewScreen", "AttendanceStep", "EntriesStep", "Confirm", "ActionsStep"]
    text = "\n".join(shots).replace("&#160;", " ")
    for written in ("EH-[/]-1", "Sam [/b] Teacher", "[@click=app.quit]click me[/]", "Book [red]an eye test"):
        assert written in text, written
    assert "[@click=app.quit]click me[/]" in confirm


@pytest.mark.sqlite_only  # a user template's file and its drawing: the database plays no part
async def test_square_brackets_in_a_user_template_are_shown_as_written(isolated_home, store, make_app):
    from mapm_tui.agenda import load_templates
    from mapm_tui.locations import user_templates_dir

    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "west.toml").write_text(
        'key = "westshire"\nname = "Westshire [/]"\n[[steps]]\nkey = "aim"\ntitle = "Aim [/b]"\nkind = "text"\n'
        'field = "aim"\nprompt = "Ask [@click=app.quit]why[/]"\n',
        encoding="utf-8",
    )
    templates = load_templates(folder)
    meeting_id = store.create_meeting(templates["westshire"], NOW_DAY)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id, "aim")
        await pilot.pause()
        assert screen_name(pilot) == "TextStep" and app.return_code is None
        text = app.export_screenshot().replace("&#160;", " ")
        await pilot.press("ctrl+p")  # the command palette lists every step by its title
        await pilot.pause()
        for key in "aim":
            await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        palette = app.export_screenshot().replace("&#160;", " ")
        assert app.return_code is None
    assert "Aim [/b]" in text and "Ask [@click=app.quit]why[/]" in text
    import re

    drawn = "".join(re.findall(r">([^<]*)</text>", palette))  # the match is highlighted letter by letter
    assert "Step 1: Aim [/b]" in drawn


@pytest.mark.sqlite_only  # a user template's file and its drawing: the database plays no part
async def test_a_template_named_with_brackets_can_start_a_meeting(isolated_home, store, make_app):
    """'Westshire [/]' as a template's name crashed the new-meeting dialog (its agenda list) and the set-up."""
    from textual.widgets import Select

    from mapm_tui.locations import user_templates_dir

    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "west.toml").write_text(
        'key = "westshire"\nname = "Westshire [/]"\n'
        '[[steps]]\nkey = "aim"\ntitle = "Aim"\nkind = "text"\nfield = "aim"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "NewMeetingDialog"
        app.screen.query_one("#new-template", Select).value = "westshire"
        await pilot.pause()
        dialog = app.export_screenshot().replace("&#160;", " ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "SetupScreen" and app.return_code is None
        setup = app.export_screenshot().replace("&#160;", " ")
    assert "Westshire [/]" in dialog and "Westshire [/]" in setup
