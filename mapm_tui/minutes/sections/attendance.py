"""The attendance table: who was invited, taking part as what, and whether they came (G-22, G-23)."""

from __future__ import annotations

from ...participants import TAKING_PART_WORDS, taking_part_as
from ...vocabulary import ATTENDANCE_WORDS
from ..blocks import Table
from ..context import Context
from ..values import as_line
from ..words import NOT_RECORDED, PARTS


def attendance_table(ctx: Context) -> Table:
    """One row per attendee; in a two-part meeting the full copy also says which part each attended."""
    show_parts = ctx.two_part and not ctx.family
    columns = ["Name", "Role", "Agency", "Taking part as", "Attendance"]
    widths = [20, 18, 20, 14, 18]
    if show_parts:
        columns.append("Part attended")
        widths.append(14)
    rows = []
    for a in ctx.attendees:
        row = [as_line(a.get("name")) or "(no name)", as_line(a.get("role")), as_line(a.get("agency"))]
        row += [_taking_part_as(ctx, a), _attendance(a)]
        if show_parts:
            row.append(PARTS.get(a.get("parts"), as_line(a.get("parts"))) or "—")
        rows.append(tuple(row))
    return Table("attendance", tuple(columns), tuple(rows), tuple(widths))


def _taking_part_as(ctx: Context, a: dict) -> str:
    as_ = taking_part_as(a, ctx.subjects)
    words = TAKING_PART_WORDS[as_]
    return words + "; expert adviser" if as_ in ("family", "advocate") and a.get("is_expert") else words


def _attendance(a: dict) -> str:
    status = a.get("attendance")
    if status == "substitute":
        whom = as_line(a.get("substitute_for"))
        return f"Present as substitute for {whom}" if whom else "Present as a substitute"
    return attendance_in_words(status) or as_line(status) or NOT_RECORDED


def attendance_in_words(status) -> str | None:
    """An attendance as the minutes record it: a written contribution says the person was not there, as the
    record must (G-22); None for a status that has no words."""
    words = ATTENDANCE_WORDS.get(status)
    return f"{words} (not present)" if words and status == "written_contribution" else words
