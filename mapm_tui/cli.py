"""The `mapm` command: the app, the demo, and the scripting commands (list, import, export, check …).

Exit codes (a contract): 0 done; 1 a valid request that a rule refuses, or a busy database; 2 usage errors,
unreadable or invalid input files, unknown ids. Errors are one sentence on stderr, never a traceback.

Imports are deferred to the command that needs them: opening the app must not pay for SQLModel,
jsonschema or python-docx before its first frame.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A user mistake: printed as one sentence, exit 2."""


class Refused(Exception):
    """A valid request a rule refuses: printed as one sentence, exit 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not a usage dump
        raise UsageError(f"{message}; see `{self.prog} --help`.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mapm", description="Chair a multi-agency professionals' meeting and write its minutes.")
    parser.add_argument(
        "--db", metavar="PATH|URL", help="the database to use (default: $MAPM_DB or the user data folder)"
    )
    parser.add_argument("--version", action="version", version=_version_line())
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the database's passphrase from the first line of FILE (for scripts; see the README for the risk)",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("demo", help="open the app on a throw-away, unencrypted copy of the sample meetings")
    p = sub.add_parser("list", help="list the meetings")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = sub.add_parser("import", help="import a meeting bundle (JSON); prints the new meeting's id")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--password-file", type=Path, metavar="FILE", help="an encrypted bundle's passphrase, from FILE (for scripts)"
    )
    p = sub.add_parser("export", help="write the Word minutes or a JSON bundle")
    p.add_argument("id")
    p.add_argument("--format", choices=("docx", "json"), default="docx")
    p.add_argument("--family", action="store_true", help="the family's copy of the minutes (only what is shared)")
    p.add_argument("--letterhead", type=Path, help="a .docx whose styles, logo and first page the minutes use")
    p.add_argument("-o", "--output", type=Path, help="the file to write")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    _add_protection_options(p)
    p = sub.add_parser("check", help="SMART and completeness findings; exit 1 if anything blocks finalising")
    p.add_argument("id")
    p = sub.add_parser(
        "finalise",
        help="make a meeting in review final (locked); exit 1, listing what blocks, if anything does",
        description="Each --override names a finding by the key `mapm check` shows (or by its rule id, such as "
        "G-44, for every finding of that rule) and must be followed by its own --reason.",
    )
    p.add_argument("id")
    p.add_argument("--by", required=True, metavar="NAME", help="who finalises the meeting")
    p.add_argument("--override", action=_OverrideAction, dest="overrides", metavar="KEY", help="a finding to override")
    p.add_argument(
        "--reason", action=_ReasonAction, dest="overrides", metavar="TEXT", help="why (after each --override)"
    )
    p = sub.add_parser("reopen", help="move a final meeting back to review; later changes are kept as amendments")
    p.add_argument("id")
    p.add_argument("--by", required=True, metavar="NAME", help="who reopens it")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is reopened (shown in the minutes' annex)")
    p = sub.add_parser("next", help="prepare the next (review) meeting from this one; prints the new meeting's id")
    p.add_argument("id")
    p = sub.add_parser("search", help="meetings whose words match; one line per meeting, saying where it matched")
    p.add_argument("text", nargs="+", help="the words to look for (any characters are taken as plain text)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--limit", type=int, default=50, help="at most this many meetings (default 50)")
    _add_encryption_commands(sub)
    p = sub.add_parser("actions", help="open actions across meetings (the latest of each carried-over chain)")
    p.add_argument("--overdue", action="store_true", help="only those due before today")
    p.add_argument("--format", choices=("table", "json"), default="table")
    _add_record_commands(sub)
    _add_team_commands(sub)
    # -- the database file itself: backups, restore, integrity (backup.py, db.py) --
    p = sub.add_parser("backup", help="back the database up now (SQLite's online backup); prints the backup's path")
    p.add_argument("-o", "--output", type=Path, help="the file to write (default: the rotating backups folder)")
    p = sub.add_parser("restore", help="put a backup in place of the database; the current file is kept aside")
    p.add_argument("file", type=Path, help="the backup to restore (checked before anything is changed)")
    sub.add_parser("check-db", help="a full integrity check of the database file; exit 1 if it is damaged")
    sub.add_parser(
        "doctor",
        help="versions, where your data is, whether the database is encrypted and healthy, the terminal "
        "(no personal data: paste it into a support request)",
    )
    p = sub.add_parser(
        "outbox",
        help="write e-mail drafts (.eml), the action summary and the next review (.ics) to a folder, and "
        "record them as the distribution; sends nothing",
    )
    p.add_argument("id")
    p.add_argument("-o", "--output", type=Path, help="the folder (default: outbox-<case>-<date> in the export folder)")
    p.add_argument("--no-record", action="store_true", help="write the drafts without recording the distribution")
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """The parser, built once per process (a few milliseconds, and `main` runs hundreds of times in the
    tests' one process); parsing leaves it unchanged."""
    return build_parser()


def _version_line() -> str:
    from .doctor import version_line

    return version_line()


class _OverrideAction(argparse.Action):
    """`--override KEY`: starts a (key, reason) pair; its `--reason` must follow."""

    def __call__(self, parser, namespace, value, option_string=None):
        pairs = getattr(namespace, self.dest, None) or []
        if pairs and pairs[-1][1] is None:
            raise UsageError(
                f"--override {pairs[-1][0]} needs its own --reason before the next --override; see `mapm "
                "finalise --help`."
            )
        setattr(namespace, self.dest, [*pairs, (value, None)])


class _ReasonAction(argparse.Action):
    """`--reason TEXT`: completes the --override before it."""

    def __call__(self, parser, namespace, value, option_string=None):
        pairs = getattr(namespace, self.dest, None) or []
        if not pairs or pairs[-1][1] is not None:
            raise UsageError("--reason must follow the --override it explains; see `mapm finalise --help`.")
        setattr(namespace, self.dest, [*pairs[:-1], (pairs[-1][0], value)])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        return _dispatch(args)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except Refused as exc:
        _say(str(exc))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `mapm actions | head`: the reader left; not an error worth a traceback
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_OK
    except SystemExit as exc:  # --help and the like
        return int(exc.code or 0)


def _say(message: str) -> None:
    from .text import shorten_quoted

    print(f"mapm: {shorten_quoted(_shown(message, one_line=True))}", file=sys.stderr)


def _shown(text: object, one_line: bool = False) -> str:
    """Every value the CLI prints goes through here: what a terminal could obey is shown escaped."""
    from .text import for_terminal

    return for_terminal(text, one_line=one_line)


def _out(text: object) -> None:
    print(_shown(text))


def _print_json(data: object) -> None:
    from .text import json_for_terminal

    print(json_for_terminal(data))


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        return _run_app(args.db, demo=False, passphrase_file=args.passphrase_file)
    if command == "demo":
        return _run_app(None, demo=True)
    if command in FILE_COMMANDS:  # these work on the file itself, damaged or not: no store is opened
        return FILE_COMMANDS[command](args)
    if command in OWN_OPENING:
        return OWN_OPENING[command](args)
    store, templates = _open(args.db, args.passphrase_file)
    from .store import DatabaseBusy, ServerGone

    try:
        return COMMANDS[command](args, store, templates)
    except DatabaseBusy as exc:  # "busy" is exit 1 everywhere: a valid request that may work in a moment
        raise Refused(str(exc)) from None
    except ServerGone as exc:  # the server went after the command connected: as unreachable at the start
        raise UsageError(str(exc)) from None
    except _damage_errors() as exc:
        sentence = _damaged(args.db, exc)
        if sentence is None:
            raise
        raise UsageError(sentence) from None
    finally:
        store.close()


def _open(db, passphrase_file: Path | None = None):
    from .agenda import load_templates
    from .db import DatabaseError
    from .locations import user_templates_dir
    from .store import DatabaseBusy, open_store

    templates = load_templates(user_templates_dir())
    for refused in templates.refused:  # left out; the other templates and every stored meeting still work
        _say(f"an agenda template was left out: {refused}")
    try:
        from .pgserver import login_at_terminal

        login_at_terminal(db)  # a team's server: its password asked at the terminal if it wants one
        store = open_store(db, key=_database_key(db, passphrase_file))
    except DatabaseBusy as exc:
        raise Refused(str(exc)) from None
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    store.user_name = _user_name()
    return store, templates


def _user_name() -> str | None:
    """The user's name for the audit trail (settings' user_name); a settings file with a mistake in it
    gives no name here, and the command that needs the settings says what the mistake is."""
    from .settings import SettingsError, load_settings

    try:
        return load_settings().user_name or None
    except SettingsError:
        return None


def _record_view(store, meeting_ids: list[str], kind: str) -> None:
    """Record a view (issue 12). A database that refuses the write (read-only, busy) still shows what was
    asked for, and says on stderr that the view went unrecorded; an export is refused instead."""
    from . import audit
    from .store import StoreError

    try:
        audit.record_many(store, meeting_ids, kind)
    except StoreError as exc:
        _say(f"this was not recorded in the audit trail: {_sentence(exc)}")


def _audit_export(store, meeting_id: str, path: Path, what: str) -> None:
    """Record an export in the audit trail; if that cannot be recorded, the file is removed again (an
    unrecorded disclosure is refused, not left behind)."""
    from . import audit
    from .store import StoreError

    try:
        audit.record_export(store, meeting_id, path, what)
    except StoreError as exc:
        raise Refused(f"The export was not recorded in the audit trail, so it was removed: {_sentence(exc)}") from None


def _database_key(db, passphrase_file: Path | None):
    """The key of the database `db` (None if it is plain): the passphrase given, or asked on the
    terminal; a wrong one (three times on a terminal) is a usage error, exit 2."""
    from .crypto import WeakPassphrase
    from .db import DatabaseError
    from .passphrase import PassphrasesDiffer, unlock_for_command

    try:
        return unlock_for_command(db, passphrase_file)
    except (DatabaseError, WeakPassphrase, PassphrasesDiffer) as exc:
        raise UsageError(_sentence(exc)) from None


def _add_encryption_commands(sub) -> None:
    sub.add_parser(
        "encrypt",
        help="encrypt a plain (unencrypted) database with a new passphrase; the plain file is overwritten",
    )
    p = sub.add_parser("rekey", help="change the database's passphrase")
    p.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the new passphrase from FILE (for scripts); else $MAPM_NEW_PASSPHRASE, else asked twice",
    )


