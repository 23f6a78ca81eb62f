"""One person at the meeting, field by field: name, role, agency, e-mail, how they take part, and, in a
two-part meeting only (the family attends the second part: vocabulary.is_two_part), which part they
attended (G-08, G-23).

Fields never split wrongly: "PC, early intervention" stays one role. Dismisses with the values to store
(None when cancelled); the caller stores them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from mapm_tui.participants import PARTS, TAKING_PART, taking_part_as, taking_part_values
from mapm_tui.schema import SHORT_LIMIT

from .early_keys import EarlyKeysModal
from .widgets import chosen

TEXT_FIELDS = (("name", "Name"), ("role", "Role"), ("agency", "Agency"), ("email", "E-mail"))


class PersonForm(EarlyKeysModal, ModalScreen[dict | None]):
    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#p-name"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save_person", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel_person"),
    ]
    HELP = (
        "Each field is kept as typed, commas and all. Tab moves between fields; Enter in a text field or "
        "ctrl+s saves; Escape cancels. An advocate or supporter is recorded with the family (the bundle's "
        "is_family) and a role that says advocate."
    )
    HELP_TITLE = "A person at the meeting"
    DEFAULT_CSS = """
    PersonForm { align: center middle; }
    PersonForm > VerticalScroll { width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: thick $accent; background: $surface; padding: 0 2; }
    PersonForm #person-title { text-style: bold; color: $accent; }
    PersonForm .field-label { margin-top: 1; text-style: bold; }
    PersonForm Input { background: $panel; }
    PersonForm Select { width: 60; }
    PersonForm #person-form-error { color: $error; height: auto; }
    PersonForm .hint { color: $text-muted; }
    """

    def __init__(
        self,
        person: dict | None = None,
        *,
        title: str = "Add a person",
        subjects: list | None = None,
        two_part: bool = False,
    ):
        super().__init__()
        #: the meeting is in two parts (vocabulary.is_two_part): only then is the part someone attended asked
        self.two_part = two_part
        self.person = dict(person or {})
        self.title_text = title
        #: the meeting's subjects: the individual themself is family without the flag (participants.py)
        self.subjects = subjects

    def compose(self) -> ComposeResult:
        p = self.person
        with VerticalScroll():
            yield Label(self.title_text, id="person-title")
            for name, label in TEXT_FIELDS:
                yield Label(label, classes="field-label")
                yield Input(p.get(name) or "", id=f"p-{name}", max_length=SHORT_LIMIT, compact=True)
            yield Label("Taking part as", classes="field-label")
            yield Select(
                TAKING_PART, value=taking_part_as(p, self.subjects), id="p-as", allow_blank=False, compact=True
            )
            if self.two_part:
                yield Label("Which part did they attend? (G-08)", classes="field-label")
                yield Select(
                    PARTS,
                    value=p.get("parts") or Select.NULL,
                    id="p-parts",
                    prompt="Not recorded",
                    allow_blank=True,
                    compact=True,
                )
            yield Label("", id="person-form-error", markup=False)
            yield Label("Enter or ctrl+s saves · Escape cancels · Tab next field", classes="hint")

    def values(self) -> dict:
        out: dict = {}
        for name, _label in TEXT_FIELDS:
            out[name] = self.query_one(f"#p-{name}", Input).value.strip() or None
        choice = chosen(self.query_one("#p-as", Select))
        if choice != taking_part_as(self.person, self.subjects) or out["role"] != (self.person.get("role") or None):
            out.update(taking_part_values(choice, out["role"]))
        if self.two_part:  # else what was recorded stays as it is (shown again if the meeting becomes two-part)
            parts = self.query_one("#p-parts", Select).value
            out["parts"] = None if parts is Select.NULL else parts
        return out

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        values = self.values()
        if not values["name"]:
            self.query_one("#person-form-error", Label).update("A name is needed: type it in the first field.")
            self.query_one("#p-name", Input).focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
