"""Cleaning: raw article text to paragraphs, boilerplate and duplicates marked.

The cleaned text is built from the kept paragraphs only, joined by blank lines;
every offset parley reports (evidence) points into that cleaned text.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .kb import load_yaml

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
MARKDOWN = re.compile(r"^(#{1,6}\s+|\*\*|__)|(\*\*|__)$")


@dataclass
class Para:
    text: str
    kind: str = "body"  # body | title | meta | boilerplate | caption | duplicate
    start: int = -1      # offset in the cleaned text once assembled
    end: int = -1


@lru_cache(maxsize=1)
def _patterns():
    data = load_yaml("boilerplate.yaml")
    comp = lambda xs: [re.compile(x, re.I) for x in xs]
    return comp(data["line"]), comp(data["prefix"]), [re.compile(x) for x in data["caption"]]


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if ENTITY.search(text):
        text = html.unescape(text)
    return text


def paragraphs(text: str, wrapped: bool | None = None) -> list[Para]:
    """Split into paragraphs: blank lines separate; hard-wrapped lines are joined.

    ``wrapped=None`` decides per block whether its lines are a hard-wrapped paragraph
    (lines of similar length, as in plain-text releases) or one paragraph per line.
    """
    out: list[Para] = []
    for block in re.split(r"\n\s*\n", normalize(text)):
        lines = [MARKDOWN.sub("", SPACES.sub(" ", ln).strip()).strip() for ln in block.split("\n")]
        lines = [ln for ln in lines if ln]
        if not lines:
            continue
        if wrapped is False or not (wrapped or _hard_wrapped(lines)):
            out.extend(Para(ln) for ln in lines)
            continue
        cur, last = lines[0], lines[0]
        for ln in lines[1:]:
            if last.endswith((".", "!", "?", ":")) and ln[:1].isupper() and len(last) < 0.75 * _width(lines):
                out.append(Para(cur))  # a short last line closes a wrapped paragraph
                cur = ln
            else:
                cur = cur + ("" if cur.endswith("-") and ln[:1].islower() else " ") + ln
            last = ln
        out.append(Para(cur))
    return out


def _width(lines: list[str]) -> int:
    return max(len(ln) for ln in lines)


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width: similar lengths, none very long."""
    if len(lines) < 2:
        return False
    width = _width(lines[:-1])
    if width > 110 or width < 40:
        return False
    if len(lines) == 2:
        return len(lines[0]) >= 55 and lines[1][:1].islower()
    full = sum(1 for ln in lines[:-1] if len(ln) >= 0.7 * width)
    return full >= 0.7 * (len(lines) - 1)


def is_boilerplate(text: str) -> bool:
    line, prefix, _ = _patterns()
    if len(text) <= 300 and any(p.fullmatch(text) for p in line):
        return True
    return len(text) <= 400 and any(p.match(text) for p in prefix)


def is_caption(text: str) -> bool:
    return len(text) <= 600 and any(p.search(text) for p in _patterns()[2])


RUN_IN = re.compile(r"\s(?:Related reading|Related Stories|Related Articles|Recommended Stories|Most Read|Read more:|Also read:)\b")


def split_run_in(paras: list[Para]) -> list[Para]:
    """Pages flattened to one line carry related-links blocks mid-paragraph: cut them off."""
    out = []
    for p in paras:
        m = RUN_IN.search(p.text)
        if m and m.start() >= 200:
            out.append(Para(p.text[:m.start()].rstrip()))
            out.append(Para(p.text[m.start():].strip(), kind="boilerplate"))
        else:
            out.append(p)
    return out


def mark_boilerplate(paras: list[Para]) -> None:
    for p in paras:
        if p.kind != "body":
            continue
        if is_boilerplate(p.text):
            p.kind = "boilerplate"
        elif is_caption(p.text):
            p.kind = "caption"
        elif not re.search(r"[^\W\d_]{2}", p.text) and not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}", p.text):
            p.kind = "boilerplate"  # no words at all: OCR debris, separators (a date stamp is metadata)


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def dedupe(paras: list[Para], title: str | None) -> int:
    """Mark repeated paragraphs; returns how many were removed.

    An exact repeat is dropped after its first copy; a paragraph whose text (its
    last, possibly cut word aside) reappears in the paragraphs that follow it is a
    teaser of the full text and is dropped in favour of the later copy; the title
    repeated in the body is dropped.
    """
    removed = 0
    tnorm = _norm(title) if title else None
    seen: set[str] = set()
    body = [p for p in paras if p.kind == "body"]
    norms = [_norm(p.text) for p in body]
    for i, p in enumerate(body):
        n = norms[i]
        if not n:
            continue
        if n in seen or (tnorm and n == tnorm):
            p.kind, removed = "duplicate", removed + 1
            continue
        if len(n) >= 80 and i + 1 < len(body):
            head = n.rsplit(" ", 1)[0]
            if head in " ".join(norms[i + 1:i + 12]):
                p.kind, removed = "duplicate", removed + 1
                continue
        seen.add(n)
    return removed


def assemble(paras: list[Para]) -> str:
    """Join kept paragraphs (title and body) and record their offsets."""
    parts, pos = [], 0
    for p in paras:
        if p.kind not in ("body", "title"):
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        p.start, p.end = pos, pos + len(p.text)
        parts.append(p.text)
        pos = p.end
    return "".join(parts)
