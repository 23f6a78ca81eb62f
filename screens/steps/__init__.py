"""One body class per agenda step kind (the template decides which steps there are); the meeting screen
shows one body at a time (screens/meeting.py)."""

from __future__ import annotations

from importlib import import_module

#: step kind -> "module:Class" of its body, imported when first used (start-up stays light)
BODIES = {
    "details": "mapm_tui.screens.steps.details:DetailsStep",
    "attendance": "mapm_tui.screens.steps.attendance:AttendanceStep",
    "text": "mapm_tui.screens.steps.text:TextStep",
    "entries": "mapm_tui.screens.steps.entries:EntriesStep",
    "actions": "mapm_tui.screens.steps.actions:ActionsStep",
    "family_meeting": "mapm_tui.screens.steps.closing:FamilyMeetingStep",
    "lead_practitioner": "mapm_tui.screens.steps.closing:LeadPractitionerStep",
    "disagreement": "mapm_tui.screens.steps.closing:DisagreementStep",
    "feedback_to_family": "mapm_tui.screens.steps.closing:FeedbackStep",
    "minutes_sharing": "mapm_tui.screens.steps.closing:MinutesSharingStep",
    "next_review": "mapm_tui.screens.steps.closing:NextReviewStep",
}


def body_class(kind: str):
    module, _, name = BODIES[kind].partition(":")
    return getattr(import_module(module), name)


def body_for_step(step):
    return body_class(step.kind)(step)
