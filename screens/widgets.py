"""Widgets the meeting screens share: the header with the clocks, the agenda sidebar, the save state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Checkbox, DataTable, Label, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import Option, OptionDoesNotExist

from mapm_tui.capture import elapsed_text, step_time_level
from mapm_tui.text import clean, clean_line
from mapm_tui.vocabulary import STATUS_WORDS, has_ended

if TYPE_CHECKING:
    from mapm_tui.store_errors import StoreError

#: a meeting that is not running, in the header where the meeting's clock is (the status words, with a
#: draft "not started" yet); the wide header says a little more than the narrow one
HEADER_STATUS_SHORT = {**STATUS_WORDS, "draft": "Not started"}
HEADER_STATUS = {**HEADER_STATUS_SHORT, "in_review": "Ended: in review", "final": "Final (read-only)"}


def not_done(node, what: str, exc: StoreError) -> None:
    """Tell the chair that a change they asked for was not made (`what`: "The meeting was not ended"), and
    why: a StoreError's one sentence (a rule, a full disk, a lost server, another window's hold). The screen
    goes on as it was: such a refusal used to stop the whole app as an unexpected error."""
    from mapm_tui.store_errors import refusal_of_a_change

    node.notify(f"{what}. {refusal_of_a_change(exc)}", severity="error", timeout=10, markup=False)


def show(label: Label, text: str, *, layout: bool = True) -> None:
    """Update a label only when its text changes: every update costs a layout of the whole screen."""
    if label.content != text:
        label.update(text, layout=layout)


class TextField(TextArea):
    """A wrapped text field without line numbers that, when the chair comes to it, goes on where its text
    ends: a TextArea puts its cursor at the start, so the words typed on coming back to a field went in
    front of what was there. Until then it shows its text from the top."""

    def on_focus(self) -> None:
        if self.text and self.cursor_location == (0, 0):
            self.move_cursor(self.document.end)


def text_field(text: str, widget_id: str, *, read_only: bool, compact: bool = False) -> TextField:
    area = TextField(text, id=widget_id, soft_wrap=True, read_only=read_only, compact=compact)
    area.show_line_numbers = False
    return area


#: a terminal narrower than this gets the compact header, agenda and tables (App.HORIZONTAL_BREAKPOINTS)
NARROW = 100

#: the step clock's level in words as well as colour (it must read without colour)
STEP_TIME_WORDS = {"ok": "", "amber": " nearly", "red": " over"}


class MeetingHeader(Horizontal):
    """Case ref · meeting clock · step n of N · time on this step against its suggestion · saved.

    Below `NARROW` columns the same things in fewer words ("Step 3/15", "02:10 of 05:00"), so that the
    save state is not drawn over the step clock at 80 columns."""

    DEFAULT_CSS = """
    MeetingHeader { height: 1; background: $panel; padding: 0 1; }
    MeetingHeader Label { width: auto; margin-right: 3; }
    MeetingHeader #case-ref { max-width: 24; text-wrap: nowrap; text-overflow: ellipsis; }
    MeetingHeader #meeting-clock { width: 18; }
    MeetingHeader #meeting-part { text-style: bold; margin-right: 2; }
    MeetingHeader #step-clock { width: 28; }
    MeetingHeader #save-state { width: 26; content-align: right middle; }
    MeetingHeader #step-clock.amber { color: $warning; text-style: bold; }
    MeetingHeader #step-clock.red { color: $error; text-style: bold reverse; }
    MeetingHeader #save-state { dock: right; margin-right: 0; color: $text-muted; }
    MeetingHeader #save-state.error { color: $error; text-style: bold reverse; }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="case-ref")
        yield Label("", id="meeting-clock")
        yield Label("", id="meeting-part")
        yield Label("", id="step-of")
        yield Label("", id="step-clock")
        yield Label("", id="save-state")

    @property
    def compact(self) -> bool:
        return self.app.size.width < NARROW

    def update_from(self, live, step) -> None:
        meeting = live.meeting
        compact = self.compact
        show(self.query_one("#case-ref", Label), f"[b]{escape(meeting.get('case_ref') or meeting['id'])}[/b]")
        status = meeting["status"]
        if status == "in_progress":
            clock = f"Meeting {elapsed_text(live.meeting_seconds())}"
        else:
            clock = (HEADER_STATUS_SHORT if compact else HEADER_STATUS).get(status, status)
        show(self.query_one("#meeting-clock", Label), clock, layout=compact)
        part = self.query_one("#meeting-part", Label)
        part.display = bool(live.part_label)
        show(part, live.part_label or "")
        index = live.step_index(step.key) + 1
        of = f"Step {index}/{len(live.steps)}" if compact else f"Step {index} of {len(live.steps)}"
        show(self.query_one("#step-of", Label), of)
        seconds = live.step_seconds(step.key)
        step_clock = self.query_one("#step-clock", Label)
        times = f"{elapsed_text(seconds)} / {step.minutes:02d}:00"
        if not has_ended(status):
            level = step_time_level(seconds, step.minutes)
            text = (times if compact else f"This step {times}") + STEP_TIME_WORDS.get(level, "")
        else:  # the meeting is over: how long the step took, not a warning to hurry (in review, final)
            level = "ok"
            text = times if compact else f"Took {times}"
        show(step_clock, text, layout=compact)
        step_clock.set_class(level == "amber", "amber")
        step_clock.set_class(level == "red", "red")

    def show_save_state(self, saved: str | None, error: str | None, waiting: int = 0) -> None:
        """Saved when, NOT SAVED, or how many entries taken wait to be saved (`waiting`): in words, which
        read without colour (NO_COLOR)."""
        label = self.query_one("#save-state", Label)
        read_only = getattr(getattr(self.app, "live", None), "read_only", None)
        label.set_class(bool(error or read_only or waiting), "error")
        compact = self.compact
        if read_only:  # nothing here is saved, so never "Saved": a read-only database, another window's hold
            show(label, "READ-ONLY", layout=compact)
        elif waiting:  # (short at 80 columns: the step clock's "nearly" is just left of it)
            show(label, f"{waiting} NOT SAVED" if compact else f"NOT SAVED ({waiting} waiting)", layout=compact)
        elif error:
            show(label, "NOT SAVED - see message", layout=compact)
        elif saved:
            show(label, f"Saved {saved}", layout=compact)


