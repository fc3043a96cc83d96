"""Event extraction on short texts written for these tests (pipeline.extract_text)."""
from __future__ import annotations

import pytest

from parley import pipeline


def events_of(text: str, published: str = "2023-03-22") -> list:
    x = pipeline.extract_text(text, published=published)
    for e in x.events:
        for ev in e.evidence:
            assert x.document.text[ev.start:ev.end] == ev.text
    return x.events


def parts(ev) -> dict:
    return {p.actor: p.role for p in ev.participants}


def test_meeting_host_and_guest_from_place():
    (ev,) = events_of("Chinese President Xi Jinping held talks with Russian President Vladimir Putin "
                      "in the Kremlin on Tuesday.")
    assert ev.type == "meeting"
    assert parts(ev) == {"Xi Jinping": "guest", "Vladimir Putin": "host"}
    assert (ev.date, ev.date_precision, ev.date_basis) == ("2023-03-21", "day", "relative")
    assert ev.location.city == "Moscow" and ev.location.country == "RUS"
    assert ev.status == "occurred" and ev.format == "in_person"


def test_phone_call_single_sentence():
    (ev,) = events_of("Chinese President Xi Jinping spoke by phone with French President Emmanuel Macron "
                      "on Monday.", published="2023-03-20")
    assert ev.type == "call" and ev.format == "phone"
    assert parts(ev) == {"Xi Jinping": "participant", "Emmanuel Macron": "participant"}
    assert ev.date == "2023-03-20"


def test_agreement_signed():
    evs = events_of("Indian Prime Minister Narendra Modi and Australian Prime Minister Anthony Albanese "
                    "signed a trade agreement in Canberra on Wednesday.")
    agreements = [e for e in evs if e.type == "agreement"]
    assert len(agreements) == 1
    assert set(parts(agreements[0])) == {"Narendra Modi", "Anthony Albanese"}
    assert agreements[0].location.city == "Canberra"


def test_past_visit():
    (ev,) = events_of("U.S. Secretary of State Antony Blinken visited Tokyo on Monday.")
    assert ev.type == "visit"
    assert parts(ev) == {"Antony Blinken": "visitor"}
    assert ev.location.city == "Tokyo"


def test_planned_meeting():
    (ev,) = events_of("Xi Jinping will meet Vladimir Putin in Moscow next week.")
    assert ev.type == "meeting" and ev.status == "planned"


@pytest.mark.parametrize("text", [
    "Xi Jinping did not meet Vladimir Putin in Moscow on Tuesday.",
    "Xi Jinping never met Vladimir Putin in Moscow.",
])
def test_negated_meeting_is_not_an_event(text):
    assert [e for e in events_of(text) if e.type == "meeting"] == []


@pytest.mark.parametrize("text", [
    "Xi Jinping refused to meet Vladimir Putin on Tuesday.",
    "Xi Jinping declined to meet Vladimir Putin on Tuesday.",
])
def test_refused_meeting_is_not_an_occurred_event(text):
    assert [e for e in events_of(text) if e.type == "meeting" and e.status == "occurred"] == []


@pytest.mark.parametrize("text", [
    "Xi Jinping will pay a state visit to Russia next week.",
    "Antony Blinken will visit Tokyo next week.",
    "Antony Blinken will travel to Tokyo next week.",
])
def test_planned_visit(text):
    evs = [e for e in events_of(text) if e.type == "visit"]
    assert len(evs) == 1
    assert evs[0].status == "planned"


def test_call_under_a_headline():
    text = ("Xi Jinping speaks with Macron by phone\n\nChinese President Xi Jinping spoke by phone with French "
            "President Emmanuel Macron on Monday, and the two leaders discussed trade.")
    calls = [e for e in events_of(text, published="2023-03-20") if e.type == "call"]
    assert len(calls) == 1
    assert parts(calls[0]) == {"Xi Jinping": "participant", "Emmanuel Macron": "participant"}


def test_pronoun_refers_to_subject_of_its_own_sentence():
    text = ("Xi said the two countries should talk more often. Macron said he looked forward to visiting "
            "China next month.")
    visits = [e for e in events_of(text, published="2023-03-20") if e.type == "visit"]
    assert len(visits) == 1
    assert parts(visits[0]) == {"Emmanuel Macron": "visitor"}
    assert visits[0].status == "planned"
