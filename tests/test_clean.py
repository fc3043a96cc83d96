"""Cleaning: paragraphs, boilerplate, duplicate leads and offsets into the cleaned text."""
from __future__ import annotations

import pytest

from parley import clean

WRAPPED = """The two delegations met for a third round of talks in Geneva on Thursday,
and both sides described the atmosphere as businesslike. The agenda covered
prisoner exchanges, the reopening of consulates and direct flights between
the two capitals, which were suspended four years ago by the government."""

PER_LINE = """Foreign ministers from the Nordic and Baltic states met in Riga on Wednesday to discuss energy security and the protection of undersea cables.
The host minister said the group had agreed to share more information about suspicious ships in the region.
A joint statement was issued after the meeting.
The next meeting is planned for the autumn in Oslo, officials said."""

# Two hard-wrapped paragraphs with no blank line between them: the first ends on a short line.
TWO_WRAPPED = """The two delegations met for a third round of talks in Geneva on Thursday,
and both sides described the atmosphere as businesslike and constructive.
The agenda covered prisoner exchanges and consulates.
Diplomats said a joint statement could follow within days if the remaining
differences over the wording on consular access can be settled by then, and
a fourth round has been pencilled in for next month."""


def test_hard_wrapped_lines_are_joined_into_one_paragraph():
    paras = clean.paragraphs(WRAPPED)
    assert len(paras) == 1
    text = paras[0].text
    assert text.startswith("The two delegations met")
    assert "Thursday, and both sides" in text  # joined with one space, no newline
    assert "\n" not in text
    assert text.endswith("by the government.")


def test_one_paragraph_per_line_is_kept_apart():
    paras = clean.paragraphs(PER_LINE)
    assert [p.text for p in paras] == PER_LINE.split("\n")


def test_wrapped_false_forces_one_paragraph_per_line():
    assert len(clean.paragraphs(WRAPPED, wrapped=False)) == 4


def test_blank_lines_separate_paragraphs():
    text = "First paragraph about the summit.\n\n\nSecond paragraph about the talks.\n \nThird one."
    assert [p.text for p in clean.paragraphs(text)] == [
        "First paragraph about the summit.", "Second paragraph about the talks.", "Third one."]


def test_line_ending_in_hyphen_is_joined_without_a_space():
    text = ("The ministers said the agreement on the long-awaited customs union was a break-\n"
            "through for trade in the region and would take effect at the start of next year.")
    paras = clean.paragraphs(text)
    assert len(paras) == 1
    # the hyphen is kept (it may be a real one, as in "long-awaited"), but no space is added
    assert "break-through for trade" in paras[0].text


def test_short_last_line_closes_a_wrapped_paragraph():
    paras = clean.paragraphs(TWO_WRAPPED)
    assert len(paras) == 2
    assert paras[0].text.endswith("prisoner exchanges and consulates.")
    assert paras[1].text.startswith("Diplomats said")


def test_normalize_handles_crlf_entities_and_zero_width():
    out = clean.normalize("Talks\r\nin Paris &amp; Rome\u200b today\rend")
    assert out == "Talks\nin Paris & Rome today\nend"


BOILERPLATE_ARTICLE = """Foreign ministers agree to resume border talks

Share this story

By Jane Roe

China Daily

The foreign ministers of two neighbouring countries agreed on Tuesday to resume
talks on their disputed border, ending a pause of nearly three years, officials
said after a meeting in the capital that lasted more than four hours and was
described by both sides as frank and constructive.

READ MORE: Border trade rebounds in the spring

ALSO READ: What the new customs rules mean for traders

News> World> Content

talks_ministers_0412.jpg

The two ministers shake hands before the meeting in the capital. (Jane Roe/Xinhua)

Next year marks the seventieth anniversary of the treaty that first fixed the border, and both sides said they hoped to sign a new protocol before then.

[Editor in charge: Li Wei]

PREV Ministers hold talks on water sharing

NEXT Trade fair opens in the border city
"""

DROPPED = [
    "Share this story",
    "READ MORE",
    "Border trade rebounds",
    "ALSO READ",
    "customs rules",
    "Editor in charge",
    "Li Wei",
    "PREV",
    "water sharing",
    "NEXT ",
    "Trade fair opens",
    "News>",
    "World> Content",
    ".jpg",
    "talks_ministers_0412",
    "shake hands",
    "Jane Roe/Xinhua",
]


@pytest.fixture
def boilerplate_doc(build_paras):
    return build_paras(BOILERPLATE_ARTICLE, source="boilerplate.txt")


@pytest.mark.parametrize("fragment", DROPPED)
def test_boilerplate_is_dropped_from_cleaned_text(boilerplate_doc, fragment):
    doc, _ = boilerplate_doc
    assert fragment not in doc.text


def test_boilerplate_article_keeps_title_and_body(boilerplate_doc):
    doc, paras = boilerplate_doc
    assert doc.title == "Foreign ministers agree to resume border talks"
    assert doc.text.startswith("Foreign ministers agree to resume border talks\n\n")
    assert "agreed on Tuesday to resume talks on their disputed border" in doc.text
    kinds = {p.text: p.kind for p in paras}
    assert kinds["Share this story"] == "boilerplate"
    assert kinds["The two ministers shake hands before the meeting in the capital. (Jane Roe/Xinhua)"] == "caption"


