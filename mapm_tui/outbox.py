"""The outbox: e-mail drafts, the next review's invitation and the action summary, written to a folder the
chair opens with Outlook or Thunderbird (issue 14). Nothing is sent by the app; nothing leaves the machine.

    check_before_sending(meeting) -> list[SendingWarning]   who gets what, and what is risky to send
    write_outbox(meeting, template, folder, ...) -> Outbox

For each recipient with an e-mail address (`minutes.recipients`), an `.eml` draft (RFC 5322, Python's
`email` package) addressed to them, its subject carrying the protective marking and the case reference,
a short body, and the version of the minutes they should get attached; marked `X-Unsent: 1` so Outlook
opens it as a draft to send. Beside them `next-review.ics` (RFC 5545, the `icalendar` package, local
time in Europe/London with its VTIMEZONE) and the action summary (the action plan and the next review:
what agencies get within one working day). `record_sent` then records the distribution from the drafts
made (G-51).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from .minutes import family_copy
from .minutes.recipients import BUNDLE_VERSION, VERSIONS, Recipient, recipients
from .minutes.values import as_dict

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


class OutboxError(Exception):
    """The outbox could not be written; the message is one sentence saying what to do."""


# ------------------------------------------------------------------------------------ check before sending


@dataclass(frozen=True)
class SendingWarning:
    """Something risky about to be sent, for people: what, where, and what to do."""

    what: str


#: UK phone numbers (landline, mobile, +44), postcodes and house-number street addresses.
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?\(?0?\)?|0)\s?\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_STREET = re.compile(
    r"\b\d{1,4}[a-zA-Z]?,?\s+(?:[A-Z][a-z]+\s){1,3}(?:Road|Street|Avenue|Close|Lane|Drive|Way|Court|Crescent|"
    r"Gardens|Place|Terrace|Grove|Rise|Hill|Square|View|Walk|Row|Mews)\b"
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-zA-Z'-]+")
_FULL_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{1,15}\s[A-Z][a-z]{2,20}\b")
#: Capitalised words that make "Two Words" a place or a service rather than a person.
_NOT_PEOPLE = {
    "School", "Primary", "Nursery", "Health", "Service", "Services", "Team", "Council", "Police", "Centre",
    "Center", "Hub", "Road", "Street", "Surgery", "Hospital", "Trust", "Homes", "Housing", "Care", "Help",
    "Early", "Children", "Social", "Family", "Court", "Park", "Lane", "Avenue", "House", "Office", "Group",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Alcohol", "Drug", "Drugs", "Attendance", "Support", "Project", "Foundation", "Charity", "Citizens", "Advice",
    "Bureau", "Jobcentre", "Plus", "Universal", "Credit", "Benefit", "Benefits", "Welfare", "Therapy", "Clinic",
    "Academy", "College", "University", "Library", "Church", "Mosque", "Temple", "Association", "Agency",
}  # fmt: skip


def _agencies(meeting: dict) -> str:
    """Every agency and venue of the meeting, as one text: a "Two Words" inside it is a place, not a person."""
    bits = [a.get("agency") for a in meeting.get("attendees") or [] if isinstance(a, dict)]
    bits += [meeting.get("venue"), meeting.get("convening_agency")]
    return " | ".join(b for b in bits if isinstance(b, str))


def _known_names(meeting: dict) -> set[str]:
    words: set[str] = set()
    people = [*(meeting.get("attendees") or []), *(meeting.get("subjects") or [])]
    people += [meeting.get(k) for k in ("chair", "minute_taker", "lead_practitioner")]
    for p in people:
        if isinstance(p, dict) and isinstance(p.get("name"), str):
            words.update(w.strip(".,'") for w in p["name"].split())
    return {w for w in words if w}


def _short(text: str, limit: int = 50) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def check_before_sending(meeting: dict) -> list[SendingWarning]:
    """What is risky to send: an address, phone number or e-mail address in an entry or action the family
    copy shows; a person named there who is not at the meeting (a third party); a recipient who was not at
    the part whose minutes they would get; the family copy withheld but a family member recorded as sent."""
    out: list[SendingWarning] = []
    shared = family_copy.is_shared(meeting)
    if shared:
        known = _known_names(meeting)
        places = _agencies(meeting)
        entries, actions = family_copy.shared_items(meeting)
        items = [("entry", e.get("text")) for e in entries] + [("action", a.get("description")) for a in actions]
        for what, text in items:
            if not isinstance(text, str):
                continue
            where = f"The shared {what} '{_short(text)}'"
            for pattern, kind in ((_STREET, "an address"), (_POSTCODE, "a postcode"), (_PHONE, "a phone number"),
                                  (_EMAIL, "an e-mail address")):  # fmt: skip
                if pattern.search(text):
                    out.append(
                        SendingWarning(f"{where} holds {kind}: the family copy shows it; check it is safe to send.")
                    )
            names = {m.group(0).removesuffix("'s").removesuffix("\u2019s") for m in _TITLED.finditer(text)}
            names |= {
                m.group(0)
                for m in _FULL_NAME.finditer(text)
                if not set(m.group(0).split()) & _NOT_PEOPLE and m.group(0) not in places
            }
            strangers = sorted(n for n in names if not set(n.replace(".", "").split()[1:]) & known)
            if strangers:
                out.append(
                    SendingWarning(
                        f"{where} names {', '.join(strangers)}, who is not at the meeting: a third party; "
                        "check the family copy may show this."
                    )
                )
    for r in recipients(meeting):
        for record in r.sent:
            got = record.get("version")
            if r.parts == "professionals" and got == "family":
                out.append(
                    SendingWarning(
                        f"{r.name} was at the professionals-only part but is recorded as sent the family copy."
                    )
                )
            if r.parts == "family" and got == "full" and "part" not in str(record.get("method") or ""):
                out.append(
                    SendingWarning(
                        f"{r.name} was at the part with the family only but is recorded as sent the full minutes, "
                        "which include the professionals-only part."
                    )
                )
            if r.is_family and got == "full":
                out.append(
                    SendingWarning(f"{r.name} is family but is recorded as sent the full minutes, not the family copy.")
                )
            if r.is_family and not shared:
                out.append(
                    SendingWarning(
                        f"{r.name} is recorded as sent the minutes, but the chair decided not to share them (G-52)."
                    )
                )
    return out


# ------------------------------------------------------------------------------------------------ outbox


@dataclass
class Draft:
    recipient: Recipient
    version: str
    path: Path
    attachment: Path


@dataclass
class Outbox:
    folder: Path
    drafts: list[Draft] = field(default_factory=list)
    documents: dict[str, Path] = field(default_factory=dict)
    invitation: Path | None = None
    action_summary: Path | None = None
    #: recipients with no e-mail address: they get theirs by hand or post
    by_hand: list[Recipient] = field(default_factory=list)
    #: every file written, in order (taken away again when the outbox cannot be recorded: `record_written`)
    files: list[Path] = field(default_factory=list)

    def words(self) -> str:
        """What the outbox holds, for the audit trail: "Outbox of 6 e-mail drafts (full minutes, family copy)"."""
        versions = ", ".join(VERSIONS[v].lower() for v in sorted(self.documents) if v in VERSIONS)
        return f"Outbox of {len(self.drafts)} e-mail drafts ({versions or 'no minutes'})"

    def remove(self) -> None:
        """Take away every file written (and the folder, when nothing else is in it)."""
        for path in self.files:
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # (not empty: files of the user's own are left alone)
            self.folder.rmdir()


def folder_name(meeting: dict) -> str:
    """The outbox folder's name: `outbox-<case ref>-<date>` (no personal data)."""
    from .minutes import default_filename

    return default_filename(meeting).removesuffix(".docx").replace("minutes-", "outbox-", 1)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "recipient"


