"""Positions: statements of reported speech or stance, attributed to a speaker, with topics.

A sentence with a speech verb (data/speech.yaml) names its speaker before the verb
("Xi stressed that"), after it ("..., Xi said") or by a pronoun ("he added"); the
sentences that follow in the same paragraph continue that speaker's statement.
Topics come from the lexicons in data/topics.yaml.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from . import nlp, syntax
from .actors import Mention
from .events import Context, Sentence
from .kb import KB, alternation, load_yaml, norm
from .model import Evidence, Position

SPEAKER_KINDS = ("person", "party", "country", "igo", "organization")
# Verbs of an itinerary: "X said Y will attend / meet / visit ..." reports Y's schedule, not X's stance.
ANNOUNCED = {"attend", "meet", "visit", "hold", "travel", "chair", "host", "arrive", "leave", "depart", "make",
             "pay", "participate", "deliver", "address"}
QUOTE = re.compile(r"[\"“«]([^\"”»]{12,})[\"”»]")


@lru_cache(maxsize=1)
def _speech():
    d = load_yaml("speech.yaml")
    return re.compile(d["verbs"], re.I), d["pronouns"]


@lru_cache(maxsize=1)
def _topic_rx() -> dict:
    topics = KB.load().topics
    out = {}
    for key, phrases in topics.items():
        phrases = {p for p in phrases if p}
        if phrases:
            out[key] = re.compile(r"\b" + alternation(phrases) + r"\b")
    return out


@lru_cache(maxsize=1)
def _topic_patterns() -> dict:
    kb = KB.load()
    names = set(kb.country_names) | set(kb.demonyms) | {"sino", "russo", "indo", "franco", "anglo", "us"}
    alt = alternation(n for n in names if len(n) > 1)
    return {k: [re.compile(p.replace("{C}", alt)) for p in ps]
            for k, ps in (load_yaml("topic_patterns.yaml") or {}).items()}


def topics_of(text: str) -> dict:
    """Topic -> weight of the strongest phrase found (a phrase of several words weighs 2)."""
    t = norm(text)
    out = {}
    for k, rx in _topic_rx().items():
        best = 0
        for m in rx.finditer(t):
            best = max(best, 2 if " " in m.group(0) else 1)
        if best:
            out[k] = best
    for k, rxs in _topic_patterns().items():
        if any(rx.search(t) for rx in rxs):
            out[k] = 2
    return out


MIN_WEIGHT = 2  # one phrase of several words, or two single-word hits, make a topic


class PositionExtractor:
    def __init__(self, kb: Optional[KB] = None):
        self.kb = kb or KB.load()

    def extract(self, sentences: list[Sentence], mentions: list[Mention], actors: dict,
                ctx: Context, events: list, sdoc=None, mention_tokens=None) -> list[Position]:
        self.sdoc, self.mtoks = sdoc, mention_tokens or {}
        verbs, pronouns = _speech()
        by_sent: dict[int, list[Mention]] = {}
        for m in mentions:
            by_sent.setdefault(m.sent, []).append(m)
        out: dict[tuple, Position] = {}
        weight: dict[tuple, int] = {}
        current: Optional[Mention] = None
        current_para = -1
        last_person: Optional[Mention] = None
        for s in sentences:
            if s.para != current_para:
                current, current_para = None, s.para
            if not s.parsed:
                continue
            ms = by_sent.get(s.index, [])
            v = None
            speaker = None
            for vm in verbs.finditer(s.text):
                cand = self._speaker(s, ms, vm, last_person, current, pronouns)
                if cand is not None and (speaker is None or (speaker.kind != "person" and cand.kind == "person")):
                    speaker, v = cand, vm
                v = v or vm
            if speaker is not None:
                current = speaker
            elif current is not None:
                speaker = current
            persons = [m for m in ms if m.kind == "person"]
            if speaker is not None and speaker.kind == "person" and v:
                last_person = speaker
            elif persons:
                last_person = self._sentence_subject(s, persons) or persons[0]
            if speaker is None:
                continue
            if v is not None and self._announcement(s, ms, v, speaker):
                continue  # "the spokesman said Biden will meet King Abdullah": news of others, not a stance
            actor = actors.get(speaker.actor_id) or self.kb.actors.get(speaker.actor_id)
            if actor is None:
                continue
            for topic, w in topics_of(s.text).items():
                key = (speaker.actor_id, topic, s.para)
                ev = Evidence(s.start, s.end, s.text)
                weight[(speaker.actor_id, topic)] = weight.get((speaker.actor_id, topic), 0) + w
                if key in out:
                    pos = out[key]
                    pos.evidence.append(ev)
                    pos.text = pos.text + " " + s.text
                    continue
                q = QUOTE.search(s.text)
                out[key] = Position(
                    speaker=actor.name, speaker_id=actor.id, topic=topic, text=s.text, evidence=[ev],
                    date=self._date(s, events, ctx), stance=(v.group(0).lower() if v else None),
                    quote=q.group(1) if q else None)
        return [p for p in out.values() if weight[(p.speaker_id, p.topic)] >= MIN_WEIGHT]

    def _speaker(self, s, ms, v, last_person, current, pronouns) -> Optional[Mention]:
        vs = s.start + v.start()
        if self.sdoc is not None:
            found = self._syntactic_speaker(s, ms, v, last_person, current, pronouns)
            if found is not False:
                return found
        before = [m for m in ms if m.end <= vs and m.kind in SPEAKER_KINDS]
        window = s.text[max(0, v.start() - 14):v.start()].lower()
        pron = re.search(r"\b(he|she)\b(?:\s+\w+)?\s*$", window)
        if pron:
            gender = pronouns.get(pron.group(1))
            for cand in (current, last_person):
                if cand is not None and cand.kind == "person":
                    a = self.kb.actors.get(cand.actor_id)
                    if a is None or not a.gender or a.gender == gender:
                        return cand
        persons = [m for m in before if m.kind == "person"]
        if persons:
            return persons[-1]
        after = [m for m in ms if m.start >= s.start + v.end() and m.kind == "person"]
        if after and after[0].start - (s.start + v.end()) < 40:
            return after[0]
        if before:
            # "Chile is willing to ..." inside a person's statement stays theirs
            return current if current is not None and current.kind == "person" else before[-1]
        return None

    def _announcement(self, s, ms, v, speaker) -> bool:
        """Does the speaker only report what another person will do or did (an itinerary)?"""
        if self.sdoc is None:
            return False
        head = syntax.head_token(self.sdoc, s.start + v.start(), s.start + v.end())
        if head is None:
            return False
        for c in head.children:
            if c.dep_ != "ccomp" or nlp.lemma(c) not in ANNOUNCED:
                continue
            toks = syntax.covered(syntax.subjects(c))
            others = [m for m in ms if m.kind == "person" and m.actor_id != speaker.actor_id
                      and self.mtoks.get(id(m), set()) & toks]
            if others:
                return True
        return False

    def _sentence_subject(self, s, persons) -> Optional[Mention]:
        """The person who is the subject of the sentence's main verb, if the parse says."""
        if self.sdoc is None:
            return None
        span = self.sdoc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            return None
        toks = syntax.covered(syntax.subjects(span.root))
        hits = [m for m in persons if self.mtoks.get(id(m), set()) & toks]
        return hits[0] if hits else None

    def _syntactic_speaker(self, s, ms, v, last_person, current, pronouns):
        """The subject of the speech verb; False when the parse does not say."""
        args = syntax.arguments(self.sdoc, s.start + v.start(), s.start + v.end())
        if not args.subjects:
            return False
        subj = args.subjects[0]
        toks = syntax.covered(args.subjects)
        pron = [m for m in ms if m.how == "pronoun" and self.mtoks.get(id(m), set()) & toks]
        if pron:
            return pron[0]
        if subj.pos_ == "PRON":
            gender = pronouns.get(subj.lower_)
            if gender is None:
                return None  # "they", "it", "we": no single speaker
            for cand in (current, last_person):
                if cand is not None and cand.kind == "person":
                    a = self.kb.actors.get(cand.actor_id)
                    if a is None or not a.gender or a.gender == gender:
                        return cand
            return None
        hits = [m for m in ms if self.mtoks.get(id(m), set()) & toks and m.kind in SPEAKER_KINDS]
        persons = [m for m in hits if m.kind == "person"]
        if persons:
            return persons[0]
        if hits:
            # "Chile is willing to ..." inside a person's statement stays theirs
            return current if current is not None and current.kind == "person" else hits[0]
        return current if current is not None else None

    @staticmethod
    def _date(s: Sentence, events: list, ctx: Context) -> Optional[str]:
        main = [e for e in events if e.status == "occurred" and e.date]
        for e in main:
            if any(ev.start <= s.start <= ev.end for ev in e.evidence):
                return e.date
        if main:
            return main[0].date
        if ctx.story_date:
            return ctx.story_date.date
        return ctx.published.isoformat() if ctx.published else None
