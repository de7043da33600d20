"""End to end with the real embedded model (Qwen2.5-Coder-0.5B GGUF via llama.cpp) and the real index."""

import pytest

from hpassist.language import written_in


@pytest.fixture(scope="module")
def korea_en(assistant):
    return assistant.ask("How much has Korea invested in Hai Phong?")


def test_newest_figure_leads_with_its_source(korea_en):
    text = korea_en.text
    assert text.startswith("Newest figure (2026): 320 projects, more than US$15.4 billion [1].")
    newest = korea_en.citations[0]
    assert newest.source == "001_20d133c255b65173.txt" and "320 dự án" in newest.quote and "15,4 tỷ USD" in newest.quote


def test_older_figures_are_named_with_dates(korea_en):
    tail = korea_en.text.split("Older reports differ", 1)[1]
    assert "US$14.2 billion, 186 projects (2025-05-20)" in tail
    assert "US$10 billion (2023-08)" in tail


def test_quotes_are_exact(korea_en, settings):
    for c in korea_en.citations:
        raw = (settings.corpus_dirs[0] / c.source).read_text(encoding="utf-8")
        assert raw[c.start : c.end] == c.quote


def test_vietnamese_question_gets_a_vietnamese_answer(assistant):
    answer = assistant.ask("Tỷ lệ lấp đầy các khu công nghiệp ở Hải Phòng là bao nhiêu?")
    assert answer.language == "vi" and not answer.refused
    assert "63,8" in answer.text or "63.8" in answer.text
    assert answer.citations[0].source.startswith("004_")


def test_korean_question_gets_a_korean_answer_from_vietnamese_sources(assistant):
    answer = assistant.ask("한국은 하이퐁에 얼마나 투자했나요?")
    assert answer.language == "ko" and not answer.refused
    outside_quotes = answer.text.split("“")[0]
    assert written_in(outside_quotes, "ko")
    assert "154억 달러" in answer.text  # 15,4 tỷ USD, restated in Korean units


def test_unanswerable_is_refused_without_figures(assistant):
    answer = assistant.ask("What is the corporate income tax rate in Hai Phong?")
    assert answer.refused and not answer.citations
    outside_quotes = "".join(part.split("”")[-1] for part in answer.text.split("“"))
    assert not any(ch.isdigit() for ch in outside_quotes)


def test_stream_yields_deltas_then_the_answer(assistant):
    events = list(assistant.stream("What did Lee Kyung Hee recommend?"))
    *deltas, final = events
    assert all(isinstance(d, str) for d in deltas) and "".join(deltas) == final.text
    assert final.citations and final.citations[0].source.startswith("000_")
