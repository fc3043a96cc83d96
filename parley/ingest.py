"""Ingest: read items, clean, extract and store them, one document at a time.

A bad item is reported (with its error code) and skipped; the batch goes on. A
document already in the store (same cleaned text) is counted, not extracted again.
"""
from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from . import document, pipeline, readers
from .errors import InputError
from .store import Store

log = logging.getLogger("parley.ingest")


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
           on_item: Optional[Callable[[str, str], None]] = None, stdin=None) -> Summary:
    """Ingest every item under the paths into the store. ``on_item(item, status)`` reports progress."""
    return ingest_items(readers.read(paths, stdin=stdin), store, published, outlet, on_item)


def ingest_items(items: Iterable[readers.Item], store: Store, published: Optional[str] = None,
                 outlet: Optional[str] = None, on_item: Optional[Callable[[str, str], None]] = None) -> Summary:
    """Ingest items already read (raw articles or the input errors met while reading them)."""
    summary = Summary()
    for item in items:
        if isinstance(item, InputError):
            summary.failed.append((item.item or "?", f"{item.code} {item.message}"))
            _report(on_item, item.item or "?", "failed")
            continue
        for w in item_warnings(item):
            summary.warnings.append((item.source, w))
        try:
            doc, paras = document.build(item, published=published, outlet=outlet)
            if store.has_document(doc.id):
                summary.present += 1
                _report(on_item, item.source, "present")
                continue
            x = pipeline.analyze(doc, paras)
            if store.add(x):
                summary.added += 1
                summary.events += len(x.events)
                summary.positions += len(x.positions)
                _report(on_item, item.source, "added")
            else:
                summary.present += 1
                _report(on_item, item.source, "present")
        except InputError as e:
            summary.failed.append((item.source, f"{e.code} {e.message}"))
            _report(on_item, item.source, "failed")
        except Exception as e:  # a bug on one item must not stop the batch
            log.debug("internal error on %s\n%s", item.source, traceback.format_exc())
            summary.failed.append((item.source, f"E900 internal error: {e.__class__.__name__}: {e}"))
            _report(on_item, item.source, "failed")
    return summary


def _report(cb, item, status) -> None:
    if cb:
        cb(item, status)
