"""`parley export`: JSON Lines, CSV, Parquet, GDELT 2.0 rows, PLOVER records, GraphML and GEXF."""
from __future__ import annotations

import io
import json
import re
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from parley import export as ex
from parley.cli import cli
from parley.ingest import ingest
from parley.kb import DATA, load_yaml
from parley.store import Store

from conftest import FIXTURES, stderr_lines

# Two reports written for these tests: a hosted meeting with a URL, and a visit known only to the month.
FEED = [
    {"title": "Cassis hosts Schallenberg for talks on Alpine transit",
     "text": "Cassis hosts Schallenberg for talks on Alpine transit\n\n"
             "BERN, September 12, 2024 -- Swiss Foreign Minister Ignazio Cassis received Austrian Foreign Minister "
             "Alexander Schallenberg in Bern on Thursday for talks on rail freight through the Alps and on energy "
             "security.\n\nThe two ministers agreed to set up a joint working group on transit traffic, officials "
             "in Bern said.",
     "url": "https://news.example.org/2024/09/cassis-schallenberg", "published": "2024-09-12",
     "outlet": "Example Alpine News"},
    {"title": "Schallenberg looks back on a year of neighbourly diplomacy",
     "text": "Schallenberg looks back on a year of neighbourly diplomacy\n\n"
             "Vienna, December 30, 2024 -- Austrian Foreign Minister Alexander Schallenberg visited Slovenia in March "
             "2024, his office said in a year-end review published on Monday.\n\nThe review also listed a phone "
             "call with Czech Foreign Minister Jan Lipavsky on economic ties.",
     "url": "https://news.example.org/2024/12/schallenberg-review", "published": "2024-12-30",
     "outlet": "Example Alpine News"},
]
CASSIS_URL = FEED[0]["url"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """The merge fixtures (one talk reported four times, a call, two sessions) and the feed above."""
    tmp = tmp_path_factory.mktemp("export")
    feed = tmp / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in FEED), encoding="utf-8")
    path = str(tmp / "parley.duckdb")
    with Store(path) as s:
        summary = ingest([str(FIXTURES / "merge"), str(feed)], s)
    assert summary.failed == []
    return path


@pytest.fixture(scope="module")
def events(db) -> list[dict]:
    with Store(db, read_only=True) as s:
        return s.events()


