"""Where the app keeps its files. Functions, never module-level constants, so tests can redirect them
(`MAPM_HOME` puts everything under one folder) and nothing is created at import time."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "mapm-tui"


def _home() -> Path | None:
    value = os.environ.get("MAPM_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def documents_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "documents"
    from platformdirs import user_documents_path

    return user_documents_path()


def default_db_path() -> Path:
    return data_dir() / "meetings.db"


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def user_templates_dir() -> Path:
    return config_dir() / "templates"


def make_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only (0700 on POSIX; on Windows the user
    profile is private already and chmod modes do not exist)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path
