"""Normalisation of figures and questions."""

import pytest

from hpassist.language import detect_language, written_in
from hpassist.query import QuestionError, parse_query
from hpassist.text import canonical_number, fold, quantities


def test_fold():
    assert fold("Hải Phòng ĐÀ NẴNG") == "hai phong da nang"


@pytest.mark.parametrize("raw, canonical", [("15,4", "15.4"), ("14.2", "14.2"), ("6.100", "6100"), ("6,200", "6200"), ("320", "320")])
def test_canonical_number(raw, canonical):
    assert canonical_number(raw) == canonical


def test_quantities_apply_scale_words():
    assert quantities("15,4 tỷ USD") == quantities("US$15.4 billion") == {15.4e9}
    assert quantities("12 million USD") != quantities("gần 12 tỷ USD")
    assert quantities("154억 달러") == {15.4e9}


@pytest.mark.parametrize(
    "text, lang",
    [("How much has Korea invested?", "en"), ("Hàn Quốc đã đầu tư bao nhiêu?", "vi"), ("한국은 얼마나 투자했나요?", "ko"), ("Han Quoc dau tu bao nhieu", "vi"), ("中国投资多少", "zh")],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_written_in():
    assert written_in("Korea has invested US$14.2 billion in Hải Phòng.", "en")
    assert not written_in("Hàn Quốc đã đầu tư 15,4 tỷ USD vào Hải Phòng.", "en")
    assert not written_in("Korea invested 15.4 billion.", "ko")


def test_query_expansion_is_cross_lingual():
    q = parse_query("How much has Korea invested in Hai Phong?", 120, 4000)
    assert "Hàn Quốc" in q.pivot and "đầu tư" in q.pivot
    assert q.asks_quantity and q.language == "en"
    ko = parse_query("한국은 하이퐁에 얼마나 투자했나요?", 120, 4000)
    assert ko.language == "ko" and "đầu tư" in ko.keywords


@pytest.mark.parametrize("bad", ["", "   ", "?", "😀😀😀", "\x00\x01", "12345"])
def test_unusable_questions_get_a_clear_message(bad):
    with pytest.raises(QuestionError, match="question"):
        parse_query(bad, 120, 4000)


def test_unsupported_script_is_declined_politely():
    with pytest.raises(QuestionError, match="English, Vietnamese or Korean"):
        parse_query("การลงทุนของเกาหลีในไฮฟองเป็นเท่าไร", 120, 4000)


def test_huge_question_is_truncated_by_tokens():
    q = parse_query("How much has Korea invested in Hai Phong? " * 5000, 120, 4000)
    assert q.truncated and len(q.text) < 1000


def test_korean_national_is_not_country():
    concepts = lambda text: {c.english[0] for c in parse_query(text, 120, 4000).all_concepts}  # noqa: E731
    assert "country" not in concepts("충북에는 한국의 국가 의료기관이 몇 개 모여 있습니까?")
    assert "country" in concepts("하이퐁에 투자한 국가는 몇 개입니까?")
    assert "country" in concepts("몇 개 국가와 지역이 하이퐁에 투자했습니까?")


def test_no_break_spaces_are_spaces():
    """Sources write "phụ tùng\xa0ô tô": the glossary's "phụ tùng ô tô" must still be found there."""
    assert fold("phụ tùng\xa0ô tô") == "phu tung o to"
    auto_parts = next(c for c in parse_query("auto parts?", 120, 4000).all_concepts if c.english[0] == "auto parts")
    assert auto_parts.found_in("điện tử, phụ tùng\xa0ô tô và máy móc")


def test_matching_a_prepared_corpus_agrees_with_plain_matching():
    """The gate checks concepts against the whole corpus once lowered, with its word set to rule terms out."""
    from hpassist.domain import glossary, lower_text, vocabulary

    corpus = "Các dự án tập trung vào điện tử, phụ tùng\xa0ô-tô và máy móc. 한국은 하이퐁의 최대 투자국이다. Invests in parks."
    lowered = lower_text(corpus)
    words = vocabulary(lowered)
    for concept in glossary():
        assert concept.found_in_lowered(lowered, words) == concept.found_in(corpus), concept.english[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("US$106 per m² per lease term", [(106.0, "USD/m2")]),
        ("giá thuê 95 USD/m2/chu kỳ", [(95.0, "USD/m2")]),
        ("1.840 ha for lease", [(1840.0, "ha")]),
        ("34억7000만 달러", [(3.47e9, "USD")]),
        ("46억8천만 달러", [(4.68e9, "USD")]),
        ("약 2조4000억원", [(2.4e12, "KRW")]),
        ("6만6000㎡", [(66000.0, "m2")]),
        ("253,8 nghìn tỷ đồng", [(2.538e14, "VND")]),
        ("4.718,6 km2 và 3,6 triệu dân", [(4718.6, "km2"), (3.6e6, "people")]),
        ("16 ngành nghề, 320 dự án, 60,04%", [(16.0, None), (320.0, "projects"), (60.04, "%")]),
        ("5G and the 2nd plant", []),
        # a price per month, per year, per kWh or per m³; Korean writes the divisor first
        ("lương tối thiểu 4.960.000 đồng/tháng", [(4.96e6, "VND/month")]),
        ("US$4.5 per square metre per month", [(4.5, "USD/m2/month")]),
        ("around 2,000 VND/kWh", [(2000.0, "VND/kWh")]),
        ("㎡당 130달러", [(130.0, "USD/m2")]),
        ("산업용 전기요금은 ㎾h당 약 120원", [(120.0, "KRW/kWh")]),
        ("the plant employs 3,000 people a year", [(3000.0, "people")]),  # only a price is divided
    ],
)
def test_figures_carry_their_units(text, expected):
    from hpassist.text import figures

    assert [(f.value, f.unit) for f in figures(text)] == [(pytest.approx(v), u) for v, u in expected]


