#!/usr/bin/env python3
"""Latency of the HTTP API on a large store: p50/p95 per request kind, in milliseconds.

Builds a synthetic store of N events (default 100,000) in a DuckDB file (or a PostgreSQL
database: ``--db postgresql://...``, or ``--pg`` for a throwaway server) with the real schema: people drawn from the knowledge base, 2-4 participants per event, dates over
25 years, one source document with evidence per event in five, the rest sharing them.
Then calls each endpoint through the real application in-process (FastAPI's client,
no network) and prints p50/p95. Nothing here is a test; the figures are for reading.

    .venv/bin/python bench/api.py [--events N] [--repeat R] [--db PATH | --db postgresql://... | --pg]

``--pg`` starts a throwaway PostgreSQL cluster on loopback with tests/pgserver.py (needs
PostgreSQL installed; as root it runs the server as the ``postgres`` user) and stops it
at the end. A ``--db postgresql://...`` database must hold no events yet.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TYPES = ["meeting", "meeting", "meeting", "call", "call", "visit", "message", "session", "agreement"]


def build(path: str, n: int, seed: int = 7) -> None:
    """A store of n synthetic events (schema from the real migrations)."""
    import json

    from parley.kb import KB
    from parley.store import Store

    rng = random.Random(seed)
    people = sorted((a for a in KB.load().actors.values() if a.kind == "person" and a.country),
                    key=lambda a: a.id)[:3000]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(people))]  # a few actors are in many events
    with Store(path) as s:
        con = s.con
        con.execute("BEGIN")
        bulk(con, "actors (id, name, kind, country, aliases, roles, known)",
             [(a.id, a.name, a.kind, a.country, json.dumps(a.aliases),
               json.dumps(a.to_dict()["roles"]), True) for a in people])
        n_docs = max(1, n // 5)
        body = ("The two ministers met in the capital on Tuesday and discussed trade, energy and security. "
                "They agreed to meet again before the end of the year, officials said. ") * 6
        bulk(con, "documents (id, source, title, published, outlet, authors, warnings, text)",
             [(f"d{i:08d}", f"synthetic/{i}.txt", f"Report {i}", None, "Synthetic Wire", "[]", "[]", body)
              for i in range(n_docs)])
        events, parts, xs, evid = [], [], [], []
        for i in range(n):
            y, m, d = rng.randint(2000, 2024), rng.randint(1, 12), rng.randint(1, 28)
            date = f"{y}-{m:02d}-{d:02d}"
            etype = rng.choice(TYPES)
            who = {a.id: a for a in rng.choices(people, weights, k=rng.randint(2, 4))}
            country = rng.choice(list(who.values())).country
            eid = f"ev-{i:010d}"
            events.append((eid, etype, date, "day", "in_person", "occurred", country, rng.randint(1, 6)))
            for k, aid in enumerate(sorted(who)):
                parts.append((eid, aid, "host" if k == 0 else "guest"))
            doc = f"d{rng.randrange(n_docs):08d}"
            xs.append((f"x-{i:010d}", doc, etype, date, eid))
            start = rng.randrange(0, 600)
            evid.append((f"x-{i:010d}", doc, start, start + 90, body[start:start + 90]))
        bulk(con, "events (id, type, date, date_precision, format, status, country, n_sources)", events)
        bulk(con, "participants", parts)
        bulk(con, "extractions (id, document_id, type, date, event_id)", xs)
        bulk(con, "evidence", evid)
        con.execute("COMMIT")
        if s.dialect == "postgresql":  # fresh statistics and visibility map, as autovacuum would leave them
            con.execute("VACUUM ANALYZE")


def bulk(con, target: str, rows: list[tuple]) -> None:
    """Insert many rows at once: through an Arrow table in DuckDB (executemany is slow there), with
    COPY on PostgreSQL (through the psycopg connection that parley.pg.Connection wraps).
    ``target`` is ``table`` or ``table (col, ...)``; the rows' values are in that order."""
    if getattr(con, "dialect", None) == "postgresql":
        with con._con.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        return
    import pyarrow as pa

    rows_table = pa.table({f"c{i}": [r[i] for r in rows] for i in range(len(rows[0]))})  # noqa: F841 - read by SQL
    con.execute(f"INSERT INTO {target} SELECT * FROM rows_table")


class TimedOut(Exception):
    """A statement ran past --timeout (PostgreSQL's statement_timeout)."""


