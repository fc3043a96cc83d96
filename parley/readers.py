"""Reading inputs: paths, folders, globs and stdin into raw items, one per article.

A reader never raises for one bad item: it yields an ``InputError`` in its place so
that the batch goes on. Items stream; nothing holds the whole corpus in memory.
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .errors import (BinaryInput, DecodeError, EmptyInput, InputError, MalformedRecord,
                     MissingPath, NoText, TooLarge)

TEXT_EXT = {".txt", ".text", ".md"}
FOLDER_EXT = {".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson"}  # .md only when named
HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

TEXT_FIELDS = ("text", "content", "body", "article", "maintext")
HTML_FIELDS = ("html", "raw_html")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("published", "date", "published_at", "publish_date", "pubDate", "date_publish")
URL_FIELDS = ("url", "link", "source_url")
OUTLET_FIELDS = ("outlet", "publisher", "site", "sitename", "source_name")
AUTHOR_FIELDS = ("authors", "author", "byline")


@dataclass
class RawItem:
    """One article as read, before cleaning."""
    source: str
    content: str
    kind: str = "text"  # text | html
    title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    authors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


Item = Union[RawItem, InputError]


def max_bytes() -> int:
    try:
        return int(os.environ.get("PARLEY_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def expand(paths: Iterable[str]) -> Iterator[Union[str, InputError]]:
    """Paths, folders (recursive), globs and '-' to a stream of file paths (or errors)."""
    for p in paths:
        if p == "-":
            yield "-"
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*")
                           if f.is_file() and f.suffix.lower() in FOLDER_EXT
                           and not any(part.startswith(".") for part in f.relative_to(path).parts))
            yield from (str(f) for f in files)
        elif path.is_file():
            yield str(path)
        elif any(c in p for c in "*?["):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield MissingPath("no file matches this pattern", p)
            for m in matches:
                yield from expand([m])
        else:
            yield MissingPath("no such file or folder", p)


def estimate(paths: Iterable[str]) -> Optional[int]:
    """How many items the paths hold, for a progress bar: one per file, one per line of a
    JSONL file (None for stdin). Reads nothing but the JSONL files' line breaks."""
    n = 0
    for p in expand(paths):
        if isinstance(p, InputError):
            continue
        if p == "-":
            return None
        if p.lower().endswith(".jsonl"):
            with open(p, "rb") as f:
                n += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        else:
            n += 1
    return n


def read(paths: Iterable[str], stdin=None) -> Iterator[Item]:
    """Raw items from all the paths given, in order."""
    for p in expand(paths):
        if isinstance(p, InputError):
            yield p
            continue
        try:
            if p == "-":
                data = (stdin or sys.stdin.buffer).read(max_bytes() + 1)
                if len(data) > max_bytes():
                    raise TooLarge(f"input is over the {_size(max_bytes())} limit (set PARLEY_MAX_BYTES to raise it)",
                                   "<stdin>")
                yield from _items_from_bytes(data, "<stdin>", ext=None)
            else:
                size = os.path.getsize(p)
                if size > max_bytes():
                    raise TooLarge(f"file is {_size(size)}, over the {_size(max_bytes())} limit "
                                   "(set PARLEY_MAX_BYTES to raise it)", p)
                with open(p, "rb") as fh:
                    data = fh.read()
                yield from _items_from_bytes(data, p, ext=Path(p).suffix.lower())
        except InputError as e:
            e.item = e.item or p
            yield e
        except OSError as e:
            yield InputError(f"cannot read: {e.strerror or e}", p)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n} bytes"


