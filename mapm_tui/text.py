"""Making any text safe to store, to write into Word, and to show in a terminal.

A bad paste can bring lone surrogates (SQLite refuses to encode them) and control characters
(python-docx refuses them in XML; a terminal obeys them: ESC starts an escape sequence that can clear
the screen or set the window title, BEL rings, C1 characters such as U+009B act as ESC [ in some
terminals). On the way in (`clean`, `clean_line`) they are replaced, never dropped silently and never a
crash: a lone surrogate becomes U+FFFD, a control character other than tab and newline becomes a space.
On the way out to a terminal (`for_terminal`, `quote`) whatever is left is shown escaped (`\\x1b`),
so text already stored before cleaning existed is shown, never obeyed.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: What a terminal may obey or that cannot be written out: C0 (but tab and newline), DEL, C1, surrogates,
#: and the bidirectional overrides that make text read differently from what it is.
_UNSHOWABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_UNSHOWABLE_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")

#: How much of a value a refusal quotes: enough to find it, never a megabyte on stderr.
QUOTE_LIMIT = 80


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


def has_lone_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(text: object, *, one_line: bool = False) -> str:
    """`text` as it may be printed to a terminal: every character a terminal could obey is shown escaped
    (ESC as `\\x1b`). `one_line` escapes newlines and tabs too (a table cell, a quoted value)."""
    text = text if isinstance(text, str) else str(text)
    return (_UNSHOWABLE_IN_A_LINE if one_line else _UNSHOWABLE).sub(_escape, text)


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value quoted in a message: in quotes, on one line, escaped, and cut to `limit` characters with
    how much more there was (a refusal must not echo a megabyte)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return "'" + for_terminal(text, one_line=True) + "'"


#: a value in quotes: the opening quote after a space, bracket or start, the closing one before a space,
#: punctuation or the end; so the apostrophes of "the chair's … the family's" are never taken for one
_LONG_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(:=]))'([^']{" + str(QUOTE_LIMIT + 1) + r",}?)'(?=$|[\s).,;:])")


def shorten_quoted(message: str) -> str:
    """`message` with every quoted value over QUOTE_LIMIT characters cut (see `quote`): the last guard
    before stderr, for refusals that quote what they were given (`There is no meeting with id '…'`)."""
    return _LONG_QUOTED.sub(lambda m: quote(m.group(1)), message)


_UNSHOWABLE_IN_JSON = re.compile(r"[\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def json_for_terminal(data: object) -> str:
    """`data` as indented JSON that is safe to print: `json.dumps` escapes C0 controls itself; DEL, C1,
    lone surrogates and bidirectional overrides are written as `\\uXXXX` escapes (still the same JSON)."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSHOWABLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
