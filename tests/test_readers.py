"""Readers: text, HTML, JSON, JSONL, folders, globs and stdin into raw items."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from parley import document, readers
from parley.errors import InputError, MalformedRecord, NoText
from parley.readers import RawItem

from conftest import ARTICLES, FIXTURES

INPUTS = FIXTURES / "inputs"


def read_all(paths, stdin=None) -> list:
    return list(readers.read([str(p) for p in paths], stdin=stdin))


def only_items(items) -> list[RawItem]:
    assert not [i for i in items if isinstance(i, InputError)], items
    return items


# -- plain text ---------------------------------------------------------------------------------
def test_txt_file_is_one_text_item():
    path = ARTICLES / "xi_macron_call.txt"
    items = only_items(read_all([path]))
    assert len(items) == 1
    item = items[0]
    assert item.kind == "text"
    assert item.source == str(path)
    assert item.content == path.read_text(encoding="utf-8")
    assert item.warnings == []


def test_utf8_bom_is_stripped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfMinisters met in Geneva on Tuesday and talked about the border.")
    (item,) = only_items(read_all([p]))
    assert item.content.startswith("Ministers met")


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "wide.txt"
    text = "Ministers met in Zürich on Tuesday and talked about the border."
    p.write_bytes(text.encode("utf-16"))
    (item,) = only_items(read_all([p]))
    assert item.content == text


# -- HTML ---------------------------------------------------------------------------------------
def test_html_page_main_text_extracted():
    path = ARTICLES / "page.html"
    (item,) = only_items(read_all([path]))
    assert item.kind == "html"
    doc, _ = document.build(item)
    assert doc.title == "Li Qiang meets Scholz in Berlin"
    assert "Chinese Premier Li Qiang met German Chancellor Olaf Scholz in Berlin on Monday" in doc.text
    assert "first trip abroad since taking office" in doc.text
    for junk in ("Privacy policy", "Share on Facebook", "All rights reserved", "Business", "<p>", "Home"):
        assert junk not in doc.text
    assert doc.published == "2023-06-20"
    assert doc.authors == ["Jane Roe"]


def test_html_detected_without_extension(tmp_path):
    p = tmp_path / "page.dat"
    shutil.copy(ARTICLES / "page.html", p)
    # unknown extensions are not picked up from folders, but a named file is read and sniffed
    (item,) = only_items(read_all([p]))
    assert item.kind == "html"


def test_html_page_without_article_text(tmp_path):
    p = tmp_path / "empty_page.html"
    p.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav>"
                 "</body></html>", encoding="utf-8")
    (item,) = only_items(read_all([p]))
    with pytest.raises(NoText):
        document.build(item)


# -- JSON and JSONL -----------------------------------------------------------------------------
def test_json_object_record():
    (item,) = only_items(read_all([INPUTS / "record.json"]))
    assert item.kind == "text"
    assert item.title == "Lula and Ramaphosa discuss BRICS expansion"
    assert item.content.startswith("Brazilian President Luiz Inacio Lula da Silva met")
    assert item.url == "https://example.org/news/lula-ramaphosa"
    assert item.source == item.url  # a record with a URL is named by it
    assert item.published == "2023-08-22T10:00:00Z"
    assert item.outlet == "Example Herald"
    assert item.authors == ["Jane Roe"]
    doc, _ = document.build(item)
    assert doc.published == "2023-08-22"
    assert doc.title == item.title
    assert doc.outlet == "Example Herald"


def test_json_array_records_with_alternative_field_names():
    path = INPUTS / "records.json"
    items = only_items(read_all([path]))
    assert [i.source for i in items] == [f"{path}#1", f"{path}#2"]
    assert [i.title for i in items] == ["Envoys meet in Vienna", "Ministers talk by phone"]
    assert items[0].content.startswith("Envoys from the two countries met in Vienna")
    assert items[1].content.startswith("The two foreign ministers spoke by phone")
    assert [i.published for i in items] == ["2022-02-07", "2024-01-11"]


def test_jsonl_fields_and_sources():
    path = INPUTS / "feed.jsonl"
    items = only_items(read_all([path]))
    assert len(items) == 2  # the blank line is skipped
    first, second = items
    assert first.title == "Kishida visits Seoul"
    assert first.url == first.source == "https://example.org/news/kishida-seoul"
    assert first.published == "2023-05-07"
    assert first.content.startswith("Japanese Prime Minister Fumio Kishida arrived in Seoul")
    assert second.url is None
    assert second.source == f"{path}:3"  # named by line number
    assert second.published == "2023-09-12"


def test_json_record_with_html_field(tmp_path):
    p = tmp_path / "rec.json"
    html = (ARTICLES / "page.html").read_text(encoding="utf-8")
    import json
    p.write_text(json.dumps({"html": html, "url": "https://example.org/x"}), encoding="utf-8")
    (item,) = only_items(read_all([p]))
    assert item.kind == "html"
    doc, _ = document.build(item)
    assert "Olaf Scholz" in doc.text and "<p>" not in doc.text


def test_json_record_without_text_is_e107(tmp_path):
    p = tmp_path / "notext.jsonl"
    p.write_text('{"title": "Only a title"}\n{"title": "T", "text": "Ministers met in Oslo on Friday to talk."}\n',
                 encoding="utf-8")
    items = read_all([p])
    assert isinstance(items[0], NoText) and items[0].code == "E107"
    assert items[0].item == f"{p}:1"
    assert isinstance(items[1], RawItem)


def test_json_array_with_non_object_is_e105(tmp_path):
    p = tmp_path / "mixed.json"
    p.write_text('[42, {"text": "Ministers met in Oslo on Friday to talk about fish."}]', encoding="utf-8")
    items = read_all([p])
    assert isinstance(items[0], MalformedRecord) and items[0].item == f"{p}#1"
    assert isinstance(items[1], RawItem)


def test_invalid_json_file_is_e105(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{"title": "x", "text": ', encoding="utf-8")
    (err,) = read_all([p])
    assert isinstance(err, MalformedRecord) and err.code == "E105" and err.item == str(p)


# -- folders, globs, stdin ----------------------------------------------------------------------
def test_folder_is_read_recursively_in_order():
    items = only_items(read_all([ARTICLES]))
    sources = [i.source for i in items]
    assert str(ARTICLES / "nested" / "blinken_visit.txt") in sources
    assert str(ARTICLES / "page.html") in sources
    assert "https://example.org/news/modi-albanese" in sources  # a line of feed.jsonl
    assert len(items) == 6  # 4 files, one of them a JSONL file of 2 records


def test_folder_skips_hidden_and_unknown_files(tmp_path):
    (tmp_path / "a.txt").write_text("Ministers met in Oslo on Friday to talk.", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.txt").write_text("Hidden text that is not read.", encoding="utf-8")
    (tmp_path / ".c.txt").write_text("A hidden file that is not read.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 binary")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.TXT").write_text("Ministers met in Rome on Monday to talk.", encoding="utf-8")
    (tmp_path / "sub" / "README.md").write_text("Notes about this folder, not an article.", encoding="utf-8")
    items = only_items(read_all([tmp_path]))
    assert [Path(i.source).name for i in items] == ["a.txt", "d.TXT"]  # .md only when named


def test_markdown_file_read_when_named(tmp_path):
    p = tmp_path / "story.md"
    p.write_text("# Ministers meet in Rome\n\nMinisters met in Rome on Monday to talk about trade.", encoding="utf-8")
    (item,) = only_items(read_all([p]))
    assert item.kind == "text"


def test_glob_patterns():
    flat = only_items(read_all([f"{ARTICLES}/*.txt"]))
    assert sorted(Path(i.source).name for i in flat) == ["wang_yi_lavrov.txt", "xi_macron_call.txt"]
    deep = only_items(read_all([f"{ARTICLES}/**/*.txt"]))
    assert sorted(Path(i.source).name for i in deep) == [
        "blinken_visit.txt", "wang_yi_lavrov.txt", "xi_macron_call.txt"]


def test_glob_matching_nothing_is_e106(tmp_path):
    (err,) = read_all([f"{tmp_path}/*.txt"])
    assert err.code == "E106"


def test_stdin_text():
    data = "Ministers met in Oslo on Friday and talked about fishing rights in the north.".encode()
    (item,) = only_items(read_all(["-"], stdin=io.BytesIO(data)))
    assert item.source == "<stdin>"
    assert item.kind == "text"
    assert item.content.startswith("Ministers met in Oslo")


def test_stdin_short_jsonl_is_sniffed():
    data = (b'{"title": "A", "text": "Ministers met in Oslo on Friday."}\n'
            b'{"title": "B", "text": "Envoys met in Rome on Monday."}\n')
    items = only_items(read_all(["-"], stdin=io.BytesIO(data)))
    assert [i.title for i in items] == ["A", "B"]


def test_stdin_jsonl_is_sniffed():
    data = (INPUTS / "feed.jsonl").read_bytes()
    assert len(data.splitlines()[0]) > 200
    items = only_items(read_all(["-"], stdin=io.BytesIO(data)))
    assert [i.title for i in items] == ["Kishida visits Seoul", "Ministers sign grain deal"]


def test_stdin_json_array_and_html_are_sniffed():
    items = only_items(read_all(["-"], stdin=io.BytesIO((INPUTS / "records.json").read_bytes())))
    assert len(items) == 2
    (page,) = only_items(read_all(["-"], stdin=io.BytesIO((ARTICLES / "page.html").read_bytes())))
    assert page.kind == "html"


def test_paths_keep_command_line_order():
    items = only_items(read_all([ARTICLES / "xi_macron_call.txt", INPUTS / "record.json",
                                 ARTICLES / "wang_yi_lavrov.txt"]))
    assert [Path(i.source).name for i in items] == ["xi_macron_call.txt", "lula-ramaphosa",
                                                    "wang_yi_lavrov.txt"]