def _items_from_bytes(data: bytes, source: str, ext: Optional[str]) -> Iterator[Item]:
    if not data.strip():
        raise EmptyInput("empty file", source)
    text, warnings = decode(data, source)
    if not text.strip():  # a byte-order mark and nothing else
        raise EmptyInput("empty file", source)
    if ext is None:
        ext = sniff(text)
    if ext in JSONL_EXT:
        yield from _jsonl_items(text, source, warnings)
    elif ext in JSON_EXT:
        try:
            obj = json.loads(text)
        except ValueError as e:
            raise MalformedRecord(f"invalid JSON ({e.msg} at line {e.lineno})", source)
        records = obj if isinstance(obj, list) else [obj]
        for i, rec in enumerate(records, 1):
            src = source if len(records) == 1 else f"{source}#{i}"
            try:
                yield _record_item(rec, src, warnings)
            except InputError as e:
                yield e
    elif ext in HTML_EXT or (ext not in TEXT_EXT and looks_html(text)):
        yield RawItem(source=source, content=text, kind="html", warnings=warnings)
    else:
        yield RawItem(source=source, content=text, kind="text", warnings=warnings)


def _jsonl_items(text: str, source: str, warnings: list) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        src = f"{source}:{n}"
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield MalformedRecord(f"malformed JSON line ({e.msg})", src)
            continue
        try:
            yield _record_item(rec, src, warnings)
        except InputError as e:
            yield e


def _first(rec: dict, keys) -> Optional[object]:
    for k in keys:
        v = rec.get(k)
        if v not in (None, "", []):
            return v
    return None


def _record_item(rec, source: str, warnings: list) -> RawItem:
    if not isinstance(rec, dict):
        raise MalformedRecord("record is not a JSON object", source)
    text, kind = _first(rec, TEXT_FIELDS), "text"
    if text is None:
        text, kind = _first(rec, HTML_FIELDS), "html"
    if not isinstance(text, str) or not text.strip():
        raise NoText(f"record has no text (expected one of: {', '.join(TEXT_FIELDS + HTML_FIELDS)})", source)
    text = _no_surrogates(text)
    authors = _first(rec, AUTHOR_FIELDS) or []
    if isinstance(authors, str):
        authors = [authors]
    elif not isinstance(authors, list):  # true, 3, {...}: not a list of names
        authors = []
    url = _first(rec, URL_FIELDS)
    return RawItem(
        source=str(url) if url else source, content=text, kind=kind,
        title=_str(_first(rec, TITLE_FIELDS)), published=_str(_first(rec, DATE_FIELDS)),
        url=_str(url), outlet=_str(_first(rec, OUTLET_FIELDS)),
        authors=[_no_surrogates(str(a)) for a in authors if a], warnings=list(warnings),
    )


def _str(v) -> Optional[str]:
    return None if v is None else _no_surrogates(str(v)).strip() or None


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(s: str) -> str:
    """JSON may escape half a surrogate pair ("\\ud800"): not a character, and not encodable; U+FFFD instead."""
    return LONE_SURROGATE.sub("\ufffd", s)


def sniff(text: str) -> str:
    head = text.lstrip()
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        return ".jsonl" if first.rstrip().endswith("}") else ".json"
    if head.startswith("["):
        return ".json"
    return ".html" if looks_html(text) else ".txt"


def looks_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def decode(data: bytes, source: str) -> tuple[str, list]:
    """Bytes to text: BOMs, UTF-8, then detected legacy encodings. Binary is refused."""
    warnings: list = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), warnings
        except UnicodeDecodeError:
            raise DecodeError("invalid UTF-16", source)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:65536]
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        raise BinaryInput("binary file, not text", source)
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as e:
        first_bad = e.start
    replaced = data.decode("utf-8", errors="replace")
    multibyte = sum(1 for ch in replaced if ord(ch) > 127 and ch != "\ufffd")
    if multibyte:
        # Mostly UTF-8 with broken bytes: keep the text, mark the damage, report it.
        bad = replaced.count("\ufffd")
        warnings.append(f"invalid_utf8:{first_bad}:{bad}")
        return replaced, warnings
    try:  # the commonest legacy encoding of English news; C1 controls mean it is not
        text = data.decode("cp1252")
        if not any("\x80" <= ch <= "\x9f" for ch in text):
            warnings.append("encoding:cp1252")
            return text, warnings
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError(f"invalid UTF-8 at byte {first_bad} and no other encoding fits", source)
    warnings.append(f"encoding:{best.encoding}")
    return str(best), warnings


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(sample)
