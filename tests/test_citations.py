"""The verifier catches figures and names the evidence does not hold. Figure, unit and name checks are unit
tests on a fake embedder; what only the real model can judge (closeness of a paraphrase) uses e5."""

import pytest
from fakes import FakeEmbedder

from hpassist.citations import Verifier, add_markers, split_answer
from hpassist.embeddings import E5Embeddings
from hpassist.schema import Evidence, Sentence


def _ev(text: str, source: str = "001_x.txt") -> Evidence:
    return Evidence(Sentence("c#0", source, "t", "2026", 0, len(text), text), 1.0, 0.9)


EVIDENCE = [
    _ev("Hải Phòng hiện là điểm đến thu hút vốn đầu tư Hàn Quốc lớn với 320 dự án và tổng vốn đăng ký đầu tư lên tới hơn 15,4 tỷ USD."),
    _ev("Lee Kyung Hee, vice chairman of KOCHAM Hải Phòng, recommended that the city enhance vocational training.", "000_x.txt"),
]


@pytest.fixture(scope="module")
def verifier():
    return Verifier(FakeEmbedder(), support_similarity=0.83)


@pytest.fixture(scope="module")
def semantic_verifier():
    return Verifier(E5Embeddings(), support_similarity=0.83)


def test_supported_figures_pass_and_point_to_their_evidence(verifier):
    check = verifier.check("Korea has invested US$15.4 billion in 320 projects in Hai Phong.", EVIDENCE, "How much has Korea invested?")
    assert check.supported and check.evidence == (0,)


def test_unsupported_figure_is_caught(verifier):
    check = verifier.check("Korea has invested US$17.5 billion in Hai Phong.", EVIDENCE, "How much?")
    assert not check.supported and "figure" in check.reason


def test_wrong_scale_is_caught(verifier):
    assert not verifier.check("Korea invested 15.4 million USD.", EVIDENCE, "How much?").supported


def test_invented_name_is_caught(verifier):
    check = verifier.check("Samsung Electronics recommended vocational training.", EVIDENCE, "Who recommended training?")
    assert not check.supported and "name" in check.reason


def test_a_figure_is_not_given_to_whom_only_the_question_names(verifier):
    output = [_ev("Investment in the province reached VNĐ390.7 trillion in 2024.")]
    check = verifier.check("Canon has invested VNĐ390.7 trillion.", output, "How much has Canon invested in Bac Ninh?")
    assert not check.supported and "Canon" in check.reason
    rent = [_ev("Research put the average asking rent across the northern market at US$5/m²/month.")]
    check = verifier.check("The average rent in northern Vietnam was US$5/m²/month.", rent, "What was the rent in northern Vietnam?")
    assert check.supported  # the country, like the city, is the scope every source shares, not a subject
    titled = [Evidence(Sentence("c#0", "a.txt", "Canon opens its third plant", "2024", 0, 40, "The plant cost US$120 million."), 1.0, 0.9)]
    assert verifier.check("Canon's plant cost US$120 million.", titled, "How much did Canon's plant cost?").supported


def test_glossary_names_count_as_known(verifier):
    assert verifier.check("Korea has 320 projects in Hai Phong.", EVIDENCE, "How many projects?").supported


@pytest.mark.integration
def test_unrelated_sentence_without_figures_is_caught(semantic_verifier):
    check = semantic_verifier.check("The weather is sunny and warm all year.", EVIDENCE, "What is the weather?")
    assert not check.supported


def test_restating_the_question_is_not_an_answer(verifier):
    question = "Where does the Republic of Korea rank among Hai Phong's foreign investors by number of projects?"
    echo = "The Republic of Korea ranks among Hai Phong's foreign investors by number of projects."
    assert verifier.check(echo, EVIDENCE, question).reason == "only restates the question"
    # Compared with diacritics: "đầu" (first) is new even though its folded form is the stopword "đâu".
    vietnamese = verifier.check("Hàn Quốc đứng đầu về số dự án.", EVIDENCE, "Hàn Quốc đứng thứ mấy về số dự án?")
    assert vietnamese.reason != "only restates the question"


