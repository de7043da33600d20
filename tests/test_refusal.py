"""The refusal gate decides on real retrieval: unanswerable questions are refused, answerable ones are not."""

import pytest

from hpassist.query import parse_query


def _decide(assistant, question):
    query = parse_query(question, 120, 4000)
    return assistant.pipeline.gather(query).decision


@pytest.mark.parametrize(
    "question",
    [
        "What is the corporate income tax rate in Hai Phong?",
        "하이퐁의 법인세율은 얼마입니까?",
        "Giá thuê đất khu công nghiệp ở Hải Phòng là bao nhiêu?",
        "What is the minimum wage in Hai Phong?",
        "How much has Japan invested in Hai Phong?",
        "Tổng vốn đầu tư của Trung Quốc vào Hải Phòng là bao nhiêu?",
        "How much capital has LG invested in Hai Phong?",
        "Hàn Quốc đã đầu tư bao nhiêu vốn vào Đà Nẵng?",
        "Who won the 2022 World Cup?",
        "What will the weather be like in Hai Phong tomorrow?",
        "What was Hai Phong's GRDP growth in 2019?",  # growth is reported, but not for that year
        "Tỷ lệ lấp đầy của KKT Đình Vũ – Cát Hải là bao nhiêu?",  # the parks' rate is given, not this zone's
        "How many workers does Kyocera employ in Hai Phong?",  # its capital is given, not its workforce
    ],
)
def test_unanswerable_questions_are_refused(assistant, question):
    decision = _decide(assistant, question)
    assert not decision.answerable, decision.reason


@pytest.mark.parametrize(
    "question",
    [
        "How much has Korea invested in Hai Phong?",
        "Hàn Quốc đã đầu tư bao nhiêu vào Hải Phòng?",
        "한국은 하이퐁에 얼마나 투자했나요?",
        "What is the occupancy rate of Hai Phong's industrial parks?",
        "What did Lee Kyung Hee recommend?",
        "Ông Phạm Tiến Vân giữ những chức vụ gì?",
        "Which company signed a memorandum of understanding with the Hai Phong Economic Zone Authority?",
    ],
)
def test_answerable_questions_pass(assistant, question):
    decision = _decide(assistant, question)
    assert decision.answerable, decision.reason


def test_refusal_says_why_in_terms_of_the_corpus(assistant):
    assert "tax" in _decide(assistant, "What is the corporate income tax rate?").reason


def test_a_question_whose_only_topic_is_the_place_is_about_its_own_words(assistant):
    """"Will it rain in Hai Phong tomorrow?" names no glossary topic; no document mentions rain."""
    decision = _decide(assistant, "Will it rain in Hai Phong tomorrow?")
    assert not decision.answerable and "rain" in decision.reason


def test_a_sentence_naming_the_company_asked_about_may_be_less_close():
    """e5 scores an English question and its Korean answer lower: a sentence that names the company the
    question names (in Hangul too) needs only min_similarity_named; one that names it not, min_similarity."""
    from hpassist.refusal import RefusalGate
    from hpassist.schema import Evidence, Sentence
    from hpassist.settings import Settings

    gate = RefusalGate(Settings(), index=None)
    query = parse_query("How much has Hana Micron invested in Vietnam so far?", 120, 4000)

    def evidence(text: str, similarity: float) -> Evidence:
        return Evidence(Sentence("k.txt#0", "k.txt", "k", None, 0, len(text), text), similarity, similarity)

    floor, named = gate.settings.min_similarity, gate.settings.min_similarity_named
    between = (floor + named) / 2
    assert gate.close(query, evidence("하나마이크론은 지금까지 약 6억 달러를 투입했다.", between))
    assert not gate.close(query, evidence("박닌성은 올해 FDI 30억 달러를 유치했다.", between))
    assert not gate.close(query, evidence("하나마이크론은 지금까지 약 6억 달러를 투입했다.", named - 0.01))
    assert gate.close(query, evidence("박닌성은 올해 FDI 30억 달러를 유치했다.", floor))
