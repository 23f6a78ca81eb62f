"""What goes where in the minutes: a pure function of the meeting dict, the template and the copy.

`build_layout(meeting, template, family=...)` returns a `Layout` (`blocks`): the title, the details block
and the ordered sections, each holding simple blocks (paragraphs, label/value fields, groups of entries,
tables). No Word here: `docx_writer` renders a Layout, and tests can check what goes where without
opening a document.

Every string in a Layout has been through `mapm_tui.text.clean` (or `clean_line` for one-line fields),
so nothing that reaches python-docx can make it raise (`values`).

The full copy holds everything captured: an entry is placed under the step it was captured in; with no
step, or a step the template does not have, under `template.home_step(kind, stage)`; failing that under
"Other information". Meeting fields and closing records that the template has no step for also go there.

The family copy holds only what `family_copy` (G-52) lets it show. A part copy (G-51) holds the entries of
its part. Each section's words are in `sections/`; what they all look up, in `context`.
"""

from __future__ import annotations

import dataclasses

from ..text import clean_line
from . import front
from .blocks import Block, Fields, Group, Item, Layout, Para, Section, Subheading, Table
from .context import Context
from .sections.actions import actions_blocks
from .sections.annex import annex
from .sections.attendance import attendance_table
from .sections.checking import checking
from .sections.closing import closing
from .sections.details import details, details_sentence
from .sections.distribution import distribution
from .sections.entries import groups
from .values import as_dict, as_line, as_text
from .words import CLOSING_KINDS, CLOSING_TITLES, NOTHING, NOTHING_FAMILY, TEXT_FIELD_TITLES

__all__ = [
    "build_layout",
    "action_summary",
    "Layout",
    "Section",
    "Block",
    "Para",
    "Subheading",
    "Fields",
    "Item",
    "Group",
    "Table",
    "NOTHING",
    "NOTHING_FAMILY",
]


def build_layout(
    meeting: dict,
    template,
    *,
    family: bool = False,
    marking: str = "OFFICIAL-SENSITIVE",
    previous: dict | None = None,
    family_contact: str = "",
    handling: str = "",
    corrections_days: int = 10,
    part: str | None = None,
) -> Layout:
    """The minutes as ordered sections (pure; see the module docstring for what goes where)."""
    meeting = as_dict(meeting)
    ctx = Context(meeting, template, family, previous, part)

    # Where each entry goes: its step, else its home step, else "Other information".
    placed: dict[str, list[dict]] = {s.key: [] for s in template.steps}
    other_entries: list[dict] = []
    for e in ctx.entries:
        where = template.step_of_entry(e)
        (placed[where.key] if where is not None else other_entries).append(e)

    # the family copy says "nothing was recorded" as the full copy does where nothing was; only where
    # something was recorded and not shared does it say that nothing is included
    recorded = _recorded(meeting, template, marking, previous) if family else set()
    sections: list[Section] = []
    shown_fields: set[str] = set()
    shown_closing: set[str] = set()
    tables_done: set[str] = set()

    def add(key: str, title: str, blocks: list[Block], kind: str | None) -> None:
        number = sum(1 for s in sections if s.number) + 1 if kind else None
        empty = Para(NOTHING_FAMILY if family and key in recorded else NOTHING)
        sections.append(Section(key, clean_line(title).strip() or key, blocks or [empty], kind, number))

    if not any(s.kind == "attendance" for s in template.steps):
        add("attendance", "Attendance", [attendance_table(ctx)] if ctx.attendees else [], None)

    for step in template.steps:
        entries_here = placed.get(step.key, [])
        kind = step.kind
        if ctx.leaves_out(step):
            other_entries.extend(entries_here)  # shared entries captured here still reach the family
            continue
        blocks: list[Block] = []
        if kind == "details":
            blocks.append(Para(details_sentence(meeting)))
        elif kind == "attendance" and ctx.attendees and kind not in tables_done:
            blocks.append(attendance_table(ctx))
            tables_done.add(kind)
        elif kind == "text":
            blocks.extend(_text_blocks(meeting.get(step.field or "")))
            shown_fields.add(step.field or "")
        elif kind == "actions" and ctx.actions and kind not in tables_done:
            blocks.extend(actions_blocks(ctx))
            tables_done.add(kind)
        elif kind in CLOSING_KINDS:
            blocks.extend(closing(kind, meeting, ctx))
            shown_closing.add(kind)
            if family and not blocks and not entries_here and kind == "feedback_to_family":
                continue  # nothing the family copy may say about who tells them
        blocks.extend(groups(ctx, entries_here, step))
        add(step.key, step.title, blocks, kind)

    if not any(s.kind == "actions" for s in template.steps):
        add("actions", "Action plan", actions_blocks(ctx), None)

    other = _other_information(meeting, ctx, shown_fields, shown_closing, other_entries)
    if other:
        sections.append(Section("other", "Other information", other))

    if not family:
        sections += _full_copy_sections(meeting, ctx, corrections_days)

    marking_text = as_line(marking).upper() or "OFFICIAL-SENSITIVE"
    return Layout(
        family=family,
        title=front.title(family, part),
        subtitle=front.subtitle(meeting, family),
        details=details(meeting, ctx),
        sections=sections,
        marking=marking_text,
        case_ref=front.case_ref_of(meeting),
        date_short=front.date_of(meeting),
        doc_title=front.doc_title(meeting, family),
        author=as_line(as_dict(meeting.get("chair")).get("name")),
        opening=front.family_opening(meeting, family_contact) if family else (),
        handling=front.handling(meeting, template, family, handling, marking_text),
    )


