"""The Python API over a store: typed results that convert to pandas and Arrow.

    import parley
    with parley.open("parley.duckdb") as db:
        rows = db.events(actor="Xi Jinping", type="meeting")   # Results[StoredEvent]
        rows[0].participants[0].actor, rows.to_pandas()

``Database`` answers with dataclasses; the ``Store`` under it (``db.store``) answers
with plain dicts, as the CLI and the HTTP API use them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Generic, Iterable, Optional, TypeVar

from .model import Evidence, Location, Participant
from .store import Store

T = TypeVar("T")


class Results(list, Generic[T]):
    """A list of result records (dataclasses of one kind), with table conversions."""

    def __init__(self, items: Iterable = (), kind: Optional[type] = None):
        super().__init__(items)
        self.kind = kind or (type(self[0]) if self else None)

    def to_dicts(self) -> list[dict]:
        return [r.to_dict() for r in self]

    def columns(self) -> list[str]:
        return [f.name for f in fields(self.kind)] if self.kind else []

    def to_arrow(self):
        """A ``pyarrow.Table``; nested fields (participants, sources) stay nested."""
        import pyarrow as pa

        if not self:
            return pa.table({c: pa.array([], pa.null()) for c in self.columns()})
        return pa.Table.from_pylist(self.to_dicts())

    def to_pandas(self):
        """A ``pandas.DataFrame``, one row per record; nested fields are lists of dicts."""
        import pandas as pd

        return pd.DataFrame(self.to_dicts(), columns=self.columns() or None)


@dataclass
class Source:
    """A report of an event: its document and the sentences the event was read from."""
    document_id: str
    source: str
    title: Optional[str] = None
    published: Optional[str] = None
    outlet: Optional[str] = None
    duplicate_of: Optional[str] = None
    evidence: list = field(default_factory=list)  # list[Evidence]


@dataclass
class StoredEvent:
    """One real-world event, merged from every report of it."""
    id: str
    type: str
    date: Optional[str]
    date_precision: Optional[str]
    participants: list  # list[Participant]
    location: Location
    format: Optional[str]
    status: str
    mechanism: Optional[str]
    ordinal: Optional[int]
    series_id: Optional[str]
    confidence: Optional[float]
    cameo: Optional[str]
    plover: Optional[dict]
    conflicts: list
    linked_to: Optional[str]
    n_sources: int
    sources: list  # list[Source]
    date_basis: Optional[str] = None

    @classmethod
    def from_row(cls, r: dict) -> "StoredEvent":
        return cls(
            id=r["id"], type=r["type"], date=r["date"], date_precision=r["date_precision"],
            participants=[Participant(p["actor"], p["actor_id"], p["role"]) for p in r["participants"]],
            location=Location(**r["location"]), format=r["format"], status=r["status"],
            mechanism=r["mechanism"], ordinal=r["ordinal"], series_id=r["series_id"],
            confidence=r["confidence"], cameo=r["cameo"], plover=r["plover"], conflicts=r["conflicts"],
            linked_to=r["linked_to"], n_sources=r["n_sources"] or len(r["sources"]),
            sources=[Source(s["document_id"], s["source"], s["title"], s["published"], s["outlet"],
                            s["duplicate_of"], [Evidence(v["start"], v["end"], v["text"], s["document_id"])
                                                for v in s["evidence"]]) for s in r["sources"]],
            date_basis=r.get("date_basis"))

    @property
    def evidence(self) -> list:
        return [v for s in self.sources for v in s.evidence]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class StoredPosition:
    """What a speaker said on a topic, in one report."""
    speaker: str
    speaker_id: str
    topic: str
    date: Optional[str]
    stance: Optional[str]
    quote: Optional[str]
    text: str
    document_id: str
    source: str
    title: Optional[str] = None
    outlet: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


class Database:
    """A parley database opened for Python use; a context manager."""

    def __init__(self, path: Optional[str] = None, read_only: bool = False):
        self.store = Store(path, read_only=read_only)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.store.close()

    def events(self, actor: Optional[str] = None, type: Optional[str] = None, **filters) -> Results[StoredEvent]:
        """Events under the filters: actor, type, since, until, status, country, mechanism, series,
        q (text), between=(a, b), limit, offset, sort."""
        return Results((StoredEvent.from_row(r) for r in self.store.events(actor=actor, type=type, **filters)),
                       StoredEvent)

    def event(self, event_id: str) -> Optional[StoredEvent]:
        row = self.store.explain(event_id)
        return StoredEvent.from_row(row) if row else None

    def positions(self, speaker: Optional[str] = None, topic: Optional[str] = None,
                  since: Optional[str] = None, until: Optional[str] = None) -> Results[StoredPosition]:
        return Results((StoredPosition(**r) for r in self.store.positions(speaker, topic, since, until)),
                       StoredPosition)

    def count(self, **filters) -> int:
        return self.store.count_events(**filters)

    def ingest(self, paths: Iterable[str], **kw):
        """Ingest files, folders or globs; returns the ingest summary."""
        from .ingest import ingest

        return ingest(list(paths), self.store, **kw)

    def __getattr__(self, name):  # actors(), actor(), document(), series(), network(), relations() ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.store, name)
