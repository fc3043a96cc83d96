"""The partly parsed document and the lemmas made on demand are what spaCy itself gives."""
from __future__ import annotations

import numpy
from spacy.tokens import Doc

from parley import nlp

TEXT = ("Trade Talks Resume\n\nThe two trade ministers met in Geneva on Thursday.  They agreed to meet again "
        "in May, officials said.\n\nSeparately, heavy rain flooded roads in the north. Schools were closed.\n\n"
        "The ministers' talks, the first since 2019, lasted three hours.")


def _spans(text):
    first = text.index("The two")
    last = text.index("The ministers'")
    return [(first, text.index("Separately")), (last, len(text))]


def test_partly_parsed_doc_equals_concatenated_pieces():
    pipe = nlp.pipeline()
    spans = _spans(TEXT)
    doc = nlp.parse(TEXT, spans)
    pieces = [pipe(p) if keep else pipe.tokenizer(p) for p, keep in nlp.pieces(TEXT, spans)]
    want = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["tensor"])
    attrs = Doc._get_array_attrs()
    assert doc.text == TEXT
    assert numpy.array_equal(doc.to_array(attrs), want.to_array(attrs))
    assert [(e.start_char, e.label_) for e in doc.ents] == [(e.start_char, e.label_) for e in want.ents]
    assert [s.start for s in doc.sents] == [s.start for s in want.sents]
    assert any(t.dep_ for t in doc) and not any(t.dep_ for t in doc[:3])  # the headline was only tokenized


def test_lemmas_on_demand_are_the_lemmatizers():
    full = nlp.bare()(TEXT)
    doc = nlp.parse(TEXT)
    assert "lemmatizer" not in nlp.pipeline().pipe_names  # not run over every token
    assert [nlp.lemma(t) for t in doc] == [t.lemma_ for t in full]
    assert nlp.lemma(next(t for t in doc if t.text == "met")) == "meet"
