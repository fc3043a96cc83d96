"""Checks against ../shared (seeds, dev texts, gold and the scorer); skipped when it is absent."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from parley.cli import cli
from parley.store import Store

from conftest import stderr_lines

pytestmark = pytest.mark.shared


def test_ingest_seeds_twice_leaves_five_documents(shared_dir, runner, db_path):
    seeds = str(shared_dir / "seeds")
    first = runner.invoke(cli, ["ingest", seeds, "--db", db_path, "--format", "json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["added"] == 5
    with Store(db_path, read_only=True) as s:
        ids = sorted(e["id"] for e in s.events())
    second = runner.invoke(cli, ["ingest", seeds, "--db", db_path, "--format", "json"])
    assert second.exit_code == 0, second.output
    data = json.loads(second.stdout)
    assert (data["added"], data["already_present"], data["failed"]) == (0, 5, 0)
    with Store(db_path, read_only=True) as s:
        assert s.count("documents") == 5
        assert sorted(e["id"] for e in s.events()) == ids


def test_extract_seeds_and_dev_without_failures(shared_dir, runner, tmp_path):
    paths = sorted(str(p) for p in (shared_dir / "seeds").glob("*.txt")) + \
        sorted(str(p) for p in (shared_dir / "dev").glob("*.txt"))
    assert paths
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", *paths, "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = stderr_lines(result)
    assert lines == [f"{len(paths)} extracted into {out}, 0 failed"], lines
    assert len(list(out.glob("*.json"))) == len(paths)
    for f in out.glob("*.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        text = data["document"]["text"]
        for owner in data["events"] + data["positions"]:
            for ev in owner["evidence"]:
                assert text[ev["start"]:ev["end"]] == ev["text"], f.name


@pytest.fixture(scope="module")
def seed_scores(tmp_path_factory):
    from pathlib import Path

    from click.testing import CliRunner

    from conftest import SHARED
    if not (SHARED / "tools" / "score.py").exists() or not (SHARED / "gold" / "seeds.json").exists():
        pytest.skip(f"../shared not present: {SHARED} lacks tools/score.py or gold/seeds.json")
    out = tmp_path_factory.mktemp("seed_predictions")
    seeds = sorted(str(p) for p in (SHARED / "seeds").glob("*.txt"))
    result = CliRunner().invoke(cli, ["extract", *seeds, "--out", str(out)])
    assert result.exit_code == 0, result.output
    python = "python3" if sys.platform != "win32" else sys.executable
    proc = subprocess.run([python, "../shared/tools/score.py", "../shared/gold/seeds.json", str(out), "--json"],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_seed_scores_no_missing_predictions(shared_dir, seed_scores):
    assert seed_scores["missing_predictions"] == 0
    assert seed_scores["documents"] == 5


def test_seed_scores_title_accuracy(shared_dir, seed_scores):
    assert seed_scores["title_acc"] == 1.0


def test_seed_scores_published_accuracy(shared_dir, seed_scores):
    assert seed_scores["published_acc"] >= 0.75
