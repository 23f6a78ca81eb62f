"""Meeting bundles: JSON in and out, against the fixed schema (meeting-bundle.schema.json).

Import is all or nothing: the file is read, decoded, checked against the schema *and* against what a
schema cannot say (ids unique within the meeting, in-bundle references that resolve, real calendar
dates and timestamps, an installed template), and only then written in one transaction.
Export writes a bundle that validates against the same schema; imported again it gives the same meeting.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .agenda import Template
from .schema import bundle_validator, describe_error
from .store import Store, StoreError

FORMAT = "mapm-meeting"
VERSION = 1


class BundleError(ValueError):
    """A bundle that cannot be imported or written; the message is one sentence: what, where, what to do."""


def read_bundle_file(path: Path, passphrase: Callable[[], str] | None = None) -> Any:
    """The JSON in a bundle file; an age-encrypted bundle is opened with `passphrase()` (asked only then)."""
    try:
        raw = _opened(Path(path).read_bytes(), path, passphrase)
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file; check the path.") from None
    except IsADirectoryError:
        raise BundleError(f"{path}: is a folder, not a bundle file; give the path of a .json file.") from None
    except OSError as exc:
        raise BundleError(f"{path}: cannot be read ({exc.strerror}); check its permissions.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError(
            f"{path}: is not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 JSON."
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"{path}: is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); fix the file."
        ) from None


def _opened(raw: bytes, path: Path, passphrase: Callable[[], str] | None) -> bytes:
    """The plain bytes of a bundle file: as they are, or decrypted when the file is age-encrypted."""
    from .file_crypto import FileCryptoError, is_age, open_bundle

    if not is_age(raw):
        return raw
    if passphrase is None:
        raise BundleError(f"{path}: is an encrypted bundle; give its passphrase to import it.")
    try:
        return open_bundle(raw, passphrase())
    except FileCryptoError as exc:
        raise BundleError(f"{path}: {exc}") from None


def problems(data: Any, templates: dict[str, Template]) -> list[str]:
    """Everything wrong with a bundle, in plain words, each naming where (empty: it can be imported)."""
    errors = sorted(bundle_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    found = [describe_error(e) for e in errors]
    if found or not isinstance(data, dict):
        return found or ["the top level: must be a JSON object"]
    meeting = data["meeting"]
    found += _timestamp_problems(meeting)
    ids: dict[str, set[str]] = {}
    for key in ("attendees", "entries", "actions"):
        seen: set[str] = set()
        for n, item in enumerate(meeting.get(key, [])):
            if item["id"] in seen:
                found.append(f"meeting/{key}/{n}/id: '{item['id']}' is used twice in {key}")
            seen.add(item["id"])
        ids[key] = seen
    attendees, entries = ids["attendees"], ids["entries"]
    for n, entry in enumerate(meeting.get("entries", [])):
        ref = entry.get("source_attendee_id")
        if ref is not None and ref not in attendees:
            found.append(f"meeting/entries/{n}/source_attendee_id: '{ref}' is not an attendee of this bundle")
    for n, action in enumerate(meeting.get("actions", [])):
        ref = action.get("owner_attendee_id")
        if ref is not None and ref not in attendees:
            found.append(f"meeting/actions/{n}/owner_attendee_id: '{ref}' is not an attendee of this bundle")
        for m, entry_id in enumerate(action.get("addresses", [])):
            if entry_id not in entries:
                found.append(f"meeting/actions/{n}/addresses/{m}: '{entry_id}' is not an entry of this bundle")
    ref = (meeting.get("feedback_to_family") or {}).get("by_attendee_id")
    if ref is not None and ref not in attendees:
        found.append(f"meeting/feedback_to_family/by_attendee_id: '{ref}' is not an attendee of this bundle")
    if meeting["template"] not in templates:
        found.append(
            f"meeting/template: '{meeting['template']}' is not an installed agenda template "
            f"(installed: {', '.join(sorted(templates))}); add it to the templates folder first"
        )
    return found


def _timestamp_problems(meeting: dict) -> list[str]:
    """date-time values must be real ISO 8601 timestamps with an offset (the schema's format, checked
    here because jsonschema checks date-time only when an optional package is installed)."""
    found = []

    def check(value: Any, where: str) -> None:
        if not isinstance(value, str):
            return
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            found.append(f"{where}: {value!r} is not a valid date-time")
            return
        if parsed.tzinfo is None or "T" not in value.upper():
            found.append(f"{where}: {value!r} is not a valid date-time (it needs a date, a time and an offset)")

    check(meeting.get("finalised_at"), "meeting/finalised_at")
    for key, field in (
        ("entries", "created_at"),
        ("actions", "created_at"),
        ("finding_overrides", "at"),
        ("amendments", "at"),
        ("distribution", "sent_at"),
    ):
        for n, item in enumerate(meeting.get(key, [])):
            if isinstance(item, dict):
                check(item.get(field), f"meeting/{key}/{n}/{field}")
    return found


def import_bundle(store: Store, data: Any, templates: dict[str, Template], source: str = "the bundle") -> str:
    """Validate and store one bundle; returns the meeting id. Raises BundleError and changes nothing."""
    found = problems(data, templates)
    if found:
        more = f" (and {len(found) - 1} more problem{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        raise BundleError(f"{source} is not a valid meeting bundle: {found[0]}{more}; nothing was imported.")
    meeting = data["meeting"]
    try:
        return store.insert_meeting(meeting, templates[meeting["template"]], bundle_extensions=data.get("extensions"))
    except StoreError as exc:
        raise BundleError(f"{source}: {exc}") from None


def export_bundle(store: Store, meeting_id: str) -> dict:
    meeting = store.load_meeting(meeting_id)
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": store.clock.utcnow().replace(microsecond=0).isoformat(),
        "meeting": meeting,
    }
    row = store.meeting_row(meeting_id)
    if row.bundle_extensions is not None:
        out["extensions"] = row.bundle_extensions
    return out


def write_private_file(path: Path, data: bytes, force: bool = False) -> Path:
    """Write `data` to `path` atomically (a temporary file in the same folder, renamed into place),
    readable by the owner only. An existing file is kept unless `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise BundleError(f"{path} already exists; choose another name with -o, or add --force to replace it.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a folder that exists; create it or choose another with -o.")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bundle(bundle: dict, path: Path, force: bool = False, passphrase: str | None = None) -> Path:
    """Write `bundle` as JSON; with `passphrase`, encrypted with age (`file_crypto.seal_bundle`)."""
    payload = json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if passphrase is not None:
        from .file_crypto import FileCryptoError, seal_bundle

        try:
            payload = seal_bundle(payload, passphrase)
        except FileCryptoError as exc:
            raise BundleError(str(exc)) from None
    return write_private_file(path, payload, force)
