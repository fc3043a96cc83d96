"""Dates: finding date expressions in text and resolving them against a reference date.

Handles explicit dates in their many printed forms ("December 13, 2024",
"13 December 2024", "Dec. 13", "3/20/2023", "2024-12-13"), weekdays ("on Thursday"),
and relative expressions ("yesterday", "last month", "this week"). Every result says
how precise it is and on what basis it was resolved.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

MONTHS = {m: i for i, ms in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")], 1) for m in ms}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = _DAY.replace("?P<day>", "?P<day2>")

PATTERNS = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy_num", re.compile(r"\b(?P<m>1[0-2]|0?[1-9])/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b")),
    ("dmy_num", re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<m>1[0-2]|0?[1-9])\.(?P<year>(?:19|20)\d\d)\b")),
    ("mdy", re.compile(rf"\b{_MON}\s+{_DAY}(?:\s*[-–]\s*{_DAY2})?(?:,?\s+{_YEAR})?\b", re.I)),
    ("dmy", re.compile(rf"\b(?:from\s+)?{_DAY}(?:\s*(?:[-–]|to|and|until)\s*{_DAY2})?(?:\s+of)?\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I)),
    ("my", re.compile(rf"\b(?:in|since|until|by|early|late|mid-?)?\s*{_MON2}\s+{_YEAR}\b", re.I)),
    ("m", re.compile(rf"\b(?:in|since|until|by|early|late|mid-?|last|this|next|earlier in|later in)\s+{_MON2}(?![\w.]*\s*\d)", re.I)),
    ("weekday", re.compile(r"\b(?P<rel>last|next|this|on|coming)?\s*(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)),
    ("relative", re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow|this (?:week|month|year|morning|afternoon|evening)|last (?:week|month|year)|next (?:week|month|year)|earlier this (?:week|month|year)|later this (?:week|month|year))\b", re.I)),
]


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    kind: str
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    weekday: Optional[int] = None
    rel: Optional[str] = None
    day2: Optional[int] = None  # last day of a span: "from 17 to 19 June"


@dataclass
class Resolved:
    date: Optional[str]
    precision: str  # day | month | year | unknown
    basis: str      # explicit | relative | published | inferred
    range: Optional[tuple] = None


def find(text: str) -> list[DateMention]:
    """All date mentions in the text, longest first where they overlap, in text order."""
    found: list[DateMention] = []
    for kind, pat in PATTERNS:
        for m in pat.finditer(text):
            dm = _mention(kind, m)
            if dm is None:
                continue
            if any(not (dm.end <= f.start or dm.start >= f.end) for f in found):
                continue
            found.append(dm)
    return sorted(found, key=lambda d: d.start)


def _mention(kind: str, m: re.Match) -> Optional[DateMention]:
    g = m.groupdict()
    dm = DateMention(m.start(), m.end(), m.group(0), kind)
    if kind in ("iso", "mdy_num", "dmy_num"):
        dm.year, dm.month, dm.day = int(g["year"]), int(g["m"]), int(g["day"])
    elif kind in ("mdy", "dmy"):
        mon = g["mon"].lower().rstrip(".")
        if mon == "may" and kind == "mdy" and not g.get("year") and m.group(0)[:1].islower():
            return None  # the verb "may 5"
        dm.month, dm.day = MONTHS[mon], int(g["day"])
        dm.year = int(g["year"]) if g.get("year") else None
        if g.get("day2") and int(g["day2"]) > dm.day:
            dm.day2 = int(g["day2"])
    elif kind == "my":
        dm.month, dm.year = MONTHS[g["mon2"].lower().rstrip(".")], int(g["year"])
        dm.start = m.start("mon2")
        dm.text = m.group(0)[m.start("mon2") - m.start():]
    elif kind == "m":
        dm.month = MONTHS[g["mon2"].lower().rstrip(".")]
        dm.rel = m.group(0).split()[0].lower()
        dm.start = m.start("mon2")
        dm.text = m.group(0)[m.start("mon2") - m.start():]
        if dm.text.lower().rstrip(".") == "may" and m.group(0)[m.start("mon2") - m.start()].islower():
            return None
    elif kind == "weekday":
        dm.weekday = WEEKDAYS[g["wd"].lower()]
        dm.rel = (g.get("rel") or "").lower() or None
        if dm.rel == "on":
            dm.rel = None
    elif kind == "relative":
        dm.rel = g["word"].lower()
    if dm.day is not None and not 1 <= dm.day <= 31:
        return None
    if dm.month is not None and not 1 <= dm.month <= 12:
        return None
    return dm


def _span(d: date, dm: DateMention) -> Optional[tuple]:
    if dm.day2:
        last = _valid(d.year, d.month, dm.day2)
        if last:
            return (d.isoformat(), last.isoformat())
    return None


def parse_date(s: Optional[str]) -> Optional[date]:
    if not s:
        return None
    try:
        return date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def _valid(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolve(dm: DateMention, ref: Optional[date], future: bool = False) -> Resolved:
    """Resolve a mention against a reference date (publication or dateline)."""
    basis = "explicit" if dm.kind in ("iso", "mdy_num", "dmy_num", "mdy", "dmy", "my") else "relative"
    try:
        r = _resolve(dm, ref, future)
    except OverflowError:  # a reference at the ends of the calendar ("yesterday" of 0001-01-01)
        return Resolved(None, "unknown", basis)
    if r.date and not re.fullmatch(r"(?!0000)\d{4}(-\d\d){0,2}", r.date):  # year 0 or 10000
        return Resolved(None, "unknown", basis)
    return r


def _resolve(dm: DateMention, ref: Optional[date], future: bool = False) -> Resolved:
    if dm.kind in ("iso", "mdy_num", "dmy_num", "mdy", "dmy"):
        if dm.year:
            d = _valid(dm.year, dm.month, dm.day)
            return Resolved(d.isoformat(), "day", "explicit", _span(d, dm)) if d else Resolved(None, "unknown", "explicit")
        if ref is None:
            return Resolved(None, "unknown", "explicit")
        year = ref.year
        d = _valid(year, dm.month, dm.day)
        if d is None:
            return Resolved(None, "unknown", "explicit")
        # A yearless date far after the reference is most likely last year (or next, if future).
        if not future and (d - ref).days > 60:
            d = _valid(year - 1, dm.month, dm.day) or d
        elif future and (ref - d).days > 300:
            d = _valid(year + 1, dm.month, dm.day) or d
        return Resolved(d.isoformat(), "day", "inferred", _span(d, dm))
    if dm.kind == "my":
        return Resolved(f"{dm.year:04d}-{dm.month:02d}", "month", "explicit")
    if dm.kind == "m":  # "in October": the latest October up to the reference (or the next one)
        if ref is None:
            return Resolved(None, "unknown", "relative")
        y = ref.year
        if dm.rel == "next" or (future and dm.month < ref.month):
            y = ref.year + (dm.month < ref.month or dm.rel == "next")
        elif dm.month > ref.month or dm.rel == "last":
            y = ref.year - 1
        return Resolved(f"{y:04d}-{dm.month:02d}", "month", "relative")
    if ref is None:
        return Resolved(None, "unknown", "relative")
    if dm.kind == "weekday":
        delta = (ref.weekday() - dm.weekday) % 7
        if dm.rel == "last":
            delta = delta or 7
            d = ref - timedelta(days=delta)
        elif dm.rel in ("next", "coming") or (future and dm.rel != "last"):
            ahead = (dm.weekday - ref.weekday()) % 7
            d = ref + timedelta(days=ahead or (7 if dm.rel else 0))
        else:
            d = ref - timedelta(days=delta)
        return Resolved(d.isoformat(), "day", "relative")
    return _resolve_word(dm.rel or "", ref)


def _resolve_word(word: str, ref: date) -> Resolved:
    if word in ("today", "tonight") or word.startswith("this ") and word.split()[1] in ("morning", "afternoon", "evening"):
        return Resolved(ref.isoformat(), "day", "relative")
    if word == "yesterday":
        return Resolved((ref - timedelta(days=1)).isoformat(), "day", "relative")
    if word == "tomorrow":
        return Resolved((ref + timedelta(days=1)).isoformat(), "day", "relative")
    unit = word.split()[-1]
    shift = -1 if word.startswith("last") else 1 if word.startswith("next") else 0
    if unit == "week":
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=shift)
        sunday = monday + timedelta(days=6)
        if shift == 0 and word.startswith("earlier"):
            sunday = ref
        same = monday.month == sunday.month
        return Resolved(f"{monday.year:04d}-{monday.month:02d}" if same else f"{monday.year:04d}",
                        "month" if same else "year", "relative", (monday.isoformat(), sunday.isoformat()))
    if unit == "month":
        y, m = ref.year, ref.month + shift
        if m == 0:
            y, m = y - 1, 12
        elif m == 13:
            y, m = y + 1, 1
        return Resolved(f"{y:04d}-{m:02d}", "month", "relative")
    if unit == "year":
        return Resolved(f"{ref.year + shift:04d}", "year", "relative")
    return Resolved(None, "unknown", "relative")


def first_full_date(text: str) -> Optional[tuple[str, int, int]]:
    """The first fully specified calendar date in a string: (iso, start, end)."""
    for dm in find(text):
        if dm.year and dm.month and dm.day:
            d = _valid(dm.year, dm.month, dm.day)
            if d:
                return d.isoformat(), dm.start, dm.end
    return None


def to_iso(value: Optional[str]) -> Optional[str]:
    """A published date from metadata ("2025-03-14 20:30:26Z", "March 14, 2025") to ISO."""
    if not value:
        return None
    v = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", v)
    if m:
        d = _valid(int(m[1]), int(m[2]), int(m[3]))
        return d.isoformat() if d else None
    hit = first_full_date(v)
    return hit[0] if hit else None
