"""Writing many rows in one statement: far fewer round trips than one INSERT per row
(DuckDB and PostgreSQL both take multi-row VALUES)."""
from __future__ import annotations

CHUNK = 500  # rows per statement (PostgreSQL takes at most 65,535 parameters)


def insert_many(con, head: str, rows: list, tail: str = "") -> None:
    """``head`` is "INSERT INTO t (a, b)"; ``rows`` are tuples; ``tail`` e.g. "ON CONFLICT DO NOTHING"."""
    if not rows:
        return
    if _duckdb_arrow(con, head, rows, tail):
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


def is_duckdb(con) -> bool:
    return type(con).__module__.split(".")[0] in ("duckdb", "_duckdb")


def among(con, column: str, values) -> tuple[str, list]:
    """SQL for "``column`` is one of ``values``" and its parameters. DuckDB gets the values as
    one list parameter, which it joins against (several times faster than a long ``IN`` list
    of parameters, which it filters by one at a time); PostgreSQL the ``IN`` list, which
    ``pg`` sends as one array."""
    values = list(values)
    if is_duckdb(con):
        return f"{column} IN (SELECT unnest(?))", [values]
    return f"{column} IN ({','.join('?' * len(values))})", values


def _duckdb_arrow(con, head: str, rows: list, tail: str) -> bool:
    """DuckDB reads many rows faster as an Arrow table than as statement parameters; False
    when this is not DuckDB or the columns do not make an Arrow table (mixed types)."""
    if not is_duckdb(con):
        return False
    import pyarrow as pa

    try:
        names = [n.strip() for n in head[head.index("(") + 1:head.rindex(")")].split(",")]
        table = pa.table({f"c{i}": list(col) for i, col in enumerate(zip(*rows))})
    except (ImportError, ValueError, TypeError, pa.ArrowException):
        return False
    view = "_parley_rows"
    con.register(view, table)
    try:
        con.execute(f"{head} SELECT {', '.join(f'c{i}' for i in range(len(names)))} FROM {view} {tail}")
    finally:
        con.unregister(view)
    return True
