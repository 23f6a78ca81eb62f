"""Meetings for the minutes tests: one full Hampshire meeting with everything recorded, a Calderdale adult
meeting, and a generator for a big meeting. Built here so the tests do not depend on sample_data."""

from __future__ import annotations

import copy

from mapm_tui.agenda import shipped_templates

#: Texts that are recorded but never shared with the family: none may appear in the family copy.
UNSHARED = {
    "risk": "Mother's new partner has a conviction for assault (UNSHARED-RISK-1)",
    "info": "Police attended the home twice in October (UNSHARED-INFO-2)",
    "voice": "Amy told her teacher she is scared at bedtime (UNSHARED-VOICE-3)",
    "action": "Run a check on the partner with the police national computer (UNSHARED-ACTION-4)",
    "action_measure": "Result of the check reported to the lead practitioner (UNSHARED-MEASURE-5)",
    "note": "Headteacher reluctant to share further detail (UNSHARED-NOTE-6)",
    "disagreement_entry": "Health and school disagree on the threshold (SHARED-BUT-DISAGREEMENT-7)",
    "reasons_detail": "School and health visiting see the risk very differently (REASONS-DETAIL-8)",
    "not_informed_reason": "Telling mother beforehand might put Amy at risk from the partner (NOT-TOLD-9)",
    "not_attending_rationale": "The professionals needed to discuss the partner's record first (NOT-PRESENT-10)",
    "disagreement_summary": "Health visitor thinks a strategy discussion is needed (DISAGREE-SUMMARY-11)",
    "escalation": "Health visitor to raise it with her named nurse (ESCALATION-12)",
    "lead_note": "Jo keeps the case while the assessment runs (LEAD-NOTE-13)",
    "other_procedure_reason": "Not a strategy discussion: no immediate risk of significant harm (OTHER-PROC-14)",
    "objection_response": "Mother was reassured by phone (OBJECTION-15)",
    "legislation": "Children Act 1989 section 17 considered (LEGISLATION-16)",
    "existing_plan": "The existing CIN plan was reviewed and is out of date (EXISTING-PLAN-17)",
    "feedback_not_needed": "ignored when a person is named (FEEDBACK-REASON-18)",
    "partner_source": "Sgt Paul Reid",
}

#: Texts that are shared with the family and must appear in the family copy.
SHARED = {
    "strength": "Mother takes Amy to school every day (SHARED-STRENGTH-1)",
    "need": "Amy needs a stable bedtime routine (SHARED-NEED-2)",
    "voice": "Amy said she likes her new class (SHARED-VOICE-3)",
    "action": "Offer mother a parenting course at the family hub (SHARED-ACTION-4)",
    "action_measure": "Mother has started the course (SHARED-MEASURE-5)",
    "decision": "An early help assessment will be offered (SHARED-DECISION-6)",
    "homeless": "Grandmother can help with the school run (SHARED-HOMELESS-7)",
}


def templates():
    return shipped_templates()


def hampshire():
    return templates()["hampshire"]


def calderdale():
    return templates()["calderdale"]


def full_meeting() -> dict:
    """A final, reopened Hampshire planning meeting with everything recorded, in two parts."""
    return copy.deepcopy(_FULL)


