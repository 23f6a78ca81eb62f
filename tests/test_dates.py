"""UK date entry and display (mapm_tui.dates): every form a chair may type, both preferences, every
refusal with its reason, and display that never depends on the machine's locale."""

from __future__ import annotations

import datetime as dt

import pytest

from mapm_tui.dates import (
    DateError,
    add_months,
    age_on,
    describe,
    format_date,
    format_iso,
    format_long,
    parse_date,
    parse_iso,
)

D = dt.date
TUE = D(2026, 11, 24)  # the tests' "today": Tue 24 Nov 2026
MON = D(2026, 11, 23)
SUN = D(2026, 11, 29)
NEW_YEARS_EVE = D(2026, 12, 31)  # a Thursday
JAN_31 = D(2027, 1, 31)  # month end, before a short February
JAN_31_LEAP = D(2028, 1, 31)  # month end, before 29 February


# ------------------------------------------------------------------------------ forms, prefer="future"


@pytest.mark.parametrize(
    "text, expected",
    [
        # day/month without a year: the next one on or after today
        ("20/11", D(2027, 11, 20)),
        ("24/11", D(2026, 11, 24)),  # today counts
        ("25/11", D(2026, 11, 25)),
        ("1/12", D(2026, 12, 1)),
        ("01/12", D(2026, 12, 1)),
        ("20-11", D(2027, 11, 20)),
        ("20.11", D(2027, 11, 20)),
        # with a year
        ("20/11/26", D(2026, 11, 20)),
        ("20/11/2026", D(2026, 11, 20)),
        ("20-11-2026", D(2026, 11, 20)),
        ("20.11.26", D(2026, 11, 20)),
        ("3/4/85", D(2085, 4, 3)),  # two-digit years are 20yy for a future date
        ("2026-11-20", D(2026, 11, 20)),
        ("2026/11/20", D(2026, 11, 20)),
        ("2027-01-05", D(2027, 1, 5)),
        # month names
        ("20 Nov", D(2027, 11, 20)),
        ("20 November", D(2027, 11, 20)),
        ("20 nov 2026", D(2026, 11, 20)),
        ("20 Nov 26", D(2026, 11, 20)),
        ("20th Nov", D(2027, 11, 20)),
        ("1st Dec", D(2026, 12, 1)),
        ("2nd December", D(2026, 12, 2)),
        ("3rd dec", D(2026, 12, 3)),
        ("20th of November", D(2027, 11, 20)),
        ("Nov 20", D(2027, 11, 20)),
        ("Dec 1st", D(2026, 12, 1)),
        ("November 20, 2026", D(2026, 11, 20)),
        ("20-Nov-2026", D(2026, 11, 20)),
        ("5 Sept", D(2027, 9, 5)),
        ("5 Sep", D(2027, 9, 5)),
        ("14 Feb", D(2027, 2, 14)),
        # what the app displays parses back (a pre-filled field left as it was)
        ("Fri 20 Nov 2026", D(2026, 11, 20)),
        ("Friday 20 November 2026", D(2026, 11, 20)),
        ("Friday, 20 November 2026", D(2026, 11, 20)),
        ("Tue 1 Dec", D(2026, 12, 1)),
        ("tue 1/12/2026", D(2026, 12, 1)),
        # words
        ("today", TUE),
        ("tomorrow", D(2026, 11, 25)),
        ("tmrw", D(2026, 11, 25)),
        ("yesterday", D(2026, 11, 23)),
        # weekdays: strictly after today
        ("tue", D(2026, 12, 1)),
        ("tues", D(2026, 12, 1)),
        ("tuesday", D(2026, 12, 1)),
        ("wed", D(2026, 11, 25)),
        ("weds", D(2026, 11, 25)),
        ("thurs", D(2026, 11, 26)),
        ("thu", D(2026, 11, 26)),
        ("fri", D(2026, 11, 27)),
        ("sat", D(2026, 11, 28)),
        ("sun", D(2026, 11, 29)),
        ("mon", D(2026, 11, 30)),
        ("monday", D(2026, 11, 30)),
        # next = next week's; this = this week's; last = last week's
        ("next tue", D(2026, 12, 1)),
        ("next wed", D(2026, 12, 2)),
        ("next mon", D(2026, 11, 30)),
        ("next sunday", D(2026, 12, 6)),
        ("this fri", D(2026, 11, 27)),
        ("this mon", D(2026, 11, 23)),  # this week's Monday was yesterday
        ("last tue", D(2026, 11, 17)),
        ("tue week", D(2026, 12, 8)),
        ("a week today", D(2026, 12, 1)),
        # relative
        ("in 3 days", D(2026, 11, 27)),
        ("in 1 day", D(2026, 11, 25)),
        ("in 0 days", TUE),
        ("in 2 weeks", D(2026, 12, 8)),
        ("in two weeks", D(2026, 12, 8)),
        ("in a week", D(2026, 12, 1)),
        ("in a fortnight", D(2026, 12, 8)),
        ("in 2 weeks' time", D(2026, 12, 8)),
        ("in 2 weeks time", D(2026, 12, 8)),
        ("in 1 month", D(2026, 12, 24)),
        ("in 2 months", D(2027, 1, 24)),
        ("in 1 year", D(2027, 11, 24)),
        ("+10d", D(2026, 12, 4)),
        ("+2w", D(2026, 12, 8)),
        ("+1m", D(2026, 12, 24)),
        ("+1y", D(2027, 11, 24)),
        ("+ 10 days", D(2026, 12, 4)),
        ("-3d", D(2026, 11, 21)),
        ("3 days ago", D(2026, 11, 21)),
        ("a week ago", D(2026, 11, 17)),
        # end of the month
        ("end of month", D(2026, 11, 30)),
        ("end of the month", D(2026, 11, 30)),
        ("eom", D(2026, 11, 30)),
        ("end of next month", D(2026, 12, 31)),
    ],
)
def test_forms_prefer_future(text, expected):
    assert parse_date(text, TUE) == expected
    assert parse_date(text, TUE, prefer="future") == expected