def test_next_year_marks_is_not_boilerplate(boilerplate_doc):
    doc, paras = boilerplate_doc
    assert "Next year marks the seventieth anniversary of the treaty" in doc.text
    assert not clean.is_boilerplate(
        "Next year marks the seventieth anniversary of the treaty that first fixed the border.")


@pytest.mark.parametrize("line", [
    "Share this story", "share", "READ MORE: Border trade rebounds", "ALSO READ: A second story",
    "[Editor in charge: Jane Roe]", "PREV Ministers hold talks", "NEXT Trade fair opens",
    "News> World> Content", "summit_photo-01.JPG", "Advertisement",
])
def test_is_boilerplate_lines(line):
    assert clean.is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Next year marks the seventieth anniversary of diplomatic ties.",
    "Previously, the two sides had met in Geneva.",
    "News of the agreement spread quickly in the capital.",
    "Share prices rose after the summit ended on Friday.",
    "Readers will recall that the talks broke down in 2019.",
])
def test_is_boilerplate_spares_body_sentences(line):
    assert not clean.is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Copyright protection and market access were high on the agenda, the ministry said.",
    "Editorials in state media praised the visit.",
])
def test_body_sentence_starting_like_furniture_is_kept(line):
    assert not clean.is_boilerplate(line)


def test_caption_with_photo_credit():
    assert clean.is_caption("Delegates arrive at the venue on Monday. (Jane Roe/Xinhua)")
    assert not clean.is_caption("Delegates arrived at the venue on Monday, Xinhua reported.")


LEAD = ("The foreign ministers of Kazakhstan and Uzbekistan met in Tashkent on Monday and signed a protocol "
        "on sharing the water of two rivers that cross their common border, their ministries said.")
SECOND = ("Officials said the protocol would be reviewed each spring by a joint commission of engineers "
          "from both countries.")


@pytest.mark.parametrize("first_copy", [
    pytest.param(LEAD, id="exact-repeat"),
    pytest.param(LEAD[:120], id="cut-off-teaser"),
    pytest.param(LEAD[:117] + "...", id="teaser-with-ellipsis"),
])
def test_lead_printed_twice_is_kept_once(build_paras, first_copy):
    text = f"Ministers sign water protocol\n\n{first_copy}\n\n{LEAD}\n\n{SECOND}"
    doc, paras = build_paras(text)
    assert doc.text.count("signed a protocol") == 1
    assert doc.text.count(LEAD) == 1
    assert "duplicate_paragraph_removed" in doc.warnings
    assert SECOND in doc.text


def test_no_duplicate_warning_without_duplicates(build_paras):
    doc, _ = build_paras(f"Ministers sign water protocol\n\n{LEAD}\n\n{SECOND}")
    assert "duplicate_paragraph_removed" not in doc.warnings


def test_lead_repeated_without_headline_is_kept_once(build_paras):
    doc, _ = build_paras(f"{LEAD}\n\n{LEAD}\n\n{SECOND}")
    assert doc.text.count(LEAD) == 1
    assert "duplicate_paragraph_removed" in doc.warnings


def test_teaser_without_headline_is_kept_once(build_paras):
    doc, _ = build_paras(f"{LEAD[:120]}\n\n{LEAD}\n\n{SECOND}")
    assert doc.text.count("signed a protocol") == 1
    assert "duplicate_paragraph_removed" in doc.warnings


def test_title_repeated_as_body_line_is_dropped(build_paras):
    text = f"Ministers sign water protocol\n\nMinisters sign water protocol\n\n{LEAD}"
    doc, _ = build_paras(text)
    assert doc.text.count("Ministers sign water protocol") == 1


@pytest.mark.parametrize("text", [
    BOILERPLATE_ARTICLE,
    f"Ministers sign water protocol\n\n{LEAD[:120]}\n\n{LEAD}\n\n{SECOND}",
    WRAPPED + "\n\n" + PER_LINE,
    "**Bold headline about the summit**\r\n\r\nParis &amp; Berlin sign\u00a0a  treaty on Monday after "
    "long talks between their foreign ministers, officials said.\u200b\r\n\r\nThe treaty takes effect next year.",
])
def test_kept_paragraph_offsets_point_into_cleaned_text(build_paras, text):
    doc, paras = build_paras(text)
    kept = [p for p in paras if p.kind in ("body", "title")]
    assert kept
    for p in kept:
        assert p.start >= 0 and p.end > p.start
        assert doc.text[p.start:p.end] == p.text
    for p in paras:
        if p.kind not in ("body", "title"):
            assert p.start == -1
    # the cleaned text is exactly the kept paragraphs joined by blank lines
    assert doc.text == "\n\n".join(p.text for p in kept)


def test_assemble_offsets_directly():
    paras = [clean.Para("Title line"), clean.Para("junk", kind="boilerplate"), clean.Para("Body text here.")]
    paras[0].kind = "title"
    text = clean.assemble(paras)
    assert text == "Title line\n\nBody text here."
    assert text[paras[2].start:paras[2].end] == "Body text here."
    assert paras[1].start == -1