def _subject(meeting: dict, marking: str, version: str) -> str:
    from .dates import format_date

    bits = [f"[{marking}]"]
    what = "Minutes" if version != "action_summary" else "Action summary"
    what += " of a multi-agency professionals' meeting"
    bits.append(what)
    if meeting.get("case_ref"):
        bits.append(f"— case {' '.join(str(meeting['case_ref']).split())}")
    with contextlib.suppress(ValueError):
        bits.append(f"— {format_date(dt.date.fromisoformat(str(meeting.get('date'))))}")
    return " ".join(bits)


def _body(meeting: dict, r: Recipient, version: str, contact: str) -> str:
    greeting = f"Dear {r.name}," if r.name else "Hello,"
    if version == "family":
        text = (
            "Please find attached the part of the minutes of the recent meeting that is shared with you. "
            f"If you have a question, think something is wrong, or disagree with a decision, please contact {contact}."
        )
    elif version == "action_summary":
        text = (
            "Please find attached the action plan agreed at the meeting and the date of the next review. "
            "Please check the actions that are yours; the full minutes follow."
        )
    else:
        text = (
            f"Please find attached the {VERSIONS[version][0].lower() + VERSIONS[version][1:]} of the meeting. "
            "Please check them for accuracy, and the actions that are yours, and send any corrections to "
            f"{contact} by the date the minutes give. Please handle them as their marking says."
        )
    return f"{greeting}\n\n{text}\n\n{contact[0].upper() + contact[1:]}\n"


