"""The first page: the title and subtitle, the document's title, the handling statement under the
protective marking (G-54) and, in the family copy, the plain-English opening."""

from __future__ import annotations

from ..subject_words import words_for
from ..vocabulary import MEETING_TYPES
from . import family_copy
from .blocks import Para
from .values import as_dict, as_line, fmt_date, name_and_agency, subject_names, word_for
from .words import ANY_MEETING, HANDLING_ADULTS, HANDLING_CHILDREN, PART_TITLES, TITLE


def title(family: bool, part: str | None) -> str:
    if family:
        return family_copy.TITLE
    if part in PART_TITLES:
        return f"{TITLE}: {PART_TITLES[part]}"
    return TITLE


def subtitle(meeting: dict, family: bool) -> str:
    """The meeting type (the full copy: the chair's title, when there is one), and DRAFT until final.

    The family copy shows the meeting type, never the chair's free-text title (not in design.md's list)."""
    types = family_copy.MEETING_TYPES if family else MEETING_TYPES
    mtype = word_for(types, meeting.get("meeting_type"), ANY_MEETING)
    bits = [mtype if family else (as_line(meeting.get("title")) or mtype)]
    if meeting.get("status") != "final":
        bits.append("DRAFT")
    return " · ".join(bits)


def doc_title(meeting: dict, family: bool) -> str:
    """The Word document's title property: 'Minutes of …, <case ref>, <date>[ (family copy)]'."""
    case_ref, date_short = case_ref_of(meeting), date_of(meeting)
    text = TITLE + "".join(f", {x}" for x in (case_ref, date_short) if x)
    return text + " (family copy)" if family else text


def case_ref_of(meeting: dict) -> str:
    return as_line(meeting.get("case_ref"))


def date_of(meeting: dict) -> str:
    return fmt_date(meeting.get("date")) if meeting.get("date") else ""


def handling(meeting: dict, template, family: bool, own: str, marking: str) -> str:
    """G-54: the settings' statement, else a default that names the lawful basis ({marking} and {subjects}
    are filled in)."""
    adult = words_for(meeting, template).kind == "adult"
    text = as_line(own) or (family_copy.HANDLING if family else HANDLING_ADULTS if adult else HANDLING_CHILDREN)
    subjects = subject_names(meeting, "the adult" if adult else "the children")
    try:
        return text.format(marking=marking, subjects=subjects)
    except (KeyError, IndexError, ValueError):  # braces of its own in the organisation's text
        return text


def family_opening(meeting: dict, contact: str) -> tuple[Para, ...]:
    """The plain-English words that open the family's copy (what it is, who to ask, how to disagree)."""
    subjects = subject_names(meeting, "your family")
    if not as_line(contact):
        who = name_and_agency(as_dict(meeting.get("chair")))
        contact = f"the chair of the meeting, {who}" if who else "the chair of the meeting"
    return tuple(Para(p.format(subjects=subjects, contact=as_line(contact))) for p in family_copy.OPENING)
