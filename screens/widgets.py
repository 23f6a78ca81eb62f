"""Widgets the meeting screens share: the header with the clocks, the agenda sidebar, the save state."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from mapm_tui.capture import elapsed_text, step_time_level
from mapm_tui.text import clean, clean_line


def show(label: Label, text: str, *, layout: bool = True) -> None:
    """Update a label only when its text changes: every update costs a layout of the whole screen."""
    if label.content != text:
        label.update(text, layout=layout)


class MeetingHeader(Horizontal):
    """Case ref · meeting clock · step n of N · time on this step against its suggestion."""

    DEFAULT_CSS = """
    MeetingHeader { height: 1; background: $panel; padding: 0 1; }
    MeetingHeader Label { width: auto; margin-right: 3; }
    MeetingHeader #meeting-clock { width: 18; }
    MeetingHeader #step-clock { width: 26; }
    MeetingHeader #save-state { width: 26; content-align: right middle; }
    MeetingHeader #step-clock.amber { color: $warning; text-style: bold; }
    MeetingHeader #step-clock.red { color: $error; text-style: bold; }
    MeetingHeader #save-state { dock: right; margin-right: 0; color: $text-muted; }
    MeetingHeader #save-state.error { color: $error; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="case-ref")
        yield Label("", id="meeting-clock")
        yield Label("", id="step-of")
        yield Label("", id="step-clock")
        yield Label("", id="save-state")

    def update_from(self, live, step) -> None:
        meeting = live.meeting
        show(self.query_one("#case-ref", Label), f"[b]{escape(meeting.get('case_ref') or meeting['id'])}[/b]")
        status = meeting["status"]
        if status == "in_progress":
            clock = f"Meeting {elapsed_text(live.meeting_seconds())}"
        else:
            clock = {"draft": "Not started", "in_review": "Ended: in review", "final": "Final (read-only)"}.get(
                status, status
            )
        show(self.query_one("#meeting-clock", Label), clock, layout=False)
        index = live.step_index(step.key) + 1
        show(self.query_one("#step-of", Label), f"Step {index} of {len(live.steps)}")
        seconds = live.step_seconds(step.key)
        level = step_time_level(seconds, step.minutes)
        step_clock = self.query_one("#step-clock", Label)
        show(step_clock, f"This step {elapsed_text(seconds)} / {step.minutes:02d}:00", layout=False)
        step_clock.set_class(level == "amber", "amber")
        step_clock.set_class(level == "red", "red")

    def show_save_state(self, saved: str | None, error: str | None) -> None:
        label = self.query_one("#save-state", Label)
        label.set_class(bool(error), "error")
        if error:
            show(label, "NOT SAVED - see message", layout=False)
        elif saved:
            show(label, f"Saved {saved}", layout=False)


class AgendaSidebar(OptionList):
    """The agenda: every step, ticked when it has content, the current one highlighted.

    One OptionList rather than a ListView of items: a ListView is two widgets per step (an item and its
    label), and a screen with 30 more widgets costs measurably more to show again on every step change."""

    DEFAULT_CSS = """
    AgendaSidebar { width: 36; height: 1fr; max-height: 100%; border: none; border-right: solid $panel-lighten-2; background: $surface; padding: 0; }
    AgendaSidebar:focus { border: none; border-right: solid $accent; }
    AgendaSidebar > .option-list--option { padding: 0 1; }
    """

    class StepChosen(Message):
        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def __init__(self, live, current: str, **kwargs) -> None:
        self.live = live
        # markup=False: a step title from a partnership's template is shown as written ("[/]" broke the list)
        super().__init__(*[Option(self._label(s), id=f"agenda-{s.key}") for s in live.steps], markup=False, **kwargs)
        self.highlighted = live.step_index(current)

    def _label(self, step) -> str:
        mark = "✓" if self.live.step_done(step) else " "
        number = self.live.step_index(step.key) + 1
        title = step.title if len(step.title) <= 26 else step.title[:25].rstrip() + "…"
        return f"{mark} {number:>2}. {title}"

    def label_of(self, key: str) -> str:
        """The text the agenda shows for step `key` (its tick, number and title)."""
        return str(self.get_option_at_index(self.live.step_index(key)).prompt)

    def show_current(self, key: str) -> None:
        index = self.live.step_index(key)
        if self.highlighted != index:
            self.highlighted = index

    def refresh_ticks(self) -> None:
        for index, step in enumerate(self.live.steps):
            label = self._label(step)
            if label != self.get_option_at_index(index).prompt:  # replacing a prompt re-renders the list
                self.replace_option_prompt_at_index(index, label)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id:
            self.post_message(self.StepChosen(event.option_id.removeprefix("agenda-")))


