"""What an operating-system error means for the person at the keyboard, in a few plain words.

Used wherever a file is written or opened, so that a full disk or a read-only folder is named as such
and never blamed on the file ("check the file is a mapm database" is wrong when the disk is full).
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EIO: "the disk reported an input/output error",
    errno.ENAMETOOLONG: "the name is too long",
}

#: The errors that are about the place (disk, folder), not about what is in the file.
PLACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO})


def os_reason(exc: OSError) -> str:
    """A few words for `exc`: "the disk is full", "permission denied" … (its strerror otherwise)."""
    fallback = exc.strerror or type(exc).__name__
    return fallback if exc.errno is None else _REASONS.get(exc.errno, fallback)


def is_full_disk(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)
