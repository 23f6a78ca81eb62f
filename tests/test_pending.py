"""The queue of entries taken but not yet saved (pending.py), without a terminal: order, one write each,
a fault stops the flush, a refusal for good waits for the chair, and the autosaver counts the queue."""

from __future__ import annotations

import pytest

from mapm_tui.autosave import Autosaver
from mapm_tui.pending import EntryQueue, new_entry_id
from mapm_tui.store import StoreError, WriteFailed


def entry(text: str) -> dict:
    return {"id": new_entry_id(), "kind": "risk", "text": text}


class Database:
    """Writes entries, failing while `down` (a fault) or refusing the texts in `refuses` (a rule)."""

    def __init__(self) -> None:
        self.down = False
        self.refuses: set[str] = set()
        self.written: list[str] = []

    def write(self, values: dict) -> None:
        if self.down:
            raise WriteFailed("The disk is full, so nothing was saved; free some space.")
        if values["text"] in self.refuses:
            raise StoreError("The entry was not saved: a rule refuses it.")
        self.written.append(values["text"])


def keep_faults(exc: Exception) -> bool:
    """The app's answer (MapmApp._save_failed): a fault is kept and retried, a refusal is for good."""
    return isinstance(exc, WriteFailed) or not isinstance(exc, StoreError)


def test_ids_are_chosen_before_the_write_and_differ():
    ids = {new_entry_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(i.startswith("ent-") for i in ids)


def test_entries_are_written_in_order_and_a_fault_keeps_the_rest_behind_it():
    db, queue = Database(), EntryQueue()
    db.down = True
    for text in ("A", "B", "C"):
        queue.put(entry(text))
    assert queue.flush(db.write, keep_faults) == 0
    assert [q.values["text"] for q in queue] == ["A", "B", "C"] and db.written == []
    db.down = False
    assert queue.flush(db.write, keep_faults) == 3
    assert db.written == ["A", "B", "C"] and not queue
    assert queue.flush(db.write, keep_faults) == 0 and db.written == ["A", "B", "C"]  # each once


def test_without_an_answer_to_faults_the_fault_is_raised_and_the_entry_kept():
    db, queue = Database(), EntryQueue()
    db.down = True
    queue.put(entry("A"))
    with pytest.raises(WriteFailed):
        queue.flush(db.write)
    assert len(queue) == 1


def test_a_refusal_for_good_waits_for_a_change_and_the_others_go_on():
    db, queue = Database(), EntryQueue()
    db.refuses = {"A"}
    a = queue.put(entry("A"))
    queue.put(entry("B"))
    assert queue.flush(db.write, keep_faults) == 1
    assert db.written == ["B"] and a.refused and "rule refuses" in a.refused
    assert queue.flush(db.write, keep_faults) == 0  # not retried until changed
    assert queue.update(a.id, {"text": "A, put right", "basis": None})
    assert a.refused is None and "basis" not in a.values
    assert queue.flush(db.write, keep_faults) == 1 and db.written == ["B", "A, put right"]


def test_changing_or_deleting_names_one_waiting_entry_and_never_another():
    queue = EntryQueue()
    a, b = queue.put(entry("A")), queue.put(entry("B"))
    assert queue.update(b.id, {"text": "B2", "id": "ent-other"})  # the id is never changed
    assert [q.values["text"] for q in queue] == ["A", "B2"] and b.id != "ent-other"
    assert queue.remove(a.id) and [q.id for q in queue] == [b.id]
    assert not queue.update(a.id, {"text": "x"}) and not queue.remove(a.id)  # gone (or written meanwhile)
    with pytest.raises(ValueError):
        queue.put({"kind": "risk", "text": "no id"})


def test_the_autosaver_counts_writes_and_keeps_the_queue():
    db = Database()
    clock = [0.0]
    saver = Autosaver(now=lambda: clock[0], on_error=keep_faults)
    saver.write_entry = db.write
    db.down = True
    first = saver.queue.put(entry("A"))
    saver.put("field:aim", lambda: None, "an aim")
    assert saver.flush_queue() == 0 and saver.pending
    unsaved = saver.unsaved()
    assert unsaved[f"entry:{first.id}"]["text"] == "A" and unsaved["field:aim"] == "an aim"
    db.down = False
    clock[0] = 1.0  # the field's save is due; the queue is written on every tick
    assert saver.flush_due() == 2 and not saver.pending and db.written == ["A"]
    saver.queue.put(entry("B"))
    saver.discard()  # written to a recovery file: not written again on the way out
    assert not saver.pending and saver.flush() == 0 and db.written == ["A"]


def test_every_change_of_the_queue_is_told():
    db, queue = Database(), EntryQueue()
    told = []
    queue.on_change = lambda: told.append(len(queue))
    a = queue.put(entry("A"))
    queue.put(entry("B"))
    queue.update(a.id, {"text": "A2"})
    queue.remove(a.id)
    queue.flush(db.write, keep_faults)
    queue.clear()  # (empty: nothing changes)
    assert told == [1, 2, 2, 1, 0]
