// parley web app: a small single-page client over the /api endpoints.
// No framework and no build step. Every piece of text taken from the data is put in the
// page with textContent or text nodes, never parsed as HTML: it comes from news articles.

const SVGNS = "http://www.w3.org/2000/svg";
const PAGE_SIZE = 50;
const EVENT_TYPES = ["meeting", "visit", "call", "message", "session", "agreement"];
const STATUSES = ["occurred", "planned", "background"];
const KIND_COLORS = {
  person: "#2f6fba", organization: "#c0692b", party: "#8a4fb3", country: "#2f9462", igo: "#b8424d",
};
const OTHER_COLOR = "#7a8491";

// ---------------------------------------------------------------------------------------------
// DOM helpers

/** h("a", {href, class, onclick}, child, ...): an element; strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

function fmtInt(n) {
  return Number(n || 0).toLocaleString("en-US");
}

function plural(n, one, many) {
  return `${fmtInt(n)} ${n === 1 ? one : (many || one + "s")}`;
}

function humanize(v) {
  return v === null || v === undefined ? "" : String(v).replace(/_/g, " ");
}

function ordinal(n) {
  const v = n % 100;
  const suffix = (v >= 11 && v <= 13) ? "th" : ({1: "st", 2: "nd", 3: "rd"}[n % 10] || "th");
  return `${n}${suffix}`;
}

function shortId(id) {
  return id && id.length > 16 ? id.slice(0, 12) + "…" : id;
}

// ---------------------------------------------------------------------------------------------
// API access

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** The /api URL for a path and parameters (empty values are left out). */
function apiUrl(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") qs.set(k, v);
  }
  const q = qs.toString();
  return "/api" + path + (q ? "?" + q : "");
}

async function api(path, params) {
  const url = apiUrl(path, params);
  let res;
  try {
    res = await fetch(url, {headers: {Accept: "application/json"}});
  } catch (err) {
    throw new ApiError(`The server could not be reached (${err.message}).`, 0);
  }
  let body = null;
  try {
    body = await res.json();
  } catch (_) {
    body = null;
  }
  if (!res.ok) {
    let msg = body && (body.error || body.detail);
    if (Array.isArray(msg)) msg = msg.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
    throw new ApiError(msg ? String(msg) : `${res.status} ${res.statusText}`, res.status);
  }
  return body;
}

const cache = {};

function cached(key, fn) {
  if (!cache[key]) cache[key] = fn().catch((err) => { delete cache[key]; throw err; });
  return cache[key];
}

const facets = () => cached("facets", () => api("/facets"));

// ---------------------------------------------------------------------------------------------
// Routing

let renderSeq = 0;
const main = () => document.getElementById("main");

function setJsonLink(url) {
  const a = document.getElementById("json-link");
  if (a) a.setAttribute("href", url);
}

function setTitle(text) {
  document.title = text ? `${text} · parley` : "parley";
}

function navigate(url, {replace = false} = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render({scrollTop: !replace});
}

/** The current query string as a plain object. */
function query() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

/** A page URL for a path and parameters (empty values are left out). */
function pageUrl(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") qs.set(k, v);
  }
  const q = qs.toString();
  return path + (q ? "?" + q : "");
}

const routes = [
  [/^\/(?:events\/?)?$/, () => timelinePage()],
  [/^\/events\/([^/]+)$/, (m, seq) => eventPage(decodeURIComponent(m[1]), seq)],
  [/^\/actors\/?$/, () => actorsPage()],
  [/^\/actors\/([^/]+)$/, (m, seq) => actorPage(decodeURIComponent(m[1]), seq)],
  [/^\/positions\/?$/, (m, seq) => positionsPage(m, seq)],
  [/^\/network\/?$/, (m, seq) => networkPage(m, seq)],
  [/^\/documents\/?$/, () => documentsPage()],
  [/^\/documents\/([^/]+)$/, (m) => documentPage(decodeURIComponent(m[1]))],
];

/** A token for one render: stale async work checks it before touching the page. */
function current(seq) {
  return seq === renderSeq;
}

let rendered = null;  // the path and query now on screen

function scrollToHash() {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) target.scrollIntoView({block: "start"});
}

async function render({scrollTop = false} = {}) {
  const seq = ++renderSeq;
  rendered = location.pathname + location.search;
  teardown();
  const path = location.pathname;
  const section = path.split("/")[1] || "events";
  for (const a of document.querySelectorAll(".nav a")) {
    a.classList.toggle("active", a.dataset.nav === section);
  }
  const root = clear(main());
  root.setAttribute("aria-busy", "true");
  root.append(h("p", {class: "loading"}, "Loading…"));
  if (scrollTop) window.scrollTo(0, 0);
  for (const [re, fn] of routes) {
    const m = path.match(re);
    if (!m) continue;
    try {
      const page = await fn(m, seq);
      if (!current(seq)) return;
      clear(root).append(page);
      if (page.afterMount) page.afterMount();
      scrollToHash();
    } catch (err) {
      if (!current(seq)) return;
      console.warn(err);
      clear(root).append(errorBox(err));
    }
    root.setAttribute("aria-busy", "false");
    return;
  }
  root.setAttribute("aria-busy", "false");
  setTitle("Not found");
  setJsonLink("/api/health");
  clear(root).append(h("div", {class: "empty"}, h("h1", {}, "Page not found"),
    h("p", {}, "There is no page at ", h("code", {}, path), ". ", h("a", {href: "/"}, "Go to the timeline"), ".")));
}

function errorBox(err) {
  const notFound = err instanceof ApiError && err.status === 404;
  return h("div", {class: "error", role: "alert"},
    h("strong", {}, notFound ? "Not found. " : "Something went wrong. "),
    err.message || String(err));
}

// Work that a page leaves running (resize listeners, animation frames) is undone here.
let cleanups = [];

function onTeardown(fn) {
  cleanups.push(fn);
}

function teardown() {
  for (const fn of cleanups.splice(0)) {
    try { fn(); } catch (_) { /* nothing to do */ }
  }
}