@pytest.mark.integration
def test_a_concept_the_evidence_does_not_state_is_caught(semantic_verifier):
    verifier = semantic_verifier
    sectors = [_ev("Các dự án tập trung chủ yếu vào các lĩnh vực như: điện tử, phụ tùng\xa0ô tô và máy móc.")]
    question = "Which sectors are Korean projects concentrated in?"
    good = verifier.check("Korean projects are concentrated in electronics, auto parts and machinery.", sectors, question)
    assert good.supported, good.reason
    bad = verifier.check("Korean projects are concentrated in electronics, semiconductors and machinery.", sectors, question)
    assert not bad.supported and "semiconductor" in bad.reason
    # Inflection is not invention: "is investing" is backed by "invests".
    housing = [_ev("At the same time, the city also invests in infrastructure and develops social housing.", "002_x.txt")]
    check = verifier.check("Hai Phong is investing in infrastructure and social housing.", housing, "What is Hai Phong doing?")
    assert check.supported, check.reason


def test_markers_and_split():
    assert add_markers("Korea invested 15.4 bn.", [1, 3]) == "Korea invested 15.4 bn [1][3]."
    assert split_answer("First one. Second one? Third") == ["First one.", "Second one?", "Third"]


# ----- figures are compared with their units (issue 13): a real citation never carries a made-up unit ------
LAND = [_ev("DEEP C and VSIP still had 1,840 hectares of industrial land for lease at the end of the year."),
        _ev("Rents in the province's parks averaged US$106 per m² per lease term in 2024.")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The land lease price at DEEP C or VSIP is $1,840.",  # the evidence's 1,840 is hectares
        "Giá thuê đất là 1.840 USD/m2.",
        "The plant's yearly output is 1.3 trillion won.",  # evidence below: 1.3 trillion VND
    ],
)
def test_a_figure_in_another_unit_than_its_evidence_is_caught(verifier, sentence):
    evidence = LAND + [_ev("The investor put 1,3 nghìn tỷ đồng into the plant in 2023.")]
    check = verifier.check(sentence, evidence, "What is the land lease price?")
    assert not check.supported and "another unit" in check.reason


@pytest.mark.parametrize(
    "sentence",
    [
        "Rents averaged US$106 per square metre in 2024.",
        "Giá thuê bình quân là 106 USD/m2.",
        "임대료는 평균 106달러였다.",  # a rate's currency alone may stand for it
        "DEEP C and VSIP had 1,840 ha of land for lease.",
    ],
)
def test_the_same_figure_in_an_agreeing_unit_passes(verifier, sentence):
    assert verifier.check(sentence, LAND, "What is the rent and how much land is for lease?").supported


def test_korean_and_vietnamese_scales_are_one_value(verifier):
    check = verifier.check("한국의 투자액은 154억 달러 이상이다.", EVIDENCE, "한국은 얼마나 투자했나요?")
    assert check.supported and check.evidence == (0,)


def test_evidence_with_its_stored_vector_is_not_embedded_again():
    """The index already embedded each evidence sentence; the verifier embeds only the answer's sentence."""

    class Counting(FakeEmbedder):
        def __init__(self):
            self.embedded: list[str] = []

        def passages(self, texts):
            self.embedded.extend(texts)
            return super().passages(texts)

    embedder = Counting()
    stored = [Evidence(ev.sentence, ev.score, ev.similarity, FakeEmbedder().passages([ev.sentence.text])[0]) for ev in EVIDENCE]
    sentence = "Lee Kyung Hee, vice chairman of KOCHAM Hải Phòng, recommended vocational training."
    with_vectors = Verifier(embedder, 0.5).check(sentence, stored, "Who recommended training?")
    assert embedder.embedded == [sentence]
    without = Verifier(FakeEmbedder(), 0.5).check(sentence, EVIDENCE, "Who recommended training?")
    assert with_vectors == without and with_vectors.supported


@pytest.mark.parametrize(
    ("sentence", "evidence"),
    [
        ("Tổng kim ngạch xuất nhập khẩu của tỉnh năm 2025 là 4.700 km2.", "Từ năm 2025, tỉnh mới rộng hơn 4.700 km2."),
        ("The plant's revenue reached 1,200 hectares.", "The plant covers 1,200 hectares."),
        ("수출액은 6,100 ha 규모다.", "산업단지 총면적은 6,100 ha 규모다."),
    ],
)
def test_a_measure_stated_in_a_unit_it_never_has_is_caught(verifier, sentence, evidence):
    """The figure and its unit are in the evidence, but as another measure: trade is never in km², revenue never
    in hectares (data/measures.tsv)."""
    check = verifier.check(sentence, [_ev(evidence)], "What was the trade turnover?")
    assert not check.supported and "never measured in" in check.reason


