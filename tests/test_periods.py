"""A figure's period (year, span of months, running total) is read from its words in three languages,
and a question that names a period is answered from figures of that period."""

import pytest

from hpassist.periods import Period, fitting, period_of


@pytest.mark.parametrize(
    "text, expected",
    [
        ("How much FDI did the province attract in the first two months of 2022?", Period(("2022",), 2, False)),
        ("Trong 6 tháng đầu năm 2024, tỉnh thu hút được bao nhiêu vốn FDI?", Period(("2024",), 6, False)),
        ("Tám tháng đầu năm 2024, vốn FDI đạt 1 tỷ USD.", Period(("2024",), 8, False)),
        ("2024년 상반기 FDI 유치액은 얼마였습니까?", Period(("2024",), 6, False)),
        ("2025년 1~8월 FDI 유치액은?", Period(("2025",), 8, False)),
        ("From January to August 2025, FDI reached US$2 billion.", Period(("2025",), 8, False)),
        ("In the first quarter of 2023 the city drew US$565 million.", Period(("2023",), 3, False)),
        ("How much did it register in 2024 as a whole?", Period(("2024",), 12, False)),
        ("As of 20 October 2023, how many valid FDI projects were there?", Period(("2023",), 10, True)),
        ("2023년 10월 20일 기준 누적 FDI 등록 자본은?", Period(("2023",), 10, True)),
        ("2023년 8월 말까지 유치한 FDI 프로젝트는 몇 개입니까?", Period(("2023",), 8, True)),
        ("Tính đến hết tháng 9/2024, có bao nhiêu dự án FDI còn hiệu lực?", Period(("2024",), 9, True)),
        ("What is the total registered FDI capital so far?", Period((), None, True)),
        ("GRDP năm 2024 tăng bao nhiêu phần trăm?", Period(("2024",), None, False)),
        ("By the end of August 2023, how many FDI projects had the zones attracted?", Period(("2023",), 8, True)),
        ("Trong 6 tháng đầu năm 2024 (tính đến ngày 20/6/2024), vốn FDI đạt", Period(("2024",), 6, False)),
        ("8월까지 34.7억 달러, 전년 동기의 3배", Period((), 8, False)),
        ("By the end of August 2024, FDI was up 12% year on year.", Period(("2024",), 8, False)),
        # a year-to-date span, and the year a figure is compared with is not its own
        ("Tính từ đầu năm đến ngày 20/6, vốn đạt 2,58 tỷ USD, gấp 3,1 lần cùng kỳ năm 2023.", Period((), 6, False)),
        ("From the start of the year to June 20, FDI reached US$2.58 billion.", Period((), 6, False)),
        ("FDI in 2024 reached US$5.1 billion, up from 2023.", Period(("2024",), None, False)),
    ],
)
def test_periods_are_read_in_english_vietnamese_and_korean(text, expected):
    assert period_of(text) == expected


def test_a_sentence_without_a_year_takes_its_source_year():
    assert period_of("In the first two months, FDI rose 7.6 times.", "2022").years == ("2022",)
    assert period_of("In 2021 FDI rose.", "2022").years == ("2021",)


def _fit(question: str, sentences: list[tuple[str, str]]) -> list[str]:
    return [text for text, _ in fitting(period_of(question), sentences, lambda s: period_of(s[0], s[1]))]


SENTENCES = [
    ("In the first two months of 2022 the province drew over US$1.3 billion of FDI.", "2022"),
    ("Cumulatively, 1,727 valid FDI projects hold about US$22.54 billion.", "2022"),
    ("In the first half of 2024 FDI reached nearly US$2.58 billion.", "2024"),
    ("In the first nine months of 2024 FDI reached US$4.5 billion.", "2024"),
    ("In 2024 as a whole the province registered US$5.1 billion.", "2025"),
]


def test_a_span_question_gets_that_span_not_the_running_total_nor_other_years():
    assert _fit("How much FDI in the first two months of 2022?", SENTENCES) == [SENTENCES[0][0]]
    assert _fit("2024년 상반기 FDI 유치액은?", SENTENCES) == [SENTENCES[2][0]]


def test_a_running_total_question_gets_running_totals():
    assert _fit("What is the cumulative registered FDI so far?", SENTENCES) == [SENTENCES[1][0]]


def test_a_year_question_prefers_the_whole_year_over_part_of_it():
    assert _fit("How much FDI did the province register in 2024?", SENTENCES) == [SENTENCES[4][0]]


def test_a_period_the_question_names_is_required():
    """A figure of another year or another span is no answer to a question that names one (it was once
    led with as "the newest figure"); what the question leaves open is only a preference."""
    assert _fit("How much FDI in the first two months of 2019?", SENTENCES) == []
    assert _fit("How much FDI in the first eight months of 2024?", SENTENCES) == []  # not the half-year, nor nine months
    assert _fit("How much FDI did the province register in 2022?", SENTENCES) == [SENTENCES[1][0]]  # 2022's, the whole-year one
    assert len(_fit("How much FDI is there?", SENTENCES)) == len(SENTENCES)


def test_a_goal_or_plan_is_not_what_happened():
    from hpassist.periods import fitting, is_target

    assert is_target("Hai Phong aims to develop 15 industrial parks by 2025.") and is_target("박닌성은 2030년까지 중앙직할시가 되는 것을 목표로 한다.")
    assert is_target("Mục tiêu thu hút 6 tỷ USD vốn FDI trong năm 2024.") and not is_target("Đến nay, TP Hải Phòng đã có 14 KCN.")
    assert not is_target("Sở Kế hoạch và Đầu tư cho biết tỉnh đã thu hút 488 triệu USD.")  # the department, not a plan
    plan, done = "Hai Phong aims to develop 15 industrial parks.", "Hai Phong has 14 industrial parks."
    assert fitting(period_of("How many industrial parks does Hai Phong have?"), [plan, done], period_of) == [done]
    assert fitting(period_of("What is the target number of parks?"), [plan, done], period_of) == [plan, done]


@pytest.mark.parametrize(
    "text",
    [
        "Da Nang posted the sharpest increase, to US$160/m² per cycle, 40% above its 2022 level.",
        "The northern average climbed to US$142/m², up 5% on 2022.",
        "수출은 2022년 대비 20% 늘었다.",
        "Vốn FDI năm nay cao hơn năm 2022.",
    ],
)
def test_a_year_a_figure_is_compared_with_is_not_its_year(text):
    assert "2022" not in period_of(text).years