@pytest.mark.parametrize("text", ["  Next TUE  ", "NEXT   tue", "next\ttue", "Next Tuesday"])
def test_case_and_spaces_do_not_matter(text):
    assert parse_date(text, TUE) == D(2026, 12, 1)


# ------------------------------------------------------------------------------ forms, prefer="past"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20/11", D(2026, 11, 20)),  # the last one on or before today
        ("24/11", TUE),
        ("25/11", D(2025, 11, 25)),
        ("1/12", D(2025, 12, 1)),
        ("20 Nov", D(2026, 11, 20)),
        ("Dec 25", D(2025, 12, 25)),
        ("3/4/19", D(2019, 4, 3)),
        ("3/4/85", D(1985, 4, 3)),  # 2085 would be in the future: 1985
        ("24/11/26", D(2026, 11, 24)),  # today is not the future
        ("25/11/26", D(1926, 11, 25)),  # tomorrow in 2026 is: 1926
        ("5 Mar 19", D(2019, 3, 5)),
        ("5 Mar 99", D(1999, 3, 5)),
        ("1/1/00", D(2000, 1, 1)),
        ("20/11/2026", D(2026, 11, 20)),  # a full date is what it says
        ("tue", D(2026, 11, 17)),  # strictly before today
        ("mon", D(2026, 11, 23)),
        ("wed", D(2026, 11, 18)),
        ("next tue", D(2026, 12, 1)),  # "next" means next week whatever the preference
        ("this fri", D(2026, 11, 27)),
        ("last tue", D(2026, 11, 17)),
        ("yesterday", D(2026, 11, 23)),
        ("2 weeks ago", D(2026, 11, 10)),
        ("-1m", D(2026, 10, 24)),
    ],
)
def test_forms_prefer_past(text, expected):
    assert parse_date(text, TUE, prefer="past") == expected


