"""Storage: a DuckDB file by default, or a PostgreSQL database; versioned migrations.

One document and everything extracted from it is written in one transaction, so an
interrupted ingest never leaves half a document; documents are keyed by the hash of
their cleaned text, so re-ingesting adds nothing twice.

``--db postgresql://...`` (or ``postgres://``) opens PostgreSQL through ``parley.pg``:
the same schema, the same queries and the same results. Writers take an advisory lock
for the length of each write transaction there, so concurrent ingests are safe.
"""
from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import Optional

from . import dedup, merge, pg
from .errors import StoreError
from .model import Extraction, stable_id
from .sqlutil import among, insert_many, update_many

DEFAULT_DB = "parley.duckdb"
MIGRATIONS = Path(str(resources.files("parley") / "migrations"))
# ONE_ROLE: ``participants`` holds one row per actor of an event (reconciling keeps each actor's
# most specific role), so the events of an actor are counted with count(*), not count(DISTINCT).
MERGE_CACHE = int(os.environ.get("PARLEY_MERGE_CACHE", 100_000))  # extractions a writer keeps between transactions


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
        self.path = str(path or default_path())
        self.dialect = "postgresql" if pg.is_dsn(self.path) else "duckdb"
        self.where = pg.redact(self.path) if self.dialect == "postgresql" else self.path  # for messages
        if self.dialect == "postgresql":
            try:
                self.con = pg.Connection(self.path, read_only=read_only)
            except Exception as e:  # psycopg.Error, or a malformed DSN
                first = (str(e).strip().splitlines() or [e.__class__.__name__])[0]
                raise StoreError(f"cannot open the database ({first}); it was not modified", self.where) from None
        else:
            import duckdb

            if read_only and not Path(self.path).exists():
                raise StoreError("no database here; run `parley ingest` first", self.path)
            try:
                self.con = duckdb.connect(self.path, read_only=read_only)
            except duckdb.Error as e:
                first = str(e).splitlines()[0]
                raise StoreError(f"cannot open the database ({first}); the file was not modified", self.path) from None
        self._check_and_migrate(read_only)
        self._merge_cache = _MergeCache(MERGE_CACHE)

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
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}

    def _lock(self) -> None:
        """Inside a write transaction: wait for the other writers (PostgreSQL; a DuckDB file has one writer)."""
        if self.dialect == "postgresql":
            self.con.lock()

    def _pending(self, read_only: bool) -> list:
        """The migrations this database still needs (errors if it is not parley's, or newer)."""
        tables = self._tables()
        if tables and "schema_migrations" not in tables:
            self.close()
            raise StoreError("this database was not made by parley (no schema_migrations table); "
                             "it was not modified", self.where)
        done = set()
        if "schema_migrations" in tables:
            done = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        if done and max(done) > max(v for v, _ in migrations()):
            self.close()
            raise StoreError("this database was made by a newer parley; upgrade parley to use it", self.where)
        todo = [(v, sql) for v, sql in migrations() if v not in done]
        if todo and read_only:
            self.close()
            if not tables and self.dialect == "postgresql":
                raise StoreError("no parley database here; run `parley ingest` first", self.where)
            raise StoreError("the database needs a schema upgrade; open it once without read-only", self.where)
        return todo

    def _check_and_migrate(self, read_only: bool) -> None:
        if not self._pending(read_only):
            return
        self.con.execute("BEGIN")
        try:
            self._lock()
            todo = self._pending(read_only)  # again, under the lock: another writer may have just migrated
            self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                             "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
            for v, sql in todo:
                sql = re.sub(r"--[^\n]*", "", sql)  # comments may hold semicolons
                for stmt in [s for s in sql.split(";") if s.strip()]:
                    self.con.execute(self.con.migration(stmt) if self.dialect == "postgresql" else stmt)
                self.con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [v])
            self.con.execute("COMMIT")
            if self.dialect == "duckdb":  # DuckDB cannot replay a log that renames an indexed table:
                self.con.execute("CHECKPOINT")  # write the migrated schema out before any crash can hit
        except Exception:
            if self.con is not None:
                self.con.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        return self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]

    # -- writing ----------------------------------------------------------------
    def stored_sources(self, sources: list) -> set:
        """Which of these sources (file paths, record ids) some stored document came from."""
        if not sources:
            return set()
        cond, params = among(self.con, "source", sources)
        return {r[0] for r in self.con.execute(f"SELECT DISTINCT source FROM documents WHERE {cond}", params).fetchall()}

    def stored_documents(self, ids: list) -> set:
        """Which of these document ids are stored."""
        if not ids:
            return set()
        cond, params = among(self.con, "id", ids)
        return {r[0] for r in self.con.execute(f"SELECT id FROM documents WHERE {cond}", params).fetchall()}

    def add(self, x: Extraction) -> bool:
        """Store one document and its extraction; False if it was already there."""
        return self.add_many([x])[0]

    def add_many(self, xs: list) -> list[bool]:
        """Store documents and their extractions in one transaction, merged once; for each,
        False if it was already there. A crash loses the whole batch or nothing of it."""
        con = self.con
        con.execute("BEGIN")
        try:
            self._lock()  # concurrent writers (PostgreSQL) take turns: the check below and the merge are race-free
            present = self.stored_documents(sorted({x.document.id for x in xs}))
            fresh, added = [], []
            for x in xs:
                new = x.document.id not in present
                added.append(new)
                if new:
                    present.add(x.document.id)
                    fresh.append(x)
            sigs = [(x.document.id, x.signature if x.signature is not None else dedup.signature(x.document.text))
                    for x in fresh]  # workers compute the signatures; a direct caller may not have
            writes = self._merge_cache.check(con)
            moved: dict = {}
            roots = dedup.assign(con, sigs, moved)
            self._merge_cache.reroot(moved)
            insert_many(con, "INSERT INTO documents (id, source, url, title, published, outlet, authors,"
                        " dateline_place, dateline_date, warnings, text, minhash, duplicate_of)",
                        [(d.id, d.source, d.url, d.title, d.published, d.outlet, json.dumps(d.authors),
                          d.dateline.place, d.dateline.date, json.dumps(d.warnings), d.text, dedup.encode(sig), root)
                         for (d, (_, sig), root) in zip((x.document for x in fresh), sigs, roots)])
            self._insert_extractions(fresh)
            self._remerge([e.id for x in fresh for e in x.events])
            con.execute("UPDATE store_state SET writes = ? WHERE id = 1", [writes + 1])
            con.execute("COMMIT")
            self._merge_cache.seen = writes + 1
            return added
        except BaseException:
            self._merge_cache.clear()  # it may hold what was rolled back
            con.execute("ROLLBACK")
            raise

    def _insert_extractions(self, xs: list) -> None:
        con = self.con
        actors: dict = {}
        for x in xs:
            for a in x.actors:
                actors.setdefault(a.id, (a.id, a.name, a.kind, a.country, json.dumps(a.aliases),
                                         json.dumps(a.to_dict()["roles"]), a.known))
        insert_many(con, "INSERT INTO actors (id, name, kind, country, aliases, roles, known)",
                    list(actors.values()), "ON CONFLICT (id) DO NOTHING")
        rows: dict = {}
        parts: set = set()
        pos: dict = {}       # rows by id, the first of each id kept
        evidence: dict = {}  # rows by (owner, start), likewise
        for x in xs:
            d = x.document
            for e in x.events:
                rows.setdefault(e.id, (e.id, d.id, e.type, e.date, e.date_precision, e.date_basis, e.location.venue,
                                       e.location.city, e.location.country, e.format, e.status, e.mechanism,
                                       e.ordinal, e.confidence, e.cameo, json.dumps(e.plover), e.date_partial))
                parts |= {(e.id, p.actor_id, p.role) for p in e.participants}
                for ev in e.evidence:
                    evidence.setdefault((e.id, ev.start), (e.id, d.id, ev.start, ev.end, ev.text))
            for p in x.positions:
                pid = "pos-" + stable_id(d.id, p.speaker_id, p.topic, p.evidence[0].start if p.evidence else 0)
                pos.setdefault(pid, (pid, d.id, p.speaker_id, p.topic, p.date, p.text, p.stance, p.quote))
                for ev in p.evidence:
                    evidence.setdefault((pid, ev.start), (pid, d.id, ev.start, ev.end, ev.text))
        insert_many(con, "INSERT INTO extractions (id, document_id, type, date, date_precision, date_basis, venue,"
                    " city, country, format, status, mechanism, ordinal, confidence, cameo, plover, date_partial)",
                    list(rows.values()), "ON CONFLICT (id) DO NOTHING")
        insert_many(con, "INSERT INTO extraction_participants (event_id, actor_id, role)", sorted(parts),
                    "ON CONFLICT DO NOTHING")
        insert_many(con, "INSERT INTO positions (id, document_id, speaker_id, topic, date, text, stance, quote)",
                    list(pos.values()), "ON CONFLICT (id) DO NOTHING")
        insert_many(con, "INSERT INTO evidence (owner_id, document_id, start_offset, end_offset, text)",
                    list(evidence.values()), "ON CONFLICT DO NOTHING")

    # -- merging ----------------------------------------------------------------
    def _remerge(self, new_ids: list) -> None:
        """Re-cluster the extractions that the new ones could change (inside the transaction).

        Merging relates two extractions only when they share a core actor, their types are of
        one group and their dates can hold each other (one day; a day and its month or year;
        no date). The set clustered again is closed under that relation: it grows from the new
        extractions by date, never over an actor's whole history, and takes in the members of
        the events its extractions belong to. Undated extractions, which may fit an event on any
        day, are not grown from: the stored events beyond the set that they fit are counted by
        a lookup (``merge.cluster``'s ``outside``), and the one event an undated extraction
        joins is pulled into the set. The events that changed are replaced. Clustering a closed
        set gives what clustering everything would, so ingest order and batches do not matter.
        """
        new_ids = self._join_copies(new_ids)
        if not new_ids:
            return
        xs: dict = {}  # id -> merge.Extraction, with the stored event_id
        pending = set(new_ids)
        while True:
            frontier = self._load_merge(pending, xs)
            while frontier:  # the closure over dated extractions
                frontier = self._load_merge(self._dated_near([xs[i] for i in frontier]) | self._mates(frontier), xs)
            undated = self._undated_near([x for x in xs.values() if x.day], xs)  # taken into xs
            undated |= self._undated_copies([x for x in xs.values() if not x.date], xs)
            pending = self._mates(undated) - xs.keys()
            if pending:
                continue  # the events those undated extractions belong to
            outside = self._outside_fits([x for x in xs.values() if not x.date], xs)
            pulls: set = set()
            canon, reasons = merge.build(list(xs.values()), outside=outside, pulls=pulls)
            if not pulls:
                break
            pending = {r[0] for r in self.con.execute(
                f"SELECT id FROM extractions WHERE event_id IN ({','.join('?' * len(pulls))})", sorted(pulls)).fetchall()}
        self._replace_events(xs, canon, reasons)

    def _join_copies(self, new_ids: list) -> list:
        """Add the new extractions that are one more copy of a report an event already holds
        (``_MergeCache.copy_of``) to that event without clustering again; the others, to cluster.

        A copy changes no clustering: extractions of one kind relate to all others alike, and
        it is neither the first of its kind nor of its group. It joins with the reason the
        other copies have; the event's fields are reconciled again (a copy is one more vote).
        When that changes the event's id, it is left to clustering."""
        cache = self._merge_cache
        if not cache.events or not new_ids:
            return new_ids
        xs: dict = {}
        self._load_merge(new_ids, xs)
        joins: dict = {}  # event id -> {new id: its reason}
        for i in sorted(xs):
            hit = cache.copy_of(xs[i])
            if hit:
                joins.setdefault(hit[0], {})[i] = hit[1]
        members, canon, reasons = {}, [], {}  # of the events that copies join, written at once
        for e, new in sorted(joins.items()):
            group = {m: cache.xs[m] for m in cache.events[e]} | {i: xs[i] for i in new}
            c = merge.reconcile(list(group.values()))
            if not c.date:  # as merge.build names an undated event
                c.id += "-" + stable_id(min(c.members), n=6)
            if c.id == e:
                members |= group
                canon.append(c)
                reasons |= {m: x.join_reason for m, x in group.items()} | new
        if not canon:
            return new_ids
        cond, params = among(self.con, "id", [c.id for c in canon])
        links = dict(self.con.execute(f"SELECT id, linked_to FROM events WHERE {cond}", params).fetchall())
        for c in canon:
            c.linked_to = links.get(c.id)
        self._replace_events(members, canon, reasons)
        return [i for i in new_ids if i not in members]

    def _load_merge(self, ids, xs: dict) -> set:
        """Load the extractions not loaded yet (rows and participants) into ``xs``; their ids.
        Those of the events this writer wrote last come from its cache."""
        ids = set(ids) - xs.keys()
        out = set()
        for i in self._merge_cache.take(ids, xs):
            out.add(i)
            ids.discard(i)
        if not ids:
            return out
        ids = sorted(ids)
        rows = self._rows("SELECT * FROM extractions WHERE " + (cond := among(self.con, "id", ids))[0], cond[1])
        roots = self._roots({r["document_id"] for r in rows})  # by key: a join would scan every document
        for r in rows:
            r["root"] = roots.get(r["document_id"], r["document_id"])
        cond = among(self.con, "event_id", ids)
        parts = self._rows(f"SELECT event_id, actor_id, role FROM extraction_participants WHERE {cond[0]}", cond[1])
        for r, x in zip(rows, merge.load_extractions(rows, parts)):
            x.event_id, x.join_reason = r["event_id"], r["join_reason"]
            xs[x.id] = x
            out.add(x.id)
        return out

    def _roots(self, doc_ids) -> dict:
        """{document id: the first document of its near-duplicate group}, looked up by key."""
        if not doc_ids:
            return {}
        cond, params = among(self.con, "id", sorted(doc_ids))
        return dict(self.con.execute(f"SELECT id, coalesce(duplicate_of, id) FROM documents WHERE {cond}", params).fetchall())

    def _mates(self, ids) -> set:
        """Every member of the events these extractions belong to."""
        found, ids = self._merge_cache.mates(ids)
        if not ids:
            return found
        cond, params = among(self.con, "id", sorted(ids))
        return found | {r[0] for r in self.con.execute(
            f"SELECT id FROM extractions WHERE event_id IN (SELECT event_id FROM extractions WHERE {cond}"
            " AND event_id IS NOT NULL)", params).fetchall()}

    def _sharing(self, xs: list, dates: str, params: list) -> str:
        """SQL for the extractions that share a core actor and a type group with ``xs``, and whose
        date satisfies ``dates``; with its parameters appended to ``params``."""
        actors = sorted({a for x in xs for a in x.core})
        types = sorted(t for t, g in merge.TYPE_GROUP.items() if g in {merge.TYPE_GROUP.get(x.type) for x in xs})
        params += actors + list(merge.NON_CORE) + types
        return (f"SELECT DISTINCT x.id FROM extraction_participants p JOIN extractions x ON x.id = p.event_id"
                f" WHERE p.actor_id IN ({','.join('?' * len(actors))}) AND p.role NOT IN ({','.join('?' * len(merge.NON_CORE))})"
                f" AND x.type IN ({','.join('?' * len(types))}) AND {dates}")

    def _dated_near(self, xs: list) -> set:
        """Dated extractions whose dates can hold or be held by those of ``xs`` (same type group,
        a shared core actor): the same day, a day and its month or year, a month and its year."""
        xs = [x for x in xs if x.date and _mergeable(x)]
        if not xs:
            return set()
        days = {x.date for x in xs if len(x.date) == 10}
        coarse = {x.date for x in xs if len(x.date) < 10}
        held = sorted({d[:n] for d in days | coarse for n in (4, 7, 10) if n <= len(d)})  # its year, month, day
        months = sorted(c for c in coarse if len(c) == 7)
        years = sorted(c for c in coarse if len(c) == 4)
        cond = [f"x.date IN ({','.join('?' * len(held))})"]
        params: list = []
        sql_params = list(held)
        if months:
            cond.append(f"substr(x.date, 1, 7) IN ({','.join('?' * len(months))})")
            sql_params += months
        if years:
            cond.append(f"substr(x.date, 1, 4) IN ({','.join('?' * len(years))})")
            sql_params += years
        sql = self._sharing(xs, "(" + " OR ".join(cond) + ")", params)
        return {r[0] for r in self.con.execute(sql, params + sql_params).fetchall()}

    def _undated_near(self, days: list, xs: dict) -> set:
        """Stored undated extractions that may fit one of the day-dated extractions ``days``."""
        days = [x for x in days if _mergeable(x)]
        if not days:
            return set()
        params: list = []
        found = {r[0] for r in self.con.execute(self._sharing(days, "x.date IS NULL", params), params).fetchall()}
        cands: dict = {}
        self._load_merge(found - xs.keys(), cands)
        keep = {i for i in found if i in xs}
        kinds = list({(merge.key(d), d.day): d for d in days}.values())  # copies of a report: one each
        keep |= {i for i, y in cands.items() if any(merge.fits(y, d.day, [d]) for d in kinds)}
        for i in keep - xs.keys():
            xs[i] = cands[i]
        return keep

    def _undated_copies(self, undated: list, xs: dict) -> set:
        """Stored undated extractions from copies of the reports of ``undated`` (one event each)."""
        roots = sorted({y.root_document for y in undated})
        if not roots:
            return set()
        marks = ",".join("?" * len(roots))
        found = {r[0] for r in self.con.execute(
            f"SELECT id FROM extractions WHERE date IS NULL AND document_id IN (SELECT id FROM documents"
            f" WHERE id IN ({marks}) OR duplicate_of IN ({marks}))", roots + roots).fetchall()}
        self._load_merge(found, xs)
        return found

    def _outside_fits(self, undated: list, xs: dict) -> dict:
        """{undated extraction id: the stored events beyond ``xs`` it fits (by a day-dated member)}."""
        undated = [y for y in undated if _mergeable(y)]
        if not undated:
            return {}
        params: list = []
        inner = self._sharing(undated, "x.date_precision = 'day' AND x.event_id IS NOT NULL", params)
        rows = self.con.execute(
            f"SELECT x.id, x.event_id, x.type, x.date, x.status, x.country, x.ordinal, x.format, q.actor_id, q.role"
            f" FROM extractions x JOIN extraction_participants q ON q.event_id = x.id WHERE x.id IN ({inner})",
            params).fetchall()
        members: dict = {}
        for xid, event_id, typ, date, status, country, ordinal, fmt, actor, role in rows:
            if xid in xs:
                continue
            m = members.setdefault(xid, [event_id, typ, date, status, country, ordinal, fmt, []])
            m[7].append((actor, role))
        distinct = {}  # copies of one report: one member each
        for m in members.values():
            distinct.setdefault((m[0], m[1], m[2], m[3], m[4], m[5], m[6], tuple(sorted(m[7]))), m)
        stored = [(m[0], merge.Extraction(id="", document_id="", type=m[1], date=m[2], date_precision="day",
                                          date_basis=None, venue=None, city=None, country=m[4], format=m[6],
                                          status=m[3], mechanism=None, ordinal=m[5], confidence=0.0, cameo=None,
                                          plover=None, participants=sorted(m[7]))) for m in distinct.values()]
        out = {}
        for y in undated:
            hit = {event_id for event_id, m in stored if m.day and merge.fits(y, m.day, [m])}
            if hit:
                out[y.id] = hit
        return out

    def _replace_events(self, xs: dict, canon: list, reasons: dict) -> None:
        """Write the clustered events of ``xs``: those whose members, sources or link changed."""
        con = self.con
        old_members: dict = {}
        for x in xs.values():
            if x.event_id:
                old_members.setdefault(x.event_id, set()).add(x.id)
        old = sorted(old_members)
        stored = {}
        if old:
            cond, params = among(con, "id", old)
            stored = {r[0]: (r[1], r[2]) for r in con.execute(
                f"SELECT id, n_sources, linked_to FROM events WHERE {cond}", params).fetchall()}
        same = {c.id for c in canon if old_members.get(c.id) == set(c.members)
                and stored.get(c.id) == (c.n_sources, c.linked_to)}
        changed = [c for c in canon if c.id not in same]
        gone = [e for e in old if e not in same]
        if gone:
            con.execute("DELETE FROM participants WHERE " + (cond := among(con, "event_id", gone))[0], cond[1])
            con.execute("DELETE FROM events WHERE " + (cond := among(con, "id", gone))[0], cond[1])
        insert_many(con, "INSERT INTO events (id, type, date, date_precision, date_basis, venue, city, country,"
                    " format, status, mechanism, ordinal, series_id, confidence, cameo, plover, conflicts, linked_to,"
                    " n_sources)",
                    [(c.id, c.type, c.date, c.date_precision, c.date_basis, c.venue, c.city, c.country, c.format,
                      c.status, c.mechanism, c.ordinal, c.series_id, c.confidence, c.cameo, c.plover,
                      json.dumps(c.conflicts), c.linked_to, c.n_sources) for c in changed])
        insert_many(con, "INSERT INTO participants (event_id, actor_id, role)",
                    sorted({(c.id, a, r) for c in changed for a, r in c.participants}), "ON CONFLICT DO NOTHING")
        update_many(con, "extractions", "id", ["event_id", "join_reason"],
                    [(xid, c.id, reasons.get(xid)) for c in changed for xid in c.members
                     if (xs[xid].event_id, xs[xid].join_reason) != (c.id, reasons.get(xid))])  # those that moved
        self._merge_cache.keep(xs, canon, reasons, gone)
        for c in changed:
            if c.series_id:
                con.execute("INSERT INTO series VALUES (?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
                            " name = CASE WHEN length(excluded.name) > length(series.name) THEN excluded.name"
                            " ELSE series.name END", [c.series_id, c.mechanism, None, "mechanism"])

    def merge_audit(self) -> tuple[set, set]:
        """(the stored events, those that clustering every stored extraction at once gives),
        each a set of rows: every column of an event and its sorted (member, join reason)
        pairs. Each write re-clusters only what its new extractions could change; the two
        sets are equal when that was done right (the tests and ``bench/writer.py --check``)."""
        xs = self._rows("SELECT x.*, coalesce(d.duplicate_of, d.id) AS root FROM extractions x"
                        " JOIN documents d ON d.id = x.document_id ORDER BY x.id")
        parts = self._rows("SELECT * FROM extraction_participants ORDER BY event_id, actor_id, role")
        canon, reasons = merge.build(merge.load_extractions(xs, parts))
        whole = {(c.id, c.type, c.date, c.date_precision, c.date_basis, c.venue, c.city, c.country, c.format,
                  c.status, c.mechanism, c.ordinal, c.series_id, c.confidence, c.cameo, c.plover,
                  json.dumps(c.conflicts), c.linked_to, c.n_sources,
                  tuple(sorted((m, reasons.get(m)) for m in c.members))) for c in canon}
        members: dict = {}
        for xid, ev, why in self.con.execute("SELECT id, event_id, join_reason FROM extractions").fetchall():
            members.setdefault(ev, []).append((xid, why))
        stored = {tuple(r) + (tuple(sorted(members.get(r[0], []))),) for r in self.con.execute(
            "SELECT id, type, date, date_precision, date_basis, venue, city, country, format, status, mechanism,"
            " ordinal, series_id, confidence, cameo, plover, conflicts, linked_to, n_sources FROM events").fetchall()}
        return stored, whole

    # -- reading ----------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in ("documents", "actors", "events", "positions", "participants", "evidence", "extractions"):
            raise ValueError(table)
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def _rows(self, sql: str, params=()) -> list[dict]:
        cur = self.con.execute(sql, list(params))
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def documents(self, with_text: bool = False, limit: Optional[int] = None, offset: int = 0) -> list[dict]:
        cols = "id, source, url, title, published, outlet, authors, dateline_place, dateline_date, warnings"
        rows = self._rows(f"SELECT {cols}{', text' if with_text else ''} FROM documents ORDER BY published, source, id"
                          + (f" LIMIT {int(limit)}" if limit else "") + (f" OFFSET {int(offset)}" if offset else ""))
        for r in rows:
            r["authors"] = json.loads(r["authors"] or "[]")
            r["warnings"] = json.loads(r["warnings"] or "[]")
        return rows

    def actors(self) -> list[dict]:
        rows = self._rows("SELECT a.*, (SELECT count(*) FROM participants p WHERE p.actor_id = a.id)"  # ONE_ROLE
                          " AS events FROM actors a ORDER BY events DESC, name, id")
        for r in rows:
            r["aliases"] = json.loads(r["aliases"] or "[]")
            r["roles"] = json.loads(r["roles"] or "[]")
        return rows

    def _actor_ids(self, name: str) -> list[str]:
        """Actor ids for a name, alias or id (case-insensitive)."""
        rows = self.con.execute(
            "SELECT id, name, aliases FROM actors WHERE id = ? OR lower(name) = lower(?) OR aliases ILIKE ?",
            [name, name, f"%{json.dumps(name)[1:-1]}%"]).fetchall()
        key = name.lower()
        out = [aid for aid, nm, aliases in rows  # the ILIKE finds candidates; keep exact alias matches
               if aid == name or nm.lower() == key or key in (a.lower() for a in json.loads(aliases or "[]"))]
        return out or [name]

    def _event_filter(self, actor=None, type=None, since=None, until=None, status=None, between=None,
                      series=None, q=None, ids=None, country=None, mechanism=None) -> tuple[list, list]:
        """The WHERE clauses (on events ``e``) and parameters for the event filters."""
        where, params = [], []
        if ids is not None:
            where.append(f"e.id IN ({','.join('?' * len(ids))})" if ids else "false")
            params += list(ids)
        if type:
            where.append("e.type = ?")
            params.append(type)
        if status:
            where.append("e.status = ?")
            params.append(status)
        _date_range(where, params, "e.date", since, until)
        if series:
            where.append("(e.series_id = ? OR e.mechanism ILIKE ?)")
            params += [series, f"%{series}%"]
        if mechanism:
            where.append("e.mechanism ILIKE ?")
            params.append(f"%{mechanism}%")
        if q:
            where.append("e.id IN (SELECT x.event_id FROM extractions x JOIN evidence v ON v.owner_id = x.id"
                         " WHERE v.text ILIKE ? UNION SELECT id FROM events WHERE mechanism ILIKE ?)")  # one IN: no OR
            params += [f"%{q}%", f"%{q}%"]
        if country:  # held there, or with a participant of that country (name, demonym or ISO3 code)
            iso = _iso3(country)
            where.append("(e.country = ? OR e.id IN (SELECT p.event_id FROM participants p JOIN actors a"
                         " ON a.id = p.actor_id WHERE a.country = ?))")
            params += [iso, iso]
        if actor:  # took part, or addressed the gathering by letter (a message sent that day, same report)
            aids = self._actor_ids(actor)
            marks = ",".join("?" * len(aids))
            where.append(f"e.id IN (SELECT event_id FROM participants WHERE actor_id IN ({marks})"
                         " UNION SELECT xs.event_id FROM extraction_participants pm"  # from the actor's letters,
                         " JOIN extractions xm ON xm.id = pm.event_id"                # by key at each step
                         " JOIN extractions xs ON xs.document_id = xm.document_id AND xs.date = xm.date"
                         f" WHERE pm.actor_id IN ({marks}) AND pm.role = 'sender' AND xm.type = 'message'"
                         " AND xs.type = 'session')")
            params += aids + aids
        for name in list(between or []):
            aids = self._actor_ids(name)
            where.append(f"e.id IN (SELECT event_id FROM participants WHERE actor_id IN ({','.join('?' * len(aids))}))")
            params += aids
        return where, params

    def count_events(self, **filters) -> int:
        """How many events the filters of ``events()`` select (for paging)."""
        where, params = self._event_filter(**filters)
        sql = "SELECT count(*) FROM events e" + (" WHERE " + " AND ".join(where) if where else "")
        return self.con.execute(sql, params).fetchone()[0]

    def events(self, actor: Optional[str] = None, type: Optional[str] = None, since: Optional[str] = None,
               until: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None,
               between: Optional[tuple] = None, series: Optional[str] = None, q: Optional[str] = None,
               ids: Optional[list] = None, offset: int = 0, country: Optional[str] = None,
               mechanism: Optional[str] = None, sort: str = "date") -> list[dict]:
        """Canonical events (one per real event) with participants, evidence and sources.

        ``sort`` is a column (date, type, sources, confidence), "-" first for descending."""
        if ids is not None and not ids:
            return []
        where, params = self._event_filter(actor=actor, type=type, since=since, until=until, status=status,
                                           between=between, series=series, q=q, ids=ids, country=country,
                                           mechanism=mechanism)
        desc = sort.startswith("-")
        column = _SORTS.get(sort.lstrip("-"))
        if column is None:
            raise ValueError(f"cannot sort by {sort!r}; one of: {', '.join(_SORTS)}")
        order = f"{column} {'DESC' if desc else 'ASC'} NULLS LAST, e.date, e.type, e.id"
        cond = " WHERE " + " AND ".join(where) if where else ""
        page = (f" ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit else "")
                + (f" OFFSET {int(offset)}" if offset else ""))
        if limit and column == "e.date":
            # Sorting a million rows on three keys is slow; on the date alone it is fast. Find the
            # date of the page's last row first, then sort only the rows up to that date.
            last = self.con.execute(f"SELECT e.date FROM events e{cond} ORDER BY e.date {'DESC' if desc else 'ASC'}"
                                    f" NULLS LAST LIMIT 1 OFFSET {int(offset) + int(limit) - 1}", params).fetchone()
            if last and last[0] is not None:
                cond = (cond + " AND " if cond else " WHERE ") + f"e.date {'>=' if desc else '<='} ?"
                params = params + [last[0]]
        if limit:  # a page: sort the ids alone, then fetch those rows by key
            keys = [r[0] for r in self.con.execute(f"SELECT e.id FROM events e{cond}{page}", params).fetchall()]
            if not keys:
                return []
            by_id = {r["id"]: r for r in self._rows(
                f"SELECT * FROM events WHERE id IN ({','.join('?' * len(keys))})", keys)}
            events = [by_id[k] for k in keys]
        else:
            events = self._rows(f"SELECT e.* FROM events e{cond}{page}", params)
        if not events:
            return []
        ids = [e["id"] for e in events]
        marks = ",".join("?" * len(ids))
        parts: dict = {}
        prows = self.con.execute(f"SELECT event_id, actor_id, role FROM participants WHERE event_id IN ({marks})",
                                 ids).fetchall()  # by key, then the actors by key: a join would scan the table
        aids = sorted({r[1] for r in prows})
        names = dict(self.con.execute(f"SELECT id, name FROM actors WHERE id IN ({','.join('?' * len(aids))})",
                                      aids).fetchall()) if aids else {}
        for event_id, aid, role in sorted(prows, key=lambda r: (names.get(r[1], r[1]), r[1], r[2])):
            parts.setdefault(event_id, []).append({"actor": names.get(aid, aid), "actor_id": aid, "role": role})
        evid: dict = {}
        for r in self._evidence_rows(ids):
            evid.setdefault(r["event_id"], []).append(r)
        out = []
        for e in events:
            rows = evid.get(e["id"], [])
            sources: dict = {}
            for r in rows:
                src = sources.setdefault(r["document_id"], {
                    "document_id": r["document_id"], "source": r["source"], "title": r["title"],
                    "published": r["published"], "outlet": r["outlet"],
                    "duplicate_of": r["root"] if r["root"] != r["document_id"] else None, "evidence": []})
                item = {"start": r["start_offset"], "end": r["end_offset"], "text": r["text"]}
                if item not in src["evidence"]:
                    src["evidence"].append(item)
            out.append({
                "id": e["id"], "type": e["type"], "date": e["date"], "date_precision": e["date_precision"],
                "date_basis": e["date_basis"],
                "participants": sorted(parts.get(e["id"], []), key=lambda p: (_ROLE_ORDER.get(p["role"], 9), p["actor"])),
                "location": {"venue": e["venue"], "city": e["city"], "country": e["country"]},
                "format": e["format"], "status": e["status"], "mechanism": e["mechanism"], "ordinal": e["ordinal"],
                "series_id": e["series_id"],
                "evidence": [{"start": r["start_offset"], "end": r["end_offset"], "text": r["text"],
                              "document_id": r["document_id"]} for r in rows],
                "confidence": e["confidence"], "cameo": e["cameo"], "plover": json.loads(e["plover"] or "null"),
                "conflicts": json.loads(e["conflicts"] or "[]"), "linked_to": e["linked_to"],
                "n_sources": e["n_sources"], "sources": list(sources.values()),
            })
        return out

    def _evidence_rows(self, event_ids: list) -> list[dict]:
        """The evidence of events with its documents, by document and offset. Three lookups by
        indexed key, not one join: the join scans the whole evidence table of a large store."""
        marks = ",".join("?" * len(event_ids))
        xs = {r[0]: (r[1], r[2]) for r in self.con.execute(
            f"SELECT id, event_id, join_reason FROM extractions WHERE event_id IN ({marks})", event_ids).fetchall()}
        if not xs:
            return []
        xmarks = ",".join("?" * len(xs))
        ev = self.con.execute(f"SELECT owner_id, document_id, start_offset, end_offset, text FROM evidence"
                              f" WHERE owner_id IN ({xmarks})", list(xs)).fetchall()
        dids = sorted({r[1] for r in ev})
        docs = {r[0]: r for r in self.con.execute(
            f"SELECT id, source, title, published, outlet, coalesce(duplicate_of, id) FROM documents"
            f" WHERE id IN ({','.join('?' * len(dids))})", dids).fetchall()} if dids else {}
        rows = []
        for owner, doc, start, end, text in ev:
            event_id, reason = xs[owner]
            _, source, title, published, outlet, root = docs[doc]
            rows.append({"event_id": event_id, "extraction_id": owner, "join_reason": reason, "document_id": doc,
                         "start_offset": start, "end_offset": end, "text": text, "source": source, "title": title,
                         "published": published, "outlet": outlet, "root": root})
        rows.sort(key=lambda r: (r["document_id"], r["start_offset"], r["end_offset"], r["extraction_id"]))
        return rows

    def explain(self, event_id: str) -> Optional[dict]:
        """One event, the extractions that formed it and why each was joined."""
        evs = self.events(ids=[event_id])
        if not evs:
            rows = self.con.execute("SELECT id FROM events WHERE id LIKE ?", [event_id + "%"]).fetchall()
            if len(rows) != 1:
                return None
            evs = self.events(ids=[rows[0][0]])
        ev = evs[0]
        ev["extractions"] = self._rows(
            "SELECT x.id, x.document_id, d.source, x.type, x.date, x.date_precision, x.status, x.city, x.venue,"
            " x.format, x.join_reason, (SELECT string_agg(a.name || ' (' || p.role || ')', '; ' ORDER BY a.name)"
            " FROM extraction_participants p JOIN actors a ON a.id = p.actor_id WHERE p.event_id = x.id)"
            " AS participants FROM extractions x JOIN documents d ON d.id = x.document_id"
            " WHERE x.event_id = ? ORDER BY x.id", [ev["id"]])
        return ev

    def _position_filter(self, speaker, topic, since, until) -> tuple[list, list]:
        where, params = [], []
        if speaker:
            aids = self._actor_ids(speaker)
            where.append(f"p.speaker_id IN ({','.join('?' * len(aids))})")
            params += aids
        if topic:
            where.append("p.topic = ?")
            params.append(topic)
        _date_range(where, params, "p.date", since, until)
        return where, params

    def count_positions(self, speaker: Optional[str] = None, topic: Optional[str] = None,
                        since: Optional[str] = None, until: Optional[str] = None) -> int:
        where, params = self._position_filter(speaker, topic, since, until)
        return self.con.execute("SELECT count(*) FROM positions p" + (" WHERE " + " AND ".join(where) if where else ""),
                                params).fetchone()[0]

    def positions(self, speaker: Optional[str] = None, topic: Optional[str] = None,
                  since: Optional[str] = None, until: Optional[str] = None, limit: Optional[int] = None,
                  offset: int = 0) -> list[dict]:
        where, params = self._position_filter(speaker, topic, since, until)
        return self._rows(
            "SELECT p.date, a.name AS speaker, p.speaker_id, p.topic, p.stance, p.quote, p.text, p.document_id,"
            " d.source, d.title, d.outlet FROM positions p JOIN actors a ON a.id = p.speaker_id"
            " JOIN documents d ON d.id = p.document_id" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY p.date NULLS LAST, a.name, p.topic, p.id"
            + (f" LIMIT {int(limit)}" if limit else "") + (f" OFFSET {int(offset)}" if offset else ""), params)

    def density(self, bucket: str = "month", **filters) -> list[dict]:
        """Events per month (or year, or day) under the filters of ``events()``: the timeline's density strip."""
        width = {"year": 4, "month": 7, "day": 10}[bucket]
        where, params = self._event_filter(**filters)
        where.append("e.date IS NOT NULL")
        return self._rows(f"SELECT substr(e.date, 1, {width}) AS period, count(*) AS events FROM events e"
                          " WHERE " + " AND ".join(where) + " GROUP BY period ORDER BY period", params)

    def facets(self) -> dict:
        """Values the filters can take, with counts: types, statuses, countries, years."""
        def pairs(sql):
            return [{"value": v, "events": n} for v, n in self.con.execute(sql).fetchall() if v is not None]
        return {
            "types": pairs("SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC, 1"),
            "statuses": pairs("SELECT status, count(*) FROM events GROUP BY status ORDER BY 2 DESC, 1"),
            "countries": pairs("SELECT a.country, count(DISTINCT p.event_id) FROM participants p JOIN actors a"
                               " ON a.id = p.actor_id GROUP BY a.country ORDER BY 2 DESC, 1"),
            "years": pairs("SELECT substr(date, 1, 4) AS y, count(*) FROM events WHERE date IS NOT NULL"
                           " GROUP BY y ORDER BY y"),
            "topics": [{"value": v, "statements": n} for v, n in self.con.execute(
                "SELECT topic, count(*) FROM positions GROUP BY topic ORDER BY 2 DESC, 1").fetchall()],
        }

    def find_actors(self, q: Optional[str] = None, kind: Optional[str] = None, limit: int = 50,
                    offset: int = 0) -> tuple[int, list[dict]]:
        """Actors whose name or alias contains ``q``, most active first, and how many match."""
        where, params = [], []
        if q:
            where.append("(a.name ILIKE ? OR a.aliases ILIKE ? OR a.id = ?)")
            params += [f"%{q}%", f"%{q}%", q]
        if kind:
            where.append("a.kind = ?")
            params.append(kind)
        cond = " WHERE " + " AND ".join(where) if where else ""
        total = self.con.execute(f"SELECT count(*) FROM actors a{cond}", params).fetchone()[0]
        rows = self._rows(
            "SELECT a.id, a.name, a.kind, a.country, a.aliases, a.roles, a.known, coalesce(n.events, 0) AS events"
            " FROM actors a LEFT JOIN (SELECT actor_id, count(*) AS events FROM participants"  # one row per event (ONE_ROLE)
            f" GROUP BY actor_id) n ON n.actor_id = a.id{cond} ORDER BY events DESC, a.name, a.id"
            f" LIMIT {int(limit)} OFFSET {int(offset)}", params)
        for r in rows:
            r["aliases"] = json.loads(r["aliases"] or "[]")
            r["roles"] = json.loads(r["roles"] or "[]")
        return total, rows

    def actor_row(self, name: str) -> Optional[dict]:
        """The stored row of an actor named by id, name or alias; None if there is none."""
        ids = self._actor_ids(name)
        rows = self._rows(f"SELECT * FROM actors WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id", ids)
        return rows[0] if rows else None

    def actor(self, name: str) -> Optional[dict]:
        """One actor (by id, name or alias): roles over time, counterparts, event counts by type and year."""
        a = self.actor_row(name)
        if a is None:
            return None
        a["aliases"] = json.loads(a["aliases"] or "[]")
        a["roles"] = sorted(json.loads(a["roles"] or "[]"), key=lambda r: r.get("start") or "")
        a["counterparts"] = self._rows(
            "SELECT b.id, b.name, b.kind, b.country, count(*) AS events,"  # one row per event (ONE_ROLE)
            " min(e.date) AS first, max(e.date) AS last FROM participants p"
            " JOIN participants q ON q.event_id = p.event_id AND q.actor_id <> p.actor_id"
            " JOIN actors b ON b.id = q.actor_id JOIN events e ON e.id = p.event_id"
            " WHERE p.actor_id = ? AND q.role NOT IN ('attendee', 'courier')"
            " GROUP BY b.id, b.name, b.kind, b.country ORDER BY events DESC, b.name, b.id LIMIT 100", [a["id"]])
        a["activity"] = self._rows(
            "SELECT substr(e.date, 1, 4) AS year, e.type, count(*) AS events FROM participants p"
            " JOIN events e ON e.id = p.event_id WHERE p.actor_id = ? GROUP BY year, e.type ORDER BY year, e.type",
            [a["id"]])
        a["events"] = sum(r["events"] for r in a["activity"])
        a["positions"] = self.con.execute("SELECT count(*) FROM positions WHERE speaker_id = ?",
                                          [a["id"]]).fetchone()[0]
        return a

    def document(self, doc_id: str) -> Optional[dict]:
        """One document with its cleaned text and the spans that events and positions were drawn from."""
        rows = self._rows("SELECT id, source, url, title, published, outlet, authors, dateline_place,"
                          " dateline_date, warnings, duplicate_of, text FROM documents WHERE id = ? OR id LIKE ?"
                          " ORDER BY id LIMIT 2", [doc_id, doc_id + "%"])
        if len(rows) != 1 and not (rows and rows[0]["id"] == doc_id):
            return None
        d = rows[0]
        d["authors"] = json.loads(d["authors"] or "[]")
        d["warnings"] = json.loads(d["warnings"] or "[]")
        d["highlights"] = self._rows(
            "SELECT v.start_offset AS start, v.end_offset AS \"end\","
            " CASE WHEN x.id IS NULL THEN 'position' ELSE 'event' END AS kind, x.event_id,"
            " coalesce(x.type, p.topic) AS label, v.owner_id FROM evidence v"
            " LEFT JOIN extractions x ON x.id = v.owner_id LEFT JOIN positions p ON p.id = v.owner_id"
            " WHERE v.document_id = ? ORDER BY start, kind, v.owner_id", [d["id"]])
        return d

    def series(self, name: Optional[str] = None) -> list[dict]:
        """Mechanisms with their sessions, dates, sources, and the ordinals missing from the corpus."""
        rows = self._rows("SELECT id, type, date, ordinal, mechanism, series_id, n_sources, format FROM events"
                          " WHERE series_id IS NOT NULL ORDER BY series_id, ordinal NULLS LAST, date, id")
        keys = sorted({r["series_id"] for r in rows}, key=lambda k: (-len(k), k))
        canon: dict = {}
        for k in keys:  # fold a key into the longest one it is compatible with ("their dialogue")
            fits = [c for c in canon.values() if c == canon.get(c) and merge.same_series(k, c)]
            canon[k] = fits[0] if len(set(fits)) == 1 else k
        groups: dict = {}
        for r in rows:
            groups.setdefault(canon[r["series_id"]], []).append(r)
        out = []
        for sid, sessions in groups.items():
            mech = max((s["mechanism"] for s in sessions if s["mechanism"]), key=len, default=sid)
            if name and name.lower() not in mech.lower() and name.lower() not in sid:
                continue
            ords = sorted({s["ordinal"] for s in sessions if s["ordinal"]})
            missing = [n for n in range(1, max(ords) + 1) if n not in ords] if ords else []
            out.append({"series_id": sid, "name": mech, "sessions": [
                {"ordinal": s["ordinal"], "date": s["date"], "event_id": s["id"], "format": s["format"],
                 "sources": s["n_sources"]} for s in sessions], "missing_ordinals": missing,
                "missing": _ranges(missing)})
        return out

    def relations(self, a: str, b: str) -> list[dict]:
        """Interactions between two actors by type and year."""
        evs = self.events(between=(a, b))
        counts: dict = {}
        for e in evs:
            key = ((e["date"] or "????")[:4], e["type"], e["status"])
            counts[key] = counts.get(key, 0) + 1
        return [{"year": y, "type": t, "status": st, "events": n} for (y, t, st), n in sorted(counts.items())]

    def network(self, since: Optional[str] = None, until: Optional[str] = None, status: Optional[str] = "occurred",
                top: Optional[int] = None) -> tuple[list[dict], list[dict]]:
        """Actors as nodes; interactions between two actors of an event as weighted edges.

        ``top`` keeps the most active actors only (and the ties among them)."""
        where, params = [], []
        if status:
            where.append("e.status = ?")
            params.append(status)
        _date_range(where, params, "e.date", since, until)
        cond = (" AND " + " AND ".join(where)) if where else ""
        core = ("SELECT p.event_id, p.actor_id, e.type FROM participants p JOIN events e ON e.id = p.event_id"  # ONE_ROLE
                f" WHERE p.role NOT IN ('attendee', 'courier'){cond}")
        nodes = self._rows(
            f"SELECT c.actor_id AS id, a.name AS label, a.kind, a.country, count(*) AS events"
            f" FROM ({core}) c JOIN actors a ON a.id = c.actor_id GROUP BY c.actor_id, a.name, a.kind, a.country"
            " ORDER BY events DESC, id" + (f" LIMIT {int(top)}" if top else ""), params)
        keep = [n["id"] for n in nodes]
        if not keep:
            return [], []
        edges: dict = {}
        marks = ",".join("?" * len(keep))
        for x, y, etype, n in self.con.execute(
                f"WITH c AS ({core} AND p.actor_id IN ({marks})) SELECT c1.actor_id, c2.actor_id, c1.type,"
                " count(*) FROM c c1 JOIN c c2 ON c1.event_id = c2.event_id"
                " AND c1.actor_id < c2.actor_id GROUP BY 1, 2, 3", params + keep).fetchall():
            edge = edges.setdefault((x, y), {"source": x, "target": y, "weight": 0, "types": {}})
            edge["weight"] += n
            edge["types"][etype] = n
        return sorted(nodes, key=lambda n: n["id"]), sorted(edges.values(), key=lambda e: (e["source"], e["target"]))


