"""The review (after the meeting): the whole meeting as the minutes will read, in agenda order, with
the completeness findings beside it, blocking first (G-50 to G-53).

Enter on a section or a finding jumps to that step to edit it; F9 there comes back. F5 finalises
(refused while anything blocks, unless each block is overridden with a reason: o on the finding);
F6 reopens a final meeting with a reason; F7 / F8 export the full / family Word minutes; d records to
whom the minutes went; n prepares the next meeting; c shows the case's meetings and open actions; a lists
the meeting's audit trail (who opened, exported, finalised … it, and when).
What is allowed is decided in `mapm_tui.lifecycle` and `rules`; this screen shows it.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mapm_tui import rules, vocabulary
from mapm_tui.agenda import TemplateError
from mapm_tui.store import StoreError

from .app_contract import ScreensApp
from .widgets import KeyBar, not_done, show

#: the review says plainly that a final meeting is read-only
STATUS_WORDS = {**vocabulary.STATUS_WORDS, "final": "FINAL (read-only)"}


def section_text(section) -> Text:
    """One section of the minutes layout as terminal text (headings bold, entries as bullets)."""
    from mapm_tui.minutes.layout import Fields, Group, Para, Subheading, Table

    out = Text()
    title = f"{section.number}. {section.title}" if section.number else section.title
    out.append(title, style="bold")
    for block in section.blocks:
        out.append("\n")
        if isinstance(block, Para):
            out.append(block.text, style="italic" if block.italic else "")
        elif isinstance(block, Subheading):
            out.append(block.text, style="bold")
        elif isinstance(block, Fields):
            for n, (label, value) in enumerate(block.rows):
                if n:
                    out.append("\n")
                out.append(f"{label}: ", style="bold")
                out.append(value)
        elif isinstance(block, Group):
            out.append(block.title, style="bold underline")
            for item in block.items:
                out.append("\n • " + item.text)
                if item.meta:
                    out.append(f"  ({item.meta})", style="dim")
        elif isinstance(block, Table):
            out.append(" | ".join(block.columns), style="bold")
            for row in block.rows:
                out.append("\n" + " | ".join(c.replace("\n", " ") for c in row))
    if not section.blocks:
        out.append("\n(nothing recorded)", style="dim italic")
    out.append("\n")
    return out


class ReviewScreen(Screen):
    app = getters.app(ScreensApp)

    BINDINGS = [
        Binding("f5", "finalise", "Finalise", id="finalise"),
        Binding("o", "override", "Override finding", id="override"),
        Binding("f6", "reopen", "Reopen", id="reopen"),
        Binding("f7", "export(False)", "Word minutes", id="export_full"),
        Binding("f8", "export(True)", "Family copy", id="export_family"),
        Binding("d", "distribution", "Sent to…", id="distribution"),
        Binding("s", "send", "Send…", id="send_minutes"),
        Binding("n", "next_meeting", "Next meeting", id="next_meeting"),
        Binding("c", "case", "Case", id="case_view"),
        Binding("a", "audit", "Audit trail", id="audit_trail"),
        Binding("f3", "resume", "Resume meeting", id="resume", show=False),
        Binding("f10", "home", "Meetings", id="home"),
    ]
    HELP = (
        "Left: the meeting as the minutes will read. Right: what the completeness check finds, blocking "
        "first, each with its G-id. Tab moves between them; Enter on either jumps to that step to put it "
        "right, and F9 there comes back here. F5 finalises: refused while anything blocks, unless you "
        "override the finding with o and a reason (kept, and listed in the minutes' annex). A final "
        "meeting is read-only; F6 reopens it with a reason, and every change after that is kept as an "
        "amendment. F7 and F8 write the Word minutes (full, family). d records to whom they went (G-51); s shows "
        "who gets which version, what is risky to send and when it is due, and writes the outbox of e-mail drafts. "
        "a lists the audit trail: who opened, exported, finalised or reopened this meeting, and when."
    )
    HELP_TITLE = "Review and finalise"
    DEFAULT_CSS = """
    ReviewScreen #review-head { height: 1; background: $panel; padding: 0 1; }
    ReviewScreen #review-head Label { width: auto; margin-right: 3; }
    ReviewScreen #review-status.final { color: $success; text-style: bold; }
    ReviewScreen #save-state { dock: right; width: 26; content-align: right middle; color: $text-muted; }
    ReviewScreen #review-main { height: 1fr; }
    ReviewScreen #minutes { width: 3fr; border: none; }
    ReviewScreen #side { width: 2fr; min-width: 40; border-left: solid $panel-lighten-2; }
    ReviewScreen #findings-title { text-style: bold; padding: 0 1; width: 100%; }
    ReviewScreen #deadlines { padding: 0 1; width: 100%; height: auto; color: $text-muted; }
    ReviewScreen #findings-title.blocks { color: $error; }
    ReviewScreen #findings-title.clear { color: $success; }
    ReviewScreen #findings { height: 1fr; border: none; }
    ReviewScreen OptionList > .option-list--option { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        #: overrides typed in this review and not yet used by a finalise: finding key -> reason
        self.pending: dict[str, str] = {}
        self._findings: list[rules.Finding] = []

    @property
    def live(self):
        return self.app.live

    def compose(self) -> ComposeResult:
        m = self.live.meeting
        with Horizontal(id="review-head"):
            yield Label(f"[b]{escape(m.get('case_ref') or m['id'])}[/b]")
            yield Label("Review", id="review-title")
            yield Label("", id="review-status")
            yield Label("", id="save-state")
        with Horizontal(id="review-main"):
            yield OptionList(id="minutes")
            with Vertical(id="side"):
                yield Label("", id="deadlines", markup=False)
                yield Label("", id="findings-title")
                yield OptionList(id="findings")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_review()
        # the findings first, to put each right; with none, the minutes (Down and Enter on the empty list
        # did nothing, and the screen looked stuck until Tab)
        findings = self.query_one("#findings", OptionList)
        (findings if findings.option_count else self.query_one("#minutes", OptionList)).focus()

    def on_screen_resume(self) -> None:
        if self.app.live is None:  # uncovered on the way home (a step opened from a finding, then F10)
            return
        self.live.flush()
        self.refresh_review()

    def show_save_state(self) -> None:
        if self.live.read_only:  # another window or a checkout holds it: nothing here is saved
            show(self.query_one("#save-state", Label), "READ-ONLY", layout=False)
        elif self.live.entries_waiting:  # entries taken while the database failed: not "Saved"
            show(self.query_one("#save-state", Label), f"NOT SAVED ({self.live.entries_waiting} waiting)", layout=False)
        elif self.app.last_saved:
            show(self.query_one("#save-state", Label), f"Saved {self.app.last_saved}", layout=False)

    # -- what is shown ----------------------------------------------------------------------------
    def refresh_review(self) -> None:
        from mapm_tui.minutes import build_layout

        live = self.live
        status = live.status
        label = self.query_one("#review-status", Label)
        show(label, STATUS_WORDS.get(status, status))
        label.set_class(status == "final", "final")
        layout = build_layout(live.meeting, live.template, marking=self.app.settings.protective_marking)
        minutes = self.query_one("#minutes", OptionList)
        keep = minutes.highlighted
        minutes.clear_options()
        head = Text(layout.title, style="bold")
        head.append("\n" + layout.subtitle)
        minutes.add_option(Option(head, id="sec--top"))
        for section in layout.sections:
            minutes.add_option(Option(section_text(section), id=f"sec-{section.key}"))
        if keep is not None and keep < minutes.option_count:
            minutes.highlighted = keep
        self.refresh_findings()
        self.refresh_deadlines()
        self.show_save_state()
        self.refresh_bindings()

    def refresh_deadlines(self) -> None:
        """When the action summary and the minutes are due, in working days (issue 14)."""
        from .distribution import deadline_lines

        label = self.query_one("#deadlines", Label)
        lines = deadline_lines(self.app, self.live.meeting)
        label.display = bool(lines)
        show(label, "\n".join(lines))

    def refresh_findings(self) -> None:
        meeting = self.live.meeting
        findings = rules.check_meeting(meeting, self.live.template)
        open_, overridden = rules.split_overridden(findings, meeting.get("finding_overrides", []))
        self._findings = open_ + overridden
        stored = {o.get("rule"): o.get("reason") for o in meeting.get("finding_overrides", [])}
        table = self.query_one("#findings", OptionList)
        keep = table.highlighted
        table.clear_options()
        for f in open_:
            text = Text()
            pending = self.pending.get(f.key)
            if pending:
                text.append("OVERRIDE ", style="bold yellow")
            else:
                text.append("BLOCKS " if f.blocks else "warns  ", style="bold red" if f.blocks else "yellow")
            text.append(f"{f.rule}  ", style="bold")
            text.append(f.about + "\n")
            text.append(f.message, style="")
            if pending:
                text.append(f"\nReason: {pending}", style="italic")
            table.add_option(Option(text, id=f"fnd-{f.key}"))
        for f in overridden:
            text = Text()
            text.append("overridden ", style="dim bold")
            text.append(f"{f.rule}  {f.about}\n", style="dim")
            text.append(f"Reason: {stored.get(f.key) or stored.get(f'{f.rule}:{f.target}') or ''}", style="dim italic")
            table.add_option(Option(text, id=f"fnd-{f.key}"))
        if table.option_count:
            table.highlighted = keep if keep is not None and keep < table.option_count else 0
        blocking = [f for f in open_ if f.blocks and f.key not in self.pending]
        title = self.query_one("#findings-title", Label)
        if self.live.status == "final":
            heading = "Final: nothing can change without a reopen (F6)."
        elif blocking:
            heading = (
                f"{len(blocking)} finding{'s' if len(blocking) != 1 else ''} block finalising · "
                f"{len(open_) - len(blocking)} other"
            )
        elif open_:
            heading = f"Nothing blocks finalising · {len(open_)} to look at"
        else:
            heading = "Nothing blocks finalising: every check passes."
        show(title, heading)
        title.set_class(bool(blocking), "blocks")
        title.set_class(not blocking, "clear")

    def finding(self) -> rules.Finding | None:
        table = self.query_one("#findings", OptionList)
        if table.highlighted is None or not self._findings:
            return None
        option = table.get_option_at_index(table.highlighted)
        key = (option.id or "").removeprefix("fnd-")
        return next((f for f in self._findings if f.key == key), None)

    def check_action(self, action: str, parameters) -> bool | None:
        status = self.live.status if self.app.live else None
        if action == "finalise":
            return vocabulary.may_finalise(status)
        if action == "reopen":
            return vocabulary.may_reopen(status)
        if action == "override":
            return vocabulary.is_editable(status) and bool(self._findings)
        if action == "resume":
            return vocabulary.may_resume(status)
        return True

    # -- jumping to a step -------------------------------------------------------------------------
    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("fnd-"):
            f = self.finding()
            step = f.step if f else None
        else:
            step = option_id.removeprefix("sec-")
        if step == "setup":
            self.app.open_setup()
        elif step and self.live.template.step(step) is not None:
            self.app.goto_step(step)
        elif step == "attendance" or step == "actions":
            kind = "attendance" if step == "attendance" else "actions"
            target = next((s.key for s in self.live.steps if s.kind == kind), None)
            if target:
                self.app.goto_step(target)
        else:
            self.notify("This part has no agenda step of its own to edit.", timeout=3)

    # -- finalising ---------------------------------------------------------------------------------
    def action_override(self) -> None:
        f = self.finding()
        if f is None:
            return
        from .dialogs import AskText

        def done(reason: str | None) -> None:
            if reason:
                self.pending[f.key] = reason
                self.refresh_findings()

        self.app.push_screen(
            AskText(
                f"Override {f.rule} ({f.about}): why is it right to finalise without it?",
                self.pending.get(f.key, ""),
                max_length=2000,
            ),
            done,
        )

    def _by(self) -> str:
        chair = (self.live.meeting.get("chair") or {}).get("name") or ""
        taker = (self.live.meeting.get("minute_taker") or {}).get("name") or ""
        return taker or chair

    def action_finalise(self) -> None:
        if self.live.status == "in_progress":
            self.notify("The meeting is still running: F3 ends it, then F5 finalises.", timeout=5)
            return
        from mapm_tui import lifecycle

        from .dialogs import AskText

        def done(by: str | None) -> None:
            if not by:
                return
            self.live.flush()
            try:
                self.live.check_all_saved()
                result = lifecycle.finalise(self.live.store, self.live.id, by, list(self.pending.items()))
            except lifecycle.FinaliseRefused as exc:
                self.notify(
                    f"Not finalised: {len(exc.findings)} finding{'s' if len(exc.findings) != 1 else ''} block it. "
                    "Put each right (Enter jumps to it) or override it with o and a reason.",
                    severity="error",
                    timeout=8,
                )
                return
            except (StoreError, TemplateError) as exc:  # a refusal: one sentence, nothing changed
                self.notify(str(exc), severity="error", timeout=8, markup=False)
                return
            self.pending.clear()
            self.live.reload()
            self.app.forget_meeting_screen()  # its steps were built editable
            self.refresh_review()
            warn = (
                f" {len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''} left open."
                if result.warnings
                else ""
            )
            self.notify(f"Final: the meeting is now read-only.{warn} F7 writes the Word minutes.", timeout=6)

        self.app.push_screen(AskText("Finalised by (your name):", self._by(), "Name"), done)

    def action_reopen(self) -> None:
        from mapm_tui import lifecycle

        from .dialogs import AskText

        def got_reason(reason: str | None) -> None:
            if not reason:
                return

            def got_name(by: str | None) -> None:
                if not by:
                    return
                try:
                    lifecycle.reopen(self.live.store, self.live.id, by, reason)
                except StoreError as exc:
                    self.notify(str(exc), severity="error", timeout=8, markup=False)
                    return
                self.live.reload()
                self.app.forget_meeting_screen()
                self.refresh_review()
                self.notify("Reopened: every change from now on is kept as an amendment in the minutes.", timeout=6)

            self.app.push_screen(AskText("Reopened by (your name):", self._by(), "Name"), got_name)

        self.app.push_screen(
            AskText("Why reopen this final meeting? (kept with every amendment)", max_length=2000), got_reason
        )

    def action_resume(self) -> None:
        try:
            self.live.set_status("in_progress")
        except StoreError as exc:  # read-only here (a reader's role, a window or a checkout holds it): say why
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        self.notify("The meeting has resumed.")
        self.app.goto_step(self.live.steps[0].key)

    # -- Word minutes ---------------------------------------------------------------------------------
    def action_export(self, family: bool) -> None:
        from mapm_tui.minutes import default_filename

        self.live.flush()
        folder = self.app.settings.export_dir()
        suggested = str(folder / default_filename(self.live.meeting, family))
        what = "the family's copy of the minutes" if family else "the Word minutes"
        if family:
            from mapm_tui.outbox import check_before_sending

            warnings = check_before_sending(self.live.meeting)
            if warnings:
                from .dialogs import Confirm

                def go_on(yes: bool | None) -> None:
                    if yes:
                        self._ask_path(what, suggested, family)

                first = warnings[0].what
                more = f" (and {len(warnings) - 1} more: s shows them)" if len(warnings) > 1 else ""
                self.app.push_screen(
                    Confirm(f"Before the family copy: {first}{more} Write it anyway?", danger=True), go_on
                )
                return
        self._ask_path(what, suggested, family)

    def _ask_path(self, what: str, suggested: str, family: bool) -> None:
        from .dialogs import AskText

        def chosen(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            if target.exists():
                from .dialogs import Confirm

                def replace(yes: bool | None) -> None:
                    if yes:
                        self._protect_and_write(target, family, force=True)

                self.app.push_screen(Confirm(f"{target.name} already exists. Replace it?", danger=True), replace)
                return
            self._protect_and_write(target, family, force=False)

        self.app.push_screen(AskText(f"Save {what} as:", suggested, max_length=4096), chosen)

    def _protect_and_write(self, target: Path, family: bool, force: bool) -> None:
        """The password question (as `mapm export --password` asks it), then the file."""
        from .password import AskPassword

        what = "the family's copy" if family else "the minutes"

        def answered(password: str | None) -> None:
            if password is not None:
                self._write(target, family, force, password or None)

        self.app.push_screen(AskPassword(what, required=self.app.settings.protect_exports), answered)

    def _write(self, target: Path, family: bool, force: bool, password: str | None = None) -> None:
        from mapm_tui.locations import make_private_dir
        from mapm_tui.minutes import ExportError, MinutesExist, MinutesWithheld, export_minutes, previous_meeting
        from mapm_tui.store_errors import SERVER_GONE, ConnectionLost

        try:
            # the default export folder is made when first used; a folder the user typed must exist
            if not target.parent.exists() and target.parent == self.app.settings.export_dir():
                make_private_dir(target.parent)
            written = export_minutes(
                self.live.meeting,
                self.live.template,
                target,
                family=family,
                settings=self.app.settings,
                force=force,
                previous=previous_meeting(self.live.store, self.live.meeting),
                password=password,
            )
        except MinutesExist as exc:
            self.notify(f"{exc.path} already exists; choose another name.", severity="error", timeout=10, markup=False)
            return
        except (ExportError, MinutesWithheld, StoreError) as exc:  # StoreError: the server went (ServerGone)
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        from mapm_tui import audit

        try:
            audit.record_export(
                self.live.store, self.live.id, written, f"Word minutes, {'family' if family else 'full'} version"
            )
        except ConnectionLost:  # the write's own sentence speaks of typed text kept: none is, here
            self.notify(f"Not exported: it could not be recorded in the audit trail. {SERVER_GONE}", severity="error")
            return
        except StoreError as exc:
            self.notify(f"Not exported: it could not be recorded in the audit trail ({exc}).", severity="error")
            return
        protected = " (password-protected)" if password else ""
        self.notify(f"Written{protected}: {written}", timeout=8, markup=False)

    # -- after the meeting ----------------------------------------------------------------------------
    def action_send(self) -> None:
        from .distribution import SendScreen

        self.live.flush()

        def done(_: bool | None) -> None:
            self.live.reload()
            self.refresh_review()

        self.app.push_screen(SendScreen(self.live), done)

    def action_distribution(self) -> None:
        from .distribution import DistributionDialog

        def done(saved: bool | None) -> None:
            if saved:
                self.live.reload()
                self.refresh_review()

        self.app.push_screen(DistributionDialog(self.live), done)

    def action_next_meeting(self) -> None:
        from mapm_tui import lifecycle

        from .dialogs import Confirm

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                new_id = lifecycle.next_meeting(self.live.store, self.live.id, self.app.templates)
            except (StoreError, TemplateError) as exc:
                self.notify(str(exc), severity="error", timeout=8, markup=False)
                return
            self.app.close_meeting()
            self.app.open_meeting(new_id)
            self.notify(
                "The next meeting is ready as a draft: open actions are carried over for their progress.", timeout=6
            )

        self.live.flush()
        try:
            n = len(lifecycle.actions_to_carry(self.live.store, self.live.id))
        except StoreError as exc:  # (a server gone: a read, ServerGone)
            not_done(self, "The next meeting was not prepared", exc)
            return
        carried = (
            f"Its {n} open action{'s' if n != 1 else ''} will be carried over."
            if n
            else "No open action is left to carry over."
        )
        self.app.push_screen(Confirm(f"Prepare the next meeting for this case? {carried}"), done)

    def action_case(self) -> None:
        from .case import CaseScreen

        case_ref = self.live.meeting.get("case_ref")
        if not case_ref:
            self.notify("This meeting has no case reference, so there is no case history to show.", timeout=4)
            return
        self.app.push_screen(CaseScreen(case_ref))

    def action_audit(self) -> None:
        from .audit import AuditScreen

        self.app.push_screen(AuditScreen(self.live.id))

    def action_home(self) -> None:
        self.app.close_meeting()