# ------------------------------------------------------------------------------ weekdays around the week


@pytest.mark.parametrize(
    "today, text, expected",
    [
        # the docstring's examples: on a Tuesday `tue` and `next tue` agree; on the Monday before they do not
        (TUE, "tue", D(2026, 12, 1)),
        (TUE, "next tue", D(2026, 12, 1)),
        (MON, "tue", D(2026, 11, 24)),
        (MON, "next tue", D(2026, 12, 1)),
        (MON, "this tue", D(2026, 11, 24)),
        (MON, "mon", D(2026, 11, 30)),
        (MON, "next mon", D(2026, 11, 30)),
        # Sunday is the end of the week
        (SUN, "tue", D(2026, 12, 1)),
        (SUN, "next tue", D(2026, 12, 1)),
        (SUN, "this fri", D(2026, 11, 27)),
        (SUN, "this sun", SUN),
        (SUN, "next sun", D(2026, 12, 6)),
        (SUN, "last sun", D(2026, 11, 22)),
        # across the year end (31 Dec 2026 is a Thursday)
        (NEW_YEARS_EVE, "fri", D(2027, 1, 1)),
        (NEW_YEARS_EVE, "next mon", D(2027, 1, 4)),
        (NEW_YEARS_EVE, "next thu", D(2027, 1, 7)),
    ],
)
def test_weekdays(today, text, expected):
    assert parse_date(text, today) == expected


def test_next_is_always_in_next_week():
    for offset in range(7):
        today = MON + dt.timedelta(days=offset)
        for day, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
            got = parse_date(f"next {name}", today)
            assert got == D(2026, 11, 30) + dt.timedelta(days=day), (today, name)
            bare = parse_date(name, today)
            assert today < bare <= today + dt.timedelta(days=7) and bare.weekday() == day
            past = parse_date(name, today, prefer="past")
            assert today - dt.timedelta(days=7) <= past < today and past.weekday() == day


# ------------------------------------------------------------------------------ month end, year end, leap years


@pytest.mark.parametrize(
    "today, text, prefer, expected",
    [
        # month end: calendar months clamp to the end of a shorter month
        (JAN_31, "in 1 month", "future", D(2027, 2, 28)),
        (JAN_31, "+1m", "future", D(2027, 2, 28)),
        (JAN_31, "in 2 months", "future", D(2027, 3, 31)),
        (JAN_31, "in 3 months", "future", D(2027, 4, 30)),
        (JAN_31, "eom", "future", JAN_31),
        (JAN_31, "end of next month", "future", D(2027, 2, 28)),
        (D(2026, 10, 31), "in 1 month", "future", D(2026, 11, 30)),
        (D(2027, 3, 31), "-1m", "past", D(2027, 2, 28)),
        # year end
        (NEW_YEARS_EVE, "tomorrow", "future", D(2027, 1, 1)),
        (NEW_YEARS_EVE, "2/1", "future", D(2027, 1, 2)),
        (NEW_YEARS_EVE, "31/12", "future", NEW_YEARS_EVE),
        (NEW_YEARS_EVE, "30/12", "future", D(2027, 12, 30)),
        (NEW_YEARS_EVE, "30/12", "past", D(2026, 12, 30)),
        (NEW_YEARS_EVE, "2/1", "past", D(2026, 1, 2)),
        (NEW_YEARS_EVE, "in 1 week", "future", D(2027, 1, 7)),
        (NEW_YEARS_EVE, "in 2 months", "future", D(2027, 2, 28)),
        (NEW_YEARS_EVE, "end of next month", "future", D(2027, 1, 31)),
        (D(2027, 1, 1), "yesterday", "future", NEW_YEARS_EVE),
        # leap years
        (JAN_31_LEAP, "in 1 month", "future", D(2028, 2, 29)),
        (JAN_31_LEAP, "end of next month", "future", D(2028, 2, 29)),
        (D(2028, 2, 29), "in 1 year", "future", D(2029, 2, 28)),
        (D(2028, 2, 28), "tomorrow", "future", D(2028, 2, 29)),
        (TUE, "29/2", "future", D(2028, 2, 29)),  # waits for the next 29 February
        (TUE, "29 Feb", "past", D(2024, 2, 29)),  # the last one
        (TUE, "29/02/2028", "future", D(2028, 2, 29)),
        (TUE, "29/2/00", "past", D(2000, 2, 29)),
        (D(2028, 2, 29), "29/2", "future", D(2028, 2, 29)),
    ],
)
def test_month_end_year_end_and_leap_years(today, text, prefer, expected):
    assert parse_date(text, today, prefer) == expected


