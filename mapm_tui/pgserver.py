"""A partnership's PostgreSQL server as the database (team mode, issue 13): its URL, logging in, and the
one sentence for each way that can fail.

    is_server_url(text) -> bool              postgresql://, postgres://, postgresql+psycopg://
    engine_url(text) -> URL                  the SQLAlchemy URL, with psycopg 3 as the driver
    login(url, ask) -> URL                   connect once: the URL to use (a password asked for, kept in memory)
    describe(url) -> str                     'mapm on db.example.org:5432 as chair_sam', never the password

The driver is psycopg 3 (libpq): TLS is libpq's (`?sslmode=verify-full` in the URL checks the server's
certificate and name against ~/.postgresql/root.crt), and so is the password file (`~/.pgpass`,
`PGPASSFILE`) and PGPASSWORD. No passphrase and no SQLCipher key are used for a server: encryption at rest
is the server's disk encryption and in transit TLS, both the partnership's IT's to set up.

A password is never written anywhere: not in a sentence, a log or a traceback (`describe` leaves it out,
SQLAlchemy's URL hides it in its text, and each failure is our own sentence, not the driver's message).
A password typed at the prompt is kept in this process's memory for its later connections, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .db import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

#: the URL schemes that name a PostgreSQL server; every one is opened with psycopg 3
SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+psycopg3")
DRIVER = "postgresql+psycopg"
#: seconds to wait for a server that does not answer (libpq waits for ever by default)
CONNECT_TIMEOUT = 10
#: libpq's TCP settings for a connection whose server went out of reach mid-meeting (the laptop's network
#: dropped, not the server stopped): data not acknowledged for 15 s, or an idle connection whose probes
#: go unanswered for about 20 s, ends the connection with an error, which the app reports as NOT SAVED
#: and retries. Without them a write on such a connection waits for the kernel's own limit (15 minutes and
#: more), with the chair's screen waiting on it. A URL's own values are kept.
TCP_SETTINGS = {
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "2",
    "tcp_user_timeout": "15000",
}
#: the write lock's key (pg_advisory_xact_lock): "MAPM", as SQLite's application id
WRITE_LOCK_KEY = 0x4D41504D
#: how long a write waits for another's lock before it is "busy" (SQLite's busy timeout, db.BUSY_TIMEOUT_MS)
LOCK_TIMEOUT_MS = 5000

#: passwords typed at the prompt in this process: (user, host, port, database) -> password
_typed: dict[tuple, str] = {}


class ServerError(DatabaseError):
    """The PostgreSQL server could not be used; the message is one sentence saying which and what to do."""


class ServerUnreachable(ServerError):
    """No connection: a wrong address or port, a server that is down, a network or TLS set-up that fails."""


class LoginRefused(ServerError):
    """The server refused the user name and password (or the role may not connect to that database)."""


class PasswordNeeded(ServerError):
    """The server asks for a password and none was given (nor a terminal to ask it at)."""


def is_server_url(target: object) -> bool:
    text = str(target or "")
    return "://" in text and text.split("://", 1)[0].lower() in SCHEMES


def engine_url(target: str) -> URL:
    """The SQLAlchemy URL for a server URL, with psycopg 3 as the driver and a connect timeout."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    scheme, rest = str(target).split("://", 1)
    try:
        url = make_url(f"{DRIVER}://{rest}")
    except ArgumentError:
        raise DatabaseError(f"'{scheme}://…' is not a server URL mapm can read; write it as {_EXAMPLE}.") from None
    if not url.database:
        raise DatabaseError(f"the server URL names no database; write it as {_EXAMPLE}.")
    defaults = {"connect_timeout": str(CONNECT_TIMEOUT), **TCP_SETTINGS}
    url = url.update_query_dict({k: v for k, v in defaults.items() if k not in url.query})
    key = _key(url)
    if url.password is None and key in _typed:
        url = url.set(password=_typed[key])
    return url


_EXAMPLE = "postgresql://ROLE@HOST:5432/DATABASE (add ?sslmode=verify-full for TLS)"


def describe(url: URL) -> str:
    """Which server and database, and as whom: for sentences (never the password)."""
    where = url.host or "the local socket"
    if url.port:
        where += f":{url.port}"
    who = f" as {url.username}" if url.username else ""
    return f"the database {url.database} on {where}{who}"


def _key(url: URL) -> tuple:
    return (url.username, url.host, url.port, url.database)


