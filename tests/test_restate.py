"""The figure a quantity question asks for, restated from its evidence in the reader's language."""

import pytest

from hpassist.query import parse_query
from hpassist.restate import listed, named, office_of, restated

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


ZONES = (
    "Đến nay, TP Hải Phòng đã có 14 KCN được thành lập với tổng diện tích 6.100 ha (3 KCN giai đoạn "
    "1993-2007; 9 KCN giai đoạn 2008-2013), 1 KKT với tổng diện tích 22.540 ha (thành lập năm 2008)."
)


def test_every_asked_figure_is_restated_in_the_order_the_source_gives_them() -> None:
    query = _q("Hải Phòng có bao nhiêu khu công nghiệp, với tổng diện tích bao nhiêu?")
    assert restated(ZONES, query, "vi") == "14 khu công nghiệp; 6.100 ha"


def test_a_figure_belongs_to_the_thing_counted_before_it() -> None:
    """The economic zone's area and founding year, not the parks' area or their periods."""
    query = _q("How large is Hai Phong's economic zone, and when was it established?")
    assert restated(ZONES, query, "en") == "22,540 ha; 2008"


def test_a_when_question_gets_the_dates_the_source_writes() -> None:
    sentence = "Ngày 23/4/2024, trong khuôn khổ chuyến công tác tại Hàn Quốc (từ ngày 22/4 – 27/4), đoàn đã làm việc."
    assert restated(sentence, _q("On which dates did the delegation visit Korea in 2024?"), "en") == "23/4/2024; 22/4 – 27/4"


@pytest.mark.parametrize(
    ("sentence", "question", "expected"),
    [
        (  # the name the question's noun introduces, not another company of the sentence
            "Ban Quản lý Khu kinh tế Hải Phòng và Công ty TNHH Ecovance Việt Nam đã ký biên bản ghi nhớ (ESG).",
            "Ban Quản lý Khu kinh tế Hải Phòng đã ký biên bản ghi nhớ với công ty nào?",
            ["Ecovance Việt Nam"],
        ),
        (  # a person: the name a title introduces; the role the question gives is no answer
            "Dự có đồng chí Lê Anh Quân, Uỷ viên Ban Thường vụ Thành uỷ, Chủ tịch Hội Hữu nghị thành phố.",
            "Ai là Chủ tịch Hội Hữu nghị thành phố?",
            ["Lê Anh Quân (Uỷ viên Ban Thường vụ Thành uỷ, Chủ tịch Hội Hữu nghị thành phố)"],
        ),
        (  # a name that opens the sentence, in an English source, for a Korean question (the English office
            # is not the reader's language: not stated)
            "Seog Myeong Gug, chairman of KOCHAM Hải Phòng, highlighted the event.",
            "KOCHAM 하이퐁 회장은 누구입니까?",
            ["Seog Myeong Gug"],
        ),
        (  # the names listed together
            "Nhiều tập đoàn Hàn Quốc lớn như Jeil Group và SK Group đã lựa chọn Hải Phòng.",
            "Những tập đoàn lớn nào của Hàn Quốc đã chọn Hải Phòng?",
            ["Jeil Group", "SK Group"],
        ),
        (  # co-organisers with their short forms; no name inside the title the question quotes
            'The "Matching Your Future - Connecting Talents from Taiwan" program was organized by the Hai Phong '
            "Economic Zone Authority (HEZA) in collaboration with the Southeast Influence Alliance Asia (SIA).",
            "Chương trình “Matching Your Future” do những đơn vị nào tổ chức?",
            ["Hai Phong Economic Zone Authority (HEZA)", "Southeast Influence Alliance Asia (SIA)"],
        ),
        (  # the place asked for, though its first word is one of the question's ("Bắc" of Bắc Ninh)
            "Tỉnh Bắc Ninh mới: hơn 4.700 km2, trung tâm hành chính đặt tại Bắc Giang",
            "박장성과 합병한 새 박닌성의 행정 중심지는 어디입니까?",
            ["Bắc Giang"],
        ),
    ],
)
def test_the_asked_name_is_stated(sentence: str, question: str, expected: list[str]) -> None:
    assert named(sentence, _q(question))[0] == expected


