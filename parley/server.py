"""The HTTP surface: a REST API under /api (OpenAPI at /api/openapi.json) and the web app.

One process serves both. It binds loopback unless told otherwise, opens the database
read-only unless it was started with a write token, accepts bodies up to a size limit,
and never fetches a URL on anyone's behalf. Every page of the web app has a JSON twin
under /api; a page URL asked for with ``Accept: application/json`` answers with it.
"""
from __future__ import annotations

import hmac
from contextlib import asynccontextmanager
import threading
from importlib import resources
from pathlib import Path
from typing import Literal, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from . import __version__
from .errors import ParleyError
from .output import event_row, render
from .store import Store

WEB = Path(str(resources.files("parley") / "web"))
MAX_BODY = 2_000_000  # bytes; an article is rarely a tenth of it
MAX_OFFSET = 100_000_000
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
EventType = Literal["meeting", "visit", "call", "message", "session", "agreement"]
Status = Literal["occurred", "planned", "background"]
Sort = Literal["date", "-date", "type", "-type", "sources", "-sources", "confidence", "-confidence"]
Fmt = Literal["json", "csv"]
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self';"
       " frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class NewDocument(BaseModel):
    """A document to ingest: its text and what is known of it."""
    text: str = Field(min_length=1, description="The article's text (plain text or HTML).")
    title: Optional[str] = None
    published: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    outlet: Optional[str] = None
    url: Optional[str] = Field(None, description="Recorded as the source; never fetched.")
    source: Optional[str] = None
    html: bool = False


class BodyLimit:
    """ASGI middleware: refuse a request body over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _too_large(self.limit)(scope, receive, send)
        body, more = [], True  # read the whole body first (it is small), then replay it to the app
        size = 0
        while more:
            msg = await receive()
            if msg["type"] != "http.request":
                return
            body.append(msg.get("body", b""))
            size += len(body[-1])
            more = msg.get("more_body", False)
            if size > self.limit:
                return await _too_large(self.limit)(scope, receive, send)
        replay = [{"type": "http.request", "body": b"".join(body), "more_body": False}]

        async def replayed():
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": f"request body over the limit of {limit} bytes"}, status_code=413)


def create_app(db: Optional[str] = None, write_token: Optional[str] = None, max_body: int = MAX_BODY) -> FastAPI:
    """The application over one database; writes are possible only with ``write_token``."""
    store = Store(db, read_only=not write_token)
    lock = threading.Lock()  # one database connection, used by one request at a time
    cache: dict = {}
    @asynccontextmanager
    async def lifespan(app):
        yield
        store.close()

    app = FastAPI(title="parley", version=__version__, description=__doc__, lifespan=lifespan,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.add_middleware(BodyLimit, limit=max_body)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(ParleyError)
    async def parley_error(request, exc):
        return JSONResponse({"error": str(exc)}, status_code=400)

    def q(fn, *a, **kw):
        with lock:
            return fn(*a, **kw)

    def found(value, what: str, key: str):
        """The value, or a 404 naming what was looked for."""
        if value is None:
            raise HTTPException(404, f"no {what} {key!r}")
        return value

    def filters(actor: Optional[str] = Query(None, description="Name, alias or id of a participant."),
                type: Optional[EventType] = None, country: Optional[str] = Query(
                    None, description="Held in, or with a participant of, this country (name or ISO3)."),
                since: Optional[str] = Query(None, pattern=DATE), until: Optional[str] = Query(None, pattern=DATE),
                status: Optional[Status] = None,
                mechanism: Optional[str] = Query(None, description="Part of a mechanism's name."),
                series: Optional[str] = None, q: Optional[str] = Query(None, description="Text in the evidence.")):
        return {"actor": actor, "type": type, "country": country, "since": since, "until": until,
                "status": status, "mechanism": mechanism, "series": series, "q": q}

    def table(rows: list[dict], name: str, columns: Optional[list] = None) -> Response:
        return PlainTextResponse(render(rows, "csv", columns=columns) + "\n", media_type="text/csv",
                                 headers={"Content-Disposition": f'inline; filename="{name}.csv"'})

    # -- the API ----------------------------------------------------------------
    @app.get("/api/health", tags=["meta"])
    def health():
        return {"status": "ok", "version": __version__, "writable": bool(write_token),
                "documents": q(store.count, "documents"), "events": q(store.count, "events")}

    @app.get("/api/facets", tags=["events"])
    def facets():
        """Values the event filters can take, with counts."""
        if store.dialect != "duckdb":  # other processes may write a PostgreSQL database at any time
            return q(store.facets)
        if "facets" not in cache:  # a DuckDB file changes only through this process (POST clears it)
            cache["facets"] = q(store.facets)
        return cache["facets"]

    @app.get("/api/events", tags=["events"])
    def events(f: dict = Depends(filters), limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET),
               sort: Sort = "date", format: Fmt = "json"):
        """Events (one per real event) with participants, sources and evidence, paged."""
        rows = q(store.events, limit=limit, offset=offset, sort=sort, **f)
        if format == "csv":
            return table([event_row(e) for e in rows], "events")
        return {"total": q(store.count_events, **f), "limit": limit, "offset": offset, "events": rows}

    @app.get("/api/events/density", tags=["events"])
    def density(f: dict = Depends(filters), bucket: Literal["year", "month", "day"] = "month"):
        """How many events fall in each month (year, day) under the filters."""
        return {"bucket": bucket, "periods": q(store.density, bucket, **f)}

    @app.get("/api/events/{event_id}", tags=["events"])
    def event(event_id: str):
        """One event: participants, sources with evidence, conflicts, and the reports that formed it."""
        return found(q(store.explain, event_id), "event", event_id)

    @app.get("/api/actors", tags=["actors"])
    def actors(q_: Optional[str] = Query(None, alias="q", description="Part of a name or alias."),
               kind: Optional[Literal["person", "organization", "party", "country", "igo"]] = None,
               limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET), format: Fmt = "json"):
        """Actors, most active first."""
        total, rows = q(store.find_actors, q_, kind, limit, offset)
        if format == "csv":
            return table(rows, "actors", ["id", "name", "kind", "country", "events", "aliases"])
        return {"total": total, "limit": limit, "offset": offset, "actors": rows}

    @app.get("/api/actors/{actor_id}", tags=["actors"])
    def actor(actor_id: str):
        """One actor: roles over time, counterparts, activity by year and type."""
        return found(q(store.actor, actor_id), "actor", actor_id)

    @app.get("/api/actors/{actor_id}/timeline", tags=["actors"])
    def actor_timeline(actor_id: str, since: Optional[str] = Query(None, pattern=DATE),
                       until: Optional[str] = Query(None, pattern=DATE), limit: int = Query(200, ge=1, le=1000),
                       offset: int = Query(0, ge=0, le=MAX_OFFSET)):
        """The events an actor took part in, in date order."""
        a = found(q(store.actor_row, actor_id), "actor", actor_id)  # the row only: no counterparts needed here
        kw = {"actor": a["id"], "since": since, "until": until}
        return {"actor": a["name"], "total": q(store.count_events, **kw), "limit": limit, "offset": offset,
                "events": q(store.events, limit=limit, offset=offset, **kw)}

    @app.get("/api/positions", tags=["positions"])
    def positions(speaker: Optional[str] = None, topic: Optional[str] = None,
                  since: Optional[str] = Query(None, pattern=DATE), until: Optional[str] = Query(None, pattern=DATE),
                  limit: int = Query(500, ge=1, le=5000), offset: int = Query(0, ge=0, le=MAX_OFFSET), format: Fmt = "json"):
        """Statements by speaker and topic, in date order, with their text and source."""
        rows = q(store.positions, speaker, topic, since, until, limit, offset)
        if format == "csv":
            return table(rows, "positions", ["date", "speaker", "topic", "stance", "quote", "text", "source"])
        return {"total": q(store.count_positions, speaker, topic, since, until), "limit": limit, "offset": offset,
                "positions": rows}

    @app.get("/api/series", tags=["events"])
    def series(name: Optional[str] = None):
        """Mechanisms with their sessions and the ordinals missing from the corpus."""
        return {"series": q(store.series, name)}

    @app.get("/api/network", tags=["network"])
    def network(since: Optional[str] = Query(None, pattern=DATE), until: Optional[str] = Query(None, pattern=DATE),
                status: Optional[Status] = "occurred", top: int = Query(150, ge=1, le=5000)):
        """Actors as nodes and their interactions as weighted edges, for a period."""
        nodes, edges = q(store.network, since, until, status, top)
        return {"nodes": nodes, "edges": edges}

    @app.get("/api/documents", tags=["documents"])
    def documents(limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET), format: Fmt = "json"):
        """Documents, by publication date."""
        rows = q(store.documents, False, limit, offset)
        if format == "csv":
            return table(rows, "documents", ["id", "published", "title", "outlet", "source", "url"])
        return {"total": q(store.count, "documents"), "limit": limit, "offset": offset, "documents": rows}

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def document(doc_id: str):
        """One document: its cleaned text and the spans that events and positions were read from."""
        return found(q(store.document, doc_id), "document", doc_id)

    def authorized(authorization: Optional[str] = Header(None)):
        if not write_token:
            raise HTTPException(403, "this server is read-only; start it with --write-token to allow writes")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), write_token.encode()):
            raise HTTPException(401, "a valid write token is required (Authorization: Bearer TOKEN)")

    @app.post("/api/documents", tags=["documents"], status_code=201, dependencies=[Depends(authorized)])
    def add_document(doc: NewDocument):
        """Ingest one document (needs the write token). The same text again adds nothing."""
        from .ingest import ingest_items
        from .readers import RawItem

        raw = RawItem(source=doc.source or doc.url or "<api>", content=doc.text,
                      kind="html" if doc.html else "text", title=doc.title, published=doc.published,
                      url=doc.url, outlet=doc.outlet)
        summary = q(ingest_items, [raw], store)
        cache.clear()
        if summary.failed:
            raise HTTPException(422, summary.failed[0][1])
        return summary.to_dict()

    @app.exception_handler(HTTPException)
    async def http_error(request, exc):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    # -- the web app ------------------------------------------------------------
    app.mount("/static", StaticFiles(directory=WEB), name="static")
    twins = {"": "/api/events", "events": "/api/events", "positions": "/api/positions",
             "network": "/api/network", "actors": "/api/actors", "documents": "/api/documents"}

    @app.get("/", include_in_schema=False)
    @app.get("/{page}", include_in_schema=False)
    @app.get("/{page}/{item_id}", include_in_schema=False)
    def page(request: Request, page: str = "", item_id: Optional[str] = None):
        if page not in twins:
            raise HTTPException(404, f"no page /{page}")
        if "application/json" in request.headers.get("accept", ""):
            api = twins[page] + (f"/{item_id}" if item_id else "")
            return Response(status_code=307, headers={"Location": api + (f"?{request.url.query}" if request.url.query
                                                                           else "")})
        return FileResponse(WEB / "index.html", media_type="text/html")

    return app


def serve(db: Optional[str], host: str, port: int, write_token: Optional[str], max_body: int = MAX_BODY) -> None:
    import uvicorn

    uvicorn.run(create_app(db, write_token, max_body), host=host, port=port, log_level="warning")