_FULL = {
    "id": "m-0001",
    "case_ref": "CSC/2026/0412",
    "title": "Planning meeting about Amy and Ben",
    "template": "hampshire",
    "meeting_type": "planning",
    "status": "final",
    "date": "2026-11-20",
    "start_time": "10:00",
    "end_time": "11:30",
    "venue": "Meeting room 2, Civic Offices, Winchester",
    "convening_agency": "Hampshire Children's Services",
    "chair": {"name": "Sarah Khan", "role": "Practice manager", "agency": "Hampshire Children's Services"},
    "minute_taker": {"name": "Tom Price", "role": "Business support", "agency": "Hampshire Children's Services"},
    "authorised_by": {"name": "Helen Ward", "role": "Team manager", "agency": "Hampshire Children's Services"},
    "reasons": ["drift", "professional_disagreement"],
    "reasons_detail": UNSHARED["reasons_detail"],
    "other_procedure": "strategy_discussion",
    "other_procedure_reason": UNSHARED["other_procedure_reason"],
    "aim": "To agree a plan that keeps Amy and Ben safe at home.\nAnd to agree who leads.",
    "introductions": "Everyone introduced themselves and their agency.",
    "existing_plan_reviewed": UNSHARED["existing_plan"],
    "legislation_considered": UNSHARED["legislation"],
    "protective_marking": "official-sensitive",
    "subjects": [
        {"name": "Amy Jones", "kind": "child", "date_of_birth": "2016-03-05"},
        {"name": "Ben Jones", "kind": "child"},
    ],
    "family": {
        "informed_beforehand": False,
        "not_informed_reason": UNSHARED["not_informed_reason"],
        "agencies_agreed_not_to_inform": True,
        "objected": True,
        "objection_response": UNSHARED["objection_response"],
        "attending": "part_two",
        "not_attending_rationale": UNSHARED["not_attending_rationale"],
    },
    "attendees": [
        {
            "id": "a1",
            "name": "Jo Baker",
            "role": "Social worker",
            "agency": "Hampshire Children's Services",
            "email": "jo.baker@hants.example",
            "attendance": "present",
            "parts": "both",
        },
        {
            "id": "a2",
            "name": "Priya Shah",
            "role": "Health visitor",
            "agency": "Southern Health",
            "email": "priya.shah@nhs.example",
            "attendance": "present",
            "parts": "professionals",
        },
        {
            "id": "a3",
            "name": "Paul Reid",
            "role": "Sergeant",
            "agency": "Hampshire Constabulary",
            "email": "paul.reid@police.example",
            "attendance": "written_contribution",
        },
        {
            "id": "a4",
            "name": "Mark Owen",
            "role": "Deputy headteacher",
            "agency": "Oak Primary School",
            "attendance": "substitute",
            "substitute_for": "Anne Hill",
            "parts": "both",
        },
        {
            "id": "a5",
            "name": "Dr Lee Chan",
            "role": "Consultant psychologist",
            "agency": "Independent",
            "attendance": "present",
            "is_expert": True,
            "parts": "professionals",
        },
        {
            "id": "a6",
            "name": "Kerry Jones",
            "role": "Mother",
            "attendance": "present",
            "is_family": True,
            "parts": "family",
            "email": "kerry@example.org",
        },
        {
            "id": "a7",
            "name": "Sam Green",
            "role": "Advocate",
            "agency": "Family Rights Group",
            "attendance": "present",
            "is_family": True,
            "parts": "family",
        },
        {"id": "a8", "name": "Rita Moss", "role": "GP", "agency": "Itchen Surgery", "attendance": "apologies"},
        {
            "id": "a9",
            "name": "Ian Ford",
            "role": "Housing officer",
            "agency": "Winchester City Council",
            "attendance": "absent",
        },
    ],
    "entries": [
        {
            "id": "e1",
            "kind": "strength",
            "text": SHARED["strength"],
            "stage": "before_meeting",
            "step": "known_before",
            "source_agency": "Oak Primary School",
            "basis": "fact",
            "share_with_family": True,
        },
        {
            "id": "e2",
            "kind": "need",
            "text": SHARED["need"],
            "stage": "before_meeting",
            "step": "known_before",
            "source_attendee_id": "a2",
            "basis": "opinion",
            "share_with_family": True,
        },
        {
            "id": "e3",
            "kind": "risk",
            "text": UNSHARED["risk"],
            "stage": "before_meeting",
            "step": "known_before",
            "source_attendee_id": "a3",
            "basis": "fact",
            "part": "professionals",
            "share_with_family": False,
        },
        {
            "id": "e4",
            "kind": "information",
            "text": UNSHARED["info"],
            "step": "new_information",
            "source_attendee_id": "a3",
            "basis": "fact",
            "part": "professionals",
        },
        {
            "id": "e5",
            "kind": "information",
            "text": "Attendance is 96% this term",
            "step": "new_information",
            "source_agency": "Oak Primary School",
            "basis": "fact",
            "share_with_family": True,
            "part": "family",
        },
        {
            "id": "e6",
            "kind": "voice_of_subject",
            "text": UNSHARED["voice"],
            "step": "new_information",
            "source_attendee_id": "a4",
            "basis": "unverified",
            "share_with_family": False,
        },
        {
            "id": "e7",
            "kind": "voice_of_subject",
            "text": SHARED["voice"],
            "step": "new_information",
            "source_attendee_id": "a4",
            "basis": "fact",
            "share_with_family": True,
        },
        {
            "id": "e8",
            "kind": "risk",
            "text": "Damp in the children's bedroom",
            "stage": "during_meeting",
            "step": "identified_during",
            "source_agency": "Winchester City Council",
            "basis": "unverified",
            "share_with_family": True,
        },
        {
            "id": "e9",
            "kind": "decision",
            "text": SHARED["decision"],
            "step": "addressing_needs",
            "share_with_family": True,
        },
        {"id": "e10", "kind": "note", "text": UNSHARED["note"], "step": "plan"},
        {
            "id": "e11",
            "kind": "disagreement",
            "text": UNSHARED["disagreement_entry"],
            "step": "disagreement",
            "share_with_family": True,
        },
        # no step: strength during the meeting -> home "identified_during"
        {
            "id": "e12",
            "kind": "strength",
            "text": "Ben is thriving at nursery",
            "stage": "during_meeting",
            "share_with_family": True,
        },
        # a step the template does not have: referral -> home "new_information"
        {
            "id": "e13",
            "kind": "referral",
            "text": "Referral to the family hub made",
            "step": "no_such_step",
            "source_agency": "Hampshire Children's Services",
        },
        # no step and no home in Hampshire: family_view -> "Other information"
        {"id": "e14", "kind": "family_view", "text": SHARED["homeless"], "share_with_family": True},
        {
            "id": "e15",
            "kind": "already_tried",
            "text": "A school nurse referral in June",
            "step": "addressing_needs",
            "basis": "fact",
        },
    ],
    "actions": [
        {
            "id": "x1",
            "description": SHARED["action"],
            "owner_attendee_id": "a1",
            "due_date": "2026-12-04",
            "success_measure": SHARED["action_measure"],
            "addresses": ["e2", "e3"],
            "status": "open",
            "share_with_family": True,
        },
        {
            "id": "x2",
            "description": UNSHARED["action"],
            "owner_attendee_id": "a3",
            "due_date": "2026-11-27",
            "success_measure": UNSHARED["action_measure"],
            "addresses": ["e3"],
            "status": "open",
            "share_with_family": False,
        },
        {
            "id": "x3",
            "description": "Landlord to treat the damp in the bedroom",
            "owner_name": "Ian Ford",
            "agency": "Winchester City Council",
            "due_date": "2027-01-15",
            "success_measure": "Bedroom dry on a home visit",
            "addresses": ["e8"],
            "status": "partly_done",
            "progress_note": "Surveyor visited on 2 Nov",
            "carried_from_action_id": "old-7",
            "share_with_family": True,
        },
        {
            "id": "x4",
            "description": "Share the attendance record every month",
            "agency": "Oak Primary School",
            "status": "done",
        },
    ],
    "family_meeting": {"considered": True, "outcome": "A family group conference will be offered (FGC-OUTCOME)"},
    "lead_practitioner": {
        "name": "Jo Baker",
        "agency": "Hampshire Children's Services",
        "changed": False,
        "note": UNSHARED["lead_note"],
    },
    "disagreement": {"any": True, "summary": UNSHARED["disagreement_summary"], "escalation": UNSHARED["escalation"]},
    "feedback_to_family": {
        "by_attendee_id": "a1",
        "by_date": "2026-11-23",
        "method": "Home visit",
        "not_needed_reason": UNSHARED["feedback_not_needed"],
    },
    "minutes_sharing": {"share_with_family": True, "fii_concern": False, "senior_consulted": "Helen Ward"},
    "next_review": {"required": True, "date": "2027-02-19", "time": "14:00", "venue": "Civic Offices"},
    "finalised_at": "2026-11-21T09:15:00+00:00",
    "finalised_by": "Sarah Khan",
    "distribution": [
        {
            "name": "Jo Baker",
            "email": "jo.baker@hants.example",
            "version": "full",
            "sent_at": "2026-11-21T10:00:00+00:00",
            "method": "Secure email",
        },
        {"name": "Kerry Jones", "version": "family", "sent_at": "2026-11-22T11:00:00+00:00", "method": "By hand"},
    ],
    "amendments": [
        {
            "at": "2026-11-24T14:05:00+00:00",
            "by": "Sarah Khan",
            "field": "next_review.date",
            "old": "2027-02-12",
            "new": "2027-02-19",
            "reason": "Reopened: the venue was not free on the 12th (AMEND-REASON)",
        },
    ],
    "finding_overrides": [
        {
            "rule": "G-31:action:x4",
            "reason": "The school shares it anyway; no date needed (OVERRIDE-REASON)",
            "by": "Sarah Khan",
            "at": "2026-11-21T09:14:00+00:00",
        },
        {"rule": "G-22:attendee:a8", "reason": "GP sent a report by email after the meeting", "by": "Sarah Khan"},
    ],
}