document.addEventListener("click", (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest && ev.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith("/api") || url.pathname.startsWith("/static")) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  ev.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener("popstate", () => {
  // Following an in-page anchor changes only the hash: the page stays, the browser scrolls.
  if (location.pathname + location.search === rendered) return;
  render();
});

// ---------------------------------------------------------------------------------------------
// Shared pieces

function pageHeader(title, sub, jsonUrl) {
  setTitle(typeof title === "string" ? title : "");
  if (jsonUrl) setJsonLink(jsonUrl);
  return h("div", {class: "page-head"},
    h("div", {}, h("h1", {}, title), sub ? h("p", {class: "sub"}, sub) : null),
    jsonUrl ? h("a", {class: "json-twin", href: jsonUrl, title: "This page's data as JSON"}, "JSON") : null);
}

function typeBadge(type) {
  return h("span", {class: `badge type-${EVENT_TYPES.includes(type) ? type : "other"}`}, type || "event");
}

function statusBadge(status) {
  if (!status) return null;
  return h("span", {class: `badge status status-${STATUSES.includes(status) ? status : "other"}`}, status);
}

function actorLink(id, name) {
  return id ? h("a", {href: `/actors/${encodeURIComponent(id)}`, class: "actor"}, name || id) : h("span", {}, name);
}

function place(loc) {
  if (!loc) return "";
  return [loc.venue, loc.city, loc.country].filter(Boolean).join(", ");
}

function mechanismText(e) {
  if (!e.mechanism && !e.ordinal) return "";
  const ord = e.ordinal ? `${ordinal(e.ordinal)} ` : "";
  return e.mechanism ? `${ord}${e.mechanism}` : `${ord}session`;
}

function pager(total, offset, limit, hrefFor) {
  const from = total ? offset + 1 : 0;
  const to = Math.min(offset + limit, total);
  const prev = offset > 0 ? hrefFor(Math.max(0, offset - limit)) : null;
  const next = offset + limit < total ? hrefFor(offset + limit) : null;
  return h("div", {class: "pager"},
    h("span", {class: "count"}, `${fmtInt(from)}–${fmtInt(to)} of ${fmtInt(total)}`),
    prev ? h("a", {class: "btn", href: prev, rel: "prev"}, "← Prev") : h("span", {class: "btn disabled"}, "← Prev"),
    next ? h("a", {class: "btn", href: next, rel: "next"}, "Next →") : h("span", {class: "btn disabled"}, "Next →"));
}

/** The table of events used on the timeline and actor pages. */
function eventsTable(events, {highlightActor} = {}) {
  const rows = events.map((e) => {
    const parts = (e.participants || []).map((p) => h("li", {class: p.actor_id === highlightActor ? "self" : null},
      actorLink(p.actor_id, p.actor), p.role ? h("span", {class: "role"}, humanize(p.role)) : null));
    return h("tr", {class: "event-row"},
      h("td", {class: "date"}, h("a", {class: "event-link", href: `/events/${encodeURIComponent(e.id)}`},
        e.date || "undated"),
      e.date_precision && e.date_precision !== "day" ? h("span", {class: "muted small"}, ` (${e.date_precision})`) : null),
      h("td", {}, typeBadge(e.type), e.status && e.status !== "occurred" ? [" ", statusBadge(e.status)] : null),
      h("td", {}, parts.length ? h("ul", {class: "participants"}, parts) : h("span", {class: "muted"}, "—")),
      h("td", {class: place(e.location) ? "place" : "place blank"}, place(e.location) || h("span", {class: "muted"}, "—")),
      h("td", {class: e.format ? "nowrap" : "nowrap blank"}, humanize(e.format) || h("span", {class: "muted"}, "—")),
      h("td", {class: mechanismText(e) ? null : "blank"}, mechanismText(e) || h("span", {class: "muted"}, "—")),
      h("td", {class: "num"}, h("a", {href: `/events/${encodeURIComponent(e.id)}#sources`,
        title: "Reports of this event"}, fmtInt(e.n_sources))));
  });
  return h("div", {class: "table-wrap"}, h("table", {class: "events"},
    h("thead", {}, h("tr", {}, ["Date", "Type", "Participants", "Place", "Format", "Mechanism", "Sources"]
      .map((c, i) => h("th", {class: i === 6 ? "num" : null}, c)))),
    h("tbody", {}, rows)));
}

/**
 * An actor name input with suggestions from /api/actors?q=. onPick(actor) is called when a
 * suggestion is chosen; the input keeps the actor's name.
 */
function actorInput({name, value, placeholder, onPick, label}) {
  const input = h("input", {type: "search", name, value: value || "", placeholder: placeholder || "Actor",
    autocomplete: "off", "aria-label": label || "Actor", role: "combobox", "aria-autocomplete": "list",
    "aria-expanded": "false"});
  const list = h("ul", {class: "suggest", role: "listbox", hidden: true});
  const wrap = h("div", {class: "autocomplete"}, input, list);
  let items = [];
  let active = -1;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function pick(a) {
    input.value = a.name;
    close();
    if (onPick) onPick(a);
  }

  function show() {
    clear(list);
    items.forEach((a, i) => {
      list.append(h("li", {role: "option", class: i === active ? "active" : null,
        onmousedown: (ev) => { ev.preventDefault(); pick(a); }},
      h("span", {class: "name"}, a.name),
      h("span", {class: "meta"}, [a.kind, a.country, plural(a.events, "event")].filter(Boolean).join(" · "))));
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { items = []; close(); return; }
    timer = setTimeout(async () => {
      const n = ++asked;
      try {
        const res = await api("/actors", {q, limit: 8});
        if (n !== asked || document.activeElement !== input) return;
        items = res.actors || [];
        active = -1;
        show();
      } catch (_) {
        items = [];
        close();
      }
    }, 150);
  });
  input.addEventListener("keydown", (ev) => {
    if (list.hidden) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      show();
    } else if (ev.key === "Enter" && active >= 0) {
      ev.preventDefault();
      pick(items[active]);
    } else if (ev.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
  return wrap;
}

function selectEl(name, label, options, value) {
  return h("select", {name, "aria-label": label},
    h("option", {value: ""}, label),
    options.map((o) => h("option", {value: o.value, selected: String(o.value) === String(value || "")},
      o.label || o.value)));
}

/** A full date for a date input from "YYYY", "YYYY-MM" or "YYYY-MM-DD" (start or end of the period). */
function fullDate(v, end) {
  if (!v) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  if (/^\d{4}-\d{2}$/.test(v)) {
    if (!end) return v + "-01";
    const [y, m] = v.split("-").map(Number);
    return `${v}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
  }
  if (/^\d{4}$/.test(v)) return end ? `${v}-12-31` : `${v}-01-01`;
  return "";
}

function field(label, control) {
  return h("label", {class: "field"}, h("span", {class: "field-label"}, label), control);
}

// ---------------------------------------------------------------------------------------------
// Dates on a time axis

function dayNumber(iso, end) {
  const full = fullDate(iso, end);
  if (!full) return null;
  const [y, m, d] = full.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 86400000;
}

function todayIso() {
  return new Date().toISOString().slice(0, 10);
}

/** The width available inside the main column. */
function contentWidth() {
  const m = document.querySelector(".main");
  if (!m) return document.body.clientWidth;
  const cs = getComputedStyle(m);
  return m.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Ticks for a day range: years, or months when the range is short. */
function timeTicks(d0, d1, maxTicks) {
  const span = (d1 - d0) / 365.25;
  if (span >= 3 || maxTicks < 2) return yearTicks(d0, d1, maxTicks).map((t) => ({day: t.day, label: String(t.year)}));
  const months = span * 12;
  const step = [1, 2, 3, 6, 12].find((st) => months / st <= maxTicks) || 12;
  const start = new Date(d0 * 86400000);
  let y = start.getUTCFullYear(), m = start.getUTCMonth() + 1;
  const ticks = [];
  for (let i = 0; i < 200; i++) {
    if (m > 11) { y += Math.floor(m / 12); m %= 12; }
    const day = Date.UTC(y, m, 1) / 86400000;
    if (day > d1) break;
    if (m % step === 0 && day >= d0) ticks.push({day, label: m === 0 ? String(y) : `${MONTHS[m]} ${y}`});
    m += 1;
  }
  return ticks;
}

/** Year ticks for a day range, at most about maxTicks of them. */
function yearTicks(d0, d1, maxTicks) {
  const y0 = new Date(d0 * 86400000).getUTCFullYear();
  const y1 = new Date(d1 * 86400000).getUTCFullYear() + 1;
  const span = y1 - y0;
  const step = [1, 2, 5, 10, 20, 25, 50, 100].find((st) => span / st <= maxTicks) || 100;
  const ticks = [];
  for (let y = Math.ceil(y0 / step) * step; y <= y1; y += step) {
    const day = Date.UTC(y, 0, 1) / 86400000;
    if (day >= d0 && day <= d1) ticks.push({year: y, day});
  }
  return ticks;
}

// ---------------------------------------------------------------------------------------------
// Timeline

const FILTERS = ["actor", "type", "country", "status", "since", "until", "q", "mechanism", "series"];

async function timelinePage() {
  const qp = query();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, qp[k] || ""]));
  const offset = Math.max(0, parseInt(qp.offset, 10) || 0);
  const sort = qp.sort || "date";
  const params = {...filters, limit: PAGE_SIZE, offset, sort: sort === "date" ? "" : sort};
  const jsonUrl = apiUrl("/events", params);

  const [fc, res] = await Promise.all([facets().catch(() => null), api("/events", params)]);

  const root = h("div", {class: "page timeline"});
  const active = FILTERS.filter((k) => filters[k]);
  root.append(pageHeader("Timeline", active.length
    ? `${plural(res.total, "event")} matching the filters`
    : `${plural(res.total, "event")} in the store`, jsonUrl));
  root.append(filterBar(filters, fc, sort));

  const strip = h("div", {class: "density", "aria-label": "Events per month"});
  root.append(strip);
  loadDensity(strip, filters);

  if (!res.events.length) {
    root.append(h("div", {class: "empty"}, h("p", {}, "No events match these filters."),
      active.length ? h("p", {}, h("a", {href: "/events"}, "Clear all filters")) : null));
    return root;
  }
  const hrefFor = (o) => pageUrl("/events", {...filters, sort: sort === "date" ? "" : sort, offset: o || ""});
  root.append(pager(res.total, res.offset, res.limit, hrefFor));
  root.append(eventsTable(res.events, {}));
  root.append(pager(res.total, res.offset, res.limit, hrefFor));
  return root;
}

function filterBar(filters, fc, sort) {
  const form = h("form", {class: "filters", role: "search"});
  const apply = (changes) => {
    const data = new FormData(form);
    const next = {};
    for (const k of FILTERS) next[k] = (data.get(k) || "").toString().trim();
    for (const k of ["mechanism", "series"]) next[k] = filters[k];
    Object.assign(next, changes || {});
    const srt = (data.get("sort") || "date").toString();
    navigate(pageUrl("/events", {...next, sort: srt === "date" ? "" : srt}));
  };
  const types = fc ? fc.types : EVENT_TYPES.map((t) => ({value: t}));
  const statuses = fc ? fc.statuses : STATUSES.map((t) => ({value: t}));
  const countries = fc ? fc.countries : [];
  const opt = (list) => list.map((o) => ({value: o.value, label: o.events !== undefined
    ? `${humanize(o.value)} (${fmtInt(o.events)})` : humanize(o.value)}));
  const countryOpts = opt(countries);
  if (filters.country && !countries.some((c) => c.value === filters.country)) {
    countryOpts.unshift({value: filters.country});
  }

  form.append(
    field("Actor", actorInput({name: "actor", value: filters.actor, placeholder: "Name or alias",
      onPick: (a) => apply({actor: a.name})})),
    field("Type", selectEl("type", "Any type", opt(types), filters.type)),
    field("Country", selectEl("country", "Any country", countryOpts, filters.country)),
    field("Status", selectEl("status", "Any status", opt(statuses), filters.status)),
    field("Since", h("input", {type: "date", name: "since", value: fullDate(filters.since, false),
      "aria-label": "Since"})),
    field("Until", h("input", {type: "date", name: "until", value: fullDate(filters.until, true),
      "aria-label": "Until"})),
    field("Text", h("input", {type: "search", name: "q", value: filters.q, placeholder: "Words in the evidence",
      "aria-label": "Text search"})),
    field("Sort", selectEl("sort", "Date ↑", [
      {value: "-date", label: "Date ↓"}, {value: "-sources", label: "Most sources"},
      {value: "-confidence", label: "Most confident"}, {value: "type", label: "Type"}],
    sort === "date" ? "" : sort)),
    h("div", {class: "actions"},
      h("button", {type: "submit", class: "btn primary"}, "Apply"),
      h("a", {class: "btn", href: "/events"}, "Clear")));
  const extra = ["mechanism", "series"].filter((k) => filters[k]);
  if (extra.length) {
    form.append(h("p", {class: "extra-filters"}, extra.map((k) =>
      h("span", {class: "chip"}, `${k}: ${filters[k]} `,
        h("a", {href: pageUrl("/events", {...filters, [k]: ""}), title: `Remove the ${k} filter`}, "×")))));
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  for (const sel of form.querySelectorAll("select, input[type=date]")) {
    sel.addEventListener("change", () => apply());
  }
  return form;
}

async function loadDensity(el, filters) {
  const seq = renderSeq;
  const base = {...filters, since: "", until: ""};
  let res;
  try {
    res = await api("/events/density", {...base, bucket: "month"});
  } catch (err) {
    if (current(seq)) clear(el).append(h("p", {class: "muted small"}, `Density unavailable: ${err.message}`));
    return;
  }
  if (!current(seq)) return;
  let periods = (res.periods || []).filter((p) => /^\d{4}-\d{2}$/.test(p.period));
  let bucket = "month";
  if (periods.length) {
    const first = periods[0].period;
    const last = periods[periods.length - 1].period;
    const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12
      + Number(last.slice(5)) - Number(first.slice(5)) + 1;
    if (months > 480) bucket = "year";
  }
  // Fill the gaps so that the bars sit on a continuous time axis.
  const counts = new Map();
  for (const p of periods) {
    const key = bucket === "year" ? p.period.slice(0, 4) : p.period;
    counts.set(key, (counts.get(key) || 0) + p.events);
  }
  const keys = [...counts.keys()].sort();
  const all = [];
  if (keys.length) {
    let [y, m] = keys[0].split("-").map(Number);
    const [ly, lm] = keys[keys.length - 1].split("-").map(Number);
    while (bucket === "year" ? y <= ly : (y < ly || (y === ly && m <= lm))) {
      const key = bucket === "year" ? String(y) : `${y}-${String(m).padStart(2, "0")}`;
      all.push({period: key, events: counts.get(key) || 0});
      if (bucket === "year") y += 1;
      else if (++m > 12) { m = 1; y += 1; }
    }
  }
  const draw = () => {
    clear(el);
    if (!all.length) return;
    el.append(densityChart(el, all, bucket, filters));
  };
  draw();
  let t = null;
  const onResize = () => { clearTimeout(t); t = setTimeout(draw, 120); };
  window.addEventListener("resize", onResize);
  onTeardown(() => window.removeEventListener("resize", onResize));
}

function densityChart(el, all, bucket, filters) {
  const width = Math.max(320, (el.clientWidth || contentWidth()) - 2);
  const height = 92;
  const top = 6, bottom = 20;
  const max = Math.max(...all.map((p) => p.events), 1);
  const bw = Math.min(width / all.length, 24);
  const x0 = (width - bw * all.length) / 2;
  const selFrom = filters.since ? fullDate(filters.since, false) : null;
  const selTo = filters.until ? fullDate(filters.until, true) : null;
  const svg = s("svg", {class: "density-chart", width, height, viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": `Events per ${bucket}`});
  svg.append(s("line", {x1: 0, x2: width, y1: height - bottom + 0.5, y2: height - bottom + 0.5, class: "axis"}));
  all.forEach((p, i) => {
    const from = fullDate(p.period, false);
    const to = fullDate(p.period, true);
    const inRange = (!selFrom || to >= selFrom) && (!selTo || from <= selTo);
    const bh = p.events ? Math.max(2, (height - top - bottom) * p.events / max) : 0;
    const x = x0 + i * bw;
    const g = s("g", {class: `bar${inRange ? "" : " out"}${p.events ? "" : " zero"}`, tabindex: p.events ? 0 : null,
      "data-period": p.period, role: "button"},
    s("title", {}, `${p.period}: ${plural(p.events, "event")} — click to show only this ${bucket}`),
    s("rect", {class: "hit", x, y: top, width: Math.max(bw, 1), height: height - top - bottom}),
    s("rect", {class: "fill", x: x + (bw > 4 ? 1 : 0), y: height - bottom - bh,
      width: Math.max(bw - (bw > 4 ? 2 : 0), 0.8), height: bh}));
    const go = () => navigate(pageUrl("/events", {...filters, since: from, until: to, offset: ""}));
    g.addEventListener("click", go);
    g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } });
    svg.append(g);
  });
  // Year labels, thinned so that they do not overlap.
  const years = [];
  all.forEach((p, i) => { if (bucket === "year" || p.period.endsWith("-01") || i === 0) years.push([p.period.slice(0, 4), i]); });
  const every = Math.max(1, Math.ceil(years.length * 40 / width));
  years.forEach(([y, i], k) => {
    if (k % every) return;
    svg.append(s("text", {x: x0 + i * bw + 2, y: height - 5, class: "tick"}, y));
  });
  svg.append(s("text", {x: width - 2, y: top + 9, class: "tick max", "text-anchor": "end"},
    `max ${fmtInt(max)} / ${bucket}`));
  return svg;
}

// ---------------------------------------------------------------------------------------------
// Event page

async function eventPage(id, seq) {
  const e = await api(`/events/${encodeURIComponent(id)}`);
  const root = h("div", {class: "page event"});
  const title = [humanize(e.type) || "Event", e.date || "undated"].join(" · ");
  const who = (e.participants || []).map((p) => p.actor).join(", ");
  root.append(pageHeader(h("span", {}, typeBadge(e.type), " ", e.date || "undated",
    e.status ? [" ", statusBadge(e.status)] : null), who || null, `/api/events/${encodeURIComponent(e.id)}`));
  setTitle(`${title}${who ? " — " + who : ""}`);

  const facts = [
    ["Date", [e.date || "unknown", e.date_precision && e.date_precision !== "day" ? ` (${e.date_precision})` : "",
      e.date_basis ? h("span", {class: "muted"}, ` · ${humanize(e.date_basis)}`) : null]],
    ["Type", humanize(e.type)],
    ["Status", humanize(e.status)],
    ["Format", humanize(e.format)],
    ["Place", place(e.location)],
    ["Mechanism", e.series_id
      ? h("a", {href: pageUrl("/events", {series: e.series_id})}, mechanismText(e) || e.series_id)
      : mechanismText(e)],
    ["Codes", [e.cameo ? h("span", {class: "code"}, `CAMEO ${e.cameo}`) : null,
      e.plover ? h("span", {class: "code"}, `PLOVER ${[e.plover.event, e.plover.mode].filter(Boolean).join(" / ")}`)
        : null]],
    ["Confidence", e.confidence !== null && e.confidence !== undefined ? e.confidence.toFixed(2) : ""],
    ["Sources", plural(e.n_sources, "independent report")],
    ["Linked event", e.linked_to ? h("a", {href: `/events/${encodeURIComponent(e.linked_to)}`, class: "linked"},
      e.status === "planned" ? "the event as it occurred →" : "the plan for this event →", " ",
      h("code", {}, e.linked_to)) : ""],
    ["ID", h("code", {}, e.id)],
  ].filter(([, v]) => (Array.isArray(v) ? v.some(Boolean) : v));
  const grid = h("div", {class: "event-grid"});
  grid.append(h("section", {class: "card"}, h("h2", {}, "Facts"),
    h("dl", {class: "facts"}, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))));
  grid.append(h("section", {class: "card"}, h("h2", {}, "Participants"),
    (e.participants || []).length
      ? h("ul", {class: "participant-list"}, e.participants.map((p) => h("li", {},
        actorLink(p.actor_id, p.actor), p.role ? h("span", {class: "role"}, humanize(p.role)) : null)))
      : h("p", {class: "muted"}, "No participants recorded.")));
  root.append(grid);

  const docTitle = new Map((e.sources || []).map((src) => [src.document_id, src.title || src.source]));
  if ((e.conflicts || []).length) {
    root.append(h("section", {class: "card conflicts"}, h("h2", {}, "Conflicting reports"),
      h("p", {class: "muted"}, "The reports that formed this event disagree on these fields."),
      h("table", {class: "plain"}, h("thead", {}, h("tr", {}, h("th", {}, "Field"), h("th", {}, "Value"),
        h("th", {}, "Reports"))),
      h("tbody", {}, e.conflicts.flatMap((c) => Object.entries(c.values || {}).map(([val, docs], i) =>
        h("tr", {class: i === 0 ? "first" : null},
          h("td", {}, i === 0 ? humanize(c.field) : ""),
          h("td", {}, h("strong", {}, val)),
          h("td", {}, h("span", {class: "badge count"}, plural(docs.length, "report")), " ",
            docs.map((d, j) => [j ? ", " : "", h("a", {href: `#doc-${d}`}, docTitle.get(d) || shortId(d))])))))))));
  }

  if ((e.extractions || []).length) {
    root.append(h("section", {class: "card"}, h("h2", {}, "Formed from"),
      h("p", {class: "muted"}, `${plural(e.extractions.length, "extraction")} from the reports, and why each joined.`),
      h("div", {class: "table-wrap"}, h("table", {class: "plain extractions"},
        h("thead", {}, h("tr", {}, ["Report", "Type", "Date", "Place", "Participants", "Joined because"]
          .map((c) => h("th", {}, c)))),
        h("tbody", {}, e.extractions.map((x) => h("tr", {},
          h("td", {}, h("a", {href: `#doc-${x.document_id}`}, docTitle.get(x.document_id) || x.source
            || shortId(x.document_id))),
          h("td", {}, humanize(x.type)),
          h("td", {class: "date"}, x.date || "—", x.date_precision && x.date_precision !== "day"
            ? h("span", {class: "muted small"}, ` (${x.date_precision})`) : null),
          h("td", {}, [x.venue, x.city].filter(Boolean).join(", ") || "—"),
          h("td", {}, x.participants || "—"),
          h("td", {class: "reason"}, x.join_reason || "—"))))))));
  }

  const sources = e.sources || [];
  const srcSection = h("section", {class: "sources", id: "sources"},
    h("h2", {}, `Sources (${sources.length})`),
    h("p", {class: "muted"}, "Each report's cleaned text; the sentences this event was read from are ",
      h("mark", {class: "evidence legend-mark"}, "highlighted"), ". Other events read from the text are ",
      h("mark", {class: "hl-other hl-event legend-mark"}, "marked faintly"), ", and statements ",
      h("mark", {class: "hl-other hl-position legend-mark"}, "like this"), "."));
  root.append(srcSection);
  const EAGER = 8;
  const blocks = sources.map((src) => sourceBlock(src, e.id));
  blocks.forEach((b, i) => {
    srcSection.append(b.el);
    if (i < EAGER) b.load(seq);
  });
  if (sources.length > EAGER) {
    const more = h("button", {type: "button", class: "btn"}, `Load the other ${sources.length - EAGER} texts`);
    more.addEventListener("click", () => { blocks.slice(EAGER).forEach((b) => b.load(seq)); more.remove(); });
    srcSection.append(more);
  }
  root.afterMount = () => {
    const focus = () => {
      const first = document.querySelector(".sources mark.evidence:not(.legend-mark)");
      if (first && !location.hash) first.scrollIntoView({block: "center"});
    };
    Promise.all(blocks.slice(0, 1).map((b) => b.ready)).then(() => { if (current(seq)) focus(); });
  };
  return root;
}

function sourceBlock(src, eventId) {
  const body = h("div", {class: "doc-text"}, h("p", {class: "loading"}, "Loading text…"));
  const meta = [src.outlet, src.published, src.source].filter(Boolean);
  const el = h("article", {class: "card source", id: `doc-${src.document_id}`},
    h("header", {class: "source-head"},
      h("h3", {}, h("a", {href: `/documents/${encodeURIComponent(src.document_id)}`}, src.title || src.source
        || shortId(src.document_id))),
      h("p", {class: "muted small"}, meta.join(" · ")),
      src.duplicate_of ? h("p", {class: "note"}, "A copy of ",
        h("a", {href: `#doc-${src.duplicate_of}`}, "another report"),
        " (counted once among the independent sources).") : null),
    body);
  let started = false;
  let resolve;
  const ready = new Promise((r) => { resolve = r; });
  const load = async (seq) => {
    if (started) return;
    started = true;
    try {
      const doc = await api(`/documents/${encodeURIComponent(src.document_id)}`);
      if (!current(seq)) return;
      const spans = (src.evidence || []).map((ev) => ({start: ev.start, end: ev.end, kind: "evidence"}));
      for (const hl of doc.highlights || []) {
        if (hl.kind === "event" && hl.event_id === eventId) continue;
        spans.push({start: hl.start, end: hl.end, kind: hl.kind === "position" ? "position" : "event",
          label: hl.label, event_id: hl.event_id});
      }
      clear(body).append(highlightedText(doc.text || "", spans, {linkOthers: true}));
    } catch (err) {
      if (current(seq)) clear(body).append(errorBox(err));
    }
    resolve();
  };
  return {el, load, ready};
}

/** Offsets from the server count code points; JavaScript strings count UTF-16 units. */
function codeUnitMapper(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
  const map = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return (i) => map[Math.max(0, Math.min(i, map.length - 1))];
}

/**
 * The text with spans marked: "evidence" spans as <mark class="evidence">, others fainter.
 * Spans may overlap; evidence wins over other kinds.
 */
function highlightedText(text, spans, {linkOthers = false} = {}) {
  const toUnit = codeUnitMapper(text);
  const norm = spans.map((sp) => ({...sp, start: toUnit(sp.start), end: toUnit(sp.end)}))
    .filter((sp) => sp.end > sp.start && sp.start < text.length);
  const cuts = new Set([0, text.length]);
  for (const sp of norm) { cuts.add(sp.start); cuts.add(Math.min(sp.end, text.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = h("div", {class: "doc-body"});
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const covering = norm.filter((sp) => sp.start <= a && sp.end >= b);
    if (!covering.length) { out.append(document.createTextNode(piece)); continue; }
    const ev = covering.find((sp) => sp.kind === "evidence");
    if (ev) { out.append(h("mark", {class: "evidence"}, piece)); continue; }
    const other = covering[0];
    const label = other.kind === "position" ? "statement" : `${other.label || "event"}`;
    const mark = h("mark", {class: `hl-other hl-${other.kind}`, title: label}, piece);
    if (linkOthers && other.event_id) {
      out.append(h("a", {class: "hl-link", href: `/events/${encodeURIComponent(other.event_id)}`,
        title: `Open this ${label}`}, mark));
    } else {
      out.append(mark);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Documents

async function documentsPage() {
  const qp = query();
  const offset = Math.max(0, parseInt(qp.offset, 10) || 0);
  const params = {limit: PAGE_SIZE, offset};
  const res = await api("/documents", params);
  const root = h("div", {class: "page"});
  root.append(pageHeader("Documents", `${plural(res.total, "document")} ingested`, apiUrl("/documents", params)));
  if (!res.documents.length) {
    root.append(h("div", {class: "empty"}, h("p", {}, "No documents yet.")));
    return root;
  }
  const hrefFor = (o) => pageUrl("/documents", {offset: o || ""});
  root.append(pager(res.total, res.offset, res.limit, hrefFor));
  root.append(h("div", {class: "table-wrap"}, h("table", {class: "plain"},
    h("thead", {}, h("tr", {}, ["Published", "Title", "Outlet", "Source"].map((c) => h("th", {}, c)))),
    h("tbody", {}, res.documents.map((d) => h("tr", {},
      h("td", {class: "date"}, d.published || "—"),
      h("td", {}, h("a", {href: `/documents/${encodeURIComponent(d.id)}`}, d.title || shortId(d.id))),
      h("td", {}, d.outlet || "—"),
      h("td", {class: "muted small src"}, d.source || "")))))));
  root.append(pager(res.total, res.offset, res.limit, hrefFor));
  return root;
}

async function documentPage(id) {
  const d = await api(`/documents/${encodeURIComponent(id)}`);
  const root = h("div", {class: "page document"});
  root.append(pageHeader(d.title || shortId(d.id), [d.outlet, d.published, (d.authors || []).join(", ")]
    .filter(Boolean).join(" · ") || null, `/api/documents/${encodeURIComponent(d.id)}`));
  const hl = d.highlights || [];
  const events = [...new Map(hl.filter((x) => x.event_id).map((x) => [x.event_id, x])).values()];
  root.append(h("section", {class: "card"},
    h("dl", {class: "facts"},
      h("dt", {}, "Source"), h("dd", {}, d.url ? h("span", {}, d.url) : d.source || "—"),
      d.dateline_place || d.dateline_date ? [h("dt", {}, "Dateline"),
        h("dd", {}, [d.dateline_place, d.dateline_date].filter(Boolean).join(", "))] : null,
      d.duplicate_of ? [h("dt", {}, "Copy of"), h("dd", {}, h("a", {href: `/documents/${encodeURIComponent(d.duplicate_of)}`},
        shortId(d.duplicate_of)))] : null,
      (d.warnings || []).length ? [h("dt", {}, "Warnings"), h("dd", {}, d.warnings.join("; "))] : null,
      h("dt", {}, "Read from it"), h("dd", {}, events.length
        ? events.map((x, i) => [i ? ", " : "", h("a", {href: `/events/${encodeURIComponent(x.event_id)}`},
          x.label || "event")])
        : h("span", {class: "muted"}, "no events"),
      hl.some((x) => x.kind === "position")
        ? h("span", {class: "muted"}, ` · ${plural(hl.filter((x) => x.kind === "position").length, "statement")}`)
        : null))));
  const spans = hl.map((x) => ({start: x.start, end: x.end, kind: x.kind === "position" ? "position" : "event",
    label: x.label, event_id: x.event_id}));
  root.append(h("section", {class: "card source"},
    h("p", {class: "muted small"}, h("mark", {class: "hl-other hl-event legend-mark"}, "event evidence"), "  ",
      h("mark", {class: "hl-other hl-position legend-mark"}, "statements"), " — click a marked event sentence to open its event."),
    h("div", {class: "doc-text"}, highlightedText(d.text || "", spans, {linkOthers: true}))));
  return root;
}

// ---------------------------------------------------------------------------------------------
// Actors

async function actorsPage() {
  const qp = query();
  const offset = Math.max(0, parseInt(qp.offset, 10) || 0);
  const params = {q: qp.q || "", kind: qp.kind || "", limit: PAGE_SIZE, offset};
  const res = await api("/actors", params);
  const root = h("div", {class: "page"});
  root.append(pageHeader("Actors", `${plural(res.total, "actor")}${params.q || params.kind ? " matching" : ""}, most active first`,
    apiUrl("/actors", params)));
  const form = h("form", {class: "filters", role: "search"},
    field("Name", h("input", {type: "search", name: "q", value: params.q, placeholder: "Part of a name or alias",
      "aria-label": "Name"})),
    field("Kind", selectEl("kind", "Any kind", Object.keys(KIND_COLORS).map((k) => ({value: k})), params.kind)),
    h("div", {class: "actions"}, h("button", {type: "submit", class: "btn primary"}, "Search"),
      h("a", {class: "btn", href: "/actors"}, "Clear")));
  const go = () => {
    const data = new FormData(form);
    navigate(pageUrl("/actors", {q: (data.get("q") || "").toString().trim(), kind: data.get("kind") || ""}));
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); go(); });
  form.querySelector("select").addEventListener("change", go);
  root.append(form);
  if (!res.actors.length) {
    root.append(h("div", {class: "empty"}, h("p", {}, "No actors match.")));
    return root;
  }
  const hrefFor = (o) => pageUrl("/actors", {q: params.q, kind: params.kind, offset: o || ""});
  root.append(pager(res.total, res.offset, res.limit, hrefFor));
  root.append(h("div", {class: "table-wrap"}, h("table", {class: "plain"},
    h("thead", {}, h("tr", {}, ["Name", "Kind", "Country", "Current role", "Events"].map((c, i) =>
      h("th", {class: i === 4 ? "num" : null}, c)))),
    h("tbody", {}, res.actors.map((a) => {
      const now = (a.roles || []).filter((r) => !r.end).map((r) => r.title);
      return h("tr", {},
        h("td", {}, actorLink(a.id, a.name)),
        h("td", {}, kindDot(a.kind), humanize(a.kind)),
        h("td", {}, a.country || "—"),
        h("td", {class: "small"}, now.join("; ") || h("span", {class: "muted"}, "—")),
        h("td", {class: "num"}, fmtInt(a.events)));
    })))));
  return root;
}

function kindDot(kind) {
  const el = h("span", {class: `kind-dot kind-${KIND_COLORS[kind] ? kind : "other"}`});
  return el;
}

async function actorPage(id, seq) {
  const qp = query();
  const offset = Math.max(0, parseInt(qp.offset, 10) || 0);
  const limit = 25;
  const enc = encodeURIComponent(id);
  const [a, tl, pos] = await Promise.all([
    api(`/actors/${enc}`),
    api(`/actors/${enc}/timeline`, {limit, offset}),
    api("/positions", {speaker: id, limit: 500}).catch((err) => ({error: err})),
  ]);
  if (a.id !== id) {
    // Reached by an alias: show the canonical address.
    history.replaceState(null, "", pageUrl(`/actors/${encodeURIComponent(a.id)}`, {offset: offset || ""}));
  }
  const root = h("div", {class: "page actor"});
  root.append(pageHeader(a.name, [humanize(a.kind), a.country, plural(a.events, "event"),
    plural(a.positions || 0, "statement")].filter(Boolean).join(" · "), `/api/actors/${encodeURIComponent(a.id)}`));
  setTitle(a.name);

  const top = h("div", {class: "event-grid"});
  top.append(h("section", {class: "card"}, h("h2", {}, "Profile"),
    h("dl", {class: "facts"},
      h("dt", {}, "Kind"), h("dd", {}, kindDot(a.kind), humanize(a.kind) || "—"),
      h("dt", {}, "Country"), h("dd", {}, a.country ? h("a", {href: pageUrl("/events", {country: a.country})}, a.country) : "—"),
      h("dt", {}, "Aliases"), h("dd", {}, (a.aliases || []).length ? a.aliases.join(" · ") : h("span", {class: "muted"}, "none")),
      h("dt", {}, "Events"), h("dd", {}, h("a", {href: pageUrl("/events", {actor: a.name})}, plural(a.events, "event")),
        " on the timeline"),
      h("dt", {}, "ID"), h("dd", {}, h("code", {}, a.id)),
      a.known === false ? [h("dt", {}, "Note"), h("dd", {class: "muted"}, "Not in the knowledge base; seen in the text only.")] : null)));
  top.append(h("section", {class: "card"}, h("h2", {}, "Activity by year"), activityTable(a.activity || [])));
  root.append(top);

  root.append(h("section", {class: "card roles"}, h("h2", {}, "Roles over time"),
    (a.roles || []).length ? rolesChart(a.roles) : h("p", {class: "muted"}, "No roles known.")));

  const cps = a.counterparts || [];
  root.append(h("section", {class: "card"}, h("h2", {}, `Counterparts (${cps.length})`),
    cps.length ? h("div", {class: "table-wrap"}, h("table", {class: "plain counterparts"},
      h("thead", {}, h("tr", {}, ["Counterpart", "Kind", "Country", "Events together", "First", "Last"]
        .map((c, i) => h("th", {class: i === 3 ? "num" : null}, c)))),
      h("tbody", {}, cps.map((c) => h("tr", {},
        h("td", {}, actorLink(c.id, c.name)),
        h("td", {}, kindDot(c.kind), humanize(c.kind)),
        h("td", {}, c.country || "—"),
        h("td", {class: "num"}, h("a", {href: pageUrl("/events", {actor: c.id}), title: `Events of ${c.name}`},
          fmtInt(c.events))),
        h("td", {class: "date"}, c.first || "—"),
        h("td", {class: "date"}, c.last || "—"))))))
      : h("p", {class: "muted"}, "No counterparts in the store.")));

  const evSection = h("section", {class: "card"}, h("h2", {}, `Events (${fmtInt(tl.total)})`));
  if (tl.events.length) {
    const hrefFor = (o) => pageUrl(`/actors/${encodeURIComponent(a.id)}`, {offset: o || ""});
    evSection.append(pager(tl.total, tl.offset, tl.limit, hrefFor), eventsTable(tl.events, {highlightActor: a.id}));
  } else {
    evSection.append(h("p", {class: "muted"}, "No events."));
  }
  root.append(evSection);

  const posSection = h("section", {class: "card"}, h("h2", {}, "Positions by topic"));
  if (pos.error) {
    posSection.append(errorBox(pos.error));
  } else if (!pos.positions.length) {
    posSection.append(h("p", {class: "muted"}, "No statements recorded."));
  } else {
    const byTopic = new Map();
    for (const p of pos.positions) {
      const t = p.topic || "(no topic)";
      if (!byTopic.has(t)) byTopic.set(t, []);
      byTopic.get(t).push(p);
    }
    const topics = [...byTopic.entries()].sort((x, y) => y[1].length - x[1].length);
    posSection.append(h("p", {class: "muted small"}, `${plural(topics.length, "topic")}; open one to read its statements, `
      + "or follow its name to compare speakers on it."));
    topics.forEach(([t, list], i) => {
      posSection.append(h("details", {class: "topic-group", open: i === 0 && list.length <= 12},
        h("summary", {}, h("span", {class: "topic-name"}, humanize(t)),
          h("span", {class: "muted small"}, ` ${plural(list.length, "statement")}`),
          list[0].date ? h("span", {class: "muted small"}, ` · ${list[0].date} – ${list[list.length - 1].date || "…"}`) : null,
          t !== "(no topic)" ? h("a", {class: "small compare", href: pageUrl("/positions", {topic: t})},
            "compare speakers →") : null),
        h("ul", {class: "statements"}, list.map((p) => statementItem(p, {showSpeaker: false})))));
    });
    if (pos.positions.length >= pos.limit) {
      posSection.append(h("p", {class: "muted small"}, `Showing the first ${fmtInt(pos.limit)} statements.`));
    }
  }
  root.append(posSection);
  return root;
}

function activityTable(activity) {
  if (!activity.length) return h("p", {class: "muted"}, "No activity.");
  const years = [...new Set(activity.map((x) => x.year))].sort();
  const types = [...new Set(activity.map((x) => x.type))].sort((x, y) => EVENT_TYPES.indexOf(x) - EVENT_TYPES.indexOf(y));
  const cell = new Map(activity.map((x) => [`${x.year}|${x.type}`, x.events]));
  const totals = years.map((y) => types.reduce((n, t) => n + (cell.get(`${y}|${t}`) || 0), 0));
  const max = Math.max(...totals, 1);
  return h("div", {class: "table-wrap"}, h("table", {class: "plain activity"},
    h("thead", {}, h("tr", {}, h("th", {}, "Year"), types.map((t) => h("th", {class: "num"}, typeBadge(t))),
      h("th", {class: "num"}, "Total"), h("th", {}, ""))),
    h("tbody", {}, years.map((y, i) => {
      const bar = s("svg", {width: 120, height: 12, class: "spark"});
      let x = 0;
      for (const t of types) {
        const n = cell.get(`${y}|${t}`) || 0;
        const w = 120 * n / max;
        if (w) bar.append(s("rect", {x, y: 1, width: w, height: 10, class: `seg type-${t}`},
          s("title", {}, `${t}: ${n}`)));
        x += w;
      }
      return h("tr", {}, h("td", {}, y),
        types.map((t) => h("td", {class: "num"}, cell.get(`${y}|${t}`) ? fmtInt(cell.get(`${y}|${t}`)) : h("span", {class: "muted"}, "·"))),
        h("td", {class: "num"}, h("strong", {}, fmtInt(totals[i]))), h("td", {}, bar));
    }))));
}

function rolesChart(roles) {
  const today = todayIso();
  const rows = roles.map((r) => ({...r, d0: dayNumber(r.start, false), d1: dayNumber(r.end || today, true)}))
    .filter((r) => r.d0 !== null || r.d1 !== null);
  const undated = roles.filter((r) => dayNumber(r.start, false) === null && dayNumber(r.end, true) === null);
  const wrap = h("div", {class: "roles-wrap"});
  if (rows.length) {
    for (const r of rows) { if (r.d0 === null) r.d0 = r.d1 - 365; if (r.d1 === null) r.d1 = r.d0 + 365; }
    let lo = Math.min(...rows.map((r) => r.d0));
    let hi = Math.max(...rows.map((r) => r.d1));
    const pad = Math.max(120, (hi - lo) * 0.03);
    lo -= pad; hi += pad;
    const width = Math.max(480, Math.min(1100, contentWidth() - 40));
    const labelW = Math.min(360, width * 0.4);
    const rowH = 26, top = 8, axisH = 22;
    const height = top + rows.length * rowH + axisH;
    const xs = (d) => labelW + (width - labelW - 10) * (d - lo) / (hi - lo);
    const svg = s("svg", {class: "roles-chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": "Roles over time"});
    for (const t of timeTicks(lo, hi, Math.floor((width - labelW) / 70))) {
      svg.append(s("line", {x1: xs(t.day), x2: xs(t.day), y1: top, y2: height - axisH, class: "grid"}),
        s("text", {x: xs(t.day), y: height - 6, class: "tick", "text-anchor": "middle"}, t.label));
    }
    const nowX = xs(dayNumber(today));
    svg.append(s("line", {x1: nowX, x2: nowX, y1: top, y2: height - axisH, class: "now"}));
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      const label = `${r.title}${r.organization && !r.title.includes(r.organization) ? ` (${r.organization})` : ""}`;
      const g = s("g", {class: `role key-${(r.key || "other").replace(/[^a-z_]/g, "")}`},
        s("title", {}, `${label}: ${r.start || "?"} – ${r.end || "present"}`),
        s("text", {x: labelW - 8, y: y + rowH / 2 + 4, class: "label", "text-anchor": "end"},
          label.length > 52 ? label.slice(0, 50) + "…" : label),
        s("rect", {x: xs(r.d0), y: y + 5, width: Math.max(3, xs(r.d1) - xs(r.d0)), height: rowH - 10, rx: 3,
          class: r.end ? "bar" : "bar open"}));
      svg.append(g);
    });
    wrap.append(h("div", {class: "chart-scroll"}, svg));
  }
  wrap.append(h("ul", {class: "role-list small"}, roles.map((r) => h("li", {},
    h("strong", {}, r.title), r.organization ? ` · ${r.organization}` : "",
    h("span", {class: "muted"}, ` ${r.start || "?"} – ${r.end || "present"}`)))));
  if (undated.length) wrap.append(h("p", {class: "muted small"}, `${undated.length} role(s) have no dates.`));
  return wrap;
}

function statementItem(p, {showSpeaker = true} = {}) {
  return h("li", {class: "statement"},
    h("div", {class: "st-meta"},
      h("span", {class: "date"}, p.date || "undated"),
      showSpeaker ? [" ", actorLink(p.speaker_id, p.speaker)] : null,
      p.stance ? [" ", h("span", {class: `badge stance`}, p.stance)] : null),
    h("blockquote", {}, p.quote || p.text),
    p.quote && p.text && p.quote !== p.text ? h("p", {class: "small muted"}, p.text) : null,
    h("div", {class: "small muted"}, "Source: ",
      h("a", {href: `/documents/${encodeURIComponent(p.document_id)}`}, p.title || p.source || shortId(p.document_id)),
      p.outlet ? ` · ${p.outlet}` : ""));
}

// ---------------------------------------------------------------------------------------------
// Positions

async function positionsPage(m, seq) {
  const qp = query();
  const params = {topic: qp.topic || "", speaker: qp.speaker || "", since: qp.since || "", until: qp.until || "",
    limit: 1000, offset: Math.max(0, parseInt(qp.offset, 10) || 0)};
  const fc = await facets().catch(() => ({topics: []}));
  const topics = fc.topics || [];
  const root = h("div", {class: "page positions"});
  const chosen = params.topic || params.speaker;
  const jsonUrl = apiUrl("/positions", {...params, offset: params.offset || ""});
  root.append(pageHeader("Positions", chosen
    ? `Statements${params.topic ? ` on ${humanize(params.topic)}` : ""}${params.speaker ? ` by ${params.speaker}` : ""}, by speaker over time`
    : "What each speaker said on a topic, over time", jsonUrl));

  const form = h("form", {class: "filters", role: "search"});
  const go = (changes) => {
    const data = new FormData(form);
    const next = {topic: data.get("topic") || "", speaker: (data.get("speaker") || "").toString().trim(),
      since: data.get("since") || "", until: data.get("until") || "", ...(changes || {})};
    navigate(pageUrl("/positions", next));
  };
  form.append(
    field("Topic", selectEl("topic", "Choose a topic", topics.map((t) => ({value: t.value,
      label: `${humanize(t.value)} (${fmtInt(t.statements)})`})), params.topic)),
    field("Speaker", actorInput({name: "speaker", value: params.speaker, placeholder: "Any speaker",
      label: "Speaker", onPick: (a) => go({speaker: a.name})})),
    field("Since", h("input", {type: "date", name: "since", value: fullDate(params.since, false), "aria-label": "Since"})),
    field("Until", h("input", {type: "date", name: "until", value: fullDate(params.until, true), "aria-label": "Until"})),
    h("div", {class: "actions"}, h("button", {type: "submit", class: "btn primary"}, "Show"),
      h("a", {class: "btn", href: "/positions"}, "Clear")));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); go(); });
  for (const el of form.querySelectorAll("select, input[type=date]")) el.addEventListener("change", () => go());
  root.append(form);

  if (!chosen) {
    if (!topics.length) {
      root.append(h("div", {class: "empty"}, h("p", {}, "No statements have been recorded yet.")));
      return root;
    }
    root.append(h("section", {class: "card"}, h("h2", {}, "Topics"),
      h("p", {class: "muted"}, "Pick a topic to see its statements by speaker over time."),
      h("div", {class: "chips"}, topics.map((t) => h("a", {class: "chip topic-chip", href: pageUrl("/positions", {topic: t.value})},
        humanize(t.value), h("span", {class: "n"}, fmtInt(t.statements)))))));
    return root;
  }

  const res = await api("/positions", {...params, offset: params.offset || ""});
  const list = res.positions || [];
  if (!list.length) {
    root.append(h("div", {class: "empty"}, h("p", {}, "No statements match.")));
    return root;
  }
  const detail = h("div", {class: "card st-detail", hidden: true, "aria-live": "polite"});
  const listEl = h("ul", {class: "statements"});
  const items = list.map((p, i) => {
    const li = statementItem(p);
    li.id = `st-${i}`;
    listEl.append(li);
    return li;
  });
  const showDetail = (i) => {
    const p = list[i];
    clear(detail).append(h("div", {class: "st-detail-head"},
      h("strong", {}, p.speaker), ` · ${p.date || "undated"}`, p.topic ? ` · ${humanize(p.topic)}` : "",
      p.stance ? [" ", h("span", {class: "badge stance"}, p.stance)] : null,
      h("a", {href: `#st-${i}`, class: "small jump"}, "in the list ↓")),
    h("blockquote", {}, p.quote || p.text),
    h("div", {class: "small muted"}, "Source: ", h("a", {href: `/documents/${encodeURIComponent(p.document_id)}`},
      p.title || p.source || shortId(p.document_id)), p.outlet ? ` · ${p.outlet}` : ""));
    detail.hidden = false;
    for (const li of items) li.classList.remove("selected");
    items[i].classList.add("selected");
  };
  root.append(h("section", {class: "card"},
    h("h2", {}, `${plural(list.length, "statement")} by ${plural(new Set(list.map((p) => p.speaker_id || p.speaker)).size, "speaker")}`),
    swimlanes(list, showDetail), detail));
  root.append(h("section", {class: "card"}, h("h2", {}, "Statements"), listEl));
  if (list.length >= res.limit) {
    root.append(pager(res.offset + list.length + 1, res.offset, res.limit,
      (o) => pageUrl("/positions", {topic: params.topic, speaker: params.speaker, since: params.since,
        until: params.until, offset: o || ""})));
  }
  return root;
}

function swimlanes(list, onPick) {
  const bySpeaker = new Map();
  list.forEach((p, i) => {
    const key = p.speaker_id || p.speaker || "?";
    if (!bySpeaker.has(key)) bySpeaker.set(key, {id: p.speaker_id, name: p.speaker || key, items: []});
    bySpeaker.get(key).items.push(i);
  });
  const MAX_ROWS = 40;
  const speakers = [...bySpeaker.values()].sort((a, b) => b.items.length - a.items.length);
  const shown = speakers.slice(0, MAX_ROWS);
  const dated = list.map((p) => dayNumber(p.date, false));
  const days = dated.filter((d) => d !== null);
  const wrap = h("div", {class: "swim-wrap"});
  if (!days.length) {
    wrap.append(h("p", {class: "muted"}, "None of these statements is dated."));
    return wrap;
  }
  let lo = Math.min(...days), hi = Math.max(...days);
  const pad = Math.max(45, (hi - lo) * 0.04);
  lo -= pad; hi += pad;
  const width = Math.max(560, Math.min(1200, contentWidth() - 40));
  const labelW = 170, rowH = 30, top = 8, axisH = 24;
  const height = top + shown.length * rowH + axisH;
  const xs = (d) => labelW + (width - labelW - 14) * (d - lo) / (hi - lo);
  const svg = s("svg", {class: "swimlanes", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "Statements by speaker over time"});
  for (const t of timeTicks(lo, hi, Math.floor((width - labelW) / 80))) {
    svg.append(s("line", {x1: xs(t.day), x2: xs(t.day), y1: top, y2: height - axisH, class: "grid"}),
      s("text", {x: xs(t.day), y: height - 7, class: "tick", "text-anchor": "middle"}, t.label));
  }
  const tip = h("div", {class: "tooltip", hidden: true});
  shown.forEach((sp, r) => {
    const y = top + r * rowH + rowH / 2;
    svg.append(s("rect", {x: 0, y: top + r * rowH, width, height: rowH, class: r % 2 ? "lane odd" : "lane"}));
    const name = sp.name.length > 24 ? sp.name.slice(0, 23) + "…" : sp.name;
    const label = s("text", {x: labelW - 10, y: y + 4, class: "label", "text-anchor": "end"}, name);
    if (sp.id) {
      const a = s("a", {href: `/actors/${encodeURIComponent(sp.id)}`}, label);
      svg.append(a);
    } else {
      svg.append(label);
    }
    const sameDay = new Map();
    for (const i of sp.items) {
      if (dated[i] !== null) sameDay.set(dated[i], (sameDay.get(dated[i]) || 0) + 1);
    }
    const seen = new Map();
    for (const i of sp.items) {
      if (dated[i] === null) continue;
      const p = list[i];
      const k = seen.get(dated[i]) || 0;
      seen.set(dated[i], k + 1);
      const shift = (k - (sameDay.get(dated[i]) - 1) / 2) * 8;
      const dot = s("circle", {cx: xs(dated[i]) + shift, cy: y, r: 6, class: `dot stance-${(p.stance || "none").replace(/[^a-z]/g, "")}`,
        tabindex: 0, "data-index": i, role: "button", "aria-label": `${p.speaker}, ${p.date}: ${p.text}`});
      const showTip = () => {
        tip.textContent = `${p.date || ""} · ${p.speaker}: ${(p.quote || p.text || "").slice(0, 240)}`;
        tip.hidden = false;
        const box = wrap.getBoundingClientRect();
        const db = dot.getBoundingClientRect();
        tip.style.left = `${Math.min(db.left - box.left + 10, box.width - 320)}px`;
        tip.style.top = `${db.top - box.top + 16}px`;
      };
      dot.addEventListener("mouseenter", showTip);
      dot.addEventListener("focus", showTip);
      dot.addEventListener("mouseleave", () => { tip.hidden = true; });
      dot.addEventListener("blur", () => { tip.hidden = true; });
      dot.addEventListener("click", () => { tip.hidden = true; onPick(i); });
      dot.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); onPick(i); } });
      svg.append(dot);
    }
  });
  wrap.append(h("div", {class: "chart-scroll"}, svg), tip);
  if (speakers.length > shown.length) {
    wrap.append(h("p", {class: "muted small"}, `Showing the ${MAX_ROWS} most frequent of ${speakers.length} speakers; all statements are listed below.`));
  }
  const undated = dated.filter((d) => d === null).length;
  if (undated) wrap.append(h("p", {class: "muted small"}, `${plural(undated, "undated statement")} listed below only.`));
  return wrap;
}

