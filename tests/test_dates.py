"""dates.find and dates.resolve: explicit, yearless, weekday and relative expressions."""
from __future__ import annotations

from datetime import date

import pytest

from parley import dates

FRIDAY = date(2024, 3, 15)  # a Friday
assert FRIDAY.weekday() == 4


def one(text: str) -> dates.DateMention:
    found = dates.find(text)
    assert len(found) == 1, found
    return found[0]


def resolve(text: str, ref=FRIDAY, future=False) -> dates.Resolved:
    return dates.resolve(one(text), ref, future=future)


@pytest.mark.parametrize("text, iso", [
    ("The talks took place on December 13, 2024.", "2024-12-13"),
    ("They met on 13 December 2024 in Rome.", "2024-12-13"),
    ("The ministers met on Dec. 13, 2024.", "2024-12-13"),
    ("A treaty signed on 2024-12-13 in Rome.", "2024-12-13"),
    ("Stamped 12/13/2024 at noon.", "2024-12-13"),
    ("on the 13th of December 2024", "2024-12-13"),
])
def test_explicit_dates(text, iso):
    r = resolve(text)
    assert (r.date, r.precision, r.basis) == (iso, "day", "explicit")


def test_explicit_date_needs_no_reference():
    r = dates.resolve(one("signed on March 3, 2019"), None)
    assert (r.date, r.precision, r.basis) == ("2019-03-03", "day", "explicit")


def test_mention_offsets_and_text():
    text = "Leaders met on December 13, 2024, in Rome."
    m = one(text)
    assert text[m.start:m.end] == m.text == "December 13, 2024"
    assert (m.year, m.month, m.day) == (2024, 12, 13)


def test_impossible_explicit_date_is_unknown():
    r = resolve("2024-02-30")
    assert r.date is None and r.precision == "unknown"


def test_month_and_year():
    r = resolve("The talks began in May 2023.")
    assert (r.date, r.precision, r.basis) == ("2023-05", "month", "explicit")


@pytest.mark.parametrize("text, iso", [
    ("The ministers met on March 2.", "2024-03-02"),   # earlier this year
    ("They met on Dec. 1.", "2023-12-01"),             # far after the reference: last year
    ("The envoy arrived on 20 November.", "2023-11-20"),
])
def test_yearless_dates_resolved_against_reference(text, iso):
    r = resolve(text)
    assert (r.date, r.precision, r.basis) == (iso, "day", "inferred")


def test_yearless_date_without_reference_is_unknown():
    r = dates.resolve(one("They met on November 20."), None)
    assert r.date is None and r.precision == "unknown"


def test_yearless_future_date_moves_to_next_year():
    r = dates.resolve(one("The summit will open on January 10."), date(2024, 12, 20), future=True)
    assert r.date == "2025-01-10"


def test_may_as_a_verb_is_not_a_date():
    assert dates.find("the talks may 5 times be postponed") == []


@pytest.mark.parametrize("text, iso", [
    ("The two leaders spoke on Thursday.", "2024-03-14"),  # the day before a Friday publication
    ("They met on Monday.", "2024-03-11"),
    ("They met on Saturday.", "2024-03-09"),
    ("They met on Friday.", "2024-03-15"),                 # the publication day itself
    ("They met last Friday.", "2024-03-08"),
])
def test_weekday_in_the_past(text, iso):
    r = resolve(text)
    assert (r.date, r.precision, r.basis) == (iso, "day", "relative")


def test_weekday_next_and_future():
    assert resolve("They will meet next Monday.").date == "2024-03-18"
    assert resolve("They will meet on Monday.", future=True).date == "2024-03-18"


def test_weekday_without_reference_is_unknown():
    r = dates.resolve(one("They met on Thursday."), None)
    assert r.date is None and r.precision == "unknown"


def test_last_month():
    r = resolve("The ministers met last month.")
    assert (r.date, r.precision, r.basis) == ("2024-02", "month", "relative")


def test_last_month_across_new_year():
    r = dates.resolve(one("They met last month."), date(2024, 1, 10))
    assert r.date == "2023-12"


def test_next_month_across_new_year():
    r = dates.resolve(one("They will meet next month."), date(2024, 12, 10))
    assert r.date == "2025-01"


def test_this_week_gives_a_date_range():
    r = resolve("The foreign ministers met this week.")
    assert r.basis == "relative"
    assert r.range == ("2024-03-11", "2024-03-17")
    assert (r.date, r.precision) == ("2024-03", "month")


def test_this_week_across_months():
    r = dates.resolve(one("They met this week."), date(2024, 2, 29))
    assert r.range == ("2024-02-26", "2024-03-03")
    assert r.precision == "year"


def test_earlier_this_week_ends_at_reference():
    r = resolve("They spoke earlier this week.")
    assert r.range == ("2024-03-11", "2024-03-15")


def test_last_week_range():
    assert resolve("They met last week.").range == ("2024-03-04", "2024-03-10")


@pytest.mark.parametrize("text, iso", [
    ("The envoy will arrive tomorrow.", "2024-03-16"),
    ("The envoy arrived yesterday.", "2024-03-14"),
    ("The envoy arrives today.", "2024-03-15"),
])
def test_day_words(text, iso):
    r = resolve(text)
    assert (r.date, r.precision, r.basis) == (iso, "day", "relative")


def test_tomorrow_across_month_end():
    assert dates.resolve(one("They meet tomorrow."), date(2024, 2, 29)).date == "2024-03-01"


def test_years():
    assert resolve("The treaty expires next year.").date == "2025"
    assert resolve("The treaty expired last year.").date == "2023"


def test_find_returns_mentions_in_text_order_without_overlap():
    text = "After talks on Thursday, the ministers said they met on March 2, 2024 and will meet next month."
    found = dates.find(text)
    assert [m.text for m in found] == ["on Thursday", "March 2, 2024", "next month"]
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start


def test_first_full_date_and_to_iso():
    assert dates.first_full_date("Updated 13:51, December 13, 2024")[0] == "2024-12-13"
    assert dates.first_full_date("on Thursday") is None
    assert dates.to_iso("March 14, 2025") == "2025-03-14"
    assert dates.to_iso("2025-03-14 20:30:26Z") == "2025-03-14"
    assert dates.to_iso("not a date") is None
    assert dates.to_iso(None) is None