def test_no_name_for_a_question_that_asks_for_none_or_gives_it() -> None:
    sentence = "Ông Lê Tiến Châu – Bí thư Thành ủy Hải Phòng nhấn mạnh hợp tác."
    assert named(sentence, _q("Hải Phòng muốn hợp tác trong lĩnh vực gì?")).names == []
    assert named(sentence, _q("Who is Lê Tiến Châu?"))[0] == []


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # "how much" with no kind named: the figure nearest the question's words, in the reader's language
        ("GRDP bình quân đầu người là bao nhiêu?", "GRDP bình quân đầu người ước đạt 5.852 USD, gấp 1,16 lần cả nước.", "5.852 USD"),
        ("1인당 GRDP는 얼마입니까?", "GRDP bình quân đầu người ước đạt 5.852 USD, gấp 1,16 lần cả nước.", "5,852달러"),
        ("GRDP giảm bao nhiêu?", "Năm 2023, GRDP của tỉnh giảm 9,28% so với năm trước.", "9,28%"),
        # a rent per square metre keeps its "per", other currencies their scale
        ("What is the average asking rent?", "The average asking rent rose to US$106/m², roughly 2.43 million VND.", "US$106/m²"),
        # a wage keeps its "per month" in the reader's language; Korean writes the square metre first
        ("What is the minimum wage?", "Mức lương tối thiểu vùng I là 4.960.000 đồng/tháng.", "4.96 million VND/month"),
        ("최저임금은 얼마입니까?", "Mức lương tối thiểu vùng I là 4.960.000 đồng/tháng.", "496만동/월"),
        ("Giá thuê đất là bao nhiêu?", "평균 임대료는 ㎡당 130달러다.", "130 USD/m²"),
        ("How much did the plant cost?", "Nhà máy có vốn 1,3 nghìn tỷ won.", "1.3 trillion won"),
        ("Nhà máy có vốn bao nhiêu?", "The plant cost 2.43 million VND.", "2,43 triệu đồng"),
        ("How many workers does the park employ?", "Khu công nghiệp sử dụng 12.500 lao động.", "12,500 people"),
    ],
)
def test_a_quantity_question_gets_its_figure_in_any_unit(question: str, sentence: str, expected: str) -> None:
    query = _q(question)
    assert restated(sentence, query, query.language) == expected


def test_a_figure_of_another_kind_is_not_restated_for_a_kind_asked() -> None:
    # a rent question with only an area: nothing, not the nearest figure
    assert restated("Khu công nghiệp còn 1.840 ha đất cho thuê.", _q("How much is the rent?"), "en") is None


SECTORS = "Các dự án tập trung chủ yếu vào các lĩnh vực như: điện tử, phụ tùng ô tô và máy móc."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which sectors are the projects concentrated in?", ["electronics", "auto parts", "machinery"]),
        ("프로젝트는 주로 어떤 분야에 집중되어 있습니까?", ["전자", "자동차 부품", "기계"]),
        ("Các dự án tập trung vào những lĩnh vực nào?", ["điện tử", "phụ tùng ô tô", "máy móc"]),
        ("In which electronics fields are the projects?", ["auto parts", "machinery"]),  # not what it names
    ],
)
def test_the_listed_topics_are_named_in_the_readers_language(question: str, expected: list[str]) -> None:
    query = _q(question)
    assert listed(SECTORS, query, query.language) == expected


def test_no_list_for_one_topic_or_a_question_that_asks_for_none() -> None:
    assert listed("Dự án tập trung vào lĩnh vực điện tử.", _q("Which sectors do the projects focus on?"), "en") == []
    # ... unless it is the best sentence's one topic ("which sector drove growth?": manufacturing did)
    driver = "Trong đó khu vực sản xuất công nghiệp đóng vai trò then chốt cho tăng trưởng."
    assert listed(driver, _q("Which sector was the key driver of growth?"), "en", single=True) == ["industrial production"]
    assert listed(SECTORS, _q("How many projects are there?"), "en") == []


