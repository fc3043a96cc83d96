"""Merging reports into one row per real event, on texts written for these tests."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from parley.cli import cli
from parley.ingest import ingest
from parley.store import Store

from conftest import FIXTURES

MERGE = FIXTURES / "merge"


@pytest.fixture(scope="module")
def merged_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("merge") / "m.duckdb"
    with Store(str(path)) as store:
        summary = ingest([str(MERGE)], store)
        assert not summary.failed
    return str(path)


@pytest.fixture()
def merged(merged_path):
    with Store(merged_path, read_only=True) as store:
        yield store


def _meetings(store):
    return [e for e in store.events(type="meeting") if {p["actor"] for p in e["participants"]} >= {"Wang Yi", "Sergei Lavrov"}]


def test_three_reports_of_one_meeting_are_one_event(merged):
    meetings = _meetings(merged)
    assert len(meetings) == 1
    ev = meetings[0]
    assert ev["date"] == "2024-04-09"
    names = {s["source"].rsplit("/", 1)[-1] for s in ev["sources"]}
    assert {"a-wire.txt", "b-daily.txt", "c-brief.txt"} <= names
    assert ev["location"]["venue"] == "Diaoyutai State Guesthouse"  # the most specific place any report gives


def test_syndicated_copy_counts_once(merged):
    ev = _meetings(merged)[0]
    names = {s["source"].rsplit("/", 1)[-1]: s for s in ev["sources"]}
    assert "e-copy.txt" in names
    copies = [s for s in ev["sources"] if s.get("duplicate_of")]
    assert len(copies) == 1
    assert ev["n_sources"] == len(ev["sources"]) - 1


def test_same_people_other_day_is_another_event(merged):
    calls = [e for e in merged.events(type="call")]
    assert len(calls) == 1 and calls[0]["date"] == "2024-05-20"
    assert calls[0]["id"] != _meetings(merged)[0]["id"]


def test_show_explains_the_joins(merged):
    ev = merged.explain(_meetings(merged)[0]["id"])
    reasons = [x["join_reason"] for x in ev["extractions"]]
    assert len(ev["extractions"]) >= 3
    assert any("same day 2024-04-09" in r for r in reasons)


def test_series_names_missing_sessions(merged):
    series = merged.series("shipping")
    assert len(series) == 1
    assert [s["ordinal"] for s in series[0]["sessions"]] == [3, 5]
    assert series[0]["missing_ordinals"] == [1, 2, 4]


def test_any_ingest_order_gives_the_same_events(tmp_path):
    files = sorted(MERGE.glob("*.txt"))
    results = []
    for order in (files, list(reversed(files)), files[3:] + files[:3]):
        with Store(str(tmp_path / f"o{len(results)}.duckdb")) as store:
            for f in order:
                ingest([str(f)], store)
            evs = store.events()
        for e in evs:
            e["sources"] = sorted(s["document_id"] for s in e["sources"])
            e["evidence"] = sorted((x["document_id"], x["start"]) for x in e["evidence"])
        results.append(json.dumps(evs, sort_keys=True))
    assert results[0] == results[1] == results[2]


def test_reingest_adds_nothing(tmp_path):
    path = str(tmp_path / "r.duckdb")
    with Store(path) as store:
        ingest([str(MERGE)], store)
        before = [e["id"] for e in store.events()]
        again = ingest([str(MERGE)], store)
        assert again.added == 0
        assert [e["id"] for e in store.events()] == before


def test_network_exports_parse(tmp_path, merged_path):
    runner = CliRunner()
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"n.{fmt}"
        r = runner.invoke(cli, ["network", "--db", merged_path, "--format", fmt, "-o", str(out)])
        assert r.exit_code == 0, r.output
        root = ET.parse(out).getroot()
        nodes = [el for el in root.iter() if el.tag.endswith("node")]
        edges = [el for el in root.iter() if el.tag.endswith("edge")]
        assert any(n.get("id") == "wang-yi" for n in nodes)
        assert edges


def test_cli_series_and_show(merged_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["series", "--db", merged_path, "--format", "csv"])
    assert r.exit_code == 0 and "sessions 1" in r.output
    with Store(merged_path, read_only=True) as store:
        ev = _meetings(store)[0]
    r = runner.invoke(cli, ["show", ev["id"], "--db", merged_path])
    assert r.exit_code == 0 and "joined because" in r.output and "b-daily.txt" in r.output


STORY = ("The harbour authority of the coastal city said on Monday that its new container terminal would open "
         "in the spring after three years of building work. Officials told reporters that the terminal would "
         "double the number of ships the port can handle each week, and that four hundred people had been hired "
         "to run the cranes, the gates and the customs sheds. Local traders welcomed the news but asked for "
         "better roads to the port, which is often blocked by lorries waiting to unload.")
OTHER = ("A regional orchestra announced its autumn season on Tuesday, with eleven concerts in the old theatre "
         "and a new work by a young composer from the northern valleys. Tickets go on sale next month and the "
         "conductor said the programme mixes familiar symphonies with music rarely played in the region.")


def _dedup_docs(build):
    from parley.model import Extraction

    copies = [STORY + f"\n\nCopy line number {i} of the wire." for i in range(6)]
    return [Extraction(document=build(t, source=f"d{i}.txt")) for i, t in enumerate(copies + [OTHER])]


def _roots(path, batches):
    with Store(str(path)) as store:
        for b in batches:
            store.add_many(b)
        return dict(store.con.execute("SELECT id, duplicate_of FROM documents").fetchall())


def test_copies_form_one_group_however_they_are_batched(tmp_path, build):
    """Near-duplicate groups (the root is the smallest id) do not depend on batches or order:
    copies met in one write batch, re-rooting a stored group, one at a time, in any order."""
    xs = _dedup_docs(build)
    story, other = xs[:-1], xs[-1]
    root = min(x.document.id for x in story)
    want = {x.document.id: (None if x.document.id == root else root) for x in story} | {other.document.id: None}
    by_id = sorted(xs, key=lambda x: x.document.id)
    orders = {
        "one batch": [xs],
        "one at a time": [[x] for x in xs],
        "largest ids first, then the rest in one batch": [by_id[-2:], by_id[:-2]],
        "smallest id last, alone": [by_id[1:], by_id[:1]],
        "reversed, in two batches": [by_id[::-1][:3], by_id[::-1][3:]],
    }
    for i, (name, batches) in enumerate(orders.items()):
        assert _roots(tmp_path / f"d{i}.duckdb", batches) == want, name


UNDATED = FIXTURES / "merge_undated"


def _merged_right(store) -> bool:
    """The stored events (every column, members, join reasons) are what clustering every
    stored extraction at once gives."""
    stored, whole = store.merge_audit()
    return stored == whole


def _meetings_of(store):
    return sorted(((e["date"], len(e["sources"]), e["n_sources"]) for e in store.events(type="meeting")),
                  key=str)


def test_undated_report_joins_its_only_event_and_copies_are_one(tmp_path):
    with Store(str(tmp_path / "u.duckdb")) as store:
        for name in ("b-undated.txt", "a-dated.txt", "c-undated-copy.txt"):
            ingest([str(UNDATED / name)], store)
        assert _meetings_of(store) == [("2023-06-12", 3, 2)]  # the copy counts once
        ingest([str(UNDATED / "d-later.txt")], store)
        # two meetings of the same ministers now: the undated report fits both, so it joins neither;
        # it and its copy are one event of their own
        assert _meetings_of(store) == [("2023-06-12", 1, 1), ("2023-09-20", 1, 1), (None, 2, 1)]
        assert _merged_right(store)


@pytest.mark.parametrize("batches", ["one at a time", "all at once", "reversed", "undated last"])
def test_incremental_merge_equals_clustering_everything(tmp_path, batches):
    """Each write re-clusters only the extractions its new ones could change (by date, by the
    events they are in); the result is what clustering the whole store at once gives."""
    files = sorted(MERGE.glob("*.txt")) + sorted(UNDATED.glob("*.txt"))
    order = {"one at a time": [[f] for f in files], "all at once": [files],
             "reversed": [[f] for f in reversed(files)],
             "undated last": [[f for f in files if "undated" not in f.name], [f for f in files if "undated" in f.name]]}
    results = []
    with Store(str(tmp_path / "i.duckdb")) as store:
        for group in order[batches]:
            ingest([str(f) for f in group], store)
            assert _merged_right(store)
        results = store.merge_audit()[0]
    with Store(str(tmp_path / "all.duckdb")) as store:
        ingest([str(f) for f in files], store)
        assert store.merge_audit()[0] == results


def _copies(tmp_path, build, n=5):
    """``n`` copies of the dated report (a line of its own each), by document id, largest first."""
    text = (UNDATED / "a-dated.txt").read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        p = tmp_path / f"copy{i}.txt"
        p.write_text(text + f"\n\nCarried by partner site number {i}.\n", encoding="utf-8")
        paths.append(p)
    return sorted(paths, key=lambda p: build(p.read_text(encoding="utf-8"), source=str(p)).id, reverse=True)


def test_copies_that_re_root_their_group_count_as_one_source(tmp_path, build):
    """Each copy, written alone, has a smaller id than the group's root: the group is re-rooted
    every time, and the merge rows the writer keeps between writes follow the new root."""
    with Store(str(tmp_path / "r.duckdb")) as store:
        for p in _copies(tmp_path, build):
            ingest([str(p)], store)
            assert _merged_right(store)
        assert _meetings_of(store) == [("2023-06-12", 5, 1)]


def test_a_writer_drops_what_it_kept_when_another_wrote(tmp_path, build):
    """Two writers take turns on one store: each sees the other's events, not what it kept."""
    path = str(tmp_path / "w.duckdb")
    copies = _copies(tmp_path, build, 4)
    with Store(path) as a, Store(path) as b:
        for i, p in enumerate(copies + [UNDATED / "d-later.txt", UNDATED / "b-undated.txt"]):
            ingest([str(p)], (a, b)[i % 2])
            assert _merged_right(a)
        assert _meetings_of(a) == [("2023-06-12", 4, 1), ("2023-09-20", 1, 1), (None, 1, 1)]


