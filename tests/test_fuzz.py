"""Property tests (Hypothesis) over the cleaner, the date resolver, the readers and the extractor.

For any input: no exception but the documented InputError codes, no hang, every offset inside
the text it points into (and the text at the offsets is the text reported). Each target is one
plain check function with its strategy (TARGETS), so ``bench/fuzz.py`` runs the same checks at
volume. The number of cases each test ran is printed at the end and written to
test-artifacts/fuzz-counts.json.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parley import clean, dates, document, readers
from parley.errors import InputError
from parley.kb import KB
from parley.readers import RawItem

ROOT = Path(__file__).resolve().parent.parent
COUNTS: Counter = Counter()  # cases run, per target
INPUT_CODES = {"E100", "E101", "E102", "E103", "E104", "E105", "E106", "E107"}

CI = settings(deadline=None, database=None, derandomize=True, print_blob=True,
              suppress_health_check=list(HealthCheck))


# -- strategies ---------------------------------------------------------------------------------------
_kb = KB.load()
PEOPLE = sorted(a.name for a in _kb.actors.values() if a.kind == "person")[::7]
COUNTRIES = sorted(c["name"] for c in _kb.countries.values())
CAPITALS = sorted(c["capital"] for c in _kb.countries.values() if c.get("capital"))
ORGS = sorted(a.name for a in _kb.actors.values() if a.kind == "igo")[:60]

# any code point but surrogates, control characters and line/paragraph separators included
any_char = st.characters(exclude_categories=("Cs",))
any_text = st.text(any_char, max_size=400)
SEPARATORS = ["\n", "\n\n", "\r\n", "\r", "\r\n\r\n", "\n \n", "\x00", "\u2028", "\u2029", "\x0c", "\t", " "]
WORDS = ["the", "talks", "minister", "said", "President", "on", "in", "and", "&amp;", "&#8217;", "&nbsp;", "**",
         "# ", "Advertisement", "Read more:", "Photo:", "(Reuters)", "--", "...", "\u200b", "\ufeff", "é",
         "e\u0301", "\u05e9\u05dc\u05d5\u05dd", "\U0001F600", "ＡＢＣ", "ﬁ", "İ", "ß"]


@st.composite
def messy_text(draw):
    """Paragraphs of words and noise, with any line breaks, repeats and very long lines."""
    pieces = draw(st.lists(st.one_of(
        st.lists(st.sampled_from(WORDS + PEOPLE[:40] + CAPITALS[:40]), max_size=40).map(" ".join),
        st.text(any_char, max_size=60),
        st.sampled_from(WORDS).map(lambda w: w * 200),  # a very long line
    ), max_size=12))
    if pieces and draw(st.booleans()):
        pieces += [draw(st.sampled_from(pieces))] * draw(st.integers(1, 3))  # repeated paragraphs
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(pieces), max_size=len(pieces)))
    return "".join(p + s for p, s in zip(pieces, seps))


texts = st.one_of(any_text, messy_text())

DATE_PHRASES = ["on March 3", "3 Mar 2024", "Tuesday", "on Tuesday", "last Tuesday", "next Friday", "2024-02-30",
                "2024-02-29", "2023-02-29", "last week", "this week", "earlier this week", "next month", "last year",
                "yesterday", "today", "tomorrow", "tonight", "Dec. 13", "December 13, 2024", "13 December 2024",
                "3/20/2023", "20.3.2023", "from 17 to 19 June", "17-19 June 2025", "June 30-31", "in October",
                "last May", "may 5", "May 5", "since January 2020", "mid-March", "31 April", "0 May", "39 June",
                "Feb 29", "sept. 31st", "the 1st of Sept", "1999-12-31", "2099-13-01", "later this year"]


@st.composite
def date_like(draw):
    parts = draw(st.lists(st.one_of(st.sampled_from(DATE_PHRASES), st.text(any_char, max_size=8),
                                    st.from_regex(r"(19|20)\d\d-[0-3]\d-[0-3]\d", fullmatch=True),
                                    st.from_regex(r"[0-3]?\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
                                                  r"( (19|20)\d\d)?", fullmatch=True)),
                          min_size=1, max_size=6))
    return draw(st.sampled_from([" ", ", ", " and ", "\n", "–"])).join(parts)


refs = st.one_of(st.none(), st.dates(), st.dates(date(1990, 1, 1), date(2030, 12, 31)))

TRIGGERS = ["met", "met with", "visited", "held talks with", "spoke by phone with", "had a phone call with",
            "received", "hosted", "will meet", "is expected to visit", "signed an agreement with",
            "sent a letter to", "told", "welcomed", "called", "held a video call with", "will travel to"]


@st.composite
def article(draw):
    """An article-like text: names from the knowledge base, triggers, dates, quotes, noise."""
    name = st.one_of(st.sampled_from(PEOPLE), st.sampled_from(COUNTRIES), st.sampled_from(ORGS),
                     st.sampled_from(["He", "She", "They", "The minister", "the president", "Mr. Smith"]))
    noise = st.one_of(st.just(""), st.sampled_from(WORDS), st.text(any_char, max_size=4),
                      st.sampled_from([",", ";", " -- ", "!", "?", "…", "\u201c", "\u201d", "'", "(", ")"]))

    def sentence():
        a, b = draw(name), draw(name)
        s = f"{a} {draw(st.sampled_from(TRIGGERS))} {b}"
        if draw(st.booleans()):
            s += f" in {draw(st.sampled_from(CAPITALS + COUNTRIES))}"
        if draw(st.booleans()):
            s += " " + draw(st.sampled_from(DATE_PHRASES))
        if draw(st.booleans()):
            s += f" to discuss {draw(st.sampled_from(['trade', 'the war in Ukraine', 'climate', 'Gaza', 'energy']))}"
        s += draw(noise) + draw(st.sampled_from([".", ".", "", "!", "?"]))
        if draw(st.integers(0, 3)) == 0:
            s += f' "{draw(st.sampled_from(["We", "Our countries"]))} support peace{draw(noise)}," {draw(name)} said.'
        return s

    paras = []
    for _ in range(draw(st.integers(1, 4))):
        paras.append(" ".join(sentence() for _ in range(draw(st.integers(1, 3)))))
    if draw(st.booleans()):
        paras.insert(0, f"{draw(st.sampled_from(CAPITALS)).upper()}, {draw(st.sampled_from(DATE_PHRASES))} (Reuters) -")
    return draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", " "])).join(paras)


published = st.one_of(st.none(), st.sampled_from(["2024-12-13", "2019-03-01", "2025-06-30"]),
                      st.dates(date(1900, 1, 1), date(2099, 12, 31)).map(date.isoformat),
                      st.text(any_char, max_size=12))


# HTML: tag soup built from pieces; JSONL: lines of arbitrary JSON values and broken lines
TAGS = ["p", "div", "span", "article", "main", "script", "style", "b", "i", "a", "h1", "title", "head", "body",
        "html", "table", "td", "br", "img", "iframe", "noscript", "template", "svg", "!--", "![CDATA[", "?xml"]


@st.composite
def tag_soup(draw):
    out = [draw(st.sampled_from(["", "<!DOCTYPE html>", "<html>", "<?xml version='1.0'?>", "\ufeff<html>"]))]
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 5))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = draw(st.sampled_from(['', ' class="x"', ' href="javascript:alert(1)"', ' a=' + 'x' * 5000,
                                         ' style="' + 'a' * 20000 + '"', ' data-x=\'"<>\'', ' =', ' "']))
            out.append(f"<{tag}{attrs}>")
        elif kind == 1:
            out.append(f"</{tag}>")
        elif kind == 2:
            out.append(draw(st.sampled_from(["&amp;", "&lt;", "&#0;", "&#x110000;", "&#99999999;", "&bogus;",
                                             "&nbsp;", "&", "<", ">", "<<>>", "<!---->", "]]>"])))
        elif kind == 3:
            out.append(draw(article()) if draw(st.integers(0, 4)) == 0 else draw(st.text(any_char, max_size=80)))
        elif kind == 4:
            out.append("<script>" + draw(st.text(any_char, max_size=40)) + draw(st.sampled_from(["</script>", ""])))
        else:
            depth = draw(st.integers(1, 60))
            out.append(f"<{tag}>" * depth + draw(st.text(any_char, max_size=30)) + f"</{tag}>" * draw(st.integers(0, depth)))
    return "".join(out)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(any_char, max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["text", "title", "url", "published", "outlet", "author", "authors", "html", "content",
                         "date", "body", "x"]) | st.text(max_size=5), inner, max_size=6),
    max_leaves=12)
records = st.fixed_dictionaries({}, optional={
    "text": st.one_of(st.text(any_char, max_size=200), article(), st.integers(), st.lists(st.text(max_size=5))),
    "html": tag_soup(), "title": json_values, "url": json_values, "published": json_values,
    "outlet": json_values, "authors": json_values, "author": json_values})


def _encode_line(draw, value) -> bytes:
    return json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True).encode("utf-8", "surrogatepass")


@st.composite
def jsonl_bytes(draw):
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        k = draw(st.integers(0, 4))
        if k == 0:
            lines.append(_encode_line(draw, draw(json_values)))
        elif k in (1, 2):
            lines.append(_encode_line(draw, draw(records)))
        elif k == 3:
            lines.append(draw(st.binary(max_size=40)))  # invalid UTF-8, NULs, anything
        else:
            lines.append(draw(st.sampled_from([b"", b"{", b'{"text": "unterminated', b"\xef\xbb\xbf{}", b"[1,2]",
                                               b'{"text": "a\\ud800b"}', b"NaN", b" \t "])))
    data = draw(st.sampled_from([b"\n", b"\r\n", b"\r"])).join(lines)
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data


files = st.one_of(
    st.tuples(st.sampled_from([".jsonl", ".ndjson", ""]), jsonl_bytes()),
    st.tuples(st.sampled_from([".json", ""]), st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()), st.lists(records, max_size=4).map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=200))),
    st.tuples(st.sampled_from([".html", ".htm", ".xhtml", ""]), tag_soup().map(lambda s: s.encode("utf-8", "replace"))),
    st.tuples(st.sampled_from([".html", ".txt", ".md", ".text", ""]), st.one_of(
        st.binary(max_size=300), texts.map(lambda s: s.encode(draw_codec(s), "replace")))),
    # the formats read record by record: any bytes, gzipped or not, text, feed-like tag soup, JSON lines
    st.tuples(st.sampled_from([".csv", ".tsv", ".csv.gz", ".warc", ".warc.gz", ".rss", ".atom", ".xml", ".jsonl.gz",
                               ".json.gz", ".parquet"]), st.one_of(
        st.binary(max_size=300), st.binary(max_size=300).map(gzip.compress), jsonl_bytes().map(gzip.compress),
        texts.map(lambda s: s.encode("utf-8", "replace")),
        tag_soup().map(lambda s: ("<rss><channel><title>w</title><item><title>t</title><description>" + s
                                  + "</description></item></channel></rss>").encode("utf-8", "replace")))),
)


def draw_codec(s: str) -> str:
    return ["utf-8", "utf-16", "cp1252", "latin-1"][len(s) % 4]


# -- the checks (plain functions: the tests below and bench/fuzz.py run them) ----------------------------
def _check_document(doc, paras) -> None:
    assert doc.id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    kept = [p for p in paras if p.kind in ("body", "title")]
    for p in kept:
        assert 0 <= p.start <= p.end <= len(doc.text), (p.start, p.end, len(doc.text))
        assert doc.text[p.start:p.end] == p.text
    assert doc.text == "\n\n".join(p.text for p in kept)
    for p in paras:
        assert p.kind in ("body", "title", "meta", "boilerplate", "caption", "duplicate")
        if p.kind not in ("body", "title"):
            assert p.start == -1
    assert "\r" not in doc.text
    for d in (doc.published, doc.dateline.date):
        assert d is None or d.startswith("--") or dates.parse_date(d) is not None, d


def check_clean(text: str) -> None:
    """The cleaner and document.build on any text: a Document whose paragraphs sit at their offsets, or NoText."""
    COUNTS["clean"] += 1
    paras = clean.paragraphs(text)
    for p in paras:
        assert p.text and p.text == p.text.strip() and "\n" not in p.text and "\r" not in p.text
    # one pass of paragraph splitting is stable on its own output (when there is nothing to unescape or unmark)
    if not re.search(r"[&*_#]", text):
        flat = [p.text for p in clean.paragraphs(text, wrapped=False)]
        assert [p.text for p in clean.paragraphs("\n\n".join(flat), wrapped=False)] == flat
    try:
        doc, paras = document.build(RawItem(source="fuzz.txt", content=text))
    except InputError as e:
        assert e.code in INPUT_CODES, e
        return
    _check_document(doc, paras)
    # the cleaned text, cleaned again, keeps the same paragraphs' text (minus what metadata takes out)
    again = [p.text for p in clean.paragraphs(doc.text, wrapped=False)]
    if not re.search(r"[&*_#]", doc.text):
        assert again == doc.text.split("\n\n")


def _valid_resolved(r, mention) -> None:
    assert r.precision in ("day", "month", "year", "unknown")
    if r.date is None:
        assert r.precision == "unknown"
        return
    if r.precision == "day":
        d = date.fromisoformat(r.date)
        assert d.isoformat() == r.date
    elif r.precision == "month":
        assert re.fullmatch(r"\d{4}-\d{2}", r.date), r.date
        assert 1 <= int(r.date[:4]) and 1 <= int(r.date[5:]) <= 12
    else:
        assert re.fullmatch(r"\d{4}", r.date) and int(r.date) >= 1, r.date
    if r.range:
        a, b = (date.fromisoformat(x) for x in r.range)
        assert a <= b


def check_dates(text: str, ref, future: bool) -> None:
    """find/resolve/parse_date/to_iso on any string, against any reference date."""
    COUNTS["dates"] += 1
    found = dates.find(text)
    last_end = -1
    for m in found:
        assert 0 <= m.start < m.end <= len(text), (m.start, m.end)
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end  # in text order, never overlapping
        last_end = m.end
        assert m.month is None or 1 <= m.month <= 12
        assert m.day is None or 1 <= m.day <= 31
        _valid_resolved(dates.resolve(m, ref, future=future), m)
    p = dates.parse_date(text)
    assert p is None or isinstance(p, date)
    iso = dates.to_iso(text)
    assert iso is None or date.fromisoformat(iso).isoformat() == iso
    hit = dates.first_full_date(text)
    if hit:
        assert date.fromisoformat(hit[0]) and 0 <= hit[1] < hit[2] <= len(text)


def _read_all(data: bytes, ext: str) -> list:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"item{ext}"
        path.write_bytes(data)
        items = list(readers.read([str(path)]))
    items += list(readers.read(["-"], stdin=io.BytesIO(data)))
    return items


def check_readers(case) -> None:
    """readers.read on any file (and the same bytes on stdin): RawItem or InputError per item, never a raise;
    then each HTML item through trafilatura and the cleaner: a Document or an InputError."""
    COUNTS["readers"] += 1
    ext, data = case
    for item in _read_all(data, ext):
        if isinstance(item, InputError):
            assert item.code in INPUT_CODES and item.item, item
            assert "\n" not in str(item)
            continue
        assert isinstance(item, RawItem) and isinstance(item.content, str) and item.content.strip()
        assert item.kind in ("text", "html")
        for v in (item.title, item.published, item.url, item.outlet):
            assert v is None or isinstance(v, str)
        assert all(isinstance(a, str) for a in item.authors)
        try:
            doc, paras = document.build(item)
        except InputError as e:
            assert e.code in INPUT_CODES
            continue
        _check_document(doc, paras)


def check_extract(text: str, pub) -> None:
    """parley.extract on any text: every evidence span inside the cleaned text and equal to it; every
    participant and speaker among the extraction's actors; dates valid."""
    import parley

    COUNTS["extract"] += 1
    try:
        x = parley.extract(text, published=pub)
    except InputError as e:
        assert e.code in INPUT_CODES
        return
    t = x.document.text
    ids = {a.id for a in x.actors}
    COUNTS["extract, with events"] += bool(x.events)
    COUNTS["extract, with positions"] += bool(x.positions)
    for owner in [*x.events, *x.positions]:
        for ev in owner.evidence:
            assert 0 <= ev.start < ev.end <= len(t), (ev.start, ev.end, len(t))
            assert t[ev.start:ev.end] == ev.text
    for e in x.events:
        assert e.participants
        for p in e.participants:
            assert p.actor_id in ids, (p.actor_id, ids)
        if e.date and e.date_precision == "day":
            assert date.fromisoformat(e.date).isoformat() == e.date
        assert e.id and e.id.startswith("x-")
    for p in x.positions:
        assert p.speaker_id in ids
    json.dumps(x.to_dict(), ensure_ascii=False)


