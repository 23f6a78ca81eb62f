"""G-03's "a legitimate concern for professionals' safety": a reason the chair picks, named in the full
minutes (never in the family copy), carried through a bundle whose fixed `reasons` list lacks it ("other"
and a fixed sentence in `reasons_detail`), and a bundle from another system left as it says."""

from __future__ import annotations

import copy

import pytest
from textual.widgets import SelectionList

from mapm_tui.bundle import export_bundle, import_bundle
from mapm_tui.bundle_reasons import SAFETY_AND_OTHER, SAFETY_ONLY, from_bundle, to_bundle
from mapm_tui.minutes import build_layout
from mapm_tui.schema import bundle_validator
from mapm_tui.store import StoreError
from mapm_tui.vocabulary import MEETING_REASONS
from tests.minutes_fixtures import all_text, full_meeting, hampshire, open_docx
from tests.pilot_helpers import wait_until

SAFETY = "A legitimate concern for professionals' safety"


def bundle_with(reasons: list[str], detail: str | None) -> dict:
    meeting = {
        "id": "m-elsewhere-1",
        "template": "hampshire",
        "meeting_type": "planning",
        "status": "draft",
        "date": "2026-11-20",
        "reasons": reasons,
    }
    if detail is not None:
        meeting["reasons_detail"] = detail
    return {"format": "mapm-meeting", "version": 1, "meeting": meeting}


def _valid(bundle: dict) -> None:
    assert list(bundle_validator().iter_errors(bundle)) == []


# -- the mapping itself --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reasons", "detail", "in_bundle", "detail_in_bundle"),
    [
        (["drift", "professional_safety"], None, ["drift", "other"], SAFETY_ONLY),
        (
            ["professional_safety"],
            "Threats at the last home visit",
            ["other"],
            SAFETY_ONLY + "\nThreats at the last home visit",
        ),
        (["professional_safety", "other"], "A housing move", ["other"], SAFETY_AND_OTHER + "\nA housing move"),
        (["uncertainty", "other"], "Something else", ["uncertainty", "other"], "Something else"),
    ],
)
def test_the_reasons_in_a_bundle_and_back(reasons, detail, in_bundle, detail_in_bundle):
    meeting = {"reasons": reasons, "reasons_detail": detail}
    out = to_bundle(meeting)
    assert (out["reasons"], out["reasons_detail"]) == (in_bundle, detail_in_bundle)
    back = from_bundle(out)
    assert (back["reasons"], back["reasons_detail"]) == (reasons, detail)
    assert meeting == {"reasons": reasons, "reasons_detail": detail}  # the app's own dict is not changed


@pytest.mark.parametrize(
    ("reasons", "detail"),
    [
        (["other"], "Staff were threatened at the last visit"),  # another system's own words stay theirs
        (["other"], "See below.\n" + SAFETY_ONLY),  # the sentence counts only as the first line
        (["drift"], SAFETY_ONLY),  # and only beside "other"
        (["other"], SAFETY_ONLY + " And more on the same line"),
        (["other"], None),
    ],
)
def test_other_with_free_text_stays_other(reasons, detail):
    meeting = {"reasons": reasons, "reasons_detail": detail}
    assert from_bundle(meeting) == meeting


# -- through the store: export and import, both ways -----------------------------------------------------
@pytest.mark.both_dialects
def test_a_meeting_with_the_safety_reason_exports_valid_and_imports_the_same(store, new_meeting, templates):
    mid = new_meeting()
    store.set_fields(mid, {"reasons": ["drift", "professional_safety"], "reasons_detail": "Dog at the door"})
    bundle = export_bundle(store, mid)
    _valid(bundle)
    assert bundle["meeting"]["reasons"] == ["drift", "other"]
    assert bundle["meeting"]["reasons_detail"] == SAFETY_ONLY + "\nDog at the door"
    before = store.load_meeting(mid)
    again = copy.deepcopy(bundle)
    again["meeting"]["id"] = "m-again-1"
    new_id = import_bundle(store, again, templates)
    after = store.load_meeting(new_id)
    assert after["reasons"] == ["drift", "professional_safety"]
    assert after["reasons_detail"] == "Dog at the door"
    assert {k: v for k, v in after.items() if k != "id"} == {k: v for k, v in before.items() if k != "id"}
    second = export_bundle(store, new_id)
    assert second["meeting"]["reasons"] == bundle["meeting"]["reasons"]
    assert second["meeting"]["reasons_detail"] == bundle["meeting"]["reasons_detail"]


