"""Bare Textual apps for the step-change benchmark.

`BareScreensApp` switches between two empty screens (the baseline the goal is set against).
`SameWidgetsScreen` is a step screen's widget tree (a one-line header of labels, a 15-item agenda list, a
title, a prompt, a text field, a 76-row, 5-column table and a footer with the same number of keys) filled
with plain strings and none of our code: it says how much of a step change is Textual drawing those widgets.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ListItem, ListView, Static


class EmptyScreen(Screen):
    pass


class BareScreensApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(EmptyScreen(name="start"))


KIND_LETTERS = "snrivfthdxgo"


class SameWidgetsScreen(Screen):
    BINDINGS = [
        Binding("alt+right", "noop", "Next step", priority=True),
        Binding("alt+left", "noop", "Previous step", priority=True),
        Binding("f2", "noop", "Agenda"),
        Binding("f3", "noop", "Start/end meeting"),
        Binding("f4", "noop", "Family joins"),
        Binding("f10", "noop", "Meetings"),
        *[Binding(f"alt+{c}", "noop", f"Kind {c}", show=i < 3, priority=True) for i, c in enumerate(KIND_LETTERS)],
        Binding("ctrl+o", "noop", "Fact/opinion", priority=True),
        Binding("ctrl+f", "noop", "Share with family", priority=True),
        Binding("escape", "noop", "Cancel edit", show=False),
        Binding("delete", "noop", "Delete entry", show=False),
    ]
    DEFAULT_CSS = """
    SameWidgetsScreen #header { height: 1; background: $panel; padding: 0 1; }
    SameWidgetsScreen #header Label { width: auto; margin-right: 3; }
    SameWidgetsScreen #main { height: 1fr; }
    SameWidgetsScreen #agenda { width: 34; border-right: solid $panel-lighten-2; background: $surface; }
    SameWidgetsScreen #agenda ListItem { padding: 0 1; }
    SameWidgetsScreen #body { padding: 1 2; }
    SameWidgetsScreen #entries { height: auto; max-height: 24; margin-top: 1; }
    """

    def __init__(self, steps: list[str], rows: list[tuple[str, ...]], current: int) -> None:
        super().__init__()
        self.steps, self.rows, self.current = steps, rows, current

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            for text in ("BENCH/2026/00001", "Meeting 00:12:00", "Step 5 of 15", "This step 00:00 / 10:00", "Saved"):
                yield Label(text)
        with Horizontal(id="main"):
            yield ListView(*[ListItem(Label(s)) for s in self.steps], initial_index=self.current, id="agenda")
            with VerticalScroll(id="body"):
                yield Label(self.steps[self.current])
                yield Static("What was known before the meeting: strengths, needs and risks.")
                yield Label("New: Strength")
                yield Input(placeholder="Type and press Enter.")
                yield Label("From: not named (@name)   ·   —   ·   Not shared with family")
                yield Label("")
                yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Kind", "What was said", "From", "Basis", "Family")
        for row in self.rows:
            table.add_row(*row)
        self.query_one(Input).focus()

    def action_noop(self) -> None:
        pass
