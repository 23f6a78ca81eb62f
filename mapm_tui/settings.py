"""User settings from `settings.toml` in the user config folder, with defaults.

Built once by the command line and passed into the app and exports (never read at import time).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from . import locations


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    #: Printed in capitals in the header and footer of every page of the minutes.
    protective_marking: str = "OFFICIAL-SENSITIVE"
    #: A .docx whose styles, logo and first page the minutes are written into.
    letterhead: str | None = None
    #: Where exports go by default (the user's Documents folder when empty).
    export_folder: str | None = None
    organisation: str = ""
    default_template: str = "hampshire"
    #: true: Word minutes are password-protected and bundles encrypted unless `--plain` is given
    protect_exports: bool = False
    #: true: the database key is kept in the operating system's credential store (keyring) after an unlock
    remember_passphrase: bool = False

    def export_dir(self) -> Path:
        return Path(self.export_folder).expanduser() if self.export_folder else locations.documents_dir()


#: the settings that are true or false
_YES_NO = {"protect_exports", "remember_passphrase"}


def load_settings(path: Path | None = None) -> Settings:
    path = path or locations.settings_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"{path}: is not valid TOML ({exc}); fix it or delete the file to use the defaults."
        ) from None
    known = {f.name for f in fields(Settings)}
    for key, value in data.items():
        if key not in known:
            raise SettingsError(f"{path}: '{key}' is not a setting; use one of {', '.join(sorted(known))}.")
        if key in _YES_NO:
            if not isinstance(value, bool):
                raise SettingsError(f"{path}: '{key}' must be true or false (without quotes).")
        elif not isinstance(value, str):
            raise SettingsError(f"{path}: '{key}' must be text in quotes.")
    return Settings(**data)
