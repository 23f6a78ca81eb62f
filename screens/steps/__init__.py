"""One body class per agenda step kind (the template decides which steps there are); the meeting screen
shows one body at a time (screens/meeting.py)."""

from __future__ import annotations

from importlib import import_module

#: step kind -> "module:Class" of its body, imported when first used (start-up stays light)
BODIES = {
    "details": "screens.steps.details:DetailsStep",
    "attendance": "screens.steps.attendance:AttendanceStep",
    "text": "screens.steps.text:TextStep",
    "entries": "screens.steps.entries:EntriesStep",
    "actions": "screens.steps.actions:ActionsStep",
    "family_meeting": "screens.steps.closing:FamilyMeetingStep",
    "lead_practitioner": "screens.steps.closing:LeadPractitionerStep",
    "disagreement": "screens.steps.closing:DisagreementStep",
    "feedback_to_family": "screens.steps.closing:FeedbackStep",
    "minutes_sharing": "screens.steps.closing:MinutesSharingStep",
    "next_review": "screens.steps.closing:NextReviewStep",
}


def body_class(kind: str):
    module, _, name = BODIES[kind].partition(":")
    return getattr(import_module(module), name)


def body_for_step(step):
    return body_class(step.kind)(step)
