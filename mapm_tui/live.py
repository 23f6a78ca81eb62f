"""One meeting, open in the app: the screens' single door to storage, rules and the clock.

Screens call these methods and show what they return; nothing here knows about Textual. Field edits
go through the autosaver (debounced, flushed on leaving a field, a step or the app); adding, changing
or deleting an item is written at once. The meeting dict (`self.meeting`) is kept in step with every
write so screens can read it without touching the database.

An entry is always taken: it goes into the autosaver's queue (pending.py) with an id chosen here and is
written from there at once, or, while the database fails, on a later tick, in order and each once. Until
then `entries_in_step` and `entry` show it from the queue (`waiting` says so), and changing or deleting it
changes the queued one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import capture, pending, rules
from .agenda import Step, Template
from .autosave import Autosaver
from .clock import Clock
from .store import Store
from .subject_words import SubjectWords, words_for
from .vocabulary import is_editable, is_two_part

#: step kind -> the meeting fields (bundle paths) it records, for "has this step got content?"
STEP_FIELDS = {
    "details": ("venue", "start_time"),
    "family_meeting": ("family_meeting.considered",),
    "lead_practitioner": ("lead_practitioner.name", "lead_practitioner.changed"),
    "disagreement": ("disagreement.any",),
    "feedback_to_family": (
        "feedback_to_family.by_name",
        "feedback_to_family.by_attendee_id",
        "feedback_to_family.not_needed_reason",
    ),
    "minutes_sharing": ("minutes_sharing.share_with_family",),
    "next_review": ("next_review.required", "next_review.date"),
}


def get_path(meeting: dict, path: str) -> Any:
    if "." in path:
        group, name = path.split(".", 1)
        return (meeting.get(group) or {}).get(name)
    return meeting.get(path)


def set_path(meeting: dict, path: str, value: Any) -> None:
    if "." in path:
        group, name = path.split(".", 1)
        record = meeting.setdefault(group, {})
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value
    elif value is None:
        meeting.pop(path, None)
    else:
        meeting[path] = value


#: the draft key that keeps the step the chair is on, so that reopening a running meeting lands there.
#: Drafts are kept per meeting and never exported: where the chair was is not part of the record.
WHERE_KEY = "live:step"
#: the autosaver's key for the family joining (F4) while it is not yet written (recovery.restore reads it)
PART_TWO_KEY = "part_two:started_at"
#: the autosaver's keys for time spent on a step not yet written, `step_time:<step key>` (recovery too)
STEP_TIME_PREFIX = "step_time:"


class LiveMeeting:
    def __init__(
        self,
        store: Store,
        meeting_id: str,
        clock: Clock | None = None,
        autosaver: Autosaver | None = None,
    ):
        self.store = store
        self.id = meeting_id
        self.clock = clock or store.clock
        self.autosaver = autosaver or Autosaver(now=self.clock.monotonic)
        self.autosaver.write_entry = self._write_entry
        opened = store.opened(meeting_id)  # one read transaction: a server answers it in one go
        self.template: Template = opened.template
        self.meeting: dict = opened.meeting
        self._drafts: dict[str, str] = opened.drafts
        self._progress = {k: (p.seconds, p.done) for k, p in opened.progress.items()}
        #: seconds spent on steps that the database did not take yet (full disk, lost server): shown on the
        #: step clocks at once, written with the next save that goes through
        self._time_owed: dict[str, int] = {}
        self._row = opened.row
        self._step_key: str | None = None
        self._step_since: float | None = None
        #: called after anything is written, so the app can say "Saved hh:mm:ss"
        self.on_change: Callable[[], None] | None = None
        #: goes up on every change to the meeting dict, so a screen shown again knows whether to redraw
        self.version = 0
        #: why this window may not change the meeting (a read-only database, or another window is editing
        #: it: holds.py), or None; the screens then show it as they show a final meeting
        self.read_only: str | None = store.read_only
        #: called once the chair has ended the meeting (the app takes a backup then)
        self.on_ended: Callable[[], None] | None = None

    # -- what is it -------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.meeting["status"]

    @property
    def editable(self) -> bool:
        return is_editable(self.status) and self.read_only is None

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.template.steps

    @property
    def words(self) -> SubjectWords:
        """How prompts name the subject and their family (child or adult), from subjects and template."""
        return words_for(self.meeting, self.template)

    @property
    def part_two_started(self) -> bool:
        return self._row.part_two_started_at is not None or self.autosaver.waiting(PART_TWO_KEY)

    def reload(self) -> None:
        self.autosaver.flush()
        self.version += 1
        self.meeting = self.store.load_meeting(self.id)
        self._row = self.store.meeting_row(self.id)

    def _written(self, reload: bool = True) -> None:
        self.version += 1
        if reload:
            self.meeting = self.store.load_meeting(self.id)
        if self.on_change:
            self.on_change()

    # -- fields (debounced) -----------------------------------------------------------------------
    def field(self, path: str) -> Any:
        return get_path(self.meeting, path)

    def set_field(self, path: str, value: Any, *, now: bool = False) -> None:
        """Record a meeting field. Written within the autosaver's delay (or at once with now=True)."""
        if isinstance(value, str) and not value.strip():
            value = None
        set_path(self.meeting, path, value)
        self.version += 1
        self.autosaver.put(f"field:{path}", lambda: self._save_field(path, value), value)
        if now:
            self.autosaver.flush(f"field:{path}")

    def _save_field(self, path: str, value: Any) -> None:
        self.store.set_fields(self.id, {path: value})
        self._written(reload=False)

    def draft(self, key: str) -> str:
        return self._drafts.get(key, "")

    def set_draft(self, key: str, text: str) -> None:
        """Keep half-typed text (a capture line, an action form field) so a crash loses nothing."""
        self._drafts[key] = text
        self.autosaver.put(f"draft:{key}", lambda: self._save_draft(key, text), text)

    def _save_draft(self, key: str, text: str) -> None:
        self.store.save_draft(self.id, key, text)
        if self.on_change:  # a draft is not part of the meeting: nothing on screen needs redrawing
            self.on_change()

    def clear_draft(self, key: str) -> None:
        """Forget a draft (it became an entry): written now, or kept and retried like any save."""
        self._drafts.pop(key, None)
        self.autosaver.put(f"draft:{key}", lambda: self._save_draft(key, ""), "")
        self.autosaver.flush(f"draft:{key}")

    def flush(self) -> int:
        return self.autosaver.flush()

    # -- entries ----------------------------------------------------------------------------------
    def entries_in_step(self, step: Step) -> list[dict]:
        """Entries captured under `step`, plus those captured under no step whose home it is; those taken
        but not yet saved (`waiting`) last, in the order they were typed."""
        return self.template.entries_in(self.entries, step.key)

    @property
    def entries(self) -> list[dict]:
        """Every entry: those saved, then those waiting to be saved."""
        saved = self._saved_ids()
        queued = [q.values for q in self.autosaver.queue if q.id not in saved]
        return [*(self.meeting.get("entries") or []), *queued]

    def _saved_ids(self) -> set[str]:
        return {e["id"] for e in self.meeting.get("entries") or []}

    def waiting(self, entry_id: str) -> bool:
        """The entry was taken but is not saved yet (it waits in the queue)."""
        return entry_id in self.autosaver.queue

    @property
    def refusal(self) -> str | None:
        """Why the store refused a waiting entry for good (the first such), or None: it waits for the chair
        to change or delete it (pending.QueuedEntry.refused)."""
        return next((q.refused for q in self.autosaver.queue if q.refused), None)

    @property
    def entries_waiting(self) -> int:
        """How many entries were taken and are not saved yet."""
        return self.autosaver.queue.waiting

    def entry_defaults(self, step: Step | None) -> capture.EntryDefaults:
        return capture.entry_defaults(self.meeting, step.stage if step else None, self.status, self.part_two_started)

    def add_entry(self, step: Step | None, kind: str, text: str, **values: Any) -> str:
        """Take an entry: it is queued with its id, stage, part and time as of now (what was typed, when it
        was typed: a part two marked before it is written does not move it), then written with those
        queued before it. A failure to write goes to the autosaver's `on_error` (the app says NOT SAVED);
        the entry stays queued. Returns its id."""
        defaults = self.entry_defaults(step)
        item = {
            "id": pending.new_entry_id(),
            "kind": kind,
            "text": text,
            "step": step.key if step else None,
            "stage": defaults.stage,
            "part": defaults.part,
            "share_with_family": defaults.share_with_family,
            "created_at": self.clock.utcnow().isoformat(),
        }
        item.update(values)
        # entries already waiting on a fault (a server gone, a full disk): this one joins them without a try
        # of its own, which would only fail behind them (and may wait seconds for a server that does not
        # answer, with the chair's next words waiting); the autosaver's tick tries them all, in order
        stalled = any(q.refused is None for q in self.autosaver.queue)
        queued = self.autosaver.queue.put({k: v for k, v in item.items() if v is not None})
        self.version += 1
        if not stalled:
            self.autosaver.flush_queue()
        return queued.id

    def _write_entry(self, values: dict) -> None:
        """Write one queued entry (once: written already, after an answer lost on the way, it is left; and
        if the meeting read since shows it written, a change the chair made meanwhile is written over it)."""
        if values["id"] in self._saved_ids():
            self.store.update_item(self.id, "entries", values["id"], {k: v for k, v in values.items() if k != "id"})
        else:
            self.store.add_item(self.id, "entries", values, once=True)
        self._written()

    def update_entry(self, entry_id: str, values: dict) -> None:
        """Change an entry: the queued one while it waits (tried again at once), else the saved one."""
        if self.autosaver.queue.update(entry_id, values):
            self.version += 1
            self.autosaver.flush_queue()
            return
        self._store_now.update_item(self.id, "entries", entry_id, values)
        self._written()

    def delete_entry(self, entry_id: str) -> None:
        """Delete an entry: a queued one is taken out of the queue (it was never written)."""
        if self.autosaver.queue.remove(entry_id):
            self.version += 1
            return
        self._store_now.delete_item(self.id, "entries", entry_id)
        self._written()

    def check_all_saved(self) -> None:
        """Raise `pending.EntriesWaiting` while any entry taken is not saved yet (finalising would leave it
        out of the record)."""
        count = self.entries_waiting
        if count:
            raise pending.EntriesWaiting(
                f"{count} entr{'y is' if count == 1 else 'ies are'} NOT SAVED yet (marked in their steps), so the "
                "meeting was not finalised; try again once the database has taken "
                f"{'it' if count == 1 else 'them'}."
            )

    def entry(self, entry_id: str) -> dict | None:
        return next((e for e in self.entries if e["id"] == entry_id), None)

    # -- attendees, subjects, actions -------------------------------------------------------------
    def add_item(self, kind: str, values: dict) -> str:
        if kind == "actions":
            values.setdefault("share_with_family", True)  # new actions default to shared (design.md)
            values.setdefault("status", "open")
        item_id = self._store_now.add_item(self.id, kind, values)
        self._written()
        return item_id

    def update_item(self, kind: str, item_id: str, values: dict) -> None:
        self._store_now.update_item(self.id, kind, item_id, values)
        self._written()

    def delete_item(self, kind: str, item_id: str) -> None:
        self._store_now.delete_item(self.id, kind, item_id)
        self._written()

    @property
    def _store_now(self) -> Store:
        """The store, for a change the chair asked for by a key (it is written at once, not autosaved):
        refused at once, with ServerGone's one sentence, while saves wait for a server found out of reach
        (Autosaver.held), rather than waiting out the connect timeout on the app's thread."""
        if self.autosaver.held:
            from .store_errors import SERVER_GONE, ServerGone

            raise ServerGone(SERVER_GONE)
        return self.store

    def attendee(self, attendee_id: str | None) -> dict | None:
        return next((a for a in self.meeting.get("attendees", []) if a["id"] == attendee_id), None)

    def action_findings(self, draft: dict, number: int) -> list[rules.Finding]:
        """SMART findings for an action as typed (G-31/G-32), for the action form."""
        return rules.check_action(draft, self.meeting, number, self.template)

    def findings(self) -> list[rules.Finding]:
        return rules.check_meeting(self.meeting, self.template)

    # -- steps and time ---------------------------------------------------------------------------
    @property
    def current_step(self) -> str | None:
        """The key of the step the chair is on (None when no step screen is open)."""
        return self._step_key

    def step_index(self, key: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.key == key)

    def enter_step(self, key: str) -> None:
        # what was typed on the step being left is written now; where the chair is (a marker saved on
        # every step change) waits for the autosave timer, like anything typed: writing it here cost a
        # commit, and a redraw of the save state, on every step change while the chair pages through steps
        self._leave_step(keep=(f"draft:{WHERE_KEY}",))
        self._step_key = key
        self._step_since = self.clock.monotonic()
        if self.editable and self.draft(WHERE_KEY) != key:
            self.set_draft(WHERE_KEY, key)  # saved with the next autosave, like anything typed

    @property
    def resume_step(self) -> str:
        """The step the chair was last on (where a reopened running meeting lands), else the first."""
        key = self.draft(WHERE_KEY)
        return key if key and self.template.step(key) is not None else self.steps[0].key

    @property
    def running_in_two_parts(self) -> bool:
        """The meeting is running, and the family attends its second part only (G-08)."""
        return self.status == "in_progress" and is_two_part(self.meeting)

    @property
    def may_mark_part_two(self) -> bool:
        """Whether "the family joins" (F4) may be marked now: once, while a two-part meeting runs."""
        return self.running_in_two_parts and not self.part_two_started

    @property
    def part_label(self) -> str | None:
        """Which part of a two-part meeting is running (G-08), for the header: part 1 professionals only,
        part 2 with the family (after F4). None when not two-part or not running."""
        if not self.running_in_two_parts:
            return None
        return "Part 2" if self.part_two_started else "Part 1"  # short: the header has 118 columns at 120

    def leave_step(self) -> None:
        """Flush what was typed and add the time spent on the step (only while the meeting runs)."""
        self._leave_step()

    def _leave_step(self, keep: tuple[str, ...] = ()) -> None:
        self.save_progress(keep=keep)
        self._step_key = self._step_since = None

    def save_progress(self, keep: tuple[str, ...] = ()) -> None:
        """Flush what was typed (all but the saves named in `keep`) and bank the time on the current step
        so far; the step clock runs on (used on quit, signals and the privacy key, where the chair has not
        left the step)."""
        self.autosaver.flush(keep=keep)
        if self._step_key is None or self._step_since is None:
            return
        now = self.clock.monotonic()
        seconds = int(now - self._step_since)
        key = self._step_key
        self._step_since = self._step_since + seconds  # keep the fraction of a second for next time
        if self.status == "in_progress" and seconds > 0 and self.read_only is None:
            old, done = self._progress.get(key, (0, False))
            self._progress[key] = (old + seconds, done)
            owed = self._time_owed.get(key, 0) + seconds
            self._time_owed[key] = owed
            # through the autosaver, like typed text: kept while the database fails, written when it can
            # be, and in the recovery file on quitting (it was lost with the app when it was only owed here)
            self.autosaver.put(f"{STEP_TIME_PREFIX}{key}", lambda: self._bank(key, owed), owed)
        self.bank_time_owed()

    def _bank(self, key: str, seconds: int) -> None:
        self.store.add_step_time(self.id, key, seconds)
        left = self._time_owed.get(key, 0) - seconds
        if left > 0:
            self._time_owed[key] = left
        else:
            self._time_owed.pop(key, None)

    def bank_time_owed(self) -> None:
        """Write the step time the database has not taken yet, now. A fault that keeps typed text waiting
        (a full disk, a busy database, a lost server) leaves it waiting with the text, tried again with the
        next save: the chair goes on to the next step as if nothing happened (it used to stop the app)."""
        for key in list(self._time_owed):
            self.autosaver.flush(f"{STEP_TIME_PREFIX}{key}")

    def step_seconds(self, key: str) -> float:
        seconds: float = self._progress.get(key, (0, False))[0]
        if key == self._step_key and self._step_since is not None and self.status == "in_progress":
            seconds += self.clock.monotonic() - self._step_since
        return seconds

    def meeting_seconds(self) -> float:
        started = self._row.started_at
        if started is None or self.status not in ("in_progress",):
            return 0.0
        return (self.clock.utcnow() - started).total_seconds()

    def step_done(self, step: Step) -> bool:
        """Ticked in the agenda: marked done, or it has content."""
        if self._progress.get(step.key, (0, False))[1]:
            return True
        if step.kind == "text":
            return bool(self.field(step.field or ""))
        if step.kind == "entries":
            return bool(self.entries_in_step(step))
        if step.kind == "actions":
            return bool(self.meeting.get("actions"))
        if step.kind == "attendance":
            return any(a.get("attendance") != "invited" for a in self.meeting.get("attendees", []))
        return any(self.field(p) is not None for p in STEP_FIELDS.get(step.kind, ()))

    def set_step_done(self, key: str, done: bool = True) -> None:
        self._store_now.set_step_done(self.id, key, done)
        seconds, _ = self._progress.get(key, (0, False))
        self._progress[key] = (seconds, done)
        self._written(reload=False)

    # -- status -----------------------------------------------------------------------------------
    def set_status(self, status: str) -> str | None:
        """Start, end or resume; returns a sentence for the chair when something was not done as usual
        (see `store.end_time_for`)."""
        self.autosaver.flush()
        if status != "in_progress":
            self.leave_step()
        note = self._store_now.set_status(self.id, status)
        self._row = self.store.meeting_row(self.id)
        self._written()
        if status == "in_review" and self.on_ended is not None:
            self.on_ended()
        return note

    def mark_part_two(self) -> None:
        """The family joins (F4). Taken at once, like an entry: what is typed from now on is part two's
        (G-08) whether or not the database takes the mark now; a mark it cannot take waits with the other
        unsaved changes (NOT SAVED, a recovery file on quitting) and is written, with the time it was made,
        when it can be. (Refusing it left the words said with the family in the room marked as said before
        they came in.)"""
        at = self.clock.utcnow()
        self.autosaver.put(PART_TWO_KEY, lambda: self._save_part_two(at), at.isoformat())
        self.version += 1
        self.autosaver.flush(PART_TWO_KEY)

    def _save_part_two(self, at: dt.datetime) -> None:
        self.store.mark_part_two(self.id, at)
        self._row = self.store.meeting_row(self.id)
        self._written(reload=False)

    def today(self) -> dt.date:
        return self.clock.today()
