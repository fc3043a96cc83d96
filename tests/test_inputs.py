"""Inputs at scale: WARC (plain and gzipped), JSONL/JSON under gzip, Parquet, CSV/TSV and RSS/Atom
feeds, each read record by record; --limit, --sample and --watch on `parley ingest`.

Every file here is built by the test from short articles written for it (nothing binary is committed).
"""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley import document, readers
from parley.cli import cli
from parley.errors import InputError
from parley.readers import RawItem
from parley.store import Store

from conftest import ROOT

# Short reports written for these tests (places real, meetings invented).
REPORTS = [
    ("Chile and Argentina set up a water commission",
     "Foreign ministers of Chile and Argentina met in Santiago on Tuesday to discuss water rights along the Andes "
     "border, the Chilean foreign ministry said in a statement. They agreed to set up a joint technical commission "
     "that will report within six months."),
    ("Kenya and Tanzania discuss lake fisheries",
     "The trade ministers of Kenya and Tanzania held talks in Arusha on Friday about fishing quotas on Lake "
     "Victoria, according to officials from both delegations. A second round is planned for the autumn."),
    ("Norway hosts Baltic energy talks",
     "Energy ministers from Norway, Estonia and Latvia gathered in Oslo on Monday to discuss undersea power "
     "cables and grid security, the Norwegian government said. No agreement was signed at the meeting."),
    ("Vietnam and the Philippines sign coast guard memorandum",
     "Vietnam and the Philippines signed a memorandum on coast guard cooperation in Hanoi on Thursday after "
     "talks between their foreign ministers, the Vietnamese foreign ministry said in a statement."),
]


def text_of(i: int) -> str:
    return REPORTS[i][1]


def html_page(i: int) -> str:
    title, text = REPORTS[i]
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1><p>{text}</p></article><footer>All rights reserved</footer></body></html>")


def items_of(path) -> list:
    return list(readers.read([str(path)]))


def good(items) -> list[RawItem]:
    return [i for i in items if isinstance(i, RawItem)]


def errors(items) -> list[tuple[str, str]]:
    return [(i.item, i.code) for i in items if isinstance(i, InputError)]


def ingest_json(runner, *args) -> dict:
    result = runner.invoke(cli, ["ingest", *map(str, args), "--format", "json", "--silent"])
    assert "Traceback" not in result.output, result.output
    return dict(json.loads(result.stdout), exit_code=result.exit_code, stderr=result.stderr)