class _MergeCache:
    """The merge rows (``merge.Extraction``, with event and join reason) of the events a
    writer wrote last, kept between its transactions so that a report joining a large event
    does not reload every member from the store. It mirrors the store: the events it holds
    are complete (every member), it is updated with what each transaction writes, dropped
    when one fails, and dropped when the store's count of write transactions shows that
    another writer has been here. At most ``cap`` extractions are kept: the events touched
    least recently go first."""

    def __init__(self, cap: int):
        self.cap = cap
        self.seen: Optional[int] = None  # the store's count of writes after this writer's last one
        self.xs: dict = {}                # extraction id -> merge.Extraction
        self.events: OrderedDict = OrderedDict()  # event id -> its member ids, least recent first
        self.kinds: dict = {}             # every field merging reads, but the root -> extraction ids

    def clear(self) -> None:
        self.seen = None
        self.xs.clear()
        self.events.clear()
        self.kinds.clear()

    def check(self, con) -> int:
        """The store's count of writes (inside the transaction, under the lock); drops what is
        kept if another writer wrote since."""
        writes = con.execute("SELECT writes FROM store_state WHERE id = 1").fetchone()[0]
        if writes != self.seen:
            self.clear()
        return writes

    def reroot(self, moved: dict) -> None:
        """Near-duplicate groups that a new document now roots: {old root: new root}."""
        if moved:
            for x in self.xs.values():
                x.root_document = moved.get(x.root_document, x.root_document)

    def take(self, ids: set, xs: dict) -> list:
        """Put the kept extractions among ``ids`` into ``xs``; their ids."""
        hits = [i for i in ids if i in self.xs]
        for i in hits:
            xs[i] = self.xs[i]
        return hits

    def copy_of(self, x) -> Optional[tuple[str, str]]:
        """(event, join reason) when ``x`` is one more copy of a report whose copies (the same
        near-duplicate root and every field merging reads) an event holds twice or more, and
        ``x`` is not the first of them by id; else None."""
        same = sorted(i for i in self.kinds.get(_kind(x), ()) if self.xs[i].root_document == x.root_document)
        if len(same) < 2 or x.id < same[0] or len({self.xs[i].event_id for i in same}) != 1:
            return None
        y = self.xs[same[1]]
        return y.event_id, y.join_reason

    def _drop(self, event_id: str) -> None:
        for i in self.events.pop(event_id, ()):
            x = self.xs.pop(i, None)
            if x is not None:
                ids = self.kinds.get(_kind(x))
                if ids is not None:
                    ids.discard(i)
                    if not ids:
                        del self.kinds[_kind(x)]

    def mates(self, ids) -> tuple[set, set]:
        """(the members of the kept events of these extractions, the ids whose event is not kept)."""
        found, rest = set(), set()
        for i in ids:
            x = self.xs.get(i)
            if x is not None and x.event_id in self.events:
                found |= self.events[x.event_id]
            else:
                rest.add(i)
        return found, rest

    def keep(self, xs: dict, canon: list, reasons: dict, gone: list) -> None:
        """After a write: ``xs`` now belong to the events ``canon``; the events ``gone`` are no more."""
        if self.cap <= 0:
            return
        for e in [*gone, *(c.id for c in canon)]:  # all dropped before any is added: members move
            self._drop(e)
        for c in canon:
            for i in c.members:
                x = xs[i]
                x.event_id, x.join_reason = c.id, reasons.get(i)
                self.xs[i] = x
                self.kinds.setdefault(_kind(x), set()).add(i)
            self.events[c.id] = frozenset(c.members)
        while len(self.xs) > self.cap and self.events:
            self._drop(next(iter(self.events)))