def cmd_encrypt(args) -> int:
    from . import crypto
    from .crypto import WeakPassphrase
    from .db import DatabaseError, database_path
    from .passphrase import PassphrasesDiffer, given_passphrase, new_passphrase, terminal_prompt

    try:
        _no_passphrase_on_a_server(args.db)
        path = database_path(args.db)
        if path is None or crypto.file_kind(path) != "plain":
            kind = "not a database file" if path is None else crypto.file_kind(path)
            what = {
                "new": "does not exist yet (a new database is encrypted from the start)",
                "encrypted": "is already encrypted",
            }
            raise UsageError(f"{path or args.db} {what.get(kind, kind)}; nothing was changed.")
        passphrase = new_passphrase(given_passphrase(args.passphrase_file), terminal_prompt(), str(path))
        crypto.encrypt_file(path, passphrase)
    except (DatabaseError, WeakPassphrase, PassphrasesDiffer) as exc:
        raise UsageError(_sentence(exc)) from None
    print(f"{path} is now encrypted; it opens only with its passphrase.")
    return EXIT_OK


def _no_passphrase_on_a_server(db) -> None:
    """encrypt and rekey are for a database file: a server's URL (which may hold a password) is refused
    in a sentence that does not repeat it."""
    from .db import is_server, resolve_target

    if is_server(resolve_target(db)):
        raise UsageError(
            "a PostgreSQL server's database has no passphrase: its encryption is the server's (disk encryption, "
            "and TLS with sslmode=verify-full); nothing was changed."
        )


def cmd_rekey(args) -> int:
    from . import crypto
    from .crypto import WeakPassphrase
    from .db import DatabaseError, database_path
    from .passphrase import NEW_ENV, PassphrasesDiffer, given_passphrase, new_passphrase, terminal_prompt

    _no_passphrase_on_a_server(args.db)
    path = database_path(args.db)
    if path is None or crypto.file_kind(path) == "new":
        raise UsageError(f"{path or args.db} does not exist yet; nothing was changed.")
    key = _database_key(args.db, args.passphrase_file)
    if key is None:
        raise UsageError(f"{path} is not encrypted; `mapm encrypt` encrypts it with a passphrase.")
    try:
        given = given_passphrase(args.new_passphrase_file, env=NEW_ENV)
        new = crypto.rekey_file(path, key, new_passphrase(given, terminal_prompt(), str(path)))
    except (DatabaseError, WeakPassphrase, PassphrasesDiffer) as exc:
        raise UsageError(_sentence(exc)) from None
    from .passphrase import remember_key, remembered_key

    if remembered_key(path) is not None:  # the credential store keeps the key: keep the new one instead
        remember_key(path, new)
    print(f"The passphrase of {path} is changed; the old one no longer opens it.")
    return EXIT_OK


