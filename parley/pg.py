"""PostgreSQL behind the DuckDB connection API that the store uses.

``Store`` keeps one set of queries, written with ``?`` placeholders as DuckDB takes
them. ``Connection`` wraps a psycopg 3 connection and offers the subset of DuckDB's
connection API the store and ``dedup`` use: ``execute(sql, params)`` returning a
cursor with ``fetchone``/``fetchall``/``description``, ``executemany``, explicit
``BEGIN``/``COMMIT``/``ROLLBACK`` and ``close``. The connection is in autocommit
mode, so a statement outside ``BEGIN ... COMMIT`` is its own transaction, as in DuckDB.

Two translations keep the results the same as DuckDB's:

* the ``?`` placeholders become ``%s`` (a literal ``%`` is doubled), outside quoted text, and a
  long ``IN (?,?,...)`` list one array parameter (``= ANY(%s)``): PostgreSQL takes at most
  65,535 parameters in a statement, DuckDB any number;
* the migrations' column types: ``DOUBLE`` is ``DOUBLE PRECISION``, and every ``TEXT``
  column gets a byte-order collation (``C.utf8`` where the server has it, so that
  ``lower``/``ILIKE`` still fold non-ASCII letters, else ``C``): text sorts and compares
  as in DuckDB whatever the database's locale, so ``ORDER BY``, ``<`` and ``min`` agree.

Writers serialize on a transaction-level advisory lock (``lock()``), taken first in
every write transaction, so concurrent ``parley ingest`` processes are safe.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")
LOCK_KEY = 0x7061726C6579  # "parley": the advisory lock every writer takes


def is_dsn(path: Optional[str]) -> bool:
    return bool(path) and str(path).startswith(SCHEMES)


def redact(dsn: str) -> str:
    """The DSN without its password, for messages."""
    try:
        parts = urlsplit(dsn)
    except ValueError:
        return "postgresql://..."
    if parts.password is None:
        return dsn
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))


_QUOTED = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_MARK = re.compile(r"(?<!NOT )\bIN \((\?(?:,\?)*)\)|\?")
ANY_FROM = 100  # an IN list of this many placeholders is sent as one array (PostgreSQL takes 65,535 parameters)


def translate(sql: str) -> str:
    """DuckDB's ``?`` placeholders as psycopg's ``%s`` (literal ``%`` doubled), quoted text left alone."""
    return bind(sql, None)[0]


def bind(sql: str, params) -> tuple[str, list]:
    """The statement and parameters for psycopg: ``?`` -> ``%s`` outside quoted text, ``%`` doubled, and
    a long ``IN (?,?,...)`` -> ``= ANY(%s)`` with its values as one list."""
    params = list(params or [])
    out, values, i = [], [], 0
    for k, part in enumerate(_QUOTED.split(sql)):
        if k % 2:  # a quoted literal or identifier
            out.append(part.replace("%", "%%"))
            continue
        pos = 0
        for m in _MARK.finditer(part):
            out.append(part[pos:m.start()].replace("%", "%%"))
            n = m.group(0).count("?")
            if m.group(1) and n >= ANY_FROM and len(params) >= i + n:
                out.append("= ANY(%s)")
                values.append(params[i:i + n])
            else:
                out.append(m.group(0).replace("?", "%s"))
                values.extend(params[i:i + n])
            i += n
            pos = m.end()
        out.append(part[pos:].replace("%", "%%"))
    return "".join(out), values


def migration(sql: str, collation: str) -> str:
    """A migration statement written for DuckDB, for PostgreSQL (column types only)."""
    sql = re.sub(r"\bDOUBLE\b(?!\s+PRECISION)", "DOUBLE PRECISION", sql)
    return re.sub(r"\bTEXT\b(?!\s+COLLATE)", f'TEXT COLLATE "{collation}"', sql)


class Cursor:
    """The result of ``Connection.execute``: rows are fetched from psycopg's cursor."""

    def __init__(self, cur):
        self._cur = cur

    @property
    def description(self):
        d = self._cur.description
        return None if d is None else [(c.name, c.type_code, None, None, None, None, None) for c in d]

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    def fetchone(self):
        return self._cur.fetchone() if self._cur.description is not None else None

    def fetchall(self):
        return self._cur.fetchall() if self._cur.description is not None else []


class Connection:
    """A PostgreSQL connection that answers like a DuckDB one (see the module doc)."""

    dialect = "postgresql"

    def __init__(self, dsn: str, read_only: bool = False):
        import psycopg

        self.Error = psycopg.Error
        self._con = psycopg.connect(dsn, autocommit=True, application_name="parley")
        if read_only:
            self._con.execute("SET default_transaction_read_only = on")
        self._collation: Optional[str] = None

    def execute(self, sql: str, params=None) -> Cursor:
        if params:
            return Cursor(self._con.execute(*bind(sql, params)))
        return Cursor(self._con.execute(sql))

    def executemany(self, sql: str, rows) -> None:
        with self._con.cursor() as cur:
            cur.executemany(translate(sql), [list(r) for r in rows])

    def close(self) -> None:
        self._con.close()

    # -- what DuckDB does not need ------------------------------------------------
    def lock(self) -> None:
        """Wait for the writers' advisory lock; it is released at the end of the transaction."""
        self._con.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])

    def schema(self) -> str:
        return self._con.execute("SELECT current_schema()").fetchone()[0]

    def collation(self) -> str:
        """``C.utf8`` (byte order, Unicode case folding) where the server has it, else ``C``."""
        if self._collation is None:
            row = self._con.execute("SELECT collname FROM pg_collation WHERE collname IN ('C.utf8', 'C.UTF-8')"
                                    " AND collencoding IN (-1, pg_char_to_encoding('UTF8'))"
                                    " ORDER BY collname DESC LIMIT 1").fetchone()
            enc = self._con.execute("SHOW server_encoding").fetchone()[0]
            self._collation = row[0] if row and enc.upper() in ("UTF8", "UTF-8") else "C"
        return self._collation

    def migration(self, sql: str) -> str:
        return migration(sql, self.collation())