def test_a_measure_in_one_of_its_units_passes(verifier):
    evidence = [_ev("Kim ngạch xuất khẩu đạt 45 tỷ USD, diện tích các KCN là 6.400 ha.")]
    check = verifier.check("Xuất khẩu đạt 45 tỷ USD và diện tích các KCN là 6.400 ha.", evidence, "Xuất khẩu bao nhiêu?")
    assert check.supported, check.reason


def test_a_count_followed_by_another_measure_is_not_that_measure(verifier):
    evidence = [_ev("From 2020 to 2025 the city established 15 industrial parks covering an area of over 6,200 hectares.")]
    check = verifier.check("The city established 15 industrial parks covering an area of over 6,200 hectares.", evidence, "How many?")
    assert check.supported, check.reason


def test_a_plan_stated_as_what_happened_is_caught(verifier):
    """'aims to develop 15 parks' does not back 'has established 15 parks'; it backs saying that it aims to."""
    plan = [_ev("Hai Phong aims to develop 15 industrial parks covering over 6,200 hectares from 2020 to 2025.")]
    check = verifier.check("Hai Phong has established 15 industrial parks covering 6,200 hectares.", plan, "How many parks?")
    assert not check.supported and "goal or plan" in check.reason
    assert verifier.check("Hai Phong aims to develop 15 industrial parks covering 6,200 hectares.", plan, "How many?").supported


def test_a_figure_of_another_span_year_or_measure_is_caught(verifier):
    """The model may put the question's period or measure on a figure its evidence states of another one."""
    eight_months = [Evidence(Sentence("c#0", "k.txt", "t", "2024-09-13", 0, 40, "올해 1~8월 박닌성의 FDI 유치액은 약 34억7000만 달러로 집계됐다."), 1.0, 0.9)]
    assert verifier.check("2024년 1~8월 박닌성의 FDI 유치액은 약 34억7000만 달러입니다.", eight_months, "2024년 1~8월?").supported
    half_year = verifier.check("2024년 상반기 박닌성의 FDI 유치액은 약 34억7000만 달러입니다.", eight_months, "2024년 상반기?")
    assert not half_year.supported and "period" in half_year.reason
    assert not verifier.check("2025년 1~8월 박닌성의 FDI 유치액은 약 34억7000만 달러입니다.", eight_months, "2025년 1~8월?").supported
    investment = [_ev("이번 투자로 삼성의 박닌성 누적 투자액은 65억 달러에서 83억 달러로 28% 늘어난다.")]
    assert verifier.check("삼성의 누적 투자액은 83억 달러입니다.", investment, "얼마?").supported
    assert not verifier.check("삼성디스플레이 공장의 매출은 83억 달러입니다.", investment, "매출은?").supported


def test_a_bare_figure_is_no_sentence_to_cite(verifier):
    """The model's "320." repeats a number the evidence holds but says nothing a reader can use."""
    assert verifier.supporting("320.", EVIDENCE, "How many projects?", "en") == []
    assert verifier.supporting("Korea has 320 projects in Hai Phong.", EVIDENCE, "How many projects?", "en")


def test_a_figure_of_another_place_in_its_clause_is_not_the_asked_one(verifier):
    """"…, while Hanoi stayed at US$129/m²" is no rent of Bắc Ninh; the rent of Bắc Ninh in the same
    sentence is, and a figure whose clause names what the answer names stays supported."""
    rents = [_ev("The average asking rent in Bac Ninh rose to US$106/m², while Hanoi stayed at US$129/m².")]
    question = "What is the average land rent in Bac Ninh?"
    wrong = verifier.check("The average land rent in Bac Ninh is US$129/m².", rents, question)
    assert not wrong.supported and "another" in wrong.reason
    assert verifier.check("The average land rent in Bac Ninh is US$106/m².", rents, question).supported
    assert verifier.check("Hanoi stayed at US$129/m².", rents, "And Hanoi?").supported


def test_a_sentence_cites_the_evidence_whose_words_it_copies():
    """A heading can be closer to the answer's sentence than the list it heads; when it shares no run of three
    words with the sentence and the list does, the sentence is cited to the list."""
    verifier = Verifier(FakeEmbedder(), support_similarity=0.75)
    heading = _ev("By 2030 Da Nang to become aims a city, centrally-run, meeting urban criteria type-I.")
    listing = _ev("By 2030 the plan has these aims: a centrally-run city meeting type-I urban criteria, exports of 50 billion USD.")
    sentence = "Da Nang aims to become a centrally-run city meeting type-I urban criteria by 2030."
    check = verifier.check(sentence, [heading, listing], "What status does Da Nang aim for by 2030?")
    assert check.supported and check.evidence == (1,)