class AgendaSidebar(OptionList):
    """The agenda: every step, ticked when it has content, the current one highlighted.

    One OptionList rather than a ListView of items: a ListView is two widgets per step (an item and its
    label), and a screen with 30 more widgets costs measurably more to show again on every step change."""

    DEFAULT_CSS = """
    AgendaSidebar {
        width: 36; height: 1fr; max-height: 100%; border: none; border-right: solid $panel-lighten-2;
        background: $surface; padding: 0;
    }
    AgendaSidebar:focus { border: none; border-right: thick $accent; }
    AgendaSidebar > .option-list--option { padding: 0 1; }
    """

    #: narrower than this, each step shows only its tick and number (the step's title is above its body)
    COMPACT_BELOW = 20

    class StepChosen(Message):
        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def __init__(self, live, current: str, **kwargs) -> None:
        self.live = live
        #: ticks and numbers only (a narrow terminal, the agenda not focused)
        self.numbers_only = False
        # markup=False: a step title from a partnership's template is shown as written ("[/]" broke the list)
        super().__init__(*[Option(self._label(s), id=f"agenda-{s.key}") for s in live.steps], markup=False, **kwargs)
        self.highlighted = live.step_index(current)

    def _label(self, step) -> str:
        mark = "✓" if self.live.step_done(step) else " "
        number = self.live.step_index(step.key) + 1
        if self.numbers_only:
            return f"{mark}{number:>3}"
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

    def on_resize(self, event: events.Resize) -> None:
        numbers_only = event.size.width < self.COMPACT_BELOW
        if numbers_only != self.numbers_only:
            self.numbers_only = numbers_only
            self.refresh_ticks()

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


def chosen(select: Select) -> str:
    """What a Select without a blank (`allow_blank=False`) has chosen: always one of its options' values
    (Textual types `value` as possibly blank, which such a Select never is)."""
    value = select.selection
    if value is None:
        raise ValueError(f"the list #{select.id} has no blank, yet nothing is chosen in it")
    return value


def cut(text: str | None, width: int) -> str:
    """Text for a table cell: one line, at most `width` characters, an ellipsis when shortened."""
    text = " ".join(clean_line(str(text or "")).split())  # a control character stored before import cleaned
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def cut_words(text: str | None, width: int) -> str:
    """Like `cut`, but only between words: "Written contribution" in 15 is "Written…", never "Written contrib".
    A first word longer than `width` is cut as `cut` would (there is no better place)."""
    text = " ".join(str(text or "").split())
    if len(text) <= width:
        return text
    words, kept = text.split(" "), ""
    for word in words:
        longer = f"{kept} {word}" if kept else word
        if len(longer) + 1 > width:
            break
        kept = longer
    return kept.rstrip(",;:·-—") + "…" if kept else cut(text, width)


