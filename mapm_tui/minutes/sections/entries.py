"""The entries under a step: grouped by kind (the step's kinds first), strengths, needs and risks by when
they were identified, information by agency, the voice of the child or adult on its own (G-11, G-12)."""

from __future__ import annotations

from ...vocabulary import BASIS_LABELS
from .. import family_copy
from ..blocks import Group, Item
from ..context import Context
from ..values import as_line, as_text
from ..words import ENTRY_GROUPS, ENTRY_KIND_ORDER, SNR, STAGE_WORDS


def item(ctx: Context, e: dict, *, with_agency: bool = True) -> Item:
    """One entry: its text, and who said it and whether it is fact or opinion."""
    meta = []
    src = ctx.source(e, with_agency=with_agency)
    if ctx.family:  # words a parent reads without a key, no tags
        if src:
            meta.append(f"Shared by {src}")
        if e.get("basis") in family_copy.BASIS:
            meta.append(f"this is {family_copy.BASIS[e['basis']]}")
    else:
        if src:
            meta.append(f"Source: {src}")
        if e.get("basis") in BASIS_LABELS:
            meta.append(BASIS_LABELS[e["basis"]].lower())
    if not ctx.family and ctx.two_part and e.get("part") in ("professionals", "family"):
        meta.append(
            "said in the professionals-only part" if e["part"] == "professionals" else "said with the family present"
        )
    return Item(text=as_text(e.get("text")) or "(no text)", meta="; ".join(meta), entry_id=as_line(e.get("id")))


def groups(ctx: Context, entries: list[dict], step=None) -> list[Group]:
    """The entries as groups, each a heading and its items."""
    if not entries:
        return []
    order = list(getattr(step, "entry_kinds", ()) or ())
    order += [k for k in ENTRY_KIND_ORDER if k not in order]
    order += sorted({as_line(e.get("kind")) for e in entries} - set(order))
    step_stage = getattr(step, "stage", None) if getattr(step, "kind", None) == "entries" else None
    by_kind: dict[str, list[dict]] = {}
    for e in entries:
        by_kind.setdefault(as_line(e.get("kind")), []).append(e)
    out: list[Group] = []
    for kind in order:
        es = by_kind.get(kind)
        if not es:
            continue
        if kind in SNR:
            for stage in ("before_meeting", "during_meeting", None):
                sub = [e for e in es if (e.get("stage") or step_stage) == stage]
                if sub:
                    title = ENTRY_GROUPS[kind] + (f" {STAGE_WORDS[stage]}" if stage else "")
                    out.append(Group(title, tuple(item(ctx, e) for e in sub)))
        elif kind == "information":
            agencies: dict[str, list[dict]] = {}
            for e in es:
                agencies.setdefault(ctx.agency_of(e), []).append(e)
            for agency, sub in agencies.items():
                title = f"Information from {agency}" if agency else "Information (agency not recorded)"
                out.append(Group(title, tuple(item(ctx, e, with_agency=False) for e in sub)))
        elif kind == "voice_of_subject":
            out.append(Group(ctx.words.voice_title, tuple(item(ctx, e) for e in es)))
        else:
            title = ENTRY_GROUPS.get(kind) or (kind.replace("_", " ").capitalize() or "Other entries")
            out.append(Group(title, tuple(item(ctx, e) for e in es)))
    return out