def test_a_name_with_the_questions_words_beside_it_is_the_surer_answer() -> None:
    # both names have a title before them; the question's words describe only the first
    question = _q("Ai là Chủ tịch kiêm Tổng giám đốc Khu kinh tế tự do Chungbuk?")
    described = named("Ông Maeng Gyeong Jae - Chủ tịch kiêm Tổng giám đốc Khu kinh tế tự do Chungbuk cho biết.", question)
    other = named("Đó là chia sẻ của ông Lê Trung Kiên – Trưởng ban BQL KKT Hải Phòng với đoàn Khu kinh tế tự do Chungbuk.", question)
    assert described.names == ["Maeng Gyeong Jae (Chủ tịch kiêm Tổng giám đốc Khu kinh tế tự do Chungbuk)"]
    assert described.introduced  # "Ông" opens the name
    assert other.introduced and described.near > other.near


@pytest.mark.parametrize(
    ("sentence", "name", "office"),
    [
        # appositions after the name, up to the verb; a place inside an office stays in it
        (
            "Cùng dự có ông Phạm Tiến Vân, nguyên Đại sứ Việt Nam tại Hàn Quốc, Phó chủ tịch Hội Hữu nghị Việt Nam – Hàn Quốc;",
            "Phạm Tiến Vân",
            "nguyên Đại sứ Việt Nam tại Hàn Quốc, Phó chủ tịch Hội Hữu nghị Việt Nam – Hàn Quốc",
        ),
        # after a dash, ended by a preposition before a common noun
        ("Đó là chia sẻ của ông Lê Trung Kiên – Trưởng ban BQL KKT Hải Phòng tại buổi làm việc.", "Lê Trung Kiên", "Trưởng ban BQL KKT Hải Phòng"),
        # before the name, back to its clause, with the capitalised modifier
        (
            "Hải Phòng is committed to FDI, Permanent Vice Chairman of the municipal People’s Committee Lê Anh Quân stated.",
            "Lê Anh Quân",
            "Permanent Vice Chairman of the municipal People’s Committee",
        ),
        # the organisation an office is "of" is no person; a name with no office beside it has none
        ("Seog Myeong Gug, chairman of the Korean Chamber of Commerce, spoke.", "Korean Chamber", None),
        ("Ông Lê Tiến Châu nhấn mạnh hợp tác.", "Lê Tiến Châu", None),
    ],
)
def test_a_persons_office_is_read_beside_the_name(sentence: str, name: str, office: str | None) -> None:
    start = sentence.index(name)
    assert office_of(sentence, start, start + len(name)) == office


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # side by side, two terms name one thing: its kind in Vietnamese comes after ("công nghệ bán dẫn")
        ("Thu hút đầu tư vào các lĩnh vực: điện tử, công nghệ bán dẫn, sản xuất chip, năng lượng tái tạo.",
         ["electronics", "semiconductor", "renewable energy"]),
        # … and before it in English; a verb before the list is no part of it
        ("Investors favour semiconductor technology, electronics and logistics.", ["semiconductor", "electronics", "logistics"]),
    ],
)
def test_listed_things_of_several_words_are_one_topic_each(sentence: str, expected: list[str]) -> None:
    assert listed(sentence, _q("Which sectors are the projects in?"), "en") == expected


def test_a_count_of_things_no_unit_names_is_stated_bare() -> None:
    sentence = "Khu vực này tập trung 6 cơ quan y tế của quốc gia Hàn Quốc từ ngày 22/9 năm 2023."
    assert restated(sentence, _q("충북에는 한국의 국가 의료기관이 몇 개 모여 있습니까?"), "ko") == "6개"
    assert restated("Ngày 22/9 năm 2023, đoàn đã làm việc.", _q("Có bao nhiêu đoàn?"), "vi") is None  # dates are no counts


def test_every_kind_of_figure_asked_is_stated() -> None:
    sentence = "Tỉnh Bắc Ninh mới có diện tích tự nhiên 4.718,6 km2 và quy mô dân số 3.619.433 người."
    question = _q("What are the area and the population of the new Bac Ninh province?")
    assert restated(sentence, question, "en") == "4,718.6 km²; 3,619,433 people"
