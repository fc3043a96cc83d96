"""The DuckDB store: ingest, idempotence, reading events back, refusing foreign files."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from parley.errors import StoreError
from parley.ingest import ingest
from parley.store import Store, migrations

from conftest import ARTICLES

N_DOCS = 6  # 4 files in tests/fixtures/articles, one a JSONL file of 2 records


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def event_ids(db) -> list[str]:
    with Store(str(db), read_only=True) as s:
        return sorted(e["id"] for e in s.events())


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A database with the fixture folder ingested once (shared by the read-only tests)."""
    db = tmp_path_factory.mktemp("store") / "parley.duckdb"
    with Store(str(db)) as s:
        summary = ingest([str(ARTICLES)], s)
    assert summary.failed == []
    return db, summary


def test_ingest_folder_counts(ingested):
    db, summary = ingested
    assert summary.added == N_DOCS and summary.present == 0
    assert summary.exit_code() == 0
    with Store(str(db), read_only=True) as s:
        assert s.count("documents") == N_DOCS
        assert s.count("events") == summary.events > 0
        assert s.count("evidence") > 0
        assert s.count("actors") > 0
        assert s.schema_version() == max(v for v, _ in migrations())


def test_ingest_twice_is_idempotent(tmp_path):
    db = str(tmp_path / "twice.duckdb")
    with Store(db) as s:
        first = ingest([str(ARTICLES)], s)
    ids_first = event_ids(db)
    with Store(db) as s:  # a fresh connection, as a second `parley ingest` would open
        second = ingest([str(ARTICLES)], s)
        assert s.count("documents") == N_DOCS
    assert first.added == N_DOCS
    assert (second.added, second.present, second.failed, second.events) == (0, N_DOCS, [], 0)
    assert event_ids(db) == ids_first
    assert len(ids_first) == first.events


def test_event_ids_are_stable_across_databases(ingested, tmp_path):
    db, _ = ingested
    other = tmp_path / "other.duckdb"
    with Store(str(other)) as s:
        ingest([str(ARTICLES)], s)
    assert event_ids(other) == event_ids(db)


def test_same_text_under_another_name_is_already_present(tmp_path):
    db = str(tmp_path / "copy.duckdb")
    copy = tmp_path / "copy_of_call.txt"
    shutil.copy(ARTICLES / "xi_macron_call.txt", copy)
    with Store(db) as s:
        a = ingest([str(ARTICLES / "xi_macron_call.txt")], s)
        b = ingest([str(copy)], s)
        assert s.count("documents") == 1
    assert (a.added, b.added, b.present) == (1, 0, 1)


def test_events_have_participants_evidence_and_sources(ingested):
    db, _ = ingested
    with Store(str(db), read_only=True) as s:
        events = s.events()
        docs = {d["id"]: d for d in s.documents(with_text=True)}
    assert events
    keys = {"id", "type", "date", "date_precision", "date_basis", "participants", "location", "format",
            "status", "mechanism", "ordinal", "evidence", "confidence", "cameo", "plover", "sources"}
    for e in events:
        assert keys <= set(e)
        assert e["id"].startswith("ev-")
        assert e["participants"], e
        for p in e["participants"]:
            assert set(p) == {"actor", "actor_id", "role"}
        assert e["evidence"], e
        for ev in e["evidence"]:
            doc = docs[ev["document_id"]]
            assert doc["text"][ev["start"]:ev["end"]] == ev["text"]
        assert e["sources"]
        for src in e["sources"]:
            assert src["document_id"] in docs
            assert src["source"] == docs[src["document_id"]]["source"]
            assert src["evidence"]
    sources = {src["source"] for e in events for src in e["sources"]}
    assert str(ARTICLES / "wang_yi_lavrov.txt") in sources
    assert str(ARTICLES / "nested" / "blinken_visit.txt") in sources
    assert str(ARTICLES / "page.html") in sources


def test_meeting_from_fixture(ingested):
    db, _ = ingested
    with Store(str(db), read_only=True) as s:
        meetings = s.events(type="meeting", actor="Sergei Lavrov")
    assert len(meetings) == 1
    m = meetings[0]
    assert {p["actor"] for p in m["participants"]} == {"Wang Yi", "Sergei Lavrov"}
    assert m["date"] == "2024-12-12"  # "on Thursday" in a report of Friday 2024-12-13
    assert m["location"]["city"] == "Beijing"
    assert m["sources"][0]["source"] == str(ARTICLES / "wang_yi_lavrov.txt")


def test_phone_call_from_fixture(ingested):
    db, _ = ingested
    with Store(str(db), read_only=True) as s:
        calls = s.events(type="call")
    call = [e for e in calls if {p["actor"] for p in e["participants"]} == {"Xi Jinping", "Emmanuel Macron"}]
    assert len(call) == 1
    assert call[0]["date"] == "2023-03-20"
    assert call[0]["format"] == "phone"
    assert call[0]["sources"][0]["source"] == str(ARTICLES / "xi_macron_call.txt")