class KeyBar(Static):
    """The keys that work here, on one line at the foot of the screen.

    Textual's Footer rebuilds a widget per key each time the bindings change (every focus change and
    every step change), which measured as half the cost of showing a step; one line of text redrawn
    only when it changes does the same job for a keyboard user. Disabled keys are left out.

    Nothing is cut at the edge: when the keys do not fit, the least useful go first (the palette, quit,
    then from the most general end: the app's keys come after the screen's, which come after the
    focused field's), and F1 help, which lists every key, is always shown, last.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; background: $panel; color: $text; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    #: actions dropped first when the bar is too narrow, first listed first
    FIRST_TO_GO = ("command_palette", "quit")
    #: the action always shown, last
    HELP = "help"

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._shown = ""
        #: the keys as shown: (keys, description) in order, F1 help last
        self.shown_keys: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.refresh_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.refresh_keys()

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def keys_here(self) -> list[tuple[str, str, str]]:
        """(action, keys, description) of every key shown here, the most useful first: the focused
        widget's own keys, then those the step (or the screen's own class) adds, then those every screen of
        its kind shares (next step …), then the app's; the palette last."""
        app = self.app
        screen = self.screen
        seen: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        ranks: dict[str, int] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or not binding.description:
                continue
            seen.setdefault(binding.action, []).append(app.get_key_display(binding))
            descriptions.setdefault(binding.action, binding.description)
            ranks.setdefault(binding.action, self._rank(active.node, binding))
        keys = sorted(seen, key=lambda action: ranks[action])  # sorted() keeps the screen's order within a rank
        ordered = [(action, " / ".join(dict.fromkeys(seen[action])), descriptions[action]) for action in keys]
        if self.HELP not in seen:  # a dialog's chain leaves out the app's keys, but F1 works everywhere
            ordered.append((self.HELP, "f1", "Help"))
        ordered.append(("command_palette", "ctrl+p", "palette"))
        return ordered

    def _rank(self, node, binding) -> int:
        """0: the focused widget's keys; 1: those its own class adds, of a part of the screen holding the
        focus (a step's body: "Risk", "New action") or of the screen; 2: those the class inherits (next
        step …) and the privacy key; 3: the app's other keys."""
        if node is self.app:
            return 2 if binding.action == "privacy" else 3
        if node is self.screen.focused:
            return 0
        own = type(node).__dict__.get("BINDINGS", ())
        return 1 if any(getattr(b, "action", None) == binding.action for b in own) else 2

    def refresh_keys(self) -> None:
        from textual.markup import escape

        keys = self.keys_here()
        help_ = [k for k in keys if k[0] == self.HELP]
        rest = [k for k in keys if k[0] != self.HELP]
        # the bar is docked across the foot of the screen: before it has its size, the screen's width is it
        room = (self.size.width or self.app.size.width) - 2

        def length(chosen) -> int:
            return sum(len(k) + 1 + len(d) for _a, k, d in chosen) + 3 * (len(chosen) - 1)

        order = [a for a in self.FIRST_TO_GO if any(k[0] == a for k in rest)]
        order += [k[0] for k in reversed(rest) if k[0] not in self.FIRST_TO_GO]
        while rest and length(rest + help_) > room:
            going = order.pop(0)
            rest = [k for k in rest if k[0] != going]
        chosen = rest + help_
        self.shown_keys = [(k, d) for _a, k, d in chosen]
        markup = "   ".join(f"[b $accent]{escape(k)}\u00a0[/]{escape(d)}" for _a, k, d in chosen)
        if markup != self._shown:
            self._shown = markup
            self.update(markup, layout=False)


def _as_written(cell):
    """A string cell as plain text for a DataTable (which reads strings as Rich markup); others unchanged."""
    if not isinstance(cell, str):
        return cell
    from rich.markup import escape

    return escape(clean(cell))


