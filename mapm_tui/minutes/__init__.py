"""The Word minutes: the full record and the family's copy (issue 3, guidance G-50..G-54).

    export_minutes(meeting, template, path, *, family=False, settings=Settings(), letterhead=None,
                   force=False) -> Path
    default_filename(meeting, family) -> "minutes-<case_ref>-<date>[-family].docx"

`layout` decides what goes where (pure, no Word; each section's words in `sections/`); `family_copy` is
the rule of what the family's copy shows and when there is none (G-52); `docx_writer` renders a layout
with python-docx, which is imported only when exporting (`import mapm_tui.minutes` stays cheap); `ooxml`
holds the raw XML bits.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

from ..oserrors import is_full_disk, os_reason
from ..settings import Settings
from ..text import clean_line

__all__ = ["export_minutes", "default_filename", "MinutesWithheld", "ExportError", "build_layout", "previous_meeting"]


class MinutesWithheld(Exception):
    """The family copy is refused: the chair decided not to share the minutes with the family (G-52).

    The message is one sentence that gives the chair's recorded reason."""


class ExportError(Exception):
    """The minutes could not be written; the message is one sentence saying what to do."""


class MinutesExist(ExportError):
    """The file is there already and `force` was not given; `path` is it (the app, which has no --force,
    says its own sentence with it)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; choose another name or use --force to replace it.")
        self.path = path


def build_layout(meeting: dict, template, **options):
    """What goes where in the minutes, without Word (`layout.build_layout`, whose options these are;
    imported when first called, so `import mapm_tui.minutes` stays cheap)."""
    from .layout import build_layout as build

    return build(meeting, template, **options)


def previous_meeting(store, meeting: dict) -> dict | None:
    """The meeting `meeting` reviews, when it is in this store (its actions and lead practitioner are
    shown in the review of earlier actions and the lead practitioner change); else None."""
    from ..store import NotFound

    earlier = meeting.get("previous_meeting_id")
    if not isinstance(earlier, str) or not earlier:
        return None
    try:
        return store.load_meeting(earlier)
    except NotFound:
        return None


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(part: str, limit: int = 60) -> str:
    part = _UNSAFE.sub("-", clean_line(part or "")).strip("-._")
    part = re.sub(r"-{2,}", "-", part)
    return part[:limit].strip("-._")


#: File name suffix of each version (recipients.VERSIONS).
VERSION_SUFFIX = {"full": "", "family": "-family", "part_professionals": "-part-one", "part_family": "-part-two"}


def version_filename(meeting: dict, version: str) -> str:
    """The file name of one version of the minutes: `minutes-<ref>-<date>-part-one.docx` and so on."""
    return default_filename(meeting).removesuffix(".docx") + VERSION_SUFFIX[version] + ".docx"


def export_version(meeting: dict, template, path: Path, version: str, **kw) -> Path:
    """`export_minutes` for one of `recipients.VERSIONS` ("full", "family", "part_professionals", …)."""
    from .recipients import PART_OF_VERSION

    return export_minutes(meeting, template, path, family=version == "family", part=PART_OF_VERSION.get(version), **kw)


def export_action_summary(
    meeting: dict, template, path: Path, *, settings: Settings | None = None, force: bool = False
) -> Path:
    """The action summary (the action plan and the next review) as a Word file; ExportError as for the minutes."""
    settings = settings or Settings()
    path = Path(path).expanduser()
    _check_target(path, force)
    from . import docx_writer
    from .layout import action_summary
    from .layout import build_layout as _build

    layout = action_summary(
        _build(
            meeting,
            template,
            marking=_marking(meeting, settings),
            handling=settings.handling_statement,
            corrections_days=_corrections_days(settings),
        )
    )
    letterhead = Path(settings.letterhead).expanduser() if settings.letterhead else None
    try:
        document = docx_writer.render(layout, letterhead)
    except docx_writer.LetterheadError as exc:
        raise ExportError(str(exc)) from None
    _save_atomic(document, path, force)
    return path


def default_filename(meeting: dict, family: bool = False) -> str:
    """`minutes-<case_ref>-<date>.docx` (`…-family.docx`): no personal data, safe on every file system.

    The case reference is reduced to letters, digits, dot, dash and underscore; without one, the meeting id.
    """
    ref = _safe(str(meeting.get("case_ref") or "")) or _safe(str(meeting.get("id") or "")) or "meeting"
    date = _safe(str(meeting.get("date") or ""), 10)
    name = "-".join(x for x in ("minutes", ref, date) if x)
    return name + ("-family" if family else "") + ".docx"


def _corrections_days(settings: Settings) -> int:
    from ..deadlines import DeadlineError, parse_days

    try:
        return parse_days(settings.corrections_days, "corrections_days")
    except DeadlineError as exc:
        raise ExportError(str(exc)) from None


def _marking(meeting: dict, settings: Settings) -> str:
    own = meeting.get("protective_marking")
    text = own if isinstance(own, str) and own.strip() else settings.protective_marking
    return " ".join(clean_line(text or "").split()).upper() or "OFFICIAL-SENSITIVE"


def _check_target(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".docx":
        raise ExportError(f"The minutes are a Word file: give {path.name or path} a name ending in .docx.")
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name ending in .docx.")
    if not path.parent.is_dir():
        raise ExportError(f"The folder {path.parent} does not exist; create it or choose another place.")
    if (path.exists() or path.is_symlink()) and not force:
        raise MinutesExist(path)


def _save_atomic(document, path: Path, force: bool, password: str | None = None) -> None:
    """Write to a temporary file beside `path`, then move it into place: a crash leaves no half file.

    Owner-only (0600) on POSIX; without `force`, an existing file is never replaced (even one that
    appeared while we were writing)."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~minutes-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write in {path.parent} ({os_reason(exc)}); choose another folder.") from None
    tmp = Path(tmp_name)
    try:
        # Rendered in memory first: python-docx's zip writer, interrupted by a full disk while writing
        # to the file, is later garbage-collected trying to seek in the closed file ("Exception ignored").
        buffer = io.BytesIO()
        document.save(buffer)
        with os.fdopen(fd, "wb") as fh:
            if password is None:
                fh.write(buffer.getbuffer())
            else:  # encrypted in memory: the plain document never reaches the disk
                from ..file_crypto import protect_docx

                fh.write(protect_docx(buffer.getvalue(), password))
            fh.flush()
            os.fsync(fh.fileno())
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # refuses to replace: no overwrite even in a race
            except FileExistsError:
                raise MinutesExist(path) from None
            except OSError:
                # a file system without hard links (some network drives, FAT): check, then rename
                if path.exists():
                    raise MinutesExist(path) from None
                os.replace(tmp, path)
            else:
                tmp.unlink()
        if os.name == "posix":
            try:
                dir_fd = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
            except OSError:
                pass
    except ExportError:
        tmp.unlink(missing_ok=True)
        raise
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise ExportError(
            f"Could not write {path}: permission denied (is it open in Word?); close it or choose another name."
        ) from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fix = "free some space or choose another folder" if is_full_disk(exc) else "choose another folder"
        raise ExportError(f"Could not write {path} ({os_reason(exc)}); nothing was written: {fix}.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_minutes(
    meeting: dict,
    template,
    path: Path,
    *,
    family: bool = False,
    settings: Settings | None = None,
    letterhead: Path | None = None,
    force: bool = False,
    previous: dict | None = None,
    part: str | None = None,
    password: str | None = None,
) -> Path:
    """Write the Word minutes of `meeting` to `path` and return it.

    With `password` the file is password-protected (ECMA-376 agile encryption, `file_crypto`).

    family=True writes the family's copy (only what is marked to share). Raises MinutesWithheld when the
    chair decided not to share the minutes with the family (or has not decided), ExportError (one
    sentence) for a file that exists (without force), a bad target or an unusable letterhead.
    """
    settings = settings or Settings()
    path = Path(path).expanduser()
    if family:
        from .family_copy import withheld_reason

        withheld = withheld_reason(meeting)
        if withheld is not None:
            raise MinutesWithheld(withheld)
    _check_target(path, force)
    if letterhead is None and settings.letterhead:
        letterhead = Path(settings.letterhead).expanduser()
    elif letterhead is not None:
        letterhead = Path(letterhead).expanduser()

    from . import docx_writer  # python-docx is imported here, only when exporting
    from .layout import build_layout as _build

    layout = _build(
        meeting,
        template,
        family=family,
        marking=_marking(meeting, settings),
        previous=previous,
        family_contact=settings.family_contact,
        handling=settings.family_handling_statement if family else settings.handling_statement,
        corrections_days=_corrections_days(settings),
        part=None if family else part,
    )
    try:
        document = docx_writer.render(layout, letterhead)
    except docx_writer.LetterheadError as exc:
        raise ExportError(str(exc)) from None
    if password is not None:
        from ..file_crypto import FileCryptoError, check_password

        try:
            check_password(password)
        except FileCryptoError as exc:
            raise ExportError(str(exc)) from None
    _save_atomic(document, path, force, password)
    return path
