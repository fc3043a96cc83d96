"""The Python API: parley.extract and parley.open."""
import parley
from parley.ingest import ingest

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
        ingest([str(FIXTURES / "merge")], db)
        rows = db.events(actor="Wang Yi", type="meeting")
        assert rows and all(any(p["actor"] == "Wang Yi" for p in r["participants"]) for r in rows)
