"""Subject access: every meeting in which a person appears, written out for the user to review.

    find(store, name, dob=None) -> list[Appearance]
    write(store, settings, templates, name, folder, dob=None) -> Answer

A person appears in a meeting as a subject (their name, and their date of birth when one is given and
recorded), as an attendee, or named in its text: an entry, an action, a meeting field (found through the
search index, as the whole name, its words together and in order). The index lists exact subject matches
first, then attendees, then mentions, each with the text around it, so that a common name is neither over-
nor under-collected silently: a subject of the same name with another date of birth is listed as *not
included*, and a meeting where the first name and the surname both appear but not together ("Maisie" in an
entry, "Thornbury" among the attendees) is listed as *possible*; neither is written out, both are there for
the user to judge.

For each meeting found the folder gets the full Word minutes and the bundle (JSON), and `index.csv` says
where the person appears. Nothing is redacted: the minutes name third parties (professionals, other family
members), and the user must review and redact them before release; the index's first line says so.
The request is recorded in the audit trail (each meeting written out, and the request itself, without the
name asked for: the trail copies no personal text). No Textual here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from . import audit
from .dates import format_date, parse_iso
from .models import Attendee, Meeting, Subject
from .store import Store, StoreError
from .text import clean_line

REVIEW_LINE = (
    "Review before release: these files are the full minutes, naming third parties (professionals and other "
    "family members). Redact what the person is not entitled to see before anything is released."
)
#: the order of the index: subject matches first, then attendance, mentions, then what was left out: a meeting
#: where the first name and surname both appear but not together ('possible'), a namesake ('not included')
ORDER = {"subject": 0, "attendee": 1, "mention": 2, "possible": 3, "not included": 4}


class SarError(StoreError):
    """A request that cannot be answered as given (no name, a bad date, a folder in use): exit 2."""


@dataclass(frozen=True)
class Appearance:
    meeting_id: str
    case_ref: str | None
    date: str
    #: 'subject', 'attendee', 'mention' (written out); 'possible' or 'not included' (listed only)
    match: str
    #: where in the meeting: "Subject", "Attendee (Class teacher, Northfield Primary School)", "Entry (risk)" …
    where: str
    #: the text around it (a snippet for a mention)
    text: str

    @property
    def included(self) -> bool:
        return self.match in ("subject", "attendee", "mention")


@dataclass(frozen=True)
class Answer:
    folder: Path
    appearances: list[Appearance]
    #: meeting ids written out, in index order
    meetings: list[str]


def _norm(name: str) -> str:
    folded = unicodedata.normalize("NFKD", str(name or "")).casefold()
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", folded))


def find(store: Store, name: str, dob: dt.date | None = None) -> list[Appearance]:
    """Every place the person appears, in the index's order (subjects, attendees, mentions, left out)."""
    from .search import words

    wanted = _norm(name)
    if not wanted:
        raise SarError('Give the person\'s name, such as "Maisie Thornbury"; nothing was written.')
    out: list[Appearance] = []
    with store.reading() as s:
        meetings = {m[0]: m[1:] for m in s.exec(select(Meeting.id, Meeting.case_ref, Meeting.date))}

        def add(meeting_id: str, match: str, where: str, text: str) -> None:
            case_ref, date = meetings[meeting_id]
            out.append(Appearance(meeting_id, case_ref, date, match, where, " ".join(text.split())))

        for subject in s.exec(select(Subject).order_by(col(Subject.meeting_id), col(Subject.position))):
            if _norm(subject.name) != wanted:
                continue
            born = subject.date_of_birth
            if dob is not None and born and born != dob.isoformat():
                add(
                    subject.meeting_id, "not included", "Subject", f"{subject.name}, born {born}: another date of birth"
                )
                continue
            note = f", born {born}" if born else (", date of birth not recorded" if dob else "")
            add(subject.meeting_id, "subject", "Subject", f"{subject.name}{note}")
        for person in s.exec(select(Attendee).order_by(col(Attendee.meeting_id), col(Attendee.position))):
            if _norm(person.name) == wanted:
                role = ", ".join(x for x in (person.role, person.agency) if x)
                add(person.meeting_id, "attendee", f"Attendee ({role})" if role else "Attendee", person.name)
        # mentions: the whole name as a phrase, through the search index (words in order, together)
        tokens = [w for group in words(name) for w in group]
        conn = s.connection()
        server = conn.dialect.name == "postgresql"
        sql, phrase = (SERVER_MENTIONS_SQL, " ".join) if server else (MENTIONS_SQL, _fts_phrase)
        # rows of (meeting_id, place, item, detail, snippet)
        mentions: Sequence[Sequence[Any]] = conn.execute(
            text(sql.format(places="'entry', 'action', 'meeting'")), {"q": phrase(tokens)}
        ).all()
        # possible: another meeting where the first name and the surname both appear, but not together
        # ("Maisie" in an entry, "Thornbury" in the attendance): not written out, listed for the user to judge
        possible: Sequence[Sequence[Any]] = []
        surname_meetings: set[str] = set()
        if len(tokens) > 1:
            surname_meetings = {
                row[0]
                for row in conn.execute(
                    text(SERVER_MEETINGS_SQL if server else MEETINGS_SQL), {"q": phrase(tokens[-1:])}
                )
            }
            possible = conn.execute(
                text(sql.format(places="'entry', 'action', 'meeting', 'subject', 'attendee'")),
                {"q": phrase(tokens[:1])},
            ).all()
        if server:  # ts_headline marks the words found: the listing shows the text plain, as FTS5's snippet
            mentions = [(*row[:4], row[4].replace("\x02", "").replace("\x03", "")) for row in mentions]
            possible = [(*row[:4], row[4].replace("\x02", "").replace("\x03", "")) for row in possible]
    for meeting_id, place, item, detail, snippet in mentions:
        if meeting_id in meetings:
            add(meeting_id, "mention", _where(place, item, detail), snippet)
    listed = {a.meeting_id for a in out}
    for meeting_id, place, item, detail, snippet in possible:
        if meeting_id in meetings and meeting_id in surname_meetings and meeting_id not in listed:
            listed.add(meeting_id)  # one line per meeting: the first place its first name appears
            add(meeting_id, "possible", _where(place, item, detail), snippet)
    out.sort(key=lambda a: (ORDER[a.match], a.date, a.meeting_id))
    return out