# ------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    "text, today, prefer, words",
    [
        ("31/02", TUE, "future", ["'31/02' is not a real date", "February has 28 days in 2027", "Try 28/02."]),
        ("31/02", TUE, "past", ["February has 28 days in 2026", "Try 28/02."]),
        ("30/2", D(2027, 12, 1), "future", ["February has 29 days in 2028", "Try 29/2."]),
        ("31/11", TUE, "future", ["November has 30 days", "Try 30/11."]),
        ("29/2/2027", TUE, "future", ["February has 28 days in 2027", "Try 28/2/2027."]),
        ("2026-02-30", TUE, "future", ["February has 28 days in 2026", "Try 2026-02-28."]),
        ("31 Feb", TUE, "future", ["February has 28 days in 2027", "Try 28 Feb."]),
        ("32/1", TUE, "future", ["'32/1' is not a real date", "January has 31 days", "Try 31/1."]),
        ("13/13", TUE, "future", ["'13/13' is not a real date", "only 12 months", "13/12"]),
        ("5/13", TUE, "future", ["only 12 months", "did you mean 13/5", "day first"]),
        ("2026-20-11", TUE, "future", ["only 12 months", "2026-11-20"]),
        ("0/5", TUE, "future", ["days start at 1", "1/5"]),
        ("5/0", TUE, "future", ["months are numbered 1 to 12"]),
        ("", TUE, "future", ["No date was typed", "20/11"]),
        ("   ", TUE, "past", ["No date was typed"]),
        (
            "next blursday",
            TUE,
            "future",
            ["'next blursday' is not a date", "'blursday' is not a day of the week", "next tue"],
        ),
        ("in -2 weeks", TUE, "future", ["'in -2 weeks' counts backwards", "-2w"]),
        ("in -3 days", TUE, "future", ["counts backwards", "-3d"]),
        ("in blah weeks", TUE, "future", ["no number", "in 2 weeks"]),
        ("in 2 lightyears", TUE, "future", ["unknown unit", "in 2 weeks"]),
        ("+10", TUE, "future", ["needs a unit", "+10d"]),
        ("next week", TUE, "future", ["not a single day", "next mon"]),
        ("next month", TUE, "future", ["not a single day", "in 1 month"]),
        ("asap", TUE, "future", ["not a single day"]),
        ("ongoing", TUE, "future", ["not a single day"]),
        ("Thu 20 Nov 2026", TUE, "future", ["does not add up", "is a Friday, not a Thursday", "Fri 20 Nov 2026"]),
        ("20 Nobember", TUE, "future", ["'nobember', which is not a month", "20 Nov"]),
        ("20/11/202", TUE, "future", ["year of 3 digits", "20/11/2026"]),
        ("20/11/1850", TUE, "past", ["1850", "from 1900 to 2199"]),
        ("in 99999 years", TUE, "future", ["too far away"]),
        ("in 99999999 days", TUE, "future", ["too far away"]),
        ("banana", TUE, "future", ["'banana' is not a date this app understands", "next tue"]),
        ("20/11/2026 oops", TUE, "future", ["is not a date this app understands"]),
        ("20", TUE, "future", ["is not a date this app understands"]),
        ("x" * 500, TUE, "future", ["too long to be a date", "…"]),
        ("29 Feb", D(2196, 3, 8), "future", ["2204", "from 1900 to 2199"]),
    ],
)
def test_refusals_say_why_and_what_works(text, today, prefer, words):
    with pytest.raises(DateError) as err:
        parse_date(text, today, prefer)
    message = str(err.value)
    for word in words:
        assert word in message, message
    assert "\n" not in message and message.endswith((".", "?"))
    assert "Traceback" not in message and "out of range" not in message and "must be in" not in message