@pytest.mark.parametrize(
    "question, units",
    [
        ("What is the land lease price per square metre at the park?", "USD"),
        ("Giá thuê đất trong các khu công nghiệp là bao nhiêu?", "USD"),
        ("박닌성의 최저임금은 얼마입니까?", "USD"),
        ("How much does it cost to lease a square metre of land there?", "USD"),  # 'a square metre' divides
        ("What was the GRDP growth rate in 2025?", "%"),
        ("Thuế suất thuế giá trị gia tăng là bao nhiêu?", "%"),  # 'giá trị' (value) is no price
        ("Có bao nhiêu quốc gia đầu tư vào tỉnh?", ""),  # 'quốc gia' is not 'giá'
        ("Huyện Lương Tài có bao nhiêu khu công nghiệp và tổng diện tích bao nhiêu?", "ha"),  # a place, no wage
        ("How many workers does the plant employ?", "people"),  # a count of people needs one
        ("근로자는 몇 명입니까?", "people"),
        ("What is done for workers?", ""),  # no figure asked
        ("Hàn Quốc có bao nhiêu dự án tại tỉnh?", ""),  # "2,075 valid FDI projects": counts take adjectives
        ("How much did the company invest in its project?", ""),  # money, not a count of projects
        ("What is the city doing to make land cheaper?", ""),  # no figure asked
    ],
)
def test_the_kind_of_figure_a_question_asks_for(question, units):
    assert (parse_query(question, 120, 4000).asks_units[:1] or ("",))[0] == units


def test_a_rate_answers_in_its_currency():
    from hpassist.text import fits

    money = ("USD", "VND")
    assert fits("VND/month", money) and fits("USD/m2", money) and fits("USD", money)
    assert not fits("ha", money) and not fits(None, money)


def test_dates_are_found_as_written():
    from hpassist.text import dates

    found = [d for d, _ in dates("Ngày 23/4/2024 (từ ngày 22/4 – 27/4), năm 2008, giai đoạn 2020–2025, May 20, 2025, 4월 22일")]
    assert found == ["23/4/2024", "22/4 – 27/4", "2008", "2020–2025", "May 20, 2025", "4월 22일"]


def test_a_single_vietnamese_syllable_is_told_from_a_foreign_name():
    from hpassist.text import is_vietnamese_syllable

    assert all(is_vietnamese_syllable(w) for w in ("Trung", "Đại", "Quân", "Bộ"))
    assert not any(is_vietnamese_syllable(w) for w in ("Ecovance", "Seoul", "Heesung", "SKC"))


def test_korean_keyword_tokens_are_syllable_pairs_so_particles_do_not_hide_a_term():
    from hpassist.text import keyword_tokens

    tokens = keyword_tokens("현재 박닌성에는 FDI 사업 누적 등록 자본은")
    assert {"박닌", "누적", "등록", "자본", "fdi", "사업"} <= set(tokens)
    assert keyword_tokens("Bắc Ninh") == ["bac", "ninh"]


