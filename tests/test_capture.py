"""Quick capture rules and debounced saving, without a terminal."""

from __future__ import annotations

import pytest

from mapm_tui import capture
from mapm_tui.autosave import Autosaver


@pytest.mark.parametrize(
    "typed, kind, text",
    [
        ("r: Dad's drinking at weekends", "risk", "Dad's drinking at weekends"),
        ("N:needs glasses", "need", "needs glasses"),
        ("risk: falls", "risk", "falls"),
        ("voice: wants to see Nan", "voice_of_subject", "wants to see Nan"),
        ("Time: 10:30 was late", None, "Time: 10:30 was late"),
        ("no prefix here", None, "no prefix here"),
    ],
)
def test_typed_prefix_chooses_the_kind(typed, kind, text):
    assert capture.parse_quick(typed) == (kind, text)


def test_prefix_not_allowed_here_is_left_as_text():
    assert capture.parse_quick("r: x", allowed=("need",)) == (None, "r: x")


def test_basis_cycles():
    assert capture.next_basis(None) == "fact"
    assert capture.next_basis("fact") == "opinion"
    assert capture.next_basis("opinion") == "unverified"
    assert capture.next_basis("unverified") == "fact"


@pytest.mark.parametrize(
    "attending, part_two, expected",
    [
        ("no", False, (False, None)),
        ("whole", False, (True, None)),
        ("part_two", False, (False, "professionals")),
        ("part_two", True, (True, "family")),
        (None, False, (False, None)),
    ],
)
def test_new_entries_are_shared_only_when_the_family_is_in_the_room(attending, part_two, expected):
    meeting = {"family": {"attending": attending}} if attending else {}
    d = capture.entry_defaults(meeting, None, "in_progress", part_two)
    assert (d.share_with_family, d.part) == expected
    assert d.stage == "during_meeting"


def test_stage_comes_from_the_step_or_the_status():
    assert capture.entry_defaults({}, "before_meeting", "in_progress", False).stage == "before_meeting"
    assert capture.entry_defaults({}, None, "draft", False).stage == "before_meeting"


PEOPLE = [
    {"id": "att-1", "name": "Priya Shah", "role": "Class teacher", "agency": "Northfield Primary School"},
    {"id": "att-2", "name": "Tom Okafor", "role": "Health visitor", "agency": "Harbour Health"},
    {"id": "att-3", "name": "Sam Priestley", "role": "Social worker", "agency": "Brookvale Children's Services"},
]


def test_people_are_found_by_part_of_a_name_or_agency():
    assert [p["id"] for p in capture.match_people("pri", PEOPLE)] == ["att-1", "att-3"]
    assert [p["id"] for p in capture.match_people("harb", PEOPLE)] == ["att-2"]
    assert [p["id"] for p in capture.match_people("social brook", PEOPLE)] == ["att-3"]
    assert capture.match_people("nobody", PEOPLE) == []


@pytest.mark.parametrize("seconds, level", [(0, "ok"), (209, "ok"), (210, "amber"), (300, "amber"), (301, "red")])
def test_step_clock_turns_amber_at_70_percent_and_red_past_100(seconds, level):
    assert capture.step_time_level(seconds, 5) == level


def test_autosaver_debounces_and_keeps_the_latest_value():
    now = [0.0]
    saved = []
    saver = Autosaver(delay=0.5, now=lambda: now[0])
    for i, text in enumerate(["D", "Da", "Dad"]):
        now[0] = i * 0.1
        saver.put("aim", lambda t=text: saved.append(t))
    assert saver.flush_due() == 0 and saved == []
    now[0] = 0.71
    assert saver.flush_due() == 1 and saved == ["Dad"]
    assert not saver.pending


def test_autosaver_flush_writes_everything_now_and_survives_a_failure():
    errors = []
    saver = Autosaver(delay=10, on_error=lambda e: errors.append(e) or False)
    done = []
    saver.put("a", lambda: (_ for _ in ()).throw(ValueError("refused")))
    saver.put("b", lambda: done.append("b"))
    assert saver.flush() == 1
    assert done == ["b"] and len(errors) == 1 and not saver.pending


def test_autosaver_keeps_a_save_that_should_be_retried():
    saver = Autosaver(delay=0, on_error=lambda e: True)
    saver.put("a", lambda: (_ for _ in ()).throw(RuntimeError("busy")))
    saver.flush()
    assert saver.pending


