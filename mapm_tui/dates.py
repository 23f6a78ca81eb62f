"""UK date entry and display: what a chair types ("20/11", "next tue", "in 2 weeks") becomes a date,
and a date is shown the same way on every machine ("Fri 20 Nov 2026").

Pure Python: no Textual, no third-party imports, no locale (English day and month names come from the
tables below, never from `strftime`, so a Welsh or German Windows shows the same minutes).

What can be typed (case-insensitive; spaces around it and commas are ignored):

========================  ===================================================================
``20/11``                 day first, the UK way; also ``20-11``, ``20.11``
``20/11/26``              two-digit year: 2026 (for a date of birth a year that would be in
                          the future means 19yy: ``3/4/85`` is 3 Apr 1985)
``20/11/2026``            also ``20-11-2026``, ``20.11.26``
``2026-11-20``            ISO, year first (``2026/11/20`` too)
``20 Nov``                also ``20 November``, ``20th Nov``, ``20th of November``,
                          ``Nov 20``, ``20 Nov 2026``, ``20-Nov-2026``
``Fri 20 Nov 2026``       what this module displays parses back; the weekday must agree
``today``                 also ``tomorrow`` (``tmrw``), ``yesterday``
``tue``                   also ``tues``, ``tuesday``: the next Tuesday strictly after today
                          (for a past date: the last one strictly before today)
``next tue``              the Tuesday of NEXT week (weeks start on Monday)
``this fri``              the Friday of this week (it may be earlier than today)
``last tue``              the Tuesday of last week
``tue week``              the British "Tuesday week": a week after ``tue``
``in 2 weeks``            also ``in 3 days``, ``in 1 month``, ``in a fortnight``,
                          ``in 2 weeks' time``, ``in 1 year``
``+10d``                  also ``+2w``, ``+1m``, ``+1y``, ``-3d``; ``3 days ago``
``end of month``          also ``eom``, ``end of next month``
========================  ===================================================================

"next" counts weeks, not days. On Tue 24 Nov 2026 ``tue`` is Tue 1 Dec 2026 and ``next tue`` is also
Tue 1 Dec 2026; on Mon 23 Nov 2026 ``tue`` is Tue 24 Nov 2026 but ``next tue`` is Tue 1 Dec 2026.
The form echoes the resolved date as it is typed (`describe`), so the chair sees which one it is.

A date given without a year is the next one on or after today (``prefer="future"``: due dates, the
next review) or the last one on or before today (``prefer="past"``: dates of birth). Months are
calendar months, clamped to the end of a shorter month: a month after 31 Jan 2027 is 28 Feb 2027.

Anything impossible raises `DateError`, whose message is a sentence for the chair saying what was
wrong and an example of what works; never a traceback from `datetime`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = [
    "DateError",
    "parse_date",
    "describe",
    "format_date",
    "format_long",
    "format_iso",
    "parse_iso",
    "age_on",
    "add_months",
    "DAY_NAMES",
    "DAY_ABBRS",
    "MONTH_NAMES",
    "MONTH_ABBRS",
]

#: Fixed English tables (Monday first, as `date.weekday()` counts); display never asks the locale.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_ABBRS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBRS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Years a typed date may fall in; outside them it is almost certainly a slip of the keyboard.
MIN_YEAR, MAX_YEAR = 1900, 2199

PREFERENCES = ("future", "past")

EXAMPLES = "20/11, 20 Nov, tue, next tue or in 2 weeks"


class DateError(ValueError):
    """A typed date that cannot be used; the message says what was wrong and what works."""


# ------------------------------------------------------------------------------------------ display


def format_date(d: dt.date) -> str:
    """``Fri 20 Nov 2026``: the product's way of showing a date (design.md, "Words")."""
    return f"{DAY_ABBRS[d.weekday()]} {d.day} {MONTH_ABBRS[d.month - 1]} {d.year}"


def format_long(d: dt.date) -> str:
    """``Friday 20 November 2026``: for headings and the minutes."""
    return f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_iso(d: dt.date) -> str:
    """``2026-11-20``: how the meeting dict and the bundle store a date."""
    return d.isoformat()


def parse_iso(s: str | None) -> dt.date | None:
    """The date in an ISO ``YYYY-MM-DD`` string, or None if it is absent or not a real date."""
    if not isinstance(s, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s.strip()):
        return None
    try:
        return dt.date.fromisoformat(s.strip())
    except ValueError:
        return None


