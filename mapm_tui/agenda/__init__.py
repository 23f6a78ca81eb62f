"""Agenda templates as data.

A template is a TOML file: a key, a name, the rule severities that differ between partnerships
(`[rules]`), and an ordered list of steps. Screens are chosen per step *kind*, never per step, so a
partnership can add its own agenda by dropping a file into the user's `templates/` folder.

A meeting keeps a snapshot of its template (`Template.to_dict`), so editing a template later never
changes the minutes of a meeting already held.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from ..oserrors import os_reason
from ..subject_words import TEMPLATE_SUBJECT_KINDS
from ..text import quote
from .template_schema import RULE_PATTERN, template_validator

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
#: The guidance's agenda rules a template may follow (`agenda_rule`): the findings about the agenda's own
#: items (an aim, someone present, the times) cite it. Hampshire's format (G-20) unless the template says.
AGENDA_RULES = ("G-20", "G-21")
SHIPPED = ("hampshire", "calderdale")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the field."""

    #: the key the refused file claims, when it can be read (set by `load_templates`)
    key: str | None = None


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
    #: which guidance agenda this template follows (one of AGENDA_RULES): the rule its agenda findings cite
    agenda_rule: str = "G-20"

    def severity(self, rule: str) -> str:
        """How hard this template presses on `rule` (block, warn, off, block_in_disagreement_meeting)."""
        return self.rules.get(rule, RULE_DEFAULTS.get(rule, "block"))

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def step_of_entry(self, entry: dict) -> Step | None:
        """Where an entry belongs (the entry lists, the completeness checks and the minutes all ask this):
        the step it was captured under, when this template has that step, else its kind's `home_step`.
        None: under "Other information"."""
        key = entry.get("step")
        if isinstance(key, str) and (step := self.step(key)) is not None:
            return step
        return self.home_step(entry.get("kind") or "", entry.get("stage"))

    def entries_in(self, entries, step_key: str) -> list[dict]:
        """The entries (of a meeting's list) that belong under step `step_key` (`step_of_entry`)."""
        return [
            e
            for e in entries or ()
            if isinstance(e, dict) and (where := self.step_of_entry(e)) is not None and where.key == step_key
        ]

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
        """A meeting's snapshot (`to_dict`) back into a Template (an old snapshot's loose values repaired)."""
        return _parse(_repair_snapshot(data), origin)


def _parse(data: dict, origin: str) -> Template:
    """A Template from a file's or a snapshot's dict, checked whole against the template schema first.

    Raises TemplateError naming the file, the step and the field: one sentence."""
    from ..text import clean, clean_line, for_terminal

    def fail(where: str, what: str) -> TemplateError:
        name = for_terminal(origin, one_line=True)
        return TemplateError(f"{name}: {where} {what}; fix the file or remove it from the templates folder.")

    if not isinstance(data, dict):
        raise fail("the template", "is not a table of settings")
    errors = sorted(
        template_validator().iter_errors(data),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    if errors:
        where, what = _describe(errors[0], data)
        raise fail(where, what)
    steps: list[Step] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["steps"], start=1):
        if raw["key"] in seen:
            raise fail(f"step {n} key {quote(raw['key'])}", "is used twice")
        seen.add(raw["key"])
        steps.append(
            Step(
                key=raw["key"],
                title=clean_line(raw["title"]).strip(),
                kind=raw["kind"],
                prompt=clean(raw.get("prompt", "")),
                minutes=raw.get("minutes", 5),
                entry_kinds=tuple(raw.get("entry_kinds", ())) if raw["kind"] == "entries" else (),
                stage=raw.get("stage"),
                field=raw.get("field"),
                check=raw.get("check"),
            )
        )
    return Template(
        key=data["key"],
        name=clean_line(data["name"]).strip(),
        steps=tuple(steps),
        source=clean_line(data.get("source", "")),
        subject_kind=data.get("subject_kind", "child"),
        rules=dict(data.get("rules", {})),
        agenda_rule=data.get("agenda_rule", "G-20"),
    )


_TYPE_WORDS = {"string": "text in quotes", "integer": "a whole number", "array": "a list", "object": "a table"}


