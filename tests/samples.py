"""The shipped sample bundles, read the way the app reads them (from the installed package)."""

from __future__ import annotations

import json
from importlib import resources


def sample_names() -> list[str]:
    return sorted(p.name for p in resources.files("mapm_tui.sample_data").iterdir() if p.name.endswith(".json"))


def load_sample(name: str) -> dict:
    return json.loads(resources.files("mapm_tui.sample_data").joinpath(name).read_text(encoding="utf-8"))