def measure(client, url: str, params: dict, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            r = client.get(url, params=params)
        except Exception as e:  # the app re-raises the database's error in the test client
            if "statement timeout" in str(e):
                raise TimedOut() from None
            raise
        if r.status_code == 500 and "statement timeout" in r.text:
            raise TimedOut()
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--db", help="Store to build: a DuckDB file (replaced) or an empty PostgreSQL database "
                                 "(postgresql://...); default: a temporary DuckDB file.")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="PostgreSQL: cancel a statement after this many seconds and report the request as "
                         "timed out (default 60; 0: no limit).")
    ap.add_argument("--pg", action="store_true",
                    help="Build the store in a throwaway PostgreSQL server (tests/pgserver.py), stopped at the end.")
    a = ap.parse_args()
    if a.pg and a.db:
        ap.error("--pg and --db are exclusive")
    server = None
    if a.pg:
        server = pg_server()
        path = server.create_database("parley_bench")
        print(f"started a throwaway PostgreSQL server on port {server.port}", flush=True)
    try:
        run(a, path if a.pg else a.db)
    finally:
        if server is not None:
            server.stop()


def pg_server():
    """A running throwaway PostgreSQL cluster (tests/pgserver.py, imported by path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("parley_bench_pgserver", ROOT / "tests" / "pgserver.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    try:
        return mod.Server().start()
    except mod.Unavailable as e:
        sys.exit(f"--pg: {e}")


def run(a, db) -> None:
    from parley import pg

    if pg.is_dsn(db):
        path = db
        from parley.store import Store

        with Store(path) as s:  # creates the schema if needed
            if s.con.execute("SELECT count(*) FROM events").fetchone()[0]:
                sys.exit(f"{pg.redact(path)} already holds events; give an empty database")
    else:
        path = db or os.path.join(tempfile.mkdtemp(prefix="parley-bench-"), "bench.duckdb")
        if Path(path).exists():
            Path(path).unlink()
    t = time.perf_counter()
    build(path, a.events)
    print(f"built a store of {a.events:,} events in {time.perf_counter() - t:.1f} s "
          f"({pg.redact(path) if pg.is_dsn(path) else path})", flush=True)

    from fastapi.testclient import TestClient

    from parley.server import create_app

    if pg.is_dsn(path) and a.timeout:  # libpq reads PGOPTIONS when the app's connection opens
        os.environ["PGOPTIONS"] = (os.environ.get("PGOPTIONS", "") +
                                   f" -c statement_timeout={int(a.timeout * 1000)}").strip()

    with TestClient(create_app(path)) as c:
        top = c.get("/api/actors", params={"limit": 1}).json()["actors"][0]
        ev = c.get("/api/events", params={"limit": 1, "offset": a.events // 2}).json()["events"][0]
        cases = [
            ("timeline, first page", "/api/events", {"limit": 50}),
            ("timeline, page 1000", "/api/events", {"limit": 50, "offset": 50_000 % max(1, a.events)}),
            ("actor filter", "/api/events", {"actor": top["name"], "limit": 50}),
            ("type + country + range", "/api/events",
             {"type": "meeting", "country": "France", "since": "2010-01-01", "until": "2015-12-31"}),
            ("text search", "/api/events", {"q": "energy", "limit": 50}),
            ("density by month", "/api/events/density", {}),
            ("density, actor", "/api/events/density", {"actor": top["name"]}),
            ("one event", f"/api/events/{ev['id']}", {}),
            ("actor page", f"/api/actors/{top['id']}", {}),
            ("actor search", "/api/actors", {"q": "ov"}),
            ("network, top 150", "/api/network", {"since": "2020-01-01"}),
            ("facets", "/api/facets", {}),
        ]
        print(f"{'request':<26}{'p50 ms':>10}{'p95 ms':>10}")
        worst = 0.0
        for name, url, params in cases:
            try:
                measure(c, url, params, 2)  # warm
                p50, p95 = measure(c, url, params, a.repeat)
            except TimedOut:
                worst = float("inf")
                print(f"{name:<26}{'> ' + format(a.timeout * 1000, '.0f'):>10}{'timeout':>10}", flush=True)
                continue
            worst = max(worst, p95)
            print(f"{name:<26}{p50:>10.1f}{p95:>10.1f}", flush=True)
    print(f"events={a.events} worst_p95_ms={worst:.1f}")


if __name__ == "__main__":
    main()
