"""The knowledge base: actors, places, outlets and lexicons from the YAML files in data/.

Loaded once per process (``KB.load()``); everything is looked up through
normalized alias tables. Code holds no names: a new actor is a data change.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

import yaml

from .model import Actor, Role

DATA = Path(str(resources.files("parley") / "data"))
# Cultures that print the family name first (the surname alias is the first token).
FAMILY_FIRST = {"CHN", "TWN", "HKG", "MAC", "KOR", "PRK"}
HONORIFICS = ("mr", "mrs", "ms", "miss", "dr", "sir", "madam", "madame", "dame", "lord", "h.e.", "his excellency",
              "her excellency", "comrade", "sheikh", "prince", "king", "queen", "emir", "sultan", "mister")
NAME_PARTICLES = {"bin", "al", "el", "de", "da", "van", "von", "der", "la", "le", "di", "du", "dos", "das", "ibn", "jr", "jr.", "sr", "ii", "iii"}


# libyaml's C loader reads the data files about ten times faster than the pure-Python one;
# each worker process loads them once at start
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str):
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER) or []


def alternation(words) -> str:
    """A regular expression matching exactly the given strings, as a trie ("sino|south korea|
    south sudan" -> "(?:sino|south (?:korea|sudan))"): the same matches as the plain
    alternation, but Python's engine no longer tries every word at every position."""
    trie: dict = {}
    for w in set(words):
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        end = "" in node
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body
    return "(?:" + emit(trie) + ")" if trie else "(?!)"


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def norm(s: str) -> str:
    """Key for alias lookup: case-folded, accents and punctuation dropped."""
    s = unicodedata.normalize("NFKD", s.replace("\u2019", "'")).encode("ascii", "ignore").decode()
    s = re.sub(r"[.\u00b7]", "", s.lower())
    s = re.sub(r"^the\s+", "", s.strip())
    return re.sub(r"[\s\-]+", " ", s).strip()


def _date(v) -> Optional[str]:
    return None if v in (None, "") else str(v)[:10]


@dataclass
class Place:
    name: str
    country: Optional[str]
    city: Optional[str] = None
    kind: str = "city"  # venue | city | capital | country


@dataclass
class KB:
    actors: dict = field(default_factory=dict)           # id -> Actor
    strong: dict = field(default_factory=dict)           # norm alias -> [actor ids]
    weak: dict = field(default_factory=dict)             # norm surname -> [person ids]
    surface: dict = field(default_factory=dict)          # surface form -> kind of alias (for the matcher)
    countries: dict = field(default_factory=dict)        # ISO3 -> country record
    country_names: dict = field(default_factory=dict)    # norm name/alias -> ISO3
    demonyms: dict = field(default_factory=dict)         # norm demonym -> ISO3
    places: dict = field(default_factory=dict)           # norm name -> Place
    outlets: list = field(default_factory=list)
    outlet_index: dict = field(default_factory=dict)     # norm alias -> canonical outlet
    topics: dict = field(default_factory=dict)
    ruling: dict = field(default_factory=dict)           # ISO3 -> [(start, end, party id)]

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "KB":
        kb = cls()
        kb._load_countries(load_yaml("countries.yaml") if (DATA / "countries.yaml").exists() else [])
        for fname, default_kind in (("organizations.yaml", "igo"), ("parties.yaml", "party")):
            if (DATA / fname).exists():
                for rec in load_yaml(fname):
                    kb._add_org(rec, default_kind)
        for f in sorted((DATA / "people").glob("*.yaml")):
            for rec in load_yaml(f"people/{f.name}"):
                kb._add_person(rec)
        kb._load_places()
        kb._load_outlets()
        if (DATA / "topics.yaml").exists():
            kb.topics = {k: [norm(t) for t in v] for k, v in (load_yaml("topics.yaml") or {}).items()}
        return kb

    # -- building ---------------------------------------------------------
    def _index(self, alias: str, actor_id: str, table: dict | None = None) -> None:
        if not alias or not alias.strip():
            return
        table = self.strong if table is None else table
        ids = table.setdefault(norm(alias), [])
        if actor_id not in ids:
            ids.append(actor_id)
        self.surface.setdefault(alias.strip(), "weak" if table is self.weak else "strong")

    def _load_countries(self, recs) -> None:
        for c in recs:
            iso = c["iso3"]
            self.countries[iso] = c
            aid = slug(c["name"])
            names = [c["name"], c.get("official")] + list(c.get("aliases") or [])
            names = [n for n in names if n]
            self.actors[aid] = Actor(id=aid, name=c["name"], kind="country", country=iso,
                                     aliases=sorted(set(names) - {c["name"]}))
            for n in names:
                self._index(n, aid)
                self.country_names[norm(n)] = iso
            for d in c.get("demonyms") or []:
                self.demonyms[norm(d)] = iso
            if c.get("capital"):
                for cap in [c["capital"]] + list(c.get("capital_aliases") or []):
                    self.places.setdefault(norm(cap), Place(c["capital"], iso, c["capital"], "capital"))

    def _add_org(self, rec, default_kind) -> None:
        aid = rec.get("id") or slug(rec["name"])
        kind = rec.get("kind") or default_kind
        aliases = [a for a in rec.get("aliases") or [] if a]
        self.actors[aid] = Actor(id=aid, name=rec["name"], kind=kind, country=rec.get("country"),
                                 aliases=aliases)
        for n in [rec["name"]] + aliases:
            self._index(n, aid)
        for span in rec.get("ruling") or []:
            self.ruling.setdefault(rec.get("country"), []).append((_date(span.get("start")), _date(span.get("end")), aid))

    def _add_person(self, rec) -> None:
        aid = rec.get("id") or slug(rec["name"])
        if aid in self.actors:  # the same person in two regional files: merge roles
            self.actors[aid].roles.extend(self._roles(rec))
            return
        aliases = [a for a in rec.get("aliases") or [] if a]
        actor = Actor(id=aid, name=rec["name"], kind="person", country=rec.get("country"),
                      aliases=aliases, roles=self._roles(rec), gender=rec.get("gender"))
        self.actors[aid] = actor
        for n in [rec["name"]] + aliases:
            self._index(n, aid)
            sur = surname(n, rec.get("country"))
            if sur and norm(sur) != norm(n):
                self._index(sur, aid, self.weak)

    @staticmethod
    def _roles(rec) -> list:
        return [Role(title=r.get("title") or "", key=r.get("key") or "other",
                     organization=r.get("organization"), start=_date(r.get("start")), end=_date(r.get("end")))
                for r in rec.get("roles") or []]

    def _load_places(self) -> None:
        if (DATA / "cities.yaml").exists():
            for c in load_yaml("cities.yaml"):
                for n in [c["name"]] + list(c.get("aliases") or []):
                    self.places.setdefault(norm(n), Place(c["name"], c.get("country"), c["name"], "city"))
        if (DATA / "venues.yaml").exists():
            for v in load_yaml("venues.yaml"):
                for n in [v["name"]] + list(v.get("aliases") or []):
                    self.places[norm(n)] = Place(v["name"], v.get("country"), v.get("city"), "venue")

    def _load_outlets(self) -> None:
        if not (DATA / "outlets.yaml").exists():
            return
        self.outlets = load_yaml("outlets.yaml")
        for o in self.outlets:
            for n in [o["name"]] + list(o.get("aliases") or []) + list(o.get("domains") or []):
                key = norm(n.strip("()"))
                if key:
                    self.outlet_index.setdefault(key, o["name"])

    # -- lookups ------------------------------------------------------------
    @property
    def given_names(self) -> set:
        """First names of the people the knowledge base knows (to spot names NER misses)."""
        if not hasattr(self, "_given"):
            blocked = set(self.country_names) | set(self.demonyms) | {norm(t) for t in HONORIFICS} | {
                "al", "el", "abu", "abd", "abdel", "bin", "de", "van", "von", "la", "le", "new", "saint", "san",
                "general", "president", "minister", "prime", "deputy", "state", "foreign", "national", "united",
                "north", "south", "east", "west", "great", "grand", "central", "royal", "supreme"}
            out = set()
            for a in self.actors.values():
                if a.kind != "person" or a.country in FAMILY_FIRST:
                    continue
                first = a.name.split()[0]
                if len(first) >= 3 and first[0].isupper() and first.isalpha() and norm(first) not in blocked:
                    out.add(first)
            self._given = out
        return self._given

    def fuzzy_person(self, name: str) -> Optional[str]:
        """A known person whose name or alias is a near spelling of this one (a doubled letter, a dropped accent)."""
        from rapidfuzz import fuzz

        if not hasattr(self, "_by_first"):
            self._by_first = {}
            for a in self.actors.values():
                if a.kind == "person":
                    for n in [a.name] + list(a.aliases):
                        self._by_first.setdefault(norm(n).split(" ")[0], []).append((norm(n), a.id))
        key = norm(name)
        best, best_id = 0.0, None
        for cand, aid in self._by_first.get(key.split(" ")[0], []):
            score = fuzz.token_sort_ratio(key, cand)
            if score > best:
                best, best_id = score, aid
        return best_id if best >= 92 else None
    def outlet(self, text: Optional[str]) -> Optional[str]:
        if not text:
            return None
        return self.outlet_index.get(norm(text.strip(" ()|-–—")))

    def outlet_in(self, text: str) -> Optional[str]:
        """The first outlet the text names ("FOX News anchor ...", "(Korea Herald DB)")."""
        if not hasattr(self, "_outlet_rx"):
            names = set()
            for o in self.outlets:
                for n in [o["name"]] + list(o.get("aliases") or []):
                    n = n.strip("() ")
                    if len(n) >= 3 and not n.islower() and "." not in n:
                        names.add(n)
            multi = sorted((n for n in names if " " in n), key=len, reverse=True)
            single = sorted((n for n in names if " " not in n), key=len, reverse=True)
            self._outlet_rx = re.compile(r"\b(?:(?i:" + "|".join(map(re.escape, multi)) + r")|"
                                         + "|".join(map(re.escape, single)) + r")\b")
        m = self._outlet_rx.search(text)
        return self.outlet(m.group(0)) if m else None

    def country_of(self, text: str) -> Optional[str]:
        k = norm(text)
        return self.country_names.get(k) or self.demonyms.get(k)

    def place(self, text: str) -> Optional[Place]:
        return self.places.get(norm(text))

    def holders(self, key: str, country: Optional[str], date: Optional[str]) -> list:
        """People holding a role of this key (in this country) at this date."""
        out = []
        for a in self.actors.values():
            if a.kind != "person" or (country and a.country != country):
                continue
            for r in a.roles:
                if r.key == key and _active(r, date):
                    out.append(a)
                    break
        return out


def _active(role: Role, date: Optional[str]) -> bool:
    if not date:
        return role.end is None
    d = date[:10]
    return (role.start is None or role.start[:len(d)] <= d) and (role.end is None or d[:len(role.end)] <= role.end)


HISPANIC = {"ESP", "MEX", "ARG", "CHL", "COL", "PER", "VEN", "CUB", "BOL", "ECU", "URY", "PRY", "GTM", "HND",
            "SLV", "NIC", "CRI", "PAN", "DOM"}


def surname(name: str, country: Optional[str]) -> Optional[str]:
    """The form news uses after a first full mention: "Putin", "Xi", "López Obrador"."""
    toks = [t for t in re.split(r"\s+", name.strip()) if t]
    if len(toks) < 2:
        return None
    if any(t.lower() in ("bin", "ibn", "bint") for t in toks):
        return None  # "Mohammed bin Salman": the last word names the father
    if country in FAMILY_FIRST and len(toks) <= 3 and all(t[:1].isupper() for t in toks):
        return toks[0]
    while len(toks) > 1 and toks[-1].lower().strip(",.") in NAME_PARTICLES:
        toks.pop()
    if country in HISPANIC and len(toks) >= 3 and toks[-2].lower() not in NAME_PARTICLES:
        return " ".join(toks[-2:])  # paternal and maternal surnames: "López Obrador"
    last = toks[-1].strip(",")
    return last if len(last) > 1 else None
