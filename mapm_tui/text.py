"""Making any text safe to store and to write into Word.

A bad paste can bring lone surrogates (SQLite refuses to encode them) and control characters
(python-docx refuses them in XML). Both are replaced, never dropped silently and never a crash:
a lone surrogate becomes U+FFFD, a control character other than tab and newline becomes a space.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text with lone surrogates replaced by U+FFFD, CR/CRLF made newlines, other control characters
    made spaces. Tabs and newlines are kept."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub(" ", text)


def clean_line(text: str) -> str:
    """Like `clean`, for a one-line field: newlines and tabs become spaces too."""
    return clean(text).replace("\n", " ").replace("\t", " ")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]