def test_copies_join_their_event_without_clustering_and_each_is_a_vote(tmp_path, build, monkeypatch):
    """A copy of a report that an event already holds twice joins it directly (the writer's kept
    rows; no clustering), and the event is reconciled again: the copies of one report end up
    outvoting the other report's city (on the last copy, which joins directly). Every step equals
    clustering everything at once."""
    from parley import store as store_mod

    hits = []
    real = store_mod._MergeCache.copy_of
    monkeypatch.setattr(store_mod._MergeCache, "copy_of", lambda self, x: hits.append(real(self, x)) or hits[-1])

    def copies(path, n, tag):
        text = path.read_text(encoding="utf-8")
        out = []
        for i in range(n):
            p = tmp_path / f"{tag}{i}.txt"
            p.write_text(text + f"\n\nRepublished by member paper {i}.\n", encoding="utf-8")
            out.append(p)
        return sorted(out, key=lambda p: build(p.read_text(encoding="utf-8"), source=str(p)).id)  # first stays first

    with Store(str(tmp_path / "c.duckdb")) as store:
        ingest([str(UNDATED / "a-dated.txt")], store)
        for p in copies(UNDATED / "b-undated.txt", 2, "u") + copies(FIXTURES / "merge_copies" / "shanghai.txt", 4, "s"):
            ingest([str(p)], store)
            assert _merged_right(store)
        (meeting,) = store.events(type="meeting")
    assert any(hits)  # some copies joined directly
    assert meeting["location"]["city"] == "Shanghai" and meeting["n_sources"] == 3
    assert len(meeting["sources"]) == 7
    (city,) = [c["values"] for c in meeting["conflicts"] if c["field"] == "city"]
    assert {v: len(docs) for v, docs in city.items()} == {"Beijing": 2, "Shanghai": 1}  # a report once, not each copy


def test_an_event_lists_each_actor_once(merged):
    """``participants`` holds one row per actor of an event (its most specific role): the
    actor pages count an actor's events with count(*) (store.ONE_ROLE)."""
    twice = merged.con.execute("SELECT event_id, actor_id FROM participants GROUP BY 1, 2 HAVING count(*) > 1").fetchall()
    assert merged.count("participants") > 5 and twice == []
