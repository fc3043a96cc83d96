"""The `parley` command line: thin wrappers over the library functions.

Data goes to stdout, progress and messages to stderr. Exit codes: 0 all good,
1 user error (one line, no traceback), 2 usage, 3 a batch partly failed.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ParleyError
from .output import FORMATS, default_format, event_row, render

PARTIAL = 3


def fail(message: str, code: int = 1):
    click.echo(f"parley: {message}", err=True)
    sys.exit(code)


def errors_as_messages(fn):
    """Library errors become one-line messages at the edge, never tracebacks."""
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except ParleyError as e:
            fail(str(e))
        except RuntimeError as e:
            fail(str(e))
        except BrokenPipeError:
            sys.exit(0)
    return wrapper


def db_option(fn):
    return click.option("--db", "db", default=None, metavar="PATH",
                        help="Database: a DuckDB file, or postgresql://USER@HOST[:PORT]/DBNAME"
                             " (default: $PARLEY_DB or ./parley.duckdb).")(fn)


def output_options(fn):
    fn = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                      help="Output format (default: table on a terminal, JSON otherwise).")(fn)
    fn = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(fn)
    fn = click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv.")(fn)
    fn = click.option("--nl", "as_nl", is_flag=True, help="Same as --format nl (one JSON object per line).")(fn)
    return fn


def pick_format(fmt, as_json=False, as_csv=False, as_nl=False) -> str:
    return "json" if as_json else "csv" if as_csv else "nl" if as_nl else fmt or default_format()


def valid_date(ctx, param, value):
    if value is None:
        return None
    from datetime import date
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter("expected YYYY-MM-DD")


def event_filters(fn):
    fn = click.option("--actor", help="Only events with this actor (name, alias or id).")(fn)
    fn = click.option("--type", "etype", type=click.Choice(
        ["meeting", "visit", "call", "message", "session", "agreement"]), help="Only this event type.")(fn)
    fn = click.option("--since", callback=valid_date, help="From this date (YYYY-MM-DD).")(fn)
    fn = click.option("--until", callback=valid_date, help="Up to this date (YYYY-MM-DD).")(fn)
    fn = click.option("--status", type=click.Choice(["occurred", "planned", "background"]),
                      help="Only events of this status.")(fn)
    fn = click.option("--limit", type=int, help="At most this many events.")(fn)
    fn = click.option("--between", nargs=2, default=None, metavar="A B", help="Only events with both actors.")(fn)
    fn = click.option("--series", default=None, help="Only sessions of this mechanism (name or series id).")(fn)
    fn = click.option("-q", "--query", "q", default=None, help="Only events whose evidence contains this text.")(fn)
    fn = click.option("--country", default=None,
                      help="Only events held in, or with a participant of, this country (name or ISO3 code).")(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parley")
def cli():
    """parley: a sourced, queryable record of diplomacy from news reports."""


@cli.command()
@click.argument("paths", nargs=-1)
@db_option
@click.option("--published", callback=valid_date, help="Publication date for items that show none (YYYY-MM-DD).")
@click.option("--outlet", help="Outlet name for items that name none.")
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="Summary as text (stderr) or JSON (stdout).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Worker processes for extraction (default: all cores; small batches use one).")
@click.option("--full", is_flag=True,
              help="Parse every sentence with the full pipeline (no cheap first pass deciding which to parse).")
@click.option("--fast", is_flag=True,
              help="Parse only what events can come from: the same events, statements only where a report "
                   "is parsed whole (much faster on general news).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              help="Where extraction runs: worker processes here (local) or a Ray cluster (ray).")
@click.option("--address", default=None, metavar="ADDR",
              help="Ray cluster to join (auto, HOST:6379, ray://HOST:10001); implies --engine ray. "
                   "Without it --engine ray starts a local Ray instance with --jobs CPUs.")
@click.option("--limit", type=click.IntRange(0), default=None, metavar="N",
              help="Stop after N items (articles or failures).")
@click.option("--sample", type=click.FloatRange(0, 1, min_open=True), default=None, metavar="P",
              help="Keep each item with probability P, decided by a hash of its source and --seed (the same "
                   "sample every run).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.option("--watch", "watch_dir", type=click.Path(exists=True, file_okay=False), default=None, metavar="DIR",
              help="After PATHS and DIR's files, ingest each new or grown file in DIR once it stops changing, "
                   "until Ctrl-C.")
@click.option("--interval", type=click.FloatRange(0.05), default=2.0, show_default=True, metavar="SECONDS",
              help="Seconds between two looks at the --watch folder.")
@click.option("--watch-stop-after", type=click.FloatRange(0), default=None, metavar="SECONDS",
              help="Stop watching after this many seconds (default: $PARLEY_WATCH_STOP_AFTER, else never).")
@errors_as_messages
def ingest(paths, db, published, outlet, silent, fmt, jobs, full, fast, engine, address, limit, sample, seed, watch_dir,
           interval, watch_stop_after):
    """Read articles (files, folders, globs, '-' for stdin) into the database."""
    import os

    from . import readers
    from .ingest import ingest_items
    from .store import Store

    if not paths and not watch_dir:
        raise click.UsageError("give PATH... (files, folders, globs, '-') or --watch DIR")
    left = [limit]  # items --limit still allows, over all rounds of --watch

    def run(ps, store, **kw):  # the readers, sampled and limited; with --watch, round after round
        def once(batch):
            items = readers.limit(readers.sample(readers.read(batch), sample, seed), left[0])
            part = ingest_items(items, store, **kw)
            left[0] = None if left[0] is None else max(0, left[0] - part.total)
            return part
        if not watch_dir:
            return once(ps)
        from .watch import watch
        return watch(watch_dir, once, paths=ps, interval=interval, stop_after=watch_stop_after,
                     echo=None if silent else lambda m: click.echo(m, err=True), until=lambda: left[0] == 0)

    jobs = jobs or os.cpu_count() or 1
    if full and fast:
        raise click.UsageError("--full and --fast contradict each other")
    prefilter = False if full else "events" if fast else None
    show = not silent and sys.stderr.isatty() and not watch_dir
    with Store(db) as store:
        if show:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)
            total = readers.estimate(paths)
            total = round(total * sample) if total is not None and sample else total
            total = limit if total is None or (limit is not None and limit < total) else total
            with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                          TextColumn("{task.fields[rate]} articles/s"), TimeElapsedColumn(), TextColumn("ETA"),
                          TimeRemainingColumn(), TextColumn("{task.fields[last]}"), transient=True) as prog:
                task = prog.add_task("ingest", total=total, last="", rate="-")

                def tick(item, status):
                    t = prog.tasks[0]
                    rate = t.completed / t.elapsed if t.elapsed else 0
                    prog.update(task, advance=1, last=Path(item).name[:30], rate=f"{rate:.1f}")
                summary = run(paths, store, published=published, outlet=outlet, on_item=tick, jobs=jobs,
                              prefilter=prefilter, engine="ray" if address else engine, address=address)
        else:
            summary = run(paths, store, published=published, outlet=outlet, jobs=jobs, prefilter=prefilter,
                          engine="ray" if address else engine, address=address)
        docs = store.count("documents")
    for item, msg in summary.failed:
        click.echo(f"{item}: {msg}", err=True)
    for item, msg in summary.warnings:
        click.echo(f"{item}: {msg}", err=True)
    if fmt == "json":
        click.echo(json.dumps(dict(summary.to_dict(), documents_in_store=docs), indent=2))
    else:
        click.echo(f"{summary.added} added, {summary.present} already present, {len(summary.failed)} failed"
                   f" ({summary.events} events, {summary.positions} positions; {docs} documents in the store)",
                   err=True)
    sys.exit(summary.exit_code())


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", callback=valid_date, help="Publication date for items that show none (YYYY-MM-DD).")
@click.option("--outlet", help="Outlet name for items that name none.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write <stem>.json per input here.")
@click.option("--format", "fmt", type=click.Choice(["json", "nl"]), default="json",
              help="json: one indented object (per input); nl: one object per line.")
@click.option("--full", is_flag=True, help="Parse every sentence with the full pipeline (no cheap first pass).")
@errors_as_messages
def extract(paths, published, outlet, out_dir, fmt, full):
    """Extract events and positions from articles, without storing them (the pinned JSON)."""
    from . import readers
    from .errors import InputError
    from .pipeline import extract_item

    failed = done = 0
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    names: dict = {}
    for item in readers.read(paths):
        if isinstance(item, InputError):
            click.echo(f"{item.item}: {item.code} {item.message}", err=True)
            failed += 1
            continue
        try:
            x = extract_item(item, published=published, outlet=outlet, prefilter=False if full else None)
        except InputError as e:
            click.echo(f"{item.source}: {e.code} {e.message}", err=True)
            failed += 1
            continue
        except Exception as e:  # one bad item must not stop the batch
            click.echo(f"{item.source}: E900 internal error: {e.__class__.__name__}: {e}", err=True)
            failed += 1
            continue
        done += 1
        data = x.to_dict()
        if out_dir:
            stem = _stem(item.source, names)
            (Path(out_dir) / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2),
                                                        encoding="utf-8")
        elif fmt == "nl":
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    if out_dir:
        click.echo(f"{done} extracted into {out_dir}, {failed} failed", err=True)
    sys.exit(0 if not failed else (1 if not done else PARTIAL))


def _stem(source: str, names: dict) -> str:
    base = source.rsplit("/", 1)[-1]
    if ":" in base:  # a line of a JSONL file: feed.jsonl:3 -> feed-3
        f, line = base.rsplit(":", 1)
        base = f"{Path(f).stem}-{line}"
    else:
        base = Path(base).stem or "item"
    n = names.get(base, 0)
    names[base] = n + 1
    return base if n == 0 else f"{base}-{n + 1}"


@cli.command()
@db_option
@event_filters
@output_options
@errors_as_messages
def events(db, actor, etype, since, until, status, limit, between, series, q, country, fmt, as_json, as_csv, as_nl):
    """Events in the database (one per real event), with participants, evidence and sources."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.events(actor=actor, type=etype, since=since, until=until, status=status, limit=limit,
                            between=between, series=series, q=q, country=country)
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    click.echo(render(rows, fmt, columns=EVENT_COLUMNS, table_rows=[event_row(e) for e in rows], title="events"))