@pytest.mark.parametrize(
    "question, names",
    [
        # a park's name holds the province's: one name, not "VSIP" and "II"
        ("What is the land rent per square metre at VSIP Bac Ninh II?", ("VSIP Bac Ninh II",)),
        # after the word for a district, common syllables are its name, in either case
        ("Huyện Lương Tài có bao nhiêu khu công nghiệp?", ("Lương Tài",)),
        ("Bắc Ninh có bao nhiêu KCN ở huyện Lương Tài?", ("Lương Tài",)),
        ("Which Korean companies opened plants in Hai Phong and Bac Ninh in 2024?", ()),
        # capitalised common syllables side by side are a place no glossary line needs to know
        ("Hàn Quốc đã đầu tư bao nhiêu vốn vào Đà Nẵng?", ("Đà Nẵng",)),
        ("How many projects has South Korea invested in in Da Nang?", ("Da Nang",)),
        # a possessive ends a name; an apostrophe inside one does not
        ("How much revenue did Innotek's Hai Duong plant post?", ("Innotek", "Hai Duong")),
        ("What did O'Neil Group’s chairman say?", ("O'Neil Group",)),
    ],
)
def test_names_in_questions(question, names):
    assert parse_query(question, 120, 4000).names == names


def test_capitalised_words_across_a_dash_are_no_pair():
    """'Việt – Hàn' is two countries side by side, not a name every answer must hold."""
    names = parse_query("Lãnh đạo nào đã dự buổi giao lưu hợp tác Việt – Hàn năm nay?", 120, 4000).names
    assert not any("–" in name for name in names)


def test_a_korean_rate_noun_asks_for_a_percentage():
    assert parse_query("박닌성 산업단지 입주 기업의 법인세 감면율은 얼마입니까?", 120, 4000).asks_units == ("%", "pp")
    assert parse_query("하이퐁의 법률은 무엇입니까?", 120, 4000).asks_units == ()  # 법률 is a law, and no figure is asked


@pytest.mark.parametrize(
    "name, korean, same",
    [
        ("Hana Micron", "하나마이크론비나는", True),  # the Vietnamese arm, with its particle
        ("Samsung Display", "삼성디스플레이가", True),
        ("Foxconn", "폭스콘은", True),
        ("Hana Micron", "삼성전자", False),
        ("Canon", "캐논", False),  # too short to tell from chance
    ],
)
def test_a_latin_name_is_found_in_hangul_by_its_sound(name, korean, same):
    from hpassist.text import names_in_hangul

    assert names_in_hangul(f"앞 문장에서 {korean} 말했다.", name) == same


def test_names_a_korean_article_glosses_in_brackets() -> None:
    """"앰코테크놀로지(Amkor Technology)" glosses a name; a word and its abbreviation ("법인(SEV)") do not."""
    from hpassist.text import glossed_names

    text = "앰코테크놀로지(Amkor Technology)가 문을 열었다. 삼성전자 법인(SEV)과 외국인직접투자(FDI), 고어텍(Goertek)."
    assert glossed_names(text) == [("Amkor Technology", "앰코테크놀로지"), ("Goertek", "고어텍")]


def test_a_latin_term_takes_a_korean_particle_and_a_korean_compound_its_spacing():
    """"FDI는" names FDI (Korean particles attach to Latin words too); "외국인직접투자" is the glossary's
    "외국인 직접 투자" written as one compound, as Korean news often does. "FDIs" stays another word."""
    from hpassist.text import has_name

    fdi = next(c for c in parse_query("FDI?", 120, 4000).all_concepts if c.english[0] == "FDI")
    assert "FDI" in {c.english[0] for c in parse_query("2024년 다낭시가 유치한 FDI는 얼마입니까?", 120, 4000).all_concepts}
    assert fdi.found_in("다낭시의 외국인직접투자 유치액")
    assert not fdi.found_in("FDIs") and not fdi.found_in("xFDI")
    assert has_name(fold("LG이노텍은 Innotek의 공장을"), "Innotek") and not has_name(fold("Innoteks"), "Innotek")


@pytest.mark.parametrize(
    "sentence, leans",
    [
        ("At a ceremony on March 3 the province handed the company a licence lifting the facility's capital.", True),
        ("Nhà máy này sử dụng hơn 30.000 lao động.", True),
        ("Goertek Vina runs a plant in Que Vo.", False),
    ],
)
def test_a_sentence_that_refers_back_to_a_company_continues_the_one_before(sentence, leans):
    from hpassist.domain import continues

    assert continues(sentence) is leans


def test_to_what_amount_asks_for_a_quantity():
    assert parse_query("In March 2022, to what amount was the firm allowed to raise its capital?", 120, 4000).asks_quantity
