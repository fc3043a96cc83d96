"""The extraction pipeline, stage by stage: read -> clean + metadata -> parse -> actors
-> events -> positions. ``extract_item`` is what every surface (CLI, API, Python) calls.
"""
from __future__ import annotations

import bisect
import copy
import os
import re
from typing import Optional

from . import dates, document, nlp
from .actors import Resolver, resolve_pronouns
from .events import Context, EventExtractor, Sentence, mention_tokens
from .kb import KB
from .model import Document, Extraction
from .positions import PositionExtractor
from .readers import RawItem


# The cheap first pass is on unless PARLEY_PREFILTER=0 (or `--full` on the command line);
# PARLEY_PREFILTER=events (or `--fast`) parses only what events can come from.
PREFILTER = {"0": False, "events": "events"}.get(os.environ.get("PARLEY_PREFILTER", "1"), True)


def extract_item(raw: RawItem, published: Optional[str] = None, outlet: Optional[str] = None,
                 prefilter: Optional[bool] = None) -> Extraction:
    doc, paras = document.build(raw, published=published, outlet=outlet)
    return analyze(doc, paras, prefilter=prefilter)


def extract_text(text: str, published: Optional[str] = None, source: str = "<text>",
                 title: Optional[str] = None) -> Extraction:
    return extract_item(RawItem(source=source, content=text, title=title), published=published)


def sentences_of(sdoc, paras, parsed=None) -> list[Sentence]:
    """Sentences of the body, never crossing a paragraph; the headline is left out.

    With ``parsed`` [(start, end)] (the stretches the prefilter had parsed), spaCy's
    sentences are used there and punctuation-split ones, marked unparsed, elsewhere."""
    body = [(p.start, p.end) for p in paras if p.kind == "body" and p.start >= 0]
    skip = {(p.start, p.end) for p in paras if p.kind == "body" and p.start >= 0 and _headline_like(p.text)}
    starts = [b[0] for b in body]
    out: list[Sentence] = []
    text = nlp.text_of(sdoc)
    if parsed is None:
        segments = [(sent.start_char, sent.end_char, True) for sent in sdoc.sents]
    else:
        from .prefilter import sentences

        inside = sorted(parsed)
        starts_in = [a for a, _ in inside]
        cuts: dict = {}  # spaCy's sentence starts inside each parsed stretch
        for sent in sdoc.sents:
            k = bisect.bisect_right(starts_in, sent.start_char) - 1
            if k >= 0 and sent.start_char < inside[k][1]:
                cuts.setdefault(k, []).append(sent.start_char)
        segments = []
        for k, (a, b) in enumerate(inside):
            marks = sorted(set([a] + cuts.get(k, [])))
            segments += [(x, y, True) for x, y in zip(marks, marks[1:] + [b]) if x < y]
        for s, e in sentences(text):
            k = bisect.bisect_right(starts_in, s) - 1
            if k < 0 or s >= inside[k][1]:
                segments.append((s, e, False))
        segments.sort()
    for seg_start, seg_end, is_parsed in segments:
        for m in re.finditer(r"[^\n]+", text[seg_start:seg_end]):
            s, e = seg_start + m.start(), seg_start + m.end()
            seg = text[s:e]
            lead = len(seg) - len(seg.lstrip())
            s, seg = s + lead, seg.strip()
            if not seg:
                continue
            k = bisect.bisect_right(starts, s) - 1
            if k < 0 or s >= body[k][1] or body[k] in skip:
                continue  # headline, a related-story line, or outside the body
            out.append(Sentence(s, s + len(seg), seg, k, len(out), is_parsed))
    return out


def _headline_like(text: str) -> bool:
    """A short line without a closing stop inside the body: a subhead or a related story's title."""
    t = text.strip()
    return len(t.split()) <= 20 and not t.endswith((".", "!", "?", '"', "\u201d", "'", "\u2019", ":", ")"))


def analyze(doc: Document, paras, sdoc=None, prefilter: Optional[bool] = None) -> Extraction:
    """Everything extracted from one document. With ``prefilter`` (default: ``PREFILTER``), a
    cheap first pass (parley/prefilter.py) decides which sentences get spaCy's full pipeline."""
    if sdoc is not None:
        return _extract(doc, paras, sdoc, None)
    return analyze_many([(doc, paras)], prefilter)[0]


def analyze_many(built: list, prefilter=None) -> list[Extraction]:
    """``analyze`` for several (document, paragraphs) at once: their parses share batches.
    ``prefilter``: True (the first pass), "events" (it keeps only what events need), False."""
    use = PREFILTER if prefilter is None else prefilter
    plans = []
    for doc, _ in built:
        if use:
            from . import prefilter as pf

            plan = pf.plan(doc.text, events_only=use == "events")
            plans.append(None if plan.mode == "none" else plan.spans if plan.mode == "some" else "all")
        else:
            plans.append("all")
    todo = [i for i, p in enumerate(plans) if p is not None]
    sdocs = dict(zip(todo, nlp.parse_many([(built[i][0].text, None if plans[i] == "all" else plans[i])
                                           for i in todo])))
    return [_extract(doc, paras, sdocs[i], None if plans[i] == "all" else plans[i]) if i in sdocs
            else Extraction(document=doc) for i, (doc, paras) in enumerate(built)]


def _extract(doc: Document, paras, sdoc, parsed) -> Extraction:
    kb = KB.load()
    published = dates.parse_date(doc.published)
    dl = doc.dateline.date if doc.dateline.date and not doc.dateline.date.startswith("--") else None
    ref = published or dates.parse_date(dl)
    ref_iso = ref.isoformat() if ref else None
    mentions, actors = Resolver(kb).mentions(sdoc, ref_iso, authors=doc.authors)
    mentions = resolve_pronouns(sdoc, mentions, actors)
    sentences = sentences_of(sdoc, paras, parsed)
    starts = [s.start for s in sentences]
    for m in mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        m.sent = i if i >= 0 and m.end <= sentences[i].end else -1
    dl_day = dates.parse_date(dl) if dl and "dateline_conflict" not in doc.warnings else None
    ctx = Context(published=published, ref=ref, dateline_place=doc.dateline.place, dateline_day=dl_day)
    if ref is None:  # no year anywhere: keep the report's day and month for merging
        ctx.partial = doc.dateline.date if doc.dateline.date and doc.dateline.date.startswith("--") else next(
            (f"--{d.month:02d}-{d.day:02d}" for s in sentences[:3] for d in dates.find(s.text)
             if d.month and d.day and not d.year), None)
    tokens = mention_tokens(sdoc, mentions)  # which tokens each mention covers, for both stages
    events = EventExtractor(kb).extract(sentences, mentions, actors, ctx, sdoc=sdoc, tokens=tokens)
    positions = PositionExtractor(kb).extract(sentences, mentions, actors, ctx, events, sdoc=sdoc,
                                              mention_tokens=tokens)
    for ev in events:
        ev.assign_id(doc.id)
    used = {p.actor_id for e in events for p in e.participants} | {p.speaker_id for p in positions}
    surface: dict = {}
    for m in mentions:
        if m.how in ("name", "ner", "surname", "title"):
            surface.setdefault(m.actor_id, set()).add(m.text)
    out_actors = []
    for aid in sorted(used | set(surface)):
        if aid in actors:  # a copy: the knowledge base's actor stays as it is
            a = copy.copy(actors[aid])
            a.aliases = sorted(set(a.aliases) | {t for t in surface.get(aid, ()) if t != a.name})
            out_actors.append(a)
    return Extraction(document=doc, actors=out_actors, events=events, positions=positions)