# -- WARC ---------------------------------------------------------------------------------------------
def make_warc(path: Path, gz: bool = True) -> bytes:
    """warcinfo, 2 HTML responses (one in Latin-1, said in the HTTP header), a request, a PNG response,
    a 404 page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("test.warc", {"software": "parley tests"}))

    def response(url, body: bytes, ctype: str, status: str = "200 OK"):
        hh = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))

    response("https://news.example.org/chile-argentina", html_page(0).encode("utf-8"), "text/html; charset=utf-8")
    req = StatusAndHeaders("GET /kenya HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
    w.write_record(w.create_warc_record("https://news.example.org/kenya", "request", payload=io.BytesIO(b""),
                                        http_headers=req))
    response("https://news.example.org/kenya", html_page(1).replace("Home", "Accueil é").encode("latin-1"),
             "text/html; charset=ISO-8859-1")
    response("https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    response("https://news.example.org/missing", b"<html><body>Not found</body></html>", "text/html", "404 Not Found")
    data = buf.getvalue()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_become_items(tmp_path, gz):
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    make_warc(p, gz=gz)
    items = items_of(p)
    assert errors(items) == []
    assert [(i.url, i.kind, i.source) for i in items] == [
        ("https://news.example.org/chile-argentina", "html", "https://news.example.org/chile-argentina"),
        ("https://news.example.org/kenya", "html", "https://news.example.org/kenya"),
    ]
    assert all(i.published is None for i in items)  # the crawl date is not the publication date
    assert "Accueil é" in items[1].content  # decoded by the HTTP charset
    doc, _ = document.build(items[0])
    assert doc.title == REPORTS[0][0]
    assert "Foreign ministers of Chile and Argentina met in Santiago" in doc.text
    assert doc.url == "https://news.example.org/chile-argentina"


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_gives_the_records_before_and_one_error(tmp_path, gz):
    whole = make_warc(tmp_path / "whole.warc", gz=gz)
    p = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    if gz:  # cut inside the gzip member of the second response (members: warcinfo, response, request, response)
        p.write_bytes(whole[:_gzip_members(whole)[3] + 40])
    else:  # cut inside the second response's HTML
        p.write_bytes(whole[:whole.index(REPORTS[1][0].encode()) + 20])
    items = items_of(p)
    assert [i.url for i in good(items)] == ["https://news.example.org/chile-argentina"]
    (err,) = [i for i in items if isinstance(i, InputError)]
    assert err.code == ("E104" if gz else "E105")
    assert err.item.startswith(str(p))
    assert "\n" not in str(err)


def _gzip_members(data: bytes) -> list[int]:
    """Start offsets of the gzip members of a gzipped WARC (one per record)."""
    import zlib

    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    return starts


def test_warc_truncation_goes_on_with_the_next_file(tmp_path, runner, db_path):
    whole = make_warc(tmp_path / "whole.warc.gz")
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[:-30])
    other = tmp_path / "other.txt"
    other.write_text(text_of(2), encoding="utf-8")
    out = ingest_json(runner, cut, other, "--db", db_path)
    assert out["exit_code"] == 3
    assert (out["added"], out["failed"]) == (3, 1)  # both pages (the cut is in the 404 record) and the .txt
    assert out["errors"][0]["item"] == str(cut) and out["errors"][0]["error"].startswith("E104 ")


def test_not_a_warc_is_one_error(tmp_path):
    p = tmp_path / "notes.warc"
    p.write_text("These are notes about a meeting, not a web archive.\n\n", encoding="utf-8")
    assert errors(items_of(p)) == [(str(p) + "#1", "E105")]


def test_warc_record_over_the_size_limit(tmp_path, monkeypatch):
    p = tmp_path / "crawl.warc.gz"
    make_warc(p)
    monkeypatch.setenv("PARLEY_MAX_BYTES", "450")
    items = items_of(p)
    assert [code for _, code in errors(items)] == ["E103", "E103"]
    assert good(items) == []


def test_cli_ingests_a_warc(tmp_path, runner, db_path):
    p = tmp_path / "crawl.warc.gz"
    make_warc(p)
    out = ingest_json(runner, p, "--db", db_path)
    assert out["exit_code"] == 0, out
    assert (out["added"], out["failed"]) == (2, 0)
    again = ingest_json(runner, p, "--db", db_path)
    assert (again["added"], again["already_present"]) == (0, 2)


# -- JSONL / JSON under gzip ----------------------------------------------------------------------------
def record(i: int, **kw) -> dict:
    return dict({"title": REPORTS[i][0], "text": text_of(i), "url": f"https://wire.example.org/{i}",
                 "published": f"2024-05-0{i + 1}", "outlet": "Example Wire"}, **kw)


def test_jsonl_gz_is_read_line_by_line(tmp_path):
    p = tmp_path / "feed.jsonl.gz"
    lines = [json.dumps(record(0)), "not json at all", json.dumps({"title": "no text here"}),
             "", json.dumps(record(1, authors=["Ana Ruiz"]))]
    p.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    items = items_of(p)
    assert errors(items) == [(f"{p}:2", "E105"), (f"{p}:3", "E107")]
    a, b = good(items)
    assert (a.url, a.title, a.published, a.outlet) == ("https://wire.example.org/0", REPORTS[0][0],
                                                        "2024-05-01", "Example Wire")
    assert a.source == a.url and a.kind == "text"
    assert b.authors == ["Ana Ruiz"]
    assert readers.estimate([str(p)]) is None  # unknown without decompressing


def test_jsonl_gz_cut_short_keeps_the_lines_before(tmp_path):
    p = tmp_path / "feed.jsonl.gz"
    body = "".join(json.dumps(record(i)) + "\n" for i in range(4)).encode("utf-8") * 30
    data = gzip.compress(body)
    p.write_bytes(data[: len(data) - 20])
    items = items_of(p)
    assert len(good(items)) >= 4
    assert errors(items) == [(str(p), "E104")]
    assert "truncated" in items[-1].message


def test_not_gzip_is_one_error(tmp_path):
    p = tmp_path / "feed.jsonl.gz"
    p.write_text(json.dumps(record(0)) + "\n", encoding="utf-8")
    assert errors(items_of(p)) == [(str(p), "E104")]


def test_json_gz_array(tmp_path):
    p = tmp_path / "batch.json.gz"
    p.write_bytes(gzip.compress(json.dumps([record(2), {"text": ""}]).encode("utf-8")))
    items = items_of(p)
    assert [i.url for i in good(items)] == ["https://wire.example.org/2"]
    assert errors(items) == [(f"{p}#2", "E107")]


def test_large_plain_jsonl_streams_with_a_per_line_limit(tmp_path, monkeypatch):
    p = tmp_path / "big.jsonl"
    p.write_text("\n".join([json.dumps(record(0)), json.dumps(record(1, text=text_of(1) * 20)),
                            json.dumps(record(2))]) + "\n", encoding="utf-8")
    monkeypatch.setenv("PARLEY_MAX_BYTES", "1500")  # the file is over it, each line but one under
    items = items_of(p)
    assert [i.url for i in good(items)] == ["https://wire.example.org/0", "https://wire.example.org/2"]
    assert errors(items) == [(f"{p}:2", "E103")]


# -- Parquet ------------------------------------------------------------------------------------------
def make_parquet(path: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "Headline": [REPORTS[0][0], REPORTS[1][0], "A row without text"],
        "body": [text_of(0), text_of(1), None],
        "URL": ["https://p.example.org/0", "https://p.example.org/1", "https://p.example.org/2"],
        "date": pa.array([dt.date(2024, 6, 3), dt.date(2024, 6, 4), None], pa.date32()),
        "authors": [["Ana Ruiz"], [], None],
        "wordcount": [40, 35, 0],
    })
    pq.write_table(table, path, row_group_size=2)  # two row groups: read batch by batch


def test_parquet_rows_become_items(tmp_path):
    p = tmp_path / "corpus.parquet"
    make_parquet(p)
    items = items_of(p)
    assert errors(items) == [(f"{p}#3", "E107")]
    a, b = good(items)
    assert (a.title, a.url, a.published, a.authors) == (REPORTS[0][0], "https://p.example.org/0", "2024-06-03",
                                                         ["Ana Ruiz"])
    assert b.content == text_of(1) and b.published == "2024-06-04"
    assert readers.estimate([str(p)]) == 3  # from the footer


def test_parquet_without_text_column_or_not_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "meta.parquet"
    pq.write_table(pa.table({"title": ["x"], "url": ["https://e.org"]}), p)
    assert errors(items_of(p)) == [(str(p), "E107")]
    q = tmp_path / "fake.parquet"
    q.write_bytes(b"PAR1 this is not really parquet PAR1")
    assert errors(items_of(q)) == [(str(q), "E104")]


def test_cli_ingests_parquet(tmp_path, runner, db_path):
    p = tmp_path / "corpus.parquet"
    make_parquet(p)
    out = ingest_json(runner, p, "--db", db_path)
    assert out["exit_code"] == 3
    assert (out["added"], out["failed"]) == (2, 1)
    assert out["errors"] == [{"item": f"{p}#3", "error": out["errors"][0]["error"]}]
    assert out["errors"][0]["error"].startswith("E107 ")


# -- CSV / TSV ----------------------------------------------------------------------------------------
def make_csv(path: Path) -> None:
    path.write_text(
        "Title,Text,URL,Published,Author\n"
        f'"{REPORTS[0][0]}","{text_of(0)}\n\nA spokesman said the talks were ""useful, frank and long"".",'
        "https://c.example.org/0,2024-07-01,Ana Ruiz\n"
        "Empty one,,https://c.example.org/1,2024-07-02,\n"
        "\n"
        f"{REPORTS[2][0]},\"{text_of(2)}\",https://c.example.org/2,2024-07-03,\n",
        encoding="utf-8")


def test_csv_rows_with_quoted_multiline_text(tmp_path):
    p = tmp_path / "articles.csv"
    make_csv(p)
    items = items_of(p)
    assert errors(items) == [(f"{p}:5", "E107")]  # the row on line 5 (the first row spans lines 2-4)
    a, b = good(items)
    assert a.content.endswith('the talks were "useful, frank and long".')
    assert "\n\nA spokesman" in a.content
    assert (a.title, a.url, a.published, a.authors) == (REPORTS[0][0], "https://c.example.org/0", "2024-07-01",
                                                         ["Ana Ruiz"])
    assert (b.url, b.published, b.authors) == ("https://c.example.org/2", "2024-07-03", [])
    assert readers.estimate([str(p)]) is None


def test_tsv_and_csv_gz(tmp_path):
    t = tmp_path / "articles.tsv"
    t.write_text("headline\tcontent\n" + f"{REPORTS[3][0]}\t{text_of(3)}\n", encoding="utf-8")
    (item,) = items_of(t)
    assert (item.title, item.content, item.source) == (REPORTS[3][0], text_of(3), f"{t}:2")
    g = tmp_path / "articles.csv.gz"
    make_csv(tmp_path / "plain.csv")
    g.write_bytes(gzip.compress((tmp_path / "plain.csv").read_bytes()))
    assert len(good(items_of(g))) == 2


def test_csv_without_text_column_and_field_over_the_limit(tmp_path, monkeypatch):
    p = tmp_path / "index.csv"
    p.write_text("title,url\nA,https://e.org\n", encoding="utf-8")
    assert errors(items_of(p)) == [(str(p), "E107")]
    q = tmp_path / "long.csv"
    q.write_text(f'title,text\nlong,"{text_of(0) * 40}"\nshort,"{text_of(1)}"\n', encoding="utf-8")
    monkeypatch.setenv("PARLEY_MAX_BYTES", "1000")
    items = items_of(q)
    assert errors(items) == [(f"{q}:2", "E103")]
    assert [i.title for i in good(items)] == ["short"]


def test_csv_in_cp1252(tmp_path):
    p = tmp_path / "legacy.csv"
    p.write_bytes(("title,text\nCaf\u00e9 talks,\u201cTalks\u201d " + text_of(0) + "\n").encode("cp1252"))
    (item,) = items_of(p)
    assert item.content.startswith("\u201cTalks\u201d") and item.title == "Caf\u00e9 talks"
    assert item.warnings == ["encoding:cp1252"]


def test_cli_ingests_csv(tmp_path, runner, db_path):
    p = tmp_path / "articles.csv"
    make_csv(p)
    out = ingest_json(runner, p, "--db", db_path)
    assert (out["exit_code"], out["added"], out["failed"]) == (3, 2, 1)
    assert out["stderr"].splitlines()[0].startswith(f"{p}:5: E107 ")


# -- RSS / Atom ---------------------------------------------------------------------------------------
RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example Wire</title>
  <link>https://rss.example.org/</link>
  <description>World news</description>
  <item>
    <title>{REPORTS[0][0]}</title>
    <link>https://rss.example.org/chile</link>
    <pubDate>Tue, 05 Mar 2024 18:30:00 -0500</pubDate>
    <dc:creator>Ana Ruiz</dc:creator>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>{text_of(0)}</p><p>Officials called the talks useful.</p>]]></content:encoded>
  </item>
  <item>
    <title>{REPORTS[1][0]}</title>
    <link>https://rss.example.org/kenya</link>
    <pubDate>Fri, 08 Mar 2024 09:00:00 GMT</pubDate>
    <description>{text_of(1)} &amp;secret; &secret;</description>
  </item>
  <item>
    <title>A headline alone</title>
    <link>https://rss.example.org/empty</link>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Atom Desk</title>
  <id>urn:uuid:feed</id>
  <updated>2024-04-02T10:00:00Z</updated>
  <entry>
    <title>{REPORTS[2][0]}</title>
    <link rel="alternate" href="https://atom.example.org/norway"/>
    <link rel="enclosure" href="https://atom.example.org/photo.jpg"/>
    <id>urn:uuid:1</id>
    <published>2024-04-01T08:00:00+02:00</published>
    <updated>2024-04-02T08:00:00+02:00</updated>
    <author><name>Lars Berg</name></author>
    <content type="html">&lt;p&gt;{text_of(2)}&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>{REPORTS[3][0]}</title>
    <link href="https://atom.example.org/vietnam"/>
    <id>urn:uuid:2</id>
    <updated>2024-04-03T23:00:00Z</updated>
    <summary type="text">{text_of(3)}</summary>
  </entry>
</feed>
"""


