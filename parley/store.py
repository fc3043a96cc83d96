"""Storage: a DuckDB file by default, with versioned migrations.

One document and everything extracted from it is written in one transaction, so an
interrupted ingest never leaves half a document; documents are keyed by the hash of
their cleaned text, so re-ingesting adds nothing twice.
"""
from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from .errors import StoreError
from .model import Extraction, stable_id

DEFAULT_DB = "parley.duckdb"
MIGRATIONS = Path(str(resources.files("parley") / "migrations"))


def default_path() -> str:
    return os.environ.get("PARLEY_DB") or DEFAULT_DB


def migrations() -> list[tuple[int, str]]:
    out = []
    for f in sorted(MIGRATIONS.glob("*.sql")):
        out.append((int(f.name.split("_", 1)[0]), f.read_text(encoding="utf-8")))
    return out


class Store:
    """A parley database. Use as a context manager or call ``close()``."""

    def __init__(self, path: Optional[str] = None, read_only: bool = False):
        import duckdb

        self.path = path or default_path()
        if read_only and not Path(self.path).exists():
            raise StoreError("no database here; run `parley ingest` first", self.path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as e:
            first = str(e).splitlines()[0]
            raise StoreError(f"cannot open the database ({first}); the file was not modified", self.path) from None
        self._check_and_migrate(read_only)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if getattr(self, "con", None) is not None:
            self.con.close()
            self.con = None

    # -- schema -----------------------------------------------------------------
    def _tables(self) -> set:
        return {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}

    def _check_and_migrate(self, read_only: bool) -> None:
        tables = self._tables()
        if tables and "schema_migrations" not in tables:
            self.close()
            raise StoreError("this database was not made by parley (no schema_migrations table); "
                             "it was not modified", self.path)
        done = set()
        if "schema_migrations" in tables:
            done = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        todo = [(v, sql) for v, sql in migrations() if v not in done]
        if done and max(done) > max(v for v, _ in migrations()):
            self.close()
            raise StoreError("this database was made by a newer parley; upgrade parley to use it", self.path)
        if not todo:
            return
        if read_only:
            self.close()
            raise StoreError("the database needs a schema upgrade; open it once without read-only", self.path)
        self.con.execute("BEGIN")
        try:
            self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                             "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
            for v, sql in todo:
                for stmt in [s for s in sql.split(";") if s.strip()]:
                    self.con.execute(stmt)
                self.con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [v])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        return self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]

    # -- writing ----------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def add(self, x: Extraction) -> bool:
        """Store one document and its extraction; False if it was already there."""
        d = x.document
        con = self.con
        con.execute("BEGIN")
        try:
            if con.execute("SELECT 1 FROM documents WHERE id = ?", [d.id]).fetchone():
                con.execute("ROLLBACK")
                return False
            con.execute(
                "INSERT INTO documents (id, source, url, title, published, outlet, authors, dateline_place,"
                " dateline_date, warnings, text) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [d.id, d.source, d.url, d.title, d.published, d.outlet, json.dumps(d.authors),
                 d.dateline.place, d.dateline.date, json.dumps(d.warnings), d.text])
            for a in x.actors:
                con.execute(
                    "INSERT INTO actors (id, name, kind, country, aliases, roles, known) VALUES (?,?,?,?,?,?,?)"
                    " ON CONFLICT (id) DO NOTHING",
                    [a.id, a.name, a.kind, a.country, json.dumps(a.aliases),
                     json.dumps(a.to_dict()["roles"]), a.known])
            for e in x.events:
                con.execute(
                    "INSERT INTO events (id, document_id, type, date, date_precision, date_basis, venue, city,"
                    " country, format, status, mechanism, ordinal, confidence, cameo, plover)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                    [e.id, d.id, e.type, e.date, e.date_precision, e.date_basis, e.location.venue,
                     e.location.city, e.location.country, e.format, e.status, e.mechanism, e.ordinal,
                     e.confidence, e.cameo, json.dumps(e.plover)])
                for p in e.participants:
                    con.execute("INSERT INTO participants VALUES (?,?,?) ON CONFLICT DO NOTHING",
                                [e.id, p.actor_id, p.role])
                self._evidence(e.id, d.id, e.evidence)
            for p in x.positions:
                pid = "pos-" + stable_id(d.id, p.speaker_id, p.topic, p.evidence[0].start if p.evidence else 0)
                con.execute("INSERT INTO positions VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                            [pid, d.id, p.speaker_id, p.topic, p.date, p.text, p.stance, p.quote])
                self._evidence(pid, d.id, p.evidence)
            con.execute("COMMIT")
            return True
        except Exception:
            con.execute("ROLLBACK")
            raise

    def _evidence(self, owner: str, doc_id: str, evidence: Iterable) -> None:
        for ev in evidence:
            self.con.execute("INSERT INTO evidence VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                             [owner, doc_id, ev.start, ev.end, ev.text])

    # -- reading ----------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in ("documents", "actors", "events", "positions", "participants", "evidence"):
            raise ValueError(table)
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def _rows(self, sql: str, params=()) -> list[dict]:
        cur = self.con.execute(sql, list(params))
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def documents(self, with_text: bool = False) -> list[dict]:
        cols = "id, source, url, title, published, outlet, authors, dateline_place, dateline_date, warnings"
        rows = self._rows(f"SELECT {cols}{', text' if with_text else ''} FROM documents ORDER BY published, source")
        for r in rows:
            r["authors"] = json.loads(r["authors"] or "[]")
            r["warnings"] = json.loads(r["warnings"] or "[]")
        return rows

    def actors(self) -> list[dict]:
        rows = self._rows("SELECT a.*, (SELECT count(DISTINCT event_id) FROM participants p WHERE p.actor_id = a.id)"
                          " AS events FROM actors a ORDER BY events DESC, name")
        for r in rows:
            r["aliases"] = json.loads(r["aliases"] or "[]")
            r["roles"] = json.loads(r["roles"] or "[]")
        return rows

    def events(self, actor: Optional[str] = None, type: Optional[str] = None, since: Optional[str] = None,
               until: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None) -> list[dict]:
        where, params = [], []
        if type:
            where.append("e.type = ?")
            params.append(type)
        if status:
            where.append("e.status = ?")
            params.append(status)
        if since:
            where.append("e.date >= ?")
            params.append(since)
        if until:
            where.append("e.date <= ? || '~'")
            params.append(until)
        if actor:
            where.append("e.id IN (SELECT p.event_id FROM participants p JOIN actors a ON a.id = p.actor_id"
                         " WHERE a.id = ? OR lower(a.name) = lower(?) OR a.aliases ILIKE ?)")
            params += [actor, actor, f'%"{actor}"%']
        sql = ("SELECT e.* FROM events e" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY e.date NULLS LAST, e.type, e.id" + (f" LIMIT {int(limit)}" if limit else ""))
        events = self._rows(sql, params)
        if not events:
            return []
        ids = [e["id"] for e in events]
        marks = ",".join("?" * len(ids))
        parts: dict = {}
        for r in self._rows(f"SELECT p.event_id, p.role, a.id, a.name FROM participants p JOIN actors a"
                            f" ON a.id = p.actor_id WHERE p.event_id IN ({marks})", ids):
            parts.setdefault(r["event_id"], []).append({"actor": r["name"], "actor_id": r["id"], "role": r["role"]})
        evid: dict = {}
        for r in self._rows(f"SELECT v.owner_id, v.document_id, v.start_offset, v.end_offset, v.text, d.source,"
                            f" d.title FROM evidence v JOIN documents d ON d.id = v.document_id"
                            f" WHERE v.owner_id IN ({marks}) ORDER BY v.start_offset", ids):
            evid.setdefault(r["owner_id"], []).append(r)
        out = []
        for e in events:
            rows = evid.get(e["id"], [])
            sources: dict = {}
            for r in rows:
                s = sources.setdefault(r["document_id"], {"document_id": r["document_id"], "source": r["source"],
                                                          "title": r["title"], "evidence": []})
                s["evidence"].append({"start": r["start_offset"], "end": r["end_offset"], "text": r["text"]})
            out.append({
                "id": e["id"], "type": e["type"], "date": e["date"], "date_precision": e["date_precision"],
                "date_basis": e["date_basis"],
                "participants": sorted(parts.get(e["id"], []), key=lambda p: (_ROLE_ORDER.get(p["role"], 9), p["actor"])),
                "location": {"venue": e["venue"], "city": e["city"], "country": e["country"]},
                "format": e["format"], "status": e["status"], "mechanism": e["mechanism"], "ordinal": e["ordinal"],
                "evidence": [{"start": r["start_offset"], "end": r["end_offset"], "text": r["text"],
                              "document_id": r["document_id"]} for r in rows],
                "confidence": e["confidence"], "cameo": e["cameo"], "plover": json.loads(e["plover"] or "null"),
                "sources": list(sources.values()),
            })
        return out


_ROLE_ORDER = {"host": 0, "sender": 0, "visitor": 0, "participant": 1, "guest": 1, "recipient": 1,
               "courier": 2, "speaker": 3, "attendee": 4}
