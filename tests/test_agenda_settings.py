"""Agenda templates as data, and settings: defaults, user additions, clear errors."""

from __future__ import annotations

import pytest

from mapm_tui.agenda import TemplateError, load_templates, shipped_templates
from mapm_tui.settings import Settings, SettingsError, load_settings


def test_shipped_templates_follow_their_procedures():
    t = shipped_templates()
    hants, calder = t["hampshire"], t["calderdale"]
    # G-20: the printed order, then the closing steps Hampshire requires elsewhere
    # (G-33, H 8.2: the review of an existing plan comes before the new plan is agreed)
    assert [s.key for s in hants.steps][:13] == [
        "details",
        "introductions",
        "attendance",
        "aim",
        "known_before",
        "new_information",
        "identified_during",
        "addressing_needs",
        "existing_plan",
        "plan",
        "family_meeting",
        "lead_practitioner",
        "next_review",
    ]
    assert {"feedback_to_family", "minutes_sharing", "disagreement"} <= {s.key for s in hants.steps}
    # G-21: Calderdale Appendix A has no family meeting step but does have the individual's views
    assert "family_meeting" not in {s.kind for s in calder.steps}
    assert calder.step("plan_views").check == "G-21"
    assert hants.severity("G-40") == "block" and calder.severity("G-40") == "off"
    assert hants.severity("G-12") == "warn" and calder.severity("G-12") == "block"
    for tpl in t.values():
        for step in tpl.steps:
            assert step.prompt and step.minutes > 0


def test_home_step_of_an_entry_kind():
    hants = shipped_templates()["hampshire"]
    assert hants.home_step("risk", "before_meeting").key == "known_before"
    assert hants.home_step("risk", "during_meeting").key == "identified_during"
    assert hants.home_step("voice_of_subject").key == "new_information"
    assert hants.home_step("family_view") is None  # goes under "Other information"


def test_the_agenda_a_template_follows_is_its_own_setting():
    """The findings about the agenda's own items (here: no aim) cite the rule of the agenda the template
    says it follows, whatever its key: a partnership's own template chooses (before, only the key
    "calderdale" gave G-21). A snapshot from before the setting keeps what its meeting cited."""
    from dataclasses import replace

    from mapm_tui import rules
    from mapm_tui.agenda import Template

    t = shipped_templates()
    assert (t["hampshire"].agenda_rule, t["calderdale"].agenda_rule) == ("G-20", "G-21")

    def aim_rule(template) -> str:
        meeting = {"id": "m-1", "date": "2026-03-02", "status": "in_review", "aim": ""}
        [found] = [f for f in rules.check_meeting(meeting, template) if "Record the aim" in f.message]
        return found.rule

    assert aim_rule(t["calderdale"]) == "G-21" and aim_rule(t["hampshire"]) == "G-20"
    own = replace(t["hampshire"], key="westshire", agenda_rule="G-21")
    assert aim_rule(own) == "G-21"
    assert aim_rule(replace(t["calderdale"], key="eastshire", agenda_rule="G-20")) == "G-20"
    old = {k: v for k, v in t["calderdale"].to_dict().items() if k != "agenda_rule"}
    assert Template.from_dict(old).agenda_rule == "G-21"
    old_own = {k: v for k, v in own.to_dict().items() if k != "agenda_rule"}
    assert Template.from_dict(old_own).agenda_rule == "G-20"


def test_template_round_trips_through_its_snapshot():
    hants = shipped_templates()["hampshire"]
    assert type(hants).from_dict(hants.to_dict()) == hants


GOOD = """
key = "westshire"
name = "Westshire format"
[[steps]]
key = "aim"
title = "Aim"
kind = "text"
field = "aim"
"""


def test_user_template_is_added(tmp_path):
    (tmp_path / "west.toml").write_text(GOOD, encoding="utf-8")
    assert "westshire" in load_templates(tmp_path)


@pytest.mark.parametrize(
    "text, words",
    [
        (GOOD.replace('"westshire"', '"hampshire"'), "already used by a shipped template"),
        (GOOD.replace('kind = "text"', 'kind = "dance"'), "step 1 ('aim') 'kind' is 'dance'"),
        (GOOD.replace('field = "aim"', 'field = "colour"'), "step 1 ('aim') 'field' is 'colour'"),
        (GOOD.replace('name = "Westshire format"', ""), "'name' is missing"),
        (GOOD + "minutes = 0\n", "'minutes'"),
        ("key = = 1", "not valid TOML"),
    ],
)
def test_malformed_user_template_names_file_and_field(tmp_path, text, words):
    """Left out with one sentence naming the file and the field; the other templates still load."""
    path = tmp_path / "west.toml"
    path.write_text(text, encoding="utf-8")
    templates = load_templates(tmp_path)
    assert set(templates) == {"hampshire", "calderdale"}
    [refused] = templates.refused
    assert isinstance(refused, TemplateError)
    assert str(path) in str(refused) and words in str(refused) and "\n" not in str(refused)


def test_settings_defaults_and_file(tmp_path):
    assert load_settings(tmp_path / "none.toml") == Settings()
    assert Settings().protective_marking == "OFFICIAL-SENSITIVE"
    path = tmp_path / "settings.toml"
    path.write_text('protective_marking = "OFFICIAL"\norganisation = "Brookvale Council"\n', encoding="utf-8")
    s = load_settings(path)
    assert s.protective_marking == "OFFICIAL" and s.organisation == "Brookvale Council"


@pytest.mark.parametrize(
    "text, words",
    [("marking = 'x'", "'marking' is not a setting"), ("organisation = 3", "must be text"), ("x = ", "not valid TOML")],
)
def test_malformed_settings_are_one_clear_error(tmp_path, text, words):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=words):
        load_settings(path)
