"""The action plan, and on a review meeting the review of earlier actions (G-30..G-34)."""

from __future__ import annotations

from ...vocabulary import ACTION_STATUS_LABELS
from .. import family_copy
from ..blocks import Block, Para, Subheading, headed_table, table
from ..context import Context
from ..values import as_line, as_text, fmt_date, word_for
from ..words import NOT_RECORDED

ACTION_COLUMNS = ("No.", "Action", "Owner", "Due", "How we will know it is done", "Addresses", "Status")
#: On a continued row of a long action the number, owner and due date are repeated.
ACTION_REPEAT = {0: "{}", 2: "{}", 3: "{}"}
REVIEW_COLUMNS = ("Earlier action", "Owner", "Status then", "Status now", "Progress", "The meeting decided")


def actions_blocks(ctx: Context) -> list[Block]:
    """The review of earlier actions (on a review meeting) and the action plan."""
    blocks: list[Block] = []
    if ctx.reviewed:
        blocks += headed_table(
            "Review of earlier actions", "review", REVIEW_COLUMNS, _review_rows(ctx), repeat={1: "{}"}
        )
        if ctx.plan:
            blocks.append(Subheading("Action plan"))
    if ctx.plan:
        blocks.append(table("actions", ACTION_COLUMNS, _action_rows(ctx), repeat=ACTION_REPEAT))
        shared = sum(1 for a in ctx.plan if family_copy.shows_action(a))
        if not ctx.family and family_copy.is_shared(ctx.m) and 0 < shared < len(ctx.plan):
            first = "Action 1 is" if shared == 1 else f"Actions 1 to {shared} are"
            blocks.append(
                Para(
                    f"{first} in the family's copy of the minutes too, with the same numbers; the others are for "
                    "professionals only.",
                    italic=True,
                )
            )
    return blocks


def status_label(status) -> str:
    return word_for(ACTION_STATUS_LABELS, status) or "Open"


def _action_rows(ctx: Context) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for n, a in enumerate(ctx.plan, start=1):
        shown = (ctx.entry_short(i) for i in (a.get("addresses") or []) if isinstance(i, str))
        addresses = [x for x in shown if x]
        lines = [status_label(a.get("status"))]
        if a.get("carried_from_action_id"):
            lines.append("Carried over (see the review of earlier actions)")
        elif as_text(a.get("progress_note")):
            lines.append(f"Progress: {as_text(a.get('progress_note'))}")
        rows.append(
            (
                str(n),
                as_text(a.get("description")) or "(no description)",
                ctx.owner(a),
                fmt_date(a.get("due_date")) if a.get("due_date") else "Not set",
                as_text(a.get("success_measure")) or NOT_RECORDED,
                ("\n".join(f"• {x}" for x in addresses) if len(addresses) > 1 else "".join(addresses)) or "—",
                "\n".join(lines),
            )
        )
    return rows


def _review_rows(ctx: Context) -> list[tuple[str, ...]]:
    """One row per earlier action: its status then and now, progress, and what the meeting decided (G-34).

    The bundle records no decision of its own: it follows from the status now (done: closed; cancelled:
    stopped) and, for an action that goes on, from what changed since the earlier meeting (when that
    meeting is in the store) — else it continues as it was."""
    rows: list[tuple[str, ...]] = []
    for a in ctx.reviewed:
        before = ctx.earlier_actions.get(a.get("carried_from_action_id"))
        then = status_label(before.get("status")) if before is not None else "Not finished (carried over)"
        status = a.get("status")
        if status == "done":
            decided = "Done: closed"
        elif status == "cancelled":
            decided = "Stopped"
        else:
            n = ctx.action_numbers.get(a.get("id"))
            changes = _changes(before, a, ctx) if before is not None else []
            where = f" as action {n}" if n else ""
            decided = f"Changed{where}: {', '.join(changes)}" if changes else f"Continues{where}"
        rows.append(
            (
                as_text(a.get("description")) or "(no description)",
                ctx.owner(a),
                then,
                status_label(status),
                as_text(a.get("progress_note")) or "No progress recorded",
                decided,
            )
        )
    return rows


def _changes(before: dict, now: dict, ctx: Context) -> list[str]:
    """What the meeting changed in a continued action, compared with the earlier meeting's."""
    out = []
    if as_line(before.get("description")) and as_line(before.get("description")) != as_line(now.get("description")):
        out.append("reworded")
    if before.get("due_date") != now.get("due_date") and now.get("due_date"):
        out.append(f"new due date {fmt_date(now.get('due_date'))}")
    owner_then = (before.get("owner_attendee_id"), as_line(before.get("owner_name")), as_line(before.get("agency")))
    owner_now = (now.get("owner_attendee_id"), as_line(now.get("owner_name")), as_line(now.get("agency")))
    if owner_then != owner_now and ctx.owner(now) != NOT_RECORDED:
        out.append("new owner " + ctx.owner(now).replace("\n", ", "))
    if as_line(before.get("success_measure")) != as_line(now.get("success_measure")) and as_line(
        now.get("success_measure")
    ):
        out.append("new measure")
    return out
