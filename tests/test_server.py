"""The REST API through an in-process client, and schemathesis over its OpenAPI document."""
from __future__ import annotations

import csv
import io

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from parley.ingest import ingest
from parley.server import create_app
from parley.store import Store

from conftest import ARTICLES, FIXTURES

TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("server") / "parley.duckdb")
    with Store(path) as s:
        summary = ingest([str(ARTICLES), str(FIXTURES / "merge")], s)
    assert not summary.failed
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def test_events_filtered_paged_and_sorted(client):
    every = client.get("/api/events").json()
    assert every["total"] == len(every["events"]) > 3
    wang = client.get("/api/events", params={"actor": "Wang Yi", "type": "meeting"}).json()
    assert wang["total"] >= 1 and len(wang["events"]) == wang["total"]
    for e in wang["events"]:
        assert e["type"] == "meeting"
        assert "Wang Yi" in {p["actor"] for p in e["participants"]}
        assert e["sources"] and e["sources"][0]["evidence"]
    page1 = client.get("/api/events", params={"limit": 2}).json()
    page2 = client.get("/api/events", params={"limit": 2, "offset": 2}).json()
    assert [e["id"] for e in page1["events"] + page2["events"]] == [e["id"] for e in every["events"][:4]]
    dates = [e["date"] for e in client.get("/api/events", params={"sort": "-date"}).json()["events"] if e["date"]]
    assert dates == sorted(dates, reverse=True)
    since = client.get("/api/events", params={"since": "2024-01-01"}).json()["events"]
    assert all(e["date"] is None or e["date"] >= "2024" for e in since)
    assert len(since) < every["total"]


def test_country_and_text_filters(client):
    every = client.get("/api/events").json()["total"]
    russia = client.get("/api/events", params={"country": "Russia"}).json()
    assert 0 < russia["total"] < every
    assert client.get("/api/events", params={"country": "RUS"}).json()["total"] == russia["total"]
    for e in russia["events"]:
        assert e["location"]["country"] == "RUS" or any(p["actor_id"] for p in e["participants"])
    found = client.get("/api/events", params={"q": "Lavrov"}).json()
    assert found["total"] >= 1
    assert all(any("Lavrov" in v["text"] for s in e["sources"] for v in s["evidence"]) for e in found["events"])
    assert client.get("/api/events", params={"q": "no such words anywhere"}).json()["total"] == 0