def _describe(error, data: dict) -> tuple[str, str]:
    """(where, what) for a schema error: ("step 3 ('aim') 'prompt'", "must be text in quotes, not 123")."""
    path = list(error.absolute_path)
    if error.validator == "required":
        path.append(error.message.split("'")[1])
    where = "the template"
    if path[:1] == ["steps"] and len(path) >= 2:
        where = f"step {path[1] + 1}"
        step = data["steps"][path[1]]
        if isinstance(step, dict) and isinstance(step.get("key"), str):
            where += f" ({quote(step['key'], 40)})"
        path = path[2:]
    if path:
        where += " " + " ".join(quote(p, 40) if isinstance(p, str) else f"item {p + 1}" for p in path)
    value = error.instance
    match error.validator:
        case "required":
            return where, "is missing"
        case "type":
            wanted = error.validator_value
            return where, f"must be {_TYPE_WORDS.get(wanted, wanted)}, not {quote(value, 40)}"
        case "enum":
            return where, f"is {quote(value, 40)}, not one of {', '.join(map(str, error.validator_value))}"
        case "additionalProperties":
            extra = sorted(set(value) - set(error.schema.get("properties", {})))
            return where, f"has {quote(extra[0], 40)}, which is not a field of it"
        case "minimum" | "maximum":
            return where, f"is {quote(value, 20)}; it must be a whole number from 1 to 240"
        case "minItems" | "maxItems":
            return where, f"must list from {error.schema.get('minItems', 1)} to {error.schema.get('maxItems', 100)}"
        case "minLength":
            return where, "is empty"
        case "pattern" if error.validator_value == r"\S":
            return where, "is empty"
        case "pattern":
            return where, f"is {quote(value, 40)}, which is not a valid key or rule id"
        case "maxLength":
            return where, f"is longer than {error.validator_value} characters"
    return where, quote(error.message, 120)[1:-1]


def _repair_snapshot(data: dict) -> dict:
    """A meeting's template snapshot taken before templates were checked whole (issue 17) may hold a
    value the old loader let through (`prompt = 123`): such optional text is kept as text, an unknown
    rule id or subject kind dropped, a missing agenda rule supplied, so the meeting still opens. Files are
    never repaired, only refused."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if not isinstance(data.get("source", ""), str):
        data["source"] = str(data["source"])
    if data.get("subject_kind") not in (None, *TEMPLATE_SUBJECT_KINDS):
        data.pop("subject_kind")
    if not isinstance(data.get("rules", {}), dict):
        data.pop("rules")
    if data.get("agenda_rule") not in AGENDA_RULES:
        # a snapshot taken before templates said which agenda they follow: the shipped Calderdale template
        # was the one following G-21 then (the rules chose it by key), so its meetings keep citing it
        data["agenda_rule"] = "G-21" if data.get("key") == "calderdale" else "G-20"
    steps = data.get("steps")
    if isinstance(steps, list):
        fixed = []
        for step in steps:
            if isinstance(step, dict):
                step = {k: list(v) if isinstance(v, tuple) else v for k, v in step.items()}  # `to_dict` keeps tuples
                if not isinstance(step.get("prompt", ""), str):
                    step["prompt"] = str(step["prompt"])
                check = step.get("check")
                if check is not None and not (isinstance(check, str) and re.fullmatch(RULE_PATTERN, check)):
                    step.pop("check")
            fixed.append(step)
        data["steps"] = fixed
    return data


def load_file(path: Path) -> Template:
    """One template file: TOML, UTF-8 (a byte-order mark is allowed), checked whole."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: is not valid TOML ({exc}); fix the file.") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read ({os_reason(exc)}); check the file.") from None
    return _parse(data, str(path))


def shipped_templates() -> dict[str, Template]:
    """The templates that ship with the program, by key: a new dict each call, of the same Templates."""
    return dict(_shipped())


@functools.cache
def _shipped() -> tuple[tuple[str, Template], ...]:
    """Read and checked once per process: the files ship inside the program and cannot change while it
    runs, and checking them against the schema costs milliseconds each time the app or a command
    (or a test, hundreds of times) asks for them."""
    out = []
    for key in SHIPPED:
        text = resources.files(__package__).joinpath(f"{key}.toml").read_text(encoding="utf-8")
        out.append((key, _parse(tomllib.loads(text), f"{key}.toml")))
    return tuple(out)


class Templates(dict):
    """The usable templates by key, and the user template files that were refused (`refused`, each a
    TemplateError naming its file): a bad file is left out, never in the way of the others."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused: list[TemplateError] = []

    def refusal_for(self, key: str) -> TemplateError | None:
        """Why the template `key` is missing, if a refused file claimed that key."""
        return next((e for e in self.refused if e.key == key), None)


def load_templates(user_dir: Path | None = None) -> Templates:
    """The shipped templates plus any in `user_dir` (`*.toml`), by key.

    A user file that is malformed, or reuses a key already taken, is left out and listed in `refused`:
    the commands and the app go on with the rest. A meeting keeps a snapshot of its template, so only
    new meetings on that template (and imports naming it) are affected.
    """
    templates = Templates(shipped_templates())
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            try:
                tpl = load_file(path)
            except TemplateError as exc:
                exc.key = _claimed_key(path)
                templates.refused.append(exc)
                continue
            if tpl.key in templates:
                templates.refused.append(
                    TemplateError(
                        f"{path}: key '{tpl.key}' is already used by "
                        + ("a shipped template" if tpl.key in SHIPPED else "another template")
                        + "; give this template a key of its own."
                    )
                )
                continue
            templates[tpl.key] = tpl
    return templates


def _claimed_key(path: Path) -> str | None:
    """The `key = "…"` a refused file gives, if it can be read at all (to say why that key is missing)."""
    try:
        key = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("key")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return key if isinstance(key, str) else None
