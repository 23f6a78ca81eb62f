"""The one-file program (packaging/build_binary.py) is built and smoke-tested on Linux (issue 16).

Built once per run (about a minute of one core): `--version`, `import` and `export` of a sample (the
minutes read back with python-docx, the bundle with json), and `mapm demo` in a pseudo-terminal up to
its first screen listing the sample meetings. Skipped, with the reason, where PyInstaller is not
installed, except in CI (CI=true), which installs it with the test dependencies and must run these.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "hampshire-planning.json"
MEETING_ID = "m-2026-hants-001"
CASE_REF = "EH-2026-0417"

if importlib.util.find_spec("PyInstaller") is None and os.environ.get("CI") != "true":
    pytest.skip("PyInstaller is not installed (pip install -e '.[build]')", allow_module_level=True)

#: one pytest-xdist worker runs all of these (addopts has --dist loadgroup), so the program is built once
pytestmark = pytest.mark.xdist_group("binary")


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import build_binary
    finally:
        sys.path.pop(0)
    exe = build_binary.build(tmp_path_factory.mktemp("dist"))
    assert exe.is_file() and os.access(exe, os.X_OK)
    return exe


@pytest.fixture
def home(tmp_path, monkeypatch) -> dict[str, str]:
    env = dict(os.environ, MAPM_HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path))
    env.pop("MAPM_DB", None)
    return env


def _run(program: Path, env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(program), *args], env=env, capture_output=True, text=True, timeout=120)


def test_version(program, home):
    from mapm_tui import __version__

    done = _run(program, home, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"mapm {__version__} ")


def test_import_and_export_a_sample(program, home, tmp_path):
    done = _run(program, home, "import", str(SAMPLE))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == MEETING_ID

    minutes = tmp_path / "minutes.docx"
    done = _run(program, home, "export", MEETING_ID, "--format", "docx", "-o", str(minutes))
    assert done.returncode == 0, done.stderr
    import docx

    document = docx.Document(str(minutes))
    cover = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert CASE_REF in cover
    assert any("Maisie" in p.text for p in document.paragraphs)

    bundle = tmp_path / "bundle.json"
    done = _run(program, home, "export", MEETING_ID, "--format", "json", "-o", str(bundle))
    assert done.returncode == 0, done.stderr
    exported = json.loads(bundle.read_text(encoding="utf-8"))["meeting"]
    original = json.loads(SAMPLE.read_text(encoding="utf-8"))["meeting"]
    assert exported["case_ref"] == original["case_ref"]
    assert len(exported["entries"]) == len(original["entries"])


@pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")
def test_demo_reaches_its_first_screen(program, home):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import ptyrun
    finally:
        sys.path.pop(0)
    result = ptyrun.run_until([str(program), "demo"], [CASE_REF.encode()], env=home, timeout=120)
    assert result["missing"] == [], result["output"][-2000:]
