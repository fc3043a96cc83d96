"""Accuracy against hand-made gold annotations (the gold format of SPEC.md / GUIDE.md).

Metrics: event precision/recall/F1, strict (same type, same core participants, same
date or a day inside the gold's date range) and lenient (same or compatible type, a
core participant in common); date, location, format and role accuracy on lenient
matches; position F1 on (speaker, topic) pairs; title, publication date and outlet
accuracy. Optional gold events neither count as misses nor make a match a false
positive. Names are compared through the gold's alias table and the prediction's own.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

NON_CORE = {"attendee", "courier", "speaker"}
COMPATIBLE = {frozenset(("meeting", "session"))}


def _key(s: Optional[str]) -> str:
    s = (s or "").lower().replace("\u2019", "'")
    s = re.sub(r"[.,\"]", "", s).strip()
    s = re.sub(r"^the ", "", s)
    return re.sub(r"\s+", " ", s)


class Names:
    """Canonical names: the gold's aliases first, then the prediction's actor table."""

    def __init__(self, gold_actors: list):
        self.table = {}
        for a in gold_actors:
            for n in [a["name"]] + list(a.get("aliases") or []):
                self.table[_key(n)] = a["name"]

    def canon(self, name: Optional[str], more=()) -> str:
        for n in (name, *more):
            hit = self.table.get(_key(n))
            if hit:
                return hit
        return _key(name)


def _pred_aliases(pred: dict) -> dict:
    out = {}
    for a in pred.get("actors") or []:
        names = [n for n in [a.get("name")] + list(a.get("aliases") or []) if n]
        for k in (a.get("id"), a.get("name")):
            if k:
                out[k] = names
    return out


def _core(parts: list, canon: Callable) -> frozenset:
    return frozenset(canon(p) for p in parts if p.get("role") not in NON_CORE)


def _date_ok(g: dict, p: dict) -> bool:
    gd, pd = g.get("date"), p.get("date")
    gd, pd = (None if gd in (None, "") else str(gd)), (None if pd in (None, "") else str(pd))
    if gd == pd:
        return True
    rng = g.get("date_range")
    return bool(rng and pd and len(pd) == 10 and rng[0] <= pd <= rng[1])


def _loc_ok(g: Optional[dict], p: Optional[dict]) -> Optional[bool]:
    g, p = g or {}, p or {}
    if g.get("city"):
        return _key(g["city"]) == _key(p.get("city"))
    if g.get("venue"):
        gv, pv = _key(g["venue"]), _key(p.get("venue"))
        return bool(pv) and (gv in pv or pv in gv)
    if g.get("country"):
        return _key(g["country"]) == _key(p.get("country"))
    return None


def match(gold: list, pred: list, gcanon: Callable, pcanon: Callable) -> list[tuple]:
    """Greedy best-first pairing of gold and predicted events: [(gi, pi, strict)]."""
    scored = []
    for gi, g in enumerate(gold):
        gc = _core(g["participants"], gcanon)
        for pi, p in enumerate(pred):
            same = g["type"] == p.get("type")
            if not same and frozenset((g["type"], p.get("type"))) not in COMPATIBLE:
                continue
            pc = _core(p.get("participants") or [], pcanon)
            common = gc & pc
            if gc and not common:
                continue
            d = _date_ok(g, p)
            strict = same and gc == pc and d
            scored.append(((strict, d, same, len(common) / max(1, len(gc | pc))), gi, pi, strict))
    scored.sort(key=lambda x: x[0], reverse=True)
    used_g, used_p, out = set(), set(), []
    for _, gi, pi, strict in scored:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi, strict))
    return out


@dataclass
class Tally:
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        "strict lenient npred ngold date date_n loc loc_n fmt fmt_n role role_n pos_tp pos_pred pos_gold "
        "title pub pub_n outlet outlet_n docs missing".split(), 0))
    details: list = field(default_factory=list)

    def add(self, k: str, n=1) -> None:
        self.counts[k] += n

    def summary(self) -> dict:
        c = self.counts

        def prf(tp, npred, ngold):
            p = tp / npred if npred else (1.0 if not ngold else 0.0)
            r = tp / ngold if ngold else 1.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)

        sp, sr, sf = prf(c["strict"], c["npred"], c["ngold"])
        lp, lr, lf = prf(c["lenient"], c["npred"], c["ngold"])
        pp, pr, pf = prf(c["pos_tp"], c["pos_pred"], c["pos_gold"])
        acc = lambda a, n: c[a] / c[n] if c[n] else None
        return {
            "documents": c["docs"], "missing_predictions": c["missing"], "gold_events": c["ngold"],
            "predicted_events": c["npred"], "event_strict_p": sp, "event_strict_r": sr, "event_strict_f1": sf,
            "event_lenient_p": lp, "event_lenient_r": lr, "event_lenient_f1": lf,
            "date_acc": acc("date", "date_n"), "location_acc": acc("loc", "loc_n"),
            "format_acc": acc("fmt", "fmt_n"), "role_acc": acc("role", "role_n"),
            "position_p": pp, "position_r": pr, "position_f1": pf,
            "title_acc": c["title"] / c["docs"] if c["docs"] else None,
            "published_acc": acc("pub", "pub_n"), "outlet_acc": acc("outlet", "outlet_n"),
        }


def score_document(gdoc: dict, pred: Optional[dict], names: Names, t: Tally) -> None:
    t.add("docs")
    if pred is None:
        t.add("missing")
        t.details.append(f"{gdoc['file']}: no prediction")
        pred = {}
    ptable = _pred_aliases(pred)
    gcanon = lambda p: names.canon(p.get("actor"))
    pcanon = lambda p: names.canon(p.get("actor") or "", ptable.get(p.get("actor_id")) or ptable.get(p.get("actor")) or [])
    gold = gdoc.get("events") or []
    preds = [e for e in pred.get("events") or [] if isinstance(e, dict)]
    pairs = match(gold, preds, gcanon, pcanon)
    required = [i for i, g in enumerate(gold) if not g.get("optional")]
    optional_hits = {pi for gi, pi, _ in pairs if gold[gi].get("optional")}
    t.add("ngold", len(required))
    t.add("npred", len(preds) - len(optional_hits))
    for gi, pi, strict in pairs:
        g, p = gold[gi], preds[pi]
        if g.get("optional"):
            continue
        t.add("lenient")
        t.add("strict", int(strict))
        t.add("date_n")
        t.add("date", int(_date_ok(g, p)))
        lo = _loc_ok(g.get("location"), p.get("location"))
        if lo is not None:
            t.add("loc_n")
            t.add("loc", int(lo))
        if g.get("format"):
            t.add("fmt_n")
            t.add("fmt", int(g["format"] == p.get("format")))
        proles = {pcanon(x): x.get("role") for x in p.get("participants") or []}
        for x in g["participants"]:
            n = gcanon(x)
            if n in proles:
                t.add("role_n")
                t.add("role", int(proles[n] == x["role"]))
        if not strict:
            t.details.append(f"{gdoc['file']}: partial {g['type']} {g.get('date')} ~ {p.get('type')} {p.get('date')}")
    matched = {gi for gi, _, _ in pairs}
    for gi in required:
        if gi not in matched:
            g = gold[gi]
            t.details.append(f"{gdoc['file']}: missed {g['type']} {g.get('date')} "
                             f"{sorted(_core(g['participants'], gcanon))}")
    used = {pi for _, pi, _ in pairs}
    for pi, p in enumerate(preds):
        if pi not in used:
            t.details.append(f"{gdoc['file']}: extra {p.get('type')} {p.get('date')} "
                             f"{sorted(_core(p.get('participants') or [], pcanon))}")
    gpos = {(names.canon(x["speaker"]), x["topic"]) for x in gdoc.get("positions") or [] if not x.get("optional")}
    gopt = {(names.canon(x["speaker"]), x["topic"]) for x in gdoc.get("positions") or [] if x.get("optional")}
    ppos = {(names.canon(x["speaker"], ptable.get(x.get("speaker_id")) or []), x.get("topic"))
            for x in pred.get("positions") or [] if isinstance(x, dict) and x.get("speaker")}
    t.add("pos_tp", len(gpos & ppos))
    t.add("pos_pred", len(ppos - gopt))
    t.add("pos_gold", len(gpos))
    pdoc = pred.get("document") or {}
    t.add("title", int(_key(gdoc.get("title")) == _key(pdoc.get("title") or "")))
    if gdoc.get("published"):
        t.add("pub_n")
        t.add("pub", int(gdoc["published"] == pdoc.get("published")))
    if gdoc.get("outlet"):
        t.add("outlet_n")
        po, go = _key(pdoc.get("outlet")), _key(gdoc["outlet"])
        t.add("outlet", int(bool(po) and (go in po or po in go)))


def evaluate(gold_paths: list, docs_dir: Optional[str] = None, predictions: Optional[str] = None,
             extract: Optional[Callable] = None) -> Tally:
    """Score extraction against gold files.

    Either ``predictions`` (a folder of `parley extract` JSON files named after the
    documents) or ``docs_dir`` (the texts, extracted now with ``extract(path, published)``).
    Where a gold document records no publication date in its text but a
    ``published_meta``, that date is passed to the extractor, as a user would.
    """
    t = Tally()
    for gp in gold_paths:
        gold = json.loads(Path(gp).read_text(encoding="utf-8"))
        names = Names(gold.get("actors") or [])
        for gdoc in gold["documents"]:
            pred = None
            if predictions:
                f = Path(predictions) / (Path(gdoc["file"]).stem + ".json")
                pred = json.loads(f.read_text(encoding="utf-8")) if f.exists() else None
            elif docs_dir and extract:
                f = Path(docs_dir) / gdoc["file"]
                if f.exists():
                    pub = None if gdoc.get("published") else gdoc.get("published_meta")
                    pred = extract(str(f), pub)
            score_document(gdoc, pred, names, t)
    return t


def extract_file(path: str, published: Optional[str]) -> Optional[dict]:
    from . import readers
    from .errors import InputError
    from .pipeline import extract_item

    for item in readers.read([path]):
        if isinstance(item, InputError):
            return None
        try:
            return extract_item(item, published=published).to_dict()
        except InputError:
            return None
    return None


# -- floors: the accuracy gate --------------------------------------------------
def check_floors(results: dict, floors: dict) -> list[str]:
    """Metrics below their pinned floor, as messages."""
    out = []
    for name, metrics in floors.items():
        got = results.get(name) or {}
        for k, floor in metrics.items():
            v = got.get(k)
            if v is None or v + 1e-9 < floor:
                out.append(f"{name}.{k} = {v if v is None else round(v, 3)} is below its floor {floor}")
    return out


def raise_floors(results: dict, floors: dict, allow_lower: bool = False) -> dict:
    """New floors: the current values, never lower than before unless allowed."""
    new = {}
    for name, metrics in floors.items():
        new[name] = {}
        for k, floor in metrics.items():
            v = (results.get(name) or {}).get(k)
            v = floor if v is None else math.floor(float(v) * 1000 + 1e-6) / 1000
            new[name][k] = v if allow_lower else max(floor, v)
    return new


# -- merging: pairwise precision and recall of "same event" decisions -------------------
def score_merge(gold: dict, events: list[dict]) -> dict:
    """Each (report, gold cluster) pair is a mention, assigned to the predicted event that lists
    the report among its sources and fits the cluster best (compatible type, a core actor in
    common, same date preferred). Pairwise precision and recall compare which mentions share
    a predicted event with which share a gold cluster."""
    import itertools
    from pathlib import PurePath

    names = Names(gold.get("actors") or [])
    canon = lambda p: names.canon(p.get("actor"))

    def srcs(e):
        return {PurePath(str(s.get("source") if isinstance(s, dict) else s)).name for s in e.get("sources") or []}

    def fit(c, e):
        if c["type"] != e.get("type") and frozenset((c["type"], e.get("type"))) not in COMPATIBLE:
            return 0.0
        g, p = _core(c["participants"], canon), _core(e.get("participants") or [], canon)
        if g and not g & p:
            return 0.0
        return len(g & p) / max(1, len(g | p)) + (1.0 if (c.get("date") or None) == (e.get("date") or None) else 0.0)

    assign, used = {}, set()
    for c in gold["clusters"]:
        for f in c["reports"]:
            best, score = None, 0.0
            for i, e in enumerate(events):
                if f in srcs(e):
                    v = fit(c, e)
                    if v > score:
                        best, score = i, v
            assign[(f, c["id"])] = best if best is not None else ("alone", f, c["id"])
            if best is not None:
                used.add(best)
    tp = pp = gp = 0
    for a, b in itertools.combinations(list(assign), 2):
        same_g, same_p = a[1] == b[1], assign[a] == assign[b]
        gp += same_g
        pp += same_p
        tp += same_g and same_p
    n = len(gold["clusters"])
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return {"gold_clusters": n, "events_matching_clusters": len(used), "count_ratio": len(used) / n if n else None,
            "pairwise_p": p, "pairwise_r": r, "pairwise_f1": 2 * p * r / (p + r) if p + r else 0.0,
            "mentions": len(assign), "unassigned_mentions": sum(1 for v in assign.values() if isinstance(v, tuple))}


def evaluate_merge(gold_path: str, docs_dir: str, db_path: Optional[str] = None) -> dict:
    """Ingest the reports into a fresh database, then score its events against the clusters."""
    import tempfile

    from .ingest import ingest
    from .store import Store

    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        path = db_path or str(Path(tmp) / "merge.duckdb")
        with Store(path) as store:
            ingest([docs_dir], store)
            events = store.events()
    return score_merge(gold, events)
