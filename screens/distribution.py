"""Recording to whom the minutes were sent, which copy, how and when (G-51, G-52)."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from mapm_tui.minutes import family_copy
from mapm_tui.schema import SHORT_LIMIT

from .app_contract import ScreensApp
from .early_keys import EarlyKeysModal
from .widgets import chosen, cut


class DistributionDialog(EarlyKeysModal, ModalScreen[bool]):
    #: focused as soon as it is built, before any key is handled (early_keys.py)
    AUTO_FOCUS = "#dist-name"
    BINDINGS = [
        Binding("ctrl+s", "save", "Record", id="save_distribution", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel_distribution"),
    ]
    HELP_TITLE = "Sent to"
    HELP = "Record each person or agency the minutes went to, and which copy. Enter in the last field records it."
    DEFAULT_CSS = """
    DistributionDialog { align: center middle; }
    DistributionDialog > Vertical { width: 100%; max-width: 84; height: auto; max-height: 95%; border: thick $accent;
        background: $surface; padding: 1 2; }
    DistributionDialog #dist-title { text-style: bold; color: $accent; }
    DistributionDialog .field-label { margin-top: 1; text-style: bold; }
    DistributionDialog #dist-error { color: $error; height: auto; width: 100%; }
    DistributionDialog #dist-sent { color: $text-muted; height: auto; width: 100%; }
    DistributionDialog #dist-warnings { color: $warning; height: auto; width: 100%; }
    """

    def __init__(self, live) -> None:
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        sent = self.live.meeting.get("distribution", [])
        shared = family_copy.is_shared(self.live.meeting)
        versions = [("Full minutes", "full")] + ([("Family copy", "family")] if shared else [])
        with Vertical():
            yield Label("The minutes were sent to…", id="dist-title")
            yield Label(
                ("Sent so far: " + "; ".join(cut(d.get("name"), 30) + f" ({d.get('version', 'full')})" for d in sent))
                if sent
                else "Nothing recorded yet.",
                id="dist-sent",
                markup=False,
            )
            yield Label(self._warnings(), id="dist-warnings", markup=False)
            yield Label("Name (a person or an agency)", classes="field-label")
            yield Input(id="dist-name", max_length=SHORT_LIMIT)
            yield Label("Which copy", classes="field-label")
            yield Select(versions, value="full", allow_blank=False, id="dist-version")
            if not shared:
                yield Label(
                    "The family copy is not offered: the minutes are not recorded as shared with the family (G-52).",
                    classes="field-help",
                )
            yield Label("How (email, post, by hand…)", classes="field-label")
            yield Input(id="dist-method", max_length=SHORT_LIMIT, placeholder="Secure email")
            yield Label("Email address (optional)", classes="field-label")
            yield Input(id="dist-email", max_length=SHORT_LIMIT)
            yield Label("", id="dist-error", markup=False)

    def _warnings(self) -> str:
        """Who should still get the minutes, and what is risky (the check before anything is recorded)."""
        from mapm_tui.minutes.recipients import recipients
        from mapm_tui.outbox import check_before_sending

        waiting = [f"{r.name} ({r.version_words})" for r in recipients(self.live.meeting) if r.version and not r.sent]
        lines = [f"Still to send: {'; '.join(cut(w, 40) for w in waiting)}"] if waiting else []
        lines += [f"! {w.what}" for w in check_before_sending(self.live.meeting)]
        return "\n".join(lines)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "dist-email":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        from mapm_tui import lifecycle
        from mapm_tui.store import StoreError

        try:
            lifecycle.record_distribution(
                self.live.store,
                self.live.id,
                self.query_one("#dist-name", Input).value,
                chosen(self.query_one("#dist-version", Select)),
                method=self.query_one("#dist-method", Input).value.strip() or None,
                email=self.query_one("#dist-email", Input).value.strip() or None,
            )
        except StoreError as exc:  # a refusal (BadRequest, LifecycleError): one sentence, keep what was typed
            self.query_one("#dist-error", Label).update(str(exc))
            return
        self.notify(
            f"Recorded: minutes sent to {self.query_one('#dist-name', Input).value.strip()}.", timeout=4, markup=False
        )
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class SendScreen(ModalScreen[bool]):
    """Before anything is sent (G-51, G-53): who gets which version and how, what is risky to send, and
    when the minutes and the action summary are due. o writes the outbox (drafts, documents, invitation)
    and records the distribution from the drafts; r sends draft minutes out for checking (corrections by
    a date in working days). The rules are in `mapm_tui.outbox`, `minutes.recipients`, `deadlines`."""

    app = getters.app(ScreensApp)

    BINDINGS = [
        Binding("o", "outbox", "Write the outbox", id="write_outbox"),
        Binding("r", "request_check", "Ask for corrections", id="request_check"),
        Binding("i", "share_field('introductions')", "Share introductions", id="share_introductions", show=False),
        Binding(
            "g", "share_field('family_meeting.outcome')", "Share family meeting outcome", id="share_fgc", show=False
        ),
        Binding(
            "l",
            "share_field('lead_practitioner.note')",
            "Share lead practitioner note",
            id="share_lead_note",
            show=False,
        ),  # fmt: skip
        Binding("escape", "close", "Close", id="close_send"),
    ]
    HELP_TITLE = "Sending the minutes"
    HELP = (
        "Everyone on the attendance list, the version each gets and how. Warnings say what is risky to send. "
        "o writes an e-mail draft per person with an address into the outbox folder (open them in Outlook or "
        "Thunderbird to send), the action summary and the next review's invitation, and records them as "
        "sent. r records that the draft minutes go out for checking, with corrections due in working days."
    )
    DEFAULT_CSS = """
    SendScreen { align: center middle; }
    SendScreen > VerticalScroll { width: 100%; max-width: 100; height: auto; max-height: 95%; border: thick $accent;
        background: $surface; padding: 1 2; }
    SendScreen .send-title { text-style: bold; color: $accent; margin-top: 1; }
    SendScreen #send-warnings { color: $warning; height: auto; width: 100%; }
    SendScreen Label { width: 100%; height: auto; }
    """

    def __init__(self, live) -> None:
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll

        with VerticalScroll():
            yield Label("Who gets what", classes="send-title")
            yield Label("", id="send-who", markup=False)
            yield Label("Check before sending", classes="send-title")
            yield Label("", id="send-warnings", markup=False)
            yield Label(
                "Shared with the family beyond what a family copy always shows (i, g, l change it)",
                classes="send-title",
            )
            yield Label("", id="send-fields", markup=False)
            yield Label("Due", classes="send-title")
            yield Label("", id="send-due", markup=False)
            yield Label("", id="send-result", markup=False)

    def on_mount(self) -> None:
        self.refresh_send()

    def refresh_send(self) -> None:
        from mapm_tui.minutes.recipients import recipients
        from mapm_tui.outbox import check_before_sending

        meeting = self.live.meeting
        lines = []
        for r in recipients(meeting):
            how = f"e-mail {r.email}" if r.email else "by hand or post"
            sent = "  (sent)" if r.sent else ""
            lines.append(
                f"{cut(r.name, 28)}: {r.version_words}, {how}{sent}" if r.version else f"{cut(r.name, 28)}: {r.why}"
            )
        self.query_one("#send-who", Label).update("\n".join(lines) or "No one is on the attendance list.")
        warnings = check_before_sending(meeting)
        self.query_one("#send-warnings", Label).update(
            "\n".join(f"! {w.what}" for w in warnings) or "Nothing risky found."
        )
        self.query_one("#send-due", Label).update("\n".join(deadline_lines(self.app, meeting)) or "—")
        from mapm_tui.minutes.extras import SHAREABLE_FIELDS, family_fields

        chosen = family_fields(meeting)
        self.query_one("#send-fields", Label).update(
            "\n".join(
                f"{key}: {name}: {'shared' if path in chosen else 'left out'}"
                for key, (path, name) in zip("igl", SHAREABLE_FIELDS.items(), strict=True)
            )
        )

    def action_share_field(self, path: str) -> None:
        """The chair's own decision to share a free-text field design.md's list leaves out (issue 14)."""
        from mapm_tui.minutes.extras import ExtrasError, family_fields, save_extras, set_family_field
        from mapm_tui.store import StoreError

        shared = path not in family_fields(self.live.meeting)
        try:
            save_extras(self.live.store, self.live.id, set_family_field(self.live.meeting, path, shared))
        except (ExtrasError, StoreError) as exc:
            self.query_one("#send-result", Label).update(str(exc))
            return
        self.live.reload()
        self.refresh_send()

    def action_request_check(self) -> None:
        from mapm_tui.minutes.accuracy import request_check
        from mapm_tui.minutes.extras import ExtrasError, save_extras
        from mapm_tui.store import StoreError

        try:
            save_extras(
                self.live.store,
                self.live.id,
                request_check(self.live.meeting, self.app.clock.today(), self.app.settings),
            )
        except (ExtrasError, StoreError, ValueError) as exc:
            self.query_one("#send-result", Label).update(str(exc))
            return
        self.live.reload()
        self.refresh_send()
        self.query_one("#send-result", Label).update(
            "Recorded: the draft minutes ask for corrections by the date shown; write the outbox to send them."
        )

    def action_outbox(self) -> None:
        from mapm_tui.lifecycle import LifecycleError
        from mapm_tui.minutes import ExportError, MinutesWithheld, previous_meeting
        from mapm_tui.outbox import OutboxError, folder_name, record_sent, record_written, write_outbox
        from mapm_tui.store import StoreError

        meeting = self.live.meeting
        folder = self.app.settings.export_dir() / folder_name(meeting)
        now = self.app.clock.now()
        try:
            out = write_outbox(
                meeting,
                self.live.template,
                folder,
                settings=self.app.settings,
                now=now,
                previous=previous_meeting(self.live.store, meeting),
            )
        except (OutboxError, ExportError, MinutesWithheld, LifecycleError) as exc:
            self.query_one("#send-result", Label).update(str(exc))
            return
        try:
            record_written(self.live.store, self.live.id, out)
        except StoreError as exc:  # an unrecorded disclosure is taken away again, as an export is
            self.query_one("#send-result", Label).update(
                f"The outbox was not recorded in the audit trail, so it was removed: {exc}"
            )
            return
        try:
            recorded = record_sent(self.live.store, self.live.id, out, now)
        except StoreError as exc:  # a reader's role, a meeting held elsewhere: written, but not recorded as sent
            self.query_one("#send-result", Label).update(
                f"Written to {out.folder}: {len(out.drafts)} e-mail drafts, NOT recorded as sent: {exc}"
            )
            return
        self.live.reload()
        self.refresh_send()
        hand = f"; {len(out.by_hand)} to give by hand or post" if out.by_hand else ""
        self.query_one("#send-result", Label).update(
            f"Written to {out.folder}: {len(out.drafts)} e-mail drafts ({recorded} recorded as sent){hand}. "
            "Open the .eml files in Outlook or Thunderbird to send them."
        )

    def action_close(self) -> None:
        self.dismiss(True)


def deadline_lines(app, meeting: dict) -> list[str]:
    """The meeting's deadlines in words for the screens (one sentence if a setting is wrong)."""
    from mapm_tui.deadlines import DeadlineError, meeting_deadlines

    try:
        return [d.words() for d in meeting_deadlines(meeting, app.settings, app.clock.today())]
    except DeadlineError as exc:
        return [str(exc)]
