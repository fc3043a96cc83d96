#!/usr/bin/env python3
"""Throughput and peak memory of full extraction against the bare spaCy pipeline.

Both run in the same invocation, each in its own child process (so each has its own
peak RSS), over the same cleaned texts: ../shared seeds + dev + merge when present,
else the demo corpus. Prints articles/s, words/s, peak RSS and the ratio.

    .venv/bin/python bench/extract.py [--repeat N] [PATH...]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def corpus(paths: list[str]) -> list:
    from parley import document, readers

    if not paths:
        shared = ROOT.parent / "shared"
        paths = [str(shared / d) for d in ("seeds", "dev", "merge") if (shared / d).exists()]
        paths = paths or [str(ROOT / "parley" / "demo")]
    docs = []
    for item in readers.read(paths):
        if isinstance(item, Exception):
            continue
        try:
            docs.append(document.build(item))
        except Exception:
            continue
    return docs


def _run(kind: str, docs, repeat: int, q) -> None:
    from parley import nlp, pipeline

    bare = nlp.bare() if kind != "full" else None  # every component on every token, as the model ships
    if kind == "full":
        pipeline.analyze(*docs[0])  # warm up (lazy loads: matcher, knowledge base)
    else:
        list(bare.pipe([docs[0][0].text]))
    t = time.perf_counter()
    for _ in range(repeat):
        if kind == "full":
            for doc, paras in docs:
                pipeline.analyze(doc, paras)
        else:
            for _ in bare.pipe([d.text for d, _ in docs], batch_size=nlp.BATCH_SIZE):
                pass
    elapsed = time.perf_counter() - t
    q.put((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(kind: str, docs, repeat: int) -> tuple[float, float]:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_run, args=(kind, docs, repeat, q))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    docs = corpus(a.paths)
    n = len(docs) * a.repeat
    words = sum(len(d.text.split()) for d, _ in docs) * a.repeat
    print(f"corpus: {len(docs)} articles x {a.repeat}, {words // a.repeat} words each pass")
    res = {}
    for kind in ("spacy", "full"):
        elapsed, rss = measure(kind, docs, a.repeat)
        res[kind] = n / elapsed
        print(f"{kind:6s} {n / elapsed:7.2f} articles/s {words / elapsed:9.0f} words/s  peak RSS {rss:6.0f} MB")
    print(f"ratio full/spacy = {res['full'] / res['spacy']:.2f}")


if __name__ == "__main__":
    main()
