"""From a raw item (text, HTML page or feed record) to a cleaned Document with metadata."""
from __future__ import annotations

import hashlib
import re
from typing import Optional

from . import clean, dates, metadata
from .errors import NoText
from .kb import KB
from .model import Dateline, Document
from .readers import RawItem

MIN_WORDS = 5


def _html_to_text(raw: RawItem) -> None:
    """Main text and metadata of an HTML page (trafilatura), into the raw item."""
    import trafilatura  # imported here: HTML is the rarer path and the import costs ~0.3 s

    doc = trafilatura.bare_extraction(raw.content, url=raw.url, with_metadata=True,
                                      include_comments=False, include_tables=False)
    if doc is None or not (doc.text or "").strip():
        raise NoText("no article text found in the HTML page", raw.source)
    raw.content = doc.text
    raw.title = raw.title or doc.title
    raw.published = raw.published or doc.date
    raw.outlet = raw.outlet or doc.sitename
    if not raw.authors and doc.author:
        raw.authors = [a.strip() for a in re.split(r"[;,]| and ", doc.author)
                       if metadata.is_person_name(a.strip())]


def build(raw: RawItem, published: Optional[str] = None, outlet: Optional[str] = None,
          kb: Optional[KB] = None) -> tuple[Document, list]:
    """Clean one item and read its metadata. Returns the document and its paragraphs."""
    kb = kb or KB.load()
    is_html = raw.kind == "html"
    if is_html:
        _html_to_text(raw)
    paras = clean.split_run_in(clean.paragraphs(raw.content, wrapped=False if is_html else None))
    clean.mark_boilerplate(paras)
    meta = metadata.analyze(paras, kb, hint_title=raw.title, hint_published=published or raw.published,
                            hint_outlet=outlet or raw.outlet, hint_authors=raw.authors)
    warnings = [w for w in raw.warnings] + meta.warnings
    if clean.dedupe(paras, meta.title):
        warnings.append("duplicate_paragraph_removed")
    text = clean.assemble(paras)
    if len(re.findall(r"\w+", text)) < MIN_WORDS:
        raise NoText("no article text after cleaning", raw.source)
    if not meta.published and _has_yearless_date(paras, meta):
        warnings.append("no_year")
        year = metadata.infer_year(text, kb)
        dd = meta.dateline_date
        if year and dd and dd.startswith("--"):
            meta.dateline_date = f"{year:04d}-{dd[2:]}"
            meta.published = dates.to_iso(meta.dateline_date)
            if meta.published:
                warnings.append("published_inferred")
    doc = Document(
        id=hashlib.sha256(text.encode("utf-8")).hexdigest(), source=raw.source, text=text,
        title=meta.title, published=meta.published, outlet=meta.outlet, authors=meta.authors,
        dateline=Dateline(place=meta.dateline_place, date=meta.dateline_date),
        warnings=sorted(set(warnings), key=warnings.index), url=raw.url,
    )
    return doc, paras


def _has_yearless_date(paras, meta) -> bool:
    if meta.dateline_date and meta.dateline_date.startswith("--"):
        return True
    for p in paras[:12]:
        if p.kind in ("body", "title"):
            if any(d.month and d.day and not d.year for d in dates.find(p.text)):
                return True
    return False
