"""User settings from `settings.toml` in the user config folder, with defaults.

Built once by the command line and passed into the app and exports (never read at import time).
A file that cannot be used is one sentence (SettingsError), never a traceback: the app then goes on with
the defaults and says so (`settings_or_defaults`); the CLI refuses only what the settings change
(the Word minutes carry the protective marking and letterhead), see `cli._settings`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import locations
from .oserrors import os_reason
from .text import clean_line, for_terminal, quote


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
    # -- the minutes going out (issue 14)
    #: Who a family contacts with questions, corrections or disagreement, as the family copy's opening says
    #: it ("the Early Help duty team on 01234 567890"); empty: the chair of the meeting.
    family_contact: str = ""
    #: G-54: the handling and onward-sharing statement under the marking of the full minutes; empty: a default
    #: naming the lawful basis ({marking} and {subjects} are filled in).
    handling_statement: str = ""
    #: The same for the family's copy; empty: a short note to keep them safe.
    family_handling_statement: str = ""
    #: Whose bank holidays the working-day deadlines skip: england_wales, scotland or northern_ireland.
    nation: str = "england_wales"
    #: Working days after the meeting by which the agencies get the action summary.
    action_summary_days: str = "1"
    #: Working days after the meeting by which the minutes go out (procedures say 10, 15 or 20).
    minutes_due_days: str = "15"
    #: Working days attendees have to send corrections once the minutes go out for checking (G-53).
    corrections_days: str = "10"
    #: the user's name, recorded in the audit trail with the operating-system user (issue 12)
    user_name: str = ""
    #: years a child case is kept after its last meeting, then listed by `mapm retention`; unset: never
    retention_child_years: int | None = None
    #: the same for an adult case (a meeting about an adult at risk)
    retention_adult_years: int | None = None
    #: How many backups of the database are kept (the newest; one at each meeting's end and one a day).
    backups_kept: int = 10
    #: true: Word minutes are password-protected and bundles encrypted unless `--plain` is given
    protect_exports: bool = False
    #: true: the database key is kept in the operating system's credential store (keyring) after an unlock
    remember_passphrase: bool = False
    #: A team's PostgreSQL server (issue 13), used when neither --db nor MAPM_DB is given:
    #: postgresql://ROLE@HOST:5432/DATABASE?sslmode=verify-full. Keep the password in ~/.pgpass, not here.
    database_url: str = ""

    def export_dir(self) -> Path:
        return Path(self.export_folder).expanduser() if self.export_folder else locations.documents_dir()


#: the longest value a setting may have (the bundle's short-field limit)
VALUE_LIMIT = 300
#: settings given as a whole number: name -> (lowest, highest, the unit as words); every other setting is text
WHOLE_NUMBER_SETTINGS = {
    "retention_child_years": (1, 200, " of years"),  # issue 12
    "retention_adult_years": (1, 200, " of years"),
    "backups_kept": (1, 1000, ""),  # issue 17
}
#: the settings that are true or false
_YES_NO = {"protect_exports", "remember_passphrase"}


def load_settings(path: Path | None = None) -> Settings:
    """The settings in `path` (default: the user's settings.toml), the defaults for what it leaves out.
    Raises SettingsError (one sentence naming the file, and the key where there is one)."""
    path = path or locations.settings_path()
    name = for_terminal(str(path), one_line=True)
    if not path.exists():
        return Settings()
    if path.is_dir():
        raise SettingsError(f"{name}: is a folder, not a settings file; remove it or put settings.toml there.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # -sig: Notepad's byte-order mark is fine
    except UnicodeDecodeError:
        raise SettingsError(f"{name}: is not UTF-8 text; save it as UTF-8.") from None
    except OSError as exc:
        raise SettingsError(f"{name}: cannot be read ({os_reason(exc)}); check its permissions.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"{name}: is not valid TOML ({exc}); fix it or delete the file to use the defaults."
        ) from None
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise SettingsError(f"{name}: {quote(key)} is not a setting; use one of {', '.join(sorted(known))}.")
        if key in WHOLE_NUMBER_SETTINGS:
            low, high, unit = WHOLE_NUMBER_SETTINGS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise SettingsError(
                    f"{name}: {quote(key)} must be a whole number{unit} from {low} to {high}, without quotes."
                )
            values[key] = value
            continue
        if key in _YES_NO:
            if not isinstance(value, bool):
                raise SettingsError(f"{name}: {quote(key)} must be true or false (without quotes).")
            values[key] = value
            continue
        if not isinstance(value, str):
            raise SettingsError(f"{name}: {quote(key)} must be text in quotes, not {quote(value, 40)}.")
        if len(value) > VALUE_LIMIT:
            raise SettingsError(f"{name}: {quote(key)} is longer than {VALUE_LIMIT} characters; shorten it.")
        values[key] = clean_line(value).strip()
    return Settings(**values)


def settings_or_defaults(path: Path | None = None) -> tuple[Settings, SettingsError | None]:
    """The settings, or the defaults and why the file could not be used (for the app, which goes on)."""
    try:
        return load_settings(path), None
    except SettingsError as exc:
        return Settings(), exc
