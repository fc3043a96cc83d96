"""PostgreSQL (``--db postgresql://...``): the same schema, commands and results as DuckDB.

The tests run against a real server: a throwaway cluster on loopback (tests/pgserver.py),
started once for the session. Without PostgreSQL installed they are skipped, unless
$PARLEY_REQUIRE_POSTGRES is set (CI sets it), which makes that a failure.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from parley import pg
from parley.cli import cli
from parley.errors import StoreError
from parley.ingest import ingest
from parley.store import Store, migrations

from conftest import ARTICLES, FIXTURES, ROOT
from pgserver import Server, Unavailable

MERGE = FIXTURES / "merge"


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = Server().start()
    except Unavailable as e:
        if os.environ.get("PARLEY_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here ($PARLEY_REQUIRE_POSTGRES) but: {e}")
        pytest.skip(str(e))
    yield server
    server.stop()


@pytest.fixture
def pg_db(pg_server, request) -> str:
    """A fresh, empty database for one test: its DSN."""
    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:50]
    return pg_server.create_database(name)


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory):
    """The fixture articles ingested into DuckDB and PostgreSQL (a database whose own locale is
    not byte order, where the server can make one): (duckdb path, dsn)."""
    path = str(tmp_path_factory.mktemp("both") / "parley.duckdb")
    dsn = _icu_database(pg_server, "t_both") or pg_server.create_database("t_both")
    for db in (path, dsn):
        with Store(db) as s:
            summary = ingest([str(ARTICLES), str(MERGE)], s)
        assert not summary.failed and summary.added == 13, summary.to_dict()
    return path, dsn


def _icu_database(server, name) -> str | None:
    import psycopg

    try:
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
    except psycopg.Error:
        return None
    return server.dsn(name)


def snapshot(s: Store) -> dict:
    """Everything the read side answers, as plain values."""
    events = s.events()
    return {
        "events": events,
        "explained": [s.explain(e["id"]) for e in events],
        "positions": s.positions(),
        "series": s.series(),
        "network": s.network(),
        "network_all": s.network(status=None, since="2024", until="2025-12-31", top=5),
        "actors": s.actors(),
        "found": s.find_actors(q="wang"),
        "actor": s.actor("Wang Yi"),
        "documents": s.documents(),
        "document": [s.document(d["id"]) for d in s.documents()],
        "facets": s.facets(),
        "density": s.density("month"),
        "filtered": [[e["id"] for e in s.events(**f)] for f in FILTERS],
        "counts": [s.count_events(**{k: v for k, v in f.items() if k not in ("limit", "offset", "sort")})
                   for f in FILTERS],
        "relations": s.relations("China", "Russia"),
        "tables": {t: s.count(t) for t in ("documents", "actors", "events", "positions", "participants",
                                           "evidence", "extractions")},
    }


FILTERS = [{}, {"actor": "Wang Yi"}, {"type": "meeting"}, {"since": "2024-05-01", "until": "2024-12"},
           {"until": "2024-05-16"}, {"country": "China"}, {"q": "talks"}, {"between": ("China", "Russia")},
           {"status": "occurred", "limit": 3, "offset": 1}, {"series": "dialogue"}, {"mechanism": "dialogue"},
           {"sort": "-sources"}, {"sort": "confidence"}]


def schema(s: Store) -> dict:
    rows = s.con.execute("SELECT table_name, column_name, ordinal_position FROM information_schema.columns"
                         " WHERE table_schema = current_schema() ORDER BY 1, 3").fetchall()
    out: dict = {}
    for table, column, _ in rows:
        out.setdefault(table, []).append(column)
    return out


# -- schema ---------------------------------------------------------------------------------------------
def test_migrations_create_the_same_schema(pg_db, tmp_path):
    with Store(pg_db) as p, Store(str(tmp_path / "d.duckdb")) as d:
        assert p.dialect == "postgresql" and d.dialect == "duckdb"
        assert p.schema_version() == d.schema_version() == max(v for v, _ in migrations())
        assert schema(p) == schema(d)
        versions = [r[0] for r in p.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
        assert versions == [v for v, _ in migrations()]
        types = dict(p.con.execute("SELECT column_name, data_type FROM information_schema.columns"
                                   " WHERE table_schema = current_schema() AND table_name = 'events'").fetchall())
        assert types["confidence"] == "double precision" and types["ordinal"] == "integer"
    with Store(pg_db) as again:  # opening again migrates nothing
        assert again.schema_version() == max(v for v, _ in migrations())


def test_more_values_than_postgres_takes_parameters(pg_db):
    with Store(pg_db) as s:
        ids = [f"ev-{i}" for i in range(70_000)]
        assert s.events(ids=ids) == [] and s.count_events(ids=ids) == 0
        s._remerge(ids)  # nothing to merge, but the statements go through


def test_read_only_and_foreign_databases(pg_server, pg_db):
    empty = pg_server.create_database("t_empty")
    with pytest.raises(StoreError, match="run `parley ingest` first"):
        Store(empty, read_only=True)
    with Store(pg_db):
        pass
    with Store(pg_db, read_only=True) as s:
        assert s.count("events") == 0
        with pytest.raises(Exception, match="read-only"):
            s.con.execute("INSERT INTO series VALUES ('x', 'x', NULL, 'x')")
    import psycopg

    foreign = pg_server.create_database("t_foreign")
    with psycopg.connect(foreign, autocommit=True) as con:
        con.execute("CREATE TABLE things (id int)")
    with pytest.raises(StoreError, match="not made by parley"):
        Store(foreign)


def test_unreachable_server_is_a_store_error_without_the_password():
    with pytest.raises(StoreError) as e:
        Store("postgresql://someone:hunter2@127.0.0.1:1/nothing")
    assert "hunter2" not in str(e.value) and "cannot open the database" in str(e.value)


def test_placeholders_are_translated_outside_quotes():
    assert pg.translate("SELECT '?', \"a?\", x FROM t WHERE a = ? AND b LIKE '%x' || ?") == \
        "SELECT '?', \"a?\", x FROM t WHERE a = %s AND b LIKE '%%x' || %s"
    assert pg.migration("x DOUBLE, y TEXT NOT NULL, text TEXT", "C") == \
        'x DOUBLE PRECISION, y TEXT COLLATE "C" NOT NULL, text TEXT COLLATE "C"'
    marks = ",".join("?" * 200)
    sql, params = pg.bind(f"SELECT 1 WHERE a = ? AND b IN ({marks}) AND c IN (?,?) AND d NOT IN ('x')",
                          ["a"] + [str(i) for i in range(200)] + ["c1", "c2"])
    assert sql == "SELECT 1 WHERE a = %s AND b = ANY(%s) AND c IN (%s,%s) AND d NOT IN ('x')"
    assert params == ["a", [str(i) for i in range(200)], "c1", "c2"]
    assert pg.redact("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert pg.is_dsn("postgres://h/db") and not pg.is_dsn("parley.duckdb")


# -- the same results -------------------------------------------------------------------------------------
def test_duckdb_and_postgres_answer_the_same(both):
    path, dsn = both
    with Store(path, read_only=True) as d, Store(dsn, read_only=True) as p:
        a, b = snapshot(d), snapshot(p)
    assert a["events"], "the fixtures make events"
    assert any(e["n_sources"] > 1 for e in a["events"]), "and some are merged from several reports"
    assert a["series"] and a["positions"] and a["network"][1]
    for key in a:
        assert a[key] == b[key], key


def test_reingest_adds_nothing(both):
    _, dsn = both
    with Store(dsn) as s:
        before = {t: s.count(t) for t in ("documents", "events", "extractions", "evidence")}
        events = s.events()
        summary = ingest([str(ARTICLES), str(MERGE)], s)
        assert summary.added == 0 and summary.present == 13 and not summary.failed
        assert {t: s.count(t) for t in before} == before
        assert s.events() == events


def test_cli_commands_over_postgres(both, runner):
    path, dsn = both
    for args in (["events", "--format", "json"], ["events", "--actor", "Wang Yi", "--format", "json"],
                 ["timeline", "--format", "json"], ["positions", "--format", "json"], ["series", "--format", "json"],
                 ["actors", "--format", "json"], ["documents", "--format", "json"], ["relations", "China", "Russia",
                 "--format", "json"], ["network", "--format", "json"]):
        on_pg = runner.invoke(cli, args + ["--db", dsn])
        on_duck = runner.invoke(cli, args + ["--db", path])
        assert on_pg.exit_code == 0, (args, on_pg.output)
        assert on_pg.stdout == on_duck.stdout, args
    with Store(dsn, read_only=True) as st:
        event_id = max(st.events(), key=lambda e: (e["n_sources"], e["id"]))["id"]
    for fmt in ("text", "json"):
        shown = [runner.invoke(cli, ["show", event_id[:12], "--format", fmt, "--db", db]) for db in (dsn, path)]
        assert shown[0].exit_code == 0 and event_id[:12] in shown[0].stdout
        assert shown[0].stdout == shown[1].stdout


def test_cli_ingest_into_postgres(pg_db, runner):
    result = runner.invoke(cli, ["ingest", str(ARTICLES / "wang_yi_lavrov.txt"), str(MERGE), "--db", pg_db])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("8 added, 0 already present, 0 failed")
    again = runner.invoke(cli, ["ingest", str(MERGE), "--db", pg_db])
    assert again.exit_code == 0 and again.stderr.strip().splitlines()[-1].startswith("0 added, 7 already present")
    timeline = runner.invoke(cli, ["timeline", "--db", pg_db, "--format", "json"])
    assert timeline.exit_code == 0 and json.loads(timeline.stdout)


def test_api_server_over_postgres(both):
    from fastapi.testclient import TestClient

    from parley.server import create_app

    path, dsn = both
    with TestClient(create_app(dsn)) as p, TestClient(create_app(path)) as d:
        health = p.get("/api/health").json()
        assert health["writable"] is False and health["events"] > 0
        for url in ("/api/events?limit=5&sort=-sources", "/api/facets", "/api/series", "/api/network",
                    "/api/positions", "/api/actors?q=wang", "/api/events/density?bucket=month"):
            rp, rd = p.get(url), d.get(url)
            assert rp.status_code == 200, (url, rp.text)
            assert rp.json() == rd.json(), url
        first = p.get("/api/events?limit=1").json()["events"][0]["id"]
        assert p.get(f"/api/events/{first}").json() == d.get(f"/api/events/{first}").json()
        assert p.post("/api/documents", json={"text": "x"}).status_code in (401, 403)


# -- concurrent writers --------------------------------------------------------------------------------
def _parley(*args) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "parley", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_concurrent_ingests_equal_one_sequential_ingest(pg_db, tmp_path):
    files = sorted(str(p) for p in list(ARTICLES.rglob("*")) + list(MERGE.glob("*")) if p.is_file())
    overlap = str(MERGE / "a-wire.txt")
    half = len(files) // 2
    first = [f for f in files[:half] if f != overlap] + [overlap]
    second = [f for f in files[half:] if f != overlap] + [overlap]
    # both start on an empty database: the migrations race too
    procs = [_parley("ingest", *part, "--db", pg_db, "--silent", "--format", "json")
             for part in (first, second)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    summaries = [json.loads(out) for out, _ in outs]
    assert sum(s["added"] for s in summaries) == 13 and sum(s["already_present"] for s in summaries) == 1
    assert not any(s["failed"] for s in summaries)

    path = str(tmp_path / "sequential.duckdb")
    with Store(path) as d:
        assert ingest(files, d).added == 13
    with Store(path, read_only=True) as d, Store(pg_db, read_only=True) as p:
        assert p.count("documents") == d.count("documents") == 13
        assert p.con.execute("SELECT count(DISTINCT id), count(*) FROM documents").fetchone() == (13, 13)
        assert p.events() == d.events()
        assert p.positions() == d.positions()
        assert p.series() == d.series()


def test_concurrent_writers_stress(pg_db, tmp_path):
    """Many connections adding the same documents at once, in different orders: each is stored once,
    nobody fails, and the events are those of one sequential load (writers take turns on the merge)."""
    import random
    import threading

    import parley

    texts = sorted(p for p in list(MERGE.glob("*.txt")) + list(ARTICLES.glob("*.txt")))
    xs = [parley.extract(p.read_text(encoding="utf-8"), source=p.name) for p in texts]
    with Store(pg_db):
        pass  # migrated; the writers below race on the documents only
    results, errors = [], []
    start = threading.Barrier(4)

    def writer(seed):
        order = list(xs)
        random.Random(seed).shuffle(order)
        try:
            with Store(pg_db) as s:
                start.wait()
                results.extend(s.add(x) for x in order)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    assert results.count(True) == len(xs) and results.count(False) == 3 * len(xs)
    path = str(tmp_path / "sequential.duckdb")
    with Store(path) as d:
        assert all(d.add(x) for x in xs)
    with Store(path, read_only=True) as d, Store(pg_db, read_only=True) as p:
        assert p.count("documents") == len(xs)
        assert p.events() == d.events() and p.series() == d.series() and p.network() == d.network()


# -- ../shared ------------------------------------------------------------------------------------------
@pytest.mark.shared
def test_shared_seeds_and_dev_give_identical_events(shared_dir, pg_server, tmp_path):
    dsn = _icu_database(pg_server, "t_shared") or pg_server.create_database("t_shared")
    path = str(tmp_path / "shared.duckdb")
    paths = [str(shared_dir / "seeds"), str(shared_dir / "dev")]
    summaries = []
    for db in (path, dsn):
        with Store(db) as s:
            summaries.append(ingest(paths, s).to_dict())
    assert summaries[0] == summaries[1]
    with Store(path, read_only=True) as d, Store(dsn, read_only=True) as p:
        de, pe = d.events(), p.events()
        assert de and [e["id"] for e in de] == [e["id"] for e in pe]
        assert de == pe
        assert d.positions() == p.positions() and d.series() == p.series() and d.network() == p.network()