def _settings(needed: bool = True):
    """The user's settings. A file that cannot be used refuses the command where the settings change the
    result (`needed`: the Word minutes' marking and letterhead); elsewhere the defaults are used, said once."""
    from .settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        if needed:
            raise UsageError(f"{exc} Nothing was written.") from None
        from .settings import Settings

        _say(f"{exc} The defaults are used meanwhile.")
        return Settings()


def _template_of(store, meeting_id: str):
    """The meeting's own snapshot of its agenda template (a damaged one is a sentence, not a traceback)."""
    from .agenda import TemplateError

    try:
        return store.template_of(meeting_id)
    except TemplateError as exc:
        raise UsageError(str(exc)) from None


def _load(store, meeting_id: str) -> dict:
    from .store import NotFound

    try:
        return store.load_meeting(meeting_id)
    except NotFound as exc:
        raise UsageError(str(exc)) from None


def cmd_list(args, store, templates) -> int:
    from .checkout import whereabouts

    meetings = store.list_meetings()
    # where a meeting is when not simply here (taken offline, checked out to this file, a copy, open in a
    # window): the app's meeting list shows it, and so does this
    places = whereabouts(store, store.clock.utcnow())
    if args.format == "json":
        rows = [
            {
                "id": m.id,
                "case_ref": m.case_ref,
                "date": m.date,
                "status": m.status,
                "template": m.template,
                "subjects": m.subjects,
                "open_actions": m.open_actions,
                "where": places[m.id].words if m.id in places else None,
            }
            for m in meetings
        ]
        _print_json(rows)
        return EXIT_OK
    if not meetings:
        print("No meetings yet. Start one with `mapm`, or import a bundle with `mapm import FILE.json`.")
        return EXIT_OK
    _print_meetings(meetings, {mid: place.words for mid, place in places.items()})
    return EXIT_OK


def _print_meetings(meetings, places: dict[str, str] | None = None) -> None:
    """The meetings as a table whose id, case reference and date are never cut or wrapped (`mapm export ID`
    and `mapm check ID` need the id whole, the case ref is copied into the case system): at 80 columns, or
    piped, the status, subjects and open actions wrap instead, never cut with an ellipsis."""
    from rich.console import Console
    from rich.table import Column, Table
    from rich.text import Text

    from .dates import format_date, parse_iso
    from .vocabulary import status_in_words

    rows = []
    for m in meetings:
        day = parse_iso(m.date)
        when = format_date(day) if day else m.date
        cells = (m.id, m.case_ref or "", when, status_in_words(m.status), m.subjects or "", str(m.open_actions))
        rows.append([_shown(c, one_line=True) for c in cells])

    def whole(title: str, i: int) -> Column:
        return Column(title, no_wrap=True, min_width=max(len(title), *(len(r[i]) for r in rows)))

    table = Table(
        whole("Id", 0),
        whole("Case ref", 1),
        whole("Date", 2),
        Column("Status", overflow="fold"),
        Column("Subjects", overflow="fold"),
        Column("Open actions", overflow="fold"),
        box=None,
        header_style="bold",
    )
    for row in rows:  # Text, not str: a stored "[red]" is shown as typed, never taken as Rich markup
        table.add_row(*(Text(c) for c in row))
    console = Console(soft_wrap=True)
    console.print(table)
    # where a meeting is when not simply here, under the table (a column would not fit in 80): one line each
    # ("m-… Taken by Sam Chair"), none while every meeting is here
    for m in meetings:
        if places and m.id in places:
            console.print(Text(f" {m.id}  {_shown(places[m.id], one_line=True)}"))


def cmd_import(args, store, templates) -> int:
    from .bundle import BundleAlreadyStored, BundleError, import_bundle, read_bundle_file
    from .rules import birth_date_findings

    try:
        data = read_bundle_file(args.file, lambda: _file_password(args, twice=False, what="the encrypted bundle"))
        meeting_id = import_bundle(store, data, templates, source=str(args.file))
    except BundleAlreadyStored as exc:
        raise Refused(str(exc)) from None
    except BundleError as exc:
        raise UsageError(str(exc)) from None
    for f in birth_date_findings(data["meeting"]):  # valid, or it would not have been imported
        _say(f"imported, but {f.about}: {f.message}")
    _out(meeting_id)
    return EXIT_OK


def cmd_export(args, store, templates) -> int:
    from .bundle import BundleError, default_bundle_filename, export_bundle, write_bundle

    meeting = _load(store, args.id)
    settings = _settings(needed=args.format == "docx" or args.output is None)
    if args.format == "json":
        if args.family:
            raise UsageError("--family applies to the Word minutes only; leave it out with --format json.")
        output = args.output or settings.export_dir() / default_bundle_filename(meeting)
        _ensure_folder(output)
        passphrase = _file_password(args, twice=True, what="the bundle") if _protected(args, settings) else None
        try:
            path = write_bundle(export_bundle(store, args.id), output, force=args.force, passphrase=passphrase)
        except BundleError as exc:
            raise UsageError(str(exc)) from None
        _audit_export(store, args.id, path, "bundle (JSON)")
        _out(path)
        return EXIT_OK
    from .minutes import ExportError, MinutesWithheld, default_filename, export_minutes, previous_meeting

    output = args.output or settings.export_dir() / default_filename(meeting, args.family)
    _ensure_folder(output)
    password = _file_password(args, twice=True, what="the minutes") if _protected(args, settings) else None
    try:
        path = export_minutes(
            meeting,
            _template_of(store, args.id),
            output,
            family=args.family,
            settings=settings,
            letterhead=args.letterhead,
            force=args.force,
            previous=previous_meeting(store, meeting),
            password=password,
        )
    except MinutesWithheld as exc:
        raise Refused(str(exc)) from None
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    _audit_export(store, args.id, path, f"Word minutes, {'family' if args.family else 'full'} version")
    _out(path)
    return EXIT_OK


def _add_protection_options(p) -> None:
    """export's options for a file that leaves the laptop protected (issue 11)."""
    p.add_argument(
        "--password", action="store_true", help="password-protect the Word minutes (asked twice; never stored)"
    )
    p.add_argument("--encrypt", action="store_true", help="encrypt the JSON bundle to a passphrase with age")
    p.add_argument(
        "--password-file", type=Path, metavar="FILE", help="the password or passphrase from FILE (for scripts)"
    )
    p.add_argument("--plain", action="store_true", help="no password, even where the settings ask for one")


EXPORT_PASSWORD_ENV = "MAPM_EXPORT_PASSWORD"