// ---------------------------------------------------------------------------------------------
// Network

async function networkPage(m, seq) {
  const qp = query();
  const top = Math.min(500, Math.max(2, parseInt(qp.top, 10) || 60));
  const params = {since: qp.since || "", until: qp.until || "", status: qp.status || "", top};
  const jsonUrl = apiUrl("/network", params);
  const res = await api("/network", params);
  const root = h("div", {class: "page network"});
  root.append(pageHeader("Network", "Who meets whom: actors as nodes, their shared events as edges", jsonUrl));
  const form = h("form", {class: "filters"});
  const go = () => {
    const data = new FormData(form);
    navigate(pageUrl("/network", {since: data.get("since") || "", until: data.get("until") || "",
      status: data.get("status") || "", top: data.get("top") || ""}));
  };
  form.append(
    field("Since", h("input", {type: "date", name: "since", value: fullDate(params.since, false), "aria-label": "Since"})),
    field("Until", h("input", {type: "date", name: "until", value: fullDate(params.until, true), "aria-label": "Until"})),
    field("Status", selectEl("status", "Occurred (default)", [{value: "planned"}, {value: "background"}], params.status)),
    field("Top actors", h("input", {type: "number", name: "top", min: 2, max: 500, step: 1, value: top,
      "aria-label": "Top N actors"})),
    h("div", {class: "actions"}, h("button", {type: "submit", class: "btn primary"}, "Draw"),
      h("a", {class: "btn", href: "/network"}, "Reset")));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); go(); });
  for (const el of form.querySelectorAll("select, input[type=date]")) el.addEventListener("change", go);
  root.append(form);

  const nodes = res.nodes || [];
  const edges = res.edges || [];
  if (!nodes.length) {
    root.append(h("div", {class: "empty"}, h("p", {}, "No interactions in this period.")));
    return root;
  }
  const kinds = [...new Set(nodes.map((n) => n.kind || "other"))];
  const legend = h("div", {class: "legend"}, kinds.map((k) => h("span", {class: "legend-item"}, kindDot(k), humanize(k))),
    h("span", {class: "muted small"}, `${plural(nodes.length, "actor")}, ${plural(edges.length, "link")} · node size: events · line width: shared events · drag to move, click to open`));
  const holder = h("div", {class: "graph-holder"});
  root.append(h("section", {class: "card graph-card"}, legend, holder));
  root.afterMount = () => {
    const width = Math.max(360, holder.clientWidth || 900);
    const height = Math.max(420, Math.min(760, Math.round(width * 0.62), window.innerHeight - 200));
    holder.append(networkGraph(nodes, edges, width, height));
  };
  return root;
}

