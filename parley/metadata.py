"""Document metadata from the page furniture: title, published date, outlet, authors, dateline.

Works on the paragraphs of ``clean.paragraphs`` after boilerplate marking; marks the
title paragraph (``kind="title"``) and the furniture lines it consumed (``kind="meta"``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from . import dates
from .clean import Para
from .kb import KB, load_yaml, norm

BYLINE = re.compile(r"\b(?i:(?:posted |written |reported |story )?by)\s+(?P<names>[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}"
                    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3})*)")
TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|BJT|EST|EDT|KST|JST|MSK|CET|CEST|IST|BST|PST|PDT|Z))?", re.I)
WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:mon|tue|wed|thu|fri|sat|sun)\.?(?=,|\s+\d)", re.I)
UPDATED = re.compile(r"\b(?:updated|published|posted|last updated|first published|date|on|at)\b\s*:?", re.I)
DATELINE = re.compile(
    r"^(?:(?P<agency1>[A-Z][\w ]{2,40}?(?:News Agency|Agency)),\s*)?"
    r"(?P<place>[A-Z][A-Za-z.'\- ]{1,30}?)(?:,\s*[A-Z][A-Za-z.'\- ]{1,25}?)?,?\s+"
    r"(?P<date>(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,?\s+\d{4})?)\s*"
    r"(?:\((?P<agency>[A-Za-z][\w .&'-]{1,40})\)\s*|\.?\s*/\s*(?P<agency2>[A-Za-z][\w .&'-]{1,20}?)\s*/\.?\s*)?"
    r"(?P<sep>--|—|–|-|:)?\s*")
SITE_SUFFIX = re.compile(r"^(?P<head>.{8,}?)\s+(?:[-–—|:]|::)\s+(?P<site>[^-–—|]{2,60})$")
RUN_IN_BYLINE = re.compile(r"\bBy ([A-Z][\w'\-]+(?: [A-Z][\w'\-]+){1,2}) (?=[A-Z]{3,}\b)")
URL = re.compile(r"https?://|www\.|\.(?:com|org|gov|net)\b", re.I)


@dataclass
class Meta:
    title: Optional[str] = None
    published: Optional[str] = None
    outlet: Optional[str] = None
    authors: list = field(default_factory=list)
    dateline_place: Optional[str] = None
    dateline_date: Optional[str] = None
    dateline_agency: Optional[str] = None
    warnings: list = field(default_factory=list)


def _words(s: str) -> list[str]:
    return re.findall(r"[^\W\d_]{2,}", s)


NOT_NAME = re.compile(r"\b(?:correspondent|reporter|staff|editor|writer|desk|bureau|agency|news|team|"
                      r"contributor|columnist|agencies|online|report|updated)\b", re.I)


def is_person_name(s: str) -> bool:
    """A byline name: two to five capitalised words, no job words."""
    words = s.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not NOT_NAME.search(s)


def _header_zone(paras: list[Para]) -> list[Para]:
    """The paragraphs before the article body starts (a full sentence paragraph)."""
    zone = []
    for p in paras:
        if p.kind != "body":
            continue
        if len(p.text.split()) >= 25 and p.text.rstrip().endswith((".", '"', "\u201d", ")")):
            break
        zone.append(p)
        if len(zone) >= 8:
            break
    return zone


def _meta_line(text: str, kb: KB) -> Optional[dict]:
    """Parse a furniture line (date stamp, byline, outlet); None if it is more than that."""
    found: dict = {}
    rest = text
    hit = dates.first_full_date(rest)
    if hit:
        found["date"] = hit[0]
        rest = rest[:hit[1]] + " " + rest[hit[2]:]
    by = BYLINE.search(rest)
    if by and (by.start() == 0 or not rest[:by.start()].strip(" ,|") or "date" in found):
        names = [n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", by.group("names")) if n.strip()]
        authors = []
        for n in names:
            if kb.outlet(n):
                found["outlet"] = kb.outlet(n)
            elif is_person_name(n):
                authors.append(n)
        if authors:
            found["authors"] = authors
        rest = rest[:by.start()] + " " + rest[by.end():]
    rest = TIME.sub(" ", WEEKDAY.sub(" ", UPDATED.sub(" ", rest)))
    leftover = rest.strip(" ,|()[]-–—:/·*")
    if leftover and (kb.outlet(leftover) or ("date" in found and "authors" in found and len(_words(leftover)) <= 4)):
        found["outlet"] = kb.outlet(leftover) or leftover
        leftover = ""
    if found and len(_words(leftover)) <= 1:
        return found
    return None


@lru_cache(maxsize=1)
def _outlet_words() -> set:
    return {w.lower() for w in load_yaml("outlet_words.yaml")}


def _outlet_like(text: str) -> bool:
    """"Harbour Evening Monitor", "The Andes Brief - Lima desk": a short line naming a publisher."""
    head = re.split(r"\s+[-–|]\s+", text)[0]
    words = head.split()
    return (1 <= len(words) <= 5 and all(w[:1].isupper() or w in ("&", "of", "the", "and") for w in words)
            and words[-1].lower().strip(".") in _outlet_words() and not text.endswith("."))


def _strip_desk(text: str) -> str:
    return re.split(r"\s+[-–|]\s+", text)[0].strip()


def _named_outlet(paras: list[Para], kb: KB) -> Optional[str]:
    """An outlet named in the page furniture or the first lines ("FOX News anchor ...",
    "... - People's Daily Online", "(Korea Herald DB)", "SEOUL, Jan. 4 (Yonhap) --")."""
    head = " ".join(p.text for p in paras[:4])[:600]
    agency = re.search(r"\(([A-Z][\w' ]{2,30})\)\s*(?:--|—|–|-)", head)
    if agency and kb.outlet(agency.group(1)):
        return kb.outlet(agency.group(1))
    return kb.outlet_in(head)


def _is_dateline(text: str) -> bool:
    m = DATELINE.match(text)
    return bool(m and (m.group("agency") or m.group("agency2") or m.group("sep")))


def _title_candidate(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 30 or len(text) > 250:
        return False
    if text.rstrip("'\"\u2019\u201d").endswith((".", ",", ";")) and not text.endswith("..."):
        return False
    if URL.search(text) or dates.first_full_date(text) or DATELINE.match(text) and DATELINE.match(text).group("agency"):
        return False
    if sum(1 for w in words if len(w) == 1) > 0.4 * len(words) or len(_words(text)) < 2:
        return False
    return text[:1].isupper() or text[:1].isdigit() or text[:1] in "(\"'\u201c\u2018["


def analyze(paras: list[Para], kb: KB, hint_title=None, hint_published=None, hint_outlet=None,
            hint_authors=None) -> Meta:
    meta = Meta(authors=list(hint_authors or []))
    outlet_header = outlet_meta = outlet_suffix = None
    stamp = None
    zone = _header_zone(paras)
    for p in zone:
        if kb.outlet(p.text):
            p.kind, outlet_header = "meta", outlet_header or kb.outlet(p.text)
            continue
        if _outlet_like(p.text) and p is not zone[0]:
            p.kind, outlet_header = "meta", outlet_header or _strip_desk(p.text)
            hit = dates.first_full_date(p.text)  # "The Andes Brief | 3 April 2024"
            stamp = stamp or (hit[0] if hit else None)
            continue
        found = _meta_line(p.text, kb)
        if found:
            p.kind = "meta"
            stamp = stamp or found.get("date")
            outlet_meta = outlet_meta or found.get("outlet")
            for a in found.get("authors", []):
                if a not in meta.authors:
                    meta.authors.append(a)
    # title: the hint (HTML/JSON) if any, else the first headline-like line of the header
    body = [p for p in paras if p.kind == "body"]
    if hint_title:
        meta.title = hint_title.strip()
        for p in body[:3]:
            if _same(p.text, meta.title):
                p.kind = "title"
                break
    else:
        for p in zone:
            if p.kind == "body" and _title_candidate(p.text) and p is not body[-1] and not _teaser(p, body):
                p.kind = "title"
                meta.title = p.text
                break
    if meta.title:
        m = SITE_SUFFIX.match(meta.title)
        if m and kb.outlet(m.group("site")):
            outlet_suffix = kb.outlet(m.group("site"))
            meta.title = m.group("head").strip()
    # header dates that were not furniture lines of their own ("... FA90 19 June 2002")
    if not stamp:
        title_at = next((i for i, p in enumerate(paras) if p.kind == "title"), -1)
        for p in zone:
            if p.kind == "body" and not _is_dateline(p.text):
                hit = dates.first_full_date(p.text)
                if hit:
                    stamp = hit[0]
                    if paras.index(p) < title_at:
                        p.kind = "meta"  # furniture above the headline ("PRESS RELEASE ... 4 May 2011")
                    break
    if not stamp:  # a page flattened to one line: the stamp sits in its first characters
        first = next((p for p in paras if p.kind == "body"), None)
        hit = dates.first_full_date(first.text[:300]) if first else None
        if hit and not re.search(r"[.!?]\s", first.text[:hit[1]]):
            stamp = hit[0]
    _dateline(paras, meta, kb)
    for p in [p for p in paras if p.kind == "body"][:3]:  # a byline run into the lead: "...By Ana Ruiz LIMA, Jan. 4"
        for m in RUN_IN_BYLINE.finditer(p.text):
            if is_person_name(m.group(1)) and m.group(1) not in meta.authors:
                meta.authors.append(m.group(1))
    pub = dates.to_iso(hint_published) or stamp
    if not pub and meta.dateline_date and not meta.dateline_date.startswith("--"):
        pub = meta.dateline_date
    meta.published = pub
    if pub and meta.dateline_date:
        _check_dateline(meta, dates.parse_date(pub))
    meta.outlet = (hint_outlet or outlet_header or outlet_meta or outlet_suffix
                   or kb.outlet(meta.dateline_agency) or meta.dateline_agency or _named_outlet(paras, kb))
    return meta


def _teaser(p: Para, body: list) -> bool:
    """A cut-off copy of the paragraph that follows it is not a headline."""
    n = lambda x: re.sub(r"\W+", " ", x.lower()).strip()
    i = body.index(p)
    if i + 1 >= len(body):
        return False
    head = n(p.text).rsplit(" ", 1)[0]
    return len(head) > 20 and n(body[i + 1].text).startswith(head)


def _same(a: str, b: str) -> bool:
    n = lambda s: re.sub(r"\W+", " ", s.lower()).strip()
    return n(a) == n(b) or (len(n(b)) > 10 and n(a).startswith(n(b)))


PLACE_LINE = re.compile(r"^(?P<place>[A-Z]{3,}(?: [A-Z]{3,})?)(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?)?(?:\s+(?:--|—|–|-)|:)\s")


def _dateline(paras: list[Para], meta: Meta, kb: KB) -> None:
    for p in [p for p in paras if p.kind == "body"][:4]:
        pl = PLACE_LINE.match(p.text)  # "CUSCO, Peru - ...": a dateline without a date
        if pl and kb.place(pl.group("place")):
            meta.dateline_place = kb.place(pl.group("place")).name
            return
        m = DATELINE.match(p.text)
        if not m or not (m.group("agency") or m.group("agency2") or m.group("sep")):
            continue
        place = kb.place(m.group("place").strip())
        if place is None and not kb.country_of(m.group("place").strip()):
            continue
        meta.dateline_place = place.name if place else m.group("place").strip().title()
        meta.dateline_agency = m.group("agency") or m.group("agency2") or m.group("agency1")
        dm = dates.find(m.group("date"))
        if dm and dm[0].month and dm[0].day:
            d = dm[0]
            meta.dateline_date = (f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d.year
                                  else f"--{d.month:02d}-{d.day:02d}")
        return


def _check_dateline(meta: Meta, pub: Optional[date]) -> None:
    if pub is None:
        return
    dd = meta.dateline_date
    if dd.startswith("--"):
        m, d = int(dd[2:4]), int(dd[5:7])
        cands = [x for x in (_mk(pub.year, m, d), _mk(pub.year - 1, m, d)) if x]
        best = min(cands, key=lambda x: abs((pub - x).days)) if cands else None
        if best is None:
            return
        meta.dateline_date = best.isoformat()
    else:
        best = dates.parse_date(dd)
    if best and ((best - pub).days > 1 or (pub - best).days > 3):
        meta.warnings.append("dateline_conflict")


def _mk(y, m, d) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


ANNIVERSARY = re.compile(
    r"\b(?P<when>this|next|last) year (?:marks|will mark|would mark|marked|is|was|celebrates|will celebrate)\s+the\s+"
    r"(?P<n>\d{1,3})(?:st|nd|rd|th)\s+anniversary\s+of\s+(?P<what>[^.;]{5,160})", re.I)


@lru_cache(maxsize=1)
def _anniversaries() -> dict:
    d = load_yaml("anniversaries.yaml")
    return {"relations": d.get("relations") or {},
            "events": [(re.compile(e["pattern"], re.I), int(e["year"])) for e in d.get("events") or []]}


def infer_year(text: str, kb: KB) -> Optional[int]:
    """The year of a report that prints none, from an anniversary it counts.

    "This year marks the 50th anniversary of diplomatic relations between Brazil and
    China" -> relations since 1974 -> 50th in 2024 -> a report of 2024.
    """
    table = _anniversaries()
    for m in ANNIVERSARY.finditer(text):
        what, base = m.group("what"), None
        if re.search(r"diplomatic (?:relations|ties)", what, re.I):
            isos = []
            for w in re.findall(r"[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?", what):
                iso = kb.country_of(w) or kb.country_of(w.split()[0])
                if iso and iso not in isos:
                    isos.append(iso)
            if len(isos) < 2:  # "diplomatic relations" of the two countries the report is about
                counts = {}
                for w in re.findall(r"\b[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?", text):
                    iso = kb.country_names.get(norm(w))
                    if iso:
                        counts[iso] = counts.get(iso, 0) + 1
                isos = [i for i, _ in sorted(counts.items(), key=lambda x: -x[1])[:2]]
            if len(isos) >= 2:
                base = table["relations"].get("-".join(sorted(isos[:2])))
        else:
            for rx, year in table["events"]:
                if rx.search(what):
                    base = year
                    break
        if base:
            shift = {"this": 0, "next": -1, "last": 1}[m.group("when").lower()]
            return base + int(m.group("n")) + shift
    return None
