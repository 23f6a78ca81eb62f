"""Encrypted by default (issue 11): the database opens only with its passphrase, in this app and in any
standard SQLCipher tool; nothing of a meeting is readable in its files; deleted text is gone from the
decrypted pages too; a plain database is encrypted in place; the passphrase can be changed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3

from mapm_tui import crypto
from mapm_tui.passphrase import MAX_TRIES, TooManyTries, Unlocker
from tests import keys
from tests.cli_helpers import mapm, one_sentence
from tests.samples import sample_names

PASSPHRASE = "lantern meadow copper finch"
SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def sample_words() -> list[str]:
    """Every subject's name and every entry's text of the shipped samples (what `strings` must not find)."""
    words = []
    for name in sample_names():
        meeting = json.loads((SAMPLES / name).read_text(encoding="utf-8"))["meeting"]
        words += [s["name"] for s in meeting["subjects"]]
        words += [e["text"][:40] for e in meeting["entries"] if len(e["text"]) >= 12]
    assert len(words) > 20
    return words


def files_of(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*")}


def encrypted_store(path: Path, passphrase: str = PASSPHRASE):
    from mapm_tui.store import open_store

    return open_store(path, key=crypto.key_for_file(path, passphrase))


def load_samples(store) -> list[str]:
    from mapm_tui.agenda import shipped_templates
    from mapm_tui.demo import load_demo

    return load_demo(store, shipped_templates())


# -- the file -------------------------------------------------------------------------------------


def test_the_passphrase_opens_the_file_in_a_standard_sqlcipher_tool(tmp_path):
    """A partnership's IT can read its data without this app: `PRAGMA key = '<passphrase>'`, SQLCipher 4
    defaults, and nothing else."""
    db = tmp_path / "meetings.db"
    store = encrypted_store(db)
    ids = load_samples(store)
    store.close()
    con = sqlcipher3.connect(str(db))
    con.execute(f"PRAGMA key = '{PASSPHRASE}'")
    assert sorted(r[0] for r in con.execute("SELECT id FROM meeting")) == sorted(ids)
    con.close()
    con = sqlcipher3.connect(str(db))
    con.execute("PRAGMA key = 'lantern meadow copper fish'")
    with pytest.raises(sqlcipher3.DatabaseError, match="not a database"):
        con.execute("SELECT count(*) FROM meeting")
    con.close()


def test_strings_finds_no_name_or_note_in_the_database_its_wal_or_shm(tmp_path):
    db = tmp_path / "meetings.db"
    store = encrypted_store(db)
    load_samples(store)
    open_files = files_of(db)
    assert {"meetings.db", "meetings.db-wal", "meetings.db-shm"} <= set(open_files)
    store.close()
    for files in (open_files, files_of(db)):
        for name, data in files.items():
            found = [w for w in sample_words() if w.encode("utf-8") in data]
            assert not found, f"{name} holds {found[:3]}"
            assert b"SQLite format 3" not in data[:16]


def test_a_plain_store_is_refused_a_key_and_an_encrypted_one_needs_it(tmp_path):
    from mapm_tui.store import open_store

    db = tmp_path / "meetings.db"
    encrypted_store(db).close()
    with pytest.raises(crypto.PassphraseNeeded, match="is encrypted"):
        open_store(db)
    plain = tmp_path / "plain.db"
    open_store(plain).close()
    assert crypto.file_kind(plain) == "plain"
    with pytest.raises(crypto.NotPlain):
        open_store(plain, key=crypto.derive_key(PASSPHRASE))


# -- deleted text is gone ---------------------------------------------------------------------------

RESERVE = 80  # SQLCipher 4: a 16-byte IV and a 64-byte HMAC-SHA512 at the end of every page
PAGE = 4096


def decrypted_pages(data: bytes, key: crypto.DatabaseKey, wal: bool = False) -> bytes:
    """The plaintext of every page of an encrypted database file (or of every frame of its WAL): what is
    on disk, decrypted, including free pages and old frames that SQLite no longer reads."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    out = []
    if wal:
        frames = [(data[i : i + 24], data[i + 24 : i + 24 + PAGE]) for i in range(32, len(data), 24 + PAGE)]
        pages = [(int.from_bytes(head[:4], "big"), page) for head, page in frames if len(page) == PAGE]
    else:
        pages = [(n + 1, data[n * PAGE : (n + 1) * PAGE]) for n in range(len(data) // PAGE)]
    for number, page in pages:
        start = 16 if number == 1 else 0  # page 1 begins with the salt, in the clear
        iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key.raw), modes.CBC(iv)).decryptor()
        out.append(decryptor.update(page[start : PAGE - RESERVE]) + decryptor.finalize())
    return b"".join(out)


