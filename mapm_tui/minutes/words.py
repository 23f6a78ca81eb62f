"""The minutes' own words: headings, fixed sentences and the names of things that only the minutes print.

Words the rest of the product shares (statuses, entry kinds, attendance, meeting types, reasons, fact or
opinion) are in `mapm_tui.vocabulary`; who the subject and the family are, in `mapm_tui.subject_words`;
the family copy's own words, with its rule, in `family_copy`.
"""

from __future__ import annotations

from ..vocabulary import ENTRY_KIND_LABELS

NOTHING = "Nothing was recorded under this item."
NOTHING_FAMILY = "Nothing under this item is included in the family copy."
NOT_RECORDED = "Not recorded"

#: the parts of a two-part meeting someone attended
PARTS = {
    "professionals": "Professionals-only part",
    "family": "Part with the family",
    "both": "Both parts",
}

#: whether the family attends (the meeting's `family.attending`)
FAMILY_ATTENDING = {
    "no": "No",
    "part_two": "For the second part only",
    "whole": "For the whole meeting",
}

#: the order entries are grouped in under a step (after the step's own kinds)
ENTRY_KIND_ORDER = tuple(ENTRY_KIND_LABELS)

#: group headings per entry kind (plural); the voice of the child or adult is named by `subject_words`
ENTRY_GROUPS = {
    "strength": "Strengths",
    "need": "Needs",
    "risk": "Risks",
    "information": "Information",
    "family_view": "Views of the individual, family, carer or advocate",
    "already_tried": "What has already been tried",
    "how_to_address": "How the needs will be addressed",
    "decision": "Decisions",
    "referral": "Referrals",
    "disagreement": "Disagreement",
    "note": "Notes",
}

#: one entry's kind as a label, for an action's "addresses" column (a narrow column)
ENTRY_LABELS = {**ENTRY_KIND_LABELS, "voice_of_subject": "Voice", "family_view": "View"}

#: strengths, needs and risks are grouped by when they were identified (G-20)
SNR = ("strength", "need", "risk")
STAGE_WORDS = {"before_meeting": "identified before the meeting", "during_meeting": "identified during the meeting"}

#: the meeting's free-text fields, as headings
TEXT_FIELD_TITLES = {
    "aim": "Aim of the meeting",
    "introductions": "Introductions",
    "existing_plan_reviewed": "Review of the existing plan",
    "legislation_considered": "Legislation and statutory guidance considered",
}

#: the closing records (one per closing step kind), in the order "Other information" lists them
CLOSING_TITLES = {
    "family_meeting": "Has a family meeting been considered?",
    "lead_practitioner": "Lead practitioner",
    "disagreement": "Professional disagreement",
    "feedback_to_family": "Who tells the family the outcome",
    "minutes_sharing": "Sharing the minutes",
    "next_review": "Date of next review",
}
CLOSING_KINDS = tuple(CLOSING_TITLES)

#: G-54: how the minutes are handled, under the protective marking (settings.handling_statement replaces it).
HANDLING_CHILDREN = (
    "Handle as {marking}. These minutes are shared between the agencies named in them to safeguard and "
    "promote the welfare of {subjects}. The lawful basis is public task and legal obligation (UK GDPR "
    "Article 6(1)(e) and (c); for special category data, Article 9(2)(g) and Data Protection Act 2018 "
    "Schedule 1 paragraph 18, safeguarding of children and individuals at risk), not consent. Keep them "
    "secure, share only what is relevant to safety and welfare, and pass them on only with the chair's "
    "agreement or to protect someone from harm."
)
HANDLING_ADULTS = (
    "Handle as {marking}. These minutes are shared between the agencies named in them to safeguard "
    "{subjects}. Information about an adult is shared with their consent where possible, and without it "
    "only where there is a lawful basis (UK GDPR Article 6(1)(e); for special category data, Article 9(2)(g) "
    "and Data Protection Act 2018 Schedule 1 paragraph 18). Keep them secure, share only what is relevant "
    "to safety and welfare, and pass them on only with the chair's agreement or to protect someone from harm."
)

#: G-53: the request to check draft minutes.
CHECK_REQUEST = (
    "Please check these minutes for accuracy, and the actions that are yours, and send any corrections "
    "to {contact} {by}."
)

#: The parts of a two-part meeting a part copy can hold (G-51), as its title names them.
PART_TITLES = {"professionals": "the professionals-only part", "family": "the part with the family"}

ESCALATION_REMINDER = (
    "Anyone still concerned after the meeting should raise it with their line manager and follow "
    "the local escalation procedure."
)

TITLE = "Minutes of a multi-agency professionals' meeting"
#: the meeting type when it is not one of vocabulary.MEETING_TYPES
ANY_MEETING = "Multi-agency professionals' meeting"