_KIND = ("type", "date", "date_precision", "date_basis", "venue", "city", "country", "format", "status", "mechanism",
         "ordinal", "confidence", "cameo", "plover", "date_partial")


def _kind(x) -> tuple:
    """Every field of a merge row that clustering and reconciling read, but its id, document and root."""
    return tuple(getattr(x, f) for f in _KIND) + (tuple(x.participants),)


def _mergeable(x) -> bool:
    """An extraction that can join others: it has a core actor and a type merging knows."""
    return bool(x.core) and x.type in merge.TYPE_GROUP


def _date_range(where: list, params: list, column: str, since: Optional[str], until: Optional[str]) -> None:
    """Filter an ISO date column; "until 2024-05-16" keeps "2024-05" and "2024" too ('~' sorts last)."""
    if since:
        where.append(f"{column} >= ?")
        params.append(since)
    if until:
        where.append(f"{column} <= CAST(? AS TEXT) || '~'")
        params.append(until)


def _iso3(country: str) -> str:
    """"China", "Chinese", "chn" -> "CHN" (the code stored on events and actors)."""
    from .kb import KB

    text = country.strip()
    if len(text) == 3 and text.isalpha() and text.upper() in KB.load().countries:
        return text.upper()
    return KB.load().country_of(text) or text


def _ranges(nums: list[int]) -> str:
    """[1, 2, 3, 5] -> "1–3, 5"."""
    out, start, prev = [], None, None
    for n in nums + [None]:
        if start is None:
            start = prev = n
        elif n is not None and n == prev + 1:
            prev = n
        else:
            out.append(f"{start}\u2013{prev}" if prev != start else f"{start}")
            start = prev = n
    return ", ".join(x for x in out if x != "None")


_SORTS = {"date": "e.date", "type": "e.type", "sources": "e.n_sources", "confidence": "e.confidence",
          "mechanism": "e.mechanism"}

_ROLE_ORDER = {"host": 0, "sender": 0, "visitor": 0, "participant": 1, "guest": 1, "recipient": 1,
               "courier": 2, "speaker": 3, "attendee": 4}
