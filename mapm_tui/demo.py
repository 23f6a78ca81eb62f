"""The demo: a throw-away database holding the shipped sample meetings (`mapm demo`, `MapmApp(demo=True)`).

No Textual here: the launcher makes the folder, the app loads the samples into its store.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def demo_database() -> Path:
    """A throw-away folder for the demo database (never the user's data)."""
    folder = Path(tempfile.mkdtemp(prefix="mapm-demo-"))
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder / "demo.db"


def load_demo(store, templates) -> list[str]:
    """Import every shipped sample bundle into `store`; returns the meeting ids."""
    import json
    from importlib import resources

    from .bundle import import_bundle

    ids = []
    for item in sorted(resources.files("mapm_tui.sample_data").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".json"):
            data = json.loads(item.read_text(encoding="utf-8"))
            ids.append(import_bundle(store, data, templates, source=item.name))
    return ids
