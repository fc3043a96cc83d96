#!/usr/bin/env python3
"""The writer alone as the store grows: storing, near-duplicate lookup and merging, 1k to N articles.

``bench/growth.py`` runs the whole ingest, whose workers (analysis) take most of the CPU;
this isolates the part that runs in one process and touches the growing store. Each
distinct article of bench/stream.py's stream (real non-diplomatic news mixed 1 in 10
with the diplomatic reports of ../shared) is analysed once; each copy in the stream is
then cleaned for real (its own line and address, so its own document id) and given the
analysis of its original, with its own extraction ids and its own MinHash signature, and
written with ``Store.add_many`` in batches of ``--batch`` documents (ingest's default).
Only ``add_many`` is timed. At each checkpoint it prints the articles/s of the writer in
the interval, the resident memory of the process now (the model used for the first analyses
included), DuckDB's own count of the memory it holds, the merge rows the writer keeps
between transactions, and the database size; flat articles/s means the cost of
a write does not grow with the store. ``--check`` then clusters every stored extraction
at once and compares the events (every column), their members and the join reasons with
what the writes stored.

    .venv/bin/python bench/writer.py [--articles 100000] [--batch 256] [--check]
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    import growth
    from parley import dedup, document, ingest, readers
    from parley.store import Store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--ratio", type=int, default=10)
    ap.add_argument("--batch", type=int, default=ingest.STORE_BATCH)
    ap.add_argument("--memory", default=ingest.WRITER_MEMORY, help="DuckDB memory_limit, as ingest sets it")
    ap.add_argument("--check", action="store_true", help="compare with clustering everything at once")
    a = ap.parse_args()
    work, path, db = growth.stream_file(a.articles, a.ratio, "writer")

    def items():  # streamed: the bench holds no more of the stream than ingest would
        return (it for it in readers.read([str(path)]) if not isinstance(it, Exception))

    def base(it):  # the text an article had before its copy line
        return it.content.rsplit("\n\nStream copy", 1)[0]
    first: dict = {}
    for it in items():
        first.setdefault(base(it), it)
    t = time.perf_counter()
    originals = dict(zip(first, ingest._analyze_group(list(first.values()), None)))  # its analysis
    bases = list(first)
    print(f"{a.articles} articles ({len(bases)} distinct, analysed in {time.perf_counter() - t:.0f} s);"
          f" {a.batch} per transaction", flush=True)
    print(f"{'articles':>9} {'writer s':>9} {'art/s (interval)':>16} {'RSS MB now':>10} {'DuckDB MB':>9}"
          f" {'kept rows':>9} {'db MB':>7}", flush=True)
    marks = set(growth.checkpoints(a.articles))
    busy, last = 0.0, (0, 0.0)
    with Store(str(db)) as store:
        store.con.execute("SET threads TO 1")  # as ingest runs it beside its workers
        store.con.execute(f"SET memory_limit = '{a.memory}'")
        batch: list = []
        for n, it in enumerate(items(), 1):
            orig = originals[base(it)]
            if not isinstance(orig, str):
                doc, _ = document.build(it)
                x = copy.deepcopy(orig)
                x.document = doc
                for e in x.events:
                    e.assign_id(doc.id)
                x.signature = dedup.signature(doc.text)
                batch.append(x)
            if len(batch) >= a.batch or n == a.articles:
                t = time.perf_counter()
                store.add_many(batch)
                busy += time.perf_counter() - t
                batch = []
            if n in marks:
                n0, b0 = last
                size = sum(f.stat().st_size for f in work.glob("writer.duckdb*")) / 2**20
                rss = growth._status(os.getpid()).get("VmRSS", 0)
                duck = store.con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] / 2**20
                kept = len(store._merge_cache.xs)  # merge rows the writer keeps between transactions
                print(f"{n:>9} {busy:>9.1f} {(n - n0) / max(busy - b0, 1e-9):>16.1f} {rss:>10.0f} {duck:>9.0f}"
                      f" {kept:>9} {size:>7.0f}",
                      flush=True)
                last = (n, busy)
        events = store.count("events")
        if a.check:
            stored, whole = store.merge_audit()
            print(f"check: {len(stored)} stored events, {len(whole)} from clustering everything; "
                  f"{'identical' if stored == whole else 'DIFFERENT: ' + str(len(stored ^ whole)) + ' rows differ'}")
    print(f"{a.articles} articles written in {busy:.1f} s: {a.articles / busy:.0f} articles/s; {events} events")


if __name__ == "__main__":
    main()