def _protected(args, settings) -> bool:
    """Whether this export is protected: --password (Word) or --encrypt (bundle), or the setting."""
    asked = args.encrypt if args.format == "json" else args.password
    wrong = args.password if args.format == "json" else args.encrypt
    if wrong:
        flag, use = ("--password", "--encrypt") if args.format == "json" else ("--encrypt", "--password")
        raise UsageError(f"{flag} does not apply to --format {args.format}; use {use}.")
    if args.plain and asked:
        raise UsageError(f"--plain and {'--encrypt' if args.format == 'json' else '--password'} contradict each other.")
    return asked or bool(args.password_file) or (settings.protect_exports and not args.plain)


def _file_password(args, *, twice: bool, what: str) -> str:
    """The password of an exported (or imported) file: --password-file, $MAPM_EXPORT_PASSWORD, or asked
    on the terminal without echo (twice for a new file)."""
    from .db import DatabaseError
    from .file_crypto import FileCryptoError, check_password
    from .passphrase import given_passphrase, terminal_prompt

    try:
        given = given_passphrase(getattr(args, "password_file", None), env=EXPORT_PASSWORD_ENV)
    except DatabaseError as exc:
        raise UsageError(_sentence(exc)) from None
    if given is None:
        ask = terminal_prompt()
        if ask is None:
            raise UsageError(
                f"a password for {what} is needed: run this on a terminal, or give --password-file "
                f"or {EXPORT_PASSWORD_ENV}."
            )
        given = ask(f"Password for {what}: ")
        if twice and ask("The same password again: ") != given:
            raise UsageError("the two passwords were not the same; nothing was written.")
    if twice:
        try:
            check_password(given)
        except FileCryptoError as exc:
            raise UsageError(_sentence(exc)) from None
    return given


def _ensure_folder(output: Path) -> None:
    folder = output.parent
    if str(folder) and not folder.exists():
        from .locations import documents_dir, make_private_dir

        if folder == documents_dir() or folder.parent.exists():
            make_private_dir(folder)


def cmd_check(args, store, templates) -> int:
    from . import rules

    meeting = _load(store, args.id)
    template = _template_of(store, args.id)
    findings = rules.check_meeting(meeting, template)
    _record_view(store, [args.id], "checked")  # the findings quote what is recorded: a view (issue 12)
    open_findings, overridden = rules.split_overridden(findings, meeting.get("finding_overrides", []))
    if not open_findings and not overridden:
        print("No findings: nothing blocks finalising this meeting.")
        return EXIT_OK
    for f in open_findings:
        _print_finding(f)
    for f in overridden:
        _out(f"overridden {f.rule}  {f.about}: {f.message}  [{f.key}]")
    blocking = rules.blocking(open_findings)
    if blocking:
        _say(f"{len(blocking)} finding{'s' if len(blocking) != 1 else ''} block finalising this meeting.")
        return EXIT_REFUSED
    return EXIT_OK


def _print_finding(f) -> None:
    """One finding per line, ending with the key an override names: `[G-31:action:act-4:due_date]`."""
    label = "BLOCKS" if f.severity == "block" else "warns "
    _out(f"{label} {f.rule}  {f.about}: {f.message}  [{f.key}]")


def _lifecycle_call(fn, *args, **kwargs):
    """Run a lifecycle function, turning its refusals into the CLI's exit codes."""
    from .agenda import TemplateError
    from .lifecycle import BadRequest, FinaliseRefused, LifecycleError
    from .store import MeetingLocked, NotFound, StoreError

    try:
        return fn(*args, **kwargs)
    except TemplateError as exc:  # a damaged template snapshot in the database
        raise UsageError(_sentence(exc)) from None
    except FinaliseRefused as exc:
        for f in exc.findings:
            _print_finding(f)
        raise Refused(str(exc)) from None
    except (NotFound, BadRequest) as exc:
        raise UsageError(_sentence(exc)) from None
    except (LifecycleError, MeetingLocked) as exc:
        raise Refused(_sentence(exc)) from None
    except StoreError as exc:
        raise Refused(_sentence(exc)) from None


def _sentence(exc: Exception) -> str:
    return " ".join(str(exc).split())


def cmd_finalise(args, store, templates) -> int:
    from .lifecycle import finalise

    pairs = args.overrides or []
    if pairs and pairs[-1][1] is None:
        raise UsageError(f"--override {pairs[-1][0]} needs a --reason after it; see `mapm finalise --help`.")
    result = _lifecycle_call(finalise, store, args.id, args.by, pairs)
    for f in result.warnings:
        _print_finding(f)
    n = len(result.overridden)
    extra = f", {n} finding{'s' if n != 1 else ''} overridden with a reason" if n else ""
    _out(f"Meeting {args.id} is final (finalised by {' '.join(args.by.split())}{extra}); it is now read-only.")
    return EXIT_OK


def cmd_reopen(args, store, templates) -> int:
    from .lifecycle import reopen

    _lifecycle_call(reopen, store, args.id, args.by, args.reason)
    _out(f"Meeting {args.id} is back in review; every change from now on is listed in the minutes as an amendment.")
    return EXIT_OK


def cmd_next(args, store, templates) -> int:
    from .lifecycle import next_meeting

    _out(_lifecycle_call(next_meeting, store, args.id, templates))
    return EXIT_OK


def cmd_search(args, store, templates) -> int:
    from .search import search

    if args.limit < 1:
        raise UsageError("--limit must be 1 or more.")
    text = " ".join(args.text)
    hits = search(store, text, limit=args.limit)
    _record_view(store, [h.meeting_id for h in hits], "searched")  # what was searched for is not kept
    if args.format == "json":
        _print_json([h.as_dict() for h in hits])
        return EXIT_OK
    if not hits:
        from .text import quote

        _out(f"No meeting matches {quote(text.strip())}.")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .dates import format_date, parse_iso

    table = Table(box=None, header_style="bold")
    for name, no_wrap in (("Id", True), ("Case ref", True), ("Date", True), ("Where it matched", False)):
        table.add_column(name, no_wrap=no_wrap)
    for h in hits:
        day = parse_iso(h.date)
        where = Text(_shown(f"{h.label}: ", one_line=True))
        done = 0  # the snippet piece by piece, each escaped, so the highlights stay on their words
        for start, end in sorted(h.highlights):
            where.append(_shown(h.snippet[done:start], one_line=True))
            where.append(_shown(h.snippet[start:end], one_line=True), style="bold")
            done = max(done, end)
        where.append(_shown(h.snippet[done:], one_line=True))
        if h.matches > 1:
            where.append(f" (+{h.matches - 1} more)")
        table.add_row(
            Text(_shown(h.meeting_id, one_line=True)),
            Text(_shown(h.case_ref or "", one_line=True)),
            format_date(day) if day else h.date,
            where,
        )
    Console(soft_wrap=True, highlight=False).print(table)
    return EXIT_OK