def age_on(dob: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` for someone born on `dob`.

    Someone born on 29 February is a year older on 1 March in a year without one (as UK law counts).
    Raises DateError if `day` is before `dob`.
    """
    if day < dob:
        raise DateError(
            f"{format_date(day)} is before the date of birth ({format_date(dob)}): check the date of birth."
        )
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def add_months(d: dt.date, months: int) -> dt.date:
    """`d` moved by whole calendar months, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("date out of range")
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# ------------------------------------------------------------------------------------------ entry


def describe(text: str | None, today: dt.date, prefer: str = "future") -> str:
    """A live echo for a date field: ``→ Tue 1 Dec 2026``, the reason it is not a date, or "" when empty."""
    if not text or not text.strip():
        return ""
    try:
        return f"→ {format_date(parse_date(text, today, prefer))}"
    except DateError as exc:
        return str(exc)


def parse_date(text: str, today: dt.date, prefer: str = "future") -> dt.date:
    """The date meant by `text`, typed the UK way, as of `today`.

    `prefer` says which way an incomplete date points: "future" (due dates, next review: the next
    such date on or after today; a bare weekday strictly after today) or "past" (dates of birth: the
    last one on or before today; a bare weekday strictly before today; a two-digit year that would
    land in the future means 19yy).

    Weeks start on Monday. ``next tue`` is the Tuesday of next week, whatever today is; ``tue`` the
    first Tuesday after today. So on Tue 24 Nov 2026 both ``tue`` and ``next tue`` are Tue 1 Dec 2026,
    while on Mon 23 Nov 2026 ``tue`` is Tue 24 Nov 2026 and ``next tue`` is Tue 1 Dec 2026.
    ``this fri`` is the Friday of this week; ``last tue`` the Tuesday of last week.

    Raises DateError (a ValueError) with one sentence for the chair; see the module docstring for
    every form understood.
    """
    if prefer not in PREFERENCES:
        raise ValueError(f"prefer must be 'future' or 'past', not {prefer!r}")
    raw = " ".join(text.split()) if isinstance(text, str) else ""
    if not raw:
        raise DateError(f"No date was typed: type one such as {EXAMPLES}.")
    if len(raw) > 60:
        raise DateError(f"'{_quote(raw)}' is too long to be a date: type one such as {EXAMPLES}.")
    s = raw.lower().replace(",", " ").replace("\u2019", "'")
    s = " ".join(s.split())
    ctx = _Context(raw=raw, today=today, prefer=prefer)
    for parse in (_words, _relative, _weekday, _with_weekday, _numeric, _named):
        found = parse(s, ctx)
        if found is not None:
            if not MIN_YEAR <= found.year <= MAX_YEAR:
                raise ctx.fail(
                    f"falls in {found.year}: only years from {MIN_YEAR} to {MAX_YEAR} can be used; add the year."
                )
            return found
    raise DateError(f"'{_quote(raw)}' is not a date this app understands: try {EXAMPLES}.")


class _Context:
    __slots__ = ("raw", "today", "prefer")

    def __init__(self, raw: str, today: dt.date, prefer: str) -> None:
        self.raw = raw
        self.today = today
        self.prefer = prefer

    def fail(self, why: str) -> DateError:
        return DateError(f"'{_quote(self.raw)}' {why}")


def _quote(raw: str, limit: int = 40) -> str:
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


# -- words: today, tomorrow, end of month ----------------------------------------------------------

_FIXED = {"today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "yesterday": -1}
_END_OF = re.compile(r"(?:end of (?:the |this )?month|eom)")
_END_OF_NEXT = re.compile(r"end of next month")
_VAGUE = re.compile(r"(?:next|this|last) (week|month|year)|(?:soon|asap|tbc|tba|ongoing)")


def _words(s: str, ctx: _Context) -> dt.date | None:
    if s in _FIXED:
        return ctx.today + dt.timedelta(days=_FIXED[s])
    if _END_OF.fullmatch(s):
        return _month_end(ctx.today)
    if _END_OF_NEXT.fullmatch(s):
        return _month_end(add_months(ctx.today.replace(day=1), 1))
    vague = _VAGUE.fullmatch(s)
    if vague:
        unit = vague.group(1)
        if unit == "week":
            hint = "next mon, next fri or in 1 week"
        elif unit == "month":
            hint = "in 1 month, end of next month or 20/12"
        elif unit == "year":
            hint = "in 1 year or 20/11/2027"
        else:
            hint = EXAMPLES
        raise ctx.fail(f"is not a single day: give one, such as {hint}.")
    return None


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


# -- relative: in 2 weeks, +10d, 3 days ago ---------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_UNITS = {
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "wk": "w",
    "wks": "w",
    "week": "w",
    "weeks": "w",
    "fortnight": "f",
    "fortnights": "f",
    "m": "m",
    "mo": "m",
    "mth": "m",
    "mths": "m",
    "month": "m",
    "months": "m",
    "y": "y",
    "yr": "y",
    "yrs": "y",
    "year": "y",
    "years": "y",
}
_COUNT = r"(?:(?P<n>[+-]?[0-9]+) ?|(?P<w>[a-z]+) )(?P<unit>[a-z]+)"
_IN = re.compile(rf"in {_COUNT}(?: ?'? ?time)?")
_SIGNED = re.compile(r"(?P<sign>[+-]) ?(?P<n>[0-9]+) ?(?P<unit>[a-z]*)")
_AGO = re.compile(rf"{_COUNT} ago")
_WEEK_FROM = re.compile(r"a week (?P<base>today|tomorrow|tmrw|yesterday)")


def _relative(s: str, ctx: _Context) -> dt.date | None:
    m = _WEEK_FROM.fullmatch(s)
    if m:
        return ctx.today + dt.timedelta(days=_FIXED[m.group("base")] + 7)
    m = _IN.fullmatch(s)
    if m:
        n, unit = m.group("n"), m.group("unit")
        if n is not None and n.startswith("-"):
            letter = {"w": "w", "f": "w", "m": "m", "y": "y"}.get(_UNITS.get(unit, "d"), "d")
            raise ctx.fail(
                f"counts backwards: 'in' takes a number from 0 up; for a past date type -{n[1:]}{letter} instead."
            )
        return _shift(ctx, _count(m, ctx), unit, +1)
    m = _SIGNED.fullmatch(s)
    if m:
        sign, n = m.group("sign"), m.group("n")
        if not m.group("unit"):
            raise ctx.fail(f"needs a unit: type {sign}{n}d for days, {sign}{n}w for weeks or {sign}{n}m for months.")
        return _shift(ctx, int(n), m.group("unit"), +1 if sign == "+" else -1)
    m = _AGO.fullmatch(s)
    if m:
        if m.group("n") is not None and not m.group("n").isdigit():
            raise ctx.fail(f"is unclear: type it as {m.group('n').lstrip('+-')} {m.group('unit')} ago.")
        return _shift(ctx, _count(m, ctx), m.group("unit"), -1)
    return None


def _count(m: re.Match, ctx: _Context) -> int:
    if m.group("n") is not None:
        return int(m.group("n"))
    word = m.group("w")
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    raise ctx.fail(f"has no number that can be read ('{word}'): type it in figures, such as in 2 weeks.")


def _shift(ctx: _Context, n: int, unit: str, sign: int) -> dt.date:
    kind = _UNITS.get(unit)
    if kind is None:
        raise ctx.fail(f"has an unknown unit ('{unit}'): use days, weeks or months, such as in 2 weeks or +10d.")
    try:
        if kind in "dwf":
            days = {"d": 1, "w": 7, "f": 14}[kind] * n
            return _in_range(ctx.today + dt.timedelta(days=sign * days), ctx)
        if kind == "m":
            return _in_range(add_months(ctx.today, sign * n), ctx)
        return _in_range(add_months(ctx.today, sign * 12 * n), ctx)
    except (OverflowError, ValueError):
        raise ctx.fail(
            f"is too far away: only years from {MIN_YEAR} to {MAX_YEAR} can be used; try in 2 weeks."
        ) from None


def _in_range(d: dt.date, ctx: _Context) -> dt.date:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise OverflowError
    return d


# -- weekdays: tue, next tue, this fri, last mon, tue week ------------------------------------------

_DAY_WORDS: dict[str, int] = {"weds": 2, "thur": 3, "thurs": 3, "tues": 1}
for _n, _name in enumerate(DAY_NAMES):
    _low = _name.lower()
    for _k in range(3, len(_low) + 1):
        _DAY_WORDS.setdefault(_low[:_k], _n)
_WORD = r"[a-z]+"
_QUALIFIED = re.compile(rf"(?P<q>next|this|last|coming|on) (?P<day>{_WORD})")
_DAY_WEEK = re.compile(rf"(?P<day>{_WORD}) week")


def _weekday(s: str, ctx: _Context) -> dt.date | None:
    today = ctx.today
    if s in _DAY_WORDS:
        return _bare_weekday(_DAY_WORDS[s], ctx)
    m = _DAY_WEEK.fullmatch(s)
    if m and m.group("day") in _DAY_WORDS:
        return _bare_weekday(_DAY_WORDS[m.group("day")], _Context(ctx.raw, today, "future")) + dt.timedelta(days=7)
    m = _QUALIFIED.fullmatch(s)
    if not m:
        return None
    q, word = m.group("q"), m.group("day")
    if word not in _DAY_WORDS:
        if q in ("next", "this", "last"):
            raise ctx.fail(f"is not a date: '{word}' is not a day of the week; try {q} tue or {q} friday.")
        return None
    day = _DAY_WORDS[word]
    monday = today - dt.timedelta(days=today.weekday())
    if q == "next":
        return monday + dt.timedelta(days=7 + day)
    if q == "this":
        return monday + dt.timedelta(days=day)
    if q == "last":
        return monday + dt.timedelta(days=day - 7)
    return _bare_weekday(day, ctx)  # "coming tue", "on tue"


def _bare_weekday(day: int, ctx: _Context) -> dt.date:
    today = ctx.today
    if ctx.prefer == "future":
        return today + dt.timedelta(days=(day - today.weekday()) % 7 or 7)
    return today - dt.timedelta(days=(today.weekday() - day) % 7 or 7)


def _with_weekday(s: str, ctx: _Context) -> dt.date | None:
    """``Fri 20 Nov 2026``, ``Friday 20/11``: a weekday in front of a date; the two must agree."""
    head, _, rest = s.partition(" ")
    if not rest or head not in _DAY_WORDS:
        return None
    found = _numeric(rest, ctx) or _named(rest, ctx)
    if found is None:
        return None
    if found.weekday() != _DAY_WORDS[head]:
        raise ctx.fail(
            f"does not add up: {found.day} {MONTH_ABBRS[found.month - 1]} {found.year} is a "
            f"{DAY_NAMES[found.weekday()]}, not a {DAY_NAMES[_DAY_WORDS[head]]}; try {format_date(found)}."
        )
    return found


# -- numbers: 20/11, 20/11/26, 20.11.2026, 2026-11-20 -----------------------------------------------

_DMY = re.compile(r"(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<y>[0-9]+))?")
_YMD = re.compile(r"(?P<y>[0-9]{4})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})")


def _numeric(s: str, ctx: _Context) -> dt.date | None:
    m = _YMD.fullmatch(s)
    if m:
        sep = m.group("sep")
        year = _year(m.group("y"), ctx)
        day, month = int(m.group("d")), int(m.group("m"))
        return _build(
            ctx,
            day,
            month,
            year,
            suggest=lambda d, mo: f"{m.group('y')}{sep}{mo:02d}{sep}{d:02d}",
            swap=lambda: f"{m.group('y')}{sep}{m.group('d')}{sep}{m.group('m')} (year, month, day)",
        )
    m = _DMY.fullmatch(s)
    if not m:
        return None
    sep, ytext = m.group("sep"), m.group("y")
    day, month = int(m.group("d")), int(m.group("m"))
    tail = f"{sep}{ytext}" if ytext else ""

    def suggest(d: int, mo: int) -> str:
        mtext = m.group("m") if int(m.group("m")) == mo else (f"{mo:02d}" if len(m.group("m")) == 2 else str(mo))
        return f"{d}{sep}{mtext}{tail}" if len(m.group("d")) == 1 or d >= 10 else f"{d:02d}{sep}{mtext}{tail}"

    def swap() -> str:
        return f"{m.group('m')}{sep}{m.group('d')}{tail} (day first, the UK way)"

    if ytext is None:
        return _build_no_year(ctx, day, month, suggest, swap)
    year = _two_digit_or_full(ytext, day, month, ctx)
    return _build(ctx, day, month, year, suggest, swap)


def _year(text: str, ctx: _Context) -> int:
    year = int(text)
    if len(text) != 4:
        raise ctx.fail(f"has a year of {len(text)} digits: type two or four, such as 20/11/26 or 20/11/2026.")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ctx.fail(f"is in {year}: only years from {MIN_YEAR} to {MAX_YEAR} can be used; check the year.")
    return year


def _two_digit_or_full(text: str, day: int, month: int, ctx: _Context) -> int:
    if len(text) != 2:
        return _year(text, ctx)
    yy = int(text)
    year = 2000 + yy
    if ctx.prefer == "past" and 1 <= month <= 12:
        probe = dt.date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))
        if probe > ctx.today:
            year = 1900 + yy
    return year


def _check_day_month(ctx: _Context, day: int, month: int, year: int | None, suggest, swap) -> None:
    """Refuse an impossible day or month with the reason; `year` is where the date would fall."""
    if month < 1 or month > 12:
        if 1 <= day <= 12 and 1 <= month <= 31:
            raise ctx.fail(f"is not a real date: there are only 12 months; did you mean {swap()}?")
        if month == 0:
            raise ctx.fail(f"is not a real date: months are numbered 1 to 12; try {suggest(max(1, min(day, 28)), 1)}.")
        raise ctx.fail(f"is not a real date: there are only 12 months; try {suggest(max(1, min(day, 31)), 12)}.")
    if day < 1:
        raise ctx.fail(f"is not a real date: days start at 1; try {suggest(1, month)}.")
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if year is not None:
        longest = calendar.monthrange(year, month)[1]
    if day > longest:
        when = f" in {year}" if month == 2 and year is not None else ""
        raise ctx.fail(
            f"is not a real date: {MONTH_NAMES[month - 1]} has {longest} days{when}. Try {suggest(longest, month)}."
        )


def _candidate_year(ctx: _Context, day: int, month: int) -> int:
    """The year an incomplete date falls in, for the preference (before checking the day exists)."""
    today = ctx.today
    year = today.year
    probe = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    if ctx.prefer == "future" and probe < today:
        year += 1
    elif ctx.prefer == "past" and probe > today:
        year -= 1
    return year


def _build_no_year(ctx: _Context, day: int, month: int, suggest, swap) -> dt.date:
    year = _candidate_year(ctx, day, month) if 1 <= month <= 12 and day >= 1 else None
    # 30 or 31 February is refused naming the year it would fall in; 29 February waits for a leap year.
    _check_day_month(ctx, day, month, year if month == 2 and day > 29 else None, suggest, swap)
    assert year is not None
    step = 1 if ctx.prefer == "future" else -1
    for _ in range(9):  # 29 February comes round within eight years
        try:
            found = dt.date(year, month, day)
        except ValueError:
            year += step
            continue
        if (found >= ctx.today) if step == 1 else (found <= ctx.today):
            return found
        year += step
    raise ctx.fail("could not be placed in a year near today: add the year, such as 20/11/2026.")


def _build(ctx: _Context, day: int, month: int, year: int, suggest, swap) -> dt.date:
    _check_day_month(ctx, day, month, year if 1 <= month <= 12 else None, suggest, swap)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ctx.fail(f"is in {year}: only years from {MIN_YEAR} to {MAX_YEAR} can be used; check the year.")
    return dt.date(year, month, day)


# -- month names: 20 Nov, 20th of November 2026, Nov 20 ----------------------------------------------

_MONTH_WORDS: dict[str, int] = {}
for _n, _name in enumerate(MONTH_NAMES, start=1):
    _low = _name.lower()
    for _k in range(3, len(_low) + 1):
        _MONTH_WORDS[_low[:_k]] = _n
_SEP = r"[\s./-]*"
_ORD = r"(?:st|nd|rd|th)?"
_DAY_FIRST = re.compile(rf"(?P<d>[0-9]{{1,2}})(?![0-9]){_ORD}{_SEP}(?:of\s+)?(?P<m>[a-z]+)\.?(?:{_SEP}(?P<y>[0-9]+))?")
_MONTH_FIRST = re.compile(rf"(?P<m>[a-z]+)\.?{_SEP}(?P<d>[0-9]{{1,2}})(?![0-9]){_ORD}(?:{_SEP}(?P<y>[0-9]+))?")


def _named(s: str, ctx: _Context) -> dt.date | None:
    m = _DAY_FIRST.fullmatch(s) or _MONTH_FIRST.fullmatch(s)
    if not m:
        return None
    word = m.group("m")
    if word not in _MONTH_WORDS:
        if word in _DAY_WORDS or word in ("next", "this", "last", "in"):
            return None
        raise ctx.fail(f"has '{word}', which is not a month: try 20 Nov or 20/11.")
    day, month, ytext = int(m.group("d")), _MONTH_WORDS[word], m.group("y")
    tail = f" {ytext}" if ytext else ""

    def suggest(d: int, mo: int) -> str:
        return f"{d} {MONTH_ABBRS[mo - 1]}{tail}"

    def swap() -> str:  # a named month is never out of range
        return suggest(day, month)

    if ytext is None:
        return _build_no_year(ctx, day, month, suggest, swap)
    return _build(ctx, day, month, _two_digit_or_full(ytext, day, month, ctx), suggest, swap)
