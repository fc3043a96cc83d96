"""Reading inputs: paths, folders, globs and stdin into raw items, one per article.

A reader never raises for one bad item: it yields an ``InputError`` in its place so
that the batch goes on. Items stream; nothing holds the whole corpus in memory.
"""
from __future__ import annotations

import codecs
import csv
import glob
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import sys
import zlib
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
CSV_EXT = {".csv": ",", ".tsv": "\t"}  # extension -> delimiter
WARC_EXT = {".warc"}
PARQUET_EXT = {".parquet"}
FEED_EXT = {".rss", ".atom"}  # and .xml files whose root is <rss>, <feed> or <rdf:RDF>
GZ_INNER = TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT | set(CSV_EXT) | WARC_EXT | FEED_EXT | {".xml"}
# Folders give these (plus .xml files that are feeds); a named file of any extension is read and sniffed.
FOLDER_EXT = FOLDER_EXT | set(CSV_EXT) | WARC_EXT | PARQUET_EXT | FEED_EXT | {
    e + ".gz" for e in (JSON_EXT | JSONL_EXT | set(CSV_EXT) | WARC_EXT | FEED_EXT)}
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
                           if f.is_file() and _in_folder(f)
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
    JSONL file, the row count a Parquet file's footer gives; None (unknown) for stdin, WARC,
    CSV, feeds and compressed files. Reads nothing but JSONL line breaks and Parquet footers."""
    n = 0
    for p in expand(paths):
        if isinstance(p, InputError):
            continue
        if p == "-":
            return None
        ext = file_ext(p)
        if ext == ".jsonl":
            with open(p, "rb") as f:
                n += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        elif ext in PARQUET_EXT:
            try:
                import pyarrow.parquet as pq

                n += pq.ParquetFile(p).metadata.num_rows
            except Exception:
                n += 1
        elif ext.endswith(".gz") or ext in WARC_EXT or ext in CSV_EXT or ext in FEED_EXT or ext == ".xml":
            return None
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
            elif _streamed(p):
                yield from _stream_file(p)
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
    if ext in FEED_EXT or (ext == ".xml" and _feed_root(data[:4096])):
        yield from _feed_items(io.BytesIO(data), source)
    elif ext in JSONL_EXT:
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
    if head.startswith("<") and _feed_root(head[:4096].encode("utf-8", "replace")):
        return ".rss"
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


# -- formats read record by record: WARC, gzip, CSV/TSV, Parquet, RSS/Atom ------------------------------
# The size limit applies to each record of these (a corpus file may be any size); a bad record is
# an InputError in its place, and damage that ends a file (a cut or corrupt stream) one InputError
# naming the file, after the records read before it.
ALIASES = {a.lower(): a for a in TEXT_FIELDS + HTML_FIELDS + TITLE_FIELDS + DATE_FIELDS + URL_FIELDS
           + OUTLET_FIELDS + AUTHOR_FIELDS}
HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml+xhtml"}
GZIP_MAGIC = b"\x1f\x8b"


def file_ext(path) -> str:
    """The extension that picks the reader: '.csv', '.warc', or a known one under gzip ('.jsonl.gz')."""
    name = os.path.basename(str(path)).lower()
    suffix = os.path.splitext(name)[1]
    if suffix == ".gz":
        inner = os.path.splitext(name[:-3])[1]
        if inner in GZ_INNER:
            return inner + ".gz"
    return suffix


def _in_folder(f: Path) -> bool:
    ext = file_ext(f.name)
    if ext == ".xml":  # only feeds: a folder may hold other XML (sitemaps, configs)
        return _is_feed_file(str(f))
    return ext in FOLDER_EXT


def _is_feed_file(p: str) -> bool:
    try:
        with open(p, "rb") as fh:
            return _feed_root(fh.read(4096))
    except OSError:
        return False


def _streamed(p: str) -> bool:
    ext = file_ext(p)
    if ext.endswith(".gz") or ext in WARC_EXT or ext in PARQUET_EXT or ext in CSV_EXT or ext in FEED_EXT:
        return True
    if ext == ".xml":
        return _is_feed_file(p)
    # a JSONL file over the size limit is read line by line (the limit then holds for each line)
    return ext in JSONL_EXT and os.path.getsize(p) > max_bytes()


def _too_large(what: str, source: str) -> TooLarge:
    return TooLarge(f"{what} is over the {_size(max_bytes())} limit (set PARLEY_MAX_BYTES to raise it)", source)


def _one_line(e: Exception) -> str:
    text = " ".join(str(e).split()) or e.__class__.__name__
    return text[:200]


def _stream_file(p: str) -> Iterator[Item]:
    """The items of a file read record by record."""
    if os.path.getsize(p) == 0:
        raise EmptyInput("empty file", p)
    ext = file_ext(p)
    gz = ext.endswith(".gz")
    base = ext[:-3] if gz else ext
    if base in WARC_EXT:  # plain or gzipped, whatever the name says
        yield from _warc_items(p)
        return
    if base in PARQUET_EXT:
        yield from _parquet_items(p)
        return

    def opener():
        return gzip.open(p, "rb") if gz else open(p, "rb")

    try:
        if base in JSONL_EXT:
            yield from _jsonl_stream(opener, p)
        elif base in CSV_EXT:
            yield from _csv_items(opener, p, CSV_EXT[base])
        elif base in FEED_EXT or (base == ".xml" and not gz):
            with opener() as fh:
                yield from _feed_items(fh, p)
        else:  # .txt.gz, .html.gz, .json.gz, .xml.gz: decompressed up to the size limit, then read as usual
            with opener() as fh:
                data = fh.read(max_bytes() + 1)
            if len(data) > max_bytes():
                raise _too_large("decompressed file", p)
            yield from _items_from_bytes(data, p, base)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise DecodeError(f"corrupt or truncated gzip data ({_one_line(e)}); the rest of the file is skipped", p)


def _jsonl_stream(opener, source: str) -> Iterator[Item]:
    """JSON lines one at a time (a gzipped or very large JSONL file); each line decoded on its own."""
    limit = max_bytes()
    with opener() as fh:
        for n in itertools.count(1):
            line = fh.readline(limit + 1)
            if not line:
                break
            src = f"{source}:{n}"
            if len(line) > limit and not line.endswith(b"\n"):
                while True:  # the rest of the long line, unread
                    rest = fh.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield _too_large("line", src)
                continue
            if not line.strip():
                continue
            try:
                text, warnings = decode(line, src)
                try:
                    rec = json.loads(text)
                except ValueError as e:
                    raise MalformedRecord(f"malformed JSON line ({e.msg})", src)
                yield _record_item(rec, src, warnings)
            except InputError as e:
                yield e


def _canon(name) -> str:
    """A column name as the record field it stands for ('Headline' -> 'headline', 'PUBDATE' -> 'pubDate')."""
    name = str(name)
    return ALIASES.get(name.strip().lstrip("\ufeff").lower(), name)


def _sized(item: RawItem, source: str) -> RawItem:
    if len(item.content) > max_bytes() // 4 and len(item.content.encode("utf-8", "replace")) > max_bytes():
        raise _too_large("record", source)
    return item


def _text_encoding(head: bytes, source: str) -> tuple[str, list]:
    """The encoding of a text stream from its first bytes (what ``decode`` would say of the whole)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", []
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", []
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", []
    except UnicodeDecodeError:
        pass
    _, warnings = decode(head, source)  # BinaryInput / DecodeError for the file
    named = [w.split(":", 1)[1] for w in warnings if w.startswith("encoding:")]
    return (named[0] if named else "utf-8"), warnings