def _recorded(meeting: dict, template, marking: str, previous: dict | None) -> set[str]:
    """The sections of the full copy under which something was recorded."""
    full = build_layout(meeting, template, marking=marking, previous=previous)
    return {s.key for s in full.sections if s.blocks and s.blocks != [Para(NOTHING)]}


def _text_blocks(value) -> list[Block]:
    text = as_text(value)
    return [Para(p) for p in text.split("\n") if p.strip()] if text else []


def _other_information(
    meeting: dict, ctx: Context, shown_fields: set[str], shown_closing: set[str], entries: list[dict]
) -> list[Block]:
    """Fields and closing records the template has no step for, and entries with no home."""
    other: list[Block] = []
    for name, title in TEXT_FIELD_TITLES.items():
        if name in shown_fields or not ctx.shows_field(name):
            continue
        paras = _text_blocks(meeting.get(name))
        if paras:
            other += [Subheading(title), *paras]
    for kind in CLOSING_KINDS:
        if kind in shown_closing:
            continue
        blocks = closing(kind, meeting, ctx)
        if blocks:
            other += [Subheading(CLOSING_TITLES[kind]), *blocks]
    return other + groups(ctx, entries)


def _full_copy_sections(meeting: dict, ctx: Context, corrections_days: int) -> list[Section]:
    """Checking these minutes (G-53), the distribution (G-51) and the annex: never in the family copy."""
    from ..audit import MINUTES_NOTE  # what is logged (issue 12): the annex always ends with it

    out = []
    checked = checking(meeting, corrections_days)
    if checked:
        out.append(Section("checking", "Checking these minutes", checked))
    dist = distribution(meeting, ctx)
    out.append(Section("distribution", "Distribution", dist or [Para("No one is on the attendance list.")]))
    amended = annex(meeting, ctx)
    title = "Annex: amendments and overridden findings" if amended else "Annex: the record of this meeting"
    out.append(Section("annex", title, [*amended, Para(MINUTES_NOTE)]))
    return out


def action_summary(layout: Layout) -> Layout:
    """Just the action plan (with the review of earlier actions) and the next review: what the agencies
    get within a working day of the meeting, before the minutes."""
    keep = []
    for s in layout.sections:
        if s.tables("actions") or s.tables("review") or s.step_kind == "next_review" or s.key == "next_review":
            keep.append(dataclasses.replace(s, blocks=[b for b in s.blocks if not isinstance(b, Group)]))
    return dataclasses.replace(
        layout,
        title="Action summary of a multi-agency professionals' meeting",
        sections=keep,
        doc_title=layout.doc_title.replace("Minutes of", "Action summary of", 1),
    )