def test_event_filters(ingested):
    db, _ = ingested
    with Store(str(db), read_only=True) as s:
        everything = s.events()
        by_actor = s.events(actor="Antony Blinken")
        by_id = s.events(actor="wang-yi")
        since = s.events(since="2023-06-01")
        until = s.events(until="2021-12-31")
        limited = s.events(limit=2)
    assert by_actor and all(any(p["actor"] == "Antony Blinken" for p in e["participants"]) for e in by_actor)
    assert by_id and all(any(p["actor_id"] == "wang-yi" for p in e["participants"]) for e in by_id)
    assert since and all(e["date"] >= "2023-06-01" for e in since)
    assert until and all(e["date"] <= "2021-12-31" for e in until)
    assert len(limited) == 2 and limited == everything[:2]
    dated = [e["date"] for e in everything if e["date"]]
    assert dated == sorted(dated)


LETTER = """Ruling parties of two neighbours open their fourth dialogue session

HANOI, March 14, 2024 (Example Wire) -- The fourth session of the dialogue mechanism between the Communist Party \
of Vietnam and the Lao People's Revolutionary Party was held in Hanoi on Thursday.

Delegations from the two parties discussed party building, the economy and cooperation between their provinces.

Chinese President Xi Jinping sent a congratulatory letter to the session on Thursday, praising the two parties \
for their long friendship.
"""


def test_actor_filter_finds_the_session_an_actor_addressed_by_letter(tmp_path):
    """A leader who sent a letter to a session (the same day, in the same report) is not one of
    its participants, yet filtering by that leader finds the session as well as the letter."""
    (tmp_path / "letter.txt").write_text(LETTER, encoding="utf-8")
    with Store(str(tmp_path / "l.duckdb")) as s:
        ingest([str(tmp_path / "letter.txt")], s)
        types = sorted(e["type"] for e in s.events(actor="Xi Jinping"))
        other = s.events(actor="Vladimir Putin")
    assert types == ["message", "session"]
    assert other == []


def test_documents_metadata_round_trip(ingested):
    db, _ = ingested
    with Store(str(db), read_only=True) as s:
        docs = {d["source"]: d for d in s.documents()}
    wang = docs[str(ARTICLES / "wang_yi_lavrov.txt")]
    assert wang["title"] == "Wang Yi holds talks with Lavrov in Beijing"
    assert wang["published"] == "2024-12-13"
    assert wang["authors"] == ["Jane Roe"]
    assert wang["dateline_place"] == "Beijing"
    assert isinstance(wang["warnings"], list)
    assert "text" not in wang


def test_reopen_read_only(ingested):
    db, _ = ingested
    before = digest(db)
    with Store(str(db), read_only=True) as s:
        assert s.count("documents") == N_DOCS
        assert s.events()
    with Store(str(db), read_only=True) as s:
        assert s.count("documents") == N_DOCS
    assert digest(db) == before


def test_read_only_without_database_is_store_error(tmp_path):
    path = tmp_path / "absent.duckdb"
    with pytest.raises(StoreError) as e:
        Store(str(path), read_only=True)
    assert e.value.code == "E200"
    assert not path.exists()


@pytest.fixture
def foreign_db(tmp_path) -> Path:
    import duckdb

    path = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE inventory (sku TEXT PRIMARY KEY, qty INTEGER)")
    con.execute("INSERT INTO inventory VALUES ('a-1', 3), ('b-2', 7)")
    con.close()
    return path


@pytest.mark.parametrize("read_only", [False, True])
def test_foreign_duckdb_file_is_refused_and_untouched(foreign_db, read_only):
    before = digest(foreign_db)
    listing = sorted(os.listdir(foreign_db.parent))
    with pytest.raises(StoreError) as e:
        Store(str(foreign_db), read_only=read_only)
    assert e.value.code == "E200"
    assert "not made by parley" in e.value.message
    assert digest(foreign_db) == before
    assert sorted(os.listdir(foreign_db.parent)) == listing  # no WAL or other file left behind
    import duckdb
    con = duckdb.connect(str(foreign_db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert tables == {"inventory"}
    finally:
        con.close()


@pytest.mark.parametrize("content", [
    b"This is a shopping list, not a database.\nmilk\neggs\n" * 30,
    b"",
])
@pytest.mark.parametrize("read_only", [False, True])
def test_non_database_file_is_refused_and_unmodified(tmp_path, content, read_only):
    path = tmp_path / "notes.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreError) as e:
        Store(str(path), read_only=read_only)
    assert e.value.code == "E200"
    assert path.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["notes.duckdb"]


def test_cli_on_foreign_database_is_one_line(foreign_db, runner):
    from parley.cli import cli
    before = digest(foreign_db)
    for args in (["events"], ["ingest", str(ARTICLES / "xi_macron_call.txt")]):
        result = runner.invoke(cli, [*args, "--db", str(foreign_db)])
        assert result.exit_code == 1
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "E200" in lines[0]
        assert "Traceback" not in result.output
    assert digest(foreign_db) == before