def _csv_items(opener, source: str, delimiter: str) -> Iterator[Item]:
    """Rows of a CSV/TSV file with a header: the columns named like JSON record fields (text, title,
    url, published, ...). A row without text is E107; an unreadable row E105, a field over the
    size limit E103, and the next rows are read."""
    with opener() as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise EmptyInput("empty file", source)
    encoding, warnings = _text_encoding(head, source)
    # fields may be whole articles: raise csv's 128 KB default to the size limit (bounded: it is a C long)
    csv.field_size_limit(min(max(max_bytes(), 1 << 17), 2 ** 31 - 1))
    with opener() as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""),
                            delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise EmptyInput("empty file", source)
        except csv.Error as e:
            raise MalformedRecord(f"unreadable CSV header ({_one_line(e)})", source)
        names = [_canon(h) for h in header]
        if not any(n in TEXT_FIELDS + HTML_FIELDS for n in names):
            raise NoText(f"no text column (expected one of: {', '.join(TEXT_FIELDS + HTML_FIELDS)})", source)
        line = reader.line_num
        while True:
            src = f"{source}:{line + 1}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                line = reader.line_num
                msg = _one_line(e)
                yield (_too_large("field", src) if "field larger" in msg
                       else MalformedRecord(f"unreadable CSV row ({msg})", src))
                continue
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            rec = {n: v for n, v in zip(names, row) if v.strip()}
            try:
                yield _sized(_record_item(rec, src, warnings), src)
            except InputError as e:
                yield e


