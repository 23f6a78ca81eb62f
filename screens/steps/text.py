"""A free-text step (aim, introductions …): one text area, saved as it is typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Label, TextArea

from mapm_tui.schema import TEXT_LIMIT

from ..step_base import StepBody
from ..widgets import text_field


class TextStep(StepBody):
    PRIMARY = "#text-field"
    HELP = "Type as the meeting talks; Enter starts a new line. It is saved within a second of typing."
    DEFAULT_CSS = """
    TextStep #text-field { height: 12; }
    TextStep #text-count { color: $text-muted; }
    TextStep #text-count.over { color: $error; text-style: bold; }
    """

    def compose_body(self) -> ComposeResult:
        value = self.live.field(self.step.field) or ""
        yield text_field(value, "text-field", read_only=not self.live.editable)
        yield Label(self._count(value), id="text-count")

    @staticmethod
    def _count(value: str) -> str:
        return f"{len(value):,} of {TEXT_LIMIT:,} characters"

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        value = event.text_area.text
        count = self.query_one("#text-count", Label)
        count.update(self._count(value))
        over = len(value) > TEXT_LIMIT
        count.set_class(over, "over")
        if over:
            count.update(f"{len(value):,} characters: over the limit of {TEXT_LIMIT:,}. Shorten it to save.")
            return
        if self.live.editable:
            self.live.set_field(self.step.field, value)

    def on_descendant_blur(self, _event) -> None:
        if self.live is not None:  # (None: the meeting was closed, and its screen is being taken down)
            self.live.autosaver.flush()
