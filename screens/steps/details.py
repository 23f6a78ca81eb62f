"""Date, time and venue (the first step of both published agendas)."""

from __future__ import annotations

from ..form import FieldSpec, person_specs
from .closing import FormStep


class DetailsStep(FormStep):
    FIELDS = [
        FieldSpec("date", "Date of the meeting", "date", required=True),
        FieldSpec("start_time", "Start time", "time"),
        FieldSpec(
            "end_time", "End time", "time", help="Filled in when you end the meeting (F3); change it if it is wrong."
        ),
        FieldSpec("venue", "Venue", placeholder="Room, building, or 'Video call'"),
        FieldSpec("case_ref", "Case reference"),
        *person_specs("chair", "Chair"),
        *person_specs("minute_taker", "Minute-taker"),
    ]
