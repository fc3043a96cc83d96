"""Export canonical events to files other tools read: JSON Lines, CSV, Parquet, GDELT 2.0
event rows, PLOVER records, and the actor network as GraphML or GEXF.

Each writer takes the event dicts of ``Store.events()``; GDELT and PLOVER also use the
actors and documents of the store (``Context.of(store)``) for actor codes, URLs and offsets.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from typing import IO, Iterable, Optional

from .kb import load_yaml

FORMATS = ("jsonl", "csv", "parquet", "gdelt", "plover", "graphml", "gexf")

_ACTOR_FIELDS = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                 "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
_GEO_FIELDS = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
# The GDELT 2.0 Event table, in the order of the codebook (V2.0, 2015): 61 tab-separated columns.
GDELT_COLUMNS = (["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
                 + [f"Actor1{f}" for f in _ACTOR_FIELDS] + [f"Actor2{f}" for f in _ACTOR_FIELDS]
                 + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                    "NumMentions", "NumSources", "NumArticles", "AvgTone"]
                 + [f"{who}Geo_{f}" for who in ("Actor1", "Actor2", "Action") for f in _GEO_FIELDS]
                 + ["DATEADDED", "SOURCEURL"])

# PLOVER event categories and their quad class (1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict).
PLOVER_EVENTS = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
                 "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4, "SANCTION": 4,
                 "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}

CSV_COLUMNS = ["id", "date", "date_precision", "type", "status", "format", "participants", "actor_ids", "venue",
               "city", "country", "mechanism", "ordinal", "series_id", "cameo", "plover_event", "plover_mode",
               "n_sources", "confidence", "source_urls", "source_titles", "evidence"]

_SIDE1 = ("host", "sender", "visitor")
_SIDE2 = ("guest", "recipient")
_NOT_PARTIES = ("attendee", "courier", "speaker")
_GOV_KEYS = {"head_of_state", "head_of_government", "vice_president", "deputy_head_of_government",
             "foreign_minister", "defense_minister", "finance_minister", "trade_minister", "security_adviser",
             "envoy", "monarch"}
_PARTY_KEYS = {"party_leader", "party_international_head"}


@dataclass
class Context:
    """What the GDELT and PLOVER writers need beyond the events: actors and documents by id."""
    actors: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)

    @classmethod
    def of(cls, store, texts: bool = True) -> "Context":
        return cls(actors={a["id"]: a for a in store.actors()},
                   documents={d["id"]: d for d in store.documents(with_text=texts)})


# -- tables ---------------------------------------------------------------------------------------
def write_jsonl(events: list[dict], out: IO[str]) -> int:
    """One event (the full dict of ``Store.events``) per line."""
    for e in events:
        out.write(json.dumps(e, ensure_ascii=False, default=str) + "\n")
    return len(events)


def csv_row(e: dict, ctx: Optional[Context] = None) -> dict:
    """One event as flat columns (lists joined with "; " or " | ")."""
    loc = e.get("location") or {}
    plover = e.get("plover") or {}
    sources = e.get("sources") or []
    return {
        "id": e["id"], "date": e["date"], "date_precision": e["date_precision"], "type": e["type"],
        "status": e["status"], "format": e["format"],
        "participants": "; ".join(f"{p['actor']} ({p['role']})" for p in e["participants"]),
        "actor_ids": "; ".join(p["actor_id"] for p in e["participants"]),
        "venue": loc.get("venue"), "city": loc.get("city"), "country": loc.get("country"),
        "mechanism": e.get("mechanism"), "ordinal": e.get("ordinal"), "series_id": e.get("series_id"),
        "cameo": e.get("cameo"), "plover_event": plover.get("event"), "plover_mode": plover.get("mode"),
        "n_sources": e.get("n_sources"), "confidence": e.get("confidence"),
        "source_urls": " | ".join(_url(s, ctx) for s in sources),
        "source_titles": " | ".join(s.get("title") or "" for s in sources),
        "evidence": (e.get("evidence") or [{}])[0].get("text"),
    }


def write_csv(events: list[dict], out: IO[str], ctx: Optional[Context] = None) -> int:
    """One row per event, with a header."""
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for e in events:
        w.writerow(csv_row(e, ctx))
    return len(events)


def arrow_table(events: list[dict]):
    """The events as a pyarrow Table; participants, evidence and sources stay nested lists of structs."""
    import pyarrow as pa

    s = pa.string()
    span = [("start", pa.int64()), ("end", pa.int64()), ("text", s)]
    schema = pa.schema([
        ("id", s), ("type", s), ("date", s), ("date_precision", s), ("date_basis", s),
        ("participants", pa.list_(pa.struct([("actor", s), ("actor_id", s), ("role", s)]))),
        ("venue", s), ("city", s), ("country", s), ("format", s), ("status", s), ("mechanism", s),
        ("ordinal", pa.int32()), ("series_id", s),
        ("evidence", pa.list_(pa.struct([("document_id", s)] + span))),
        ("confidence", pa.float64()), ("cameo", s), ("plover_event", s), ("plover_mode", s),
        ("conflicts", s), ("linked_to", s), ("n_sources", pa.int32()),
        ("sources", pa.list_(pa.struct([("document_id", s), ("source", s), ("title", s), ("published", s),
                                         ("outlet", s), ("duplicate_of", s),
                                         ("evidence", pa.list_(pa.struct(span)))]))),
    ])
    rows = []
    for e in events:
        loc = e.get("location") or {}
        plover = e.get("plover") or {}
        row = {k: e.get(k) for k in schema.names}
        row.update(venue=loc.get("venue"), city=loc.get("city"), country=loc.get("country"),
                   plover_event=plover.get("event"), plover_mode=plover.get("mode"),
                   conflicts=json.dumps(e.get("conflicts") or [], ensure_ascii=False),
                   sources=[{k: (str(v) if k == "published" and v is not None else v) for k, v in src.items()}
                            for src in e.get("sources") or []])
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=schema)


def write_parquet(events: list[dict], path) -> int:
    """A Parquet file (a path or a binary stream) that pandas.read_parquet loads."""
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(events), path)
    return len(events)


# -- GDELT ----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _goldstein() -> dict:
    return {str(k): float(v) for k, v in load_yaml("goldstein.yaml").items()}


@lru_cache(maxsize=1)
def _fips() -> dict:
    return {k: str(v) for k, v in load_yaml("fips.yaml").items()}


@lru_cache(maxsize=1)
def _country_names() -> dict:
    return {c["iso3"]: c["name"] for c in load_yaml("countries.yaml")}


def goldstein(cameo: Optional[str]) -> Optional[float]:
    """The Goldstein score of a CAMEO code: the code's own, else its base code's, else its root's."""
    if not cameo:
        return None
    table = _goldstein()
    for key in (cameo, cameo[:3], cameo[:2]):
        if key in table:
            return table[key]
    return None


