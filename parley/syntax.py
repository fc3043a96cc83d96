"""Who did what to whom: the arguments of a trigger word from spaCy's dependency parse.

``arguments(doc, start, end)`` finds the trigger's head token in the character span and
returns the tokens of its subject side and its object side: the verb's subject (through
conjunctions, relative clauses and "X held talks with Y"-style light verbs), direct
objects, and the objects of "with", "between", "to", "from" and passive "by".
Appositions, relative clauses and prepositional modifiers of a noun phrase are not
part of it ("Xi, general secretary of the CPC Central Committee" is Xi alone).
"""
from __future__ import annotations

from dataclasses import dataclass, field

CORE_DEPS = {"compound", "amod", "det", "nummod", "nmod", "flat", "case", "quantmod"}
SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj"}
OBJ_PREPS = {"with", "between", "among", "to", "from", "by", "for"}
CLIMB_DEPS = {"conj", "xcomp", "advcl", "pcomp"}
RELATIVE = {"who", "which", "that", "whom"}


@dataclass
class Args:
    subjects: list = field(default_factory=list)   # tokens heading the subject noun phrases
    objects: list = field(default_factory=list)    # tokens heading object noun phrases
    preps: dict = field(default_factory=dict)      # object token index -> governing preposition
    passive: bool = False
    head: object = None


def head_token(doc, start: int, end: int):
    """The content word heading a trigger span: its first verb, else its first noun."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    for pos in (("VERB",), ("NOUN", "PROPN"), ("AUX",)):
        for t in span:
            if t.pos_ in pos:
                return t
    return span[0]


def np_tokens(tok) -> set:
    """Token indices of the core noun phrase headed by tok (no appositions or clauses)."""
    out = {tok.i}
    for c in tok.children:
        if c.dep_ in CORE_DEPS:
            out |= np_tokens(c)
    return out


def with_conjuncts(tok) -> list:
    return [tok] + [c for c in tok.conjuncts if c.i != tok.i]


def _dateline_word(tok) -> bool:
    """The place of a dateline: an upper-case word at the start of its sentence."""
    return tok.i == tok.sent.start and tok.text.isupper() and len(tok.text) > 2 and tok.is_alpha


def subjects(tok, depth: int = 0) -> list:
    if depth > 4:
        return []
    found = []
    for c in tok.children:
        if c.dep_ in SUBJ_DEPS:
            if c.lower_ in RELATIVE and tok.dep_ in ("relcl", "acl") and tok.head is not tok:
                return with_conjuncts(tok.head)  # "Berg, who had landed": Berg
            if _dateline_word(c):  # "OSLO, June 3 -- Norway and Finland held": the parse makes
                apps = [a for a in c.children if a.dep_ == "appos"]  # the dateline the subject
                found.extend(x for a in apps for x in with_conjuncts(a))
                found.extend(x for x in c.subtree if x.dep_ == "conj" and x.pos_ in ("PROPN", "NOUN")
                             and x.head.i >= c.i)
                continue
            found.extend(with_conjuncts(c))  # a dateline can be parsed as a second subject
    if found:
        return found
    if tok.dep_ in ("relcl", "acl") and tok.head is not tok:
        return with_conjuncts(tok.head)  # "Berg, who had landed in Lima"
    if tok.dep_ in CLIMB_DEPS and tok.head is not tok:
        return subjects(tok.head, depth + 1)
    if tok.dep_ in ("dobj", "attr", "pobj", "prep", "nsubj") and tok.head is not tok and tok.pos_ in ("NOUN", "ADP", "PROPN"):
        return subjects(tok.head, depth + 1)  # "during a meeting with Y" -> the verb's subject
    return []


def objects(tok, preps: dict, depth: int = 0) -> list:
    out: list = []
    for c in tok.children:
        if c.dep_ in ("dobj", "dative", "attr", "oprd"):
            for o in with_conjuncts(c):
                out.append(o)
                if depth < 2:
                    out.extend(objects(o, preps, depth + 1))  # "held talks with Y", "a letter from Z"
        elif c.dep_ in ("prep", "agent") and c.lower_ in OBJ_PREPS:
            for g in c.children:
                if g.dep_ == "pobj":
                    for o in with_conjuncts(g):
                        preps[o.i] = c.lower_
                        out.append(o)
                elif g.dep_ == "pcomp":  # "met with visiting ... Medvedev"
                    for gg in g.children:
                        if gg.dep_ in ("dobj", "pobj"):
                            for o in with_conjuncts(gg):
                                preps[o.i] = c.lower_
                                out.append(o)
    return out


def arguments(doc, start: int, end: int) -> Args:
    tok = head_token(doc, start, end)
    if tok is None:
        return Args()
    preps: dict = {}
    subj = subjects(tok)
    obj = objects(tok, preps)
    for c in tok.children:
        if c.dep_ == "poss":  # "Putin's letter", "Xi's visit"
            subj = subj or with_conjuncts(c)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    return Args(subjects=subj, objects=[o for o in obj if o.i not in {s.i for s in subj}], preps=preps,
                passive=passive, head=tok)


def covered(tokens: list, with_appositions: bool = False) -> set:
    """All token indices of the noun phrases headed by these tokens.

    With ``with_appositions``, a phrase's appositions count too ("my colleague, the
    Minister for Ports Anna Berg"): used when the core phrase names no actor.
    """
    out: set = set()
    for t in tokens:
        out |= np_tokens(t)
        if with_appositions:
            for c in t.children:
                if c.dep_ == "appos":
                    out |= np_tokens(c)
    return out