def test_rss_items(tmp_path):
    p = tmp_path / "world.rss"
    p.write_text(RSS, encoding="utf-8")
    items = items_of(p)
    assert errors(items) == [(f"{p}#3", "E107")]
    a, b = good(items)
    assert (a.title, a.url, a.published, a.outlet, a.authors, a.kind) == (
        REPORTS[0][0], "https://rss.example.org/chile", "2024-03-05", "Example Wire", ["Ana Ruiz"], "html")
    assert text_of(0) in a.content and "teaser" not in a.content  # content:encoded before description
    assert (b.url, b.published, b.kind) == ("https://rss.example.org/kenya", "2024-03-08", "text")
    assert "root:" not in b.content  # the external entity is never resolved
    doc, _ = document.build(a)
    assert doc.title == REPORTS[0][0] and doc.published == "2024-03-05"
    assert "Officials called the talks useful." in doc.text and "<p>" not in doc.text


def test_atom_entries(tmp_path):
    p = tmp_path / "desk.atom"
    p.write_text(ATOM, encoding="utf-8")
    items = items_of(p)
    assert errors(items) == []
    a, b = items
    assert (a.title, a.url, a.published, a.authors, a.kind, a.outlet) == (
        REPORTS[2][0], "https://atom.example.org/norway", "2024-04-01", ["Lars Berg"], "html", "Example Atom Desk")
    assert (b.url, b.published, b.kind, b.content) == ("https://atom.example.org/vietnam", "2024-04-03", "text",
                                                       text_of(3))


