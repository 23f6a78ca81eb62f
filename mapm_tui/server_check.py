"""`mapm check-db` on a team's PostgreSQL server (issue 13): what can be checked there, read-only.

A file is checked page by page (`PRAGMA integrity_check`); a server keeps its own pages, and its
administrators their backups. What mapm can check on a server is what it relies on:

- the schema is this version's (`migrations.HEAD`): an older one is reported, not upgraded (any other
  command upgrades it; check-db changes nothing);
- the database's own rules are in place and switched on: the final-meeting lock, the lifecycle's rules
  (status moves, reopen, purge, legal hold) and the audit trail's append-only rule, each a trigger whose
  function still refuses something (a function replaced by one that lets everything through is found);
- the audit trail's hash chain holds (`audit.verify`);
- nobody but the partnership's roles may change meetings: privileges granted to PUBLIC are a problem.

It also says, as information, which login roles may change meetings and which may only read them, and
which role owns the tables (it can drop the locks: keep it for upgrades). No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from . import audit, migrations

#: the tables whose rows are locked once their meeting is final (migration 0002), by one shared function
CHILD_TABLES = ("subject", "attendee", "entry", "action", "findingoverride", "stepprogress")
#: trigger -> (its table, its function, what it is for people)
RULES: dict[str, tuple[str, str, str]] = {
    "meeting_final_lock": ("meeting", "mapm_meeting_final_lock", "the final-meeting lock"),
    "meeting_rules": ("meeting", "mapm_meeting_rules", "the lifecycle's rules (status, reopen, purge, legal hold)"),
    **{
        f"{table}_final_lock": (table, "mapm_child_final_lock", f"the final-meeting lock on {table}")
        for table in CHILD_TABLES
    },
    "amendment_final_lock": ("amendment", "mapm_amendment_final_lock", "the final-meeting lock on amendments"),
    "distribution_final_lock": ("distribution", "mapm_distribution_final_lock", "the distribution record's lock"),
    "auditevent_append_only": ("auditevent", "mapm_audit_append_only", "the audit trail's append-only rule"),
    "auditevent_no_truncate": ("auditevent", "mapm_audit_append_only", "the audit trail's rule against TRUNCATE"),
}
#: privileges that change meetings
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


@dataclass
class ServerCheck:
    #: the problems found, one sentence each (none: the server is as mapm needs it)
    problems: list[str] = field(default_factory=list)
    #: what was checked and found sound, for the report's first line
    sound: list[str] = field(default_factory=list)
    #: information for the partnership (roles), not problems
    notes: list[str] = field(default_factory=list)


def check(engine: Engine) -> ServerCheck:
    """Check a server's mapm database, read-only (one transaction, rolled back)."""
    result = ServerCheck()
    with engine.connect() as conn:
        try:
            version = _schema(conn, result)
            if version is not None:
                _rules(conn, result)
                _privileges(conn, result)
        finally:
            conn.rollback()
    if version is not None:
        _chain(engine, result)
    return result


def _schema(conn: Connection, result: ServerCheck) -> str | None:
    present = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if present else None
    if version is None:
        result.problems.append("it holds no mapm schema: give the URL of the partnership's mapm database.")
    elif version < migrations.HEAD:
        result.problems.append(
            f"its schema is at revision {version}, older than this version's {migrations.HEAD}: any other mapm "
            "command upgrades it, run by the role that owns the tables."
        )
    elif version > migrations.HEAD:
        result.problems.append(
            f"its schema is at revision {version}, newer than this version's {migrations.HEAD}: upgrade mapm."
        )
    else:
        result.sound.append(f"schema at {version}")
    return version


def _rules(conn: Connection, result: ServerCheck) -> None:
    rows = conn.execute(
        text(
            "SELECT t.tgname, c.relname, p.proname, t.tgenabled, p.prosrc FROM pg_trigger AS t "
            "JOIN pg_class AS c ON c.oid = t.tgrelid JOIN pg_proc AS p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = to_regnamespace(current_schema())"
        )
    ).all()
    found = {name: (table, function, enabled, source) for name, table, function, enabled, source in rows}
    before = len(result.problems)
    replaced: set[str] = set()  # a function shared by several triggers is one problem
    for trigger, (table, function, what) in RULES.items():
        there = found.get(trigger)
        if there is None or there[0] != table or there[1] != function:
            result.problems.append(f"{what} is missing (trigger {trigger} on {table}).")
        elif there[2] == "D":
            result.problems.append(f"{what} is switched off (trigger {trigger} on {table} is disabled).")
        elif "RAISE" not in (there[3] or "").upper() and function not in replaced:
            replaced.add(function)
            result.problems.append(f"{what} refuses nothing any more (function {function} was replaced).")
    if len(result.problems) == before:
        result.sound.append("the final-meeting lock and the audit trail's rules in place")


def _privileges(conn: Connection, result: ServerCheck) -> None:
    public = [
        r[0]
        for r in conn.execute(
            text(
                "SELECT DISTINCT a.privilege_type FROM pg_class AS c, aclexplode(c.relacl) AS a "
                "WHERE c.relname = 'meeting' AND c.relnamespace = to_regnamespace(current_schema()) "
                "AND a.grantee = 0"
            )
        )
    ]
    if any(p in WRITES for p in public):
        result.problems.append(
            "every role on the server may change meetings (a GRANT to PUBLIC): revoke it and grant the "
            "partnership's roles instead ('Sharing with a team' in the README)."
        )
    owner = conn.execute(
        text(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'meeting' "
            "AND relnamespace = to_regnamespace(current_schema())"
        )
    ).scalar()
    roles = conn.execute(
        text(
            "SELECT rolname, has_table_privilege(rolname, 'meeting', 'UPDATE'), "
            "has_table_privilege(rolname, 'meeting', 'SELECT') FROM pg_roles "
            "WHERE rolcanlogin AND rolname NOT LIKE 'pg\\_%' ORDER BY rolname"
        )
    ).all()
    change = [name for name, may_change, _ in roles if may_change]
    read = [name for name, may_change, may_read in roles if may_read and not may_change]
    result.notes.append(f"roles that may change meetings: {', '.join(change) or 'none'}")
    result.notes.append(f"roles that may only read them: {', '.join(read) or 'none'}")
    if owner:
        result.notes.append(f"the tables' owner (it can drop the locks; keep it for upgrades): {owner}")


def _chain(engine: Engine, result: ServerCheck) -> None:
    from .store import Store

    chain = audit.verify(Store(engine))
    if chain.ok:
        result.sound.append(f"audit trail intact ({chain.count} events, newest {chain.head[:12]})")
    else:
        where = chain.broken.pk if chain.broken is not None else "?"
        result.problems.append(f"the audit trail is broken at event {where}: {chain.problem}.")
