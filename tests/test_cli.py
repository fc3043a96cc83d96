"""The command line, driven through click's CliRunner."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from parley.cli import cli

from conftest import ARTICLES, FIXTURES, stderr_lines

EVENT_KEYS = {"id", "type", "date", "date_precision", "date_basis", "participants", "location", "format",
              "status", "mechanism", "ordinal", "evidence", "confidence", "cameo", "plover"}
SUMMARY = re.compile(r"^(\d+) added, (\d+) already present, (\d+) failed \((\d+) events, (\d+) positions; "
                     r"(\d+) documents? in the store\)$")


def summary_of(result) -> tuple:
    lines = stderr_lines(result)
    m = SUMMARY.match(lines[-1])
    assert m, lines
    return tuple(int(x) for x in m.groups())


# -- ingest ---------------------------------------------------------------------------------------
def test_ingest_success_exit_0_and_summary(runner, db_path):
    result = runner.invoke(cli, ["ingest", str(ARTICLES), "--db", db_path])
    assert result.exit_code == 0, result.output
    added, present, failed, events, positions, docs = summary_of(result)
    assert (added, present, failed, docs) == (6, 0, 0, 6)
    assert events > 0
    assert result.stdout == ""  # the text summary goes to stderr
    again = runner.invoke(cli, ["ingest", str(ARTICLES), "--db", db_path])
    assert again.exit_code == 0
    assert summary_of(again)[:4] == (0, 6, 0, 0)


def test_ingest_partial_failure_exit_3(runner, db_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["ingest", str(ARTICLES / "wang_yi_lavrov.txt"), str(empty), "--db", db_path])
    assert result.exit_code == 3
    lines = stderr_lines(result)
    assert lines[0] == f"{empty}: E101 empty file"
    assert summary_of(result)[:3] == (1, 0, 1)
    assert summary_of(result)[5] == 1


def test_ingest_all_failed_exit_1(runner, db_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["ingest", str(empty), str(tmp_path / "missing.txt"), "--db", db_path])
    assert result.exit_code == 1
    assert summary_of(result)[:3] == (0, 0, 2)


def test_ingest_json_summary(runner, db_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["ingest", str(ARTICLES / "wang_yi_lavrov.txt"), str(empty),
                                 "--db", db_path, "--format", "json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["added"] == 1 and data["failed"] == 1 and data["documents_in_store"] == 1
    assert data["errors"] == [{"item": str(empty), "error": "E101 empty file"}]


def test_ingest_stdin(runner, db_path):
    text = (ARTICLES / "wang_yi_lavrov.txt").read_bytes()
    result = runner.invoke(cli, ["ingest", "-", "--db", db_path], input=text)
    assert result.exit_code == 0, result.output
    assert summary_of(result)[:3] == (1, 0, 0)
    docs = runner.invoke(cli, ["documents", "--db", db_path, "--format", "json"])
    assert json.loads(docs.stdout)[0]["source"] == "<stdin>"


def test_ingest_uses_parley_db_env(runner, tmp_path, monkeypatch):
    db = tmp_path / "from_env.duckdb"
    monkeypatch.setenv("PARLEY_DB", str(db))
    result = runner.invoke(cli, ["ingest", str(ARTICLES / "wang_yi_lavrov.txt")])
    assert result.exit_code == 0
    assert db.exists()


def test_ingest_published_and_outlet_options(runner, db_path, tmp_path):
    p = tmp_path / "bare.txt"
    p.write_text("Chinese Foreign Minister Wang Yi met Russian Foreign Minister Sergei Lavrov in Beijing on "
                 "Thursday, and the two discussed regional security and trade ties.", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(p), "--db", db_path, "--published", "2024-12-13",
                                 "--outlet", "Example Herald"])
    assert result.exit_code == 0
    docs = json.loads(runner.invoke(cli, ["documents", "--db", db_path, "--json"]).stdout)
    assert docs[0]["published"] == "2024-12-13"
    assert docs[0]["outlet"] == "Example Herald"


@pytest.mark.parametrize("command", ["ingest", "extract"])
@pytest.mark.parametrize("bad", ["2023-13-45", "yesterday", "13/12/2024"])
def test_bad_published_is_usage_error_exit_2(runner, db_path, command, bad):
    args = [command, str(ARTICLES / "wang_yi_lavrov.txt"), "--published", bad]
    if command == "ingest":
        args += ["--db", db_path]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "--published" in result.output
    assert not Path(db_path).exists()


def test_ingest_without_paths_is_usage_error(runner):
    assert runner.invoke(cli, ["ingest"]).exit_code == 2


# -- extract --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """`parley extract` over each fixture article, parsed: {name: data}."""
    from click.testing import CliRunner
    runner = CliRunner()
    out = {}
    for path in [ARTICLES / "wang_yi_lavrov.txt", ARTICLES / "xi_macron_call.txt",
                 ARTICLES / "nested" / "blinken_visit.txt", ARTICLES / "page.html"]:
        result = runner.invoke(cli, ["extract", str(path)])
        assert result.exit_code == 0, result.output
        out[path.name] = json.loads(result.stdout)
    return out


def test_extract_prints_pinned_json(extracted):
    for name, data in extracted.items():
        assert set(data) == {"document", "actors", "events", "positions"}, name
        doc = data["document"]
        for key in ("id", "source", "url", "title", "published", "outlet", "authors", "dateline", "warnings", "text"):
            assert key in doc
        for ev in data["events"]:
            assert EVENT_KEYS <= set(ev), (name, set(ev))
            assert ev["type"] in ("meeting", "visit", "call", "message", "session", "agreement")
            assert set(ev["location"]) == {"venue", "city", "country"}
            for p in ev["participants"]:
                assert {"actor", "actor_id", "role"} <= set(p)
            assert 0 <= ev["confidence"] <= 1
    assert sum(len(d["events"]) for d in extracted.values()) >= 3


def test_extract_evidence_offsets_point_into_document_text(extracted):
    n = 0
    for name, data in extracted.items():
        text = data["document"]["text"]
        for owner in data["events"] + data["positions"]:
            for ev in owner["evidence"]:
                assert set(ev) >= {"start", "end", "text"}
                assert text[ev["start"]:ev["end"]] == ev["text"], (name, ev)
                n += 1
    assert n > 0


def test_extract_event_ids_are_stable(runner, extracted):
    again = json.loads(runner.invoke(cli, ["extract", str(ARTICLES / "wang_yi_lavrov.txt")]).stdout)
    assert [e["id"] for e in again["events"]] == [e["id"] for e in extracted["wang_yi_lavrov.txt"]["events"]]


def test_extract_metadata_of_fixture(extracted):
    doc = extracted["wang_yi_lavrov.txt"]["document"]
    assert doc["title"] == "Wang Yi holds talks with Lavrov in Beijing"
    assert doc["published"] == "2024-12-13"
    assert doc["dateline"] == {"place": "Beijing", "date": "2024-12-13"}
    assert "Share this story" not in doc["text"] and "READ MORE" not in doc["text"]


def test_extract_nl_format_one_object_per_line(runner):
    result = runner.invoke(cli, ["extract", str(FIXTURES / "inputs" / "feed.jsonl"), "--format", "nl"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert [json.loads(ln)["document"]["title"] for ln in lines] == ["Kishida visits Seoul",
                                                                     "Ministers sign grain deal"]


def test_extract_out_dir_writes_one_file_per_input(runner, tmp_path):
    out = tmp_path / "out"
    inputs = [ARTICLES / "wang_yi_lavrov.txt", ARTICLES / "page.html", FIXTURES / "inputs" / "feed.jsonl"]
    result = runner.invoke(cli, ["extract", *map(str, inputs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    names = sorted(p.name for p in out.iterdir())
    # feed.jsonl: line 1 is named by its URL, line 3 (no URL) by file and line number
    assert names == ["feed-3.json", "kishida-seoul.json", "page.json", "wang_yi_lavrov.json"]
    data = json.loads((out / "wang_yi_lavrov.json").read_text(encoding="utf-8"))
    assert data["document"]["source"] == str(inputs[0])
    assert "4 extracted" in result.stderr and "0 failed" in result.stderr


def test_extract_out_dir_same_stem_twice(runner, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for d in (a, b):
        (d / "story.txt").write_text((ARTICLES / "wang_yi_lavrov.txt").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", str(a / "story.txt"), str(b / "story.txt"), "--out", str(out)])
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["story-2.json", "story.json"]


def test_extract_all_failed_exit_1(runner, tmp_path):
    result = runner.invoke(cli, ["extract", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"{tmp_path / 'missing.txt'}: E106 no such file or folder"]


# -- events and timeline --------------------------------------------------------------------------
@pytest.fixture
def filled_db(runner, db_path):
    result = runner.invoke(cli, ["ingest", str(ARTICLES), "--db", db_path])
    assert result.exit_code == 0
    return db_path


def test_events_json(runner, filled_db):
    result = runner.invoke(cli, ["events", "--db", filled_db, "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows
    for e in rows:
        assert EVENT_KEYS | {"sources"} <= set(e)
        assert e["sources"] and all("source" in s for s in e["sources"])
    assert json.loads(runner.invoke(cli, ["events", "--db", filled_db, "--json"]).stdout) == rows


def test_events_csv(runner, filled_db):
    result = runner.invoke(cli, ["events", "--db", filled_db, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0].keys()) == ["date", "type", "participants", "location", "format", "status",
                                    "mechanism", "sources", "id"]
    as_json = json.loads(runner.invoke(cli, ["events", "--db", filled_db, "--format", "json"]).stdout)
    assert [r["id"] for r in rows] == [e["id"] for e in as_json]
    lavrov = [r for r in rows if "Sergei Lavrov" in r["participants"]]
    assert lavrov and lavrov[0]["date"] == "2024-12-12" and lavrov[0]["location"].startswith("Beijing")


def test_events_filters_on_the_command_line(runner, filled_db):
    result = runner.invoke(cli, ["events", "--db", filled_db, "--json", "--type", "visit"])
    rows = json.loads(result.stdout)
    assert rows and all(e["type"] == "visit" for e in rows)
    rows = json.loads(runner.invoke(cli, ["events", "--db", filled_db, "--json", "--since", "2024-01-01"]).stdout)
    assert rows and all(e["date"] >= "2024-01-01" for e in rows)
    bad = runner.invoke(cli, ["events", "--db", filled_db, "--since", "last year"])
    assert bad.exit_code == 2


def test_timeline(runner, filled_db):
    result = runner.invoke(cli, ["timeline", "--db", filled_db, "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows
    assert set(rows[0]) >= {"date", "type", "participants", "location", "format", "mechanism", "sources"}
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert any("Wang Yi" in r["participants"] and "Sergei Lavrov" in r["participants"] for r in rows)
    table = runner.invoke(cli, ["timeline", "--db", filled_db, "--format", "table"])
    assert table.exit_code == 0 and "Lavrov" in table.stdout
    as_csv = runner.invoke(cli, ["timeline", "--db", filled_db, "--csv"])
    assert as_csv.stdout.splitlines()[0] == "date,type,participants,location,format,mechanism,sources"


def test_events_on_missing_database_is_one_line_exit_1(runner, tmp_path):
    result = runner.invoke(cli, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert len(stderr_lines(result)) == 1 and "E200" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_actors_and_documents_commands(runner, filled_db):
    actors = json.loads(runner.invoke(cli, ["actors", "--db", filled_db, "--json"]).stdout)
    assert any(a["id"] == "wang-yi" for a in actors)
    docs = json.loads(runner.invoke(cli, ["documents", "--db", filled_db, "--json"]).stdout)
    assert len(docs) == 6
