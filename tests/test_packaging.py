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
