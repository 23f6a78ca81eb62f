"""Deadlines for the minutes in working days, skipping the bank holidays of the partnership's nation."""

from __future__ import annotations

import datetime as dt

import pytest

from mapm_tui.deadlines import DeadlineError, add_working_days, meeting_deadlines, working_days_left
from mapm_tui.settings import Settings

D = dt.date


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        ("england_wales", D(2027, 3, 30)),  # Good Friday 26 Mar and Easter Monday 29 Mar skipped
        ("northern_ireland", D(2027, 3, 30)),
        ("scotland", D(2027, 3, 29)),  # Easter Monday is not a bank holiday in Scotland
    ],
)
def test_one_working_day_across_easter(nation, expected):
    assert add_working_days(D(2027, 3, 25), 1, nation) == expected


def test_across_christmas_and_new_year():
    # Thu 24 Dec 2026: Christmas Day (Fri), the weekend, Boxing Day observed (Mon 28) are skipped
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    # ten working days from Fri 18 Dec 2026: also skips New Year's Day (Fri 1 Jan 2027)
    assert add_working_days(D(2026, 12, 18), 10) == D(2027, 1, 6)
    # in Scotland 2 January is a holiday too (Sat 2 Jan 2027: observed on Mon 4 Jan)
    assert add_working_days(D(2026, 12, 18), 10, "scotland") > D(2027, 1, 6)


def test_a_scottish_only_holiday():
    # St Andrew's Day, Mon 30 Nov 2026, is a bank holiday in Scotland only
    assert add_working_days(D(2026, 11, 27), 1, "scotland") == D(2026, 12, 1)
    assert add_working_days(D(2026, 11, 27), 1, "england_wales") == D(2026, 11, 30)
    assert working_days_left(D(2026, 11, 27), D(2026, 12, 1), "scotland") == 1
    assert working_days_left(D(2026, 11, 27), D(2026, 12, 1), "england_wales") == 2


def test_days_left_today_and_overdue():
    assert working_days_left(D(2026, 12, 23), D(2026, 12, 29)) == 2  # Thu 24 and Tue 29
    assert working_days_left(D(2026, 12, 29), D(2026, 12, 29)) == 0
    assert working_days_left(D(2026, 12, 31), D(2026, 12, 29)) == -2  # Wed 30 and Thu 31 late


def _meeting(**kw):
    return {"date": "2026-11-20", "status": "in_review", "distribution": [], **kw}


def test_a_meeting_shows_when_the_action_summary_and_minutes_are_due():
    today = D(2026, 11, 24)  # the tests' fixed clock: Tue 24 Nov 2026
    summary, minutes = meeting_deadlines(_meeting(), Settings(), today)
    assert (summary.due, summary.left, summary.done) == (D(2026, 11, 23), -1, False)
    assert summary.words() == "Action summary to the agencies overdue: was due Mon 23 Nov 2026 (1 working day late)"
    assert (minutes.due, minutes.left) == (D(2026, 12, 11), 13)
    assert minutes.words() == "Minutes due Fri 11 Dec 2026 (13 working days left)"
    sent = _meeting(distribution=[{"name": "Jo", "version": "full", "sent_at": "2026-11-23T10:00:00+00:00"}])
    assert all(d.done for d in meeting_deadlines(sent, Settings(), today))
    # the numbers come from settings
    (_, minutes) = meeting_deadlines(_meeting(), Settings(minutes_due_days="10"), today)
    assert minutes.due == D(2026, 12, 4)
    assert meeting_deadlines(_meeting(status="draft"), Settings(), today) == []


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        (Settings(nation="wales"), "nation = 'wales' is not one of england_wales, scotland, northern_ireland"),
        (Settings(minutes_due_days="fifteen"), "minutes_due_days = 'fifteen' is not a whole number"),
    ],
)
def test_bad_deadline_settings_say_which_and_how(settings, says):
    with pytest.raises(DeadlineError, match=says):
        meeting_deadlines(_meeting(), settings, D(2026, 11, 24))


def test_home_line_lists_the_minutes_still_to_go_out_soonest_first():
    from mapm_tui.deadlines import minutes_due_line
    from mapm_tui.listing import MeetingSummary

    def summary(ref, day, status):
        return MeetingSummary(ref, ref, None, day, status, "hampshire", "", 0)

    meetings = [
        summary("LATE-1", "2026-10-01", "in_review"),
        summary("SOON-2", "2026-11-20", "in_review"),
        summary("DONE-3", "2026-11-20", "final"),
    ]
    line = minutes_due_line(meetings, Settings(), D(2026, 11, 24))
    assert line == (
        "Minutes due: LATE-1 Thu 22 Oct 2026 (23 working days late) · SOON-2 Fri 11 Dec 2026 (13 working days left)"
    )
    assert minutes_due_line(meetings[2:], Settings(), D(2026, 11, 24)) == ""
