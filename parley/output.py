"""Rendering rows for the terminal and for machines: table, JSON, newline-delimited JSON, CSV."""
from __future__ import annotations

import csv
import io
import json
import sys
from typing import Optional

FORMATS = ("table", "json", "nl", "csv")


def default_format(stream=None) -> str:
    stream = stream or sys.stdout
    return "table" if getattr(stream, "isatty", lambda: False)() else "json"


def flat(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def event_row(e: dict) -> dict:
    """A stored event as one flat row: the table, CSV and timeline shape."""
    loc = e["location"]
    place = ", ".join(x for x in (loc.get("venue"), loc.get("city"), loc.get("country")) if x)
    mech = e.get("mechanism") or ""
    if e.get("ordinal"):
        mech = f"{e['ordinal']}. {mech}"
    return {
        "date": e["date"] or "?", "type": e["type"],
        "participants": "; ".join(f"{p['actor']} ({p['role']})" for p in e["participants"]),
        "location": place, "format": e["format"] or "", "status": e["status"], "mechanism": mech,
        "sources": e.get("n_sources") or len(e.get("sources") or []), "id": e["id"],
    }


def render(rows: list[dict], fmt: str, columns: Optional[list[str]] = None, table_rows: Optional[list[dict]] = None,
           title: Optional[str] = None) -> str:
    """Rows as text. ``table_rows`` are the short rows shown in table/CSV form (defaults to rows)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "nl":
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    short = table_rows if table_rows is not None else rows
    columns = columns or (list(short[0].keys()) if short else [])
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in short:
            w.writerow([flat(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in short:
        t.add_row(*[flat(r.get(c)) for c in columns])
    buf = io.StringIO()
    Console(file=buf, width=max(100, _width()), force_terminal=False).print(t)
    return buf.getvalue().rstrip("\n")


def _width() -> int:
    import shutil
    return shutil.get_terminal_size((140, 40)).columns
