"""Document metadata read by document.build from raw items: title, outlet, published, authors, dateline."""
from __future__ import annotations

import pytest

from conftest import BODY

TITLE = "Ministers agree to reopen border talks"


# -- title --------------------------------------------------------------------------------------
def test_title_from_first_headline_like_line(build):
    doc = build(f"{TITLE}\n\n{BODY}")
    assert doc.title == TITLE
    assert doc.text.startswith(TITLE + "\n\n")


def test_title_skips_furniture_lines_before_it(build):
    doc = build(f"Share this story\n\nNews> World> Content\n\n{TITLE}\n\n{BODY}")
    assert doc.title == TITLE


def test_title_is_null_when_text_opens_with_a_full_paragraph(build):
    doc = build(f"{BODY}\n\n{BODY.replace('Tuesday', 'Wednesday')}")
    assert doc.title is None
    assert doc.text.startswith("Foreign ministers from the two countries")


def test_title_not_taken_from_a_sentence_ending_in_a_period(build):
    doc = build(f"The ministers met on Tuesday.\n\n{BODY}")
    assert doc.title is None


def test_title_hint_from_raw_item_wins(build):
    doc = build(f"{TITLE}\n\n{BODY}", title="A different headline from the feed")
    assert doc.title == "A different headline from the feed"


# -- outlet -------------------------------------------------------------------------------------
def test_outlet_from_standalone_outlet_line(build):
    doc = build(f"{TITLE}\n\nChina Daily\n\n{BODY}")
    assert doc.outlet == "China Daily"
    assert "China Daily" not in doc.text  # the furniture line is not part of the text
    assert doc.title == TITLE


@pytest.mark.parametrize("suffix, outlet", [
    (" \u2013 Xinhuanet", "Xinhua"),
    (" - China Daily", "China Daily"),
    (" | Reuters", "Reuters"),
])
def test_outlet_from_title_suffix(build, suffix, outlet):
    doc = build(f"{TITLE}{suffix}\n\n{BODY}")
    assert doc.outlet == outlet
    assert doc.title == TITLE


def test_unknown_title_suffix_is_kept_in_title(build):
    doc = build(f"{TITLE} \u2013 Some Village Blog\n\n{BODY}")
    assert doc.outlet is None


def test_outlet_argument_overrides(build):
    doc = build(f"{TITLE}\n\nChina Daily\n\n{BODY}", outlet="Example Herald")
    assert doc.outlet == "Example Herald"


def test_outlet_from_dateline_agency(build):
    doc = build(f"{TITLE}\n\nBEIJING, Nov. 8, 2020 (Xinhua) -- {BODY}")
    assert doc.outlet == "Xinhua"


# -- published ----------------------------------------------------------------------------------
@pytest.mark.parametrize("stamp, iso", [
    ("13:51, December 13, 2024", "2024-12-13"),
    ("3/20/2023, 9:00:47 PM", "2023-03-20"),
    ("Wednesday, April 21, 2021, 11:31", "2021-04-21"),
    ("Updated: 2023-05-17 10:12", "2023-05-17"),
    ("Published: March 14, 2025", "2025-03-14"),
    ("17 May 2023", "2023-05-17"),
])
def test_published_from_stamp_line(build, stamp, iso):
    doc = build(f"{TITLE}\n\n{stamp}\n\n{BODY}")
    assert doc.published == iso
    assert doc.title == TITLE
    assert stamp not in doc.text  # the stamp line is furniture


@pytest.mark.parametrize("stamp", ["2024-12-13 13:51:00", "2024-12-13"])
def test_published_from_numeric_only_stamp_line(build, stamp):
    doc = build(f"{TITLE}\n\n{stamp}\n\n{BODY}")
    assert doc.published == "2024-12-13"


def test_published_from_dateline(build):
    doc = build(f"{TITLE}\n\nBEIJING, Nov. 8, 2020 (Xinhua) -- {BODY}")
    assert doc.published == "2020-11-08"
    assert doc.dateline.place == "Beijing"
    assert doc.dateline.date == "2020-11-08"


def test_published_argument_overrides_stamp(build):
    doc = build(f"{TITLE}\n\n13:51, December 13, 2024\n\n{BODY}", published="2025-01-02")
    assert doc.published == "2025-01-02"


def test_published_hint_from_feed_record_is_normalized(build):
    doc = build(f"{TITLE}\n\n{BODY}", published="2023-05-17T08:30:00Z")
    assert doc.published == "2023-05-17"


def test_published_null_without_any_date(build):
    doc = build(f"{TITLE}\n\n{BODY}")
    assert doc.published is None


# -- authors ------------------------------------------------------------------------------------
def test_authors_from_byline(build):
    doc = build(f"{TITLE}\n\nBy Jane Roe\n\n{BODY}")
    assert doc.authors == ["Jane Roe"]
    assert "By Jane Roe" not in doc.text


