"""Ingest: read items, clean, extract and store them, streaming, in groups and batches.

A bad item is reported (with its error code) and skipped; the batch goes on. A
document already in the store (same cleaned text) is counted, not stored again; one
whose source the store already holds is checked before extraction, so a re-run of the
same input extracts nothing again.
"""
from __future__ import annotations

import itertools
import logging
import os
from collections import deque
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from . import document, pipeline, readers
from .errors import InputError
from .store import Store

log = logging.getLogger("parley.ingest")
POOL_AFTER = 24  # items: fewer than this are analysed in this process, whatever ``jobs`` says
GROUP = 4        # documents analysed together (sent to a worker as one task)
CHUNK = 16       # items checked against the store at once, then sent on in groups
WRITER_MEMORY = os.environ.get("PARLEY_WRITER_MEMORY", "256MB")  # DuckDB's cache while workers run
STORE_BATCH = int(os.environ.get("PARLEY_STORE_BATCH", 256))  # documents written in one transaction (a crash loses at most these; a re-run redoes them)


@dataclass
class Summary:
    added: int = 0
    present: int = 0
    failed: list = field(default_factory=list)     # [(item, message)]
    warnings: list = field(default_factory=list)   # [(item, message)]
    events: int = 0
    positions: int = 0

    @property
    def total(self) -> int:
        return self.added + self.present + len(self.failed)

    def exit_code(self) -> int:
        """0 all good, 3 some items failed, 1 every item failed."""
        if not self.failed:
            return 0
        return 1 if self.added + self.present == 0 else 3

    def to_dict(self) -> dict:
        return {"added": self.added, "already_present": self.present, "failed": len(self.failed),
                "events": self.events, "positions": self.positions,
                "errors": [{"item": i, "error": m} for i, m in self.failed],
                "warnings": [{"item": i, "warning": m} for i, m in self.warnings]}


def item_warnings(raw: readers.RawItem) -> list[str]:
    out = []
    for w in raw.warnings:
        if w.startswith("invalid_utf8:"):
            _, at, n = w.split(":")
            out.append(f"W104 invalid UTF-8 at byte {at}: {n} bad sequence(s) replaced")
        elif w.startswith("encoding:"):
            out.append(f"W105 not UTF-8; decoded as {w.split(':', 1)[1]}")
    return out


def ingest(paths: Iterable[str], store: Store, published: Optional[str] = None, outlet: Optional[str] = None,
           on_item: Optional[Callable[[str, str], None]] = None, stdin=None, jobs: int = 1,
           prefilter: Optional[bool] = None, engine: str = "local", address: Optional[str] = None) -> Summary:
    """Ingest every item under the paths into the store. ``on_item(item, status)`` reports progress."""
    return ingest_items(readers.read(paths, stdin=stdin), store, published, outlet, on_item, jobs, prefilter,
                        engine, address)


def ingest_items(items: Iterable[readers.Item], store: Store, published: Optional[str] = None,
                 outlet: Optional[str] = None, on_item: Optional[Callable[[str, str], None]] = None,
                 jobs: int = 1, prefilter: Optional[bool] = None, engine: str = "local",
                 address: Optional[str] = None) -> Summary:
    """Ingest items already read (raw articles or the input errors met while reading them).

    Items stream through in groups: each group is cleaned and analysed here (``jobs`` 1) or
    in a pool of ``jobs`` worker processes, and the results are written here, a batch of
    documents per transaction, in input order; an item whose source the store already
    holds is checked here first, so a re-run extracts nothing again. At most a few groups per worker
    are in flight, so memory does not grow with the corpus."""
    summary = Summary()
    items = iter(items)
    head = list(itertools.islice(items, POOL_AFTER))  # a small batch is not worth starting workers for
    pool = None
    if engine == "ray":  # the same analysis, on a Ray cluster's workers (parley/ray_engine.py)
        from .ray_engine import RayPool

        pool = RayPool(jobs, prefilter, address, published, outlet)
    elif jobs > 1 and len(head) == POOL_AFTER:
        pool = _Pool(jobs, prefilter, published, outlet)
    pending: deque = deque()  # (sources, future) in input order
    group: list = []          # (source, raw item) of the chunk being read
    out = _Writer(store, summary, on_item)
    opts = (prefilter, published, outlet)

    def flush():
        if not group:
            return
        todo = _unstored(group, store, published, outlet, summary, on_item)  # one lookup for the chunk
        group.clear()
        for i in range(0, len(todo), GROUP):
            sources, work = [g[0] for g in todo[i:i + GROUP]], [g[1] for g in todo[i:i + GROUP]]
            if pool is None:
                for source, x in zip(sources, _analyze_group(work, *opts)):
                    out.put(source, x)
                continue
            pending.append((sources, pool.submit(work)))
            while len(pending) >= pool.window or (pending and pending[0][1].done()):
                done, fut = pending.popleft()
                for source, x in zip(done, fut.result()):
                    out.put(source, x)

    one_thread = pool is not None and store.dialect == "duckdb"
    if one_thread:  # the workers have the cores: the writer's many small queries run best on one thread,
        store.con.execute("SET threads TO 1")  # and its cache of the file need not grow with the store
        store.con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")
    try:
        for item in itertools.chain(head, items):
            if isinstance(item, InputError):
                summary.failed.append((item.item or "?", f"{item.code} {item.message}"))
                _report(on_item, item.item or "?", "failed")
                continue
            for w in item_warnings(item):
                summary.warnings.append((item.source, w))
            group.append((item.source, item))
            if len(group) >= CHUNK:
                flush()
        flush()
        while pending:
            done, fut = pending.popleft()
            for source, x in zip(done, fut.result()):
                out.put(source, x)
        out.flush()
    finally:
        if pool is not None:
            pool.close()
        if one_thread:
            store.con.execute("RESET threads")
            store.con.execute("RESET memory_limit")
    return summary


