"""Bad input: each bad item is reported on one line that names it, and the batch goes on."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from parley import readers
from parley.cli import cli
from parley.errors import (BinaryInput, EmptyInput, MalformedRecord, MissingPath, TooLarge)
from parley.readers import RawItem
from parley.store import Store

from conftest import ARTICLES, stderr_lines

GOOD_A = ARTICLES / "xi_macron_call.txt"
GOOD_B = ARTICLES / "nested" / "blinken_visit.txt"

ARTICLE = ("Foreign ministers of the two countries met in Zürich on Tuesday and agreed to reopen talks on "
           "their disputed river border, officials said after the four-hour meeting ended. ")


def read_one(path) -> object:
    items = list(readers.read([str(path)]))
    assert len(items) == 1, items
    return items[0]


# -- makers of bad inputs (written at test time; nothing binary is committed) -----------------------
def make_empty(d: Path) -> Path:
    p = d / "empty.txt"
    p.write_bytes(b"")
    return p


def make_blank(d: Path) -> Path:
    p = d / "blank.txt"
    p.write_bytes(b"  \n\n\t \r\n")
    return p


def make_binary(d: Path) -> Path:
    p = d / "photo.txt"
    p.write_bytes(bytes(range(256)) * 8)
    return p


def make_missing(d: Path) -> Path:
    return d / "no_such_article.txt"


# -- reader level -------------------------------------------------------------------------------
@pytest.mark.parametrize("maker, cls, code", [
    (make_empty, EmptyInput, "E101"),
    (make_blank, EmptyInput, "E101"),
    (make_binary, BinaryInput, "E102"),
    (make_missing, MissingPath, "E106"),
])
def test_reader_yields_error_in_place_of_item(tmp_path, maker, cls, code):
    path = maker(tmp_path)
    err = read_one(path)
    assert isinstance(err, cls)
    assert err.code == code
    assert err.item == str(path)
    assert str(err).startswith(f"{path}: {code} ")
    assert "\n" not in str(err)


def test_missing_folder_is_e106(tmp_path):
    err = read_one(tmp_path / "no_such_folder")
    assert isinstance(err, MissingPath)


def test_reader_goes_on_after_bad_items(tmp_path):
    paths = [str(GOOD_A), str(make_empty(tmp_path)), str(make_binary(tmp_path)),
             str(make_missing(tmp_path)), str(GOOD_B)]
    items = list(readers.read(paths))
    assert [type(i).__name__ for i in items] == ["RawItem", "EmptyInput", "BinaryInput", "MissingPath", "RawItem"]


def test_size_limit_from_environment(tmp_path, monkeypatch):
    p = tmp_path / "long.txt"
    p.write_text(ARTICLE * 20, encoding="utf-8")  # about 4 KB
    monkeypatch.setenv("PARLEY_MAX_BYTES", "1000")
    err = read_one(p)
    assert isinstance(err, TooLarge) and err.code == "E103"
    assert err.item == str(p)
    assert "PARLEY_MAX_BYTES" in err.message
    monkeypatch.setenv("PARLEY_MAX_BYTES", "100000")
    assert isinstance(read_one(p), RawItem)


def test_size_limit_applies_to_stdin(monkeypatch):
    import io
    monkeypatch.setenv("PARLEY_MAX_BYTES", "1000")
    data = (ARTICLE * 20).encode("utf-8")
    (err,) = list(readers.read(["-"], stdin=io.BytesIO(data)))
    assert isinstance(err, TooLarge)
    assert err.item == "<stdin>"


def test_invalid_size_limit_falls_back_to_default(monkeypatch):
    monkeypatch.setenv("PARLEY_MAX_BYTES", "lots")
    assert readers.max_bytes() == readers.DEFAULT_MAX_BYTES


def test_size_limit_message_names_the_limit(tmp_path, monkeypatch):
    p = tmp_path / "long.txt"
    p.write_text(ARTICLE * 20, encoding="utf-8")
    monkeypatch.setenv("PARLEY_MAX_BYTES", "1000")
    err = read_one(p)
    assert "0 MB limit" not in err.message
    assert "1000" in err.message or "1 KB" in err.message or "1.0 KB" in err.message


def test_real_50_mb_file_is_refused_quickly(tmp_path, runner, db_path):
    p = tmp_path / "huge.txt"
    chunk = (ARTICLE * 64).encode("utf-8")
    with open(p, "wb") as fh:
        written = 0
        while written < 50 * 1024 * 1024:
            fh.write(chunk)
            written += len(chunk)
    assert p.stat().st_size >= 50 * 1024 * 1024
    t0 = time.monotonic()
    err = read_one(p)
    assert isinstance(err, TooLarge)
    result = runner.invoke(cli, ["ingest", str(p), "--db", db_path])
    elapsed = time.monotonic() - t0
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert lines[0].startswith(f"{p}: E103 ")
    assert "0 added, 0 already present, 1 failed" in lines[-1]
    # refused by its size, without reading the 50 MB
    assert elapsed < 2, f"refusing a 50 MB file took {elapsed:.1f} s"


def test_malformed_jsonl_line_is_e105_and_other_lines_read(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(
        '{"title": "One", "text": "Ministers met in Oslo on Friday to talk about fishing rights."}\n'
        '{"title": "Two", "text": "broken\n'
        '{"title": "Three", "text": "Envoys met in Rome on Monday to talk about migration."}\n',
        encoding="utf-8")
    items = list(readers.read([str(p)]))
    assert [type(i).__name__ for i in items] == ["RawItem", "MalformedRecord", "RawItem"]
    err = items[1]
    assert isinstance(err, MalformedRecord) and err.code == "E105"
    assert err.item == f"{p}:2"
    assert [i.title for i in items if isinstance(i, RawItem)] == ["One", "Three"]


def test_mixed_utf8_with_broken_bytes_is_kept_with_w104(tmp_path):
    p = tmp_path / "damaged.txt"
    good = ARTICLE.encode("utf-8")
    p.write_bytes(good + b"A broken sequence \xe9\xff here. " + good)
    item = read_one(p)
    assert isinstance(item, RawItem)
    assert "Zürich" in item.content  # valid UTF-8 kept as such
    assert "\ufffd" in item.content   # the broken bytes replaced
    from parley.ingest import item_warnings
    (w,) = item_warnings(item)
    assert w.startswith("W104 ")
    assert f"byte {len(good) + len(b'A broken sequence ')}:" in w


CP1252_TEXT = ("Ministers meet at the café\n\nThe ministers met at a café in Geneva on Tuesday \u2013 the talks "
               "were described as \u201cfrank\u201d by officials, who said the talks on the border would "
               "continue next month in the capital.")


def test_cp1252_file_is_decoded_with_w105(tmp_path):
    p = tmp_path / "legacy.txt"
    p.write_bytes(CP1252_TEXT.encode("cp1252"))
    item = read_one(p)
    assert isinstance(item, RawItem)
    assert item.content == CP1252_TEXT
    from parley.ingest import item_warnings
    (w,) = item_warnings(item)
    assert w.startswith("W105 not UTF-8; decoded as ")


def test_cp1252_spanish_names_survive(tmp_path):
    text = ("The Mexican envoy, José Peña, met his Spanish counterpart in Málaga on Tuesday; both said "
            "the talks with Señor Núñez were \u201cproductive\u201d.")
    p = tmp_path / "legacy_es.txt"
    p.write_bytes(text.encode("cp1252"))
    item = read_one(p)
    assert item.content == text


# -- through the CLI: one line per bad item, the batch goes on ---------------------------------------
def _bad_jsonl(d: Path) -> Path:
    p = d / "feed.jsonl"
    p.write_text('{"title": "x", "text": \n', encoding="utf-8")
    return p


def _too_large(d: Path) -> Path:
    p = d / "big.txt"
    p.write_text(ARTICLE * 40, encoding="utf-8")
    return p


@pytest.mark.parametrize("maker, code, item_suffix", [
    (make_empty, "E101", ""),
    (make_binary, "E102", ""),
    (_too_large, "E103", ""),
    (_bad_jsonl, "E105", ":1"),
    (make_missing, "E106", ""),
])
def test_cli_ingest_reports_one_line_per_bad_item(tmp_path, runner, db_path, monkeypatch, maker, code, item_suffix):
    monkeypatch.setenv("PARLEY_MAX_BYTES", "4000")
    bad = maker(tmp_path)
    result = runner.invoke(cli, ["ingest", str(GOOD_A), str(bad), str(GOOD_B), "--db", db_path])
    assert result.exit_code == 3, result.output
    named = [ln for ln in stderr_lines(result) if str(bad) in ln]
    assert named == [ln for ln in named if ln.startswith(f"{bad}{item_suffix}: {code} ")]
    assert len(named) == 1, stderr_lines(result)
    assert "Traceback" not in result.output
    assert "2 added, 0 already present, 1 failed" in result.stderr
    with Store(db_path, read_only=True) as s:
        assert s.count("documents") == 2


def test_cli_ingest_jsonl_with_one_bad_line_keeps_the_others(tmp_path, runner, db_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(
        '{"title": "Xi speaks with Macron", "text": "Chinese President Xi Jinping spoke by phone with French '
        'President Emmanuel Macron on Monday about trade.", "published": "2023-03-20"}\n'
        'this is not json\n'
        '{"title": "Modi meets Albanese", "text": "Indian Prime Minister Narendra Modi met Australian Prime '
        'Minister Anthony Albanese in Sydney on Wednesday.", "published": "2023-05-24"}\n',
        encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(p), "--db", db_path])
    assert result.exit_code == 3
    assert stderr_lines(result)[0].startswith(f"{p}:2: E105 ")
    assert "2 added, 0 already present, 1 failed" in result.stderr


@pytest.mark.parametrize("payload, warning", [
    (ARTICLE.encode() + b"\xe9\xff tail. " + ARTICLE.encode(), "W104"),
    (CP1252_TEXT.encode("cp1252"), "W105"),
])
def test_cli_ingest_decoding_warnings_are_one_line_and_item_is_stored(tmp_path, runner, db_path, payload, warning):
    p = tmp_path / "odd.txt"
    p.write_bytes(payload)
    result = runner.invoke(cli, ["ingest", str(p), "--db", db_path])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in stderr_lines(result) if str(p) in ln]
    assert len(lines) == 1 and lines[0].startswith(f"{p}: {warning} ")
    assert "1 added, 0 already present, 0 failed" in result.stderr


def test_cli_extract_goes_on_after_bad_item(tmp_path, runner):
    empty = make_empty(tmp_path)
    result = runner.invoke(cli, ["extract", str(empty), str(GOOD_A), "--format", "nl"])
    assert result.exit_code == 3
    assert stderr_lines(result) == [f"{empty}: E101 empty file"]
    assert len([ln for ln in result.stdout.splitlines() if ln.strip()]) == 1