def test_events_as_csv(client):
    r = client.get("/api/events", params={"format": "csv", "type": "meeting"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {row["type"] for row in rows} == {"meeting"}
    assert {"date", "participants", "location", "sources", "id"} <= set(rows[0])


def test_one_event_with_sources_and_evidence_in_the_document(client):
    ev = client.get("/api/events", params={"actor": "Wang Yi", "type": "meeting"}).json()["events"][0]
    full = client.get(f"/api/events/{ev['id']}").json()
    assert full["id"] == ev["id"] and full["extractions"]
    assert all(x["join_reason"] for x in full["extractions"])
    for src in full["sources"]:
        doc = client.get(f"/api/documents/{src['document_id']}").json()
        spans = {(h["start"], h["end"]) for h in doc["highlights"] if h["event_id"] == ev["id"]}
        for v in src["evidence"]:
            assert doc["text"][v["start"]:v["end"]] == v["text"]
            assert (v["start"], v["end"]) in spans
    assert client.get("/api/events/ev-does-not-exist").status_code == 404


def test_density_counts_add_up(client):
    dens = client.get("/api/events/density", params={"bucket": "year"}).json()
    dated = [e for e in client.get("/api/events", params={"limit": 1000}).json()["events"] if e["date"]]
    assert sum(p["events"] for p in dens["periods"]) == len(dated)
    assert all(len(p["period"]) == 4 for p in dens["periods"])


def test_actors_actor_page_and_timeline(client):
    found = client.get("/api/actors", params={"q": "Lavrov"}).json()
    assert found["actors"][0]["id"] == "sergei-lavrov"
    a = client.get("/api/actors/Sergei Lavrov").json()
    assert a["id"] == "sergei-lavrov" and a["roles"] and a["events"] >= 1
    assert [r["start"] or "" for r in a["roles"]] == sorted(r["start"] or "" for r in a["roles"])
    assert "wang-yi" in {c["id"] for c in a["counterparts"]}
    tl = client.get("/api/actors/sergei-lavrov/timeline").json()
    assert tl["total"] == a["events"]
    assert all("sergei-lavrov" in {p["actor_id"] for p in e["participants"]} for e in tl["events"])
    assert client.get("/api/actors/nobody-at-all").status_code == 404


def test_positions_series_network_documents(client):
    pos = client.get("/api/positions").json()["positions"]
    assert pos and all(p["speaker"] and p["topic"] and p["text"] for p in pos)
    topic = pos[0]["topic"]
    assert {p["topic"] for p in client.get("/api/positions", params={"topic": topic}).json()["positions"]} == {topic}
    assert client.get("/api/positions", params={"format": "csv"}).text.startswith("date,speaker,topic")
    assert isinstance(client.get("/api/series").json()["series"], list)
    net = client.get("/api/network").json()
    ids = {n["id"] for n in net["nodes"]}
    assert net["edges"] and all(e["source"] in ids and e["target"] in ids for e in net["edges"])
    top2 = client.get("/api/network", params={"top": 2}).json()
    assert len(top2["nodes"]) == 2
    docs = client.get("/api/documents", params={"limit": 3}).json()
    assert docs["total"] >= 3 and len(docs["documents"]) == 3
    facets = client.get("/api/facets").json()
    assert {"types", "statuses", "countries", "years", "topics"} <= set(facets)


def test_bad_parameters_are_client_errors(client):
    assert client.get("/api/events", params={"type": "party"}).status_code == 422
    assert client.get("/api/events", params={"since": "yesterday"}).status_code == 422
    assert client.get("/api/events", params={"limit": 0}).status_code == 422
    assert client.get("/api/events", params={"sort": "; DROP TABLE events"}).status_code == 422
    assert client.get("/api/nothing-here").status_code == 404


def test_read_only_server_refuses_writes(client):
    r = client.post("/api/documents", json={"text": "Some text."})
    assert r.status_code == 403 and "read-only" in r.json()["error"]


ARTICLE = """Estonian and Latvian prime ministers meet in Riga

RIGA, March 4, 2025 -- Latvian Prime Minister Evika Silina hosted Estonian Prime Minister Kristen Michal in Riga on Tuesday for talks on energy links and the defence of the Baltic region.
"""


def test_write_token_ingests_once(tmp_path):
    path = str(tmp_path / "w.duckdb")
    with TestClient(create_app(path, write_token=TOKEN)) as c:
        assert c.post("/api/documents", json={"text": ARTICLE}).status_code == 401
        bad = c.post("/api/documents", json={"text": ARTICLE}, headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        r = c.post("/api/documents", json={"text": ARTICLE, "outlet": "Test Wire"}, headers=auth)
        assert r.status_code == 201 and r.json()["added"] == 1
        again = c.post("/api/documents", json={"text": ARTICLE}, headers=auth)
        assert again.json()["added"] == 0 and again.json()["already_present"] == 1
        events = c.get("/api/events", params={"actor": "Kristen Michal"}).json()["events"]
        assert any(e["type"] == "meeting" and e["date"] == "2025-03-04" for e in events)
        assert c.post("/api/documents", json={"text": ""}, headers=auth).status_code == 422


def test_request_body_limit(tmp_path):
    with TestClient(create_app(str(tmp_path / "l.duckdb"), write_token=TOKEN, max_body=1000)) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        big = c.post("/api/documents", json={"text": "word " * 1000}, headers=auth)
        assert big.status_code == 413

        def chunks():  # no Content-Length: the limit holds on the streamed body too
            for _ in range(10):
                yield b"x" * 500
        streamed = c.post("/api/documents", content=chunks(), headers={**auth, "Content-Type": "application/json"})
        assert streamed.status_code == 413
        assert c.get("/api/events").json()["total"] == 0


def test_security_headers_pages_and_json_twins(client):
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    twin = client.get("/events/abc?x=1", headers={"Accept": "application/json"}, follow_redirects=False)
    assert twin.status_code == 307 and twin.headers["location"] == "/api/events/abc?x=1"
    assert client.get("/network", headers={"Accept": "application/json"}).json()["nodes"]
    assert client.get("/static/index.html").status_code == 200


def test_openapi_document(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/events", "/api/events/{event_id}", "/api/actors/{actor_id}", "/api/positions",
                 "/api/network", "/api/documents/{doc_id}", "/api/series"):
        assert path in spec["paths"]
    # no endpoint takes a URL to fetch
    assert not any("fetch" in p or "proxy" in p for p in spec["paths"])


def test_no_server_error_on_any_request(db, tmp_path):
    """schemathesis generates requests for every operation of the OpenAPI document, valid and not."""
    apps = {"read": create_app(db), "write": create_app(str(tmp_path / "w.duckdb"), write_token=TOKEN)}
    total = 0
    for name, app in apps.items():
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
        for result in schema.get_all_operations():
            op = result.ok()
            seen = []

            @given(case=op.as_strategy())
            @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def run(case):
                response = case.call(headers={"Authorization": f"Bearer {TOKEN}"} if name == "write" else None)
                seen.append(response.status_code)
                assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body,
                                                     response.text[:300])
                if "application/json" in str(response.headers.get("content-type")):
                    response.json()
            run()
            assert seen, f"{op.method} {op.path}: no case generated"
            total += len(seen)
    print(f"schemathesis: {total} requests, none answered with a server error")
