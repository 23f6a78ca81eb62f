"""Agenda templates as data.

A template is a TOML file: a key, a name, the rule severities that differ between partnerships
(`[rules]`), and an ordered list of steps. Screens are chosen per step *kind*, never per step, so a
partnership can add its own agenda by dropping a file into the user's `templates/` folder.

A meeting keeps a snapshot of its template (`Template.to_dict`), so editing a template later never
changes the minutes of a meeting already held.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from ..subject_words import TEMPLATE_SUBJECT_KINDS

#: Every kind of agenda step the app has a screen for.
STEP_KINDS = (
    "details",
    "attendance",
    "text",
    "entries",
    "actions",
    "family_meeting",
    "lead_practitioner",
    "disagreement",
    "feedback_to_family",
    "minutes_sharing",
    "next_review",
)

#: Meeting fields a `text` step may edit (all free text in the bundle's meeting object).
TEXT_FIELDS = ("aim", "introductions", "existing_plan_reviewed", "legislation_considered")

#: Entry kinds, as in the bundle schema.
ENTRY_KINDS = (
    "strength",
    "need",
    "risk",
    "information",
    "voice_of_subject",
    "family_view",
    "already_tried",
    "how_to_address",
    "disagreement",
    "decision",
    "referral",
    "note",
)

STAGES = ("before_meeting", "during_meeting")
SEVERITIES = ("block", "warn", "off", "block_in_disagreement_meeting")
#: Rules whose severity a template may set, with the value used when it says nothing.
RULE_DEFAULTS = {"G-12": "warn", "G-21": "off", "G-40": "off", "G-42": "block"}
SHIPPED = ("hampshire", "calderdale")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    kind: str
    prompt: str = ""
    minutes: int = 5
    #: entries steps: the entry kinds captured here, the first being the default.
    entry_kinds: tuple[str, ...] = ()
    #: entries steps: the stage entries captured here carry (None: during the meeting, unless typed).
    stage: str | None = None
    #: text steps: the meeting field edited here.
    field: str | None = None
    #: a rule id (such as G-21) that expects this step to have content; severity from the template's rules.
    check: str | None = None


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    steps: tuple[Step, ...]
    source: str = ""
    subject_kind: str = "child"
    rules: dict[str, str] = field(default_factory=dict)

    def severity(self, rule: str) -> str:
        """How hard this template presses on `rule` (block, warn, off, block_in_disagreement_meeting)."""
        return self.rules.get(rule, RULE_DEFAULTS.get(rule, "block"))

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def steps_of_kind(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    def home_step(self, entry_kind: str, stage: str | None = None) -> Step | None:
        """The step where an entry of this kind (and stage) belongs when it was captured under no step.

        A step whose stage matches wins over one that names no stage; a step with another stage is
        used only if nothing else takes the kind. None: the entry goes under "Other information".
        """
        candidates = [s for s in self.steps if s.kind == "entries" and entry_kind in s.entry_kinds]
        for wanted in (stage, None):
            for s in candidates:
                if s.stage == wanted:
                    return s
        return candidates[0] if candidates else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["steps"] = [{k: v for k, v in asdict(s).items() if v not in (None, (), [])} for s in self.steps]
        return data

    @classmethod
    def from_dict(cls, data: dict, origin: str = "template") -> Template:
        return _parse(data, origin)


def _parse(data: dict, origin: str) -> Template:
    def fail(where: str, what: str) -> TemplateError:
        return TemplateError(f"{origin}: {where} {what}; fix the file or remove it from the templates folder.")

    for name in ("key", "name"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise fail(f"'{name}'", "is missing or empty")
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise fail("'rules'", "must be a table")
    for rule, sev in rules.items():
        if sev not in SEVERITIES:
            raise fail(f"rules.'{rule}'", f"is '{sev}', not one of {', '.join(SEVERITIES)}")
    kinds = TEMPLATE_SUBJECT_KINDS
    if data.get("subject_kind", "child") not in kinds:
        raise fail("'subject_kind'", f"is '{data.get('subject_kind')}', not one of {', '.join(kinds)}")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise fail("'steps'", "must list at least one [[steps]]")
    steps: list[Step] = []
    seen: set[str] = set()
    allowed = set(Step.__dataclass_fields__)
    for n, raw in enumerate(raw_steps, start=1):
        where = f"step {n}"
        if not isinstance(raw, dict):
            raise fail(where, "is not a table")
        unknown = set(raw) - allowed
        if unknown:
            raise fail(f"{where} field '{sorted(unknown)[0]}'", "is not a step field")
        for name in ("key", "title", "kind"):
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                raise fail(f"{where} '{name}'", "is missing or empty")
        if raw["key"] in seen:
            raise fail(f"{where} key '{raw['key']}'", "is used twice")
        seen.add(raw["key"])
        if raw["kind"] not in STEP_KINDS:
            raise fail(f"{where} kind '{raw['kind']}'", f"is not one of {', '.join(STEP_KINDS)}")
        minutes = raw.get("minutes", 5)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= 240:
            raise fail(f"{where} 'minutes'", "must be a whole number from 1 to 240")
        kinds = raw.get("entry_kinds", [])
        if raw["kind"] == "entries":
            if not kinds or any(k not in ENTRY_KINDS for k in kinds):
                raise fail(f"{where} 'entry_kinds'", f"must list entry kinds from {', '.join(ENTRY_KINDS)}")
        if raw.get("stage") not in (None, *STAGES):
            raise fail(f"{where} 'stage'", f"must be one of {', '.join(STAGES)}")
        if raw["kind"] == "text" and raw.get("field") not in TEXT_FIELDS:
            raise fail(f"{where} 'field'", f"must be one of {', '.join(TEXT_FIELDS)}")
        steps.append(
            Step(
                key=raw["key"],
                title=raw["title"],
                kind=raw["kind"],
                prompt=raw.get("prompt", ""),
                minutes=minutes,
                entry_kinds=tuple(kinds),
                stage=raw.get("stage"),
                field=raw.get("field"),
                check=raw.get("check"),
            )
        )
    return Template(
        key=data["key"],
        name=data["name"],
        steps=tuple(steps),
        source=data.get("source", ""),
        subject_kind=data.get("subject_kind", "child"),
        rules=dict(rules),
    )


def load_file(path: Path) -> Template:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: is not valid TOML ({exc}); fix the file.") from None
    return _parse(data, str(path))


def shipped_templates() -> dict[str, Template]:
    out = {}
    for key in SHIPPED:
        text = resources.files(__package__).joinpath(f"{key}.toml").read_text(encoding="utf-8")
        out[key] = _parse(tomllib.loads(text), f"{key}.toml")
    return out


def load_templates(user_dir: Path | None = None) -> dict[str, Template]:
    """The shipped templates plus any in `user_dir` (`*.toml`), by key.

    Raises TemplateError for a malformed user template or one that reuses a shipped key.
    """
    templates = shipped_templates()
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            tpl = load_file(path)
            if tpl.key in templates:
                raise TemplateError(
                    f"{path}: key '{tpl.key}' is already used by "
                    + ("a shipped template" if tpl.key in SHIPPED else "another template")
                    + "; give this template a key of its own."
                )
            templates[tpl.key] = tpl
    return templates
