#!/usr/bin/env python3
"""A realistic news stream, ingested end to end, against spaCy's full pipeline on every article.

The stream mixes real non-diplomatic international news (../shared/stream) with
diplomatic reports (../shared seeds, dev and merge) so that about 1 article in 10 is
diplomatic, replicated to N articles (each copy made distinct by a line and an address of
its own, as syndicated copies of a story on other sites are). Three measurements, each in its own child process:

- baseline: the bare spaCy pipeline (``nlp.pipe``) over the cleaned text of every article
  (on a uniform sample of at most --baseline-max articles, whose per-article time is
  scaled to N; the sample is printed);
- parley: ``parley ingest`` of the whole stream (read, clean, first pass, extraction,
  storage, merging) with --jobs workers, wall-clock time and peak RSS per process;
- recall: the events the full pipeline (no first pass) finds in each distinct article
  against those the first pass keeps, weighted by how often the article is in the stream.

The last line is ``speedup=<x> event_recall=<r> rss_mb=<peak per worker>``.

    .venv/bin/python bench/stream.py [--articles N] [--jobs J] [--ratio 10]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def sources() -> tuple[list[dict], list[dict]]:
    """(other, diplomatic) articles as JSON records."""
    from parley import readers

    def records(paths):
        out = []
        for it in readers.read([str(p) for p in paths]):
            if isinstance(it, Exception):
                continue
            out.append({"title": it.title, "text": it.content, "published": it.published, "url": it.url,
                        "outlet": it.outlet, "source": it.source})
        return out
    other = records([SHARED / "stream"])
    diplomatic = records([SHARED / "seeds", *sorted((SHARED / "dev").glob("*.txt")), SHARED / "merge"])
    return other, diplomatic


def build_stream(n: int, ratio: int, path: Path, seed: int = 11) -> dict:
    """Write n records, 1 in ``ratio`` diplomatic; returns how often each distinct article is used."""
    other, diplomatic = sources()
    rng = random.Random(seed)
    uses: dict = {}
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            pool = diplomatic if i % ratio == 0 else other
            rec = dict(rng.choice(pool))
            uses[rec["source"]] = uses.get(rec["source"], 0) + 1
            rec["text"] = rec["text"].rstrip() + f"\n\nStream copy {i:07d}."
            rec["source"] = f"stream/{i:07d}"
            if rec.get("url"):  # a copy on another site has an address of its own
                rec["url"] = rec["url"].split("#")[0] + f"#stream-copy-{i:07d}"
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return uses


def _bare(texts: list[str], q) -> None:
    from parley import nlp

    bare = nlp.bare()  # every component on every token, as the model ships
    list(bare.pipe(texts[:1]))
    t = time.perf_counter()
    for _ in bare.pipe(texts, batch_size=nlp.BATCH_SIZE):
        pass
    q.put((time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def baseline(path: Path, limit: int) -> tuple[float, int, float]:
    """Seconds per article of the bare pipeline over the cleaned texts of a sample, its size, peak RSS."""
    from parley import document, readers

    items = [it for it in readers.read([str(path)]) if not isinstance(it, Exception)]
    sample = items if len(items) <= limit else random.Random(3).sample(items, limit)
    texts = [document.build(it)[0].text for it in sample]
    secs, rss = in_child(_bare, texts)
    return secs / len(texts), len(texts), rss


def ingest(path: Path, jobs: int, fast: bool) -> tuple[float, float, str]:
    """Wall-clock seconds of `parley ingest` over the stream, peak RSS of any one process, its summary."""
    db = Path(tempfile.mkdtemp(prefix="parley-stream-")) / "stream.duckdb"
    cmd = [sys.executable, "-m", "parley", "ingest", str(path), "--db", str(db), "--silent", "--jobs", str(jobs)]
    cmd += ["--fast"] if fast else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t
    rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    if r.returncode not in (0, 3):
        raise SystemExit(f"ingest failed: {r.stderr[-2000:]}")
    return secs, rss, r.stderr.strip().splitlines()[-1]


def _recall(uses: dict, mode, q) -> None:
    from parley import document, pipeline, readers

    def key(e):
        return (e.type, e.date, e.status, tuple(sorted((p.actor_id, p.role) for p in e.participants)))
    found = kept = 0
    sources_ = set(uses)
    for it in readers.read([str(SHARED / "stream"), str(SHARED / "seeds"), *map(str, sorted((SHARED / "dev").glob("*.txt"))),
                            str(SHARED / "merge")]):
        if isinstance(it, Exception) or it.source not in sources_:
            continue
        doc, paras = document.build(it)
        full = [key(e) for e in pipeline.analyze(doc, paras, prefilter=False).events]
        fast = {key(e) for e in pipeline.analyze(doc, paras, prefilter=mode).events}
        found += uses[it.source] * len(full)
        kept += uses[it.source] * sum(k in fast for k in full)
    q.put((found, kept))


def recall(uses: dict, fast: bool) -> tuple[int, int]:
    return in_child(_recall, uses, "events" if fast else True)


def in_child(target, *args):
    """``target(*args, queue)`` in a fresh process (its own memory and peak RSS); what it put."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=1, help="parley ingest --jobs (the baseline uses one process)")
    ap.add_argument("--ratio", type=int, default=10, help="one diplomatic article in this many")
    ap.add_argument("--baseline-max", type=int, default=1000, help="largest sample for the bare pipeline")
    ap.add_argument("--fast", action="store_true", help="parley ingest --fast (the first pass keeps events only)")
    a = ap.parse_args()
    if not (SHARED / "stream").is_dir():
        raise SystemExit(f"needs {SHARED}/stream, seeds, dev and merge")
    work = Path(tempfile.mkdtemp(prefix="parley-stream-"))
    path = work / "stream.jsonl"
    uses = build_stream(a.articles, a.ratio, path)
    words = sum(len(json.loads(line)["text"].split()) for line in path.open(encoding="utf-8"))
    print(f"stream: {a.articles} articles ({len(uses)} distinct, 1 in {a.ratio} diplomatic), "
          f"{words / a.articles:.0f} words each on average", flush=True)

    per, n, bare_rss = baseline(path, a.baseline_max)
    bare_rate = 1 / per
    print(f"bare spaCy pipeline: {bare_rate:.1f} articles/s ({n} articles timed), peak RSS {bare_rss:.0f} MB",
          flush=True)
    secs, rss, summary = ingest(path, a.jobs, a.fast)
    rate = a.articles / secs
    print(f"parley ingest --jobs {a.jobs}{' --fast' if a.fast else ''}: {rate:.1f} articles/s ({secs:.1f} s), peak RSS per process "
          f"{rss:.0f} MB; {summary}", flush=True)
    found, kept = recall(uses, a.fast)
    r = kept / found if found else 1.0
    print(f"events of the full pipeline kept by the first pass: {kept}/{found} (weighted by copies)")
    print(f"speedup={rate / bare_rate:.2f} event_recall={r:.4f} rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