EVENT_COLUMNS = ["date", "type", "participants", "location", "format", "status", "mechanism", "sources", "id"]


@cli.command()
@db_option
@event_filters
@output_options
@errors_as_messages
def timeline(db, actor, etype, since, until, status, limit, between, series, q, country, fmt, as_json, as_csv,
             as_nl):
    """The events in date order, one line each (occurred events unless --status says otherwise)."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.events(actor=actor, type=etype, since=since, until=until, status=status or "occurred",
                            limit=limit, between=between, series=series, q=q, country=country)
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    short = [event_row(e) for e in rows]
    cols = ["date", "type", "participants", "location", "format", "mechanism", "sources"]
    click.echo(render(short if fmt in ("json", "nl") else rows, fmt, columns=cols, table_rows=short,
                      title="timeline"))


@cli.command()
@db_option
@output_options
@errors_as_messages
def actors(db, fmt, as_json, as_csv, as_nl):
    """Actors in the database, most active first."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.actors()
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    click.echo(render(rows, fmt, columns=["id", "name", "kind", "country", "events"]))


@cli.command()
@db_option
@output_options
@errors_as_messages
def documents(db, fmt, as_json, as_csv, as_nl):
    """Documents in the database with their metadata."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.documents()
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    click.echo(render(rows, fmt, columns=["published", "title", "outlet", "authors", "warnings", "source"]))


@cli.command()
@click.argument("event_id")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@errors_as_messages
def show(event_id, db, fmt):
    """One event: its fields, sources, conflicts, and the extractions that formed it and why."""
    from .store import Store

    with Store(db, read_only=True) as store:
        ev = store.explain(event_id)
    if ev is None:
        fail(f"no event {event_id!r}")
    if fmt == "json":
        click.echo(json.dumps(ev, indent=2, ensure_ascii=False, default=str))
        return
    s = event_row(ev)
    click.echo(f"{ev['id']}  {s['date']}  {ev['type']}  {ev['status']}  ({ev['n_sources']} source(s))")
    click.echo(f"  participants: {s['participants']}")
    if s["location"]:
        click.echo(f"  location: {s['location']}")
    if ev.get("format"):
        click.echo(f"  format: {ev['format']}")
    if s["mechanism"]:
        click.echo(f"  mechanism: {s['mechanism']}")
    click.echo(f"  codes: CAMEO {ev['cameo']}, PLOVER {ev['plover']}")
    if ev.get("linked_to"):
        click.echo(f"  planned; it then happened as {ev['linked_to']}")
    for c in ev["conflicts"]:
        click.echo(f"  conflict on {c['field']}: " + "; ".join(f"{v} ({len(d)} report(s))" for v, d in c["values"].items()))
    click.echo("  formed from:")
    for x in ev["extractions"]:
        click.echo(f"    {x['id']}  {x['source']}: {x['type']} {x['date'] or '?'} {x['participants']}")
        click.echo(f"      joined because: {x['join_reason']}")
    click.echo("  evidence:")
    for src in ev["sources"]:
        dup = f" (copy of {src['duplicate_of'][:12]})" if src.get("duplicate_of") else ""
        click.echo(f"    {src['source']}{dup}")
        for e in src["evidence"]:
            click.echo(f"      [{e['start']}:{e['end']}] {e['text']}")


@cli.command()
@click.argument("name", required=False)
@db_option
@output_options
@errors_as_messages
def series(name, db, fmt, as_json, as_csv, as_nl):
    """Dialogue mechanisms and other series: sessions with dates and sources, ordinals missing."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.series(name)
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    if fmt in ("json", "nl"):
        click.echo(render(rows, fmt))
        return
    short = []
    for r in rows:
        for sess in r["sessions"]:
            short.append({"series": r["name"], "ordinal": sess["ordinal"], "date": sess["date"],
                          "format": sess["format"], "sources": sess["sources"], "event": sess["event_id"]})
        if r["missing"]:
            short.append({"series": r["name"], "ordinal": None, "date": f"sessions {r['missing']} not in corpus"})
    click.echo(render(short, fmt, columns=["series", "ordinal", "date", "format", "sources", "event"], title="series"))