def test_xml_is_read_as_a_feed_when_it_is_one(tmp_path):
    feed = tmp_path / "news.xml"
    feed.write_text(ATOM, encoding="utf-8")
    assert len(good(items_of(feed))) == 2
    other = tmp_path / "config.xml"
    other.write_text("<?xml version='1.0'?><settings><colour>blue</colour></settings>", encoding="utf-8")
    listed = list(readers.expand([str(tmp_path)]))
    assert str(feed) in listed and str(other) not in listed  # folders give feeds, not any XML
    (item,) = items_of(other)  # a named non-feed XML file is read as before
    assert isinstance(item, RawItem)
    stdin = list(readers.read(["-"], stdin=io.BytesIO(RSS.encode("utf-8"))))
    assert len(good(stdin)) == 2


def test_malformed_feed_keeps_the_items_before(tmp_path):
    p = tmp_path / "broken.rss"
    p.write_text(RSS.split("<title>A headline alone")[0] + "<title>oops</item>", encoding="utf-8")
    items = items_of(p)
    assert len(good(items)) == 2
    assert errors(items) == [(str(p), "E105")]


def test_billion_laughs_is_not_expanded(tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    p = tmp_path / "lol.rss"
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]><rss><channel><item>'
                 f"<title>t</title><description>{text_of(0)} &l9;</description></item></channel></rss>",
                 encoding="utf-8")
    t0 = time.monotonic()
    items = items_of(p)
    assert time.monotonic() - t0 < 2
    for i in items:
        assert isinstance(i, InputError) or len(i.content) < 2000


