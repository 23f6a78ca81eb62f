"""The `mapm` command: the app, the demo, and the scripting commands (list, import, export, check …).

Exit codes (a contract): 0 done; 1 a valid request that a rule refuses; 2 usage errors, unreadable or
invalid input files, unknown ids. Errors are one sentence on stderr, never a traceback.

Imports are deferred to the command that needs them: opening the app must not pay for SQLModel,
jsonschema or python-docx before its first frame.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

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
    parser.add_argument("--db", metavar="PATH|URL", help="the database to use (default: $MAPM_DB or the user data folder)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("demo", help="open the app on a throw-away copy of the sample meetings")
    p = sub.add_parser("list", help="list the meetings")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = sub.add_parser("import", help="import a meeting bundle (JSON); prints the new meeting's id")
    p.add_argument("file", type=Path)
    p = sub.add_parser("export", help="write the Word minutes or a JSON bundle")
    p.add_argument("id")
    p.add_argument("--format", choices=("docx", "json"), default="docx")
    p.add_argument("--family", action="store_true", help="the family's copy of the minutes (only what is shared)")
    p.add_argument("--letterhead", type=Path, help="a .docx whose styles, logo and first page the minutes use")
    p.add_argument("-o", "--output", type=Path, help="the file to write")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p = sub.add_parser("check", help="SMART and completeness findings; exit 1 if anything blocks finalising")
    p.add_argument("id")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except Refused as exc:
        _say(str(exc))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:  # --help and the like
        return int(exc.code or 0)


def _say(message: str) -> None:
    print(f"mapm: {message}", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        return _run_app(args.db, demo=False)
    if command == "demo":
        return _run_app(None, demo=True)
    store, templates = _open(args.db)
    try:
        return COMMANDS[command](args, store, templates)
    finally:
        store.close()


def _open(db):
    from .agenda import TemplateError, load_templates
    from .db import DatabaseError
    from .locations import user_templates_dir
    from .store import open_store

    try:
        templates = load_templates(user_templates_dir())
    except TemplateError as exc:
        raise UsageError(str(exc)) from None
    try:
        return open_store(db), templates
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None


def _settings():
    from .settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


def _load(store, meeting_id: str) -> dict:
    from .store import NotFound

    try:
        return store.load_meeting(meeting_id)
    except NotFound as exc:
        raise UsageError(str(exc)) from None


def cmd_list(args, store, templates) -> int:
    meetings = store.list_meetings()
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
            }
            for m in meetings
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not meetings:
        print("No meetings yet. Start one with `mapm`, or import a bundle with `mapm import FILE.json`.")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    from .dates import format_date, parse_iso

    table = Table("Id", "Case ref", "Date", "Status", "Subjects", "Open actions", box=None, header_style="bold")
    for m in meetings:
        day = parse_iso(m.date)
        table.add_row(
            m.id,
            m.case_ref or "",
            format_date(day) if day else m.date,
            m.status.replace("_", " "),
            m.subjects,
            str(m.open_actions),
        )
    Console(soft_wrap=True).print(table)
    return EXIT_OK


def cmd_import(args, store, templates) -> int:
    from .bundle import BundleError, import_bundle, read_bundle_file

    try:
        data = read_bundle_file(args.file)
        meeting_id = import_bundle(store, data, templates, source=str(args.file))
    except BundleError as exc:
        message = str(exc)
        if "is already stored" in message:
            raise Refused(message) from None
        raise UsageError(message) from None
    print(meeting_id)
    return EXIT_OK


def cmd_export(args, store, templates) -> int:
    from .bundle import BundleError, export_bundle, write_bundle

    meeting = _load(store, args.id)
    settings = _settings()
    if args.format == "json":
        if args.family:
            raise UsageError("--family applies to the Word minutes only; leave it out with --format json.")
        output = args.output or settings.export_dir() / f"meeting-{meeting.get('case_ref') or args.id}-{meeting['date']}.json"
        _ensure_folder(output)
        try:
            path = write_bundle(export_bundle(store, args.id), output, force=args.force)
        except BundleError as exc:
            raise UsageError(str(exc)) from None
        print(path)
        return EXIT_OK
    from .minutes import ExportError, MinutesWithheld, default_filename, export_minutes

    output = args.output or settings.export_dir() / default_filename(meeting, args.family)
    _ensure_folder(output)
    try:
        path = export_minutes(
            meeting,
            store.template_of(args.id),
            output,
            family=args.family,
            settings=settings,
            letterhead=args.letterhead,
            force=args.force,
        )
    except MinutesWithheld as exc:
        raise Refused(str(exc)) from None
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    print(path)
    return EXIT_OK


def _ensure_folder(output: Path) -> None:
    folder = output.parent
    if str(folder) and not folder.exists():
        from .locations import documents_dir, make_private_dir

        if folder == documents_dir() or folder.parent.exists():
            make_private_dir(folder)


def cmd_check(args, store, templates) -> int:
    from . import rules

    meeting = _load(store, args.id)
    template = store.template_of(args.id)
    findings = rules.check_meeting(meeting, template)
    open_findings, overridden = rules.split_overridden(findings, meeting.get("finding_overrides", []))
    if not open_findings and not overridden:
        print("No findings: nothing blocks finalising this meeting.")
        return EXIT_OK
    for f in open_findings:
        label = "BLOCKS" if f.severity == "block" else "warns "
        print(f"{label} {f.rule}  {f.about}: {f.message}")
    for f in overridden:
        print(f"overridden {f.rule}  {f.about}: {f.message}")
    blocking = rules.blocking(open_findings)
    if blocking:
        _say(f"{len(blocking)} finding{'s' if len(blocking) != 1 else ''} block finalising this meeting.")
        return EXIT_REFUSED
    return EXIT_OK


COMMANDS = {"list": cmd_list, "import": cmd_import, "export": cmd_export, "check": cmd_check}


def _run_app(db, demo: bool) -> int:
    from .launch import run_app

    return run_app(db, demo=demo)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