# name -> (check, strategies, examples in CI)
TARGETS = {
    "clean": (check_clean, (texts,), 250),
    "dates": (check_dates, (st.one_of(any_text, date_like()), refs, st.booleans()), 600),
    "readers": (check_readers, (files,), 200),
    "extract_articles": (check_extract, (article(), published), 300),
    "extract_any": (check_extract, (texts, published), 100),
}


# -- the tests ----------------------------------------------------------------------------------------
@settings(CI, max_examples=TARGETS["clean"][2])
@given(texts)
@example("\r\n\r\nA\x00B\rC\u2028D\n\n" + "x" * 10_000)
@example("**\n\n&amp;amp;\n\n" * 50)
def test_clean_any_text(text):
    check_clean(text)


@settings(CI, max_examples=TARGETS["dates"][2])
@given(st.one_of(any_text, date_like()), refs, st.booleans())
@example("yesterday", date.min, False)
@example("tomorrow", date.max, True)
@example("last week and next month, next year", date.min, False)
@example("next week", date.max, False)
@example("last October", date(1, 3, 1), False)
@example("in December", date(9999, 1, 1), True)
@example("on Monday", date.min, False)
@example("next Sunday", date.max, False)
@example("2024-02-30 and 2023-02-29 and 31 April", date(2024, 3, 1), False)
@example("Dec. 31", date(9999, 12, 1), True)
@example("from 30 to 31 February", date(2024, 1, 5), False)
def test_dates_any_string(text, ref, future):
    check_dates(text, ref, future)