def calderdale_adult_meeting() -> dict:
    """A Calderdale meeting about an adult at risk, the minutes withheld from the family (FII not involved)."""
    return {
        "id": "m-cal-1",
        "case_ref": "ASC 77/2026",
        "template": "calderdale",
        "meeting_type": "professional_disagreement",
        "status": "in_review",
        "date": "2026-10-02",
        "start_time": "13:30",
        "venue": "Halifax Town Hall",
        "chair": {"name": "Martin Cole", "agency": "Calderdale Adult Services"},
        "subjects": [{"name": "Edith Marsh", "kind": "adult_at_risk", "date_of_birth": "1941-07-30"}],
        "family": {"informed_beforehand": True, "attending": "no", "not_attending_rationale": "Edith declined"},
        "attendees": [
            {
                "id": "p1",
                "name": "Nina Patel",
                "role": "Social worker",
                "agency": "Calderdale Adult Services",
                "attendance": "present",
                "email": "nina@calderdale.example",
            },
            {
                "id": "p2",
                "name": "Olu Ade",
                "role": "Hoarding specialist",
                "agency": "Independent",
                "attendance": "present",
                "is_expert": True,
            },
        ],
        "entries": [
            {
                "id": "c1",
                "kind": "voice_of_subject",
                "text": "Edith wants to stay in her home",
                "step": "individual_information",
                "source_attendee_id": "p1",
                "basis": "fact",
            },
            {"id": "c2", "kind": "need", "text": "Safe access to the kitchen", "basis": "fact"},
            {"id": "c3", "kind": "strength", "text": "Neighbour checks on Edith daily", "stage": "before_meeting"},
        ],
        "actions": [],
        "disagreement": {"any": False},
        "minutes_sharing": {
            "share_with_family": False,
            "reason_not_shared": "Edith asked that her son does not see them.",
        },
        "next_review": {"required": False, "reason_not_required": "Case closes after the assessment"},
    }