@pytest.mark.skipif(not keys.encrypted(), reason="reads SQLCipher pages (MAPM_TEST_ENCRYPTED=0)")
def test_a_deleted_entry_is_gone_from_every_page_of_the_database_and_its_wal(store, new_meeting, clock):
    """secure_delete overwrites the entry's row, FTS5's secure-delete takes its words out of the search
    index's pages, and closing checkpoints and truncates the WAL: the decrypted bytes of every page,
    free ones included, no longer hold the text."""
    from mapm_tui.search import search

    db = Path(store.engine.url.database)
    key = keys.key_for(db)
    meeting_id = new_meeting()
    kept = "Zephyrine attends the Larkspur holiday club on Saturdays"
    gone = "Quillon Marchbank disclosed the Tamarisk Lane address"
    store.add_item(meeting_id, "entries", {"kind": "need", "text": kept})
    entry = store.add_item(meeting_id, "entries", {"kind": "risk", "text": gone})
    assert [h.meeting_id for h in search(store, "Marchbank")] == [meeting_id]
    store.engine.dispose()  # the rows reach the database file, not only the WAL
    plain = decrypted_pages(db.read_bytes(), key)
    assert kept.encode() in plain and gone.encode() in plain  # the check can see text that is there

    store.delete_item(meeting_id, "entries", entry)
    assert search(store, "Marchbank") == [] and search(store, "Larkspur")
    wal = Path(str(db) + "-wal")
    assert wal.stat().st_size > 0
    store.close()
    assert not wal.exists() or wal.stat().st_size == 0
    plain = decrypted_pages(db.read_bytes(), key)
    assert b"Larkspur" in plain
    for word in (b"Marchbank", b"Quillon", b"Tamarisk"):
        assert word not in plain
        assert word.lower() not in plain  # the search index keeps its words in lower case


# -- unlocking --------------------------------------------------------------------------------------


def test_three_wrong_passphrases_are_refused_with_nothing_changed(tmp_path):
    db = tmp_path / "meetings.db"
    encrypted_store(db).close()
    before = db.read_bytes()
    unlocker = Unlocker(db)
    assert unlocker.kind == "encrypted" and unlocker.needs_passphrase
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(crypto.WrongPassphrase):
            unlocker.attempt("lantern meadow copper fish")
    with pytest.raises(TooManyTries, match="Three wrong passphrases"):
        unlocker.attempt("lantern meadow copper fish")
    assert db.read_bytes() == before


def test_a_new_passphrase_must_be_strong_enough():
    for weak in ("short", "aaaaaaaaaaaaaaaa", "            x"):
        with pytest.raises(crypto.WeakPassphrase, match="at least 12 characters"):
            crypto.check_strength(weak)
    crypto.check_strength(PASSPHRASE)


def test_the_cli_refuses_a_wrong_or_missing_passphrase_in_one_sentence(tmp_path):
    db = tmp_path / "meetings.db"
    encrypted_store(db).close()
    wrong = mapm("list", db=db, env={"MAPM_PASSPHRASE": "lantern meadow copper fish"})
    assert wrong.returncode == 2 and one_sentence(wrong.stderr)
    assert "does not open" in wrong.stderr and "lantern" not in wrong.stderr
    missing = mapm("list", db=db, env={"MAPM_PASSPHRASE": ""})
    assert missing.returncode == 2 and one_sentence(missing.stderr) and "passphrase" in missing.stderr
    file = tmp_path / "passphrase.txt"
    file.write_text(PASSPHRASE + "\n")
    right = mapm("--passphrase-file", str(file), "list", db=db, env={"MAPM_PASSPHRASE": ""})
    assert right.returncode == 0, right.stderr
    absent = mapm("--passphrase-file", str(tmp_path / "nowhere.txt"), "list", db=db)
    assert absent.returncode == 2 and one_sentence(absent.stderr) and "passphrase file" in absent.stderr


def test_a_new_database_from_the_cli_is_encrypted_with_a_strong_passphrase(tmp_path):
    db = tmp_path / "new.db"
    weak = mapm("list", db=db, env={"MAPM_PASSPHRASE": "too short"})
    assert weak.returncode == 2 and one_sentence(weak.stderr) and "12 characters" in weak.stderr
    assert not db.exists() or db.stat().st_size == 0
    made = mapm("import", str(SAMPLES / "hampshire-planning.json"), db=db, env={"MAPM_PASSPHRASE": PASSPHRASE})
    assert made.returncode == 0, made.stderr
    assert crypto.file_kind(db) == "encrypted"


