"""Home: the meetings, today's first; open, resume or start one.

The first frame paints before the database is opened: the list arrives from a thread. Where it can, that
thread reads the list with sqlite3 first (`listing.quick_list`) and opens the store (SQLModel) only once the
list is on screen; a key that needs the store before then (Enter, n, /, a) runs as soon as it is open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from mapm_tui.db import DatabaseError
from mapm_tui.vocabulary import STATUS_WORDS

from .app_contract import ScreensApp
from .widgets import Col, KeyBar, Table

#: the newest meetings the list shows; / searches them all. A list of every meeting of a big database
#: (10,000) held 23 MB more than this one and took longer to draw, for rows nobody scrolls to.
LIMIT = 500
#: the list's columns: the widest each grows to, and which give way first on a narrow terminal (the
#: highlighted meeting's whole row is then shown under the list)
COLUMNS = (
    Col("Date", most=22, whole=True),
    Col("Case ref", most=24, whole=True),
    Col("Subjects", priority=2, least=12, most=44),
    Col("Status", most=11, whole=True),
    # where the meeting is when not simply here ("Taken by Sam Chair", "Copy (read-only)"): no heading, so
    # the column is left out altogether while every meeting is here
    Col("", priority=2, most=30),
    Col("Open actions", priority=3, most=12),
)


class HomeScreen(Screen):
    app = getters.app(ScreensApp)

    #: the keys that open a form are priority keys: acted on when the app takes them, before the keys typed
    #: after them are handed on, so those reach the form (early_keys.py), not this list's own keys ("/" then
    #: "housing" typed fast: "o" and "i" would take a meeting offline and check one in, "n" start a meeting)
    BINDINGS = [
        Binding("enter", "open", "Open", id="open_meeting", show=True),
        Binding("n", "new", "New meeting", id="new_meeting", priority=True),
        Binding("slash", "search", "Search", id="search", priority=True),
        Binding("ctrl+f", "search", "Search", id="search_ctrl", show=False, priority=True),
        Binding("a", "actions", "Overdue actions", id="overdue_actions"),
        Binding("f5", "reload", "Refresh", id="refresh", show=False),
        Binding("o", "take_offline", "Take offline", id="take_offline", show=False),
        Binding("i", "check_in", "Check in", id="check_in", show=False),
    ]
    DEFAULT_CSS = """
    HomeScreen #home-body { padding: 1 2; }
    HomeScreen #home-title { text-style: bold; color: $accent; }
    HomeScreen #demo-badge { background: $warning; color: $background; padding: 0 1; width: auto; margin-bottom: 1; }
    HomeScreen #demo-badge { max-width: 100%; }
    HomeScreen #home-hint { color: $text-muted; margin: 1 0; }
    HomeScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.meetings: list = []
        #: how many meetings the database holds (the list shows the newest LIMIT of them)
        self.total = 0
        #: what the chair asked for before the store was open (the latest request), run once it is
        self._after_open: Callable[[], None] | None = None
        #: meeting id -> where it is when not simply here (taken offline, a copy…: checkout.whereabouts)
        self.places: dict = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="home-body"):
            yield Label("Multi-agency professionals' meetings", id="home-title")
            if self.app.demo:
                yield Label(
                    "DEMO: fictional sample meetings in a throw-away, unencrypted copy. Nothing here is kept.",
                    id="demo-badge",
                )
            yield Static("Opening your meetings…", id="home-hint")
            table = Table(id="meetings", columns=COLUMNS, cursor_type="row", zebra_stripes=True)
            yield table
            yield table.detail
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#meetings", Table).set_rows([])
        # after the first frame: the loading thread would otherwise compete with it for the interpreter
        self.call_after_refresh(self.load_meetings)

    @work(thread=True, exclusive=True, exit_on_error=False, group="home")
    def load_meetings(self) -> None:
        try:
            quick = self.app.quick_meetings(LIMIT)
            if quick is not None:
                # on screen before SQLAlchemy is loaded; the store opens once that frame is painted, so
                # loading it does not hold up the painting
                self.app.call_from_thread(self.show_meetings, *quick)
                painted = threading.Event()
                self.app.call_from_thread(self.call_after_refresh, painted.set)
                painted.wait(1.0)
            self.app.open_store()
            if quick is None:
                listed = self._listed()
        # an unreadable database: say so, keep the app usable (ValueError: the store's refusals, StoreError,
        # without importing the store here, which would load SQLAlchemy before the list is painted)
        except (DatabaseError, ValueError, OSError) as exc:
            message = str(exc)
            self.app.call_from_thread(self._failed, message)
            return
        if quick is None:
            self.app.call_from_thread(self.show_meetings, *listed)
        self.app.call_from_thread(self._store_opened)

    def _listed(self) -> tuple[list, int]:
        """The newest LIMIT meetings from the store, and how many there are."""
        store = self.app.opened_store
        meetings = store.list_meetings(limit=LIMIT)
        return meetings, (store.count_meetings() if len(meetings) == LIMIT else len(meetings))

    def _store_opened(self) -> None:
        if self._read_places() and self.meetings:
            self.show_meetings(self.meetings, self.total)
        waiting, self._after_open = self._after_open, None
        if waiting is not None:
            waiting()

    def _store_open(self, then: Callable[[], None]) -> bool:
        """True when the store is open; otherwise `then` runs as soon as it is (the latest request wins)."""
        if self.app.store is not None:
            return True
        self._after_open = then
        return False

    def _failed(self, message: str) -> None:
        self.query_one("#home-hint", Static).update(f"[b]The meetings could not be opened:[/b] {escape(message)}")

    def refresh_meetings(self) -> None:
        from mapm_tui.store import StoreError

        if self.app.store is not None:
            try:
                self._read_places()
                listed = self._listed()
            except StoreError as exc:  # the server cannot be reached (ServerGone): the list shown stays; F5 again
                self.app.notify(str(exc), severity="error", timeout=10, markup=False)
                return
            self.show_meetings(*listed)

    def _read_places(self) -> bool:
        """Read which meetings are taken offline, copies or open elsewhere; whether any are."""
        from mapm_tui.checkout import whereabouts

        self.places = whereabouts(self.app.opened_store, self.app.clock.utcnow())
        return bool(self.places)

    def show_meetings(self, meetings: list, total: int | None = None) -> None:
        from mapm_tui.dates import format_date, parse_iso

        today = self.app.clock.today().isoformat()
        meetings = sorted(meetings, key=lambda m: (m.date != today,))
        self.meetings = meetings
        self.total = len(meetings) if total is None else total
        rows = []
        for m in meetings:
            day = parse_iso(m.date)
            when = ("Today " if m.date == today else "") + (format_date(day) if day else m.date)
            rows.append(
                (
                    m.id,
                    [
                        when,
                        m.case_ref or m.id,
                        m.subjects or "",
                        STATUS_WORDS.get(m.status, m.status),
                        self.places[m.id].words if m.id in self.places else "",
                        str(m.open_actions),
                    ],
                )
            )
        # each column as wide as its widest text needs, up to its limit, so that the first frame of the
        # list is drawn at its final widths, with no re-measuring when the table is idle
        table = self.query_one("#meetings", Table)
        table.set_rows(rows)
        hint = self.query_one("#home-hint", Static)
        if meetings:
            shown = ""
            if self.total > len(meetings):
                shown = f"The newest {len(meetings):,} of {self.total:,} meetings: / searches them all.\n"
            hint.update(
                shown
                + "Enter opens the highlighted meeting · n new meeting · / search · a overdue actions · F1 every key"
                + self._minutes_due(meetings)
            )
            table.focus()
        else:
            hint.update(
                "No meetings yet. Press [b]n[/b] to set up a new meeting, or import a bundle with "
                "`mapm import FILE.json`. Try `mapm demo` to see sample meetings."
            )

    def _minutes_due(self, meetings: list) -> str:
        """A line saying when the minutes still to go out are due (issue 14), or ''."""
        from rich.markup import escape

        from mapm_tui.deadlines import minutes_due_line

        line = minutes_due_line(meetings, self.app.settings, self.app.clock.today())
        return f"\n{escape(line)}" if line else ""

    def action_open(self) -> None:
        table = self.query_one("#meetings", DataTable)
        if not self.meetings or table.cursor_row is None:
            return
        meeting = self.meetings[table.cursor_row]
        self._open(meeting.id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(str(event.row_key.value))

    def _open(self, meeting_id: str) -> None:
        if self._store_open(lambda: self._open(meeting_id)):
            self.app.open_meeting(meeting_id)

    def action_new(self) -> None:
        if not self._store_open(self.action_new):
            return
        from .new_meeting import NewMeetingDialog

        def created(meeting_id: str | None) -> None:
            if meeting_id:
                self.refresh_meetings()
                self.app.open_meeting(meeting_id)

        self.app.push_screen(NewMeetingDialog(), created)

    def action_search(self) -> None:
        if not self._store_open(self.action_search):
            return
        from .search import SearchScreen

        def chosen(meeting_id: str | None) -> None:
            if meeting_id:
                self.app.open_meeting(meeting_id)

        self.app.push_screen(SearchScreen(), chosen)

    def action_actions(self) -> None:
        if not self._store_open(self.action_actions):
            return
        from .actions_list import ActionsScreen

        self.app.push_screen(ActionsScreen())

    def action_reload(self) -> None:
        self.refresh_meetings()

    # -- taking a meeting offline and back (checkout.py holds the rules) -------------------------------
    def _highlighted(self):
        table = self.query_one("#meetings", DataTable)
        if not self.meetings or table.cursor_row is None:
            return None
        return self.meetings[table.cursor_row]

    def action_take_offline(self) -> None:
        """o: copy the highlighted meeting to a laptop file (asked for, with its passphrase) and mark it
        taken here."""
        if not self._store_open(self.action_take_offline):
            return
        meeting = self._highlighted()
        if meeting is None:
            return
        from mapm_tui.checkout import default_laptop_file

        from .dialogs import AskText

        def file_given(path: str | None) -> None:
            if not path:
                return
            self.app.push_screen(
                AskText(f"The passphrase of {path} (a new file is made with it):", password=True),
                lambda passphrase: self._take_offline(meeting.id, path, passphrase),
            )

        self.app.push_screen(
            AskText(
                f"Take meeting {meeting.case_ref or meeting.id} offline to which file?",
                value=str(default_laptop_file(self.app.opened_store)),
            ),
            file_given,
        )

    def _take_offline(self, meeting_id: str, path: str, passphrase: str | None) -> None:
        from pathlib import Path

        from mapm_tui.checkout import take_offline_to
        from mapm_tui.store import StoreError

        if not passphrase:
            return
        try:
            done = take_offline_to(self.app.opened_store, meeting_id, Path(path), passphrase, self.app.clock.utcnow())
        except (StoreError, DatabaseError, ValueError) as exc:
            self.app.notify(str(exc), severity="error", timeout=12, markup=False)
            return
        self.app.notify(done, timeout=10, markup=False)
        self.refresh_meetings()

    def action_check_in(self) -> None:
        """i: bring the highlighted meeting, checked out to this file, back to its server (asking the
        server file's passphrase when it is an encrypted file)."""
        if not self._store_open(self.action_check_in):
            return
        meeting = self._highlighted()
        if meeting is None:
            return
        from mapm_tui.checkout import server_needs_passphrase, server_of
        from mapm_tui.store import StoreError

        from .dialogs import AskText

        try:
            ask = server_needs_passphrase(self.app.opened_store, meeting.id)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", timeout=12, markup=False)
            return
        if ask:

            def given(passphrase: str | None) -> None:
                if passphrase:
                    self._check_in(meeting.id, passphrase)

            self.app.push_screen(
                AskText(f"The passphrase of {server_of(self.app.opened_store, meeting.id)}:", password=True), given
            )
        else:
            self._check_in(meeting.id, None)

    def _check_in(self, meeting_id: str, passphrase: str | None) -> None:
        from mapm_tui.checkout import bring_back
        from mapm_tui.store import StoreError

        try:
            done = bring_back(self.app.opened_store, meeting_id, self.app.clock.utcnow(), passphrase=passphrase)
        except (StoreError, DatabaseError, ValueError) as exc:
            self.app.notify(str(exc), severity="error", timeout=12, markup=False)
            return
        self.app.notify(done, timeout=10, markup=False)
        self.refresh_meetings()
