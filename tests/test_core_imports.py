"""The core imports no Textual (and the CLI's scripting commands don't load it either)."""

from __future__ import annotations

import subprocess
import sys

#: the Textual shell: everything else in mapm_tui is the core (the screens may move into the package)
SHELL = ("mapm_tui.app", "mapm_tui.launch", "mapm_tui.screens")
#: alembic's environment script: it runs only inside alembic (it reads alembic's context when loaded)
SCRIPTS = ("mapm_tui.migrations.env",)

#: run in a fresh interpreter: walk every module of mapm_tui, import each one that is not the shell, and
#: say which modules were walked and which Textual or screen modules ended up loaded
WALK = f"""
import importlib, json, pkgutil, sys
import mapm_tui
shell = {SHELL!r}
scripts = {SCRIPTS!r}
def in_shell(name):
    return any(name == s or name.startswith(s + ".") for s in shell)
core = []
for info in pkgutil.walk_packages(mapm_tui.__path__, "mapm_tui.", onerror=lambda name: None):
    if not in_shell(info.name) and info.name not in scripts:
        importlib.import_module(info.name)
        core.append(info.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "screens") or in_shell(m))
print(json.dumps({{"core": core, "loaded": loaded}}))
"""


def test_core_modules_do_not_import_textual():
    """Every core module, found by walking the package (not a hand-kept list), imports without Textual,
    the screens or the app shell."""
    import json

    result = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    walked = json.loads(result.stdout)
    assert {"mapm_tui.store", "mapm_tui.cli", "mapm_tui.minutes.layout", "mapm_tui.agenda"} <= set(walked["core"])
    assert len(walked["core"]) > 30, walked["core"]  # the walk went into the sub-packages
    assert walked["loaded"] == []


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