def test_cli_ingests_feeds(tmp_path, runner, db_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "world.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "feeds" / "desk.atom").write_text(ATOM, encoding="utf-8")
    out = ingest_json(runner, tmp_path / "feeds", "--db", db_path)
    assert (out["added"], out["failed"]) == (4, 1)
    with Store(db_path, read_only=True) as s:
        assert s.count("documents") == 4


# -- folders ------------------------------------------------------------------------------------------
def test_folders_give_the_new_formats(tmp_path):
    make_warc(tmp_path / "a.warc.gz")
    make_parquet(tmp_path / "b.parquet")
    make_csv(tmp_path / "c.csv")
    (tmp_path / "d.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(json.dumps(record(0)).encode()))
    (tmp_path / "f.zip").write_bytes(b"PK")
    names = [Path(p).name for p in readers.expand([str(tmp_path)])]
    assert names == ["a.warc.gz", "b.parquet", "c.csv", "d.rss", "e.jsonl.gz"]
    assert readers.file_ext("x/A.WARC.GZ") == ".warc.gz" and readers.file_ext("y.tar.gz") == ".gz"


# -- --limit and --sample -----------------------------------------------------------------------------
def many_records(path: Path, n: int = 40) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for i in range(n):
            r = record(i % 4, url=f"https://wire.example.org/n{i}")
            r["text"] = f"Report {i}. " + r["text"]
            f.write(json.dumps(r) + "\n")


def test_limit_stops_reading():
    def gen():
        yield from range(3)
        raise AssertionError("read past the limit")
    assert list(readers.limit(gen(), 3)) == [0, 1, 2]
    assert list(readers.limit(iter(range(5)), None)) == [0, 1, 2, 3, 4]
    assert list(readers.limit(iter(range(5)), 0)) == []


def test_sample_is_deterministic_by_source(tmp_path):
    p = tmp_path / "many.jsonl.gz"
    many_records(p)

    def urls(prob, seed):
        return [i.url for i in readers.sample(readers.read([str(p)]), prob, seed)]
    half = urls(0.5, 0)
    assert half == urls(0.5, 0)
    assert 8 <= len(half) <= 32
    assert urls(0.5, 1) != half
    assert set(urls(0.25, 0)) <= set(half)  # a smaller sample with the same seed is a subset
    assert len(urls(1.0, 0)) == 40 and len(urls(None, 0)) == 40
    # the decision depends on the item's source, not its position
    reverse = [i for i in reversed(list(readers.read([str(p)])))]
    assert sorted(i.url for i in readers.sample(reverse, 0.5, 0)) == sorted(half)


def test_cli_limit_and_sample(tmp_path, runner, db_path):
    p = tmp_path / "many.jsonl.gz"
    many_records(p, 12)
    out = ingest_json(runner, p, "--db", db_path, "--limit", "3")
    assert (out["added"], out["failed"]) == (3, 0)
    expected = [i.url for i in readers.sample(readers.read([str(p)]), 0.5, 7)]
    db2 = str(tmp_path / "two.duckdb")
    out = ingest_json(runner, p, "--db", db2, "--sample", "0.5", "--seed", "7")
    assert out["added"] == len(expected)
    out = ingest_json(runner, p, "--db", db2, "--sample", "0.5", "--seed", "7", "--limit", "2")
    assert (out["added"], out["already_present"]) == (0, 2)  # the first two of the same sample
    bad = runner.invoke(cli, ["ingest", str(p), "--db", db2, "--sample", "0"])
    assert bad.exit_code == 2


def test_cli_ingest_needs_paths_or_watch(runner, db_path):
    result = runner.invoke(cli, ["ingest", "--db", db_path])
    assert result.exit_code == 2 and "--watch" in result.output


# -- --watch ------------------------------------------------------------------------------------------
def test_watch_ingests_files_dropped_in(tmp_path, db_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "first.txt").write_text(text_of(0), encoding="utf-8")
    env = dict(os.environ, PARLEY_DB=db_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "parley", "ingest", "--watch", str(folder), "--interval", "0.2",
         "--watch-stop-after", "6", "--format", "json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()  # "watching ..." once what was there is ingested
        assert line.startswith("watching "), line
        (folder / "later.jsonl.gz").write_bytes(gzip.compress(json.dumps(record(1)).encode()))
        (folder / ".hidden.txt").write_text(text_of(3), encoding="utf-8")
        (folder / "notes.zip").write_bytes(b"PK\x03\x04")
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = line + err
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert (summary["added"], summary["failed"], summary["documents_in_store"]) == (2, 0, 2), err
    assert "1 new file(s): 1 added" in err
    with Store(db_path, read_only=True) as s:
        assert s.count("documents") == 2


def test_watch_loop_reads_stable_files_once(tmp_path):
    from parley import watch
    from parley.ingest import Summary

    folder = tmp_path / "in"
    folder.mkdir()
    rounds: list = []
    clock = {"n": 0}

    def ingest(paths):
        rounds.append(sorted(Path(p).name for p in paths))
        return Summary(added=len(paths))

    def until():  # a file arrives after the first look, another grows between two looks
        clock["n"] += 1
        if clock["n"] == 2:
            (folder / "a.txt").write_text("one", encoding="utf-8")
        if clock["n"] == 5:
            with open(folder / "a.txt", "a", encoding="utf-8") as f:
                f.write(" two")
        return clock["n"] > 9

    total = watch.watch(str(folder), ingest, paths=[], interval=0.05, until=until)
    assert rounds == [["a.txt"], ["a.txt"]]
    assert total.added == 2