@dataclass(frozen=True)
class Col:
    """A column of a `Table`: how it gives way when the table is narrower than its text.

    `priority` 1 columns are kept at every width. When the columns do not fit even at their narrowest,
    the column with the largest `priority` number is left out first (its text is still in the row's
    detail line). `least` is the narrowest a column is drawn: by default its heading's width for a
    priority 1 column, and its whole width for any other (a column that can be left out is shown whole
    or not at all); `whole` asks for that of a priority 1 column too. `most` caps its width (None: as
    wide as its widest text). Room left over is shared in proportion to what each column still lacks.
    `words` cuts only between words; `wrap` wraps long text onto more lines of its row instead."""

    label: str
    priority: int = 1
    least: int | None = None
    most: int | None = None
    whole: bool = False
    words: bool = False
    wrap: bool = False


def fit_columns(
    columns: Sequence[Col], texts: Sequence[Sequence[str]], room: int, padding: int = 1
) -> list[int | None]:
    """The width of each column in `room` cells (None: the column is left out).

    `texts[i]` are the texts of column i. Each drawn column costs `2 * padding` cells more than its width."""
    natural, least = [], []
    for col, column_texts in zip(columns, texts, strict=True):
        widest = max([len(col.label), *(len(t) for t in column_texts)])
        most = widest if col.most is None else min(widest, col.most)
        if col.whole or (col.priority > 1 and col.least is None):
            low = most
        else:
            low = min(most, len(col.label) if col.least is None else col.least)
        natural.append(most)
        least.append(low)
    shown = [i for i in range(len(columns)) if natural[i] > 0]  # no heading and nothing in it: left out

    def cost(widths: Iterable[int]) -> int:
        return sum(w + 2 * padding for w in widths)

    while cost(least[i] for i in shown) > room:
        droppable = [i for i in shown if columns[i].priority > 1]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    widths: list[int | None] = [None] * len(columns)
    for i in shown:
        widths[i] = least[i]
    spare = room - cost(least[i] for i in shown)
    wants = {i: natural[i] - least[i] for i in shown if natural[i] > least[i]}
    if spare > 0 and wants:
        total = sum(wants.values())
        if total <= spare:
            shares = dict(wants)
        else:
            shares = {i: want * spare // total for i, want in wants.items()}
            left = spare - sum(shares.values())
            for i in sorted(wants, key=lambda i: wants[i] - shares[i], reverse=True):
                if left <= 0:
                    break
                if shares[i] < wants[i]:
                    shares[i] += 1
                    left -= 1
        for i, share in shares.items():
            widths[i] = least[i] + share
    return widths


def fit_text(col: Col, text: str, width: int) -> str:
    if col.wrap:
        return " ".join(text.split())
    return cut_words(text, width) if col.words else cut(text, width)


class RowDetail(Static):
    """The whole of a table's highlighted row, under the table, when the table cannot show all of it."""

    DEFAULT_CSS = """
    RowDetail { height: auto; color: $text; padding: 0 1; border-left: thick $accent; margin-top: 1; }
    RowDetail.-empty { display: none; }
    """


class Table(DataTable):
    """Textual's DataTable, fitted to its width, with the highlighted row readable whole.

    Give it `columns` (`Col`s) and rows with `set_rows`: whenever its width changes it chooses the columns
    that fit, widest first for the most important ones, cutting the rest short (between words where a
    column asks) and leaving out the least important ones when even their narrowest does not fit. When
    anything of the highlighted row is cut or left out, `detail` (a `RowDetail` to yield under the
    table) shows the whole row, each value after its column's heading.

    A table made without `columns` is a plain DataTable, with one fix: rows drawn before the table widened
    its columns are redrawn. A DataTable measures the cells of new rows when it is next idle and widens
    its columns then; a row it drew before that stays in its row cache at the old widths, because the
    cache key does not change with the widths (Textual 8.2.8): the list then showed "EH-2026-" for
    "EH-2026-0417" until something else redrew it."""

    DEFAULT_CSS = """
    Table { scrollbar-size-vertical: 1; }
    """

    def __init__(self, *args, columns: Sequence[Col] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.specs: tuple[Col, ...] = tuple(columns)
        #: every row in full: (key, texts), in order
        self.full_rows: list[tuple[str, list[str]]] = []
        #: the widths the rows were last drawn at, and for how much room
        self.widths: list[int | None] = []
        self._room: int | None = None
        #: scroll the table into view when it next changes size (see set_rows)
        self._reveal = False
        self.detail = RowDetail("", classes="-empty", markup=False)

    # -- rows -------------------------------------------------------------------------------------
    def set_rows(
        self, rows: Iterable[tuple[str, Sequence[str]]], keep: str | None = None, *, reveal: bool = False
    ) -> None:
        """Show `rows` ((key, texts) with a text per column), the cursor on row `keep` (a key) if given,
        else on the row it was on. `reveal`: also scroll whatever holds the table (a long form) so that
        the table, and so its cursor row, is on screen, once the table has grown to its new height."""
        if keep is None:
            keep = self.highlighted_key()
        # cleaned once here: the row detail under the table shows these texts too, not only the cells
        self.full_rows = [(str(key), [clean(str(t or "")) for t in texts]) for key, texts in rows]
        self._draw(keep)
        if reveal:
            self._reveal = True
            self.scroll_visible(animate=False)

    def highlighted_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def room(self) -> int:
        """Cells across for the columns: the table's width less its vertical scrollbar (or, before the
        table has a size, the screen's width less the margins a step leaves)."""
        width = self.size.width or max(40, self.app.size.width - 10)
        return width - self.styles.scrollbar_size_vertical

    def _draw(self, keep: str | None) -> None:
        specs = self.specs
        room = self.room()
        texts = [[cells[i] for _key, cells in self.full_rows] for i in range(len(specs))]
        self.widths = fit_columns(specs, texts, room, self.cell_padding)
        self._room = room
        self.clear(columns=True)
        shown = [(i, w) for i, w in enumerate(self.widths) if w is not None]
        for i, width in shown:
            self.add_column(specs[i].label, width=width, key=f"c{i}")
        wraps = any(specs[i].wrap for i, _width in shown)
        for key, cells in self.full_rows:
            row = [fit_text(specs[i], cells[i], width) for i, width in shown]
            if wraps:  # an empty cell in a row of several lines breaks Textual's row measuring (8.2.8)
                row = [text or " " for text in row]
            self.add_row(*row, key=key, height=None if wraps else 1)
        if keep is not None:
            index = next((n for n, (key, _cells) in enumerate(self.full_rows) if key == keep), None)
            if index is not None:
                self.move_cursor(row=index, animate=False)
        self._show_detail()

    def _on_resize(self, event: events.Resize) -> None:
        super()._on_resize(event)
        if self.specs and self.room() != self._room:
            self._draw(self.highlighted_key())
        if self._reveal:  # grown by the rows just added: bring its new bottom into view too
            self._reveal = False
            self.scroll_visible(animate=False)

    # -- the detail line ----------------------------------------------------------------------------
    def detail_text(self, index: int | None = None) -> str:
        """The row (the highlighted one by default) in full, or "" when the table shows all of it."""
        index = self.cursor_row if index is None else index
        if not self.specs or not self.full_rows or index is None or not 0 <= index < len(self.full_rows):
            return ""
        _key, cells = self.full_rows[index]
        shown_whole = all(
            (not text) if width is None else (spec.wrap or fit_text(spec, text, width) == " ".join(text.split()))
            for spec, width, text in zip(self.specs, self.widths, cells, strict=True)
        )
        if shown_whole:
            return ""
        parts = [
            f"{spec.label}: {text}" if spec.label else text
            for spec, text in zip(self.specs, cells, strict=True)
            if text
        ]
        return "  ·  ".join(parts)

    def _show_detail(self) -> None:
        text = self.detail_text()
        self.detail.set_class(not text, "-empty")
        if str(self.detail.content) != text:
            self.detail.update(text)

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.specs:
            self._show_detail()

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


#: what a tick box shows, ticked and not: the state is in the glyph, not only in its colour (Textual draws
#: the same X both ways, and a chair unticked "Share with the family" without seeing it)
TICKED, UNTICKED = "X", " "


class TickBox(Checkbox):
    """A Checkbox whose box is [X] when ticked and [ ] when not, in any colours or none."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = self.get_visual_style("toggle--label")
        inner = TICKED if self.value else UNTICKED
        return Content.assemble(("[", side_style), (inner, button_style), ("]", side_style))


Value = TypeVar("Value")


class TickList(SelectionList[Value], Generic[Value]):
    """A SelectionList whose boxes show X when ticked and a space when not (not colour alone)."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        _x, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 3:
            return line
        left, inner, right = segments[:3]
        ticked = selection.value in self._selected
        segments[:3] = [
            Segment("[", left.style, left.control),
            Segment(TICKED if ticked else UNTICKED, inner.style, inner.control),
            Segment("]", right.style, right.control),
        ]
        return Strip(segments, line.cell_length)
