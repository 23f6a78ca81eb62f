"""Meeting bundles: JSON in and out, against the fixed schema (meeting-bundle.schema.json).

Import is all or nothing: the file is read, decoded, checked against the schema *and* against what a
schema cannot say (ids unique within the meeting, in-bundle references that resolve, real calendar
dates and timestamps, an installed template), and only then written in one transaction.
Export writes a bundle that validates against the same schema; imported again it gives the same meeting.

A bundle comes from someone else's machine (issue 17): only a regular file of bounded size is read, the
JSON is parsed strictly (`parse_bundle_json`), and every string is cleaned of control characters before
it is validated and stored (`clean_bundle`), so nothing in a file can reach a terminal or Word as a command.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .agenda import Template
from .bundle_reasons import from_bundle, to_bundle
from .oserrors import is_full_disk, os_reason
from .schema import SHORT_LIMIT, bundle_schema, bundle_validator, describe_error
from .store import AlreadyStored, DatabaseBusy, Store, StoreError
from .text import clean, clean_line, for_terminal, has_lone_surrogate, quote

FORMAT = "mapm-meeting"
VERSION = 1

#: A bundle bigger than this is refused before it is read (the largest real meeting is well under 1 MB).
MAX_BUNDLE_BYTES = 50 * 1024 * 1024
#: Deepest nesting of objects and arrays accepted (a meeting needs 5; extensions get room to spare).
MAX_DEPTH = 64
#: Integers are bounded to what SQLite stores (64-bit signed); anything outside is refused on reading.
MAX_INT = 2**63 - 1
#: The most time one agenda step can have taken (`step_timings`): a year is already far beyond any meeting.
MAX_STEP_SECONDS = 366 * 24 * 3600


class BundleError(ValueError):
    """A bundle that cannot be imported or written; the message is one sentence: what, where, what to do."""


class BundleUnreadable(BundleError):
    """The file cannot be read as a bundle at all: missing, not a regular file, too big, not UTF-8."""


class BundleInvalid(BundleError):
    """The file was read but is not a valid meeting bundle (bad JSON, or the schema or references refuse it)."""


class BundleAlreadyStored(BundleError):
    """A valid bundle whose meeting id is already in the database (a rule refuses it: exit 1 at the CLI)."""


class BundleWriteError(BundleError):
    """An export that could not be written (a full disk, a read-only folder, an existing file)."""


def read_bundle_file(path: Path, passphrase: Callable[[], str] | None = None) -> Any:
    """The parsed JSON of a bundle file, read safely: only a regular file (never a FIFO, which would
    hang, or a device such as /dev/zero, which never ends), at most MAX_BUNDLE_BYTES, strict UTF-8,
    strict JSON (no duplicate keys, no NaN/Infinity, bounded integers and nesting). An age-encrypted
    bundle is opened with `passphrase()` (asked only then).
    Raises BundleUnreadable or BundleInvalid, each with one sentence."""
    path = Path(path)
    raw = _opened(_read_regular_file(path), path, passphrase)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleUnreadable(
            f"{_name(path)}: is not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 JSON."
        ) from None
    return parse_bundle_json(text, _name(path))


def _name(path: Path) -> str:
    """A file name as it may appear in a message (escaped: a name can hold control characters)."""
    return for_terminal(str(path), one_line=True)


def _read_regular_file(path: Path) -> bytes:
    name = _name(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO with no writer must not wait
    except FileNotFoundError:
        raise BundleUnreadable(f"{name}: no such file; check the path.") from None
    except IsADirectoryError:
        raise BundleUnreadable(f"{name}: is a folder, not a bundle file; give the path of a .json file.") from None
    except OSError as exc:
        raise BundleUnreadable(f"{name}: cannot be read ({os_reason(exc)}); check its permissions.") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise BundleUnreadable(f"{name}: is a folder, not a bundle file; give the path of a .json file.")
        if not stat.S_ISREG(info.st_mode):
            raise BundleUnreadable(
                f"{name}: is not a regular file (a pipe, a device or a socket); save the bundle to a file first."
            )
        if info.st_size > MAX_BUNDLE_BYTES:
            raise BundleUnreadable(
                f"{name}: is {info.st_size / 1024 / 1024:,.0f} MB, more than a meeting bundle can be "
                f"(at most {MAX_BUNDLE_BYTES // 1024 // 1024} MB); check it is the right file."
            )
        chunks, size = [], 0
        while size <= MAX_BUNDLE_BYTES:  # the size may have changed since fstat: read no more than the cap
            chunk = os.read(fd, min(1 << 20, MAX_BUNDLE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BUNDLE_BYTES:
            raise BundleUnreadable(
                f"{name}: grew past {MAX_BUNDLE_BYTES // 1024 // 1024} MB while it was read; check the file."
            )
        return b"".join(chunks)
    except OSError as exc:
        raise BundleUnreadable(f"{name}: cannot be read ({os_reason(exc)}); check the file.") from None
    finally:
        os.close(fd)


class _Refusal(Exception):
    """Raised inside the JSON parser's hooks; turned into BundleInvalid with the file's name."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Refusal(f"the key {quote(key)} appears twice in one object (only one value can be kept); remove one")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _Refusal(f"{name} is not a number JSON allows; write a number or leave the field out")