def _unstored(group: list, store: Store, published, outlet, summary: Summary, on_item) -> list:
    """The items of a group that may not be stored yet. An item whose source the store holds
    (a re-run) is cleaned here and skipped when its document is there; the others are
    cleaned with their analysis, in the workers."""
    known = store.stored_sources(sorted({src for src, _ in group}))
    work = [(src, item if src not in known else build(item, published, outlet)) for src, item in group]
    present = store.stored_documents([w[0].id for _, w in work if isinstance(w, tuple)])
    out = []
    for src, w in work:
        if isinstance(w, str):
            summary.failed.append((src, w))
            _report(on_item, src, "failed")
        elif isinstance(w, tuple) and w[0].id in present:
            summary.present += 1
            _report(on_item, src, "present")
        else:
            out.append((src, w))
    return out


def build(item, published=None, outlet=None):
    """(document, paragraphs) of a raw item, or the message of the error that stopped it."""
    if isinstance(item, tuple):
        return item  # cleaned already
    try:
        return document.build(item, published=published, outlet=outlet)
    except InputError as e:
        return f"{e.code} {e.message}"
    except Exception as e:  # a bug on one item must not stop the batch
        log.debug("internal error on %s\n%s", item.source, traceback.format_exc())
        return f"E900 internal error: {e.__class__.__name__}: {e}"


def source_of(entry) -> str:
    """The source of a raw item or of a cleaned (document, paragraphs) pair."""
    return entry[0].source if isinstance(entry, tuple) else entry.source


def _analyze_group(work: list, prefilter: Optional[bool], published=None, outlet=None) -> list:
    """The extractions of a group of raw items (or cleaned documents): each is cleaned, then
    their parses are batched together; a document's MinHash signature comes with its
    extraction. An item that fails gets its error message instead, and the group goes on."""
    from . import dedup

    built = [build(w, published, outlet) for w in work]
    done = iter(_analyze_built([b for b in built if not isinstance(b, str)], prefilter))
    out = []
    for b in built:
        x = b if isinstance(b, str) else next(done)
        if not isinstance(x, str):
            x.signature = dedup.signature(x.document.text)
        out.append(x)
    return out


def _analyze_built(built: list, prefilter: Optional[bool]) -> list:
    """The extractions of cleaned documents (their parses batched together); when the group
    fails, each document is analysed alone, and an error becomes its message."""
    if not built:
        return []
    try:
        return pipeline.analyze_many(built, prefilter=prefilter)
    except InputError as e:
        if len(built) == 1:
            return [f"{e.code} {e.message}"]
    except Exception as e:  # a bug on one item must not stop the batch
        if len(built) == 1:
            log.debug("internal error on %s\n%s", built[0][0].source, traceback.format_exc())
            return [f"E900 internal error: {e.__class__.__name__}: {e}"]
    return [x for b in built for x in _analyze_built([b], prefilter)]


def window(jobs: int) -> int:
    """Groups in flight: a few per worker, and a write batch more, so that the workers keep
    busy while this process writes a batch (a write takes longer as the store grows)."""
    return jobs * 4 + STORE_BATCH // GROUP


class _Writer:
    """Results go to the store in batches (one transaction, one merge each), in input order."""

    def __init__(self, store: Store, summary: Summary, on_item):
        self.store, self.summary, self.on_item = store, summary, on_item
        self.batch: list = []

    def put(self, source: str, x) -> None:
        if isinstance(x, str):  # the error message of an item that failed
            self.summary.failed.append((source, x))
            _report(self.on_item, source, "failed")
            return
        self.batch.append((source, x))
        if len(self.batch) >= STORE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        for (source, x), new in zip(batch, self.store.add_many([x for _, x in batch])):
            if new:
                self.summary.added += 1
                self.summary.events += len(x.events)
                self.summary.positions += len(x.positions)
            else:
                self.summary.present += 1
            _report(self.on_item, source, "added" if new else "present")


class _Pool:
    """Worker processes that each load the pipeline once and analyse documents.

    The interface an engine offers ``ingest_items``: ``window`` (groups in flight),
    ``submit(groups) -> future`` (a concurrent.futures.Future of ``_analyze_group``'s list),
    ``close()``."""

    def __init__(self, jobs: int, prefilter: Optional[bool], published=None, outlet=None):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.window = window(jobs)
        self.opts = (prefilter, published, outlet)
        self.ex = ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn"), initializer=_warm)

    def submit(self, work: list):
        return self.ex.submit(_analyze_group, work, *self.opts)

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)


def _warm() -> None:
    """Load the model and the knowledge base before the first document arrives."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C and stops the pool
    try:  # Linux: end with the parent, even when it is killed with SIGKILL
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    from . import nlp
    from .kb import KB

    KB.load()
    nlp.pipeline()


def _report(cb, item, status) -> None:
    if cb:
        cb(item, status)
