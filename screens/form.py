"""Forms over meeting fields, described as data: a list of `FieldSpec` becomes labelled widgets that
save as they change (through `LiveMeeting.set_field`, debounced) and show dates as they resolve.

Used by the closing steps, the details step and setup. What is *required* is `rules.py`'s business;
a spec only says how a field is asked and when it is worth showing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, TextArea

from mapm_tui import dates
from mapm_tui.schema import field_limit

from .widgets import text_field

YES_NO = (("Yes", True), ("No", False))


@dataclass(frozen=True)
class FieldSpec:
    path: str
    label: str
    #: line, text, yesno, choice, date, time, attendee
    kind: str = "line"
    choices: tuple[tuple[str, object], ...] = ()
    help: str = ""
    #: shown only when this returns True for the meeting dict (re-checked on every change)
    show_if: Callable[[dict], bool] | None = None
    placeholder: str = ""
    #: a field the meeting cannot be without (its date): clearing it is not saved
    required: bool = False

    @property
    def widget_id(self) -> str:
        return "f-" + self.path.replace(".", "--")


def person_specs(group: str, title: str, help: str = "") -> list[FieldSpec]:
    """Name, role and agency of one person the meeting records (chair, minute-taker, who authorised it):
    three fields, so a role or agency with a comma in it is kept whole. Role and agency are asked once
    there is a name (the bundle's person needs one)."""

    def named(m: dict) -> bool:
        return bool((m.get(group) or {}).get("name"))

    return [
        FieldSpec(f"{group}.name", title, help=help, placeholder="Name"),
        FieldSpec(f"{group}.role", "Their role", show_if=named, placeholder="Role"),
        FieldSpec(f"{group}.agency", "Their agency", show_if=named, placeholder="Agency"),
    ]


def worded(specs: list[FieldSpec], words) -> list[FieldSpec]:
    """`specs` with `{subject}`, `{family}`, `{carers}` in their labels and help filled in for this
    meeting (`subject_words.SubjectWords`): an adult's meeting is never asked about parents."""
    return [replace(s, label=words.cap(s.label), help=words.fill(s.help)) for s in specs]


def _valid_time(text: str) -> bool:
    """HH:MM, 24-hour, as the bundle stores a time."""
    return (
        len(text) == 5
        and text[2] == ":"
        and text[:2].isdigit()
        and text[3:].isdigit()
        and int(text[:2]) < 24
        and int(text[3:]) < 60
    )


def _limit(path: str) -> int:
    parts = ("meeting", *path.split("."))
    try:
        return field_limit(*parts) or 300
    except KeyError:
        return 300


def _blank_as_none(value):
    """A value as `LiveMeeting.set_field` records it: an empty or blank text is nothing recorded."""
    return None if isinstance(value, str) and not value.strip() else value


class FieldForm(Vertical):
    """Widgets for `specs`, bound to the app's open meeting."""

    DEFAULT_CSS = """
    FieldForm { height: auto; }
    FieldForm .field-box { height: auto; }
    FieldForm .field-help { width: 100%; }
    FieldForm .field-label { margin-top: 1; text-style: bold; }
    FieldForm .field-help { color: $text-muted; }
    FieldForm .date-echo { color: $success; height: auto; width: 100%; }
    FieldForm .field-label { width: 100%; }  /* a long question wraps, not cut at the edge */
    FieldForm .date-echo.bad { color: $error; }
    FieldForm TextArea { height: 4; background: $panel; }
    FieldForm Input:focus, FieldForm TextArea:focus { background: $panel-lighten-1; }
    FieldForm Input { background: $panel; }
    FieldForm .field-label { margin-top: 1; }
    FieldForm Select { width: 40; }
    FieldForm Input.date, FieldForm Input.time { width: 24; }
    """

    class Saved(Message):
        """A field of the form was recorded (the screen may re-check what depends on it)."""

        def __init__(self, path: str) -> None:
            self.path = path
            super().__init__()

    def __init__(self, specs: list[FieldSpec], live, **kwargs) -> None:
        super().__init__(**kwargs)
        self.specs = specs
        self.live = live

    def compose(self) -> ComposeResult:
        read_only = not self.live.editable
        for spec in self.specs:
            value = self.live.field(spec.path)
            with Vertical(id=f"{spec.widget_id}-box", classes="field-box"):
                yield Label(spec.label, classes="field-label")
                if spec.help:
                    yield Label(spec.help, classes="field-help")
                yield from self._widget(spec, value, read_only)

    def _widget(self, spec: FieldSpec, value, read_only: bool) -> ComposeResult:
        wid = spec.widget_id
        if spec.kind == "text":
            yield text_field(value or "", wid, read_only=read_only, compact=True)
        elif spec.kind in ("yesno", "choice", "attendee"):
            options = list(YES_NO if spec.kind == "yesno" else spec.choices)
            if spec.kind == "attendee":
                options = self._attendee_options()
            select = Select(
                options,
                value=value if value is not None else Select.NULL,
                id=wid,
                prompt="Not recorded",
                allow_blank=True,
                disabled=read_only,
                compact=True,
            )
            yield select
        elif spec.kind == "date":
            shown = dates.format_date(dt.date.fromisoformat(value)) if value else ""
            yield Input(
                shown,
                id=wid,
                classes="date",
                placeholder=spec.placeholder or "20/11, next tue, in 2 weeks",
                disabled=read_only,
                compact=True,
            )
            yield Label("", id=f"{wid}-echo", classes="date-echo", markup=False)
        elif spec.kind == "time":
            yield Input(
                value or "", id=wid, classes="time", placeholder="HH:MM", max_length=5, disabled=read_only, compact=True
            )
        else:
            yield Input(
                value or "",
                id=wid,
                placeholder=spec.placeholder,
                max_length=_limit(spec.path),
                disabled=read_only,
                compact=True,
            )

    def on_mount(self) -> None:
        self.update_visibility()

    def _attendee_options(self) -> list:
        return [
            (a["name"] + (f" ({a['agency']})" if a.get("agency") else ""), a["id"])
            for a in self.live.meeting.get("attendees", [])
        ]

    def refresh_choices(self) -> None:
        """Lists drawn from the meeting (the attendees) may have changed since the form was built."""
        for spec in self.specs:
            if spec.kind == "attendee":
                select = self.query_one(f"#{spec.widget_id}", Select)
                options = self._attendee_options()
                if [v for _l, v in options] != [v for _l, v in select._options if v is not Select.NULL]:
                    value = self.live.field(spec.path)
                    with select.prevent(Select.Changed):
                        select.set_options(options)
                        if value is not None and value in [v for _l, v in options]:
                            select.value = value
        self.update_visibility()

    def refresh_values(self) -> None:
        """Show values written elsewhere since the form was built (the end time F3 writes, an import).
        A field the chair is typing in is left alone."""
        for spec in self.specs:
            widget = self.query_one(f"#{spec.widget_id}")
            if widget.has_focus:
                continue
            value = self.live.field(spec.path)
            if isinstance(widget, Select):
                shown = Select.NULL if value is None else value
                if shown is not Select.NULL and shown not in [v for _label, v in widget._options]:
                    continue  # not among the choices (an attendee removed meanwhile): left as shown
                if widget.value != shown:
                    with widget.prevent(Select.Changed):
                        widget.value = shown
            elif isinstance(widget, TextArea):
                if widget.text != (value or ""):
                    with widget.prevent(TextArea.Changed):
                        widget.text = value or ""
            elif isinstance(widget, Input):
                if spec.kind == "date":
                    text = dates.format_date(dt.date.fromisoformat(value)) if value else ""
                    typed = self._typed_date(widget.value)
                    if dates.parse_iso(value) == typed or (typed is None and widget.value.strip()):
                        continue  # the same day as the chair typed it ("next tue"), or not a date yet: kept
                else:
                    text = value or ""
                    if spec.kind == "time" and widget.value.strip() and not _valid_time(widget.value.strip()):
                        continue  # not a time yet (so not saved): left on screen for the chair to finish
                if widget.value != text:
                    with widget.prevent(Input.Changed):
                        widget.value = text
        self.update_visibility()

    def _typed_date(self, text: str):
        try:
            return dates.parse_date(text, self.live.today(), prefer="future") if text.strip() else None
        except dates.DateError:
            return None

    def spec_for(self, widget_id: str | None) -> FieldSpec | None:
        return next((s for s in self.specs if s.widget_id == widget_id), None)

    def update_visibility(self) -> None:
        for spec in self.specs:
            if spec.show_if is not None:
                self.query_one(f"#{spec.widget_id}-box").display = bool(spec.show_if(self.live.meeting))

    # -- saving -----------------------------------------------------------------------------------
    def _save(self, spec: FieldSpec, value) -> None:
        if not self.live.editable:
            return
        if _blank_as_none(value) == self.live.field(spec.path):
            # what is already recorded (or waiting to be saved): a widget says Changed as it is filled when
            # the form is built; writing it again cost the set-up screen three write transactions on a server
            return
        self.live.set_field(spec.path, value)
        self.update_visibility()
        self.post_message(self.Saved(spec.path))

    def on_input_changed(self, event: Input.Changed) -> None:
        spec = self.spec_for(event.input.id)
        if spec is None:
            return
        event.stop()
        text = event.value.strip()
        if spec.kind == "date":
            echo = self.query_one(f"#{spec.widget_id}-echo", Label)
            if not text:
                echo.update("A date is needed here." if spec.required else "")
                if not spec.required:
                    self._save(spec, None)
                return
            try:
                day = dates.parse_date(text, self.live.today(), prefer="future")
            except dates.DateError as exc:
                echo.update(str(exc))
                echo.add_class("bad")
                return
            echo.remove_class("bad")
            echo.update(f"→ {dates.format_date(day)}")
            self._save(spec, day.isoformat())
        elif spec.kind == "time":
            if text == "" or _valid_time(text):
                self._save(spec, text or None)
        else:
            self._save(spec, event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        spec = self.spec_for(event.text_area.id)
        if spec is not None:
            event.stop()
            self._save(spec, event.text_area.text)

    def on_select_changed(self, event: Select.Changed) -> None:
        spec = self.spec_for(event.select.id)
        if spec is not None:
            event.stop()
            value = None if event.value is Select.NULL else event.value
            self._save(spec, value)
            self.live.autosaver.flush()

    def on_descendant_blur(self, _event) -> None:
        self.live.autosaver.flush()
