"""Watching a folder (``parley ingest --watch DIR``): ingest what is there, then each new or grown
file once it has stopped changing, until Ctrl-C or a time limit.

A file is read when its size and modification time are the same at two looks in a row (a file
still being written or copied waits for the next look). Each (path, mtime, size) is read once; a
file that grows is read again, and the documents it held before are "already present" (the store
keys documents by the hash of their text).
"""
from __future__ import annotations

import os
import signal
import threading
import time
from typing import Callable, Iterable, Optional

from . import readers

STOP_ENV = "PARLEY_WATCH_STOP_AFTER"  # seconds of watching, then stop (tests, scripts)


def stop_after_from_env() -> Optional[float]:
    try:
        value = float(os.environ.get(STOP_ENV, ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def scan(folder: str) -> dict:
    """path -> (mtime_ns, size) of the readable files under the folder (as ``readers.expand`` lists them)."""
    found = {}
    for p in readers.expand([folder]):
        if not isinstance(p, str):
            continue
        try:
            st = os.stat(p)
        except OSError:  # gone between the listing and the look
            continue
        found[p] = (st.st_mtime_ns, st.st_size)
    return found


def merge(total, part) -> None:
    """Add one round's ingest Summary into the running total."""
    total.added += part.added
    total.present += part.present
    total.failed.extend(part.failed)
    total.warnings.extend(part.warnings)
    total.events += part.events
    total.positions += part.positions


def watch(folder: str, ingest: Callable[[list], object], paths: Iterable[str] = (), interval: float = 2.0,
          stop_after: Optional[float] = None, echo: Optional[Callable[[str], None]] = None,
          until: Optional[Callable[[], bool]] = None):
    """Ingest ``paths`` and the folder's files, then look at the folder every ``interval`` seconds and
    ingest the files that are new or changed and have stayed the same since the last look.

    ``ingest(list_of_paths) -> Summary`` does one round. Stops after ``stop_after`` seconds of
    watching (default ``$PARLEY_WATCH_STOP_AFTER``, else never), when ``until()`` is true, or at
    Ctrl-C: the first lets the round in progress finish, a second stops at once. Returns the
    Summary of all rounds."""
    from .ingest import Summary

    if stop_after is None:
        stop_after = stop_after_from_env()
    total = Summary()
    stop = threading.Event()
    restore = _on_interrupt(stop, echo)
    try:
        seen = scan(folder)
        first = list(dict.fromkeys([*paths, *seen]))
        if first:
            merge(total, ingest(first))
        if echo:
            echo(f"watching {folder} every {interval:g} s (Ctrl-C to stop)")
        deadline = None if stop_after is None else time.monotonic() + stop_after
        pending: dict = {}  # path -> (mtime_ns, size) at the last look, not yet read
        while not stop.is_set() and not (until and until()):
            wait = interval if deadline is None else min(interval, deadline - time.monotonic())
            if wait <= 0 or stop.wait(wait):
                break
            now = scan(folder)
            ready = []
            for p, key in now.items():
                if seen.get(p) == key:
                    continue
                if pending.get(p) == key:
                    ready.append(p)
                else:
                    pending[p] = key
            for p in [p for p in pending if p not in now]:
                del pending[p]
            if ready:
                part = ingest(ready)
                merge(total, part)
                for p in ready:
                    seen[p] = pending.pop(p)
                if echo:
                    echo(f"{len(ready)} new file(s): {part.added} added, {part.present} already present, "
                         f"{len(part.failed)} failed")
    except KeyboardInterrupt:  # the second Ctrl-C: the round in progress is dropped
        pass
    finally:
        restore()
    return total


def _on_interrupt(stop: threading.Event, echo) -> Callable[[], None]:
    """The first Ctrl-C sets ``stop`` (the round in progress finishes); the next raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if echo:
            echo("stopping after this batch (Ctrl-C again to stop now)")

    signal.signal(signal.SIGINT, handler)
    return lambda: signal.signal(signal.SIGINT, previous)
