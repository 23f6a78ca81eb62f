"""The wheel ships every package: a plain (non-editable) `pip install .` must be able to open every screen.
setuptools is given an explicit package list, so a new sub-package left off it would be missing from the
wheel while every editable-install test still passed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_every_package_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = set()
    for top in ("mapm_tui", "screens"):
        for init in (ROOT / top).rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "mapm_tui.sample_data" in listed and config["package-dir"]["mapm_tui.sample_data"] == "sample_data"
