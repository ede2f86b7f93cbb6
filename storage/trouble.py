"""Database trouble an operator can fix, told apart from bugs: the database is read-only, full,
locked, cannot be opened or reached. Each is said in words, with what to do about it; anything
else (a constraint broken, bad SQL) is a bug, and its traceback is what helps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

_REACH = "check that the database server runs and that the database URL is right"


@dataclass(frozen=True)
class Trouble:
    """What is wrong with the database and what to do about it."""

    cause: str  # completes "the database …", e.g. "is read-only"
    advice: str

    def describe(self, url: str) -> str:
        """One line for the operator, naming the database (its password hidden)."""
        shown = make_url(url).render_as_string(hide_password=True)
        return f"the database at {shown} {self.cause}: {self.advice}"


# SQLite result codes (https://sqlite.org/rescode.html), by primary code; the extended ones
# (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE …) share their primary's meaning.
_SQLITE = {
    "READONLY": (
        "is read-only",
        "check the permissions of the file and of its directory (SQLite writes -wal and -shm "
        "files beside it), and that its disk is mounted read-write",
    ),
    "PERM": ("refuses access", "check the permissions of the file and of its directory"),
    "FULL": ("is full (no space left on its disk)", "free some space, then try again"),
    "BUSY": (
        "is locked by another process",
        "try again; if it stays locked, look for the process that holds it",
    ),
    "CANTOPEN": (
        "cannot be opened",
        "check that its directory exists and that the file and directory may be written",
    ),
    "IOERR": ("cannot be read or written (an I/O error)", "check its disk"),
    "CORRUPT": ("is damaged", "restore it from a backup"),
    "NOTADB": ("is not an SQLite database", "check the database URL"),
}
_SQLITE["LOCKED"] = _SQLITE["BUSY"]

# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html): whole
# codes first, then classes (their first two characters).
_POSTGRES = {
    "25006": (
        "is read-only (a standby server, or default_transaction_read_only is on)",
        "point the database URL at the primary server, or turn read-only mode off",
    ),
    "53100": (
        "is full (no space left on the database server's disk)",
        "free some space on the database server, then try again",
    ),
    "53300": ("has no connection free", "try again later, or raise max_connections"),
    "53": ("is out of resources", "try again later"),
    "08": ("cannot be reached", _REACH),
    "57": ("is shutting down or starting up", "try again once it is up"),
    "3D": ("does not exist", "create it, or correct the database URL"),
    "28": ("refused to log us in", "check the user name and password in the database URL"),
    "42501": ("refuses access", "grant the database user the privileges Impasto needs"),
    "55P03": ("is locked by another session", "try again"),
    "40": ("is busy (a conflicting transaction)", "try again"),
}


def trouble(exc: BaseException) -> Trouble | None:
    """What is wrong with the database, if `exc` is such trouble; None for anything else."""
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return None
    orig = exc.orig
    sqlite_name = getattr(orig, "sqlite_errorname", None)
    if isinstance(sqlite_name, str):
        found = _SQLITE.get(sqlite_name.removeprefix("SQLITE_").split("_")[0])
        return Trouble(*found) if found else None
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        found = _POSTGRES.get(sqlstate) or _POSTGRES.get(sqlstate[:2])
        return Trouble(*found) if found else None
    if isinstance(getattr(orig, "orig", None), OSError):  # storage.db: no connection at all
        return Trouble(f"cannot be reached ({orig})", _REACH)
    return None