def cmd_actions(args, store, templates) -> int:
    from .lifecycle import actions
    from .vocabulary import ACTION_STATUS_LABELS

    found = actions(store, overdue_only=args.overdue)
    if args.format == "json":
        _print_json([a.as_dict() for a in found])
        return EXIT_OK
    if not found:
        print("No overdue actions." if args.overdue else "No open actions.")
        return EXIT_OK
    from .dates import format_date, parse_iso

    # two lines per action (what, then who / when / status): readable in any terminal width
    for a in found:
        day = parse_iso(a.due_date) if a.due_date else None
        due = f"due {format_date(day) if day else a.due_date}" if a.due_date else "no due date"
        status = ACTION_STATUS_LABELS.get(a.status, a.status).lower()
        bits = [a.owner or "no owner", due] + (["OVERDUE"] if a.overdue else []) + [status]
        _out(f"{a.meeting_id}  {a.case_ref or '(no case ref)'}  Action {a.number}: {' '.join(a.description.split())}")
        _out(f"    {' · '.join(bits)}")
    return EXIT_OK


# -- the record: audit trail, subject access, retention and legal hold (issue 12) -------------------------
def _add_record_commands(sub) -> None:
    p = sub.add_parser(
        "audit",
        help="a meeting's audit trail (who did what, when), or `mapm audit verify` to check the whole trail",
        description="`mapm audit ID` lists one meeting's events; `mapm audit verify` checks the hash chain of "
        "every event and exits 1 at the first broken link (the file was changed with another tool).",
    )
    p.add_argument("id", metavar="ID|verify|requests", help="a meeting id; `requests`: subject access requests")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = sub.add_parser(
        "sar",
        help="subject access: every meeting naming a person, its minutes and bundle, and an index, into a folder",
    )
    p.add_argument("name", help='the person\'s name as recorded, such as "Maisie Thornbury"')
    p.add_argument("--dob", metavar="DATE", help="their date of birth (YYYY-MM-DD or 20/11/2015)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FOLDER", help="a new (or empty) folder")
    p.add_argument("--by", metavar="NAME", help="who answers the request (default: user_name in settings)")
    p = sub.add_parser("retention", help="cases past their retention date (settings: retention_*_years)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = sub.add_parser("hold", help="put a case on legal hold: it cannot be purged until released")
    p.add_argument("case_ref", metavar="REF")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is held (an inquiry, a claim …)")
    p.add_argument("--by", metavar="NAME")
    p = sub.add_parser("release", help="end a case's legal hold")
    p.add_argument("case_ref", metavar="REF")
    p.add_argument("--by", metavar="NAME")
    p = sub.add_parser(
        "purge",
        help="delete a case past its retention date, not on hold: shows what goes, asks you to type the case ref",
    )
    p.add_argument("--case", dest="case_ref", metavar="REF", help="the case to delete (required)")
    p.add_argument("--reason", metavar="TEXT", help="why (the retention schedule it follows; required)")
    p.add_argument("--by", metavar="NAME")
    p.add_argument("--yes", action="store_true", help="do not ask for the case ref (for scripts)")
    p.add_argument(
        "--clear", action="store_true", help="only clear deleted text from the file (after a purge that said so)"
    )


def _record_call(fn, *args, **kwargs):
    """Run an audit / retention / subject access function, turning its refusals into exit codes."""
    from .retention import MissingReason, RetentionError, UnknownCase
    from .sar import SarError
    from .store import NotFound, StoreError

    try:
        return fn(*args, **kwargs)
    except (UnknownCase, NotFound, MissingReason, SarError) as exc:
        raise UsageError(_sentence(exc)) from None
    except (RetentionError, StoreError) as exc:
        raise Refused(_sentence(exc)) from None


def cmd_audit(args, store, templates) -> int:
    from . import audit

    if args.id == "verify":
        result = audit.verify(store)
        if args.format == "json":
            broken = result.broken.as_dict() if result.broken else None
            _print_json({"ok": result.ok, "count": result.count, "head": result.head, "broken": broken})
        elif result.ok:
            print(f"The audit trail holds: {result.count:,} events, each linked to the one before.")
            print(f"Newest hash: {result.head} (note it elsewhere to check later that none were cut off the end)")
        if (b := result.broken) is not None:  # not result.ok
            raise Refused(
                f"The audit trail is broken at event {b.pk} (meeting {b.meeting_id or '-'}, {b.kind}, {b.at}): "
                f"{result.problem}; the {result.count:,} events before it hold."
            )
        return EXIT_OK
    found = audit.events(store, audit.NO_MEETING if args.id == "requests" else args.id)
    if not found and args.id != "requests" and not store.exists(args.id):
        raise UsageError(
            f"There is no meeting with id '{args.id}' and no audit event for it; `mapm list` shows the ids."
        )
    if args.format == "json":
        _print_json([e.as_dict() for e in found])
        return EXIT_OK
    for event in found:
        _out(audit.describe(event))
    return EXIT_OK


def _parse_dob(text: str | None):
    if not text:
        return None
    from .dates import DateError, parse_date

    try:
        import datetime as dt

        return parse_date(text, dt.date.today(), prefer="past")
    except DateError as exc:
        raise UsageError(f"--dob: {_sentence(exc)}") from None


def cmd_sar(args, store, templates) -> int:
    from .sar import REVIEW_LINE, write

    answer = _record_call(
        write, store, _settings(), templates, args.name, args.output, _parse_dob(args.dob), by=args.by
    )
    counts = {m: sum(1 for a in answer.appearances if a.match == m) for m in ("subject", "attendee", "mention")}
    namesakes = sum(1 for a in answer.appearances if a.match == "not included")
    possible = sum(1 for a in answer.appearances if a.match == "possible")
    print(
        f"{len(answer.meetings)} meeting(s) written to {answer.folder}: the person is a subject {counts['subject']} "
        f"time(s), an attendee {counts['attendee']}, named in the text {counts['mention']}"
        + (f"; {namesakes} of the same name left out (another date of birth)" if namesakes else "")
        + (
            f"; {possible} meeting(s) name the first name and surname apart, listed for you to check"
            if possible
            else ""
        )
        + ". The index is index.csv."
    )
    print(REVIEW_LINE)
    return EXIT_OK


def cmd_retention(args, store, templates) -> int:
    from .dates import format_date
    from .retention import past_retention

    settings = _settings()
    cases = past_retention(store, settings, store.clock.today())
    if args.format == "json":
        rows = [
            {
                "case_ref": c.case_ref,
                "kind": c.kind,
                "last_meeting": c.last_meeting.isoformat(),
                "kept_until": c.until.isoformat() if c.until else None,
                "meetings": len(c.meetings),
                "on_hold": c.hold is not None,
            }
            for c in cases
        ]
        _print_json(rows)
        return EXIT_OK
    if settings.retention_child_years is None and settings.retention_adult_years is None:
        print(
            "No retention period is set, so no case is ever past retention: set retention_child_years and "
            "retention_adult_years in settings.toml once the partnership has decided them."
        )
        return EXIT_OK
    if not cases:
        print("No case is past its retention date.")
        return EXIT_OK
    for c in cases:
        assert c.until is not None  # past_retention lists only cases with a retention date
        hold = f"  ON LEGAL HOLD: {' '.join(c.hold.reason.split())[:80]}" if c.hold else ""
        print(
            f"{c.case_ref}  {c.kind}  last meeting {format_date(c.last_meeting)}  kept until "
            f"{format_date(c.until)}  {len(c.meetings)} meeting(s){hold}"
        )
    return EXIT_OK


def cmd_hold(args, store, templates) -> int:
    from .retention import hold

    _record_call(hold, store, args.case_ref, args.reason, args.by)
    _out(f"Case {' '.join(args.case_ref.split())} is on legal hold: it cannot be purged until `mapm release`.")
    return EXIT_OK


def cmd_release(args, store, templates) -> int:
    from .retention import release

    _record_call(release, store, args.case_ref, args.by)
    _out(f"Case {' '.join(args.case_ref.split())} is no longer on legal hold.")
    return EXIT_OK


def cmd_purge(args, store, templates) -> int:
    from .dates import format_date
    from .retention import plan, purge
    from .vocabulary import status_in_words

    if args.clear:
        from .retention import scrub

        if not scrub(store):
            raise Refused("Another program has the database open; close it and run `mapm purge --clear` again.")
        print("Deleted text is cleared from the database file and its log.")
        return EXIT_OK
    if not args.case_ref or not args.reason:
        raise UsageError("Give --case REF and --reason TEXT; see `mapm purge --help`.")
    settings = _settings()
    today = store.clock.today()
    case, counts = _record_call(plan, store, settings, args.case_ref, today)
    print(
        f"Purging case {case.case_ref} ({case.kind}; last meeting {format_date(case.last_meeting)}, kept until "
        f"{format_date(case.until)}) deletes, for good:"
    )
    for meeting_id, date, status in case.meetings:
        _out(f"    meeting {meeting_id}  {date}  {status_in_words(status)}")
    _out("    " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    print("The audit trail keeps that the case existed and when, why and by whom it was purged; none of its content.")
    if not args.yes:
        print(f"Type the case ref ({case.case_ref}) to delete it, or anything else to keep it: ", end="", flush=True)
        typed = sys.stdin.readline()
        if " ".join(typed.split()) != case.case_ref:
            raise Refused(f"The case ref was not typed; case {case.case_ref} was kept and nothing was deleted.")
    result = _record_call(purge, store, settings, case.case_ref, args.reason, args.by, today)
    _out(f"Case {case.case_ref} was purged: {result.counts['meetings']} meeting(s) deleted.")
    if not result.wal_truncated:
        _say(
            "another program has the database open, so the deleted text may still be in the file's free space: "
            "close it and run `mapm purge --clear`."
        )
    return EXIT_OK


RECORD_COMMANDS = {
    "audit": cmd_audit,
    "sar": cmd_sar,
    "retention": cmd_retention,
    "hold": cmd_hold,
    "release": cmd_release,
    "purge": cmd_purge,
}


def _doctor_key(path: Path | None, passphrase_file: Path | None):
    """The key of an encrypted database from a passphrase given in advance; None otherwise (never asked)."""
    from . import crypto
    from .db import DatabaseError
    from .passphrase import given_passphrase

    if path is None or not path.is_file() or crypto.file_kind(path) != "encrypted":
        return None
    try:
        given = given_passphrase(passphrase_file)
        return crypto.key_for_file(path, given) if given else None
    except DatabaseError as exc:  # a wrong passphrase: say so, and report what can be seen without it
        _say(_sentence(exc))
        return None


def cmd_doctor(args) -> int:
    """Reads the database file read-only with the standard library: no migration, no key, no meeting data."""
    import shutil

    from .db import DatabaseError, database_path
    from .doctor import render, report

    try:
        path = database_path(args.db)
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    terminal = shutil.get_terminal_size((0, 0)) if sys.stdout.isatty() else None
    print(render(report(path, os.environ, terminal, _doctor_key(path, args.passphrase_file))))
    return EXIT_OK


def cmd_outbox(args, store, templates) -> int:
    """Issue 14: the check before sending on stderr, then the outbox; the drafts recorded as sent (G-51)."""
    import datetime as dt

    from .minutes import ExportError, MinutesWithheld, previous_meeting
    from .outbox import OutboxError, check_before_sending, folder_name, record_sent, record_written, write_outbox
    from .store import StoreError
    from .vocabulary import has_ended, status_in_words

    meeting = _load(store, args.id)
    if not has_ended(meeting.get("status")):  # nothing goes out, or is recorded as sent, before the meeting ends
        raise Refused(
            f"Meeting {args.id} has not ended (it is {status_in_words(meeting.get('status', 'draft'))}); end it and "
            "review it before writing its outbox."
        )
    if meeting.get("status") != "final":
        _say("check: the minutes are not final yet: the drafts carry them as the draft for attendees to check (G-53).")
    settings = _settings()
    for w in check_before_sending(meeting):
        _say(f"check: {w.what}")
    folder = args.output or settings.export_dir() / folder_name(meeting)
    now = dt.datetime.now(dt.UTC)
    try:
        out = write_outbox(
            meeting,
            store.template_of(args.id),
            folder,
            settings=settings,
            now=now,
            previous=previous_meeting(store, meeting),
        )
    except (OutboxError, ExportError) as exc:
        raise UsageError(str(exc)) from None
    except MinutesWithheld as exc:
        raise Refused(str(exc)) from None
    try:
        record_written(store, args.id, out)  # (with --no-record too: the minutes went to files)
    except StoreError as exc:
        raise Refused(f"The outbox was not recorded in the audit trail, so it was removed: {_sentence(exc)}") from None
    if not args.no_record:
        _lifecycle_call(record_sent, store, args.id, out, now)
    print(out.folder)
    for d in out.drafts:
        print(f"  {d.path.name}: {d.recipient.name}, {d.attachment.name}")
    for r in out.by_hand:
        print(f"  by hand or post (no e-mail address): {r.name}, {r.version_words}")
    return EXIT_OK


# -- taking a meeting offline and back (issue 13, checkout.py) ----------------------------------------
def _add_team_commands(sub) -> None:
    laptop_key = {
        "type": Path,
        "metavar": "FILE",
        "help": "the laptop file's passphrase, from FILE (default: as for --db: --passphrase-file, "
        "$MAPM_PASSPHRASE, or asked)",
    }
    p = sub.add_parser(
        "checkout",
        help="copy a meeting from this database (the team's server) to a laptop's encrypted file and mark it "
        "taken here; others see it read-only until it is checked in",
    )
    p.add_argument("id")
    p.add_argument("--to", type=Path, required=True, metavar="FILE", help="the laptop's database file (made if new)")
    p.add_argument("--why", default="taken to the venue", metavar="TEXT", help="shown to everyone who opens it here")
    p.add_argument("--by", metavar="NAME", help="who takes it (default: user_name in settings, else the login name)")
    p.add_argument("--laptop-passphrase-file", **laptop_key)
    p = sub.add_parser(
        "checkin",
        help="bring a checked-out meeting back from the laptop's file in one transaction and release it; the "
        "laptop's copy is then deleted (or kept read-only with --keep)",
    )
    p.add_argument("id")
    p.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE", help="the laptop's file")
    p.add_argument("--keep", action="store_true", help="keep the laptop's copy, read-only, instead of deleting it")
    p.add_argument(
        "--force",
        action="store_true",
        help="if the server's copy changed meanwhile, keep both: the server's version as a new meeting, the "
        "laptop's in its place",
    )
    p.add_argument("--by", metavar="NAME", help="who checks it in (default: user_name in settings)")
    p.add_argument("--laptop-passphrase-file", **laptop_key)
    p = sub.add_parser(
        "release-checkout",
        help="end a checkout on the server without the laptop's copy (a manager's decision; audited)",
    )
    p.add_argument("id")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit trail)")
    p.add_argument("--by", metavar="NAME", help="who ends it")
    p = sub.add_parser(
        "copy-to-server",
        help="copy the meetings of a laptop's file (all, or the ids given) into this database (the team's "
        "server) in one transaction, with their audit trails; the file is only read",
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="only these meetings (default: every meeting of the file)")
    p.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE", help="the laptop's file")
    p.add_argument("--by", metavar="NAME", help="who copies them (default: user_name in settings)")
    p.add_argument("--laptop-passphrase-file", **laptop_key)


def _open_laptop(path: Path, passphrase_file: Path | None):
    """The laptop's store: an encrypted SQLite file (made, with a new passphrase, when it does not exist)."""
    from .db import DatabaseError
    from .store import DatabaseBusy, open_store

    if "://" in str(path):
        raise UsageError(f"{_shown(path, one_line=True)}: the laptop's copy must be a file; give its path.")
    key = _database_key(path, passphrase_file)
    if key is None:
        raise UsageError(
            f"{_shown(path, one_line=True)} is not encrypted; a meeting is only taken offline to an encrypted "
            "file: give a new file name (it is made encrypted) or run `mapm encrypt` on it first."
        )
    try:
        laptop = open_store(path, key=key)
    except DatabaseBusy as exc:
        raise Refused(str(exc)) from None
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    laptop.user_name = _user_name()
    return laptop


def _open_source(path: Path, passphrase_file: Path | None):
    """A laptop's existing file to copy from (encrypted, or plain as before `mapm encrypt`): never made."""
    from .db import DatabaseError
    from .store import DatabaseBusy, open_store

    if "://" in str(path) or not path.is_file():
        raise UsageError(f"{_shown(path, one_line=True)} is not a file; give the path of the laptop's database.")
    try:
        source = open_store(path, key=_database_key(path, passphrase_file))
    except DatabaseBusy as exc:
        raise Refused(str(exc)) from None
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    source.user_name = _user_name()
    return source


def _team_call(fn, *args, **kwargs):
    """Run a checkout function, turning its refusals into the CLI's exit codes."""
    from .store import NotFound, StoreError

    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise UsageError(_sentence(exc)) from None
    except StoreError as exc:  # CheckoutError, ServerChanged, HeldElsewhere, a failed write
        raise Refused(_sentence(exc)) from None


def cmd_checkout(args, store, templates) -> int:
    from . import checkout
    from .holds import Holder

    laptop = _open_laptop(args.to, args.laptop_passphrase_file or args.passphrase_file)
    try:
        holder = Holder.here(args.by or store.user_name)
        done = _team_call(
            checkout.check_out, store, laptop, args.id, holder=holder, purpose=args.why, now=store.clock.utcnow()
        )
    finally:
        laptop.close()
    refs = f", with {len(done.references)} earlier meeting(s) of its case (read-only there)" if done.references else ""
    _out(
        f"Meeting {args.id} is checked out to {args.to}{refs}; it is read-only here until "
        f"`mapm checkin {args.id} --from {args.to}`."
    )
    return EXIT_OK


def cmd_checkin(args, store, templates) -> int:
    from . import checkout

    laptop = _open_laptop(args.source, args.laptop_passphrase_file or args.passphrase_file)
    try:
        done = _team_call(
            checkout.check_in,
            store,
            laptop,
            args.id,
            by=args.by or store.user_name,
            now=store.clock.utcnow(),
            keep=args.keep,
            force=args.force,
        )
    finally:
        laptop.close()
    where = "kept there, read-only" if done.kept_on_laptop else "deleted from it"
    _out(f"Meeting {args.id} is checked in from {args.source} (the laptop's copy {where}).")
    if done.kept_as:
        _out(f"The server's own version was kept as meeting {done.kept_as}.")
    return EXIT_OK


def cmd_release_checkout(args, store, templates) -> int:
    from . import checkout

    hold = _team_call(
        checkout.force_release,
        store,
        args.id,
        reason=args.reason,
        by=args.by or store.user_name,
        now=store.clock.utcnow(),
    )
    _out(
        f"The checkout of meeting {args.id} ({hold.describe()}) is ended: it can be edited here again. A later "
        "check-in of the laptop's copy is refused if the meeting changes here meanwhile."
    )
    return EXIT_OK


def cmd_copy_to_server(args, store, templates) -> int:
    from .checkout import server_label
    from .copy_to_server import copy_to_server

    laptop = _open_source(args.source, args.laptop_passphrase_file or args.passphrase_file)
    try:
        done = _team_call(
            copy_to_server, laptop, store, args.ids or None, by=args.by or store.user_name, now=store.clock.utcnow()
        )
    finally:
        laptop.close()
    _out(
        f"Copied {len(done.meeting_ids)} meeting(s) from {args.source} to {server_label(store)}, with "
        f"{done.events} audit event(s): {', '.join(done.meeting_ids)}."
    )
    if done.left_out:
        _out(
            f"Left out {len(done.left_out)} meeting(s) checked out from a server or copied from one "
            f"(`mapm checkin` brings a checked-out meeting back): {', '.join(done.left_out)}."
        )
    _out(f"They are still in {args.source} too; keep it until you have checked them on the server.")
    return EXIT_OK


TEAM_COMMANDS = {
    "checkout": cmd_checkout,
    "checkin": cmd_checkin,
    "release-checkout": cmd_release_checkout,
    "copy-to-server": cmd_copy_to_server,
}


COMMANDS = {
    "outbox": cmd_outbox,
    "list": cmd_list,
    "import": cmd_import,
    "export": cmd_export,
    "check": cmd_check,
    "finalise": cmd_finalise,
    "reopen": cmd_reopen,
    "next": cmd_next,
    "search": cmd_search,
    "actions": cmd_actions,
    **RECORD_COMMANDS,
    **TEAM_COMMANDS,
}


# -- the database file itself (issue 17): backup, restore, check-db ------------------------------------
def _damage_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from sqlalchemy.exc import DatabaseError

    return (DatabaseError, sqlite3.DatabaseError)


def _damaged(db, exc: BaseException) -> str | None:
    """One sentence for a database found damaged part-way through a command (SQLITE_CORRUPT or
    SQLITE_NOTADB, by result code), naming its newest good backup; None for any other error."""
    from .db import damaged_sentence, database_path

    code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
    if code is None or code & 0xFF not in (11, 26):
        return None
    path = database_path(db)
    return damaged_sentence(path, "SQLite reports it malformed") if path else "The database is damaged."


def _database_file(db) -> Path:
    from .db import DatabaseError, database_path

    try:
        path = database_path(db)
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    if path is None:
        raise UsageError("backup, restore and check-db work on a database file; give its path with --db.")
    return path


#: what backup and restore say on a team's server (README "Sharing with a team")
SERVER_BACKUP = (
    "A team's server is backed up by its administrators (pg_dump, as their other databases are); "
    "`mapm backup` backs up a database file."
)
SERVER_RESTORE = (
    "A team's server is restored by its administrators from their backups (pg_restore); to bring a laptop's "
    "meetings onto it, use `mapm copy-to-server --from FILE`."
)


def _on_a_server(db) -> bool:
    from .db import DatabaseError, is_server, resolve_target

    try:
        return is_server(resolve_target(db))
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None


def cmd_backup(args) -> int:
    from .backup import BackupError, backup_store, backup_to

    if _on_a_server(args.db):
        raise UsageError(SERVER_BACKUP)
    store, _templates = _open(args.db, args.passphrase_file)
    try:
        if args.output is not None:
            if args.output.exists():
                raise UsageError(f"{args.output} already exists; choose another file name.")
            path = backup_to(store, args.output)
        else:
            path = backup_store(store, "manual", keep=_settings().backups_kept)
    except BackupError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    print(path)
    return EXIT_OK


def cmd_restore(args) -> int:
    from . import crypto
    from .backup import BackupError, restore
    from .clock import Clock

    if _on_a_server(args.db):
        raise UsageError(SERVER_RESTORE)
    path = _database_file(args.db)
    # an encrypted backup opens with the database's passphrase (its key follows the backup's own salt)
    key = _database_key(str(args.file), args.passphrase_file) if crypto.file_kind(args.file) == "encrypted" else None
    try:
        aside = restore(args.file, path, Clock().utcnow(), key=key)
    except BackupError as exc:
        raise UsageError(str(exc)) from None
    kept = f"; the file it replaced is kept as {aside}" if aside.exists() else ""
    print(f"Restored {args.file} as {path}{kept}.")
    return EXIT_OK


def cmd_check_db(args) -> int:
    from .db import damaged_sentence, file_problem, integrity_problems

    if _on_a_server(args.db):
        return _check_server(args.db)
    path = _database_file(args.db)
    if not path.is_file():
        raise UsageError(f"{path} does not exist; give the path of a database with --db.")
    key = _database_key(args.db, args.passphrase_file)
    problem = file_problem(path, quick_check=False, key=key)
    if problem is not None and problem[0] == "foreign":
        raise UsageError(f"{path} is {problem[1]}, not a mapm database.")
    problems = [problem[1]] if problem is not None else integrity_problems(path, key=key)
    if not problems:
        print(f"{path}: no problems found (full integrity check).")
        return EXIT_OK
    for line in problems:
        print(f"{path}: {' '.join(line.split())[:200]}")
    _say(damaged_sentence(path, f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"))
    return EXIT_REFUSED


def _check_server(db) -> int:
    """check-db on a team's server: the schema, the database's own rules, the audit chain, the grants
    (server_check.py), reported as the file's check is: one line per problem, then one sentence, exit 1."""
    from sqlalchemy.exc import DBAPIError

    from .db import DatabaseError, make_engine
    from .pgserver import ServerError, describe, login_at_terminal
    from .server_check import check
    from .store_errors import _open_failure

    try:
        login_at_terminal(db)
        engine = make_engine(db)
    except (ServerError, DatabaseError) as exc:
        raise UsageError(_sentence(exc)) from None
    try:
        found = check(engine)
    except DBAPIError as exc:  # unreachable, refused, not permitted: the same sentences as opening it
        raise UsageError(_sentence(_open_failure(exc))) from None
    finally:
        engine.dispose()
    where = describe(engine.url)
    for note in found.notes:
        _out(f"{where}: {note}")
    if not found.problems:
        _out(f"{where}: no problems found ({'; '.join(found.sound)}).")
        return EXIT_OK
    for problem in found.problems:
        _out(f"{where}: {problem}")
    count = len(found.problems)
    _say(
        f"{count} problem{'s' if count != 1 else ''} found on {where}; the lines above say what to do, and its "
        "administrators restore the data from their backups if it was damaged."
    )
    return EXIT_REFUSED


FILE_COMMANDS = {"backup": cmd_backup, "restore": cmd_restore, "check-db": cmd_check_db, "doctor": cmd_doctor}


#: commands that open (or change) the database file themselves
OWN_OPENING = {"encrypt": cmd_encrypt, "rekey": cmd_rekey}


def _run_app(db, demo: bool, passphrase_file: Path | None = None) -> int:
    from .db import DatabaseError
    from .launch import run_app

    try:
        return run_app(db, demo=demo, passphrase_file=passphrase_file)
    except DatabaseError as exc:  # an unreadable --passphrase-file or database file, before the app starts
        raise UsageError(_sentence(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