def draft_message(
    meeting: dict, r: Recipient, version: str, attachment: Path, *, marking: str, sender: str, contact: str, now
) -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = formataddr((r.name, r.email))
    if sender:
        msg["From"] = sender
    msg["Subject"] = _subject(meeting, marking, version)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain="mapm.invalid")
    msg["X-Unsent"] = "1"  # Outlook opens the file as a draft to send, not as a received message
    msg.set_content(_body(meeting, r, version, contact))
    msg.add_attachment(attachment.read_bytes(), maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=attachment.name)
    return msg


def next_review_invitation(meeting: dict, now: dt.datetime) -> bytes | None:
    """The next review as an iCalendar invitation (Europe/London local time), or None when no date is set."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vCalAddress, vText

    review = as_dict(meeting.get("next_review"))
    try:
        day = dt.date.fromisoformat(str(review.get("date") or ""))
    except ValueError:
        return None
    cal = Calendar()
    cal.add("prodid", "-//mapm-tui//next review//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    ref = " ".join(str(meeting.get("case_ref") or "").split())
    event.add("summary", "Review: multi-agency professionals' meeting" + (f", case {ref}" if ref else ""))
    event.add("uid", f"next-review-{_safe(str(meeting.get('id') or ref))}-{day.isoformat()}@mapm.invalid")
    event.add("dtstamp", now.astimezone(dt.UTC))
    time = str(review.get("time") or "")
    if re.fullmatch(r"\d{2}:\d{2}", time):
        start = dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=ZoneInfo("Europe/London"))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(hours=1, minutes=30))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
    if review.get("venue"):
        event.add("location", vText(" ".join(str(review["venue"]).split())))
    for r in recipients(meeting):
        if r.email and r.version and not r.is_family:
            who = vCalAddress(f"mailto:{r.email}")
            who.params["cn"] = vText(r.name)
            who.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", who, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            path.chmod(0o600)


def write_outbox(
    meeting: dict,
    template,
    folder: Path,
    *,
    settings,
    now: dt.datetime,
    previous: dict | None = None,
    sender: str = "",
) -> Outbox:
    """Write the documents, drafts and invitation into `folder` (made if missing, owner-only). Existing
    files of an earlier run are replaced. Raises OutboxError, MinutesWithheld/ExportError from the export."""
    from .locations import make_private_dir
    from .minutes import ExportError, _marking, export_action_summary, export_version, version_filename

    folder = Path(folder).expanduser()
    try:
        make_private_dir(folder)
    except OSError as exc:
        raise OutboxError(f"Cannot make the outbox folder {folder} ({exc.strerror or exc}); choose another.") from None
    out = Outbox(folder)
    marking = _marking(meeting, settings)
    chair = as_dict(meeting.get("chair"))
    contact = (
        settings.family_contact
        or ", ".join(x for x in (chair.get("name"), chair.get("agency")) if isinstance(x, str) and x.strip())
        or "the chair of the meeting"
    )
    people = recipients(meeting)
    # whatever stops it half-way (a refusal, a full disk), no minutes are left behind unrecorded
    try:
        for version in sorted({r.version for r in people if r.version}):
            path = folder / version_filename(meeting, version)
            out.files.append(path)  # (listed before it is written: a file half-written is taken away too)
            try:
                out.documents[version] = export_version(
                    meeting, template, path, version, settings=settings, force=True, previous=previous
                )
            except ExportError as exc:
                raise OutboxError(str(exc)) from None
        summary = folder / version_filename(meeting, "full").replace("minutes-", "actions-", 1)
        out.files.append(summary)
        out.action_summary = export_action_summary(meeting, template, summary, settings=settings, force=True)
        for n, r in enumerate(people, start=1):
            if not r.version:
                continue
            if not r.email:
                out.by_hand.append(r)
                continue
            attachment = out.documents[r.version]
            msg = draft_message(
                meeting, r, r.version, attachment, marking=marking, sender=sender, contact=contact, now=now
            )
            path = folder / f"{n:02d}-{_safe(r.name)}.eml"
            out.files.append(path)
            _write_private(path, bytes(msg))
            out.drafts.append(Draft(r, r.version, path, attachment))
            if not r.is_family:
                msg = draft_message(
                    meeting, r, "action_summary", out.action_summary, marking=marking, sender=sender, contact=contact,
                    now=now,
                )  # fmt: skip
                out.files.append(folder / f"{n:02d}-{_safe(r.name)}-actions.eml")
                _write_private(out.files[-1], bytes(msg))
        invitation = next_review_invitation(meeting, now)
        if invitation is not None:
            out.invitation = folder / "next-review.ics"
            out.files.append(out.invitation)
            _write_private(out.invitation, invitation)
    except OSError as exc:  # a full disk, a folder that went: one sentence, nothing left half-written
        from .oserrors import os_reason

        out.remove()
        raise OutboxError(
            f"The outbox could not be written in {folder} ({os_reason(exc)}), so nothing was left there; "
            "free some space or choose another folder."
        ) from None
    except BaseException:
        out.remove()
        raise
    return out


def record_written(store, meeting_id: str, outbox: Outbox) -> None:
    """Record in the audit trail that the outbox was written: its drafts carry the minutes, a disclosure to
    files as an export is, whether or not they are then recorded as sent (`record_sent`; `--no-record`).
    An outbox that cannot be recorded is taken away again and the StoreError raised (audit.record_export)."""
    from . import audit

    audit.record_export(store, meeting_id, outbox.folder, outbox.words(), remove=outbox.remove)


def record_sent(store, meeting_id: str, outbox: Outbox, when: dt.datetime) -> int:
    """Record the distribution from the drafts made (G-51): one record per draft, the part in the method."""
    from . import lifecycle

    for d in outbox.drafts:
        method = "E-mail (draft from the outbox)"
        if d.version.startswith("part_"):
            method += f": {VERSIONS[d.version].lower()}"
        lifecycle.record_distribution(
            store, meeting_id, d.recipient.name, BUNDLE_VERSION[d.version], method=method, sent_at=when,
            email=d.recipient.email,
        )  # fmt: skip
    return len(outbox.drafts)
