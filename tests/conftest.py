"""Shared fixtures for the parley test suite.

Every fixture article under tests/fixtures/ was written for these tests; none is
copied from the gold sets in ../shared.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = FIXTURES / "articles"
SHARED = ROOT.parent / "shared"

# A full-sentence body paragraph used by many metadata tests (>= 25 words, ends with a period,
# so metadata.analyze treats it as the start of the article body).
BODY = ("Foreign ministers from the two countries met in the capital on Tuesday and agreed to reopen "
        "talks on the disputed river border, officials from both delegations said after the four-hour "
        "session ended.")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test writes ./parley.duckdb or inherits a size limit from the caller's shell."""
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "default.duckdb"))
    monkeypatch.delenv("PARLEY_MAX_BYTES", raising=False)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def articles_dir() -> Path:
    return ARTICLES


@pytest.fixture
def build():
    """document.build on a text item: build(text, **kwargs) -> Document."""
    from parley import document
    from parley.readers import RawItem

    def _build(text: str, source: str = "test.txt", published=None, outlet=None, **raw_kw):
        doc, _paras = document.build(RawItem(source=source, content=text, **raw_kw),
                                     published=published, outlet=outlet)
        return doc
    return _build


@pytest.fixture
def build_paras():
    """document.build returning (Document, paragraphs)."""
    from parley import document
    from parley.readers import RawItem

    def _build(text: str, source: str = "test.txt", published=None):
        return document.build(RawItem(source=source, content=text), published=published)
    return _build


@pytest.fixture
def runner():
    from click.testing import CliRunner
    return CliRunner()


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "parley.duckdb")


@pytest.fixture
def shared_dir() -> Path:
    """../shared (gold sets, seeds, scorer); the test is skipped when it is not there."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not present: {SHARED} does not exist (gold sets and seeds live there)")
    for sub in ("seeds", "dev", "gold", "tools"):
        if not (SHARED / sub).exists():
            pytest.skip(f"../shared not present: {SHARED / sub} is missing")
    return SHARED


def stderr_lines(result) -> list[str]:
    return [ln for ln in (result.stderr or "").splitlines() if ln.strip()]
