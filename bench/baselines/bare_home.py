"""A bare Textual app with the home screen's widgets and styles, and none of our code.

    python bench/baselines/bare_home.py            # the first frame only: an empty table
    python bench/baselines/bare_home.py --list DB  # also lists the meetings of DB, read with sqlite3 in a thread

The start-up benchmarks run it exactly as they run `mapm` (a fresh process under a pseudo-terminal).
"""

from __future__ import annotations

import sys

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

TITLE = "Multi-agency professionals' meetings"
LISTED = "Enter opens the highlighted meeting · n new meeting · / search · a overdue actions · F1 every key"


class BareHome(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("n", "new", "New meeting"),
        Binding("f5", "reload", "Refresh", show=False),
    ]
    DEFAULT_CSS = """
    BareHome #home-body { padding: 1 2; }
    BareHome #home-title { text-style: bold; color: $accent; }
    BareHome #home-hint { color: $text-muted; margin: 1 0; }
    BareHome DataTable { height: 1fr; }
    """

    def __init__(self, db: str | None) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        with Vertical(id="home-body"):
            yield Label(TITLE, id="home-title")
            yield Static("Opening your meetings…", id="home-hint")
            yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Date", "Case ref", "Subjects", "Status", "Open actions")
        if self.db:
            self.load()

    @work(thread=True)
    def load(self) -> None:
        import sqlite3

        con = sqlite3.connect(self.db)
        rows = con.execute(
            """SELECT m.date, m.case_ref, (SELECT group_concat(name, ', ') FROM subject s WHERE s.meeting_id = m.id),
                      m.status, (SELECT count(*) FROM action a WHERE a.meeting_id = m.id
                                 AND (a.status IS NULL OR a.status IN ('open', 'partly_done', 'not_done')))
               FROM meeting m ORDER BY m.date DESC, m.id"""
        ).fetchall()
        con.close()
        self.app.call_from_thread(self.show, rows)

    def show(self, rows) -> None:
        table = self.query_one(DataTable)
        for r in rows:
            table.add_row(r[0], r[1] or "", r[2] or "", r[3], str(r[4]))
        self.query_one("#home-hint", Static).update(LISTED)
        table.focus()


class BareApp(App[None]):
    TITLE = "mapm"
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),
        Binding("f12", "privacy", "Blank screen", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, db: str | None = None) -> None:
        super().__init__()
        self.db = db

    def on_mount(self) -> None:
        self.push_screen(BareHome(self.db))


if __name__ == "__main__":
    db = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--list" else None
    BareApp(db).run()
