"""One row per real-world event: merging the extractions of many reports.

Extractions that report the same event are clustered, deterministically (the result
depends on the set of extractions, never on the order they came in):

1. Day-dated extractions join when their types agree (a meeting may be reported as
   a session), they happened on the same day, and their core actors agree (the same
   people, or one report naming a subset of the other's). Visits also need the same
   destination country; messages the same sender; sessions the same ordinal.
2. Extractions known only to the month, the year or not at all join the one day-dated
   event they fit, if exactly one fits; otherwise they form events of their own (undated
   ones from copies of one report form one).
3. A planned event is never merged with one that happened; it is linked to it.

Each canonical event reconciles its fields (most specific date and place, union of
participants with the most specific roles) and records where reports disagree (the
documents that give each value, a report's near-duplicate copies as its first document).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional

from .kb import KB, norm
from .model import stable_id

NON_CORE = {"attendee", "courier", "speaker"}
ROLE_RANK = {"host": 0, "guest": 0, "sender": 0, "recipient": 0, "visitor": 0, "participant": 1,
             "courier": 2, "speaker": 2, "attendee": 3}
PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "unknown": 3, None: 3}
TYPE_GROUP = {"meeting": "meet", "session": "meet", "call": "call", "visit": "visit", "message": "message",
              "agreement": "agreement"}


@dataclass
class Extraction:
    id: str
    document_id: str
    type: str
    date: Optional[str]
    date_precision: Optional[str]
    date_basis: Optional[str]
    venue: Optional[str]
    city: Optional[str]
    country: Optional[str]
    format: Optional[str]
    status: str
    mechanism: Optional[str]
    ordinal: Optional[int]
    confidence: float
    cameo: Optional[str]
    plover: Optional[str]
    participants: list = field(default_factory=list)  # [(actor_id, role)]
    root_document: str = ""  # the first of its near-duplicate copies
    date_partial: Optional[str] = None  # "--MM-DD" from a report without a year

    @property
    def core(self) -> frozenset:
        return frozenset(a for a, r in self.participants if r not in NON_CORE)

    @property
    def day(self) -> Optional[str]:
        return self.date if self.date and self.date_precision == "day" and len(self.date) == 10 else None

    def role_of(self, role: str) -> frozenset:
        return frozenset(a for a, r in self.participants if r == role)


# -- the "same event" relation ------------------------------------------------
def compatible(a: Extraction, b: Extraction) -> Optional[str]:
    """Why two extractions may report the same event (None if they cannot), dates aside."""
    if TYPE_GROUP.get(a.type) != TYPE_GROUP.get(b.type):
        return None
    if (a.status == "planned") != (b.status == "planned"):
        return None
    if (a.status == "background") != (b.status == "background"):
        return None  # "the last time they met" is a mention of the past, not a report of it
    ca, cb = a.core, b.core
    common = ca & cb
    if not common:
        return None
    if not (ca <= cb or cb <= ca):
        return None  # different sets of people: a bilateral and a trilateral meeting are two events
    if a.type == "visit" and b.type == "visit":
        if a.country and b.country and a.country != b.country:
            return None
    if a.type == "message" and b.type == "message":
        if a.role_of("sender") and b.role_of("sender") and a.role_of("sender") != b.role_of("sender"):
            return None
        ra, rb = a.role_of("recipient"), b.role_of("recipient")
        if ra and rb and ra != rb:
            return None
    if a.ordinal and b.ordinal and a.ordinal != b.ordinal:
        return None
    if a.format and b.format and {a.format, b.format} == {"in_person", "video"}:
        return None  # met in person vs by video: not the same session
    names = ", ".join(sorted(common))
    return f"same {TYPE_GROUP[a.type]} type, shared actors: {names}"


def _contains(coarse: Optional[str], day: str) -> bool:
    return bool(coarse) and day.startswith(coarse)


class _Union:
    def __init__(self, items):
        self.parent = {i: i for i in items}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def fits(x: Extraction, day: str, members) -> Optional[str]:
    """Why an extraction without a day may join the day-dated event of ``members`` on ``day``."""
    if x.date and not _contains(x.date, day):
        return None
    if not x.date and x.date_partial and not day.endswith(x.date_partial[1:]):
        return None
    return next((why for y in members if (why := compatible(x, y))), None)


def cluster(xs: list[Extraction], outside: Optional[dict] = None,
            pulls: Optional[set] = None) -> tuple[list[list[Extraction]], dict]:
    """Group extractions into events; returns the groups and each extraction's join reason.

    ``outside`` {id: ids of stored events beyond ``xs`` that the undated extraction fits}
    counts those events among its candidates; when one of them is its only fit, the
    event's id goes into ``pulls`` (the caller clusters again with that event's members)."""
    outside = outside or {}
    xs = sorted(xs, key=lambda x: x.id)
    reasons: dict[str, str] = {}
    dated = [x for x in xs if x.day]
    coarse = [x for x in xs if not x.day]
    uf = _Union([x.id for x in xs])
    by_block = defaultdict(list)
    for x in dated:
        by_block[(TYPE_GROUP.get(x.type), x.day)].append(x)
    for block in by_block.values():
        _link(block, key, compatible, uf, reasons, lambda a: f"; same day {a.day}")
    groups = defaultdict(list)
    for x in dated:
        groups[uf.find(x.id)].append(x)
    day_groups = list(groups.values())
    day_kinds = [list({key(y): y for y in reversed(g)}.values())[::-1] for g in day_groups]  # first of each kind
    leftovers = []
    for x in coarse:
        found = []
        for g, kinds in zip(day_groups, day_kinds):
            why = fits(x, g[0].day, kinds)
            if why:
                found.append((g, why, g[0].day))
        beyond = outside.get(x.id, ())
        if len(found) + len(beyond) == 1 and beyond and pulls is not None:
            pulls |= set(beyond)
        if len(found) == 1 and not beyond:
            g, why, d = found[0]
            uf.union(g[0].id, x.id)
            reasons[x.id] = f"{why}; its date {x.date or 'unknown'} holds only this event ({d})"
        else:
            leftovers.append(x)
    # what stays: coarse extractions of the same event (same type, actors and coarse date); undated
    # ones only when they come from copies of one report
    def same_report(a, b):
        return a.date == b.date and (a.date or (a.root_document == b.root_document and a.date_partial == b.date_partial))
    _link(leftovers, lambda x: (key(x), x.date, None if x.date else (x.root_document, x.date_partial)),
          lambda a, b: compatible(a, b) if same_report(a, b) and a.core == b.core else None, uf, reasons,
          lambda a: f"; same date {a.date}")
    final = defaultdict(list)
    for x in xs:
        final[uf.find(x.id)].append(x)
    out = sorted(final.values(), key=lambda g: min(x.id for x in g))
    for g in out:
        first = min(g, key=lambda x: x.id)
        reasons.setdefault(first.id, "first report of this event")
        for x in g:
            reasons.setdefault(x.id, "first report of this event")
    return out, reasons


def key(x: Extraction) -> tuple:
    """Everything ``compatible`` reads: extractions of one key (copies of a report, mostly)
    relate to every other extraction alike."""
    return (x.type, x.status, x.country, x.ordinal, x.format, tuple(x.participants))


def _link(items: list, kind, why_of, uf: _Union, reasons: dict, where) -> None:
    """Join every pair of ``items`` (in id order) for which ``why_of`` gives a reason, as a loop
    over all pairs would, and give each item the reason of the first earlier item it joins;
    ``why_of`` is evaluated once per pair of kinds (``kind(x)``: items of one kind relate to
    the others alike), so many copies of one report cost no more than one."""
    classes: dict = {}
    for x in items:
        classes.setdefault(kind(x), []).append(x)
    kinds = list(classes)
    firsts = {k: classes[k][0] for k in kinds}
    partners: dict = defaultdict(list)  # kind -> [(kind, why)]
    for i, k1 in enumerate(kinds):
        for k2 in kinds[i:]:
            why = why_of(firsts[k1], firsts[k2])
            if why:
                partners[k1].append((k2, why))
                if k2 != k1:
                    partners[k2].append((k1, why))
    for k, members in classes.items():
        for k2, _ in partners[k]:
            for m in (members if k2 == k else members[:1]):
                uf.union(m.id, firsts[k2].id)
    for b in items:
        earlier = [(firsts[k2].id, k2, why) for k2, why in partners[kind(b)] if firsts[k2].id < b.id]
        if earlier:
            _, k2, why = min(earlier)
            reasons.setdefault(b.id, why + where(firsts[k2]))


# -- reconciling a group into one event ----------------------------------------------
@dataclass
class Canonical:
    id: str
    type: str
    date: Optional[str]
    date_precision: Optional[str]
    date_basis: Optional[str]
    venue: Optional[str]
    city: Optional[str]
    country: Optional[str]
    format: Optional[str]
    status: str
    mechanism: Optional[str]
    ordinal: Optional[int]
    series_id: Optional[str]
    confidence: float
    cameo: Optional[str]
    plover: Optional[str]
    conflicts: list
    participants: list  # [(actor_id, role)]
    members: list       # extraction ids
    n_sources: int
    linked_to: Optional[str] = None


def _vote(values: list):
    """The most common value; ties go to the first in sorted order (determinism)."""
    vals = [v for v in values if v not in (None, "")]
    if not vals:
        return None
    counts = Counter(vals)
    best = max(counts.values())
    return sorted((v for v, c in counts.items() if c == best), key=str)[0]


def reconcile(group: list[Extraction], kb: Optional[KB] = None) -> Canonical:
    kb = kb or KB.load()
    g = sorted(group, key=lambda x: x.id)
    etype = "session" if any(x.type == "session" for x in g) else _vote([x.type for x in g])
    best_prec = min(PRECISION_RANK.get(x.date_precision, 3) for x in g)
    precise = [x for x in g if PRECISION_RANK.get(x.date_precision, 3) == best_prec and x.date]
    date = _vote([x.date for x in precise])
    basis = _vote([x.date_basis for x in precise if x.date == date])
    roles: dict[str, str] = {}
    for x in g:
        for a, r in x.participants:
            if a not in roles or ROLE_RANK.get(r, 1) < ROLE_RANK.get(roles[a], 1):
                roles[a] = r
    venue = _vote([x.venue for x in g])
    city = _vote([x.city for x in g if not venue or x.venue == venue] or [x.city for x in g])
    country = _vote([x.country for x in g if not city or x.city == city] or [x.country for x in g])
    status = "occurred" if any(x.status == "occurred" for x in g) else (
        "background" if any(x.status == "background" for x in g) else "planned")
    mechanism = max((x.mechanism for x in g if x.mechanism), key=lambda m: (len(m), m), default=None)
    ordinal = _vote([x.ordinal for x in g])
    fmt = _vote([x.format for x in g])
    conf = 1.0
    for x in g:
        conf *= 1.0 - min(0.99, max(0.0, x.confidence or 0.0))
    confidence = round(min(0.99, 1.0 - conf), 3)
    conflicts = []
    for fname, getter in (("date", lambda x: x.date if x.date_precision == "day" else None),
                          ("city", lambda x: x.city), ("venue", lambda x: x.venue), ("format", lambda x: x.format)):
        seen: dict = defaultdict(set)
        for x in g:
            v = getter(x)
            if v:
                seen[v].add(x.root_document or x.document_id)  # a report once: its copies fold into the first
        if len(seen) > 1:
            conflicts.append({"field": fname, "values": {k: sorted(v) for k, v in sorted(seen.items())}})
    core = sorted(a for a, r in roles.items() if r not in NON_CORE)
    series = series_key(mechanism, [a for a, _ in roles.items()], kb) if etype == "session" else None
    cid = "ev-" + stable_id(TYPE_GROUP.get(etype), date, *core, ordinal if etype == "session" else None,
                            status == "planned")
    cameo = _vote([x.cameo for x in g if x.type == etype])
    plover = _vote([x.plover for x in g if x.type == etype])
    return Canonical(
        id=cid, type=etype, date=date, date_precision=(precise[0].date_precision if precise else "unknown"),
        date_basis=basis, venue=venue, city=city, country=country, format=fmt, status=status,
        mechanism=mechanism, ordinal=ordinal, series_id=series, confidence=confidence, cameo=cameo,
        plover=plover, conflicts=conflicts, participants=sorted(roles.items()),
        members=[x.id for x in g], n_sources=len({x.root_document or x.document_id for x in g}))


def build(xs: list[Extraction], kb: Optional[KB] = None, outside: Optional[dict] = None,
          pulls: Optional[set] = None) -> tuple[list[Canonical], dict]:
    """Canonical events for a set of extractions, with join reasons; ids made unique
    (``outside``, ``pulls``: see ``cluster``)."""
    groups, reasons = cluster(xs, outside, pulls)
    events = [reconcile(g, kb) for g in groups]
    seen: dict[str, int] = {}
    for ev in sorted(events, key=lambda e: (e.id, min(e.members))):
        n = seen.get(ev.id, 0)
        seen[ev.id] = n + 1
        if n or not ev.date:  # the same key (undated events always may): tell them apart by their first report
            ev.id = ev.id + "-" + stable_id(min(ev.members), n=6)
    link_planned(events)
    return events, reasons


def link_planned(events: list[Canonical]) -> None:
    """A planned event points to the event that then happened (same kind, same actors)."""
    happened = [e for e in events if e.status == "occurred" and e.date]
    for p in events:
        if p.status != "planned":
            continue
        pcore = {a for a, r in p.participants if r not in NON_CORE}
        cands = [e for e in happened if TYPE_GROUP.get(e.type) == TYPE_GROUP.get(p.type)
                 and pcore and pcore <= {a for a, r in e.participants if r not in NON_CORE}
                 and (not p.date or e.date.startswith(p.date) or p.date.startswith(e.date))]
        if len(cands) == 1:
            p.linked_to = cands[0].id


# -- series of a mechanism ----------------------------------------------------------
STOP = {"the", "of", "and", "between", "their", "its", "on", "for", "a", "an", "in", "at", "to", "with",
        "mechanism", "meeting", "session", "round", "level", "high"}


def series_key(mechanism: Optional[str], actor_ids: list, kb: KB) -> Optional[str]:
    """A stable id for a mechanism, whatever words each report uses for it.

    "Peru-Chile border commission" and "the border commission of Chile and Peru" are one
    series: the countries (named, or
    those of the participants) and the remaining words (plural folded) agree.
    """
    if not mechanism:
        return None
    text = norm(mechanism)
    countries = set()
    words = []
    for w in re.findall(r"[a-z0-9+]+", text):
        iso = kb.country_names.get(w) or kb.demonyms.get(w)
        if iso:
            countries.add(iso)
            continue
        if w in STOP:
            continue
        w = re.sub(r"(?<=[a-z]{3})ies$", "y", w)
        words.append(re.sub(r"(?<=[a-z]{3})(?<!s)s$", "", w))
    for a in actor_ids:
        actor = kb.actors.get(a)
        if actor is not None and actor.country:
            countries.add(actor.country)
    if not words:
        return None
    return "series:" + ".".join(sorted(c.lower() for c in countries)) + ":" + ".".join(sorted(set(words)))


def same_series(a: str, b: str) -> bool:
    """Two series keys for one mechanism: same countries, one's words within the other's."""
    _, ca, wa = a.split(":", 2)
    _, cb, wb = b.split(":", 2)
    sa, sb = set(wa.split(".")), set(wb.split("."))
    return ca == cb and (sa <= sb or sb <= sa)


def load_extractions(rows: list[dict], parts: list[dict]) -> list[Extraction]:
    by_event = defaultdict(list)
    for p in parts:
        by_event[p["event_id"]].append((p["actor_id"], p["role"]))
    out = []
    for r in rows:
        out.append(Extraction(
            id=r["id"], document_id=r["document_id"], type=r["type"], date=r["date"],
            date_precision=r["date_precision"], date_basis=r["date_basis"], venue=r["venue"], city=r["city"],
            country=r["country"], format=r["format"], status=r["status"], mechanism=r["mechanism"],
            ordinal=r["ordinal"], confidence=r["confidence"] or 0.0, cameo=r["cameo"], plover=r["plover"],
            participants=sorted(by_event.get(r["id"], [])), root_document=r.get("root") or r["document_id"],
            date_partial=r.get("date_partial")))
    return out