def _conninfo(url: URL) -> str:
    """A libpq URI for `url` (the driver name taken off)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def libpq_conninfo(target: str) -> str:
    """The libpq connection string for a server URL, made without SQLAlchemy (the home screen's quick list
    reads with psycopg alone, before SQLAlchemy is loaded): the driver name taken off, the connect timeout
    added, and a password typed at the prompt in this process given back, as `engine_url` does."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict("postgresql://" + str(target).split("://", 1)[1])
    for name, value in {"connect_timeout": str(CONNECT_TIMEOUT), **TCP_SETTINGS}.items():
        params.setdefault(name, value)
    port = str(params.get("port") or "")
    key = (params.get("user"), params.get("host"), int(port) if port.isdigit() else None, params.get("dbname"))
    if "password" not in params and key in _typed:
        params["password"] = _typed[key]
    return make_conninfo("", **params)


def login(url: URL, ask: Callable[[str], str] | None = None) -> URL:
    """Connect once, to say clearly what is wrong before anything else is tried: the URL to open, with the
    password asked for set on it when the server wanted one and `ask` (a terminal prompt) was given.

    Raises ServerUnreachable, LoginRefused or PasswordNeeded (one sentence each)."""
    import psycopg

    while True:
        try:
            psycopg.connect(_conninfo(url)).close()
            return url
        except psycopg.OperationalError as exc:
            pgconn = exc.pgconn
            if pgconn is not None and pgconn.needs_password:
                if ask is None:
                    raise PasswordNeeded(
                        f"{describe(url)} needs a password: put it in your ~/.pgpass file (or PGPASSWORD), "
                        "or run this on a terminal to be asked for it."
                    ) from None
                password = ask(f"Password for {describe(url)}: ")
                if not password:
                    raise PasswordNeeded(f"no password was given for {describe(url)}; nothing was opened.") from None
                url = url.set(password=password)
                _typed[_key(url)] = password
                continue
            if pgconn is not None and pgconn.used_password:
                _typed.pop(_key(url), None)
                raise LoginRefused(
                    f"{describe(url)} refused the login: check the user name and password (and that the "
                    "database exists and this role may connect to it)."
                ) from None
            raise ServerUnreachable(unreachable(url)) from None


#: the sslmode values with which libpq connects over TLS or not at all
TLS_MODES = ("require", "verify-ca", "verify-full")


def asks_for_tls(url: URL) -> bool:
    """Whether the URL insists on TLS (`sslmode=require`, `verify-ca` or `verify-full`)."""
    mode = url.query.get("sslmode")
    return (mode if isinstance(mode, str) else "") in TLS_MODES


def unreachable(url: URL) -> str:
    """The sentence for a server that gave no connection. libpq says no more by type than that there is
    none (a refused port, a dead network and a certificate it does not trust are all the same error),
    so a URL that insists on TLS names TLS's causes too, from what it asks for, never from libpq's text."""
    if asks_for_tls(url):
        return (
            f"cannot reach {describe(url)} over TLS: check the address and port, that the server is running "
            "with TLS on, and that its certificate names this host and is signed by the authority in "
            "sslrootcert (or ~/.postgresql/root.crt)."
        )
    return (
        f"cannot reach {describe(url)}: check the address and port, that the server is running and "
        "the network is up (and, with sslmode=verify-full, that its certificate is trusted)."
    )


def login_at_terminal(target) -> None:
    """Before a command or the app opens `target`: when it is a server that wants a password that was not
    given (URL, ~/.pgpass, PGPASSWORD), ask for it at the terminal (no echo), once; it is kept in memory
    for the connections that follow. Not a server: nothing to do. Raises ServerError's kinds."""
    import sys

    from .db import resolve_target

    url = resolve_target(target)
    if not is_server_url(url):
        return
    ask = None
    if sys.stdin.isatty():
        import getpass

        ask = getpass.getpass
    login(engine_url(url), ask)


def engine_options() -> dict:
    """The keyword arguments of `create_engine` for a server (the pool checks a connection before use:
    a server restarted under the app gives a new connection, not an error on the next save)."""
    return {"pool_pre_ping": True}


def install_write_lock(engine) -> None:
    """`BEGIN IMMEDIATE` on PostgreSQL: a writing transaction (execution option sqlite_begin="IMMEDIATE",
    as store and holds ask for it) first takes one transaction-level advisory lock, so writes run one
    at a time as on SQLite. The audit chain needs exactly that (each event hashes the newest one before
    it); a write waits up to LOCK_TIMEOUT_MS for another's lock, then is refused as busy (SQLSTATE 55P03)."""
    from sqlalchemy import event

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
            # one round trip for both (no parameters: psycopg sends it as one simple query, in order)
            conn.exec_driver_sql(
                f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}; SELECT pg_advisory_xact_lock({int(WRITE_LOCK_KEY)})"
            )