class Prompt(Static):
    """The chair's prompt for this step, in our own words (or a partnership's template's: shown as written,
    never read as markup, so a "[/]" in a user template cannot break the screen)."""

    DEFAULT_CSS = """
    Prompt { color: $text-muted; padding: 0 0 1 0; }
    """

    def __init__(self, prompt: str, **kwargs) -> None:
        super().__init__(prompt, markup=False, **kwargs)


def cut(text: str | None, width: int) -> str:
    """Text for a table cell: one line, at most `width` characters, an ellipsis when shortened."""
    text = " ".join(clean_line(str(text or "")).split())  # a control character stored before import cleaned
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class KeyBar(Static):
    """The keys that work here, on one line at the foot of the screen.

    Textual's Footer rebuilds a widget per key each time the bindings change (every focus change and
    every step change), which measured as half the cost of showing a step; one line of text redrawn
    only when it changes does the same job for a keyboard user. Disabled keys are left out.
    """

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._shown = ""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.refresh_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def refresh_keys(self) -> None:
        from textual.markup import escape

        app = self.app
        seen: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or not binding.description:
                continue
            seen.setdefault(binding.action, []).append(app.get_key_display(binding))
            descriptions.setdefault(binding.action, binding.description)
        parts = [
            f"[b $accent]{escape(' / '.join(dict.fromkeys(keys)))}\u00a0[/]{escape(descriptions[action])}"
            for action, keys in seen.items()
        ]
        parts.append("[b $accent]ctrl+p\u00a0[/]palette")
        markup = "   ".join(parts)
        if markup != self._shown:
            self._shown = markup
            self.update(markup, layout=False)


def _as_written(cell):
    """A string cell as plain text for a DataTable (which reads strings as Rich markup); others unchanged."""
    if not isinstance(cell, str):
        return cell
    from rich.markup import escape

    return escape(clean(cell))


class Table(DataTable):
    """Textual's DataTable, with rows redrawn when its columns widen.

    A DataTable measures the cells of new rows when it is next idle and widens its columns then; a row it
    drew before that (a frame painted between adding the row and the table's idle time) stays in its row
    cache at the old widths, because the cache key does not change with the widths (Textual 8.2.8). The
    list then shows "EH-2026-" for "EH-2026-0417" until something else redraws it. Here, if the widths
    changed, the table drops its rendered rows and draws them again."""

    # Cells that are strings are Rich markup to a DataTable: a case ref or a name such as "EH-[/]-1" (from a
    # bundle, or typed) crashed the screen, and "[@click=app.quit]x[/]" drew a link that quit the app. Every
    # string cell is cleaned of control characters and its markup escaped: shown exactly as written.
    def add_row(self, *cells, height: int | None = 1, key: str | None = None, label=None):
        return super().add_row(*(_as_written(c) for c in cells), height=height, key=key, label=label)

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, _as_written(value), update_width=update_width)

    def update_cell_at(self, coordinate, value, *, update_width: bool = False) -> None:
        super().update_cell_at(coordinate, _as_written(value), update_width=update_width)

    async def _on_idle(self, event) -> None:
        before = [column.get_render_width(self) for column in self.columns.values()]
        await super()._on_idle(event)
        if [column.get_render_width(self) for column in self.columns.values()] != before:
            self._clear_caches()
            self.refresh()
