"""What the minutes need that the bundle has no field for, kept under the meeting's `extensions`.

The bundle schema is a fixed contract (`meeting-bundle.schema.json`); it allows product-specific extras
under `meeting.extensions`, and that is where these live, under one key (`EXT_KEY`), so a bundle export
and import carries them and another product ignores them:

    family_fields   free-text fields the chair decided to share with the family although design.md's list
                    does not include them ("introductions", "family_meeting.outcome", "lead_practitioner.note")
    accuracy        G-53: when the minutes went out for checking, corrections received, who agreed the
                    final text and the sign-off (see `accuracy.py`)

Pure functions over the meeting dict; `save_extras` writes through `Store.set_fields`, so a final
meeting's lock and the amendment record apply as to any other field.
"""

from __future__ import annotations

import copy
from typing import Any

EXT_KEY = "mapm_minutes"

#: Free-text fields outside design.md's family list that the chair may decide to share, with their names.
SHAREABLE_FIELDS = {
    "introductions": "Introductions",
    "family_meeting.outcome": "The outcome of considering a family meeting",
    "lead_practitioner.note": "The note about the lead practitioner",
}


class ExtrasError(ValueError):
    """A request about the minutes' extras that cannot be met; the message is one sentence."""


def extras(meeting: dict) -> dict:
    """This product's extras of `meeting` (a copy; {} when none)."""
    ext = meeting.get("extensions")
    mine = ext.get(EXT_KEY) if isinstance(ext, dict) else None
    return copy.deepcopy(mine) if isinstance(mine, dict) else {}


def with_extras(meeting: dict, mine: dict) -> dict:
    """The meeting's whole `extensions` object with ours replaced by `mine` (others' keys kept)."""
    ext = meeting.get("extensions")
    ext = dict(ext) if isinstance(ext, dict) else {}
    ext[EXT_KEY] = mine
    return ext


def family_fields(meeting: dict) -> set[str]:
    """The free-text fields the chair decided to share with the family (beyond design.md's list)."""
    value = extras(meeting).get("family_fields")
    return {v for v in value if v in SHAREABLE_FIELDS} if isinstance(value, list) else set()


def set_family_field(meeting: dict, field: str, shared: bool) -> dict:
    """The new `extensions` object with `field` shared with the family or not. Raises ExtrasError."""
    if field not in SHAREABLE_FIELDS:
        raise ExtrasError(
            f"'{field}' is not a field whose sharing can be decided; use one of {', '.join(SHAREABLE_FIELDS)}."
        )
    mine = extras(meeting)
    chosen = family_fields(meeting)
    (chosen.add if shared else chosen.discard)(field)
    mine["family_fields"] = sorted(chosen)
    return with_extras(meeting, mine)


def save_extras(store, meeting_id: str, extensions: dict[str, Any]) -> None:
    """Write a meeting's `extensions` (as built by the functions here)."""
    store.set_fields(meeting_id, {"extensions": extensions})