def _bounded_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > 19 or abs(int(text)) > MAX_INT:
        raise _Refusal(f"the number {quote(text, 30)} is too large (at most {MAX_INT:,}); fix the file")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refusal(f"the number {quote(text, 30)} is too large to be stored; fix the file")
    return value


def parse_bundle_json(text: str, source: str = "the bundle") -> Any:
    """Strict JSON for bundles: duplicate keys, NaN/Infinity, integers beyond 64 bits, numbers that
    overflow and nesting deeper than MAX_DEPTH are each refused (BundleInvalid, one sentence)."""
    try:
        data = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constant,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at").removesuffix(":")
        raise BundleInvalid(
            f"{source}: is not valid JSON ({what}, on line {exc.lineno}, column {exc.colno}); fix the file."
        ) from None
    except RecursionError:
        raise BundleInvalid(_too_deep(source)) from None
    except _Refusal as exc:
        raise BundleInvalid(f"{source}: {exc}; nothing was imported.") from None
    if _depth(data) > MAX_DEPTH:
        raise BundleInvalid(_too_deep(source))
    return data


def _too_deep(source: str) -> str:
    return f"{source}: is nested more than {MAX_DEPTH} levels deep, which no meeting bundle is; check the file."


def _depth(data: Any) -> int:
    """How deeply objects and arrays nest in `data` (iterative: no recursion on hostile input)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _opened(raw: bytes, path: Path, passphrase: Callable[[], str] | None) -> bytes:
    """The plain bytes of a bundle file: as they are, or decrypted when the file is age-encrypted."""
    from .file_crypto import FileCryptoError, is_age, open_bundle

    if not is_age(raw):
        return raw
    if passphrase is None:
        raise BundleUnreadable(f"{_name(path)}: is an encrypted bundle; give its passphrase to import it.")
    try:
        return open_bundle(raw, passphrase())
    except FileCryptoError as exc:
        raise BundleUnreadable(f"{_name(path)}: {exc}") from None


def problems(data: Any, templates: dict[str, Template]) -> list[str]:
    """Everything wrong with a bundle, in plain words, each naming where (empty: it can be imported)."""
    errors = sorted(bundle_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    found = [describe_error(e) for e in errors]
    if found or not isinstance(data, dict):
        return found or ["the top level: must be a JSON object"]
    meeting = data["meeting"]
    found += _timestamp_problems(meeting, data.get("exported_at"))
    ids: dict[str, set[str]] = {}
    for key in ("attendees", "entries", "actions"):
        seen: set[str] = set()
        for n, item in enumerate(meeting.get(key, [])):
            if item["id"] in seen:
                found.append(f"meeting/{key}/{n}/id: {quote(item['id'])} is used twice in {key}")
            seen.add(item["id"])
        ids[key] = seen
    attendees, entries = ids["attendees"], ids["entries"]
    for n, entry in enumerate(meeting.get("entries", [])):
        ref = entry.get("source_attendee_id")
        if ref is not None and ref not in attendees:
            found.append(f"meeting/entries/{n}/source_attendee_id: {quote(ref)} is not an attendee of this bundle")
    for n, action in enumerate(meeting.get("actions", [])):
        ref = action.get("owner_attendee_id")
        if ref is not None and ref not in attendees:
            found.append(f"meeting/actions/{n}/owner_attendee_id: {quote(ref)} is not an attendee of this bundle")
        for m, entry_id in enumerate(action.get("addresses", [])):
            if entry_id not in entries:
                found.append(f"meeting/actions/{n}/addresses/{m}: {quote(entry_id)} is not an entry of this bundle")
    ref = (meeting.get("feedback_to_family") or {}).get("by_attendee_id")
    if ref is not None and ref not in attendees:
        found.append(f"meeting/feedback_to_family/by_attendee_id: {quote(ref)} is not an attendee of this bundle")
    for key, seconds in (meeting.get("step_timings") or {}).items():
        if seconds > MAX_STEP_SECONDS:  # the app adds to it: near SQLite's limit, the next addition overflows
            found.append(f"meeting/step_timings/{key}: {quote(seconds, 30)} seconds is more than a year on one step")
    refusal = getattr(templates, "refusal_for", lambda key: None)(meeting["template"])
    if meeting["template"] not in templates and refusal is not None:
        found.append(f"meeting/template: {quote(meeting['template'])} could not be loaded ({refusal})".rstrip("."))
    elif meeting["template"] not in templates:
        found.append(
            f"meeting/template: {quote(meeting['template'])} is not an installed agenda template "
            f"(installed: {', '.join(sorted(templates))}); add it to the templates folder first"
        )
    return found


def _timestamp_problems(meeting: dict, exported_at: Any = None) -> list[str]:
    """date-time values must be real ISO 8601 timestamps with an offset (the schema's format, checked
    here because jsonschema checks date-time only when an optional package is installed)."""
    found = []

    def check(value: Any, where: str) -> None:
        if not isinstance(value, str):
            return
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            found.append(f"{where}: {quote(value)} is not a valid date-time")
            return
        if parsed.tzinfo is None or "T" not in value.upper():
            found.append(f"{where}: {quote(value)} is not a valid date-time (it needs a date, a time and an offset)")

    check(meeting.get("finalised_at"), "meeting/finalised_at")
    check(exported_at, "exported_at")
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
    """Clean, validate and store one bundle; returns the meeting id. Changes nothing on a refusal:
    BundleInvalid (the bundle is wrong), BundleAlreadyStored (its id is taken), DatabaseBusy, or
    BundleError for another refusal of the store."""
    found: list[str] = []
    data = clean_bundle(data, found)
    found = found or problems(data, templates)
    if found:
        more = f" (and {len(found) - 1} more problem{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        raise BundleInvalid(f"{source} is not a valid meeting bundle: {found[0]}{more}; nothing was imported.")
    meeting = from_bundle(data["meeting"])  # "other" with the fixed sentence is professionals' safety again
    try:
        return store.insert_meeting(meeting, templates[meeting["template"]], bundle_extensions=data.get("extensions"))
    except AlreadyStored as exc:
        raise BundleAlreadyStored(f"{source}: {exc}") from None
    except DatabaseBusy:
        raise
    except StoreError as exc:
        raise BundleError(f"{source}: {exc}") from None


def clean_bundle(data: Any, found: list[str]) -> Any:
    """A copy of `data` with every string cleaned as the app cleans what the chair types (`text.clean`;
    `clean_line` for the schema's one-line fields, ids and keys), so that no control character from a
    file reaches the database, a terminal or Word. What cannot be cleaned without guessing is added to
    `found`: a lone surrogate (half of a character), an integer SQLite cannot hold, NaN or Infinity,
    nesting deeper than MAX_DEPTH."""
    if _depth(data) > MAX_DEPTH:
        found.append(f"the top level: nested more than {MAX_DEPTH} levels deep")
        return data
    root = bundle_schema()
    return _clean_node(data, root, root["$defs"], "", found)


def _resolve(node: Any, defs: dict) -> dict:
    if not isinstance(node, dict):
        return {}
    while "$ref" in node:
        merged = {k: v for k, v in node.items() if k != "$ref"}
        node = {**defs[node["$ref"].rsplit("/", 1)[-1]], **merged}
    return node


def _clean_node(value: Any, node: Any, defs: dict, where: str, found: list[str]) -> Any:
    node = _resolve(node, defs)
    here = where or "the top level"
    if isinstance(value, str):
        if has_lone_surrogate(value):
            found.append(f"{here}: holds half of a character (a lone surrogate such as \\ud800); fix the text")
            return value
        return clean_line(value) if node.get("maxLength", SHORT_LIMIT + 1) <= SHORT_LIMIT else clean(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            found.append(f"{here}: the number is too large to be stored (at most {MAX_INT:,})")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            found.append(f"{here}: {value} is not a number JSON allows")
        return value
    if isinstance(value, dict):
        props = node.get("properties", {})
        extra = node.get("additionalProperties")
        out = {}
        for key, item in value.items():
            name = str(key)
            if has_lone_surrogate(name):
                found.append(f"{here}: a key holds half of a character (a lone surrogate); fix the key")
                continue
            clean_key = clean_line(name)
            if clean_key in out:
                found.append(f"{here}: two keys are the same once control characters are removed ({quote(clean_key)})")
                continue
            child = props.get(name, extra if isinstance(extra, dict) else {})
            out[clean_key] = _clean_node(item, child, defs, f"{where}/{clean_key}" if where else clean_key, found)
        return out
    if isinstance(value, list):
        items = node.get("items", {})
        return [
            _clean_node(item, items, defs, f"{where}/{n}" if where else str(n), found) for n, item in enumerate(value)
        ]
    return value


def export_bundle(store: Store, meeting_id: str) -> dict:
    meeting = store.load_meeting(meeting_id)
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": store.clock.utcnow().replace(microsecond=0).isoformat(),
        "meeting": to_bundle(meeting),  # the schema's words for our reasons (bundle_reasons.py)
    }
    row = store.meeting_row(meeting_id)
    if row.bundle_extensions is not None:
        out["extensions"] = row.bundle_extensions
    return out


def default_bundle_filename(meeting: dict) -> str:
    """`meeting-<case_ref>-<date>.json`: the minutes' file name rule (a case ref such as "EH/2026/1" or
    one holding control characters is reduced to a safe name), with the bundle's prefix and suffix."""
    from .minutes import default_filename

    return "meeting-" + default_filename(meeting).removeprefix("minutes-").removesuffix(".docx") + ".json"


def write_private_file(path: Path, data: bytes, force: bool = False) -> Path:
    """Write `data` to `path` atomically (a temporary file in the same folder, renamed into place),
    readable by the owner only. An existing file is kept unless `force`. A failure to write (a full disk,
    a read-only folder) is BundleWriteError, one sentence, and leaves no temporary file behind."""
    path = Path(path)
    name = _name(path)
    if path.exists() and not force:
        raise BundleWriteError(f"{name} already exists; choose another name with -o, or add --force to replace it.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BundleWriteError(f"{_name(folder)} is not a folder that exists; create it or choose another with -o.")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BundleWriteError(
            f"cannot write in {_name(folder)} ({os_reason(exc)}); choose another folder with -o."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        fix = (
            "free some space or choose another folder with -o" if is_full_disk(exc) else "choose another folder with -o"
        )
        raise BundleWriteError(f"could not write {name} ({os_reason(exc)}); nothing was written: {fix}.") from None
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