@settings(CI, max_examples=TARGETS["readers"][2])
@given(files)
@example((".jsonl", b'\xef\xbb\xbf{"text": "A\\ud800 report of talks in Paris between the two ministers."}\n{'))
@example((".json", b'[{"text": 5}, {"html": "<p>x</p>"}, 3, {"text": "' + b"word " * 10 + b'"}]'))
@example((".html", b"<html><body>" + b"<div>" * 500 + b"The ministers met in Paris and talked for hours." + b"</div>" * 3))
@example((".txt", b"\xff\xfe" + "Talks in Paris between two ministers were long.".encode("utf-16-le")))
@example((".txt", b"\xff\xfeA"))
@example((".jsonl", b"\xef\xbb\xbf"))  # was a RawItem with no text: now E101
@example((".jsonl", b'{"html": "<svg><p><p>"}'))  # htmldate raised an AssertionError: now E107
@example((".json", b'[{"author": true, "html": "<p>The two ministers met in Paris on Monday.</p>"}]'))  # was a TypeError
@example((".jsonl", b'{"text": "Lone \\udc00 surrogate: the ministers met in Paris on Monday.", "title": "\\ud800"}'))
@example((".warc.gz", gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 900\r\n\r\nHTTP/1.1 200 OK")[:-9]))
@example((".csv", b'text,title\n"unterminated, quote\n' + b"x" * 50))
def test_readers_any_file(case):
    check_readers(case)


@settings(CI, max_examples=TARGETS["extract_articles"][2])
@given(article(), published)
@example("Antony Blinken met Wang Yi in Beijing on Tuesday.", "0001-01-01")
@example("Antony Blinken will meet Wang Yi in Beijing tomorrow.", "9999-12-31")
@example("Antony Blinken met Wang Yi in Beijing last week.", "0001-01-03")
def test_extract_article_like(text, pub):
    check_extract(text, pub)


@settings(CI, max_examples=TARGETS["extract_any"][2])
@given(texts, published)
def test_extract_any_text(text, pub):
    check_extract(text, pub)


def test_zz_report_counts(capsys):
    """The cases each target ran (this runs last in the file): printed, and kept in test-artifacts/."""
    out = ROOT / "test-artifacts" / "fuzz-counts.json"
    out.parent.mkdir(exist_ok=True)
    cases = {k: v for k, v in COUNTS.items() if "," not in k}
    data = {"cases": cases, "total": sum(cases.values()),
            "extractions with events": COUNTS["extract, with events"],
            "extractions with positions": COUNTS["extract, with positions"]}
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    line = ("fuzz: " + ", ".join(f"{k} {v} cases" for k, v in sorted(cases.items())) + f"; {data['total']} in all"
            f" ({data['extractions with events']} extractions with events,"
            f" {data['extractions with positions']} with positions)")
    with capsys.disabled():  # shown without -s
        print("\n" + line)
    if COUNTS.get("extract", 0) >= 100:  # the whole file ran: the extractor properties were exercised
        assert COUNTS["extract, with events"] >= 0.2 * COUNTS["extract"], COUNTS
