"""G-53, "Checking these minutes": the request to check the draft, corrections received, who agreed the
final text, and the sign-off (the records are kept by `accuracy`)."""

from __future__ import annotations

from ..blocks import Block, Fields, Para, Subheading, headed_table
from ..values import as_dict, as_line, as_text, dicts, fmt_date, name_and_agency, yes_no
from ..words import CHECK_REQUEST, NOT_RECORDED

CORRECTION_COLUMNS = ("From", "Received", "Correction", "Accepted")


def checking(meeting: dict, corrections_days: int) -> list[Block]:
    from ..accuracy import accuracy, sign_off

    record = accuracy(meeting)
    blocks: list[Block] = []
    draft = meeting.get("status") != "final"
    if draft:
        contact = name_and_agency(meeting.get("chair")) or "the chair"
        by = (
            f"by {fmt_date(record['corrections_by'])}"
            if record.get("corrections_by")
            else f"within {corrections_days} working days of receiving them"
        )
        blocks.append(Para(CHECK_REQUEST.format(contact=contact, by=by)))
        if record.get("requested_on"):
            blocks.append(Para(f"Sent for checking on {fmt_date(record['requested_on'])}."))
    corrections = dicts(record.get("corrections"))
    if corrections:
        rows = [_correction_row(c) for c in corrections]
        blocks += headed_table("Corrections received", "corrections", CORRECTION_COLUMNS, rows)
    agreed = as_dict(record.get("agreed_by"))
    if agreed.get("name") and draft:
        who = ", ".join(x for x in (as_line(agreed.get("name")), as_line(agreed.get("role"))) if x)
        blocks.append(Para(f"The final text was agreed by {who} on {fmt_date(agreed.get('on'))}."))
    signed = sign_off(meeting)
    if signed:
        name, role, on = signed
        blocks.append(Subheading("Sign-off"))
        blocks.append(
            Fields(
                (
                    ("Approved by", as_line(name)),
                    ("Role", as_line(role) or NOT_RECORDED),
                    ("Date", fmt_date(on) if on else NOT_RECORDED),
                ),
            )
        )
    return blocks


def _correction_row(c: dict) -> tuple[str, ...]:
    return (
        as_line(c.get("from")),
        fmt_date(c.get("received_on")),
        as_text(c.get("summary")),
        yes_no(c.get("accepted")) if "accepted" in c else NOT_RECORDED,
    )
