"""Starting the app from the command line: settings, the demo copy, signals, and a crash that saves first.

Kept apart from `cli.py` so the scripting commands never import Textual, and apart from `app.py` so
the app itself stays a router.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
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


def run_app(db: str | None, demo: bool = False) -> int:
    from .app import MapmApp

    demo_path = demo_database() if demo else None
    app = MapmApp(db=str(demo_path) if demo_path else db, demo=demo)
    _install_signal_handlers(app)
    try:
        app.run()
    finally:
        if demo_path is not None:
            shutil.rmtree(demo_path.parent, ignore_errors=True)
    if app.fatal_message:
        print(app.fatal_message, file=sys.stderr)
    return app.return_code or 0


def _install_signal_handlers(app) -> None:
    """Save everything on SIGTERM and SIGHUP (a closed terminal); Textual installs no SIGHUP handler.

    Python runs signal handlers on the main thread between bytecodes, where the app's event loop runs,
    so the synchronous flush is safe. On Windows a console close arrives as a console control event,
    which Python maps to SIGBREAK for the process group; we save on it too where it exists.
    """

    def on_signal(signum, _frame):
        app.save_everything()
        if signum == getattr(signal, "SIGHUP", None):
            # The terminal is gone: nothing left to draw on, and the data is committed.
            os._exit(128 + signum)
        app.exit(return_code=128 + signum)

    for name in ("SIGTERM", "SIGHUP", "SIGBREAK"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, on_signal)
            except (ValueError, OSError):  # not the main thread, or not allowed here
                pass
