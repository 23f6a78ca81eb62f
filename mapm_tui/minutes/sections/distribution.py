"""G-51, "Distribution": everyone who should receive the minutes, which version, how and when it was sent
(the list is `recipients`'), and anyone else they were sent to."""

from __future__ import annotations

from ..blocks import Block, Para, headed_table, table
from ..context import Context
from ..values import as_line, dicts, fmt_timestamp, word_for
from ..words import NOT_RECORDED

RECIPIENT_COLUMNS = ("Name", "Agency", "Copy", "How", "Sent")
RECORD_COLUMNS = ("Name", "Email", "Copy", "Sent", "How")


def distribution(meeting: dict, ctx: Context) -> list[Block]:
    from ..recipients import recipients

    people = recipients(meeting)
    blocks: list[Block] = []
    if people:
        blocks.append(
            Para(
                "These minutes go to everyone on the attendance list; someone who was at one part of the "
                "meeting only gets the minutes of that part."
                if any(p.version.startswith("part_") for p in people)
                else "These minutes go to everyone on the attendance list."
            )
        )
        rows = []
        for p in people:
            if p.sent:
                last = p.sent[-1]
                sent = fmt_timestamp(last.get("sent_at")) if last.get("sent_at") else "Sent"
                how = as_line(last.get("method")) or (f"Email to {p.email}" if p.email else NOT_RECORDED)
            elif p.version:
                sent = "Not yet"
                how = f"Email to {p.email}" if p.email else "By hand or post (no email address)"
            else:
                sent = how = "—"
            copy = p.version_words if p.version else f"No copy ({p.why.split(': ', 1)[-1]})"
            rows.append((p.name or "(no name)", p.agency or ("Family" if p.is_family else ""), copy, how, sent))
        blocks.append(table("distribution", RECIPIENT_COLUMNS, rows))
    known = {id(r) for p in people for r in p.sent}
    others = [r for r in dicts(meeting.get("distribution")) if id(r) not in known]
    if others:
        blocks += headed_table("Also sent to", "distribution_record", RECORD_COLUMNS, [_record_row(r) for r in others])
    return blocks


def _record_row(r: dict) -> tuple[str, ...]:
    """A distribution record that matches no one on the attendance list."""
    from ..recipients import VERSIONS

    return (
        as_line(r.get("name")),
        as_line(r.get("email")) or "—",
        word_for(VERSIONS, r.get("version")) or "—",
        fmt_timestamp(r.get("sent_at")) if r.get("sent_at") else "—",
        as_line(r.get("method")) or "—",
    )
