"""One screen class per agenda step kind (the template decides which steps there are)."""

from __future__ import annotations

from importlib import import_module

#: step kind -> "module:Class" of its screen, imported when first used (start-up stays light)
SCREENS = {
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


def screen_class(kind: str):
    module, _, name = SCREENS[kind].partition(":")
    return getattr(import_module(module), name)


def screen_for_step(step):
    return screen_class(step.kind)(step)
