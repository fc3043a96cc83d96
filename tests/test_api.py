"""The Python API: parley.extract and parley.open."""
import parley
from parley.api import StoredEvent

from conftest import FIXTURES

TEXT = """Austrian and Swiss foreign ministers meet in Vienna

VIENNA, May 6, 2024 -- Austrian Foreign Minister Alexander Schallenberg received Swiss Foreign Minister Ignazio Cassis in Vienna on Monday for talks on European security.

Schallenberg said the two neighbours would deepen their cooperation on energy.
"""


def test_extract_returns_events_with_evidence():
    x = parley.extract(TEXT)
    assert x.document.title.startswith("Austrian and Swiss")
    meetings = [e for e in x.events if e.type == "meeting"]
    assert meetings and meetings[0].date == "2024-05-06"
    names = {p.actor for p in meetings[0].participants}
    assert {"Alexander Schallenberg", "Ignazio Cassis"} <= names
    for e in x.events:
        for ev in e.evidence:
            assert x.document.text[ev.start:ev.end] == ev.text


def test_open_store_and_query(tmp_path):
    with parley.open(str(tmp_path / "p.duckdb")) as db:
        summary = db.ingest([str(FIXTURES / "merge")])
        assert summary.added >= 5 and not summary.failed
        rows = db.events(actor="Wang Yi", type="meeting")
        assert rows and all(isinstance(r, StoredEvent) for r in rows)
        assert all(r.type == "meeting" and "Wang Yi" in {p.actor for p in r.participants} for r in rows)
        first = rows[0]
        assert isinstance(first.participants[0], parley.Participant) and first.sources
        for src in first.sources:
            doc = db.document(src.document_id)
            for ev in src.evidence:
                assert doc["text"][ev.start:ev.end] == ev.text
        assert db.event(first.id).id == first.id and db.event("ev-nothing") is None
        assert db.count(type="meeting") == len(db.events(type="meeting"))


def test_results_to_pandas_and_arrow(tmp_path):
    with parley.open(str(tmp_path / "p.duckdb")) as db:
        db.ingest([str(FIXTURES / "merge"), str(FIXTURES / "articles")])
        rows = db.events()
        df = rows.to_pandas()
        assert len(df) == len(rows) and list(df["id"]) == [r.id for r in rows]
        assert {"date", "type", "participants", "sources", "n_sources"} <= set(df.columns)
        table = rows.to_arrow()
        assert table.num_rows == len(rows)
        assert table.schema.field("participants").type.value_type.names == ["actor", "actor_id", "role"]
        pos = db.positions()
        assert pos and len(pos.to_pandas()) == len(pos)
        empty = db.events(actor="nobody at all")
        assert empty == [] and "participants" in empty.to_pandas().columns
        assert empty.to_arrow().num_rows == 0