def quad_class(cameo: Optional[str]) -> Optional[int]:
    """1 verbal cooperation (01-05), 2 material cooperation (06-08), 3 verbal conflict (09-13),
    4 material conflict (14-20)."""
    if not cameo or not cameo[:2].isdigit():
        return None
    root = int(cameo[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4 if root <= 20 else None


def event_number(event_id: str) -> int:
    """A stable integer for an event id (GLOBALEVENTID): its hex digits, below 2**53."""
    digits = event_id.split("-", 1)[-1]
    if not re.fullmatch(r"[0-9a-f]+", digits):
        digits = hashlib.sha256(event_id.encode()).hexdigest()[:16]
    return int(digits, 16) % 2 ** 53


def _day(e: dict, all_dates: bool) -> Optional[str]:
    """The event's date as YYYY-MM-DD; month or year dates give the first day with ``all_dates``."""
    d = e.get("date")
    if not d:
        return None
    if e.get("date_precision") == "day" and len(d) == 10:
        return d
    return _first_day(d) if all_dates else None


def _first_day(d: str) -> str:
    """"2024", "2024-05", "2024-05-16" -> the first day they cover, YYYY-MM-DD."""
    parts = d.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _active_roles(actor: dict, day: str) -> list[dict]:
    return [r for r in actor.get("roles") or []
            if (not r.get("start") or r["start"] <= day) and (not r.get("end") or day < r["end"])]


def _agent_type(actor: Optional[dict], day: str) -> tuple[str, Optional[str]]:
    """The CAMEO role type of an actor at a date (GOV, LEG, IGO, PTY or "") and, for a person, the
    title of the office that gives it."""
    kind = (actor or {}).get("kind")
    if kind in ("igo", "party"):
        return ("IGO" if kind == "igo" else "PTY"), None
    if kind != "person":
        return "", None
    countries = set(_country_names().values())
    ranked = []
    for r in _active_roles(actor, day):
        key = r.get("key")
        typ = ("GOV" if key in _GOV_KEYS or (key == "other" and r.get("organization") in countries)
               else "LEG" if key == "legislature_head" else "IGO" if key == "igo_head"
               else "PTY" if key in _PARTY_KEYS else "")
        ranked.append(((["GOV", "LEG", "IGO", "PTY", ""].index(typ), key == "other"), typ, r.get("title")))
    return min(ranked)[1:] if ranked else ("", None)


def _gdelt_actor(p: Optional[dict], ctx: Context, day: str) -> list:
    if p is None:
        return [""] * len(_ACTOR_FIELDS)
    actor = _actor(p, ctx)
    kind = actor.get("kind")
    typ = _agent_type(actor, day)[0]
    country = "" if kind == "igo" else (actor.get("country") or "")
    code = "IGO" if kind == "igo" else country + (typ if kind != "country" else "")
    return [code, (p.get("actor") or actor.get("name") or "").upper(), country, "", "", "", "", typ, "", ""]


def sides(e: dict) -> tuple[list[dict], list[dict]]:
    """The initiating side (host, sender, visitor; or every party of a mutual event) and the other side."""
    core = [p for p in e["participants"] if p["role"] not in _NOT_PARTIES]
    first = [p for p in core if p["role"] in _SIDE1]
    if first:
        return first, [p for p in core if p["role"] in _SIDE2]
    return core, []


def _visited(e: dict, first: list[dict], ctx: Context) -> Optional[dict]:
    """For a visit with no named host: the country visited, as a participant."""
    iso = (e.get("location") or {}).get("country")
    if e["type"] != "visit" or not iso or iso not in _country_names():
        return None
    if first and _actor(first[0], ctx).get("country") == iso:
        return None
    name = _country_names()[iso]
    return {"actor": name, "actor_id": _slug(name), "role": "visited", "country": iso}


def _actor(p: dict, ctx: Context) -> dict:
    """The stored actor of a participant (a visited country may not be one: it is made up here)."""
    return ctx.actors.get(p["actor_id"]) or {"id": p["actor_id"], "name": p["actor"],
                                             "kind": "country" if p.get("country") else None,
                                             "country": p.get("country")}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _geo(loc: dict) -> list:
    iso = loc.get("country")
    name = _country_names().get(iso, iso) if iso else None
    place = loc.get("city") or loc.get("venue")
    if place:
        return [4, ", ".join(x for x in (place, name) if x), _fips().get(iso, ""), "", "", "", "", ""]
    if iso:
        fips = _fips().get(iso, "")
        return [1, name, fips, fips, "", "", "", ""]
    return [0, "", "", "", "", "", "", ""]


def _lead_end(text: str) -> int:
    """Offset of the end of an article's lead: its first two paragraphs (the title and the first one)."""
    ends = [m.start() for m in re.finditer(r"\n\s*\n", text)]
    return ends[1] if len(ends) > 1 else len(text)


def _is_root(e: dict, ctx: Context) -> int:
    for ev in e.get("evidence") or []:
        doc = ctx.documents.get(ev.get("document_id")) or {}
        if doc.get("text") is not None and ev["start"] < _lead_end(doc["text"]):
            return 1
    return 0


def _url(src: dict, ctx: Optional[Context]) -> str:
    doc = (ctx.documents.get(src["document_id"]) if ctx else None) or {}
    return doc.get("url") or src.get("source") or ""


def _first_source(e: dict) -> Optional[dict]:
    srcs = e.get("sources") or []
    return min(srcs, key=lambda s: (str(s.get("published") or "9999"), s["document_id"])) if srcs else None


def gdelt_row(e: dict, ctx: Context, all_dates: bool = False) -> Optional[list]:
    """One GDELT 2.0 event row (values in GDELT_COLUMNS order), or None for an event without a day."""
    day = _day(e, all_dates)
    if day is None:
        return None
    y, m, d = (int(x) for x in day.split("-"))
    first, second = sides(e)
    a1 = first[0] if first else None
    a2 = second[0] if second else (first[1] if len(first) > 1 else _visited(e, first, ctx))
    cameo = e.get("cameo") or ""
    src = _first_source(e)
    published = str(src.get("published") or "") if src else ""
    added = _first_day(published) if re.fullmatch(r"\d{4}(-\d\d){0,2}", published) else day
    score = goldstein(cameo)
    fraction = y + ((m - 1) * 30 + d) / 365  # GDELT's FractionDate: 30-day months over a 365-day year
    row = ([event_number(e["id"]), day.replace("-", ""), f"{y}{m:02d}", y, f"{fraction:.4f}"]
           + _gdelt_actor(a1, ctx, day) + _gdelt_actor(a2, ctx, day)
           + [_is_root(e, ctx), cameo, cameo[:3], cameo[:2], quad_class(cameo) or "",
              "" if score is None else score, len(e.get("evidence") or []), e.get("n_sources") or 0,
              len(e.get("sources") or []), ""]
           + [0] + [""] * 7 + [0] + [""] * 7 + _geo(e.get("location") or {})
           + [added.replace("-", "") + "000000", _url(src, ctx) if src else ""])
    return ["" if v is None else re.sub(r"[\t\r\n]+", " ", str(v)) for v in row]


def write_gdelt(events: list[dict], out: IO[str], ctx: Context, header: bool = False,
                all_dates: bool = False) -> tuple[int, int]:
    """Tab-separated GDELT 2.0 event rows, no header unless asked; (written, skipped without a day)."""
    if header:
        out.write("\t".join(GDELT_COLUMNS) + "\n")
    written = 0
    for e in events:
        row = gdelt_row(e, ctx, all_dates)
        if row is not None:
            out.write("\t".join(row) + "\n")
            written += 1
    return written, len(events) - written


# -- PLOVER ---------------------------------------------------------------------------------------
def _plover_actor(p: dict, ctx: Context, day: str) -> dict:
    actor = _actor(p, ctx)
    kind = actor.get("kind")
    sector, office = _agent_type(actor, day)
    return {"code": "IGO" if kind == "igo" else actor.get("country"), "sector": sector or None,
            "actor_text": p["actor"], "identifier_text": p["actor"], "parley_id": p["actor_id"], "role": p["role"],
            "office": office}


def _cite(src: dict, ctx: Context) -> dict:
    doc = ctx.documents.get(src["document_id"]) or {}
    return {"corpus": "parley", "citation": src.get("source"), "url": doc.get("url") or src.get("source"),
            "title": src.get("title"), "publication": src.get("outlet"),
            "published": None if src.get("published") is None else str(src["published"]),
            "document_id": src["document_id"]}


def plover_record(e: dict, ctx: Context, all_dates: bool = False) -> Optional[dict]:
    """One event as a PLOVER JSON record, or None when it has no day, no actor or no PLOVER category.

    Mutual events (a meeting, a call) have every party as ``source`` and no ``recipient``, as the
    PLOVER manual asks for reciprocal events; each evidence item keeps its document offsets."""
    plover = e.get("plover") or {}
    day = _day(e, all_dates)
    first, second = sides(e)
    if day is None or not first or plover.get("event") not in PLOVER_EVENTS:
        return None
    visited = None if second else _visited(e, first, ctx)
    loc = e.get("location") or {}
    place = [loc.get("venue"), loc.get("city"), _country_names().get(loc.get("country"), loc.get("country"))]
    evidence = []
    for src in e.get("sources") or []:
        for ev in src.get("evidence") or []:
            evidence.append({"document_id": src["document_id"], "start": ev["start"], "end": ev["end"],
                             "text": ev["text"], "cite_info": _cite(src, ctx)})
    lead = evidence[0] if evidence else None
    attendees = [p["actor"] for p in e["participants"] if p["role"] in _NOT_PARTIES]
    return {
        "id": e["id"], "date": day, "date_precision": e.get("date_precision"),
        "event": plover["event"], "mode": plover.get("mode"), "context": [],
        "source": [_plover_actor(p, ctx, day) for p in first],
        "recipient": [_plover_actor(p, ctx, day) for p in second + ([visited] if visited else [])],
        "event_loc": {"name": ", ".join(x for x in place if x), "venue": loc.get("venue"), "city": loc.get("city"),
                      "cc3": loc.get("country")} if any(place) else None,
        "event_text": [x["text"] for x in evidence],
        "quad_code": PLOVER_EVENTS[plover["event"]], "event_scale": goldstein(e.get("cameo")),
        "text": lead["text"] if lead else None,
        "text_info": {k: lead[k] for k in ("document_id", "start", "end")} if lead else None,
        "cite_info": lead["cite_info"] if lead else None,
        "evidence": evidence,
        "comment": f"{e['type']}, {e['status']}" + (f"; also present: {', '.join(attendees)}" if attendees else ""),
        "link": e.get("series_id") or e.get("linked_to"),
        "coder": "parley", "codebook": "PLOVER", "cameo": e.get("cameo"), "n_sources": e.get("n_sources"),
    }


def plover_records(events: Iterable[dict], ctx: Context, all_dates: bool = False) -> tuple[list[dict], int]:
    """The events as PLOVER records, and how many had no day, actor or category."""
    out, skipped = [], 0
    for e in events:
        rec = plover_record(e, ctx, all_dates)
        if rec is None:
            skipped += 1
        else:
            out.append(rec)
    return out, skipped


def write_plover(events: list[dict], out: IO[str], ctx: Context, all_dates: bool = False) -> tuple[int, int]:
    """PLOVER records as JSON Lines; (written, skipped)."""
    records, skipped = plover_records(events, ctx, all_dates)
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(records), skipped


def validate_plover(record: dict) -> list[str]:
    """What is wrong with a PLOVER record (empty when it is valid): required fields, date format,
    event categories, actor lists, quad code and text offsets."""
    errors = []
    if not isinstance(record.get("id"), str) or not record["id"]:
        errors.append("id: required, a non-empty string")
    d = record.get("date")
    try:
        ok = isinstance(d, str) and bool(re.fullmatch(r"\d{4}-\d\d-\d\d", d)) and Date.fromisoformat(d) is not None
    except ValueError:
        ok = False
    if not ok:
        errors.append(f"date: required, YYYY-MM-DD (got {d!r})")
    ev = record.get("event")
    cats = ev if isinstance(ev, list) else [ev]
    if not ev or any(c not in PLOVER_EVENTS for c in cats):
        errors.append(f"event: required, one of the PLOVER categories (got {ev!r})")
    for key, required in (("source", True), ("recipient", False)):
        actors = record.get(key)
        if actors is None and not required:
            continue
        if not isinstance(actors, list) or (required and not actors):
            errors.append(f"{key}: {'required, ' if required else ''}a list of actor objects")
        elif any(not isinstance(a, dict) or not (a.get("code") or a.get("actor_text")) for a in actors):
            errors.append(f"{key}: every actor needs a code or an actor_text")
    if record.get("mode") is not None and not isinstance(record["mode"], (str, list)):
        errors.append("mode: a string or a list")
    if record.get("quad_code") is not None and record["quad_code"] not in (1, 2, 3, 4):
        errors.append("quad_code: 1, 2, 3 or 4")
    spans = [record.get("text_info")] + list(record.get("evidence") or [])
    for s in [s for s in spans if s is not None]:
        if not (isinstance(s.get("start"), int) and isinstance(s.get("end"), int) and 0 <= s["start"] <= s["end"]):
            errors.append(f"text offsets: start <= end, both integers (got {s.get('start')!r}, {s.get('end')!r})")
            break
    return errors


# -- network --------------------------------------------------------------------------------------
def write_network(store, fmt: str, out: IO[str], since: Optional[str] = None, until: Optional[str] = None,
                  status: Optional[str] = None) -> tuple[int, int]:
    """The actor network of ``Store.network`` as GraphML or GEXF; (actors, ties)."""
    from . import network

    nodes, edges = store.network(since=since, until=until, **({"status": status} if status else {}))
    out.write(network.graphml(nodes, edges) if fmt == "graphml" else network.gexf(nodes, edges))
    return len(nodes), len(edges)


def export(store, fmt: str, out, header: bool = False, all_dates: bool = False, **filters) -> tuple[int, int]:
    """Write the events ``Store.events(**filters)`` selects in ``fmt`` to ``out`` (a text stream; a path or
    binary stream for parquet). Returns (written, skipped); for graphml and gexf (actors, ties), where only
    the since, until and status filters apply."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of: {', '.join(FORMATS)}")
    if fmt in ("graphml", "gexf"):
        return write_network(store, fmt, out, since=filters.get("since"), until=filters.get("until"),
                             status=filters.get("status"))
    events = store.events(**filters)
    ctx = Context.of(store, texts=fmt == "gdelt") if fmt in ("csv", "gdelt", "plover") else None
    if fmt == "gdelt":
        return write_gdelt(events, out, ctx, header=header, all_dates=all_dates)
    if fmt == "plover":
        return write_plover(events, out, ctx, all_dates=all_dates)
    n = write_jsonl(events, out) if fmt == "jsonl" else write_csv(events, out, ctx) if fmt == "csv" \
        else write_parquet(events, out)
    return n, 0