def _plain(v):
    """A Parquet cell as a JSON-like value: dates as ISO dates, bytes as text."""
    import datetime as _dt

    if isinstance(v, _dt.datetime):
        return v.date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode("utf-8", errors="replace")
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _parquet_items(p: str) -> Iterator[Item]:
    """Rows of a Parquet file, a batch at a time (pyarrow): the columns named like JSON record fields."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow (pip install pyarrow)", p) from None
    try:
        pf = pq.ParquetFile(p)
        names = pf.schema_arrow.names
    except Exception as e:
        raise DecodeError(f"not a readable Parquet file ({_one_line(e)})", p)
    canon = {n: _canon(n) for n in names}
    columns = [n for n in names if canon[n] in ALIASES.values()]
    if not any(canon[n] in TEXT_FIELDS + HTML_FIELDS for n in columns):
        raise NoText(f"no text column (expected one of: {', '.join(TEXT_FIELDS + HTML_FIELDS)})", p)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=256, columns=columns):
            for rec in batch.to_pylist():
                row += 1
                src = f"{p}#{row}"
                try:
                    yield _sized(_record_item({canon[k]: _plain(v) for k, v in rec.items()}, src, []), src)
                except InputError as e:
                    yield e
    except Exception as e:
        raise DecodeError(f"unreadable Parquet data after row {row} ({_one_line(e)})", p)


# -- WARC (warcio) ---------------------------------------------------------------------------------------
class _Damaged(Exception):
    """A compressed stream cut short or corrupt (raised past warcio, which takes EOFError for the end)."""


class _StrictGzip:
    """A (multi-member) gzip stream that gives the data before any damage, then raises _Damaged."""

    def __init__(self, fh):
        self.fh = fh
        self.d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self.buf = bytearray()
        self.pos = 0
        self.fed = False   # the current member has had input
        self.done = False
        self.error: Optional[str] = None

    def _fill(self) -> None:
        chunk = self.fh.read(1 << 16)
        if not chunk:
            self.done = True
            if self.fed and not self.d.eof:
                self.error = "the file ends inside a gzip member"
            return
        try:
            while chunk:
                if self.d.eof:  # the next member
                    self.d = zlib.decompressobj(zlib.MAX_WBITS | 16)
                self.fed = True
                self.buf += self.d.decompress(chunk)
                chunk = self.d.unused_data if self.d.eof else b""
        except zlib.error as e:
            self.done, self.error = True, _one_line(e)

    def read(self, n=-1):
        while not self.done and (n is None or n < 0 or len(self.buf) < n):
            self._fill()
        if not self.buf and self.error:
            raise _Damaged(self.error)
        n = len(self.buf) if n is None or n < 0 else n
        out = bytes(self.buf[:n])
        del self.buf[:n]
        self.pos += len(out)
        return out

    def tell(self):
        return self.pos


def _warc_iterator(stream):
    import logging

    from warcio.archiveiterator import ArchiveIterator

    logging.getLogger("warcio").setLevel(logging.ERROR)  # its warnings (a URI with spaces) are not ours to print

    class Records(ArchiveIterator):
        """warcio's iterator, counting a record not followed by its blank lines (a wrong Content-Length,
        a damaged file) instead of printing a warning."""
        misaligned = 0

        def _consume_blanklines(self):
            empty_size, first = 0, True
            while True:
                line = self.reader.readline()
                if not line:
                    return None, empty_size
                if not line.rstrip() or first:
                    empty_size += len(line)
                    if line.rstrip():
                        self.misaligned += 1
                    first = False
                    continue
                return line, empty_size

    return Records(stream)


def _warc_items(p: str) -> Iterator[Item]:
    """Responses of a WARC file (plain or gzipped, as Common Crawl's) with an HTML or plain-text
    payload, each an item with the target URI as its url; requests, metadata, warcinfo, revisits,
    non-2xx responses and other payload types are skipped. A record over the size limit or that
    cannot be decoded is an error in its place; a file cut short or corrupt, one error, and the
    rest of it is skipped."""
    limit = max_bytes()
    with open(p, "rb") as fh:
        magic = fh.read(2)
        fh.seek(0)
        stream = _StrictGzip(fh) if magic == GZIP_MAGIC else fh
        n = 0
        try:
            records = _warc_iterator(stream)
            for record in records:
                n += 1
                src = f"{p}#{n}"
                if records.misaligned:
                    raise MalformedRecord("record does not end where its Content-Length says", src)
                length = (record.rec_headers.get_header("Content-Length") or "").strip()
                if record.format != "warc" or not length.isdigit():
                    raise MalformedRecord("not a whole WARC record (no WARC header or no Content-Length: a "
                                          "truncated or damaged file?); the rest of the file is skipped", src)
                kind = _warc_kind(record)
                payload = record.content_stream().read(limit + 1) if kind else b""
                while record.raw_stream.read(1 << 16):  # to the end of the record, to see that it is whole
                    pass
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise MalformedRecord("record cut short (a truncated file?); the rest of the file is skipped",
                                          src)
                if kind is None:
                    continue
                try:
                    yield _warc_item(record, payload, kind, src, limit)
                except InputError as e:
                    yield e
            if records.misaligned:
                raise MalformedRecord("record does not end where its Content-Length says", f"{p}#{n}")
            end = stream.pos if stream is not fh else os.fstat(fh.fileno()).st_size
            if records.offset < end:  # warcio ends quietly on a record whose headers are cut short
                raise MalformedRecord(f"the file ends inside record {n + 1}'s headers (a truncated file?)", p)
        except _Damaged as e:
            raise DecodeError(f"corrupt or truncated gzip data after record {n} ({e}); the rest of the file "
                              "is skipped", p)
        except InputError:
            raise
        except Exception as e:  # warcio: not a WARC file, unparsable headers
            raise MalformedRecord(f"unreadable WARC data after record {n} ({_one_line(e)}); the rest of the "
                                  "file is skipped", p)


def _warc_kind(record) -> Optional[str]:
    """'html', 'text' or None (skipped) for a WARC record."""
    if record.rec_type not in ("response", "resource"):
        return None
    ctype = ""
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return None
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    ctype = ctype or record.rec_headers.get_header("WARC-Identified-Payload-Type") or ""
    mime = ctype.split(";", 1)[0].strip().lower()
    if mime in HTML_TYPES:
        return "html"
    if mime == "text/plain":
        return "text"
    return "sniff" if not mime else None


def _warc_item(record, payload: bytes, kind: str, src: str, limit: int) -> RawItem:
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip() or None
    if len(payload) > limit:
        raise _too_large("record", src)
    if not payload.strip():
        raise EmptyInput("empty response", src)
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", headers.get_header("Content-Type") or "", re.I)
    text, warnings = None, []
    if m:
        try:
            text = payload.decode(codecs.lookup(m.group(1)).name)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, warnings = decode(payload, src)
    text = _no_surrogates(text)
    if not text.strip():
        raise EmptyInput("empty response", src)
    if kind == "sniff":
        kind = "html" if looks_html(text) else "text"
    return RawItem(source=url or src, content=text, kind=kind, url=url, warnings=warnings)


# -- RSS 2.0 / RSS 1.0 / Atom feeds (local files; linked pages are never fetched) --------------------------
def _feed_root(head: bytes) -> bool:
    """Whether these first bytes of an XML document open an RSS, RDF (RSS 1.0) or Atom feed."""
    text = head.decode("utf-8", errors="ignore") if not head.startswith((b"\xff\xfe", b"\xfe\xff")) \
        else head.decode("utf-16", errors="ignore")
    text = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.S | re.I)
    m = re.search(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)", text)
    return bool(m) and (m.group(2) in ("rss", "feed") or (m.group(2) == "RDF" and "rss" in text.lower()))


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _feed_date(value: Optional[str]) -> Optional[str]:
    """RFC 822 (RSS) or ISO 8601 (Atom, Dublin Core) to an ISO date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    import datetime as _dt
    from email.utils import parsedate_to_datetime

    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return _dt.date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


FRAGMENT_HTML = re.compile(r"<(p|br|div|a|em|strong|b|i|span|img|ul|ol|li|h[1-6]|blockquote|figure|table)\b[^>]*>",
                           re.I)


def _feed_item(elem, outlet: Optional[str], src: str) -> RawItem:
    from lxml import etree

    kids: dict = {}
    for child in elem:
        kids.setdefault(_local(child.tag), []).append(child)

    def text_of(name) -> Optional[str]:
        for c in kids.get(name, []):
            t = "".join(c.itertext()).strip()
            if t:
                return t
        return None

    title = text_of("title")
    url = None
    for c in kids.get("link", []):
        href = c.get("href")
        if href and c.get("rel", "alternate") == "alternate":
            url = href.strip()
            break
        if not href and (c.text or "").strip():
            url = c.text.strip()
            break
    if url is None:
        for c in kids.get("guid", []):
            if c.get("isPermaLink", "true") != "false" and (c.text or "").strip().startswith("http"):
                url = c.text.strip()
    published = None
    for name in ("pubDate", "published", "date", "issued", "updated", "modified"):
        published = _feed_date(text_of(name))
        if published:
            break
    content, kind = None, "text"
    for name in ("encoded", "content", "description", "summary"):
        for c in kids.get(name, []):
            ctype = (c.get("type") or "").lower()
            if ctype == "xhtml" or (ctype.endswith("xml") and len(c)):
                body = "".join(etree.tostring(x, encoding="unicode", with_tail=True) for x in c)
                content, kind = (c.text or "") + body, "html"
            else:
                content = "".join(c.itertext())
                if ctype in ("html", "text/html") or (ctype not in ("text", "text/plain")
                                                       and FRAGMENT_HTML.search(content)):
                    kind = "html"
            if content and content.strip():
                break
            content = None
        if content:
            break
    if not content:
        raise NoText("feed entry has no text (content, content:encoded, description or summary)", src)
    if kind == "html" and not looks_html(content):  # a fragment: a page around it (trafilatura wants one)
        from html import escape

        content = (f"<!DOCTYPE html><html><head><title>{escape(title or '')}</title></head>"
                   f"<body><article>{content}</article></body></html>")
    authors = []
    for name in ("creator", "author"):
        for c in kids.get(name, []):
            names = [_local(x.tag) for x in c]
            a = ("".join(c.find("{*}name").itertext()) if "name" in names else "".join(c.itertext())).strip()
            a = re.sub(r"^\S+@\S+\s*\((.*)\)$", r"\1", a).strip()  # RSS: "mail@example.org (Jane Roe)"
            if a and "@" not in a:
                authors.append(_no_surrogates(a))
    return _sized(RawItem(source=url or src, content=_no_surrogates(content), kind=kind, title=_str(title),
                          published=published, url=_str(url), outlet=_str(outlet), authors=authors), src)


def _feed_items(fh, source: str) -> Iterator[Item]:
    """Items (RSS) or entries (Atom) of a feed, parsed as they come (lxml iterparse, no entities resolved,
    no network, no DTD). The feed's own title is each item's outlet. A feed that is not well-formed
    XML gives its items up to the damage, then one E105."""
    from lxml import etree

    outlet, n = None, 0
    try:
        for _, elem in etree.iterparse(fh, events=("end",), resolve_entities=False, no_network=True,
                                       load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True):
            name = _local(elem.tag)
            parent = elem.getparent()
            if name == "title" and parent is not None and _local(parent.tag) in ("channel", "feed"):
                outlet = "".join(elem.itertext()).strip() or None
            elif name in ("item", "entry"):
                n += 1
                src = f"{source}#{n}"
                try:
                    yield _feed_item(elem, outlet, src)
                except InputError as e:
                    yield e
                elem.clear()
                if parent is not None:  # drop what was read: memory stays flat however long the feed
                    while elem.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as e:
        raise MalformedRecord(f"malformed feed XML after {n} item(s) ({_one_line(e)})", source)
    if n == 0:
        raise EmptyInput("feed has no items", source)


# -- limiting and sampling a stream of items ------------------------------------------------------------
def _source_of(item: Item) -> str:
    return item.source if isinstance(item, RawItem) else (item.item or "")


def limit(items: Iterable[Item], n: Optional[int]) -> Iterator[Item]:
    """The first ``n`` items (articles or errors); reading stops there. None: all."""
    it = iter(items)
    if n is None:
        yield from it
        return
    try:
        for _, item in zip(range(n), it):  # range first: nothing past the n-th item is read
            yield item
    finally:
        close = getattr(it, "close", None)
        if close:
            close()


def keep(source: str, p: float, seed: int = 0) -> bool:
    """Whether an item is in a sample of probability ``p``: decided by a hash of its source and the
    seed, so the same input and seed give the same sample, whatever the order or the machine."""
    h = hashlib.blake2b(f"{seed}\x00{source}".encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(h, "big") < p * 2 ** 64


def sample(items: Iterable[Item], p: Optional[float], seed: int = 0) -> Iterator[Item]:
    """Each item kept with probability ``p`` (deterministic by its source and ``seed``). None or 1: all."""
    for item in items:
        if p is None or p >= 1 or keep(_source_of(item), p, seed):
            yield item
