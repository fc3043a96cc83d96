"""The accuracy gate: extraction scored against the gold sets of ../shared.

Floors are pinned in tests/eval_baseline.json and may only go up; raise them with
`parley eval GOLD --docs DIR --name NAME --floors tests/eval_baseline.json --update-floors`
(lowering one needs --allow-lower, on purpose). Skips when ../shared is absent.
"""
import json
from pathlib import Path

import pytest

from parley import evaluate

BASELINE = Path(__file__).with_name("eval_baseline.json")
SETS = {
    "seeds": (["gold/seeds.json"], "seeds"),
    "dev": (["gold/dev-1.json", "gold/dev-2.json"], "dev"),
    "merge-docs": (["gold/merge.json"], "merge"),  # the merge reports, scored one by one
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SETS))
def test_accuracy_floors(shared_dir, name):
    golds, docs = SETS[name]
    paths = [shared_dir / g for g in golds]
    if not all(p.exists() for p in paths):
        pytest.skip(f"gold set {name} not in {shared_dir}")
    result = evaluate.evaluate([str(p) for p in paths], docs_dir=str(shared_dir / docs),
                               extract=evaluate.extract_file).summary()
    floors = json.loads(BASELINE.read_text())
    below = evaluate.check_floors({name: result}, {name: floors[name]})
    assert not below, "\n".join(below)
    assert result["missing_predictions"] == 0


def test_floors_only_go_up():
    old = {"s": {"event_strict_f1": 0.8}}
    assert evaluate.raise_floors({"s": {"event_strict_f1": 0.5}}, old)["s"]["event_strict_f1"] == 0.8
    assert evaluate.raise_floors({"s": {"event_strict_f1": 0.91}}, old)["s"]["event_strict_f1"] == 0.91
    assert evaluate.raise_floors({"s": {"event_strict_f1": 0.5}}, old, allow_lower=True)["s"]["event_strict_f1"] == 0.5
    assert evaluate.check_floors({"s": {"event_strict_f1": 0.79}}, old)
    assert not evaluate.check_floors({"s": {"event_strict_f1": 0.8}}, old)


@pytest.mark.slow
def test_merge_floors(shared_dir):
    gold, docs = shared_dir / "gold" / "merge.json", shared_dir / "merge"
    if not gold.exists() or not docs.exists():
        pytest.skip("merge gold set not in ../shared")
    result = evaluate.evaluate_merge(str(gold), str(docs))
    floors = json.loads(BASELINE.read_text())
    below = evaluate.check_floors({"merge": result}, {"merge": floors["merge"]})
    assert not below, "\n".join(below)
