"""The domain's words, each defined once: meeting statuses and how a meeting may move between them,
what an open action is (for a dict and for SQL) and its status in words, the labels of entry kinds, fact
or opinion, attendance, the types of meeting and the reasons for holding one, and the other procedures a
professionals' meeting must not stand in for (G-02).

The store, lifecycle, rules, listing, capture, the minutes and the screens all read these; a change to the
lifecycle or to what counts as open is made here and nowhere else. No Textual, no database here.
"""

from __future__ import annotations

from collections.abc import Mapping

# -- meeting statuses (design.md, "Meeting status") ---------------------------------------------------
MEETING_STATUSES = ("draft", "in_progress", "in_review", "final")

#: status -> the statuses it may move to; final -> in_review is a reopen (with a reason), nothing else.
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "draft": ("in_progress",),
    "in_progress": ("in_review", "draft"),
    "in_review": ("in_progress", "final"),
    "final": ("in_review",),
}

#: a meeting's status as the meeting lists and the case view show it
STATUS_WORDS: Mapping[str, str] = {
    "draft": "Draft",
    "in_progress": "In progress",
    "in_review": "In review",
    "final": "Final",
}


def may_move(old: str, new: str) -> bool:
    """Whether design.md's table lets a meeting move from status `old` to `new`."""
    return new in TRANSITIONS.get(old, ())


def status_in_words(status: str) -> str:
    """A status inside a sentence: "in review"."""
    return status.replace("_", " ")


def may_finalise(status: str | None) -> bool:
    """The review offers finalising (F5) in review, and while the meeting runs, where F5 says to end it
    first: only a meeting in review is finalised (`may_move(status, "final")`, which lifecycle asks)."""
    return status in ("in_review", "in_progress")


def may_reopen(status: str | None) -> bool:
    return status == "final"


def may_resume(status: str | None) -> bool:
    return status is not None and may_move(status, "in_progress") and status != "draft"


def may_start_or_end(status: str | None) -> bool:
    """The one key that starts (a draft), ends (in progress) or resumes (in review) a meeting; a final
    meeting moves only by a reopen, which has its own key."""
    return status in TRANSITIONS and is_editable(status)


def start_or_end_move(status: str | None) -> str | None:
    """Where that one key moves the meeting: a draft starts and a meeting in review resumes (in progress),
    a running meeting ends (in review); None where it does nothing (a final meeting)."""
    if not may_start_or_end(status):
        return None
    return "in_review" if status == "in_progress" else "in_progress"


def has_ended(status: str | None) -> bool:
    """The meeting has ended: in review, or final. The review is its screen; the minutes can go out and
    the next meeting can be prepared."""
    return status in ("in_review", "final")


def is_editable(status: str | None) -> bool:
    """A final meeting is read-only until reopened; every other status may be edited."""
    return status != "final"


# -- actions --------------------------------------------------------------------------------------------
#: an action with one of these statuses is closed: never carried over, never overdue
CLOSED_ACTION_STATUSES = frozenset({"done", "cancelled"})
#: the statuses of an open action (a missing status is open too)
OPEN_ACTION_STATUSES = ("open", "partly_done", "not_done")

#: an action's status as a label (the minutes' action plan and review of earlier actions)
ACTION_STATUS_LABELS: Mapping[str, str] = {
    "open": "Open",
    "done": "Done",
    "partly_done": "Partly done",
    "not_done": "Not done",
    "cancelled": "Cancelled",
}
#: an action's status in the action list beside its row: the same words in lower case; "open" says nothing
ACTION_STATUS_WORDS: Mapping[str, str] = {
    status: "" if status == "open" else label.lower() for status, label in ACTION_STATUS_LABELS.items()
}


def is_open_action(action: Mapping) -> bool:
    """An action (a dict as a bundle holds it) still to be done: not done or cancelled."""
    return action.get("status") not in CLOSED_ACTION_STATUSES


