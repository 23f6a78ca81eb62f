"""Deadlines in working days, counting the UK bank holidays of the partnership's nation (issue 14).

Procedures set them in working days: the actions to the agencies within 1 working day of the meeting,
the minutes within 10, 15 or 20, corrections within 10 of the minutes going out for checking (G-53).
A working day is Monday to Friday and not a bank holiday of the nation (England and Wales, Scotland or
Northern Ireland: their holidays differ: Easter Monday is not one in Scotland, St Andrew's Day is), from
the `holidays` package, so no list is kept here by hand. The settings hold the numbers and the nation.

Pure functions; `today` always comes from the caller (the app's clock), never from the system.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from .text import clean_line

#: Settings value -> the `holidays` package's subdivision of the United Kingdom.
NATIONS = {"england_wales": "ENG", "scotland": "SCT", "northern_ireland": "NIR"}
NATION_NAMES = {"england_wales": "England and Wales", "scotland": "Scotland", "northern_ireland": "Northern Ireland"}


class DeadlineError(ValueError):
    """A deadline setting that cannot be used; the message names the setting and how to fix it."""


@cache
def _holidays(nation: str, year: int) -> frozenset[dt.date]:
    import holidays  # imported when a deadline is first counted

    return frozenset(holidays.country_holidays("GB", subdiv=NATIONS[nation], years=year))


def check_nation(nation: str) -> str:
    if nation not in NATIONS:
        raise DeadlineError(
            f"The setting nation = '{nation}' is not one of {', '.join(NATIONS)}; "
            "choose the nation whose bank holidays the partnership keeps."
        )
    return nation


def is_working_day(day: dt.date, nation: str = "england_wales") -> bool:
    check_nation(nation)
    return day.weekday() < 5 and day not in _holidays(nation, day.year)


def add_working_days(start: dt.date, days: int, nation: str = "england_wales") -> dt.date:
    """The date `days` working days after `start` (start itself not counted; 0 gives `start`)."""
    check_nation(nation)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, nation):
            left -= 1
    return day


def working_days_left(today: dt.date, due: dt.date, nation: str = "england_wales") -> int:
    """Working days from `today` to `due`: 0 when due today, negative when overdue (working days late)."""
    check_nation(nation)
    if due == today:
        return 0
    step = 1 if due > today else -1
    count = 0
    day = today
    while day != due:
        day += dt.timedelta(days=step)
        if is_working_day(day, nation):
            count += step
    return count


def parse_days(value: str | int, setting: str) -> int:
    """A number of working days from settings.toml (text there, as every setting is)."""
    try:
        days = int(str(value).strip())
    except ValueError:
        raise DeadlineError(
            f"The setting {setting} = '{value}' is not a whole number of working days; write it as \"15\"."
        ) from None
    if not 0 <= days <= 100:
        raise DeadlineError(f"The setting {setting} = {days} is not between 0 and 100 working days.")
    return days


@dataclass(frozen=True)
class Deadline:
    """One thing due after a meeting."""

    #: what is due, for people: "The action summary to the agencies"
    what: str
    due: dt.date
    #: working days left (0: today; negative: overdue)
    left: int
    #: already done (sent)
    done: bool = False

    def words(self) -> str:
        """'Minutes due Fri 11 Dec 2026 (9 working days left)' and the like."""
        from .dates import format_date

        when = format_date(self.due)
        if self.done:
            return f"{self.what}: sent (was due {when})"
        if self.left > 1:
            return f"{self.what} due {when} ({self.left} working days left)"
        if self.left == 1:
            return f"{self.what} due {when} (1 working day left)"
        if self.left == 0:
            return f"{self.what} due today, {when}"
        late = -self.left
        return f"{self.what} overdue: was due {when} ({late} working day{'s' if late != 1 else ''} late)"


def meeting_deadlines(meeting: dict, settings, today: dt.date) -> list[Deadline]:
    """The action summary and the minutes (and corrections, when the minutes went out for checking) of a
    meeting that has been held, with the working days left. [] for a meeting with no date or not yet held.
    Raises DeadlineError for an unusable setting."""
    from .minutes.extras import extras

    try:
        held = dt.date.fromisoformat(str(meeting.get("date") or ""))
    except ValueError:
        return []
    if meeting.get("status") in (None, "draft") or held > today:
        return []
    nation = check_nation(getattr(settings, "nation", "england_wales"))
    sent = meeting.get("distribution") or []
    mine = extras(meeting)
    out = []

    def add(what: str, start: dt.date, days: int, done: bool) -> None:
        due = add_working_days(start, days, nation)
        out.append(Deadline(what, due, working_days_left(today, due, nation), done))

    add(
        "Action summary to the agencies",
        held,
        parse_days(settings.action_summary_days, "action_summary_days"),
        bool(mine.get("action_summary_sent")) or bool(sent),
    )
    add(
        "Minutes",
        held,
        parse_days(settings.minutes_due_days, "minutes_due_days"),
        any(isinstance(d, dict) and d.get("version") in ("full", "family") for d in sent),
    )
    accuracy = value if isinstance(value := mine.get("accuracy"), dict) else {}
    if accuracy.get("corrections_by"):
        try:
            by = dt.date.fromisoformat(accuracy["corrections_by"])
        except ValueError:
            by = None
        if by is not None:
            out.append(
                Deadline(
                    "Corrections to the minutes",
                    by,
                    working_days_left(today, by, nation),
                    meeting.get("status") == "final",
                )
            )
    return out


def minutes_due_line(summaries, settings, today: dt.date, limit: int = 3) -> str:
    """For the home screen: the minutes still to go out (meetings in review), soonest first, in one line:
    'Minutes due: EH-2026-0388 Fri 11 Dec 2026 (13 working days left) · …'. '' when none; the sentence of
    a DeadlineError when a setting is wrong."""
    from .dates import format_date

    try:
        nation = check_nation(getattr(settings, "nation", "england_wales"))
        days = parse_days(settings.minutes_due_days, "minutes_due_days")
    except DeadlineError as exc:
        return str(exc)
    due = []
    for m in summaries:
        if m.status != "in_review":
            continue
        try:
            held = dt.date.fromisoformat(m.date)
        except (TypeError, ValueError):
            continue
        when = add_working_days(held, days, nation)
        due.append((when, clean_line(m.case_ref or m.id)))  # stored text: never a control character on screen
    if not due:
        return ""
    due.sort()
    bits = []
    for when, ref in due[:limit]:
        left = working_days_left(today, when, nation)
        if left > 0:
            state = f"{left} working day{'s' if left != 1 else ''} left"
        elif left == 0:
            state = "today"
        else:
            state = f"{-left} working day{'s' if left != -1 else ''} late"
        bits.append(f"{ref} {format_date(when)} ({state})")
    more = f" · and {len(due) - limit} more" if len(due) > limit else ""
    return "Minutes due: " + " · ".join(bits) + more
