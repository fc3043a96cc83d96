#!/usr/bin/env python3
"""Growth of time and memory as a stream is ingested, from 1k to N articles (default 100k).

The stream is bench/stream.py's (real non-diplomatic news mixed 1 in 10 with diplomatic
reports, each copy distinct). One ``parley ingest`` (the library call, --jobs workers)
runs over it; at each checkpoint (1k, 2k, 5k, 10k, 20k, 50k, 100k, ...) it prints the
articles/s since the last checkpoint, the resident memory of this process (reader,
writer, DuckDB) and of each worker process now and at its peak (VmRSS, VmHWM from
/proc), and the size of the database file. Flat memory means the workers' peak and the
writer's RSS stay level while the store grows.

    .venv/bin/python bench/growth.py [--articles 100000] [--jobs 2] [--fast]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _status(pid: int) -> dict:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024  # MB
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(d.name))
    return kids


def checkpoints(n: int) -> list[int]:
    out, k = [], 1000
    while k < n:
        out += [x for x in (k, 2 * k, 5 * k) if x < n]
        k *= 10
    return out + [n]


def stream_file(n: int, ratio: int, name: str) -> tuple[Path, Path, Path]:
    """(a new temporary folder, bench/stream.py's stream of n articles written there, the
    path of a database file there named ``name``)."""
    import stream

    if not (stream.SHARED / "stream").is_dir():
        raise SystemExit(f"needs {stream.SHARED}/stream, seeds, dev and merge")
    work = Path(tempfile.mkdtemp(prefix=f"parley-{name}-"))
    path, db = work / "stream.jsonl", work / f"{name}.duckdb"
    stream.build_stream(n, ratio, path)
    return work, path, db


def main() -> None:
    from parley import ingest
    from parley.store import Store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ratio", type=int, default=10)
    ap.add_argument("--fast", action="store_true", help="the first pass keeps events only (ingest --fast)")
    a = ap.parse_args()
    work, path, db = stream_file(a.articles, a.ratio, "growth")
    marks = checkpoints(a.articles)
    print(f"{a.articles} articles, --jobs {a.jobs}{' --fast' if a.fast else ''}; checkpoints {marks}", flush=True)
    print(f"{'articles':>9} {'elapsed s':>9} {'art/s (interval)':>16} {'writer MB':>9} "
          f"{'workers MB (now / peak)':>26} {'db MB':>7}", flush=True)
    state = {"n": 0, "t": time.perf_counter(), "last": (0, time.perf_counter()), "peak": 0.0}
    start = state["t"]

    def on_item(item: str, status: str) -> None:
        state["n"] += 1
        if state["n"] not in marks:
            return
        now = time.perf_counter()
        n0, t0 = state["last"]
        workers = [_status(p) for p in _children(os.getpid())]
        workers = [w for w in workers if w.get("VmRSS", 0) > 100]  # the pool, not helper processes
        state["peak"] = max([state["peak"]] + [w.get("VmHWM", 0) for w in workers])
        me = _status(os.getpid())
        ws = ", ".join(f"{w.get('VmRSS', 0):.0f}/{w.get('VmHWM', 0):.0f}" for w in workers) or "-"
        size = sum(f.stat().st_size for f in work.glob("growth.duckdb*")) / 2**20
        print(f"{state['n']:>9} {now - start:>9.1f} {(state['n'] - n0) / (now - t0):>16.1f} "
              f"{me.get('VmRSS', 0):>9.0f} {ws:>26} {size:>7.0f}", flush=True)
        state["last"] = (state["n"], now)

    with Store(str(db)) as store:
        summary = ingest.ingest([str(path)], store, jobs=a.jobs, prefilter="events" if a.fast else None,
                                on_item=on_item)
    total = time.perf_counter() - start
    print(f"{summary.added} added, {summary.events} events; {a.articles / total:.1f} articles/s overall; "
          f"peak RSS per worker {state['peak']:.0f} MB")


if __name__ == "__main__":
    main()