def _where(place: str, item: str | None, detail: str | None) -> str:
    from .search import FIELD_LABELS, PLACE_LABELS

    if place == "meeting":
        return FIELD_LABELS.get(item, item) if item else "Meeting"
    if place in ("subject", "attendee"):
        return PLACE_LABELS[place]
    return PLACE_LABELS.get(place, place) + (f" ({detail.replace('_', ' ')})" if detail else f" {item}")


def write(
    store: Store, settings, templates, name: str, folder: Path, dob: dt.date | None = None, by: str | None = None
) -> Answer:
    """Write the minutes, bundle and index for each meeting the person appears in (see the module doc)."""
    from .bundle import export_bundle, write_bundle, write_private_file
    from .locations import make_private_dir
    from .minutes import export_minutes

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SarError(f"{folder} is not an empty folder; give a new folder with -o, so nothing is mixed in.")
    appearances = find(store, name, dob)
    meetings = list(dict.fromkeys(a.meeting_id for a in appearances if a.included))
    make_private_dir(folder)
    files: dict[str, str] = {}
    for meeting_id in meetings:
        meeting = store.load_meeting(meeting_id)
        stem = f"{_safe(meeting.get('case_ref') or 'no-case-ref')}-{meeting['date']}-{_safe(meeting_id)}"
        write_bundle(export_bundle(store, meeting_id), folder / f"{stem}.json")
        export_minutes(meeting, store.template_of(meeting_id), folder / f"{stem}.docx", settings=settings)
        files[meeting_id] = f"{stem}.docx; {stem}.json"
    write_private_file(folder / "index.csv", _index(appearances, files).encode("utf-8-sig"))
    detail = f"subject access: minutes and bundle written to {folder}"
    try:
        with store.writing() as s:
            for meeting_id in meetings:
                audit.append(s, store, meeting_id, "disclosed", detail, by)
            audit.append(
                s, store, audit.NO_MEETING, "subject_access", f"{len(meetings)} meeting(s) written to {folder}", by
            )
    except StoreError:  # not recorded, so not left behind: a disclosure is never unrecorded
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Answer(folder, appearances, meetings)


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", clean_line(str(part))).strip("-._")[:60] or "x"


def _index(appearances: list[Appearance], files: dict[str, str]) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow([REVIEW_LINE])
    out.writerow(["Match", "Meeting", "Case ref", "Date", "Where the person appears", "Text around it", "Files"])
    for a in appearances:
        day = parse_iso(a.date)
        out.writerow(
            [
                a.match,
                a.meeting_id,
                a.case_ref or "",
                format_date(day) if day else a.date,
                a.where,
                _cell(a.text),
                files.get(a.meeting_id, "(not written out)"),
            ]
        )
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text for a spreadsheet cell: one a spreadsheet would run as a formula is quoted as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


#: a name's mentions through the search index: SQLite's FTS5 phrase (words in order, together)
MENTIONS_SQL = (
    "SELECT meeting_id, place, item, detail, snippet(search_index, 0, '', '', '…', 24) FROM search_index "
    "WHERE search_index MATCH :q AND place IN ({places}) ORDER BY rowid"
)
MEETINGS_SQL = "SELECT DISTINCT meeting_id FROM search_index WHERE search_index MATCH :q"
#: the same on a PostgreSQL server: the name folded as the index folds text, as a phrase (phraseto_tsquery
#: reads plain text: nothing typed is query syntax)
SERVER_MENTIONS_SQL = (
    "SELECT meeting_id, place, item, detail, ts_headline('simple', body, phraseto_tsquery('simple', "
    "mapm_fold(:q)), 'StartSel=\x02, StopSel=\x03, MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=1, "
    "FragmentDelimiter=…') FROM search_index WHERE words @@ phraseto_tsquery('simple', mapm_fold(:q)) "
    "AND place IN ({places}) ORDER BY rowid"
)
SERVER_MEETINGS_SQL = (
    "SELECT DISTINCT meeting_id FROM search_index WHERE words @@ phraseto_tsquery('simple', mapm_fold(:q))"
)


def _fts_phrase(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'
