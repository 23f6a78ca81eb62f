"""One family-copy rule (G-52, `minutes.family_copy`): the Word family copy, who receives it and the check
before sending agree on whether there is one and on what it shows; and the handling statement (G-54) knows
an adults' meeting the way the rest of the product does (`subject_words`)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from mapm_tui.minutes import MinutesWithheld, build_layout, export_minutes
from mapm_tui.minutes.recipients import recipients
from mapm_tui.outbox import check_before_sending
from tests.minutes_fixtures import all_text, calderdale, calderdale_adult_meeting, full_meeting, hampshire, open_docx

PHONE = "01632 960{:03d}"  # Ofcom's drama range: never a real number


@pytest.mark.parametrize("decision", [True, False, None])
def test_the_family_copy_is_made_exactly_when_the_family_members_are_given_it(tmp_path, decision):
    m = full_meeting()
    m["minutes_sharing"] = {"share_with_family": decision, "reason_not_shared": "FII concerns"}
    family = [r for r in recipients(m) if r.is_family]
    assert family, "the fixture has family members on the attendance list"
    try:
        export_minutes(m, hampshire(), tmp_path / "family.docx", family=True)
        made = True
    except MinutesWithheld:
        made = False
    assert made is (decision is True)
    assert all((r.version == "family") is made for r in family)


def test_the_check_before_sending_warns_about_what_the_family_copy_shows_and_nothing_else(tmp_path):
    """Every entry and action gets a phone number; the check warns about an item exactly when the family
    copy shows it (a disagreement entry marked shared is not shown, so it is not warned about)."""
    m = full_meeting()
    items = [*m["entries"], *m["actions"]]
    for n, item in enumerate(items):
        field = "text" if "text" in item else "description"
        item[field] = f"Item {n}: call {PHONE.format(n)}"
    export_minutes(m, hampshire(), tmp_path / "family.docx", family=True)
    shown = set(re.findall(r"Item (\d+):", all_text(open_docx(tmp_path / "family.docx"))))
    warned = {w for s in check_before_sending(m) for w in re.findall(r"'Item (\d+):", s.what)}
    assert shown and warned == shown
    disagreement = next(n for n, item in enumerate(items) if item.get("kind") == "disagreement")
    assert items[disagreement].get("share_with_family") is True and str(disagreement) not in shown


def test_an_adults_template_gives_the_adults_handling_statement_before_anyone_is_named():
    """G-54: the template says who the meeting is about until the subjects are recorded."""
    m = calderdale_adult_meeting()
    m["subjects"] = []
    adults = dataclasses.replace(calderdale(), subject_kind="adult")
    assert "with their consent where possible" in build_layout(m, adults).handling
    for kind in ("child", "child_or_adult"):
        children = dataclasses.replace(calderdale(), subject_kind=kind)
        assert "not consent" in build_layout(m, children).handling
