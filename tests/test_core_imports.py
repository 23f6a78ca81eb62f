"""The core imports no Textual (and the CLI's scripting commands don't load it either)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "mapm_tui.models",
    "mapm_tui.store",
    "mapm_tui.rules",
    "mapm_tui.dates",
    "mapm_tui.bundle",
    "mapm_tui.minutes",
    "mapm_tui.agenda",
    "mapm_tui.live",
    "mapm_tui.capture",
    "mapm_tui.autosave",
    "mapm_tui.settings",
    "mapm_tui.cli",
    "mapm_tui.crypto",
    "mapm_tui.passphrase",
    "mapm_tui.file_crypto",
]


def test_core_modules_do_not_import_textual():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.') or m == "
        "'mapm_tui.screens' or m.startswith('mapm_tui.screens.'))\n" + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_minutes_package_does_not_import_python_docx_until_export():
    code = "import sys, mapm_tui.minutes, mapm_tui.cli\nprint('docx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_app_module_defers_sqlmodel():
    """The first frame must not wait for SQLModel/SQLAlchemy: the app module does not import them."""
    code = (
        "import sys, mapm_tui.app, mapm_tui.screens.home\nprint(any(m.startswith(('sqlmodel', 'sqlalchemy')) for m "
        "in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