def test_byline_with_outlet(build):
    doc = build(f"{TITLE}\n\nBy Jane Roe | China Daily\n\n{BODY}")
    assert doc.authors == ["Jane Roe"]
    assert doc.outlet == "China Daily"


def test_byline_with_comma_separated_authors(build):
    doc = build(f"{TITLE}\n\nBy Jane Roe, John Doe\n\n{BODY}")
    assert doc.authors == ["Jane Roe", "John Doe"]


def test_byline_with_two_authors_joined_by_and(build):
    doc = build(f"{TITLE}\n\nBy Jane Roe and John Doe | China Daily | Updated: 2023-05-17 10:12\n\n{BODY}")
    assert doc.authors == ["Jane Roe", "John Doe"]
    assert doc.outlet == "China Daily"
    assert doc.published == "2023-05-17"


def test_byline_followed_by_lowercase_words(build):
    doc = build(f"{TITLE}\n\nPosted by Jane Roe on May 17, 2023\n\n{BODY}")
    assert doc.published == "2023-05-17"
    assert doc.authors == ["Jane Roe"]


def test_authors_hint_from_raw_item(build):
    doc = build(f"{TITLE}\n\n{BODY}", authors=["Jane Roe"])
    assert doc.authors == ["Jane Roe"]


# -- dateline -----------------------------------------------------------------------------------
def test_dateline_place_and_yearless_date(build):
    doc = build(f"{TITLE}\n\nMoscow, 3 Mar (Xinhua) -- {BODY}")
    assert doc.dateline.place == "Moscow"
    assert doc.outlet == "Xinhua"
    assert "no_year" in doc.warnings
    if "published_inferred_from_weekday" in doc.warnings:
        # the body names a weekday: the year is the latest one where 3 March fell on it
        import datetime
        assert doc.dateline.date.endswith("-03-03") and doc.published == doc.dateline.date
        assert datetime.date.fromisoformat(doc.published).year <= datetime.date.today().year
    else:
        assert doc.dateline.date == "--03-03"
        assert doc.published is None


def test_dateline_year_taken_from_stamp(build):
    doc = build(f"{TITLE}\n\nMarch 4, 2023\n\nMoscow, 3 Mar (Xinhua) -- {BODY}")
    assert doc.published == "2023-03-04"
    assert doc.dateline.place == "Moscow"
    assert doc.dateline.date == "2023-03-03"
    assert "dateline_conflict" not in doc.warnings
    assert "no_year" not in doc.warnings


def test_dateline_conflict_when_dateline_weeks_before_stamp(build):
    doc = build(f"{TITLE}\n\nApril 20, 2023\n\nMoscow, 3 Mar (Xinhua) -- {BODY}")
    assert doc.published == "2023-04-20"
    assert doc.dateline.date == "2023-03-03"
    assert "dateline_conflict" in doc.warnings


def test_dateline_conflict_with_full_dateline_date(build):
    doc = build(f"{TITLE}\n\nDecember 13, 2024\n\nBEIJING, Nov. 8, 2024 (Xinhua) -- {BODY}")
    assert doc.published == "2024-12-13"
    assert "dateline_conflict" in doc.warnings


def test_no_conflict_when_dateline_matches_stamp(build):
    doc = build(f"{TITLE}\n\n13:51, December 13, 2024\n\nBEIJING, Dec. 13 (Xinhua) -- {BODY}")
    assert doc.dateline.date == "2024-12-13"
    assert "dateline_conflict" not in doc.warnings


def test_dateline_with_country_and_em_dash(build):
    doc = build(f"KYIV, Ukraine, Feb. 24, 2023 (AP) \u2014 {BODY}")
    assert doc.dateline.place == "Kyiv"
    assert doc.dateline.date == "2023-02-24"
    assert doc.published == "2023-02-24"


# -- year-less texts ----------------------------------------------------------------------------
def test_no_year_warning_for_yearless_date_without_publication_date(build):
    text = (f"{TITLE}\n\nThe foreign ministers met on November 20 in the capital and agreed to reopen "
            "talks on the disputed river border, officials from both delegations said after the session.")
    doc = build(text)
    assert doc.published is None
    assert "no_year" in doc.warnings


def test_no_no_year_warning_when_published_given(build):
    text = (f"{TITLE}\n\nThe foreign ministers met on November 20 in the capital and agreed to reopen "
            "talks on the disputed river border, officials from both delegations said after the session.")
    doc = build(text, published="2023-11-22")
    assert doc.published == "2023-11-22"
    assert "no_year" not in doc.warnings


def test_text_too_short_after_cleaning_is_refused(build):
    from parley.errors import NoText
    with pytest.raises(NoText) as e:
        build("Share this story\n\nREAD MORE: Something else\n\nAdvertisement")
    assert e.value.code == "E107"
