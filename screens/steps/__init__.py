"""One screen class per agenda step kind (the template decides which steps there are)."""

from __future__ import annotations

from importlib import import_module

#: step kind -> "module:Class" of its screen, imported when first used (start-up stays light)
SCREENS = {
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


def screen_class(kind: str):
    module, _, name = SCREENS[kind].partition(":")
    return getattr(import_module(module), name)


def screen_for_step(step):
    return screen_class(step.kind)(step)
