"""Search every meeting: case reference, names, any word typed (SQLite FTS5, kept in step with edits)."""

from __future__ import annotations

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from mapm_tui import dates

from .app_contract import ScreensApp
from .early_keys import EarlyKeysModal


class SearchScreen(EarlyKeysModal, ModalScreen[str | None]):
    """Dismisses with the id of the meeting chosen, or None."""

    app = getters.app(ScreensApp)

    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#search-input"

    BINDINGS = [
        Binding("escape", "close", "Close", id="close_search"),
        Binding("down", "to_results", "Results", id="to_results", show=False),
    ]
    HELP_TITLE = "Search"
    HELP = (
        "Type words from a case reference, a name or anything recorded; every word must match the start "
        "of a word. Down moves to the results; Enter opens a meeting."
    )
    DEFAULT_CSS = """
    SearchScreen { align: center middle; }
    SearchScreen > Vertical {
        width: 110;
        max-width: 98%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    SearchScreen #search-title { text-style: bold; color: $accent; }
    SearchScreen #search-count { color: $text-muted; height: 1; width: 100%; }
    SearchScreen OptionList { height: 1fr; border: none; }
    """

    _shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Search all meetings", id="search-title")
            yield Input(placeholder="Case reference, a name, any words…", id="search-input", max_length=300)
            yield Label("", id="search-count", markup=False)
            yield OptionList(id="search-results")

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(exclusive=True, group="search")
    async def run_search(self, text: str) -> None:
        from mapm_tui.search import search
        from mapm_tui.store import StoreError

        try:
            hits = search(self.app.opened_store, text) if text.strip() else []
        except StoreError as exc:  # the server cannot be reached (ServerGone): say so; typing again retries
            self.query_one("#search-count", Label).update(str(exc))
            self.app.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        #: the meetings listed now (recorded as searched into when the search closes)
        self._shown = [hit.meeting_id for hit in hits]
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        for hit in hits:
            day = dates.parse_iso(hit.date)
            line = Text()
            line.append(f"{hit.case_ref or hit.meeting_id}  ", style="bold")
            line.append(dates.format_date(day) if day else hit.date)
            line.append(f"  {hit.label}\n", style="dim")
            snippet = Text(hit.snippet)
            for start, end in hit.highlights:
                snippet.stylize("bold reverse", start, end)
            line.append_text(snippet)
            results.add_option(Option(line, id=hit.meeting_id))
        count = self.query_one("#search-count", Label)
        count.update(
            ""
            if not text.strip()
            else f"{len(hits)} meeting{'s' if len(hits) != 1 else ''} found"
            + (" (the first 50)" if len(hits) == 50 else "")
        )

    def action_to_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()
            results.highlighted = results.highlighted or 0

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            self._record_shown()
            self.dismiss(results.get_option_at_index(results.highlighted or 0).id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._record_shown()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self._record_shown()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self._record_shown()  # closed some other way (the app quit)

    def _record_shown(self) -> None:
        """The meetings whose words were on show when the search closed were searched into (issue 12);
        the lists shown while typing are not recorded, only the last one."""
        from mapm_tui import audit
        from mapm_tui.store import StoreError

        shown, self._shown = self._shown, []
        try:
            audit.record_many(self.app.opened_store, shown, "searched")
        except StoreError as exc:
            self.app.notify(f"The search could not be recorded in the audit trail: {exc}", severity="warning")