/** A deterministic pseudo-random generator, so that the same data gives the same picture. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

/** Force-directed layout: repulsion between all nodes, springs along edges, a pull to the centre. */
function layout(nodes, edges, width, height, iterations) {
  const rand = rng(nodes.length * 7919 + edges.length);
  const n = nodes.length;
  const index = new Map(nodes.map((nd, i) => [nd.id, i]));
  const cx = width / 2, cy = height / 2;
  const R = 0.42 * Math.min(width, height);
  const P = nodes.map((nd, i) => {
    const a = 2.399963 * i; // golden angle: an even start
    const r = R * Math.sqrt((i + 0.5) / n);
    return {x: cx + r * Math.cos(a) + rand() - 0.5, y: cy + r * Math.sin(a) + rand() - 0.5};
  });
  const links = edges.map((e) => ({a: index.get(e.source), b: index.get(e.target), w: e.weight || 1}))
    .filter((l) => l.a !== undefined && l.b !== undefined && l.a !== l.b);
  const deg = new Array(n).fill(0);
  for (const l of links) { deg[l.a]++; deg[l.b]++; }
  // Ideal distance between nodes, so that n discs of that size fill the circle of radius R.
  const k = Math.min(R * Math.sqrt(Math.PI / Math.max(n, 1)), R / 1.5);
  // Gravity balances the repulsion of the others at about R from the centre.
  const g = 0.8 * n * k * k / (R * R * R);
  let temp = R / 4;
  const cool = temp / (iterations + 1);
  for (let it = 0; it < iterations; it++) {
    const dx = new Float64Array(n), dy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let x = P[i].x - P[j].x, y = P[i].y - P[j].y;
        let d2 = x * x + y * y;
        if (d2 < 0.01) { x = rand() - 0.5; y = rand() - 0.5; d2 = x * x + y * y + 0.01; }
        const f = k * k / d2;
        dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
      }
    }
    for (const l of links) {
      const x = P[l.a].x - P[l.b].x, y = P[l.a].y - P[l.b].y;
      const d = Math.sqrt(x * x + y * y) || 0.01;
      const f = d / k * (1 + 0.3 * Math.log(l.w)) / Math.sqrt(Math.max(1, Math.min(deg[l.a], deg[l.b])));
      dx[l.a] -= x * f; dy[l.a] -= y * f; dx[l.b] += x * f; dy[l.b] += y * f;
    }
    for (let i = 0; i < n; i++) {
      const x = P[i].x - cx, y = P[i].y - cy;
      const d = Math.sqrt(x * x + y * y);
      dx[i] -= x * g * d; dy[i] -= y * g * d;
      const len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) || 1;
      const step = Math.min(len, temp);
      P[i].x += dx[i] / len * step;
      P[i].y += dy[i] / len * step;
    }
    temp = Math.max(temp - cool, 0.3);
  }
  const margin = 36;
  const xs = P.map((p) => p.x), ys = P.map((p) => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  // Each axis is stretched to the box, within limits, so that a wide screen is used.
  const fx = (width - 2 * margin) / Math.max(x1 - x0, 1), fy = (height - 2 * margin) / Math.max(y1 - y0, 1);
  const base = Math.min(fx, fy, 1.5);
  const scx = Math.min(fx, base * 1.7), scy = Math.min(fy, base * 1.7);
  const ox = (width - (x1 - x0) * scx) / 2, oy = (height - (y1 - y0) * scy) / 2;
  return P.map((p) => ({x: ox + (p.x - x0) * scx, y: oy + (p.y - y0) * scy}));
}

