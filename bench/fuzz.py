"""Fuzz at volume: the property checks of tests/test_fuzz.py with many more (random) cases.

    .venv/bin/python bench/fuzz.py --cases 20000 --extract-cases 2000 [--only clean,dates] [--seed S]

Each target (the cleaner, the date resolver, the readers, the extractor on article-like text and
on any text) runs its Hypothesis strategy for the number of cases asked; a failure is shrunk,
printed, and the run goes on with the next target. Prints the cases run per target, the total
and the time; exits 1 if any target failed.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=20000, help="cases per target without spaCy")
    ap.add_argument("--extract-cases", type=int, default=None, help="cases per extractor target (default cases/10)")
    ap.add_argument("--only", default=None, help="comma-separated targets: " + "clean,dates,readers,extract_articles,extract_any")
    ap.add_argument("--seed", type=int, default=None, help="a fixed seed (default: random)")
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)  # trafilatura logs every page it cannot parse

    from hypothesis import given, seed, settings

    import test_fuzz as tf

    n_extract = args.extract_cases if args.extract_cases is not None else max(1, args.cases // 10)
    only = set(args.only.split(",")) if args.only else None
    failures, t_all = [], time.perf_counter()
    for name, (check, strategies, _ci) in tf.TARGETS.items():
        if only and name not in only:
            continue
        n = n_extract if name.startswith("extract") else args.cases
        test = settings(tf.CI, max_examples=n, derandomize=False)(given(*strategies)(check))
        if args.seed is not None:
            test = seed(args.seed)(test)
        before = sum(v for k, v in tf.COUNTS.items() if "," not in k)
        t = time.perf_counter()
        try:
            test()
            status = "ok"
        except BaseException as e:  # noqa: BLE001 - report and go on with the next target
            if isinstance(e, KeyboardInterrupt):
                raise
            status = "FAILED"
            failures.append(name)
            traceback.print_exception(e, limit=-6)
        ran = sum(v for k, v in tf.COUNTS.items() if "," not in k) - before
        secs = time.perf_counter() - t
        print(f"fuzz {name}: {ran} cases in {secs:.1f} s ({ran / secs if secs else 0:.0f}/s) {status}", flush=True)
    cases = {k: v for k, v in tf.COUNTS.items() if "," not in k}
    total = sum(cases.values())
    print(f"fuzz: {total} cases in {time.perf_counter() - t_all:.0f} s "
          f"({', '.join(f'{k} {v}' for k, v in sorted(cases.items()))}; "
          f"{tf.COUNTS['extract, with events']} extractions with events); "
          f"{len(failures)} target(s) failed{': ' + ', '.join(failures) if failures else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