def test_date_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_date("31/02", TUE)


def test_a_wrong_preference_is_a_programming_error():
    with pytest.raises(ValueError, match="prefer"):
        parse_date("20/11", TUE, prefer="soonish")


def test_odd_text_never_raises_anything_but_date_error():
    odd = [
        "٢٠/١١",
        "20/11/٢٠٢٦",
        "²/11",
        "20//11",
        "/",
        "-",
        "+",
        "in",
        "next",
        "of",
        "th",
        "20th",
        "in 9" + "9" * 100 + " days",
        "+" + "9" * 50 + "d",
        "\x00",
        "\ud800",
        "20/11/99999",
        "nov 2026",
    ]
    for text in odd:
        for prefer in ("future", "past"):
            try:
                got = parse_date(text, TUE, prefer)
            except DateError as exc:
                assert str(exc)
            else:
                assert 1900 <= got.year <= 2199


# ------------------------------------------------------------------------------ describe (the live echo)


@pytest.mark.parametrize(
    "text, prefer, expected",
    [
        ("next tue", "future", "→ Tue 1 Dec 2026"),
        ("20/11", "future", "→ Sat 20 Nov 2027"),
        ("20/11", "past", "→ Fri 20 Nov 2026"),
        ("", "future", ""),
        ("   ", "future", ""),
        ("31/02", "future", "'31/02' is not a real date: February has 28 days in 2027. Try 28/02."),
    ],
)
def test_describe(text, prefer, expected):
    assert describe(text, TUE, prefer) == expected


def test_describe_of_none_is_empty():
    assert describe(None, TUE) == ""


# ------------------------------------------------------------------------------ display


@pytest.mark.parametrize(
    "day, short, long",
    [
        (D(2026, 11, 20), "Fri 20 Nov 2026", "Friday 20 November 2026"),
        (D(2026, 12, 1), "Tue 1 Dec 2026", "Tuesday 1 December 2026"),
        (D(2026, 11, 23), "Mon 23 Nov 2026", "Monday 23 November 2026"),
        (D(2026, 11, 25), "Wed 25 Nov 2026", "Wednesday 25 November 2026"),
        (D(2026, 11, 26), "Thu 26 Nov 2026", "Thursday 26 November 2026"),
        (D(2026, 11, 28), "Sat 28 Nov 2026", "Saturday 28 November 2026"),
        (D(2026, 11, 29), "Sun 29 Nov 2026", "Sunday 29 November 2026"),
        (D(2027, 1, 1), "Fri 1 Jan 2027", "Friday 1 January 2027"),
        (D(2028, 2, 29), "Tue 29 Feb 2028", "Tuesday 29 February 2028"),
        (D(2027, 3, 9), "Tue 9 Mar 2027", "Tuesday 9 March 2027"),
        (D(2027, 4, 30), "Fri 30 Apr 2027", "Friday 30 April 2027"),
        (D(2027, 5, 5), "Wed 5 May 2027", "Wednesday 5 May 2027"),
        (D(2027, 6, 7), "Mon 7 Jun 2027", "Monday 7 June 2027"),
        (D(2027, 7, 4), "Sun 4 Jul 2027", "Sunday 4 July 2027"),
        (D(2027, 8, 2), "Mon 2 Aug 2027", "Monday 2 August 2027"),
        (D(2027, 9, 30), "Thu 30 Sep 2027", "Thursday 30 September 2027"),
        (D(2027, 10, 11), "Mon 11 Oct 2027", "Monday 11 October 2027"),
        (D(1985, 4, 3), "Wed 3 Apr 1985", "Wednesday 3 April 1985"),
    ],
)
def test_display(day, short, long):
    assert format_date(day) == short
    assert format_long(day) == long
    assert format_iso(day) == day.isoformat()


