"""The closing steps: family meeting, lead practitioner, disagreement, who tells the family, sharing the
minutes, next review. Each is a short form over the meeting's closing records (G-40 to G-44, G-52)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult

from ..form import FieldForm, FieldSpec, worded
from ..step_base import StepBody


def _is(path: str, value) -> Callable[[dict], bool]:
    group, name = path.split(".")
    return lambda m: (m.get(group) or {}).get(name) is value


class FormStep(StepBody):
    HELP = (
        "Tab moves between the questions. A yes/no or a choice opens with Enter (arrows, Enter); dates are "
        "typed the UK way (20/11, next tue, in 2 weeks) and shown as read. Everything is saved as you go."
    )
    #: the questions; `{family}` and the like are filled in for this meeting (subject_words)
    FIELDS: list[FieldSpec] = []

    def compose_body(self) -> ComposeResult:
        yield FieldForm(worded(self.FIELDS, self.live.words), self.live, id="step-form")

    def refresh_step(self) -> None:
        """The meeting changed elsewhere: values (the end time written by F3), choices (attendees) and
        words (the subjects) may all have moved."""
        form = self.query_one(FieldForm)
        specs = worded(self.FIELDS, self.live.words)
        if specs != form.specs:
            self.run_worker(self._reword(form, specs), exclusive=True, group="reword")
            return
        form.refresh_choices()
        form.refresh_values()

    async def _reword(self, form: FieldForm, specs: list[FieldSpec]) -> None:
        form.specs = specs
        await form.recompose()
        form.refresh_choices()

    def first_focus(self):
        focusable = [w for w in self.query_one("#step-form").query("Input, Select, TextArea") if w.focusable]
        return focusable[0] if focusable else None


class FamilyMeetingStep(FormStep):
    FIELDS = [
        FieldSpec(
            "family_meeting.considered",
            "Has a family meeting (such as a family group conference) been considered?",
            "yesno",
        ),
        FieldSpec(
            "family_meeting.outcome",
            "Outcome",
            "text",
            help="What was decided, and why.",
            show_if=_is("family_meeting.considered", True),
        ),
    ]


class LeadPractitionerStep(FormStep):
    FIELDS = [
        FieldSpec("lead_practitioner.name", "Lead practitioner", placeholder="Name"),
        FieldSpec("lead_practitioner.agency", "Agency"),
        FieldSpec("lead_practitioner.changed", "Does the lead practitioner change?", "yesno"),
        FieldSpec(
            "lead_practitioner.note",
            "Note",
            "text",
            help="For example: why it changes, or 'No change: remains with …'.",
        ),
    ]


class DisagreementStep(FormStep):
    FIELDS = [
        FieldSpec("disagreement.any", "Is there any disagreement between professionals?", "yesno"),
        FieldSpec(
            "disagreement.summary",
            "What is the disagreement, and who holds which view?",
            "text",
            show_if=_is("disagreement.any", True),
        ),
        FieldSpec(
            "disagreement.escalation",
            "Escalation",
            "text",
            help="Anyone still concerned goes to their line manager and the local escalation procedure.",
            show_if=_is("disagreement.any", True),
        ),
    ]


class FeedbackStep(FormStep):
    FIELDS = [
        FieldSpec("feedback_to_family.by_attendee_id", "Who tells {family} the outcome?", "attendee"),
        FieldSpec("feedback_to_family.by_name", "…or name someone not in the list"),
        FieldSpec("feedback_to_family.by_date", "By when?", "date"),
        FieldSpec("feedback_to_family.method", "How?", placeholder="Home visit, phone call, letter…"),
        FieldSpec(
            "feedback_to_family.not_needed_reason",
            "Or: why no one needs to tell them",
            "text",
            help="For example: {family} attended the whole meeting.",
        ),
    ]


class MinutesSharingStep(FormStep):
    FIELDS = [
        FieldSpec("minutes_sharing.share_with_family", "Will the minutes be shared with {family}?", "yesno"),
        FieldSpec(
            "minutes_sharing.reason_not_shared",
            "The chair's reason for not sharing them",
            "text",
            help="Decisions are shared with {family} unless the chair, exceptionally, decides not to (G-52).",
            show_if=_is("minutes_sharing.share_with_family", False),
        ),
        FieldSpec("minutes_sharing.fii_concern", "Are there concerns of fabricated or induced illness?", "yesno"),
        FieldSpec(
            "minutes_sharing.senior_consulted",
            "Senior manager or named/designated doctor consulted",
            help="With FII concerns routine sharing is the exception: consult before sharing.",
            show_if=_is("minutes_sharing.fii_concern", True),
        ),
    ]


class NextReviewStep(FormStep):
    FIELDS = [
        FieldSpec("next_review.required", "Does the meeting need to review this plan?", "yesno"),
        FieldSpec(
            "next_review.date",
            "Date of the next review",
            "date",
            show_if=lambda m: (m.get("next_review") or {}).get("required") is not False,
        ),
        FieldSpec(
            "next_review.time",
            "Time",
            "time",
            show_if=lambda m: (m.get("next_review") or {}).get("required") is not False,
        ),
        FieldSpec(
            "next_review.venue", "Venue", show_if=lambda m: (m.get("next_review") or {}).get("required") is not False
        ),
        FieldSpec(
            "next_review.reason_not_required",
            "Why no review is needed",
            "text",
            show_if=_is("next_review.required", False),
        ),
    ]