def open_action_sql(alias: str = "action") -> str:
    """`is_open_action` as an SQL condition on the action table under `alias`."""
    statuses = ", ".join(f"'{s}'" for s in OPEN_ACTION_STATUSES)
    return f"({alias}.status IS NULL OR {alias}.status IN ({statuses}))"


# -- entries ----------------------------------------------------------------------------------------------
#: one entry's kind as a label (capture, the entry lists); "voice_of_subject" follows the subjects
ENTRY_KIND_LABELS: Mapping[str, str] = {
    "strength": "Strength",
    "need": "Need",
    "risk": "Risk",
    "information": "Information",
    "voice_of_subject": "Voice of the child",
    "family_view": "Family's view",
    "already_tried": "Already tried",
    "how_to_address": "How to address",
    "decision": "Decision",
    "referral": "Referral",
    "disagreement": "Disagreement",
    "note": "Note",
}

#: fact or opinion (G-11) as a label; the minutes write it in lower case after the source
BASIS_LABELS: Mapping[str, str] = {"fact": "Fact", "opinion": "Opinion", "unverified": "Unverified"}

# -- people ------------------------------------------------------------------------------------------------
#: one person's attendance (G-22: the record shows a substitute or a written contribution)
ATTENDANCE_WORDS: Mapping[str, str] = {
    "present": "Present",
    "apologies": "Apologies",
    "written_contribution": "Written contribution",
    "substitute": "Substitute",
    "absent": "Absent",
    "invited": "Invited",
}

# -- the meeting -------------------------------------------------------------------------------------------
#: the type of meeting (G-01), as the minutes name it
MEETING_TYPES: Mapping[str, str] = {
    "planning": "Planning meeting",
    "professional_disagreement": "Meeting to resolve professional disagreement",
    "other": "Other professionals' meeting",
}

#: why the meeting was called (G-03), in the guidance's words
MEETING_REASONS: Mapping[str, str] = {
    "uncertainty": "Uncertainty about the steps needed to safeguard",
    "family_undermining": "The family undermining attempts to understand the risk "
    "(disguised compliance, hostility or resistance)",
    "professional_disagreement": "Professional disagreement",
    "drift": "Drift or no progress (a stuck case)",
    "needs_unmet": "Needs not being met within one agency",
    "discussion_needed": "Telephone or email discussion is not enough",
    "significant_event": "A significant life event",
    "fii_concern": "Concerns about fabricated or induced illness",
    "professional_safety": "A legitimate concern for professionals' safety",
    "other": "Another reason (see the details)",
}
#: the one reason of ours the bundle schema's fixed `reasons` list lacks: it travels in a bundle as
#: "other" with a fixed sentence in `reasons_detail` (bundle_reasons.py)
PROFESSIONAL_SAFETY = "professional_safety"


def is_two_part(meeting: Mapping) -> bool:
    """G-08: a two-part meeting has a professionals-only part, then a part with the family: the family
    attends the second part only (`family.attending == "part_two"`, asked on the set-up screen and changed
    there if the meeting did not go as planned). Which part each person attended and in which part each
    entry was said mean something only in such a meeting: F4 ("the family joins"), the entries' defaults,
    the minutes' part labels and "Part attended" column, and the part copies each person is sent all follow
    this one answer, never a part recorded on a person or an entry of a meeting held in one part."""
    family = meeting.get("family")
    return isinstance(family, Mapping) and family.get("attending") == "part_two"


#: the procedures a professionals' meeting must not stand in for (G-02), as words inside a sentence
OTHER_PROCEDURES: Mapping[str, str] = {
    "strategy_discussion": "a strategy discussion",
    "child_protection_conference": "a child protection conference",
    "child_in_need_review": "a Child in Need review",
    "looked_after_review": "a looked-after child review",
    "team_around_the_child": "a Team Around the Child meeting",
    "anonymised_consultation": "an anonymised consultation",
}