@cli.command()
@db_option
@click.option("--speaker", help="Only this speaker (name, alias or id).")
@click.option("--topic", help="Only this topic key (ukraine, taiwan, trade, ...).")
@click.option("--since", callback=valid_date)
@click.option("--until", callback=valid_date)
@output_options
@errors_as_messages
def positions(db, speaker, topic, since, until, fmt, as_json, as_csv, as_nl):
    """Stated positions over time, with the quote and its source."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.positions(speaker=speaker, topic=topic, since=since, until=until)
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    click.echo(render(rows, fmt, columns=["date", "speaker", "topic", "stance", "text", "source"], title="positions"))


@cli.command()
@click.argument("a")
@click.argument("b")
@db_option
@output_options
@errors_as_messages
def relations(a, b, db, fmt, as_json, as_csv, as_nl):
    """Interactions between two actors, by year and type."""
    from .store import Store

    with Store(db, read_only=True) as store:
        rows = store.relations(a, b)
    fmt = pick_format(fmt, as_json, as_csv, as_nl)
    click.echo(render(rows, fmt, columns=["year", "type", "status", "events"], title=f"{a} – {b}"))


@cli.command()
@db_option
@click.option("--since", callback=valid_date)
@click.option("--until", callback=valid_date)
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), default="graphml")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default stdout).")
@errors_as_messages
def network(db, since, until, fmt, output):
    """The actor network (who meets, calls, writes to whom) as GraphML, GEXF or JSON."""
    from . import network as net
    from .store import Store

    with Store(db, read_only=True) as store:
        nodes, edges = store.network(since=since, until=until)
    text = (net.graphml(nodes, edges) if fmt == "graphml" else net.gexf(nodes, edges) if fmt == "gexf"
            else json.dumps({"nodes": nodes, "edges": edges}, indent=2))
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{len(nodes)} actors, {len(edges)} ties written to {output}", err=True)
    else:
        click.echo(text)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--write-token", envvar="PARLEY_WRITE_TOKEN", default=None,
              help="Allow writes (POST /api/documents) to requests bearing this token; read-only without it.")
@click.option("--max-body", default=2_000_000, show_default=True, type=int, help="Largest request body, in bytes.")
@errors_as_messages
def serve(db, host, port, write_token, max_body):
    """Serve the REST API (/api, OpenAPI at /api/openapi.json) and the web app."""
    from .server import serve as run

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"parley: serving on {host}, reachable from other machines", err=True)
    click.echo(f"parley: http://{'[' + host + ']' if ':' in host else host}:{port}/ "
               f"({'writable with the token' if write_token else 'read-only'})", err=True)
    run(db, host, port, write_token, max_body)


@cli.command("export")
@db_option
@event_filters
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "gdelt", "plover", "graphml", "gexf"]),
              default="jsonl", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default stdout; "
              "parquet needs one).")
@click.option("--header", is_flag=True, help="gdelt: a first line with the column names (GDELT files have none).")
@click.option("--all", "all_dates", is_flag=True,
              help="gdelt, plover: keep events known only to the month or year, dated to its first day.")
@errors_as_messages
def export_cmd(db, actor, etype, since, until, status, limit, between, series, q, country, fmt, output, header,
               all_dates):
    """Export events as JSON Lines, CSV, Parquet, GDELT 2.0 event rows or PLOVER records, or the actor
    network as GraphML/GEXF (--since, --until and --status only; occurred events by default)."""
    from .export import export
    from .store import Store

    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet writes a binary file: give -o FILE")
    where = output or "stdout"
    out = open(output, "w", encoding="utf-8", newline="") if output and fmt != "parquet" else output or sys.stdout
    try:
        with Store(db, read_only=True) as store:
            n, skipped = export(store, fmt, out, header=header, all_dates=all_dates, actor=actor, type=etype,
                                since=since, until=until, status=status, limit=limit, between=between,
                                series=series, q=q, country=country)
    finally:
        if out is not sys.stdout and not isinstance(out, str):
            out.close()
    if fmt in ("graphml", "gexf"):
        click.echo(f"{n} actors, {skipped} ties written to {where}", err=True)
        return
    click.echo(f"{n} events written to {where}", err=True)
    if skipped:
        why = "no full date" + (", no actor or no PLOVER category" if fmt == "plover" else "")
        click.echo(f"{skipped} events skipped: {why}" + ("" if all_dates else " (--all keeps month and year dates)"),
                   err=True)


@cli.command("eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder with the gold documents' texts (extracted now).")
@click.option("--predictions", type=click.Path(exists=True, file_okay=False),
              help="Folder of `parley extract --out` results to score instead.")
@click.option("--details", is_flag=True, help="List missed, extra and partial events.")
@click.option("--name", default=None, help="Name of this gold set in the floors file.")
@click.option("--floors", type=click.Path(dir_okay=False), help="JSON file of pinned minimum scores.")
@click.option("--update-floors", is_flag=True, help="Raise the floors in --floors to the current scores.")
@click.option("--allow-lower", is_flag=True, help="With --update-floors: allow floors to go down.")
@click.option("--merge", "merge_mode", is_flag=True,
              help="Score merging: GOLD has clusters of reports; --docs holds the reports (ingested afresh).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@errors_as_messages
def eval_cmd(gold, docs_dir, predictions, details, name, floors, update_floors, allow_lower, merge_mode, fmt):
    """Score extraction against gold annotations (event F1, dates, places, roles, positions),
    or with --merge the merging of reports into events (pairwise precision and recall)."""
    from . import evaluate as ev

    if not docs_dir and not predictions:
        raise click.UsageError("give --docs (texts to extract) or --predictions (extracted JSON)")
    if merge_mode:
        if not docs_dir:
            raise click.UsageError("--merge needs --docs")
        result = ev.evaluate_merge(gold[0], docs_dir)
    else:
        tally = ev.evaluate(list(gold), docs_dir=docs_dir, predictions=predictions, extract=ev.extract_file)
        result = tally.summary()
        if details:
            for line in tally.details:
                click.echo(line, err=True)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            click.echo(f"{k:22s} {'-' if v is None else (f'{v:.3f}' if isinstance(v, float) else v)}")
    if floors:
        name = name or Path(gold[0]).stem
        path = Path(floors)
        pinned = json.loads(path.read_text()) if path.exists() else {}
        if update_floors:
            keys = (("pairwise_p", "pairwise_r", "pairwise_f1") if merge_mode else
                    ("event_strict_f1", "event_lenient_f1", "date_acc", "role_acc", "position_f1"))
            current = pinned.get(name) or {k: 0.0 for k in keys}
            pinned[name] = ev.raise_floors({name: result}, {name: current}, allow_lower)[name]
            path.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n")
            click.echo(f"floors for {name} written to {path}", err=True)
        elif name in pinned:
            below = ev.check_floors({name: result}, {name: pinned[name]})
            for b in below:
                click.echo(f"parley: {b}", err=True)
            if below:
                sys.exit(PARTIAL)


def main():
    try:
        cli.main(prog_name="parley", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("parley: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