function networkGraph(nodes, edges, width, height) {
  const iterations = nodes.length > 300 ? 150 : 300;
  const pos = layout(nodes, edges, width, height, iterations);
  const index = new Map(nodes.map((nd, i) => [nd.id, i]));
  const maxEv = Math.max(...nodes.map((nd) => nd.events || 1), 1);
  const maxW = Math.max(...edges.map((e) => e.weight || 1), 1);
  const radius = (nd) => 4 + 14 * Math.sqrt((nd.events || 1) / maxEv);
  const svg = s("svg", {class: "graph", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "Network of actors"});
  const gEdges = s("g", {class: "edges"});
  const gNodes = s("g", {class: "nodes"});
  svg.append(gEdges, gNodes);
  const neighbours = nodes.map(() => new Set());
  const lines = edges.map((e) => {
    const a = index.get(e.source), b = index.get(e.target);
    if (a === undefined || b === undefined) return null;
    neighbours[a].add(b); neighbours[b].add(a);
    const types = Object.entries(e.types || {}).map(([t, c]) => `${t} ${c}`).join(", ");
    const line = s("line", {class: "edge", x1: pos[a].x, y1: pos[a].y, x2: pos[b].x, y2: pos[b].y,
      "stroke-width": (1 + 6 * Math.sqrt((e.weight || 1) / maxW)).toFixed(2)},
    s("title", {}, `${nodes[a].label} — ${nodes[b].label}: ${plural(e.weight || 1, "event")}${types ? ` (${types})` : ""}`));
    gEdges.append(line);
    return {line, a, b};
  }).filter(Boolean);
  const ranked = nodes.map((nd, i) => i).sort((i, j) => (nodes[j].events || 0) - (nodes[i].events || 0));
  const labelled = new Set(ranked.slice(0, Math.min(25, nodes.length)));
  const groups = nodes.map((nd, i) => {
    const r = radius(nd);
    const kind = KIND_COLORS[nd.kind] ? nd.kind : "other";
    const g = s("g", {class: `node kind-${kind}${labelled.has(i) ? " labelled" : ""}`, transform: `translate(${pos[i].x},${pos[i].y})`,
      "data-id": nd.id, tabindex: 0, role: "link", "aria-label": `${nd.label}, ${plural(nd.events, "event")}`},
    s("title", {}, `${nd.label}${nd.country ? ` (${nd.country})` : ""} — ${plural(nd.events, "event")}`),
    s("circle", {r, class: "node-circle"}),
    s("text", {x: r + 3, y: 4, class: "node-label"}, nd.label));
    gNodes.append(g);
    return g;
  });
  const place = (i) => {
    groups[i].setAttribute("transform", `translate(${pos[i].x},${pos[i].y})`);
    for (const l of lines) {
      if (l.a === i) { l.line.setAttribute("x1", pos[i].x); l.line.setAttribute("y1", pos[i].y); }
      if (l.b === i) { l.line.setAttribute("x2", pos[i].x); l.line.setAttribute("y2", pos[i].y); }
    }
  };
  const focus = (i) => {
    svg.classList.toggle("focusing", i !== null);
    groups.forEach((g, j) => g.classList.toggle("near", i !== null && (j === i || neighbours[i].has(j))));
    for (const l of lines) l.line.classList.toggle("near", i !== null && (l.a === i || l.b === i));
  };
  const toSvg = (ev) => {
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    const p = pt.matrixTransform(svg.getScreenCTM().inverse());
    return {x: Math.max(5, Math.min(width - 5, p.x)), y: Math.max(5, Math.min(height - 5, p.y))};
  };
  groups.forEach((g, i) => {
    let drag = null;
    g.addEventListener("pointerenter", () => focus(i));
    g.addEventListener("pointerleave", () => { if (!drag) focus(null); });
    g.addEventListener("focus", () => focus(i));
    g.addEventListener("blur", () => focus(null));
    g.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      drag = {x: ev.clientX, y: ev.clientY, moved: false};
      g.setPointerCapture(ev.pointerId);
      g.classList.add("dragging");
    });
    g.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) drag.moved = true;
      if (!drag.moved) return;
      pos[i] = toSvg(ev);
      place(i);
    });
    const end = (ev) => {
      if (!drag) return;
      const moved = drag.moved;
      drag = null;
      g.classList.remove("dragging");
      if (g.hasPointerCapture(ev.pointerId)) g.releasePointerCapture(ev.pointerId);
      if (!moved && ev.type === "pointerup") navigate(`/actors/${encodeURIComponent(nodes[i].id)}`);
    };
    g.addEventListener("pointerup", end);
    g.addEventListener("pointercancel", end);
    g.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") navigate(`/actors/${encodeURIComponent(nodes[i].id)}`);
    });
  });
  return svg;
}

// ---------------------------------------------------------------------------------------------
// Start

async function about() {
  const el = document.getElementById("about");
  try {
    const hl = await api("/health");
    el.textContent = `parley ${hl.version} · ${plural(hl.documents, "document")} · ${plural(hl.events, "event")}`
      + ` · ${hl.writable ? "writable" : "read-only"} · `;
    el.append(h("a", {href: "/api/openapi.json"}, "API (OpenAPI)"));
  } catch (err) {
    el.textContent = `The server did not answer /api/health: ${err.message}`;
    el.classList.add("error-text");
  }
}

about();
render();