def run(runner, db, *args, ok=True):
    result = runner.invoke(cli, ["export", "--db", db, *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def read_gdelt(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), sep="\t", header=None, names=ex.GDELT_COLUMNS, dtype=str,
                       keep_default_na=False)


def by_id(events, type_, actor) -> dict:
    return next(e for e in events if e["type"] == type_ and any(p["actor"] == actor for p in e["participants"]))


# -- data files -----------------------------------------------------------------------------------
def test_gdelt_columns_follow_the_codebook():
    cols = ex.GDELT_COLUMNS
    assert len(cols) == 61 == len(set(cols))
    assert cols[:6] == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code"]
    assert cols[15] == "Actor2Code" and cols[24] == "Actor2Type3Code"
    assert cols[25:35] == ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                           "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    assert cols[35] == "Actor1Geo_Type" and cols[39] == "Actor1Geo_ADM2Code" and cols[51] == "ActionGeo_Type"
    assert cols[-3:] == ["ActionGeo_FeatureID", "DATEADDED", "SOURCEURL"]


def test_fips_covers_every_country():
    fips = load_yaml("fips.yaml")
    isos = {c["iso3"] for c in load_yaml("countries.yaml")}
    assert isos <= set(fips)
    assert all(isinstance(v, str) and re.fullmatch(r"[A-Z]{2}", v) for v in fips.values())
    assert len(set(fips.values())) == len(fips)
    assert (fips["CHN"], fips["RUS"], fips["DEU"], fips["CHE"], fips["NOR"]) == ("CH", "RS", "GM", "SZ", "NO")


def test_goldstein_covers_roots_and_the_codes_parley_emits():
    table = load_yaml("goldstein.yaml")
    assert {f"{i:02d}" for i in range(1, 21)} <= set(table)
    emitted = set(re.findall(r'cameo: "(\d+)"', (DATA / "triggers.yaml").read_text(encoding="utf-8")))
    assert emitted and emitted <= set(table)
    assert all(-10 <= v <= 10 for v in table.values())
    assert (ex.goldstein("043"), ex.goldstein("0431"), ex.goldstein("190"), ex.goldstein(None)) == (2.8, 2.8, -10.0,
                                                                                                    None)


def test_quad_class_and_event_number():
    assert [ex.quad_class(c) for c in ("040", "057", "061", "0874", "112", "130", "145", "200", None)] == \
        [1, 1, 2, 2, 3, 3, 4, 4, None]
    n = ex.event_number("ev-5908b886db4279a8")
    assert n == int("5908b886db4279a8", 16) % 2 ** 53 and n == ex.event_number("ev-5908b886db4279a8")
    assert 0 <= ex.event_number("not hex at all") < 2 ** 53


# -- jsonl, csv, parquet --------------------------------------------------------------------------
def test_jsonl_round_trips(runner, db, events):
    result = run(runner, db, "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == json.loads(json.dumps(events, default=str))
    assert stderr_lines(result)[-1] == f"{len(events)} events written to stdout"


def test_csv_one_flat_row_per_event(runner, db, events, tmp_path):
    out = tmp_path / "events.csv"
    result = run(runner, db, "--format", "csv", "-o", str(out))
    assert stderr_lines(result)[-1] == f"{len(events)} events written to {out}"
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(df.columns) == ex.CSV_COLUMNS and len(df) == len(events)
    meeting = df[df.id == by_id(events, "meeting", "Ignazio Cassis")["id"]].iloc[0]
    assert meeting.participants == "Ignazio Cassis (host); Alexander Schallenberg (guest)"
    assert meeting.actor_ids == "ignazio-cassis; alexander-schallenberg"
    assert (meeting.city, meeting.country, meeting.cameo, meeting.plover_event) == ("Bern", "CHE", "043", "CONSULT")
    assert meeting.source_urls == CASSIS_URL and "Ignazio Cassis received" in meeting.evidence


def test_parquet_loads_with_pandas_and_keeps_nesting(runner, db, events, tmp_path):
    out = tmp_path / "events.parquet"
    run(runner, db, "--format", "parquet", "-o", str(out))
    df = pd.read_parquet(out)
    assert len(df) == len(events) and list(df.id) == [e["id"] for e in events]
    row = df[df.id == by_id(events, "meeting", "Ignazio Cassis")["id"]].iloc[0]
    assert [p["role"] for p in row.participants] == ["host", "guest"]
    assert row.sources[0]["title"] == FEED[0]["title"] and len(row.sources[0]["evidence"]) >= 1
    assert row.evidence[0]["text"] and row.plover_event == "CONSULT"


def test_parquet_needs_an_output_file(runner, db):
    result = run(runner, db, "--format", "parquet", ok=False)
    assert result.exit_code == 2 and "-o FILE" in result.output


# -- GDELT ----------------------------------------------------------------------------------------
def test_gdelt_rows_have_61_columns_and_codes(runner, db, events):
    result = run(runner, db, "--format", "gdelt")
    assert not result.stdout.startswith("GLOBALEVENTID")
    df = read_gdelt(result.stdout)
    assert df.shape[1] == 61 and all(len(line.split("\t")) == 61 for line in result.stdout.splitlines())
    meeting = by_id(events, "meeting", "Ignazio Cassis")
    row = df[df.GLOBALEVENTID == str(ex.event_number(meeting["id"]))].iloc[0]
    assert (row.SQLDATE, row.MonthYear, row.Year, row.FractionDate) == ("20240912", "202409", "2024", "2024.6904")
    assert (row.Actor1Code, row.Actor1Name, row.Actor1CountryCode, row.Actor1Type1Code) == \
        ("CHEGOV", "IGNAZIO CASSIS", "CHE", "GOV")
    assert (row.Actor2Code, row.Actor2Name, row.Actor2CountryCode) == ("AUTGOV", "ALEXANDER SCHALLENBERG", "AUT")
    assert (row.EventCode, row.EventBaseCode, row.EventRootCode, row.QuadClass, row.GoldsteinScale) == \
        ("043", "043", "04", "1", "2.8")
    assert (row.IsRootEvent, row.NumMentions, row.NumSources, row.NumArticles) == ("1", "1", "1", "1")
    assert (row.ActionGeo_Type, row.ActionGeo_FullName, row.ActionGeo_CountryCode) == ("4", "Bern, Switzerland", "SZ")
    assert (row.DATEADDED, row.SOURCEURL) == ("20240912000000", CASSIS_URL)


def test_gdelt_counts_merged_reports(runner, db, events):
    talks = [e for e in events if e["type"] == "meeting" and e["date"] == "2024-04-09"
             and {"Wang Yi", "Sergei Lavrov"} <= {p["actor"] for p in e["participants"]}]
    assert len(talks) == 1
    df = read_gdelt(run(runner, db, "--format", "gdelt").stdout)
    row = df[df.GLOBALEVENTID == str(ex.event_number(talks[0]["id"]))].iloc[0]
    assert row.NumSources == str(talks[0]["n_sources"]) and row.NumArticles == str(len(talks[0]["sources"]))
    assert int(row.NumArticles) >= int(row.NumSources) >= 2
    assert {row.Actor1Code, row.Actor2Code} == {"CHNGOV", "RUSGOV"}
    assert row.ActionGeo_CountryCode == "CH" and row.SQLDATE == "20240409"
    assert df.GLOBALEVENTID.is_unique


def test_gdelt_skips_events_without_a_day_unless_all(runner, db, events):
    visit = by_id(events, "visit", "Alexander Schallenberg")
    assert visit["date"] == "2024-03" and visit["date_precision"] == "month"
    result = run(runner, db, "--format", "gdelt")
    ids = set(read_gdelt(result.stdout).GLOBALEVENTID)
    assert str(ex.event_number(visit["id"])) not in ids
    skipped = sum(1 for e in events if e["date_precision"] != "day")
    assert f"{skipped} events skipped: no full date (--all keeps month and year dates)" in stderr_lines(result)
    df = read_gdelt(run(runner, db, "--format", "gdelt", "--all").stdout)
    row = df[df.GLOBALEVENTID == str(ex.event_number(visit["id"]))].iloc[0]
    assert (row.SQLDATE, row.EventCode, row.Actor1Code) == ("20240301", "042", "AUTGOV")
    assert (row.Actor2Code, row.Actor2Name, row.ActionGeo_Type, row.ActionGeo_CountryCode) == \
        ("SVN", "SLOVENIA", "1", "SI")


def test_gdelt_header_and_filters(runner, db, events):
    lines = run(runner, db, "--format", "gdelt", "--header", "--type", "meeting").stdout.splitlines()
    assert lines[0].split("\t") == ex.GDELT_COLUMNS
    meetings = [e for e in events if e["type"] == "meeting" and e["date_precision"] == "day"]
    assert len(lines) - 1 == len(meetings)
    since = read_gdelt(run(runner, db, "--format", "gdelt", "--since", "2024-06-01").stdout)
    assert len(since) and all(d >= "20240601" for d in since.SQLDATE)


# -- PLOVER ---------------------------------------------------------------------------------------
def test_plover_records_validate_and_point_into_documents(runner, db, events):
    result = run(runner, db, "--format", "plover")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    with Store(db, read_only=True) as s:
        texts = {d["id"]: d["text"] for d in s.documents(with_text=True)}
    for r in records:
        assert ex.validate_plover(r) == [], r
        assert r["evidence"]
        for ev in r["evidence"]:
            assert texts[ev["document_id"]][ev["start"]:ev["end"]] == ev["text"]
        info = r["text_info"]
        assert texts[info["document_id"]][info["start"]:info["end"]] == r["text"]
    meeting = next(r for r in records if r["id"] == by_id(events, "meeting", "Ignazio Cassis")["id"])
    assert (meeting["event"], meeting["mode"], meeting["quad_code"], meeting["event_scale"]) == \
        ("CONSULT", "visit", 1, 2.8)
    assert [(a["actor_text"], a["code"], a["sector"]) for a in meeting["source"]] == [("Ignazio Cassis", "CHE", "GOV")]
    assert "Foreign" in meeting["source"][0]["office"]
    assert [a["actor_text"] for a in meeting["recipient"]] == ["Alexander Schallenberg"]
    assert meeting["cite_info"]["url"] == CASSIS_URL and meeting["cite_info"]["publication"] == "Example Alpine News"
    assert meeting["event_loc"]["name"] == "Bern, Switzerland"


def test_plover_mutual_call_has_every_party_as_source(db, events):
    with Store(db, read_only=True) as s:
        ctx = ex.Context.of(s)
    call = by_id(events, "call", "Wang Yi")
    rec = ex.plover_record(call, ctx)
    assert {a["actor_text"] for a in rec["source"]} == {"Wang Yi", "Sergei Lavrov"} and rec["recipient"] == []
    assert (rec["event"], rec["mode"]) == ("CONSULT", "phone")
    talks = next(e for e in events if e["type"] == "meeting" and e["date"] == "2024-04-09")
    rec = ex.plover_record(talks, ctx)
    assert len(rec["evidence"]) >= len(talks["sources"]) >= 2
    assert {x["cite_info"]["document_id"] for x in rec["evidence"]} == {s["document_id"] for s in talks["sources"]}
    assert ex.plover_record(by_id(events, "visit", "Alexander Schallenberg"), ctx) is None
    partial = ex.plover_record(by_id(events, "visit", "Alexander Schallenberg"), ctx, all_dates=True)
    assert partial["date"] == "2024-03-01" and partial["date_precision"] == "month"
    assert [a["code"] for a in partial["recipient"]] == ["SVN"] and ex.validate_plover(partial) == []


def test_validate_plover_names_what_is_wrong():
    good = {"id": "x", "date": "2024-05-06", "event": "CONSULT", "source": [{"code": "AUT"}]}
    assert ex.validate_plover(good) == []
    assert ex.validate_plover(dict(good, event=["AGREE", "CONSULT"])) == []
    cases = {"id": dict(good, id=""), "date": dict(good, date="2024-05"), "event": dict(good, event="DEMANDS"),
             "source": dict(good, source=[]), "recipient": dict(good, recipient=[{}]),
             "quad_code": dict(good, quad_code=7), "offsets": dict(good, text_info={"start": 9, "end": 2})}
    for field, record in cases.items():
        errors = ex.validate_plover(record)
        assert len(errors) == 1, (field, errors)
    assert ex.validate_plover(dict(good, date="2024-02-30"))
    assert [e.split(":")[0] for e in ex.validate_plover({})] == ["id", "date", "event", "source"]


# -- network --------------------------------------------------------------------------------------
def test_graphml_and_gexf_parse(runner, db, tmp_path):
    out = tmp_path / "net.graphml"
    result = run(runner, db, "--format", "graphml", "-o", str(out))
    assert re.fullmatch(r"\d+ actors, \d+ ties written to .*net\.graphml", stderr_lines(result)[-1])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(out).getroot()
    nodes = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert {"wang-yi", "sergei-lavrov", "ignazio-cassis"} <= nodes and root.findall(".//g:edge", ns)
    gexf = ET.fromstring(run(runner, db, "--format", "gexf").stdout)
    assert gexf.tag.endswith("gexf")
    early = ET.fromstring(run(runner, db, "--format", "graphml", "--until", "2024-05-01").stdout)
    assert "ignazio-cassis" not in {n.get("id") for n in early.iterfind(".//g:node", ns)}


# -- the seeds ------------------------------------------------------------------------------------
@pytest.mark.shared
def test_seeds_export_to_gdelt_and_plover(shared_dir, runner, db_path, tmp_path):
    assert runner.invoke(cli, ["ingest", str(shared_dir / "seeds"), "--db", db_path]).exit_code == 0
    gdelt = tmp_path / "seeds.gdelt"
    run(runner, db_path, "--format", "gdelt", "-o", str(gdelt))
    df = pd.read_csv(gdelt, sep="\t", header=None, names=ex.GDELT_COLUMNS, dtype=str, keep_default_na=False)
    assert df.shape[1] == 61 and len(df) >= 5
    assert all(re.fullmatch(r"\d{8}", d) for d in df.SQLDATE) and all(df.EventRootCode.str.len() == 2)
    meeting = df[(df.SQLDATE == "20221221") & (df.EventRootCode == "04")
                 & df.Actor1Name.isin(["XI JINPING", "DMITRY MEDVEDEV"])
                 & df.Actor2Name.isin(["XI JINPING", "DMITRY MEDVEDEV"])]
    assert len(meeting) == 1
    assert meeting.iloc[0].ActionGeo_CountryCode == "CH"
    records = [json.loads(line) for line in run(runner, db_path, "--format", "plover").stdout.splitlines()]
    assert records and all(ex.validate_plover(r) == [] for r in records)
    xi_medvedev = [r for r in records if r["date"] == "2022-12-21" and r["event"] == "CONSULT"
                   and {a["actor_text"] for a in r["source"] + r["recipient"]} >= {"Xi Jinping", "Dmitry Medvedev"}]
    assert len(xi_medvedev) == 1 and all(a["code"] in ("CHN", "RUS") for a in xi_medvedev[0]["source"])
