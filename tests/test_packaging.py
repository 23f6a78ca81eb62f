"""The wheel ships every package: a plain (non-editable) `pip install .` must be able to open every screen.
setuptools is given an explicit package list, so a new sub-package left off it would be missing from the
wheel while every editable-install test still passed."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_every_package_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    # each folder of packages, and the package it installs as (package-dir maps screens/ to mapm_tui.screens)
    folders = {"mapm_tui": "mapm_tui", **config["package-dir"]}
    found = set()
    for package, folder in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            found.add(".".join((package, *init.parent.relative_to(ROOT / folder).parts)))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "mapm_tui.sample_data" in listed and config["package-dir"]["mapm_tui.sample_data"] == "sample_data"
    # one top-level package: the screens ship inside mapm_tui, not as a package named `screens`
    assert {name.split(".")[0] for name in listed} == {"mapm_tui"}
    assert "mapm_tui.screens.steps" in found and config["package-dir"]["mapm_tui.screens"] == "screens"


def test_every_screen_imports_by_its_installed_name_alone(tmp_path):
    """Run from another folder, where the repository's `screens/` is not on the path as a top-level package
    (as after `pip install`): every screen module imports, and none reaches for a top-level `screens`."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import mapm_tui.app, mapm_tui.screens\n"
        "names = [m.name for m in pkgutil.walk_packages(mapm_tui.screens.__path__, 'mapm_tui.screens.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names), sorted(m for m in sys.modules if m == 'screens' or m.startswith('screens.')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    count, top_level = result.stdout.split(" ", 1)
    assert int(count) >= 20 and top_level.strip() == "[]"
