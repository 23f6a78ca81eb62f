"""Writing the files the app makes (minutes, bundles, recovery copies): atomic, private, one sentence on failure.

Every file is written to a temporary file in the same folder, flushed to disk and then moved into place,
so a crash, a full disk or a flat battery leaves either the old file or the new one, never half of one.
Without `force` an existing file is never replaced, even one that appears while we write.

"Readable by you only" means different things per system, and `protection()` says which, truthfully:
on POSIX the file is made 0600; Windows ignores chmod modes, and a file there takes the permissions of
the folder it is written in (a user profile folder is private to its user and the machine's
administrators; a shared drive may not be).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

#: errno values that mean "no room": a full disk, or the user's quota reached
_NO_ROOM = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class WriteError(Exception):
    """A file could not be written; the message is one sentence saying what and how to put it right."""


class FileExists(WriteError):
    pass


class FileInUse(WriteError):
    """The target is open in another program (on Windows, Word keeps the file it shows locked)."""


class NoRoom(WriteError):
    pass


class NotWritable(WriteError):
    """The folder is missing, read-only, or not ours to write in."""


def protection() -> str:
    """What keeps a file the app writes private on this system, in one sentence."""
    if os.name == "posix":
        return "Files are written readable by you only (mode 0600)."
    return (
        "Files take the permissions of the folder they are written to: your user folder is private to you "
        "and this computer's administrators, a shared or network folder may not be."
    )


def write_private(path: Path, content: bytes | Callable[[BinaryIO], None], *, force: bool = False) -> Path:
    """Write `content` (bytes, or a function that writes to a binary file) to `path`, atomically and privately."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise NotWritable(f"{path} is a folder; give a file name.")
    if not folder.is_dir():
        raise NotWritable(f"The folder {folder} does not exist; create it or choose another place.")
    if (path.exists() or path.is_symlink()) and not force:
        raise FileExists(f"{path} already exists; choose another name, or replace it on purpose (--force).")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _as_write_error(exc, path) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes | bytearray):
                handle.write(content)
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        _move_into_place(tmp, path, force)
        sync_folder(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _as_write_error(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _move_into_place(tmp: Path, path: Path, force: bool) -> None:
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # refuses to replace: no overwrite even if the file appeared meanwhile
    except FileExistsError:
        raise FileExists(f"{path} already exists; choose another name, or replace it on purpose (--force).") from None
    except OSError:  # a file system without hard links (FAT, some network drives): check, then rename
        if path.exists():
            raise FileExists(
                f"{path} already exists; choose another name, or replace it on purpose (--force)."
            ) from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to fsync)."""
    if os.name != "posix":
        return
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _as_write_error(exc: OSError, path: Path) -> WriteError:
    """The typed error for an OSError met while writing `path` (classified by errno, never by its text)."""
    if exc.errno in _NO_ROOM:
        return NoRoom(
            f"The disk holding {path.parent} is full, so {path.name} was not written; "
            "free some space or choose another place."
        )
    if isinstance(exc, PermissionError) and path.exists():
        return FileInUse(
            f"{path} could not be replaced: it is open in another program (such as Word) or read-only; "
            "close it there, or choose another name."
        )
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return NotWritable(f"You cannot write in {path.parent}; choose another folder.")
    return NotWritable(f"{path} could not be written ({exc.strerror or type(exc).__name__}); choose another place.")
