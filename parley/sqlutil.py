"""Writing many rows in one statement: far fewer round trips than one INSERT per row
(DuckDB and PostgreSQL both take multi-row VALUES)."""
from __future__ import annotations

CHUNK = 500  # rows per statement (PostgreSQL takes at most 65,535 parameters)


def insert_many(con, head: str, rows: list, tail: str = "") -> None:
    """``head`` is "INSERT INTO t (a, b)"; ``rows`` are tuples; ``tail`` e.g. "ON CONFLICT DO NOTHING"."""
    if not rows:
        return
    width = len(rows[0])
    one = "(" + ",".join("?" * width) + ")"
    for i in range(0, len(rows), CHUNK):
        part = rows[i:i + CHUNK]
        con.execute(f"{head} VALUES {','.join([one] * len(part))} {tail}", [v for r in part for v in r])


def update_many(con, table: str, key: str, columns: list[str], rows: list) -> None:
    """Set ``columns`` of the rows of ``table`` whose ``key`` is each row's first value."""
    if not rows:
        return
    names = [key] + columns
    one = "(" + ",".join("?" * len(names)) + ")"
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    for i in range(0, len(rows), CHUNK):
        part = rows[i:i + CHUNK]
        con.execute(f"UPDATE {table} SET {sets} FROM (VALUES {','.join([one] * len(part))}) AS v({', '.join(names)})"
                    f" WHERE {table}.{key} = v.{key}", [v for r in part for v in r])
