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
    p = sub.add_parser("actions", help="open actions across meetings (the latest of each carried-over chain)")
    p.add_argument("--overdue", action="store_true", help="only those due before today")
    p.add_argument("--format", choices=("table", "json"), default="table")
    return parser


class _OverrideAction(argparse.Action):
    """`--override KEY`: starts a (key, reason) pair; its `--reason` must follow."""

    def __call__(self, parser, namespace, value, option_string=None):
        pairs = getattr(namespace, self.dest, None) or []
        if pairs and pairs[-1][1] is None:
            raise UsageError(
                f"--override {pairs[-1][0]} needs its own --reason before the next --override; see `mapm finalise --help`."
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
    _print_meetings(meetings)
    return EXIT_OK


def _print_meetings(meetings) -> None:
    """The meetings as a table whose id, case reference, date and status are never cut or wrapped (`mapm
    export ID` and `mapm check ID` need the id whole): the subjects wrap instead, and when even the whole
    of the other columns does not fit (piped output is 80 columns to Rich), the table is printed wider."""
    from rich.console import Console
    from rich.table import Table

    from .dates import format_date, parse_iso

    rows = []
    for m in meetings:
        day = parse_iso(m.date)
        when = format_date(day) if day else m.date
        rows.append((m.id, m.case_ref or "", when, m.status.replace("_", " "), m.subjects or "", str(m.open_actions)))
    table = Table(box=None, header_style="bold")
    headings = ("Id", "Case ref", "Date", "Status", "Subjects", "Open actions")
    for n, heading in enumerate(headings):
        if heading == "Subjects":
            table.add_column(heading, min_width=12, overflow="fold")
        else:
            widest = max(len(heading), *(len(row[n]) for row in rows))
            table.add_column(heading, no_wrap=True, min_width=widest)
    for row in rows:
        table.add_row(*row)
    fixed = sum(column.min_width or 0 for column in table.columns) + 12 + 2 * len(headings)
    console = Console(soft_wrap=True)
    if console.width < fixed:
        console = Console(soft_wrap=True, width=fixed)
    console.print(table)


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
        output = (
            args.output
            or settings.export_dir() / f"meeting-{meeting.get('case_ref') or args.id}-{meeting['date']}.json"
        )
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
        _print_finding(f)
    for f in overridden:
        print(f"overridden {f.rule}  {f.about}: {f.message}  [{f.key}]")
    blocking = rules.blocking(open_findings)
    if blocking:
        _say(f"{len(blocking)} finding{'s' if len(blocking) != 1 else ''} block finalising this meeting.")
        return EXIT_REFUSED
    return EXIT_OK


def _print_finding(f) -> None:
    """One finding per line, ending with the key an override names: `[G-31:action:act-4:due_date]`."""
    label = "BLOCKS" if f.severity == "block" else "warns "
    print(f"{label} {f.rule}  {f.about}: {f.message}  [{f.key}]")


def _lifecycle_call(fn, *args, **kwargs):
    """Run a lifecycle function, turning its refusals into the CLI's exit codes."""
    from .lifecycle import BadRequest, FinaliseRefused, LifecycleError
    from .store import MeetingLocked, NotFound, StoreError

    try:
        return fn(*args, **kwargs)
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
    print(f"Meeting {args.id} is final (finalised by {' '.join(args.by.split())}{extra}); it is now read-only.")
    return EXIT_OK


def cmd_reopen(args, store, templates) -> int:
    from .lifecycle import reopen

    _lifecycle_call(reopen, store, args.id, args.by, args.reason)
    print(f"Meeting {args.id} is back in review; every change from now on is listed in the minutes as an amendment.")
    return EXIT_OK


def cmd_next(args, store, templates) -> int:
    from .lifecycle import next_meeting

    print(_lifecycle_call(next_meeting, store, args.id, templates))
    return EXIT_OK


def cmd_search(args, store, templates) -> int:
    from .search import search

    if args.limit < 1:
        raise UsageError("--limit must be 1 or more.")
    text = " ".join(args.text)
    hits = search(store, text, limit=args.limit)
    if args.format == "json":
        print(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not hits:
        print(f"No meeting matches {text.strip()!r}.")
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
        where = Text(f"{h.label}: ")
        snippet = Text(h.snippet)
        for start, end in h.highlights:
            snippet.stylize("bold", start, end)
        where.append_text(snippet)
        if h.matches > 1:
            where.append(f" (+{h.matches - 1} more)")
        table.add_row(h.meeting_id, h.case_ref or "", format_date(day) if day else h.date, where)
    Console(soft_wrap=True, highlight=False).print(table)
    return EXIT_OK


def cmd_actions(args, store, templates) -> int:
    from .lifecycle import actions

    found = actions(store, overdue_only=args.overdue)
    if args.format == "json":
        print(json.dumps([a.as_dict() for a in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print("No overdue actions." if args.overdue else "No open actions.")
        return EXIT_OK
    from .dates import format_date, parse_iso

    # two lines per action (what, then who / when / status): readable in any terminal width
    for a in found:
        day = parse_iso(a.due_date) if a.due_date else None
        due = f"due {format_date(day) if day else a.due_date}" if a.due_date else "no due date"
        bits = [a.owner or "no owner", due] + (["OVERDUE"] if a.overdue else []) + [a.status.replace("_", " ")]
        print(f"{a.meeting_id}  {a.case_ref or '(no case ref)'}  Action {a.number}: {' '.join(a.description.split())}")
        print(f"    {' · '.join(bits)}")
    return EXIT_OK


COMMANDS = {
    "list": cmd_list,
    "import": cmd_import,
    "export": cmd_export,
    "check": cmd_check,
    "finalise": cmd_finalise,
    "reopen": cmd_reopen,
    "next": cmd_next,
    "search": cmd_search,
    "actions": cmd_actions,
}


def _run_app(db, demo: bool) -> int:
    from .launch import run_app

    return run_app(db, demo=demo)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
