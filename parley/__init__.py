"""parley: a sourced, queryable record of diplomacy from news reports.

    import parley
    x = parley.extract(text, published="2024-12-13")   # one document -> Extraction
    with parley.open("parley.duckdb") as db:           # the store
        db.events(actor="Xi Jinping", type="meeting").to_pandas()
"""
from __future__ import annotations

from typing import Optional

from .model import Actor, Document, Event, Evidence, Extraction, Location, Participant, Position

__version__ = "0.1.0"
__all__ = ["extract", "open", "Actor", "Document", "Event", "Evidence", "Extraction", "Location", "Participant",
           "Position", "__version__"]


def extract(text: str, published: Optional[str] = None, title: Optional[str] = None,
            source: str = "<text>") -> Extraction:
    """Extract events and positions from one article's text (nothing is stored)."""
    from .pipeline import extract_text

    return extract_text(text, published=published, source=source, title=title)


def open(path: Optional[str] = None, read_only: bool = False):  # noqa: A001 - the natural name, as sqlite3
    """Open (or create) a parley database; use as a context manager. Queries return dataclasses
    (``Results`` lists with ``.to_pandas()`` and ``.to_arrow()``); ``db.store`` answers with dicts."""
    from .api import Database

    return Database(path, read_only=read_only)