class _WelshDate(dt.date):
    """A date as a Welsh-locale machine would format it through strftime (and hence f"{d:%a}")."""

    def strftime(self, fmt: str) -> str:
        welsh = fmt.replace("%A", "Dydd Gwener").replace("%a", "Gwe").replace("%B", "Tachwedd").replace("%b", "Tach")
        return super().strftime(welsh)

    def __format__(self, fmt: str) -> str:
        return self.strftime(fmt) if fmt else str(self)


def test_display_never_asks_the_locale(monkeypatch):
    """A Welsh or German Windows shows the same English minutes: the names never come from the locale
    (strftime, or the calendar module's locale-dependent names)."""
    import calendar

    monkeypatch.setattr(calendar, "day_name", ["Dydd Llun"] * 7)
    monkeypatch.setattr(calendar, "day_abbr", ["Llun"] * 7)
    monkeypatch.setattr(calendar, "month_name", ["", *["Tachwedd"] * 12])
    monkeypatch.setattr(calendar, "month_abbr", ["", *["Tach"] * 12])
    day = _WelshDate(2026, 11, 20)
    assert f"{day:%a %d %b}" == "Gwe 20 Tach"  # the stand-in locale is in force
    assert format_date(day) == "Fri 20 Nov 2026"
    assert format_long(day) == "Friday 20 November 2026"


def test_what_is_displayed_parses_back():
    day = D(2026, 1, 1)
    while day < D(2029, 1, 1):
        for prefer in ("future", "past"):
            assert parse_date(format_date(day), TUE, prefer) == day
            assert parse_date(format_long(day), TUE, prefer) == day
            assert parse_date(format_iso(day), TUE, prefer) == day
        day += dt.timedelta(days=5)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-20", D(2026, 11, 20)),
        (" 2026-11-20 ", D(2026, 11, 20)),
        ("2028-02-29", D(2028, 2, 29)),
        ("2027-02-29", None),
        ("2026-13-01", None),
        ("20/11/2026", None),
        ("2026-11-20T10:00", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_iso(text, expected):
    assert parse_iso(text) == expected


# ------------------------------------------------------------------------------ ages and months


@pytest.mark.parametrize(
    "dob, day, age",
    [
        (D(2019, 4, 3), TUE, 7),
        (D(2019, 11, 24), TUE, 7),  # birthday today
        (D(2019, 11, 25), TUE, 6),  # birthday tomorrow
        (D(2008, 11, 24), TUE, 18),  # turns 18 today: an adult (G-05)
        (D(2008, 11, 25), TUE, 17),
        (D(2008, 2, 29), D(2027, 2, 28), 18),  # leap-day birthday: a year older on 1 March
        (D(2008, 2, 29), D(2027, 3, 1), 19),
        (D(2008, 2, 29), D(2028, 2, 29), 20),
        (TUE, TUE, 0),
    ],
)
def test_age_on(dob, day, age):
    assert age_on(dob, day) == age


def test_age_before_birth_is_refused():
    with pytest.raises(DateError, match="before the date of birth"):
        age_on(D(2027, 1, 1), TUE)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 11, 24), 2, D(2027, 1, 24)),
        (D(2026, 12, 31), 12, D(2027, 12, 31)),
        (D(2027, 3, 31), -1, D(2027, 2, 28)),
        (D(2027, 1, 15), -13, D(2025, 12, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected
