"""The web app, end to end: the real server under uvicorn, driven by Chromium through Playwright.

Skipped when /usr/bin/chromium or Playwright is missing or the browser cannot start. Screenshots
are written to test-artifacts/ at the repository root.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed; the browser tests need it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is not installed")


# -- the server ---------------------------------------------------------------------------------

def build_db(path: Path, *dirs: Path) -> str:
    from parley.ingest import ingest
    from parley.store import Store

    with Store(str(path)) as s:
        ingest([str(d) for d in dirs], s)
    return str(path)


class Server:
    """uvicorn in a background thread on a free loopback port."""

    def __init__(self, db: str):
        from parley.server import create_app

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(create_app(db), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def api(self, path: str, **params):
        qs = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        with urllib.request.urlopen(f"{self.url}{path}{'?' + qs if qs else ''}", timeout=20) as r:
            return json.load(r)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = build_db(tmp_path_factory.mktemp("web") / "web.duckdb", FIXTURES / "articles", FIXTURES / "merge")
    with Server(db) as srv:
        yield srv


# -- the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    try:
        pw = sync_api.sync_playwright().start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"playwright could not start: {exc}")
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pw.stop()
        pytest.skip(f"playwright could not launch {CHROMIUM}: {exc}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Page:
    """A browser page that records console errors, page errors and failed requests."""

    def __init__(self, browser, base: str):
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(10_000)
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))

    def goto(self, path: str):
        self.page.goto(self.base + path)
        settle(self.page)
        return self.page

    def check(self):
        assert not self.errors, "browser errors:\n" + "\n".join(self.errors)


@pytest.fixture
def web(browser, server):
    p = Page(browser, server.url)
    yield p
    try:
        p.check()
    finally:
        p.ctx.close()


def settle(page):
    """Wait until the app has rendered the current address (it marks <main aria-busy>)."""
    page.wait_for_selector("#main[aria-busy=false]", state="attached")
    page.wait_for_load_state("networkidle")


def query_of(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


# -- tests --------------------------------------------------------------------------------------

def test_timeline_lists_events(web, server, artifacts):
    page = web.goto("/")
    page.wait_for_selector("tr.event-row")
    total = server.api("/api/events")["total"]
    assert page.locator("tr.event-row").count() == min(total, 50)
    assert page.locator(".pager .count").first.inner_text() == f"1–{min(total, 50)} of {total}"
    assert page.locator(".density-chart .bar").count() > 0
    assert page.locator("#about").inner_text().startswith("parley ")
    assert "events" in page.locator("#about").inner_text()
    assert page.locator("a.json-twin").get_attribute("href").startswith("/api/events")
    page.screenshot(path=str(artifacts / "timeline.png"), full_page=True)


def test_filter_by_actor_and_type_updates_url(web, server, artifacts):
    page = web.goto("/events")
    page.wait_for_selector("tr.event-row")
    before = page.locator("tr.event-row").count()

    actor = page.locator("input[name=actor]")
    actor.fill("Wang")
    page.wait_for_selector(".suggest li")
    assert "Wang Yi" in page.locator(".suggest").inner_text()
    page.locator(".suggest li", has_text="Wang Yi").first.dispatch_event("mousedown")
    page.wait_for_url(re.compile(r"actor=Wang\+Yi|actor=Wang%20Yi"))
    settle(page)
    want = server.api("/api/events", actor="Wang Yi")
    rows = page.locator("tr.event-row")
    assert rows.count() == want["total"] < before
    for i in range(rows.count()):
        assert "Wang Yi" in rows.nth(i).inner_text()

    page.select_option("select[name=type]", "meeting")
    page.wait_for_url(re.compile(r"type=meeting"))
    settle(page)
    assert query_of(page.url) == {"actor": "Wang Yi", "type": "meeting"}
    want = server.api("/api/events", actor="Wang Yi", type="meeting")
    rows = page.locator("tr.event-row")
    assert 0 < rows.count() == want["total"]
    for i in range(rows.count()):
        assert "meeting" in rows.nth(i).locator(".badge").first.inner_text()
    assert "type=meeting" in page.locator("a.json-twin").get_attribute("href")
    page.screenshot(path=str(artifacts / "timeline-filtered.png"), full_page=True)

    # The back button returns to the actor-only filter.
    page.go_back()
    page.wait_for_url(re.compile(r"actor=Wang"))
    settle(page)
    assert "type" not in query_of(page.url)
    assert page.locator("select[name=type]").input_value() == ""


def test_no_match_shows_empty_state(web):
    page = web.goto("/events?q=zzzznothingmatcheszzzz")
    page.wait_for_selector(".empty")
    assert "No events match these filters" in page.locator(".empty").inner_text()


def test_density_bar_narrows_to_month(web):
    page = web.goto("/events")
    bar = page.locator(".density-chart .bar:not(.zero)").first
    period = bar.get_attribute("data-period")
    bar.click()
    page.wait_for_url(re.compile(r"since="))
    settle(page)
    q = query_of(page.url)
    assert q["since"].startswith(period) and q["until"].startswith(period)
    assert page.locator("tr.event-row").count() > 0
    for d in page.locator("a.event-link").all_inner_texts():
        assert d.startswith(period)


def test_event_page_highlights_evidence(web, server, artifacts):
    page = web.goto("/events?actor=Wang+Yi&type=meeting")
    link = page.locator("a.event-link").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    page.wait_for_selector(".sources mark.evidence")
    event_id = href.rsplit("/", 1)[1]
    ev = server.api(f"/api/events/{event_id}")
    evidence = [x["text"] for src in ev["sources"] for x in src["evidence"]]
    marks = page.locator(".doc-text mark.evidence")
    assert marks.count() >= 1
    assert marks.first.is_visible()
    for text in marks.all_inner_texts():
        assert any(text in e for e in evidence), text
    # Every source has its block and the sections are there.
    assert page.locator("article.source").count() == len(ev["sources"])
    body = page.locator("main").inner_text()
    assert "Formed from" in body and "CAMEO" in body
    for x in ev["extractions"]:
        assert x["join_reason"] in body
    for p in ev["participants"]:
        assert page.locator(f"a[href='/actors/{p['actor_id']}']").count() >= 1
    assert page.locator("a.json-twin").get_attribute("href") == f"/api/events/{event_id}"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "event.png"), full_page=True)

    # A report link in "Formed from" jumps to that source on the same page, without a new render.
    marker = page.locator("article.source").first.element_handle()
    page.locator("table.extractions a").first.click()
    page.wait_for_url(re.compile(r"#doc-"))
    page.wait_for_timeout(100)
    assert page.evaluate("(el) => el.isConnected", marker), "the page was rendered again"
    target = urllib.parse.urlsplit(page.url).fragment
    assert page.locator(f"[id='{target}']").is_visible()


def test_event_page_shows_conflicts_and_linked_event(web, server):
    # The fixtures hold no conflicting reports, so the API answer is given two (and a link) in the browser.
    rows = server.api("/api/events", actor="Wang Yi", type="meeting")["events"]
    ev, other = rows[0], server.api("/api/events", type="call")["events"][0]
    docs = [s["document_id"] for s in ev["sources"]]

    def amend(route):
        resp = route.fetch()
        body = resp.json()
        body["conflicts"] = [{"field": "city", "values": {"Beijing": docs[:2], "Shanghai": docs[2:3]}}]
        body["linked_to"] = other["id"]
        route.fulfill(response=resp, json=body)

    web.page.route(f"**/api/events/{ev['id']}", amend)
    page = web.goto(f"/events/{ev['id']}")
    box = page.locator("section.conflicts")
    box.wait_for()
    text = box.inner_text()
    assert "Conflicting reports" in text and "city" in text
    assert "Beijing" in text and "2 reports" in text and "Shanghai" in text and "1 report" in text
    link = page.locator("a.linked")
    assert link.get_attribute("href") == f"/events/{other['id']}"
    link.click()
    page.wait_for_url(re.compile(re.escape(other["id"]) + "$"))
    settle(page)
    assert page.locator("h1 .badge").first.inner_text() == "call"


def test_unknown_event_shows_error(web):
    page = web.goto("/events/ev-doesnotexist")
    page.wait_for_selector(".error")
    assert "no event" in page.locator(".error").inner_text()
    # The browser logs the 404 of the API call itself; that one is expected.
    web.errors[:] = [e for e in web.errors if "404" not in e]


def test_actor_page_shows_roles_and_counterparts(web, server, artifacts):
    page = web.goto("/actors/wang-yi")
    page.wait_for_selector("svg.roles-chart")
    a = server.api("/api/actors/wang-yi")
    assert page.locator("h1").inner_text() == "Wang Yi"
    assert page.locator("svg.roles-chart g.role").count() == len(a["roles"])
    cps = page.locator("table.counterparts tbody tr")
    assert cps.count() == len(a["counterparts"]) > 0
    assert "Sergei Lavrov" in cps.first.inner_text()
    assert page.locator("table.activity").count() == 1
    assert page.locator("tr.event-row").count() == a["events"]
    assert page.locator(".topic-group").count() >= 1
    page.screenshot(path=str(artifacts / "actor.png"), full_page=True)
    cps.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/actors/sergei-lavrov$"))
    page.wait_for_selector("svg.roles-chart")
    assert page.locator("h1").inner_text() == "Sergei Lavrov"


def test_positions_view_renders(web, server, artifacts):
    page = web.goto("/positions")
    chip = page.locator("a.topic-chip").first
    chip.click()
    page.wait_for_url(re.compile(r"topic="))
    page.wait_for_selector("svg.swimlanes circle.dot")
    topic = query_of(page.url)["topic"]
    want = server.api("/api/positions", topic=topic)["positions"]
    assert page.locator("svg.swimlanes circle.dot").count() == len([p for p in want if p["date"]])
    assert page.locator("ul.statements li.statement").count() == len(want)
    dot = page.locator("svg.swimlanes circle.dot").first
    dot.hover()
    assert page.locator(".tooltip").is_visible()
    dot.click()
    assert page.locator(".st-detail").is_visible()
    assert want[0]["text"] in page.locator(".st-detail").inner_text()
    page.screenshot(path=str(artifacts / "positions.png"), full_page=True)


def test_network_renders_and_opens_actor(web, server, artifacts):
    page = web.goto("/network")
    page.wait_for_selector("svg.graph circle")
    want = server.api("/api/network", top=60)
    assert page.locator("svg.graph circle").count() == len(want["nodes"])
    assert page.locator("svg.graph line.edge").count() == len(want["edges"])
    assert page.locator(".legend .legend-item").count() >= 1
    page.screenshot(path=str(artifacts / "network.png"), full_page=True)
    node = page.locator("svg.graph g.node[data-id='wang-yi'] circle")
    node.click()
    page.wait_for_url(re.compile(r"/actors/wang-yi$"))
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Wang Yi"


def test_network_drag_moves_node_without_navigating(web):
    page = web.goto("/network")
    g = page.locator("svg.graph g.node").first
    before = g.get_attribute("transform")
    box = g.locator("circle").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.up()
    assert g.get_attribute("transform") != before
    assert page.url.endswith("/network")


def test_documents_page_and_deep_links(web, server):
    docs = server.api("/api/documents")["documents"]
    page = web.goto(f"/documents/{docs[0]['id']}")
    page.wait_for_selector(".doc-body")
    assert page.locator("a.json-twin").get_attribute("href") == f"/api/documents/{docs[0]['id']}"
    assert docs[0]["title"] in page.locator("h1").inner_text()
    page = web.goto("/documents")
    assert page.locator("table.plain tbody tr").count() == len(docs)


def test_text_from_articles_is_not_parsed_as_html(web):
    # Text from the data is inserted as text: markup in an actor's name or a place stays visible characters.
    evil = '<img src="/x" onerror="document.title=1">Evil <b>Actor</b>'

    def amend(route):
        resp = route.fetch()
        body = resp.json()
        body["events"][0]["participants"][0]["actor"] = evil
        body["events"][0]["location"]["city"] = "<script>alert(1)</script>"
        route.fulfill(response=resp, json=body)

    web.page.route("**/api/events?*", amend)
    page = web.goto("/events")
    page.wait_for_selector("tr.event-row")
    assert page.locator("main img, main script, main b").count() == 0
    first = page.locator("tr.event-row").first.inner_text()
    assert evil in first and "<script>alert(1)</script>" in first


def test_seed_event_evidence_is_highlighted(browser, shared_dir, tmp_path, artifacts):
    db = build_db(tmp_path / "seeds.duckdb", shared_dir / "seeds")
    with Server(db) as srv:
        found = srv.api("/api/events", actor="Xi Jinping", type="meeting", since="2022-12-21", until="2022-12-21")
        assert found["total"] >= 1, "the 2022-12-21 Xi Jinping meeting is missing from the seeds store"
        ev = next((e for e in found["events"] if any(p["actor"] == "Dmitry Medvedev" for p in e["participants"])),
                  found["events"][0])
        full = srv.api(f"/api/events/{ev['id']}")
        evidence = [x["text"] for src in full["sources"] for x in src["evidence"]]
        p = Page(browser, srv.url)
        try:
            page = p.goto(f"/events/{ev['id']}")
            page.wait_for_selector(".doc-text mark.evidence")
            page.wait_for_timeout(200)
            marks = page.locator(".doc-text mark.evidence")
            assert marks.first.is_visible()
            assert marks.first.is_visible() and marks.first.bounding_box()["y"] >= 0
            texts = marks.all_inner_texts()
            for t in texts:
                assert any(t in e for e in evidence), t
            joined = "".join(texts)
            for e in evidence:
                assert e in joined, e
            page.screenshot(path=str(artifacts / "seeds-event-2022-12-21.png"), full_page=False)
            p.check()
        finally:
            p.ctx.close()
