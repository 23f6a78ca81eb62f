"""Moving a laptop's meetings onto the team's server (issue 13): `mapm copy-to-server --from laptop.db`.

The first thing a partnership does when it adopts a server is bring the meetings its chairs already hold
in their own encrypted files. A check-in only takes back meetings that were checked out, and a bundle
carries a meeting without its audit trail, its drafts or its clock, so this copies whole meetings:

- every meeting of the laptop's file (or the ids given), except the read-only copies a check-out left
  there and meetings checked out from a server (those go back with `mapm checkin`);
- in ONE transaction on the server: all of them or none; a meeting whose id is already there refuses the
  whole copy with one sentence naming those meetings (nothing is merged or overwritten);
- each meeting as it stands: its lists, drafts, step marks and times, its clock, when it was created and
  last changed, its status (walked along the lifecycle's moves so the server's triggers agree: a final
  meeting arrives final and locked), and its case's legal hold;
- its audit trail, honestly: the laptop's chain is verified first (a broken one refuses the copy: the
  file was changed with another tool); then each of the meeting's events is added to the server's own
  chain as it was (when, who, the computer user, what), and one more (`copied_in`) says it was copied, from which
  file, by whom (the server role), and how many events came with it. The server's chain links them anew
  (`mapm audit verify` there holds); the laptop's own chain and file are left as they were.

The laptop's file is only read. No Textual here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlmodel import select

from . import audit, holds
from .checkout import CheckoutError, portable, server_label, validated, write_new
from .models import LegalHold, Meeting
from .store import Store, StoreError
from .text import quote

#: how many refused ids a sentence names before "and N more"
NAMED = 5


class CopyRefused(StoreError):
    """The copy was refused and nothing was written; the message is one sentence: what, where, what to do."""


@dataclass(frozen=True)
class Copied:
    #: the meetings now on the server, oldest first
    meeting_ids: list[str]
    #: audit events that came with them
    events: int
    #: meetings of the file left out: checked out from a server, or read-only copies of one
    left_out: list[str]


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:NAMED])
    return shown + (f" and {len(ids) - NAMED} more" if len(ids) > NAMED else "")


def _left_out(laptop: Store) -> set[str]:
    """The meetings of the file that belong to a server already: checked out from one, or copies."""
    with laptop.engine.connect() as conn:
        checked_out = {r[0] for r in conn.execute(text("SELECT meeting_id FROM checkout"))}
        copies = {
            r[0] for r in conn.execute(text("SELECT meeting_id FROM editor_hold WHERE kind = :k"), {"k": holds.COPY})
        }
        conn.rollback()
    return checked_out | copies


def chosen(laptop: Store, meeting_ids: list[str] | None) -> tuple[list[str], list[str]]:
    """(the meetings to copy, oldest first; those of the file left out). Raises CopyRefused for an id
    the file does not hold, or one that belongs to a server already."""
    left_out = _left_out(laptop)
    with laptop.reading() as s:
        rows = s.exec(select(Meeting.id, Meeting.date).order_by(Meeting.date, Meeting.id)).all()
    every = [r[0] for r in rows]
    if not meeting_ids:
        return [m for m in every if m not in left_out], [m for m in every if m in left_out]
    unknown = [m for m in meeting_ids if m not in every]
    if unknown:
        raise CopyRefused(
            f"{server_label(laptop)} holds no meeting {quote(unknown[0])}; nothing was copied. "
            "`mapm list` on that file shows what it holds."
        )
    theirs = [m for m in meeting_ids if m in left_out]
    if theirs:
        raise CopyRefused(
            f"Meeting {_named(theirs)} in {server_label(laptop)} was checked out from a server (or is a "
            "read-only copy of one); nothing was copied: bring it back with `mapm checkin` instead."
        )
    wanted = set(meeting_ids)
    return [m for m in every if m in wanted], []


def copy_to_server(
    laptop: Store, server: Store, meeting_ids: list[str] | None = None, *, by: str | None, now: dt.datetime
) -> Copied:
    """Copy the laptop's meetings (all, or `meeting_ids`) into `server` in one transaction, with their audit
    trails. Raises CopyRefused (nothing to copy, ids already on the server, a broken audit chain),
    CheckoutError (a meeting the bundle checks refuse) or the stores' typed errors; on any, nothing is
    written."""
    ids, left_out = chosen(laptop, meeting_ids)
    if not ids:
        raise CopyRefused(f"{server_label(laptop)} holds no meetings to copy; nothing was copied.")
    _none_open(laptop, ids, now)
    chain = audit.verify(laptop)
    if not chain.ok:
        raise CopyRefused(
            f"The audit trail of {server_label(laptop)} is broken at event {chain.broken.pk if chain.broken else '?'} "
            f"({chain.problem}); nothing was copied. `mapm audit verify` on that file says more."
        )
    with laptop.reading() as ls:
        items = []
        for meeting_id in ids:
            row = laptop._get(ls, meeting_id)
            item = portable(ls, laptop, meeting_id, laptop.load_meeting_in(ls, meeting_id))
            kept = {"created_at": row.created_at, "updated_at": row.updated_at, "ended_at": row.ended_at}
            items.append(replace(item, kept_times={k: v for k, v in kept.items() if v is not None}))
        cases = {r.case_ref for r in (ls.get(Meeting, m) for m in ids) if r is not None and r.case_ref}
        legal_holds = [h for h in ls.exec(select(LegalHold)).all() if h.case_ref in cases]
    # checked as an import is, before the server's write lock is taken (the checks are much of the time)
    checked = [validated(item, f"meeting {item.meeting_id} in {server_label(laptop)}") for item in items]
    events = _events_of(laptop, ids)
    source = server_label(laptop)
    with server.writing() as s:
        there = [m for m in ids if s.get(Meeting, m) is not None]
        if there:
            raise CopyRefused(
                f"Meeting {_named(there)} is already on {server_label(server)}; nothing was copied. Copy the "
                "others by id, or check what is there with `mapm list`."
            )
        for item, meeting in zip(items, checked, strict=True):
            write_new(s, server, item, now, meeting)
        held = {h.case_ref for h in s.exec(select(LegalHold)).all()}
        for hold in legal_holds:
            if hold.case_ref not in held:
                s.add(LegalHold(case_ref=hold.case_ref, reason=hold.reason, by=hold.by, at=hold.at))
        s.flush()
        conn = s.connection()
        for event in events:
            audit.append_as_it_was(conn, event)
        for meeting_id in ids:
            came = sum(1 for e in events if e.meeting_id == meeting_id)
            audit.append(
                s,
                server,
                meeting_id,
                "copied_in",
                f"from {source} with its {came} earlier audit event(s), as they were recorded there "
                f"(that file's chain verified: {chain.count} events, newest {chain.head[:12]})",
                by,
            )
    return Copied(ids, len(events), left_out)


def _none_open(laptop: Store, ids: list[str], now: dt.datetime) -> None:
    """Refuse while a meeting is open in a window on the laptop: what is typed there would be left behind."""
    with laptop.engine.connect() as conn:
        held = [(m, holds.current(conn, m)) for m in ids]
        open_now = [(m, h) for m, h in held if h is not None and h.kind == holds.WINDOW and not h.stale(now)]
        conn.rollback()
    if open_now:
        meeting_id, hold = open_now[0]
        raise CopyRefused(
            f"Meeting {meeting_id} is open in a window on this laptop ({hold.describe()}); close it there first, "
            "so that everything typed goes with it. Nothing was copied."
        )


def _events_of(laptop: Store, meeting_ids: list[str]) -> list[audit.Event]:
    wanted = set(meeting_ids)
    return [e for e in audit.all_events(laptop) if e.meeting_id in wanted]


__all__ = ["CheckoutError", "Copied", "CopyRefused", "chosen", "copy_to_server"]
