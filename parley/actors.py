"""Actor mentions in a parsed document, resolved to knowledge-base actors.

Order of evidence: known names and aliases (phrase matcher over the knowledge base),
surnames after a full mention, office titles at the document's date ("the Russian
president"), people found by NER with a title or apposition, pronouns in reported
speech. Bylines and photo credits are never actors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .nlp import text_of
from .kb import KB, load_yaml, norm, slug, surname
from .model import Actor, Role

PERSON_TITLES = re.compile(
    r"(?:(?:the|former|then|acting|interim|new|outgoing|incoming)\s+)*"
    r"(?:(?P<country>[A-Z][\w.\-']+(?:\s+[A-Z][\w.\-']+)?)(?:'s)?\s+)?"
    r"(?P<title>(?:[Vv]ice[\s-])?[Pp]resident|[Pp]remier|[Pp]rime [Mm]inister|[Cc]hancellor|[Ff]oreign [Mm]inister|"
    r"[Ff]oreign [Ss]ecretary|[Ss]ecretary of [Ss]tate|[Dd]efen[cs]e [Mm]inister|[Dd]efen[cs]e [Ss]ecretary|"
    r"[Mm]inister of [A-Z][\w ]{3,30}?|[Kk]ing|[Qq]ueen|[Ee]mir|[Cc]rown [Pp]rince|[Ll]eader|[Ss]ecretary-[Gg]eneral|"
    r"[Gg]eneral [Ss]ecretary|[Cc]hairman|[Cc]hairwoman|[Cc]hair|[Ss]peaker|[Aa]mbassador|[Ee]nvoy|[Mm]inister)\s*$")
TITLE_ONLY = re.compile(
    r"\b(?:the\s+)?(?P<country>[A-Z][\w.\-]+(?: [A-Z][\w.\-]+)?)(?:['’]s)? "
    r"(?P<title>president|premier|prime minister|chancellor|foreign minister|foreign secretary|"
    r"secretary of state|defen[cs]e minister|defen[cs]e secretary|leader|king|emir|counterpart|head of state)"
    r"\b(?!\s+[A-Z])")
# Office words that name the top of a country's executive, whichever office that is there.
TOP = {"leader": ("head_of_state", "head_of_government", "monarch"),
       "counterpart": ("head_of_state", "head_of_government", "foreign_minister", "defense_minister", "monarch")}
HONORIFIC = re.compile(r"^(?:mr|mrs|ms|dr|sir|madam|president|premier|prime minister|chancellor|minister|"
                       r"secretary|general|admiral|gen|adm|col|ambassador|king|queen|prince|sheikh|emir|comrade)\.?\s+", re.I)


@dataclass
class Mention:
    start: int
    end: int
    text: str
    actor_id: str
    kind: str          # person | country | party | igo | organization
    how: str           # name | surname | title | ner | pronoun | capital | demonym
    sent: int = -1


@lru_cache(maxsize=1)
def titles() -> dict:
    return {norm(k): v for k, v in load_yaml("titles.yaml").items()}


@lru_cache(maxsize=1)
def _matcher():
    """A phrase matcher over every alias of the knowledge base (exact case)."""
    from spacy.matcher import PhraseMatcher

    from .nlp import pipeline

    nlp = pipeline()
    kb = KB.load()
    m = PhraseMatcher(nlp.vocab, attr="ORTH")
    strong, weak = [], []
    for alias, how in kb.surface.items():
        (strong if how == "strong" else weak).append(alias)
    m.add("STRONG", list(nlp.tokenizer.pipe(strong)))
    m.add("WEAK", list(nlp.tokenizer.pipe(weak)))
    return m


class Resolver:
    """Find and resolve actor mentions of one document."""

    def __init__(self, kb: Optional[KB] = None):
        self.kb = kb or KB.load()

    def mentions(self, doc, ref_date: Optional[str], authors=()) -> tuple[list[Mention], dict]:
        kb = self.kb
        excluded = {norm(a) for a in authors}
        actors: dict[str, Actor] = {}
        found: list[Mention] = []
        matches = _matcher()(doc)
        spans = []
        from spacy.util import filter_spans
        label_of = {}
        for mid, s, e in matches:
            span = doc[s:e]
            label_of[(s, e)] = doc.vocab.strings[mid]
            spans.append(span)
        spans = filter_spans(spans)
        weak_spans = []
        for span in spans:
            label = label_of[(span.start, span.end)]
            if norm(span.text) in excluded:
                continue
            if label == "STRONG":
                aid = self._pick(kb.strong.get(norm(span.text), []), ref_date)
                if aid:
                    a = kb.actors[aid]
                    found.append(Mention(span.start_char, span.end_char, span.text, aid, a.kind, "name"))
                    actors[aid] = a
            elif label == "WEAK":
                weak_spans.append(span)
        taken = [(m.start, m.end) for m in found]
        # People NER finds that the knowledge base does not know.
        for ent in doc.ents:
            if ent.label_ != "PERSON" or _overlaps(ent.start_char, ent.end_char, taken):
                continue
            name = HONORIFIC.sub("", ent.text.strip()).strip(" ,.'’")
            name = re.sub(r"['’]s$", "", name)
            if len(name.split()) < 2 or not name[:1].isupper() or norm(name) in excluded:
                continue
            if kb.place(name) or kb.country_of(name) or kb.outlet(name):
                continue  # NER calls some places and outlets persons
            if any(norm(name) == norm(a) for a in authors):
                continue
            known = kb.strong.get(norm(name))
            aid = self._pick(known, ref_date) if known else (kb.fuzzy_person(name) or slug(name))
            if not aid:
                continue
            if aid not in kb.actors and aid not in actors:
                actors[aid] = self._new_person(name, doc, ent, ref_date)
            elif aid in kb.actors:
                actors[aid] = kb.actors[aid]
            a = actors[aid]
            found.append(Mention(ent.start_char, ent.end_char, ent.text, aid, "person", "ner"))
            taken.append((ent.start_char, ent.end_char))
        # Names NER misses or calls organisations ("the Minister for Ports Anna Berg"):
        # a known first name followed by a capitalised surname.
        given = kb.given_names
        for i, tok in enumerate(doc[:-1]):
            if tok.text not in given or _overlaps(tok.idx, tok.idx + len(tok), taken):
                continue
            j = i + 1
            while j < len(doc) and j - i <= 3 and (doc[j].text[:1].isupper() and doc[j].is_alpha
                                                    or re.fullmatch(r"[A-Z]\.", doc[j].text)):
                j += 1
            span = doc[i:j]
            if j - i < 2 or not span[-1].is_alpha or _overlaps(span.start_char, span.end_char, taken):
                continue
            name = span.text
            if kb.place(name) or kb.country_of(name) or kb.outlet(name) or norm(name) in excluded \
                    or kb.strong.get(norm(name)) and kb.actors[kb.strong[norm(name)][0]].kind != "person":
                continue
            aid = self._pick(kb.strong.get(norm(name)), ref_date) or kb.fuzzy_person(name) or slug(name)
            if aid not in actors:
                actors[aid] = kb.actors.get(aid) or self._new_person(name, doc, span, ref_date)
            found.append(Mention(span.start_char, span.end_char, name, aid, "person", "ner"))
            taken.append((span.start_char, span.end_char))
        # Surnames: to a person named in full in this document, else a unique office holder.
        persons = [m for m in found if m.kind == "person"]
        for span in weak_spans:
            if _overlaps(span.start_char, span.end_char, taken) or span.text.lower() == span.text:
                continue
            aid = self._surname(span, persons, actors, ref_date)
            if aid:
                a = actors.get(aid) or kb.actors[aid]
                actors[aid] = a
                found.append(Mention(span.start_char, span.end_char, span.text, aid, "person", "surname"))
                taken.append((span.start_char, span.end_char))
        # Surnames of people NER found (not in the knowledge base).
        unknown = {surname(a.name, None): aid for aid, a in actors.items() if not a.known and a.kind == "person"}
        if unknown:
            for tok in doc:
                if tok.text in unknown and tok.text[:1].isupper() and not _overlaps(tok.idx, tok.idx + len(tok), taken):
                    found.append(Mention(tok.idx, tok.idx + len(tok), tok.text, unknown[tok.text], "person", "surname"))
                    taken.append((tok.idx, tok.idx + len(tok)))
        # Offices without a name: "the Russian president" at the document's date.
        for m in TITLE_ONLY.finditer(text_of(doc)):
            # "Russia's foreign minister": the country named in the title is part of it
            inner = [x for x in found if m.start("country") <= x.start and x.end <= m.end("country")
                     and x.kind == "country"]
            outer = [(a, b) for a, b in taken if not any(a == x.start and b == x.end for x in inner)]
            if _overlaps(m.start(), m.end(), outer):
                continue
            iso = kb.country_of(m.group("country"))
            title = norm(m.group("title"))
            keys = TOP.get(title) or ((titles().get(title),) if titles().get(title) else ())
            if not iso or not keys:
                continue
            # people of that office named in this document come first: "the Indian leader" is Modi
            named = {x.actor_id for x in found if x.kind == "person"}
            holders = []
            for key in keys:
                holders += [h for h in kb.holders(key, iso, ref_date) if h not in holders]
            in_doc = [h for h in holders if h.id in named]
            if not in_doc and title in TOP:
                in_doc = [actors[i] for i in named if i in actors and actors[i].country == iso and not actors[i].known]
            pick = in_doc if in_doc else (holders if title not in TOP else [])
            if len(pick) == 1:
                a = pick[0]
                actors[a.id] = a
                for x in inner:
                    found.remove(x)
                    taken.remove((x.start, x.end))
                found.append(Mention(m.start(), m.end(), m.group(0), a.id, "person", "title"))
                taken.append((m.start(), m.end()))
        found.sort(key=lambda m: m.start)
        found = self._join_split_names(found, text_of(doc), actors)
        return found, actors

    def _join_split_names(self, found: list, text: str, actors: dict) -> list:
        """A first name found by NER followed by the surname of a known person: one mention of them."""
        out: list[Mention] = []
        for m in found:
            prev = out[-1] if out else None
            if (prev is not None and prev.how == "ner" and m.how == "surname" and m.kind == "person"
                    and not text[prev.end:m.start].strip() and m.actor_id in self.kb.actors
                    and self.kb.fuzzy_person(prev.text + " " + m.text) == m.actor_id):
                out[-1] = Mention(prev.start, m.end, text[prev.start:m.end], m.actor_id, "person", "name")
                if prev.actor_id in actors and prev.actor_id != m.actor_id and not actors[prev.actor_id].known:
                    if not any(x.actor_id == prev.actor_id for x in out[:-1]):
                        del actors[prev.actor_id]
                continue
            out.append(m)
        return out

    # -- helpers -------------------------------------------------------------
    def _pick(self, ids, ref_date) -> Optional[str]:
        if not ids:
            return None
        if len(ids) == 1:
            return ids[0]
        from .kb import _active
        active = [i for i in ids if any(_active(r, ref_date) for r in self.kb.actors[i].roles)]
        return (active or ids)[0]

    def _surname(self, span, persons, actors, ref_date) -> Optional[str]:
        kb = self.kb
        cands = kb.weak.get(norm(span.text), [])
        named = [m for m in persons if m.actor_id in cands]
        if named:
            before = [m for m in named if m.start < span.start_char]
            return (before[-1] if before else named[0]).actor_id
        from .kb import _active
        active = [c for c in cands if any(_active(r, ref_date) and r.key in
                                          ("head_of_state", "head_of_government", "foreign_minister", "monarch")
                                          for r in kb.actors[c].roles)]
        return active[0] if len(active) == 1 else None

    def _new_person(self, name, doc, ent, ref_date) -> Actor:
        """An actor for a person the knowledge base does not know, with title and country."""
        text = text_of(doc)
        before = text[max(0, ent.start_char - 80):ent.start_char]
        after = text[ent.end_char:ent.end_char + 160]
        title = country = None
        m = PERSON_TITLES.search(before)
        if m:
            title = m.group("title")
            country = self.kb.country_of(m.group("country")) if m.group("country") else None
        ap = re.match(r"\s*,\s*(?:the\s+)?(?P<t>(?:[\w'’\-]+\s+){0,3}?(?:president|chairman|chairwoman|chair|minister|"
                      r"secretary|director|head|spokes(?:wo)?man|spokesperson|ambassador|envoy|leader|commander|"
                      r"premier|governor|adviser|advisor)[^,;.]{0,100})", after, re.I)
        if ap and not title:
            title = ap.group("t").strip()
        if title and not country:
            for w in re.findall(r"[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?", title + " " + (m.group(0) if m else "")):
                country = self.kb.country_of(w)
                if country:
                    break
        roles = [Role(title=title, key=titles().get(norm(title.split(" of ")[0]), "other"))] if title else []
        return Actor(id=slug(name), name=name, kind="person", country=country, roles=roles, known=False)


def _overlaps(s: int, e: int, spans) -> bool:
    return any(not (e <= a or s >= b) for a, b in spans)


PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


def resolve_pronouns(sdoc, mentions: list[Mention], actors: dict) -> list[Mention]:
    """Mentions for "he"/"she": the latest compatible person, subjects of recent sentences first."""
    from . import syntax

    persons = [m for m in mentions if m.kind == "person"]
    if not persons:
        return mentions
    tok_of = {}
    for m in persons:
        span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                tok_of[t.i] = m
    recent_subjects: list[Mention] = []
    added: list[Mention] = []
    for sent in sdoc.sents:
        subj_toks = syntax.covered(syntax.subjects(sent.root))
        for tok in sent:
            g = PRONOUN_GENDER.get(tok.lower_)
            if g is None or tok.pos_ != "PRON" or (tok.lower_ == "her" and tok.dep_ == "poss"):
                continue
            before = [m for m in persons + added if m.end <= tok.idx]
            if tok.dep_ in ("dobj", "pobj", "dative"):  # "Rutte thanked him": not Rutte
                verb = tok.head if tok.head.pos_ in ("VERB", "AUX") else tok.head.head  # "to him": the verb of "to"
                heads = syntax.subjects(verb)
                clause_subj = {tok_of[i].actor_id for i in syntax.covered(heads, with_appositions=True) if i in tok_of}
                clause_subj |= {tok_of[i].actor_id for h in heads for i in (t.i for t in h.subtree)
                                if i in tok_of and tok_of[i].kind == "person" and i < tok.i} if not clause_subj else set()
                before = [m for m in before if not (m.start >= sent.start_char and m.actor_id in clause_subj)]
            same = [m for m in before if m.start >= sent.start_char]
            same_subj = [m for m in same if tok_of.get(_first_tok(sdoc, m)) is m and _first_tok(sdoc, m) in subj_toks]
            cands = (same_subj + same + [m for m in reversed(recent_subjects) if m.end <= tok.idx]
                     + sorted(before, key=lambda m: -m.start))
            for m in cands:
                a = actors.get(m.actor_id)
                if a is None or a.gender in (None, g):
                    pm = Mention(tok.idx, tok.idx + len(tok), tok.text, m.actor_id, "person", "pronoun")
                    added.append(pm)
                    if tok.i in subj_toks:
                        recent_subjects.append(pm)
                    break
        for i in sorted(subj_toks):
            if i in tok_of:
                recent_subjects.append(tok_of[i])
                break
        recent_subjects = recent_subjects[-3:]
    return sorted(mentions + added, key=lambda m: m.start)


def _first_tok(sdoc, m: Mention) -> int:
    span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
    return span[0].i if span is not None and len(span) else -1
