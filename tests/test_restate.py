"""The figure a quantity question asks for, restated from its evidence in the reader's language."""

import pytest

from hpassist.query import parse_query
from hpassist.restate import restated

SENTENCE = (
    "Đến nay, TP Hải Phòng đã có 14 KCN được thành lập với tổng diện tích hơn 6.100 ha "
    "(3 KCN giai đoạn 1993-2007), tỷ lệ lấp đầy đạt 63,8% và thu hút gần 15,4 tỷ USD."
)


def _q(text: str):
    return parse_query(text, 120, 4000)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many industrial parks does Hai Phong have?", "14 industrial parks"),
        ("Hải Phòng có bao nhiêu khu công nghiệp?", "14 khu công nghiệp"),
        ("하이퐁에는 산업단지가 몇 개 있습니까?", "14개 산업단지"),
        ("What is the total area of the parks?", "more than 6,100 ha"),
        ("Tổng diện tích các KCN là bao nhiêu?", "hơn 6.100 ha"),
        ("산업단지 입주율은 얼마입니까?", "63.8%"),  # the rate asked for, not the parks the question names
        ("Tỷ lệ lấp đầy các KCN là bao nhiêu?", "63,8%"),
    ],
)
def test_the_asked_figure_keeps_its_value_unit_and_qualifier(question: str, expected: str) -> None:
    query = _q(question)
    assert restated(SENTENCE, query, query.language) == expected


def test_no_figure_for_a_unit_the_question_does_not_ask_for() -> None:
    assert restated("Khu công nghiệp có diện tích 1.840 ha cho thuê.", _q("What is the land rent per square metre?"), "en") is None
    assert restated(SENTENCE, _q("Who chairs the economic zone authority?"), "en") is None
