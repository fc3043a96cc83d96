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

    try:
        doc = trafilatura.bare_extraction(raw.content, url=raw.url, with_metadata=True,
                                          include_comments=False, include_tables=False)
    except Exception as e:  # trafilatura/htmldate/lxml fail on some tag soup ("<svg><p><p>": an AssertionError)
        raise NoText(f"the HTML page could not be parsed ({e.__class__.__name__})", raw.source) from None
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
        _infer_published(paras, meta, text, kb, warnings)
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


def _lead_date(paras, meta):
    """The first day-and-month the report gives (dateline first), and a weekday said with it."""
    month_day, weekday = None, None
    if meta.dateline_date and meta.dateline_date.startswith("--"):
        month_day = (int(meta.dateline_date[2:4]), int(meta.dateline_date[5:7]))
    for p in [p for p in paras if p.kind == "body"][:3]:
        for d in dates.find(p.text):
            if d.month and d.day and not d.year and month_day is None:
                month_day = (d.month, d.day)
            if d.weekday is not None and weekday is None:
                weekday = d.weekday
        if month_day:
            break
    return month_day, weekday


def _infer_published(paras, meta, text, kb, warnings) -> None:
    """A report that prints no year: from an anniversary it counts, else from the weekday it
    names for its date ("met on Wednesday", dated Dec. 21: the latest such year)."""
    import datetime as _dt

    month_day, weekday = _lead_date(paras, meta)
    if month_day is None:
        return
    year = metadata.infer_year(text, kb)
    how = "published_inferred"
    if year is None and weekday is not None:
        this = _dt.date.today().year
        for y in range(this, 1979, -1):
            try:
                if _dt.date(y, *month_day).weekday() == weekday:
                    year, how = y, "published_inferred_from_weekday"
                    break
            except ValueError:
                break
    if year is None:
        return
    try:
        day = _dt.date(year, *month_day)
    except ValueError:
        return
    meta.published = day.isoformat()
    if meta.dateline_date and meta.dateline_date.startswith("--"):
        meta.dateline_date = meta.published
    warnings.append(how)
