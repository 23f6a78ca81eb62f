"""Bare Textual apps for the step-change benchmark.

`OneScreen` is the meeting screen's widget tree (a one-line header of labels, a 15-step agenda list, a key
bar of one line, and a body per step: a title, a prompt, a text field, four labels and a 76-row, 5-column
table) filled with plain strings and none of our code. It shows another body the way the app does (the
baseline the step-change goal is set against), or rebuilds the body for every change.
`BareScreensApp` switches between two empty screens (the old baseline: Textual's floor).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static


class EmptyScreen(Screen):
    pass


class BareScreensApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(EmptyScreen(name="start"))


KIND_LETTERS = "snrivfthdxgo"


class SameWidgetsBody(VerticalScroll):
    """A step body's widgets (an entries step: title, prompt, the capture line and its three labels, a
    76-row 5-column table and the line under it) filled with plain strings and none of our code."""

    DEFAULT_CSS = """
    SameWidgetsBody { padding: 1 2; }
    SameWidgetsBody #entries { height: auto; max-height: 24; margin-top: 1; }
    """

    def __init__(self, title: str, rows: list[tuple[str, ...]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.title, self.rows = title, rows

    def compose(self) -> ComposeResult:
        yield Label(self.title)
        yield Static("What was known before the meeting: strengths, needs and risks.")
        yield Label("New: Strength")
        yield Input(placeholder="Type and press Enter.", id="capture")
        yield Label("Shared with family   ·   Fact/opinion: —")
        yield Label("From: not named (@name)")
        yield Label("")
        yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        yield Static("")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Kind", "What was said", "From", "Basis", "Family")
        for row in self.rows:
            table.add_row(*row)


class OneScreen(Screen):
    """One screen whose header, agenda and footer stay put while only the body changes: the bare
    equivalent of the app's meeting screen. `show(n)` shows body n, either kept (built on its first
    showing and hidden, not removed, when another is shown) or rebuilt (the old one removed and a new one
    mounted each time), with the same widgets either way."""

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
    OneScreen #header { height: 1; background: $panel; padding: 0 1; }
    OneScreen #header Label { width: auto; margin-right: 3; }
    OneScreen #main { height: 1fr; }
    OneScreen #agenda {
        width: 36; height: 1fr; border: none; border-right: solid $panel-lighten-2; background: $surface;
    }
    OneScreen #bodies { height: 1fr; }
    OneScreen #keys { dock: bottom; height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, steps: list[str], pages: list[list[tuple[str, ...]]], *, kept: bool) -> None:
        super().__init__()
        self.steps, self.pages, self.kept = steps, pages, kept
        self.bodies: dict[int, SameWidgetsBody] = {}
        self.shown: SameWidgetsBody | None = None

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList

        with Horizontal(id="header"):
            header = ("BENCH/2026/00001", "Meeting 00:12:00", "Step 5 of 15", "This step 00:00 / 10:00")
            for n, text in enumerate(header):
                yield Label(text, id=f"h{n}")
        with Horizontal(id="main"):
            yield OptionList(*self.steps, id="agenda")
            yield Container(id="bodies")
        # the app's key bar is one line of text (a Static), not Textual's Footer
        yield Static("alt+→ Next step   alt+← Previous step   f2 Agenda   alt+s Strength   f1 Help", id="keys")

    def show(self, n: int) -> None:
        index = 4 + 2 * (n % 2)
        body = self.bodies.get(n % 2) if self.kept else None
        with self.app.batch_update():
            if self.shown is not None:
                if self.kept:
                    self.shown.display = False
                else:
                    self.shown.remove()
            if body is None:
                body = SameWidgetsBody(self.steps[index], self.pages[n % 2])
                self.bodies[n % 2] = body
                self.query_one("#bodies").mount(body)
                body.call_after_refresh(lambda: self.set_focus(body.query_one(Input)))
            else:
                body.display = True
                self.set_focus(body.query_one(Input))
            self.shown = body
            self.query_one("#agenda").highlighted = index
            self.query_one("#h2", Label).update(f"Step {index + 1} of 15")

    def action_noop(self) -> None:
        pass