def test_autosaver_saves_steady_typing_without_waiting_for_a_pause():
    """One key every 0.15 s never pauses for 0.5 s: the ceiling still writes what was typed at most
    `max_latency` after its first unsaved key (plus the app's 0.25 s timer tick)."""
    now = [0.0]
    saved: list[tuple[float, str]] = []
    saver = Autosaver(delay=0.5, max_latency=0.4, now=lambda: now[0])
    typed = ""
    unsaved_since = None
    for tick in range(1, 81):  # 20 s in 0.25 s timer ticks, a key every 0.15 s
        while len(typed) * 0.15 < tick * 0.25:
            now[0] = len(typed) * 0.15
            typed += "x"
            if unsaved_since is None:
                unsaved_since = now[0]
            saver.put("capture", lambda t=typed, at=now: saved.append((at[0], t)))
        now[0] = tick * 0.25
        if saver.flush_due():
            assert now[0] - unsaved_since <= 0.4 + 0.25
            unsaved_since = None
    assert len(saved) >= 20 / 0.65
    assert saved[-1][1] == typed[: len(saved[-1][1])] and len(typed) - len(saved[-1][1]) <= 0.65 / 0.15 + 1


def test_autosaver_ceiling_counts_from_the_first_unsaved_change_not_the_last():
    now = [0.0]
    saved = []
    saver = Autosaver(delay=0.5, max_latency=0.4, now=lambda: now[0])
    saver.put("aim", lambda: saved.append("a"))
    now[0] = 0.3
    saver.put("aim", lambda: saved.append("ab"))
    assert saver.flush_due() == 0
    now[0] = 0.41
    assert saver.flush_due() == 1 and saved == ["ab"]
    now[0] = 0.5
    saver.put("aim", lambda: saved.append("abc"))  # a new first change: its own ceiling
    now[0] = 0.8
    assert saver.flush_due() == 0
    now[0] = 0.9
    assert saver.flush_due() == 1 and saved == ["ab", "abc"]


SOURCES = [
    {"id": "a1", "name": "Dawn Ashcroft", "role": "Chair, early help hub", "agency": "Children's Services"},
    {"id": "a2", "name": "Jo Bloggs", "role": "Family worker", "agency": "Early Help"},
    {"id": "a3", "name": "Kim Lee", "role": "School nurse", "agency": "Community Health Trust"},
    {"id": "a4", "name": "Ravi Patel", "role": "GP", "agency": "Community Health Trust"},
    {"id": "a5", "name": "Jo Smith", "role": "Class teacher", "agency": "Northfield Primary"},
    {"id": "a6", "name": "Leena Kim", "role": "Advocate", "agency": None},
]


@pytest.mark.parametrize(
    "line, attendee, agency",
    [
        ("Sam was late @Kim Lee", "a3", "Community Health Trust"),  # a whole name
        ("Sam was late @kim", "a3", "Community Health Trust"),  # a name that starts so, above a surname
        ("Sam was late @Community Health Trust", None, "Community Health Trust"),  # the agency, not Kim
        ("Sam was late @community", None, "Community Health Trust"),
        ("Sam was late @Early Help", None, "Early Help"),  # not the chair whose role says early help
        ("Sam was late @bloggs", "a2", "Early Help"),
        ("Sam was late @advocate", "a6", None),  # role text still finds someone when nothing else does
    ],
)
def test_a_trailing_mention_picks_one_source(line, attendee, agency):
    mention = capture.trailing_mention(line, SOURCES)
    assert mention is not None and mention.source is not None
    assert mention.source.values() == {"source_attendee_id": attendee, "source_agency": agency}
    assert mention.text_before(line) == "Sam was late"


@pytest.mark.parametrize(
    "line, candidates",
    [
        ("Sam was late @jo", {"a2", "a5"}),  # two Jos: the chair must type more
        ("Sam was late @nobody here", set()),  # names nobody: ordinary text
    ],
)
def test_a_mention_that_picks_out_no_one_source_picks_none(line, candidates):
    mention = capture.trailing_mention(line, SOURCES)
    assert mention is not None and mention.source is None
    assert {c.attendee_id for c in mention.candidates} == candidates


@pytest.mark.parametrize(
    "line",
    [
        "Son emailed owen.e@example.org to say the gas was capped on Friday",
        "Tickets were sold @ £5 each",
        "Mum said '@home' is where she posts",  # the @ follows a quote mark, not a space
        "An @ on its own",
        "Ends with @",
        "No at sign at all",
    ],
)
def test_an_at_that_is_not_a_trailing_mention_is_text(line):
    assert capture.trailing_mention(line, SOURCES) is None


def test_source_of_an_entry_reads_both_shapes():
    assert capture.source_of({"source_attendee_id": "a4", "source_agency": "X"}, SOURCES).attendee_id == "a4"
    assert capture.source_of({"source_agency": "Early Help"}, SOURCES) == capture.agency_source("Early Help")
    assert capture.source_of({}, SOURCES) is None
