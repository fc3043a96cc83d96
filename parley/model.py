"""The data classes of parley's contract (SPEC.md): documents, actors, events, positions.

Each class converts to the pinned JSON shape with ``to_dict``; nothing here does I/O.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Optional

EVENT_TYPES = ("meeting", "visit", "call", "message", "session", "agreement")
FORMATS = ("in_person", "video", "phone", "written")
STATUSES = ("occurred", "planned", "background")


def stable_id(*parts: object, n: int = 16) -> str:
    """A short hex id from the parts' text: same parts, same id, in any process."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:n]


@dataclass
class Evidence:
    start: int
    end: int
    text: str
    document_id: Optional[str] = None

    def to_dict(self) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text}
        if self.document_id:
            d["document_id"] = self.document_id
        return d


@dataclass
class Dateline:
    place: Optional[str] = None
    date: Optional[str] = None


@dataclass
class Document:
    id: str
    source: str
    text: str
    title: Optional[str] = None
    published: Optional[str] = None
    outlet: Optional[str] = None
    authors: list = field(default_factory=list)
    dateline: Dateline = field(default_factory=Dateline)
    warnings: list = field(default_factory=list)
    url: Optional[str] = None

    def to_dict(self, with_text: bool = True) -> dict:
        d = {
            "id": self.id, "source": self.source, "url": self.url, "title": self.title,
            "published": self.published, "outlet": self.outlet, "authors": list(self.authors),
            "dateline": asdict(self.dateline), "warnings": list(self.warnings),
        }
        if with_text:
            d["text"] = self.text
        return d


@dataclass
class Role:
    title: str
    key: str = "other"
    organization: Optional[str] = None
    start: Optional[str] = None
    end: Optional[str] = None


@dataclass
class Actor:
    id: str
    name: str
    kind: str  # person | organization | party | country | igo
    country: Optional[str] = None
    aliases: list = field(default_factory=list)
    roles: list = field(default_factory=list)  # list[Role]
    gender: Optional[str] = None
    known: bool = True  # False for actors found by NER, not in the knowledge base

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "country": self.country,
            "aliases": list(self.aliases), "roles": [asdict(r) for r in self.roles],
            "known": self.known,
        }


@dataclass
class Participant:
    actor: str
    actor_id: str
    role: str

    def to_dict(self) -> dict:
        return {"actor": self.actor, "actor_id": self.actor_id, "role": self.role}


@dataclass
class Location:
    venue: Optional[str] = None
    city: Optional[str] = None
    country: Optional[str] = None


@dataclass
class Event:
    type: str
    participants: list  # list[Participant]
    evidence: list  # list[Evidence]
    date: Optional[str] = None
    date_precision: str = "unknown"
    date_basis: Optional[str] = None
    location: Location = field(default_factory=Location)
    format: Optional[str] = None
    status: str = "occurred"
    mechanism: Optional[str] = None
    ordinal: Optional[int] = None
    confidence: float = 0.5
    cameo: Optional[str] = None
    plover: Optional[dict] = None
    trigger: Optional[str] = None
    date_range: Optional[tuple] = None
    date_partial: Optional[str] = None  # "--MM-DD" when the text gives no year
    id: str = ""
    sources: list = field(default_factory=list)

    def key(self) -> tuple:
        core = sorted(p.actor_id for p in self.participants if p.role not in ("attendee", "courier", "speaker"))
        return (self.type, tuple(core), self.date)

    def assign_id(self, document_id: str) -> None:
        start = self.evidence[0].start if self.evidence else 0
        self.id = "x-" + stable_id(document_id, self.type, start, self.date, *self.key()[1])

    def to_dict(self) -> dict:
        d = {
            "id": self.id, "type": self.type, "date": self.date,
            "date_precision": self.date_precision, "date_basis": self.date_basis,
            "participants": [p.to_dict() for p in self.participants],
            "location": asdict(self.location), "format": self.format, "status": self.status,
            "mechanism": self.mechanism, "ordinal": self.ordinal,
            "evidence": [e.to_dict() for e in self.evidence],
            "confidence": round(self.confidence, 3), "cameo": self.cameo, "plover": self.plover,
        }
        if self.trigger:
            d["trigger"] = self.trigger
        if self.date_range:
            d["date_range"] = list(self.date_range)
        if self.date_partial and not self.date:
            d["date_partial"] = self.date_partial
        if self.sources:
            d["sources"] = self.sources
        return d


@dataclass
class Position:
    speaker: str
    speaker_id: str
    topic: str
    text: str
    evidence: list
    date: Optional[str] = None
    stance: Optional[str] = None
    quote: Optional[str] = None

    def to_dict(self) -> dict:
        return {
            "speaker": self.speaker, "speaker_id": self.speaker_id, "topic": self.topic,
            "date": self.date, "text": self.text, "stance": self.stance, "quote": self.quote,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class Extraction:
    """Everything extracted from one document: the `parley extract` JSON."""
    document: Document
    actors: list = field(default_factory=list)
    events: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    signature: Optional[object] = field(default=None, repr=False, compare=False)  # MinHash (dedup.py), for the store

    def to_dict(self) -> dict:
        return {
            "document": self.document.to_dict(),
            "actors": [a.to_dict() for a in self.actors],
            "events": [e.to_dict() for e in self.events],
            "positions": [p.to_dict() for p in self.positions],
        }
