"""The cheap first pass: which sentences of an article get the expensive models.

spaCy's full pipeline (tagger, parser, NER) costs a few hundred times its tokenizer.
An event can only come from a sentence where a trigger pattern (data/triggers.yaml)
matches, so a sentence with no trigger match needs no parse for events. The pass
splits the text into sentences by punctuation, looks for trigger patterns with their
regular expressions and, in the sentences that have one, for actor names with the
knowledge base's phrase matcher over the tokenizer's output. It decides:

- ``all``: a report about diplomacy (three or more trigger sentences that each name two
  actors, or one in a short report): everything is parsed, so positions, pronouns and
  titles see the whole report;
- ``some``: the trigger sentences and the sentences that may state a position (a speech
  verb, a topic, a speaker) are parsed, with the context they lean on: the
  sentence before one that says "he" or "they", when it holds a name the knowledge base
  lacks, and the first sentence that gives such a name in full ("Jane Smith", where NER
  sees what "Smith" is); the rest is tokenized, so known names there still resolve
  surnames and pronouns, but none of it is analysed;
- ``none``: neither: nothing is parsed and nothing is extracted.

Events are the same as with the full pipeline on the corpora measured (bench/stream.py
prints the share kept); positions lose some context outside ``all``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

# a sentence ends at . ! ? (and a closing quote) before a space and a capital, a digit or a quote,
# unless the stop ends an initial or a common abbreviation ("U.S. officials", "Mr. Li")
END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|Rev|Jr|Sr|No|Mt|Ft|"
                    r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|vs|etc|approx|[A-Z]\.[A-Z]))\.$")
NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?\b")  # a capitalized word inside a sentence
PRON = re.compile(r"\b(?:he|she|they|his|her|their|him|them|the two|both)\b", re.I)
MIN_NAMES = 2     # names in a trigger sentence that make it a strong sign of diplomacy
MIN_STRONG = 3    # strong trigger sentences that make a report one about diplomacy
SHORT = 12        # sentences: a short report with one strong trigger sentence is parsed whole


@dataclass
class Plan:
    mode: str                                   # all | some | none
    spans: list = field(default_factory=list)   # (start, end) of the sentences to parse, in "some"
    sentences: int = 0
    triggers: int = 0                           # sentences with a trigger match

    def parsed_fraction(self) -> float:
        if self.mode == "all":
            return 1.0
        return len(self.spans) / self.sentences if self.sentences else 0.0


@lru_cache(maxsize=1)
def _trigger_rx() -> re.Pattern:
    """Every trigger pattern in one expression, run once over the whole text."""
    from .events import rules

    return re.compile("|".join(f"(?:{t['rx'].pattern})" for t in rules()["triggers"]), re.I)


@lru_cache(maxsize=1)
def _trigger_rx_lower() -> re.Pattern:
    """The same expression for lower-cased text, without re.I (three times faster); the
    patterns' [A-Z] matched any letter under re.I, as [a-z] does in lower-cased text."""
    return re.compile(_trigger_rx().pattern.replace("[A-Z]", "[a-z]"))


def trigger_starts(text: str) -> list[int]:
    """Where a trigger pattern matches in the text."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): offsets would shift
        return [m.start() for m in _trigger_rx().finditer(text)]
    return [m.start() for m in _trigger_rx_lower().finditer(low)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation, never crossing a line break; contiguous over each line."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in END.finditer(line.group(0)):
            cut = line.start() + m.end()
            if ABBREV.search(text[max(start, cut - 12):line.start() + m.start() + 1].rstrip("\"'”’) ")):
                continue
            out.append((start, cut))
            start = cut
        out.append((start, line.end()))
    return out


def plan(text: str, events_only: bool = False) -> Plan:
    """Decide, from the tokenizer and the lexicons only, what of ``text`` to parse. With
    ``events_only``, statements are not parsed and short reports are not parsed whole."""
    from .actors import _matcher
    from .nlp import pipeline

    tok = pipeline().tokenizer
    matcher = _matcher()
    spans = sentences(text)
    found = trigger_starts(text)
    said = [] if events_only else _statements(text, spans, tok, matcher)
    if not found and not said:
        return Plan("none", [], len(spans), 0)
    ends = [e for _, e in spans]
    hits, strong = [], 0
    for i in sorted({bisect.bisect_right(ends, at) for at in found}):
        if i >= len(spans):
            continue
        s, e = spans[i]
        sent = text[s:e]
        if len(sent) < 12:
            continue
        hits.append(i)
        d = tok(sent)
        if len({d[a:b].text for _, a, b in matcher(d)}) >= MIN_NAMES:
            strong += 1
    p = Plan("none", [], len(spans), len(hits))
    if not hits and not said:
        return p
    if strong >= MIN_STRONG or (strong and not events_only and len(spans) <= SHORT):
        p.mode = "all"
        return p
    p.mode = "some"
    keep = set(hits) | set(said)
    for i in sorted(set(hits) | set(said)):  # the context a trigger sentence leans on
        sent = text[spans[i][0]:spans[i][1]]
        if i > 0 and PRON.search(sent) and _unknown_names(text[spans[i - 1][0]:spans[i - 1][1]], tok, matcher):
            keep.add(i - 1)  # the antecedent of "he", "they", "the two", when NER has a name to find there
        d = tok(sent)
        known = {t.text for _, a, b in matcher(d) for t in d[a:b]}
        for name in set(NAME.findall(sent)) - known - _common():  # a name the knowledge base lacks
            full = re.compile(rf"[A-Z][\w.'-]* {re.escape(name)}\b|\b{re.escape(name)} [A-Z]")
            first = next((j for j in range(i) if full.search(text[spans[j][0]:spans[j][1]])), None)
            if first is not None:
                keep.add(first)  # where it is given in full (NER sees "Jane Smith" there, "Smith" here)
    p.spans = [spans[i] for i in sorted(keep)]
    return p


@lru_cache(maxsize=1)
def _common() -> frozenset:
    """Capitalized words that are no one's name: English stop words (spaCy's list), days, months."""
    from .dates import MONTHS, WEEKDAYS
    from .nlp import pipeline

    words = set(pipeline().Defaults.stop_words) | set(MONTHS) | set(WEEKDAYS)
    return frozenset(w[:1].upper() + w[1:] for w in words if w.isalpha())


def _unknown_names(sent: str, tok, matcher) -> bool:
    """Whether a sentence has a capitalized word that is neither a known name nor a common word."""
    d = tok(sent)
    known = {i for _, a, b in matcher(d) for i in range(a, b)}
    common = _common()
    return any(t.is_alpha and t.text[:1].isupper() and t.i not in known and t.text not in common
               and not t.is_upper for t in d)


def _statements(text: str, spans: list, tok, matcher) -> list[int]:
    """Sentences that may state a position: a speech verb, a topic of weight MIN_WEIGHT
    (data/topics.yaml), and a name of the knowledge base or a pronoun for the speaker."""
    from .positions import MIN_WEIGHT, _speech, topics_of

    verbs = _speech()[0]
    out = []
    for i, (s, e) in enumerate(spans):
        t = text[s:e]
        if verbs.search(t) and (PRON.search(t) or any(True for _ in matcher(tok(t)))) \
                and sum(topics_of(t).values()) >= MIN_WEIGHT:  # the dearest test last
            out.append(i)
    return out