# -- encrypt and rekey ----------------------------------------------------------------------------


def test_mapm_encrypt_turns_a_plain_database_into_an_encrypted_one_that_opens_migrates_and_searches(tmp_path):
    from mapm_tui import migrations
    from mapm_tui.search import search
    from mapm_tui.store import open_store
    from tests.test_migrations import _migrate

    db = tmp_path / "meetings.db"
    plain = open_store(db)
    ids = load_samples(plain)
    plain.close()
    # an older schema revision, really downgraded (a relabelled head database would be migrated twice):
    # the next open migrates it
    _migrate(db, "0003", down=True)
    assert crypto.file_kind(db) == "plain" and b"Maisie" in db.read_bytes()

    done = mapm("encrypt", db=db, env={"MAPM_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    assert crypto.file_kind(db) == "encrypted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["meetings.db"]  # no copy, no WAL, no plain file left
    data = db.read_bytes()
    assert not [w for w in sample_words() if w.encode() in data]
    assert db.stat().st_mode & 0o777 == 0o600

    store = encrypted_store(db)
    try:
        assert sorted(m.id for m in store.list_meetings()) == sorted(ids)
        assert search(store, "Maisie")
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrations.HEAD
    finally:
        store.close()
    again = mapm("encrypt", db=db, env={"MAPM_PASSPHRASE": PASSPHRASE})
    assert again.returncode == 2 and one_sentence(again.stderr) and "already encrypted" in again.stderr


def test_encrypt_leaves_the_plain_file_as_it_was_when_the_copy_fails(tmp_path, monkeypatch):
    from mapm_tui.store import open_store

    db = tmp_path / "meetings.db"
    plain = open_store(db)
    load_samples(plain)
    plain.close()
    before = dump(db)
    counts = iter([{"meeting": 3}, {"meeting": 2}])  # the copy comes out a meeting short
    monkeypatch.setattr(crypto, "_row_counts", lambda _con: next(counts))
    with pytest.raises(crypto.DatabaseError, match="did not check out"):
        crypto.encrypt_file(db, PASSPHRASE)
    assert crypto.file_kind(db) == "plain" and dump(db) == before  # every row, and still in WAL mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["meetings.db"]


def dump(db: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return [con.execute("PRAGMA journal_mode").fetchone()[0], *con.iterdump()]
    finally:
        con.close()


def test_rekey_changes_the_passphrase(tmp_path):
    db = tmp_path / "meetings.db"
    store = encrypted_store(db)
    ids = load_samples(store)
    store.close()
    new = "harbour violet seven kites"
    done = mapm("rekey", db=db, env={"MAPM_PASSPHRASE": PASSPHRASE, "MAPM_NEW_PASSPHRASE": new})
    assert done.returncode == 0, done.stderr
    with pytest.raises(crypto.WrongPassphrase):
        crypto.key_for_file(db, PASSPHRASE)
    con = sqlcipher3.connect(str(db))
    con.execute(f"PRAGMA key = '{new}'")
    assert sorted(r[0] for r in con.execute("SELECT id FROM meeting")) == sorted(ids)
    con.close()
    weak = mapm("rekey", db=db, env={"MAPM_PASSPHRASE": new, "MAPM_NEW_PASSPHRASE": "short"})
    assert weak.returncode == 2 and one_sentence(weak.stderr)
    crypto.key_for_file(db, new)  # still opens with the one before


def test_encrypt_refuses_a_database_that_is_open_in_the_app(tmp_path):
    """The app running on the plain file (another process) would go on writing to it after it was
    replaced. (POSIX locks do not conflict within one process, so the app runs in a subprocess.)"""
    from mapm_tui.store import open_store

    db = tmp_path / "meetings.db"
    plain = open_store(db)
    load_samples(plain)
    plain.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from mapm_tui.store import open_store; s = open_store(sys.argv[1]); s.list_meetings(); "
            "print('open', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(crypto.DatabaseInUse, match="is open in mapm"):
            crypto.encrypt_file(db, PASSPHRASE)
        assert crypto.file_kind(db) == "plain"
    finally:
        holder.communicate("", timeout=60)
    crypto.encrypt_file(db, PASSPHRASE)  # closed: now it can
    assert crypto.file_kind(db) == "encrypted"
