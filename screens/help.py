"""F1 help: every key that works on the screen the chair came from, and what the screen is for.

Built from that screen's live bindings (so it can never fall out of step with the footer), plus the
screen's own `HELP` text when it has one.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from .widgets import Col, Table

GENERAL = (
    "Everything works from the keyboard; the mouse works too. Letters typed into a field are always text: "
    "commands use function keys, alt or ctrl. Everything you type is saved within a second; "
    '"Saved hh:mm:ss" at the top right says when. ctrl+p opens the command palette: type part of a '
    "step's name to jump to it, or any command."
)

#: extra words for keys whose binding description is short
EXTRA = {
    "privacy": "Blanks the screen at once (a projector, someone walking in). Any key brings it back.",
    "next_step": "Go to the next agenda step (what you typed is saved first).",
    "previous_step": "Go back one agenda step.",
    "focus_agenda": "Move to the agenda on the left: arrows and Enter jump to a step.",
    "start_or_end": "Start the meeting (the clock runs), end it (it moves to review), or resume it.",
    "part_two": "Mark the moment the family joins: entries from then on are shared with them by default.",
    "cycle_basis": "Fact, opinion or unverified, for the entry being typed (or the highlighted one).",
    "toggle_share": "Whether the entry being typed (or the highlighted one) goes in the family's copy.",
    "command_palette": "Jump to any step or command by typing part of its name.",
    "clear_source": "No one named for this entry: clears From (an @name at the end of the line stays as text).",
    "take_offline": "Copy the highlighted meeting to a laptop's file, to chair it where there is no network; "
    "it is read-only here until it is checked in.",
    "check_in": "Bring the highlighted meeting, checked out to this file, back to the server it came from.",
}

EDITING = (
    "In a text field the usual editing keys work: arrows, home and end, ctrl+left and ctrl+right by word, "
    "ctrl+w deletes a word, shift with arrows selects."
)

TROUBLE = (
    "A key that does nothing (Windows Terminal, VS Code and tmux keep some keys for themselves), colours, "
    "copying text out, a locked database: docs/troubleshooting.md in the project says what to do. "
    "`mapm doctor` prints a report with no personal data to paste into a support request."
)


#: the keys table: the key and its name whole, what it does wrapped onto as many lines as it needs
COLUMNS = (Col("Key", whole=True, most=24), Col("Does", whole=True, most=28), Col("", least=20, wrap=True))


def _ours(node) -> bool:
    """Bindings of the app and its screens and widgets, not the editing keys of Textual's own widgets."""
    return type(node).__module__.split(".")[0] == "mapm_tui"


def _rows(screen: Screen) -> list[tuple[str, str, str]]:
    app = screen.app
    groups: dict[tuple[int, str], list] = {}
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        if not binding.description or not _ours(active.node):
            continue
        groups.setdefault((id(active.node), binding.action), []).append(active)
    rows = []
    for actives in groups.values():
        binding = actives[0].binding
        keys = " / ".join(dict.fromkeys(app.get_key_display(a.binding) for a in actives))
        name = binding.id or binding.action.split("(")[0]
        rows.append((keys, binding.description, EXTRA.get(name, "")))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close help", id="close_help", priority=True)]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 100; max-width: 95%; height: 90%; border: thick $accent; background: $surface; padding: 1 2;
    }
    HelpScreen #help-title { text-style: bold; color: $accent; }
    HelpScreen #help-general, HelpScreen #help-screen, HelpScreen #help-keys { margin-bottom: 1; }
    HelpScreen #help-editing, HelpScreen #help-trouble { color: $text-muted; margin-bottom: 1; }
    HelpScreen DataTable { height: auto; }
    HelpScreen #help-close { color: $text-muted; dock: bottom; }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        title = getattr(self.for_screen, "HELP_TITLE", None) or _title(self.for_screen)
        with Vertical():
            yield Label(f"Help: {title}", id="help-title")
            with VerticalScroll():
                text = _help_text(self.for_screen)
                if text:
                    yield Static(text, id="help-screen", markup=False)
                yield Table(id="help-keys", columns=COLUMNS, cursor_type="row", zebra_stripes=True, show_cursor=False)
                yield Static(GENERAL, id="help-general")
                yield Static(EDITING, id="help-editing")
                yield Static(TROUBLE, id="help-trouble", markup=False)
            yield Label("Escape or F1 closes this help.", id="help-close")

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", Table)
        table.set_rows((str(n), row) for n, row in enumerate(_rows(self.for_screen)))
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _help_text(screen: Screen) -> str:
    """What the screen is for: its HELP, or on the meeting screen the HELP of the step on show (its body)."""
    body = getattr(screen, "body", None)
    return (body.HELP if body is not None else screen.HELP) or ""


def _title(screen: Screen) -> str:
    step = getattr(screen, "step", None)
    if step is not None:
        return step.title
    return {"HomeScreen": "Meetings", "SetupScreen": "Setting up the meeting"}.get(type(screen).__name__, "mapm")
