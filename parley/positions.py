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

from .actors import Mention
from .events import Context, Sentence
from .kb import KB, load_yaml, norm
from .model import Evidence, Position

SPEAKER_KINDS = ("person", "party", "country", "igo", "organization")
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
        phrases = sorted({p for p in phrases if p}, key=len, reverse=True)
        if phrases:
            out[key] = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")
    return out


def topics_of(text: str) -> list[str]:
    t = norm(text)
    return [k for k, rx in _topic_rx().items() if rx.search(t)]


class PositionExtractor:
    def __init__(self, kb: Optional[KB] = None):
        self.kb = kb or KB.load()

    def extract(self, sentences: list[Sentence], mentions: list[Mention], actors: dict,
                ctx: Context, events: list) -> list[Position]:
        verbs, pronouns = _speech()
        by_sent: dict[int, list[Mention]] = {}
        for m in mentions:
            by_sent.setdefault(m.sent, []).append(m)
        out: dict[tuple, Position] = {}
        current: Optional[Mention] = None
        current_para = -1
        last_person: Optional[Mention] = None
        for s in sentences:
            if s.para != current_para:
                current, current_para = None, s.para
            ms = by_sent.get(s.index, [])
            v = verbs.search(s.text)
            speaker = None
            if v:
                speaker = self._speaker(s, ms, v, last_person, current, pronouns)
                if speaker is not None:
                    current = speaker
            elif current is not None:
                speaker = current
            persons = [m for m in ms if m.kind == "person"]
            if persons:
                last_person = persons[-1] if not speaker or speaker.kind != "person" else speaker
            if speaker is None:
                continue
            actor = actors.get(speaker.actor_id) or self.kb.actors.get(speaker.actor_id)
            if actor is None:
                continue
            for topic in topics_of(s.text):
                key = (speaker.actor_id, topic, s.para)
                ev = Evidence(s.start, s.end, s.text)
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
        return list(out.values())

    def _speaker(self, s, ms, v, last_person, current, pronouns) -> Optional[Mention]:
        vs = s.start + v.start()
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
            # "China stands ready to ..." inside a person's statement stays theirs
            return current if current is not None and current.kind == "person" else before[-1]
        return None

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
