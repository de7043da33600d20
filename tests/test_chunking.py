"""Chunks are whole sentences, within the token budget, with offsets that reproduce the source exactly."""

import pytest

from hpassist.chunking import chunk_document, split_sentences
from hpassist.documents import load_folder
from hpassist.schema import Span
from hpassist.tokens import count_tokens

from hpassist.settings import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"


@pytest.fixture(scope="module")
def chunks():
    return [(d, c) for d in load_folder(SEEDS) for c in chunk_document(d, 200)]


def test_sentence_offsets_quote_the_source_exactly(chunks):
    for doc, chunk in chunks:
        for position, span in enumerate(chunk.sentences):
            assert chunk.sentence_text(position) == doc.raw[span.start : span.end]
        assert doc.raw[chunk.start : chunk.end].startswith(chunk.sentence_text(0))


def test_chunks_respect_the_token_budget(chunks):
    for _, chunk in chunks:
        assert len(chunk.sentences) == 1 or count_tokens(chunk.text) <= 200 + len(chunk.sentences)


def test_chunks_cover_every_sentence_once():
    for doc in load_folder(SEEDS):
        sentences = [s for c in chunk_document(doc, 200) for s in c.sentences]
        expected = [s for p in doc.paragraphs for s in split_sentences(doc.raw, p)]
        assert sentences == expected


def test_chunk_knows_document_and_date(chunks):
    for doc, chunk in chunks:
        assert chunk.source == doc.source and chunk.date == doc.date and chunk.id.startswith(doc.source)


def test_abbreviations_and_decimals_do_not_split():
    raw = "Ông Kiên cho biết TP. Hải Phòng thu hút 15,4 tỷ USD. Vốn đạt US$14.2 billion. Dự án mới đã khởi công."
    spans = split_sentences(raw, Span(0, len(raw)))
    assert [raw[s.start : s.end] for s in spans] == [
        "Ông Kiên cho biết TP. Hải Phòng thu hút 15,4 tỷ USD.",
        "Vốn đạt US$14.2 billion.",
        "Dự án mới đã khởi công.",
    ]


def test_long_sentence_splits_at_semicolons():
    raw = "; ".join(["Thu hút nguồn lực quốc tế đầu tư công viên công nghệ cao tại thành phố"] * 6) + "."
    spans = split_sentences(raw, Span(0, len(raw)))
    assert len(spans) == 6
    assert all(raw[s.start : s.end].startswith("Thu hút") for s in spans)


def test_a_lead_in_and_its_list_are_one_sentence():
    """"By 2030 the province aims to:" and the items after it make one sentence (an item alone does not say
    whose goal it is), up to the item that ends in a full stop; a paragraph of several sentences is no item."""
    from hpassist.documents import parse_document

    raw = (
        "Da Nang plan to 2030\n\nThe master plan was approved in 2023. By 2030 Da Nang aims to:\n\n"
        "grow GRDP by 8–9% a year on average;\n\nreach export turnover of about 50 billion USD.\n\n"
        "Before 2030 the city expects four new districts. They will be set up in stages.\n"
    )
    doc = parse_document("plan.txt", raw)
    (chunk,) = chunk_document(doc, 300)
    texts = [chunk.sentence_text(i) for i in range(len(chunk.sentences))]
    assert "By 2030 Da Nang aims to:\n\ngrow GRDP by 8–9% a year on average;\n\nreach export turnover of about 50 billion USD." in texts
    assert "Before 2030 the city expects four new districts." in texts
    for position, span in enumerate(chunk.sentences):
        assert chunk.sentence_text(position) == doc.raw[span.start : span.end]