@pytest.mark.both_dialects
def test_a_bundle_naming_the_reason_in_the_fixed_sentence_imports_as_the_reason(store, templates):
    mid = import_bundle(store, bundle_with(["other", "uncertainty"], SAFETY_AND_OTHER + "\nA new partner"), templates)
    m = store.load_meeting(mid)
    assert m["reasons"] == ["professional_safety", "other", "uncertainty"]
    assert m["reasons_detail"] == "A new partner"
    out = export_bundle(store, mid)["meeting"]
    assert (out["reasons"], out["reasons_detail"]) == (["other", "uncertainty"], SAFETY_AND_OTHER + "\nA new partner")


@pytest.mark.both_dialects
def test_a_bundle_from_another_system_with_other_and_free_text_stays_other(store, templates):
    bundle = bundle_with(["other"], "Worried about a dog at the house")
    mid = import_bundle(store, bundle, templates)
    m = store.load_meeting(mid)
    assert (m["reasons"], m["reasons_detail"]) == (["other"], "Worried about a dog at the house")
    out = export_bundle(store, mid)["meeting"]
    assert (out["reasons"], out["reasons_detail"]) == (["other"], "Worried about a dog at the house")


@pytest.mark.both_dialects
def test_details_too_long_to_export_with_the_sentence_are_refused_and_nothing_is_written(store, new_meeting):
    mid = new_meeting()
    store.set_fields(mid, {"reasons_detail": "x" * 20_000, "reasons": ["drift"]})  # the schema's limit: fine
    with pytest.raises(StoreError, match="professionals' safety"):
        store.set_fields(mid, {"reasons": ["drift", "professional_safety"]})
    assert store.load_meeting(mid)["reasons"] == ["drift"]
    store.set_fields(mid, {"reasons_detail": "short", "reasons": ["professional_safety"]})
    with pytest.raises(StoreError, match="shorten the details"):
        store.set_fields(mid, {"reasons_detail": "y" * 20_000})
    assert store.load_meeting(mid)["reasons_detail"] == "short"
    _valid(export_bundle(store, mid))


@pytest.mark.both_dialects
def test_a_reason_the_app_does_not_know_is_refused(store, new_meeting):
    mid = new_meeting()
    with pytest.raises(StoreError, match="was not saved"):
        store.set_fields(mid, {"reasons": ["worried_about_relationship"]})


# -- the minutes --------------------------------------------------------------------------------------------
def _safety_meeting() -> dict:
    m = full_meeting()
    m["reasons"] = ["professional_safety", "drift"]
    m["minutes_sharing"] = {"share_with_family": True, "fii_concern": False}
    return m


def test_the_full_minutes_name_the_reason_in_the_guidances_words():
    details = build_layout(_safety_meeting(), hampshire()).details
    assert details.get("Reasons for holding the meeting").startswith(
        SAFETY + "\nDrift or no progress (a stuck case)\nDetails: "
    )


def test_the_family_copy_never_shows_the_safety_reason(tmp_path):
    """G-52 shares decisions, not why professionals met: design.md keeps every reason for convening out of
    the family copy, and this one above all (telling a family the professionals fear them can raise the
    very risk it records)."""
    from mapm_tui.minutes import export_minutes

    path = tmp_path / "family.docx"
    export_minutes(_safety_meeting(), hampshire(), path, family=True)
    text = all_text(open_docx(path))
    assert "safety" not in text.casefold() and "G-03" not in text
    full = tmp_path / "full.docx"
    export_minutes(_safety_meeting(), hampshire(), full)
    assert SAFETY in all_text(open_docx(full))


# -- the set-up screen -----------------------------------------------------------------------------------
async def test_the_chair_picks_the_safety_reason_on_the_setup_screen(store, new_meeting, make_app):
    mid = new_meeting()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.store is not None and app.screen.__class__.__name__ == "HomeScreen")
        app.open_meeting(mid)
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "SetupScreen" and app.screen.query("#reasons"))
        reasons = app.screen.query_one("#reasons", SelectionList)
        labels = [str(reasons.get_option_at_index(i).prompt) for i in range(reasons.option_count)]
        assert labels == list(MEETING_REASONS.values())
        reasons.focus()
        await pilot.pause()
        for _ in range(labels.index(SAFETY)):
            await pilot.press("down")
        await pilot.press("space")
        await wait_until(pilot, lambda: store.load_meeting(mid).get("reasons") == ["professional_safety"])