def big_meeting(attendees: int = 40, entries: int = 300, actions: int = 80) -> dict:
    kinds = ["strength", "need", "risk", "information", "voice_of_subject", "decision", "referral", "note"]
    steps = ["known_before", "new_information", "identified_during", "addressing_needs", None, "plan"]
    m = {
        "id": "big-1",
        "case_ref": "BIG/1",
        "template": "hampshire",
        "meeting_type": "planning",
        "status": "in_review",
        "date": "2026-11-20",
        "chair": {"name": "Big Chair"},
        "subjects": [{"name": "Child One", "kind": "child", "date_of_birth": "2015-01-01"}],
        "attendees": [
            {
                "id": f"a{i}",
                "name": f"Person {i:02d}",
                "role": "Practitioner",
                "agency": f"Agency {i % 9}",
                "email": f"p{i}@example.org",
                "attendance": ["present", "apologies", "written_contribution"][i % 3],
            }
            for i in range(attendees)
        ],
        "entries": [
            {
                "id": f"e{i}",
                "kind": kinds[i % len(kinds)],
                "text": f"Entry number {i:03d} about the child",
                "step": steps[i % len(steps)],
                "source_attendee_id": f"a{i % attendees}",
                "basis": ["fact", "opinion", "unverified"][i % 3],
                "stage": ["before_meeting", "during_meeting"][i % 2],
            }
            for i in range(entries)
        ],
        "actions": [
            {
                "id": f"x{i}",
                "description": f"Action number {i:02d} to reduce the risk",
                "owner_attendee_id": f"a{i % attendees}",
                "due_date": "2026-12-18",
                "success_measure": f"Measure {i:02d}",
                "addresses": [f"e{(i * 3) % entries}"],
                "status": "open",
            }
            for i in range(actions)
        ],
    }
    return m


# ------------------------------------------------------------------------------ reading a .docx back


def open_docx(path):
    import docx

    return docx.Document(str(path))


def body_blocks(doc):
    """The body in order: ('p', style name, text) for paragraphs, ('t', table style, rows) for tables,
    rows being lists of cell texts."""
    from docx.table import Table

    out = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            rows = [[c.text for c in r.cells] for r in block.rows]
            out.append(("t", block.style.name if block.style is not None else None, rows))
        else:
            out.append(("p", block.style.name if block.style is not None else None, block.text))
    return out


def all_text(doc) -> str:
    """Every string of the body (paragraphs and table cells), one per line."""
    lines = []
    for kind, _style, value in body_blocks(doc):
        if kind == "p":
            lines.append(value)
        else:
            lines.extend(c for row in value for c in row)
    return "\n".join(lines)


def by_heading(doc) -> dict[str, list]:
    """Body blocks under each Heading 1 (keyed by the heading text)."""
    out: dict[str, list] = {}
    current = None
    for block in body_blocks(doc):
        if block[0] == "p" and block[1] == "Heading 1":
            current = block[2]
            out[current] = []
        elif current is not None:
            out[current].append(block)
    return out


def tables(doc) -> list[list[list[str]]]:
    return [b[2] for b in body_blocks(doc) if b[0] == "t"]


def table_with(doc, first_header: str) -> list[list[str]]:
    return next(t for t in tables(doc) if t and t[0] and t[0][0] == first_header)


def package_xml(path) -> str:
    """Every XML part of the package, concatenated (to prove something is nowhere in the file)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))


def part_xml(path, prefix: str) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith(prefix) and n.endswith(".xml")]
