"""The cheap first pass (parley/prefilter.py): what it sends to the full pipeline, and that
the events come out as the full pipeline's, on texts written for these tests and on ../shared."""
from __future__ import annotations

import pytest

from parley import document, pipeline, prefilter
from parley.readers import RawItem

FLOODS = ("Floods Close Schools in River Towns\n\n"
          "Heavy rain closed schools in three river towns on Tuesday, and emergency crews moved families "
          "from low streets to a sports hall. The water is expected to fall by the weekend, the regional "
          "weather office said.\n\nFarmers said the harvest of late potatoes was lost in several fields. "
          "Volunteers handed out blankets and hot meals until late in the evening.")
MEETING = ("Wang Yi Meets Sergei Lavrov in Beijing\n\n"
           "BEIJING, April 9, 2024 -- Chinese Foreign Minister Wang Yi met Russian Foreign Minister Sergei "
           "Lavrov in Beijing on Tuesday. Wang Yi and Sergei Lavrov held talks on trade and energy. "
           "Lavrov also met Wang Yi's deputy before the talks, and Wang Yi hosted Sergei Lavrov at a dinner. "
           "The two sides signed a plan for energy cooperation.")
MIXED = ("Port Strike Enters Second Week\n\n"
         "Dock workers in the southern port stayed off the job for an eighth day on Monday, and ships queued "
         "outside the harbour. The union wants higher pay and shorter shifts.\n\n"
         "Separately, Chinese Foreign Minister Wang Yi met Russian Foreign Minister Sergei Lavrov in Beijing on "
         "Monday.\n\nShop owners near the port said their sales had fallen by half since the strike began, "
         "and the city council promised a small loan scheme for them. Bus drivers joined the protest on "
         "Sunday. Fuel deliveries to the islands were delayed. Fishermen moved their boats to a quieter bay. "
         "Police kept the main gate open for ambulances. Talks between the union and the port company have "
         "not been scheduled. A football match at the harbour stadium was called off. Schools stayed open. "
         "The mayor asked both sides to return to work. Prices of fruit rose in the markets.")


def _built(text, published="2024-04-09"):
    return document.build(RawItem(source="t.txt", content=text), published=published)


def _events(x):
    return sorted(((e.type, e.date, tuple(sorted((p.actor_id, p.role) for p in e.participants))) for e in x.events),
                  key=str)


@pytest.mark.slow
def test_news_without_triggers_is_not_parsed():
    doc, paras = _built(FLOODS)
    assert prefilter.plan(doc.text).mode == "none"
    assert not pipeline.analyze(doc, paras, prefilter=True).events


@pytest.mark.slow
@pytest.mark.parametrize("text, mode", [(MEETING, "all"), (MIXED, "some")])
def test_first_pass_keeps_the_full_pipelines_events(text, mode):
    doc, paras = _built(text)
    plan = prefilter.plan(doc.text)
    assert plan.mode == mode
    full = _events(pipeline.analyze(doc, paras, prefilter=False))
    assert full and _events(pipeline.analyze(doc, paras, prefilter=True)) == full
    if mode == "some":  # the meeting sentence is parsed, the strike's sentences are not
        parsed = " ".join(doc.text[s:e] for s, e in plan.spans)
        assert "met Russian Foreign Minister" in parsed and "Dock workers" not in parsed


@pytest.mark.slow
def test_antecedent_is_parsed_only_when_it_holds_an_unknown_name():
    tools = _tools()
    assert not prefilter._unknown_names("Wang Yi met Sergei Lavrov on Monday.", *tools)
    assert prefilter._unknown_names("Mirela Kovacsova met Sergei Lavrov on Monday.", *tools)
    assert not prefilter._unknown_names("The talks will resume on Monday in the spring.", *tools)
    before = "Mirela Kovacsova was cheerful on Monday."
    for first, parsed in ((before, True), ("Sergei Lavrov was cheerful on Monday.", False)):
        text = ("Talks\n\n" + first + " " + "He said the talks on trade and energy cooperation with Russia "
                "were useful and constructive. " + " ".join(f"Line {i} of other news here." for i in range(14)))
        plan = prefilter.plan(text)
        assert plan.mode == "some"
        assert any(text[s:e].startswith(first[:10]) for s, e in plan.spans) == parsed


def _tools():
    from parley.actors import _matcher
    from parley.nlp import pipeline as nlp_pipeline

    return nlp_pipeline().tokenizer, _matcher()


@pytest.mark.parametrize("text", [MEETING, MIXED, FLOODS, MEETING.upper(), "İstanbul talks: Wang Yi met Lavrov. " * 3])
def test_lowercased_trigger_search_finds_what_the_case_blind_one_does(text):
    want = [m.start() for m in prefilter._trigger_rx().finditer(text)]
    assert prefilter.trigger_starts(text) == want


@pytest.mark.slow
@pytest.mark.shared
def test_first_pass_events_equal_the_full_pipeline_on_shared(shared_dir):
    from parley import readers

    paths = [shared_dir / d for d in ("seeds", "merge", "stream")] + sorted((shared_dir / "dev").glob("*.txt"))
    if not all(p.exists() for p in paths[:3]):
        pytest.skip("../shared not here")
    n = 0
    for item in readers.read([str(p) for p in paths]):
        if isinstance(item, Exception):
            continue
        doc, paras = document.build(item)
        full = _events(pipeline.analyze(doc, paras, prefilter=False))
        assert _events(pipeline.analyze(doc, paras, prefilter=True)) == full, item.source
        n += len(full)
    assert n > 100
