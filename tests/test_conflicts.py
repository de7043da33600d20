"""Figures that change over time are told apart by date, newest first."""

import pytest

from hpassist.conflicts import local_figures


def test_local_figures_keep_units_and_decimals():
    assert [f.written for f in local_figures("với tổng số 183 dự án và tổng vốn đầu tư đăng ký đạt 11,5 tỷ USD.")] == ["183 dự án", "11,5 tỷ USD"]
    assert [f.written for f in local_figures("with US$14.2 billion across 186 projects.")] == ["US$14.2 billion", "186 projects"]


def test_national_totals_are_not_local_figures():
    text = "Hiện nay, Hàn Quốc đã đầu tư 85,9 tỷ USD tại Việt Nam, trong đó, tổng vốn đầu tư tại Hải Phòng là gần 12 tỷ USD (chiếm 14% cả nước)."
    assert [f.written for f in local_figures(text) if f.unit == "usd"] == ["gần 12 tỷ USD"]
    assert [f.written for f in local_figures(text, national=True) if f.unit == "usd"] == ["85,9 tỷ USD"]
    assert [f.render("en") for f in local_figures(text) if f.unit == "percent"] == ["14%"]  # a share of the national total


def test_figures_are_restated_in_the_reader_language_with_the_same_value():
    from hpassist.text import quantities

    (projects, money) = local_figures("với 320 dự án và tổng vốn đăng ký đầu tư lên tới hơn 15,4 tỷ USD, tiếp tục")
    assert money.render("en") == "more than US$15.4 billion"
    assert money.render("vi") == "hơn 15,4 tỷ USD"
    assert money.render("ko") == "154억 달러 이상"
    assert projects.render("ko") == "320개 프로젝트"
    for language in ("en", "vi", "ko"):
        assert quantities(money.render(language)) == quantities("15,4 tỷ USD")


@pytest.mark.parametrize(
    "value, korean",
    [(1.434e10, "143억4000만"), (8.609e8, "8억6090만"), (4.76e10, "476억"), (1.3e12, "1조3000억"), (5.25e7, "5250만")],
)
def test_a_korean_sum_is_written_in_jo_eok_and_man(value, korean):
    """As Korean news writes it ('143억4000만 달러'), not '143.4억'; and read back to the same value."""
    from hpassist.conflicts import korean_amount
    from hpassist.text import quantities

    assert korean_amount(value) == korean
    assert quantities(f"{korean} 달러") == {value}


def _report(text: str, date: str | None, source: str):
    from hpassist.conflicts import Report
    from hpassist.schema import Evidence, Sentence

    sentence = Sentence(f"{source}#0", source, source, date, 0, len(text), text)
    return Report(Evidence(sentence, 1.0, 0.9), local_figures(text))


def test_a_trend_per_measure_has_a_point_per_dated_source_numbered_as_cited():
    from hpassist.conflicts import older_differing, trends

    found = [
        _report("with 320 projects and more than US$15.4 billion", "2026", "a"),
        _report("with US$14.2 billion across 186 projects", "2025-05-20", "b"),
        _report("with 320 projects and more than US$15.4 billion", "2025", "a2"),  # the newest figures: not named again
        _report("reaching US$10 billion", "2023-08", "c"),
        _report("reaching US$9 billion", None, "d"),  # undated: cannot be placed on a time axis
    ]
    shown = found[:1] + older_differing(found)
    assert [r.evidence.sentence.source for r in shown] == ["a", "b", "c", "d"]
    numbers = {"a": 1, "b": 2, "c": 3, "d": 4}
    projects, money = trends(shown, lambda ev: numbers[ev.sentence.source], "vi")
    assert money.measure == "usd" and projects.measure == "projects"
    assert [(p.date, p.value, p.label, p.citation) for p in money.points] == [
        ("2026", 15.4e9, "hơn 15,4 tỷ USD", 1), ("2025-05-20", 14.2e9, "14,2 tỷ USD", 2), ("2023-08", 10e9, "10 tỷ USD", 3)
    ]
    assert [p.citation for p in projects.points] == [1, 2]


def test_no_trend_from_a_single_figure():
    from hpassist.conflicts import trends

    assert trends([_report("reaching US$10 billion", "2023-08", "c")], lambda ev: 1, "en") == []
    assert trends([], lambda ev: 1, "en") == []


def test_a_sentence_that_names_the_entity_is_its_report_over_one_whose_document_does():
    """A month's certificates ("gần 1 tỷ USD") in an article that names Korea elsewhere are not Korea's total."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    certificates = "Hội nghị trao giấy chứng nhận đầu tư cho các dự án với tổng số vốn đăng ký đầu tư gần 1 tỷ USD."
    total = "Hiện các doanh nghiệp Hàn Quốc đã đầu tư 10 tỷ USD vào địa phương này."
    ranked = [
        Evidence(Sentence(f"a.txt#{i}", "a.txt", "a", "2023-08", 0, len(text), text), 1.0 - i / 10, 0.9)
        for i, text in enumerate([certificates, total])
    ]
    query = parse_query("How much has Korea invested in Hai Phong and how many projects?", 120, 4000)
    found = reports(query, ranked, 0.5, {"a.txt": f"{certificates} {total}"})
    assert [f.value for f in found[0].figures] == [1e10]


def test_a_vietnamese_figure_keeps_its_decimal_comma_before_three_digits():
    """"21,145 tỷ USD" is 21.145 billion in Vietnamese, not 21 thousand billion."""
    from hpassist.text import figures

    (figure,) = [f for f in local_figures("1.284 dự án FDI với tổng vốn 21,145 tỷ USD") if f.unit == "usd"]
    assert figure.value == 21.145e9 and figure.render("en") == "US$21.145 billion"
    assert [f.value for f in figures("21,145 tỷ USD và 1.100 tỷ đồng")] == [21.145e9, 1.1e12]


def test_a_report_gives_a_sentence_total_not_its_parts():
    from hpassist.conflicts import _first_per_unit

    parts = local_figures("The province licensed 510 projects, 394 projects new and 116 projects adjusted, worth US$11.2 billion.")
    assert [f.written for f in _first_per_unit(parts)] == ["510 projects", "US$11.2 billion"]


def test_korean_and_bare_dollar_figures_are_reports_and_the_country_is_not_the_province():
    assert [f.render("en") for f in local_figures("3,363건의 FDI 사업이 진행 중이며 누적 등록 자본은 476억 달러를 넘는다")] == [
        "3,363 projects", "more than US$47.6 billion"]
    assert [f.render("en") for f in local_figures("total registered capital of nearly $31.3 billion")] == ["nearly US$31.3 billion"]
    assert local_figures("Lũy kế đến 20/6, Việt Nam có 40.544 dự án với tổng vốn đăng ký 484,77 tỷ USD.") == ()


def test_of_a_change_the_report_is_where_it_ended():
    from hpassist.conflicts import _first_per_unit

    for text in ("Samsung raised its capital from US$6.5 billion to US$8.3 billion.",
                 "Vốn của Samsung tăng từ 6,5 tỷ USD lên 8,3 tỷ USD.",
                 "삼성의 누적 투자액은 기존 65억 달러(약 8조7000억원)에서 83억 달러로 늘어난다."):
        assert [f.value for f in _first_per_unit(local_figures(text), text)] == [8.3e9]


def test_a_part_of_another_scope_is_no_report_of_the_whole():
    """"Riêng các khu công nghiệp của X" states X's parks alone; "Riêng Hàn Quốc" answers a question about Korea."""
    from hpassist.conflicts import _part_of_another
    from hpassist.query import parse_query

    total = parse_query("What is the total registered FDI capital in the province so far?", 120, 4000)
    korea = parse_query("How much has Korea invested in the province?", 120, 4000)
    parks = "Riêng các khu công nghiệp của Bắc Giang (cũ) tính đến đầu năm 2025 có 510 dự án còn hiệu lực."
    assert _part_of_another(total, parks) and _part_of_another(total, "Of these, 1,560 projects are Korean.")
    assert not _part_of_another(korea, "Riêng Hàn Quốc có 960 dự án với 14 tỷ USD.")
    assert _part_of_another(total, "Riêng Hàn Quốc có 960 dự án với 14 tỷ USD.")
    assert not _part_of_another(total, "Tỉnh có 3.363 dự án còn hiệu lực.")


def test_a_running_total_whose_document_alone_names_the_subject_does_not_displace_the_subjects_figures():
    """"하이퐁에 대한 한국의 누적 등록 투자액" is Korea's total, not the city's "lũy kế … 494 dự án" in an article
    that names Korea elsewhere, though only the latter says "cumulative"."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    korea = "Hàn Quốc hiện có 320 dự án với tổng vốn đầu tư hơn 15,4 tỷ USD."
    city = "Lũy kế đến hết tháng 8/2023, các KKT, KCN đã thu hút được 494 dự án với tổng vốn khoảng 24,9 tỷ USD."
    ranked = [
        Evidence(Sentence("b.txt#0", "b.txt", "b", "2023-08", 0, len(city), city), 1.0, 0.9),
        Evidence(Sentence("a.txt#0", "a.txt", "a", "2026", 0, len(korea), korea), 0.9, 0.9),
    ]
    query = parse_query("하이퐁에 대한 한국의 누적 등록 투자액은 얼마입니까?", 120, 4000)
    found = reports(query, ranked, 0.5, {"a.txt": korea, "b.txt": f"Doanh nghiệp Hàn Quốc. {city}"})
    assert [f.value for f in found[0].figures if f.unit == "usd"] == [15.4e9]


def _ranked(*texts: str):
    from hpassist.schema import Evidence, Sentence

    return [
        Evidence(Sentence(f"{i}.txt#0", f"{i}.txt", str(i), f"202{i}", 0, len(t), t), 1.0 - i / 10, 0.9)
        for i, t in enumerate(texts)
    ]


def test_a_figure_whose_subject_is_another_country_or_company_is_no_report_of_the_asked_one():
    """"…, Hàn Quốc đứng đầu với 960 dự án" is Korea's count, not the province's; Samsung's sum is not Korea's
    (the place where something is invested is no subject: "invested US$22 billion in Bac Ninh")."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    korea = "Trong số 39 quốc gia có dự án tại Bắc Ninh, Hàn Quốc đứng đầu với 960 dự án."
    province = "Bắc Ninh hiện có 1.767 dự án FDI còn hiệu lực."
    ranked = _ranked(korea, province)
    documents = {"0.txt": korea, "1.txt": province}
    total = reports(parse_query("How many FDI projects does Bac Ninh have?", 120, 4000), ranked, 0.5, documents)
    assert [[f.value for f in r.figures] for r in total] == [[1767]]
    among = "Hàn Quốc đang là quốc gia đứng đầu trong số 39 quốc gia và vùng lãnh thổ đầu tư vào Bắc Ninh."
    countries = reports(parse_query("How many countries have invested in Bac Ninh?", 120, 4000), _ranked(among), 0.5, {})
    assert [[f.value for f in r.figures] for r in countries] == [[39]]  # the whole Korea is one of
    of_korea = reports(parse_query("How many projects does Korea have in Bac Ninh?", 120, 4000), ranked, 0.5, documents)
    assert [[f.value for f in r.figures] for r in of_korea] == [[960]]

    samsung = "Samsung has invested US$22.4 billion in Bac Ninh."
    by_samsung = _ranked("Korean firms in the province are led by Samsung, with US$22.4 billion.", samsung)
    found = reports(parse_query("How much has Korea invested in Bac Ninh?", 120, 4000), by_samsung, 0.5, {})
    assert found == []
    found = reports(parse_query("How much has Samsung invested?", 120, 4000), _ranked(samsung), 0.5, {})
    assert [[f.value for f in r.figures] for r in found] == [[22.4e9]]


def test_document_named_reports_answer_the_period_the_named_sentences_answer():
    """When sentences that name the subject give the half-year asked, a document-named figure of another year
    does not come back beside them (each group falling back to all its figures did that)."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    half = "Trong 6 tháng đầu năm 2024, Samsung Display đạt doanh thu 6,8 tỷ USD."
    year = "Năm 2023, tập đoàn xuất khẩu 55,7 tỷ USD."
    ranked = _ranked(year, half)
    query = parse_query("How much revenue did Samsung Display make in the first half of 2024?", 120, 4000)
    found = reports(query, ranked, 0.5, {"0.txt": f"Samsung Display. {year}", "1.txt": half})
    assert [[f.value for f in r.figures] for r in found] == [[6.8e9]]


def test_a_report_compares_only_figures_of_the_measure_asked():
    """Exports are not FDI, a plant's revenue is not its investment: the newest report of one measure never
    shows another measure's figure of the same unit (data/measures.tsv)."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked(
        "Kim ngạch xuất khẩu của Bắc Ninh 9 tháng đạt 45 tỷ USD.",
        "Vốn FDI thu hút vào Bắc Ninh 9 tháng đạt 4,8 tỷ USD.",
        "2024년 상반기 박닌 공장의 매출은 83억 달러로 28% 늘었다.",
    )
    exports = reports(parse_query("How much did Bac Ninh's exports reach in the first nine months?", 120, 4000), ranked, 0.5, {})
    assert [f.written for r in exports for f in r.figures] == ["45 tỷ USD"]
    fdi = reports(parse_query("How much FDI did Bac Ninh attract in nine months?", 120, 4000), ranked, 0.5, {})
    assert [f.written for r in fdi for f in r.figures] == ["4,8 tỷ USD"]
    revenue = reports(parse_query("박닌 공장의 상반기 매출은 얼마입니까?", 120, 4000), ranked, 0.5, {})
    assert [f.written for r in revenue for f in r.figures] == ["83억 달러"]


def test_a_korean_how_much_about_an_area_or_a_rate_gets_no_money_report():
    from hpassist.conflicts import asked_units
    from hpassist.query import parse_query

    assert asked_units(parse_query("박닌성 산업단지의 총 면적은 얼마입니까?", 120, 4000)) == set()
    assert asked_units(parse_query("2021년 박닌성 산업단지 입주율은 얼마였습니까?", 120, 4000)) == {"percent"}
    assert "usd" in asked_units(parse_query("한국은 하이퐁에 얼마나 투자했습니까?", 120, 4000))


def test_english_counts_name_the_kind_of_project_between_number_and_noun():
    text = "Bac Ninh now hosts 2,075 valid FDI projects, after 48 new foreign direct investment (FDI) projects this year."
    assert [f.render("en") for f in local_figures(text)] == ["2,075 projects", "48 projects"]
    assert local_figures("In 2024 new projects rose, with 14 industrial parks attracting 300 projects.")[0].value == 300


def test_an_opening_phrase_about_the_whole_country_makes_the_sentence_national():
    text = "Trên phạm vi cả nước, tổng vốn FDI đăng ký trong cùng giai đoạn đạt gần 15,2 tỷ USD, tăng 13,1%;"
    assert [f.written for f in local_figures(text) if f.unit == "usd"] == []
    assert [f.written for f in local_figures(text, national=True) if f.unit == "usd"] == ["gần 15,2 tỷ USD"]


def test_domestic_investment_is_not_foreign_investment():
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked("Bắc Ninh có 1.629 dự án đầu tư trong nước còn hiệu lực.", "Bắc Ninh có 2.459 dự án FDI còn hiệu lực.")
    found = reports(parse_query("Bắc Ninh có bao nhiêu dự án FDI còn hiệu lực?", 120, 4000), ranked, 0.5, {})
    assert [f.written for r in found for f in r.figures] == ["2.459 dự án"]


def test_no_count_of_projects_answers_a_question_about_a_tax_rate():
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked("Các khu công nghiệp tính đến đầu năm 2025 có 510 dự án còn hiệu lực.")
    assert reports(parse_query("박닌성 산업단지 입주 기업의 법인세 감면율은 얼마입니까?", 120, 4000), ranked, 0.5, {}) == []


def test_a_sentence_without_a_period_keeps_the_one_before_and_a_title_year_dates_it():
    """"For January–September, total trade was … . Exports came to 65.7 billion USD" is the nine months';
    "trong năm" under a title about 2024 is 2024, though the article is dated 2025."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    def ev(text: str, source: str, title: str, date: str, before: str = "") -> Evidence:
        return Evidence(Sentence(f"{source}#0", source, title, date, 0, len(text), text, before), 1.0, 0.9)

    month = ev("Exports that month were 8.46 billion USD.", "a.txt", "Bac Ninh trade", "2025-10")
    nine = ev("Exports came to 65.7 billion USD.", "b.txt", "Bac Ninh trade", "2025-10",
              before="For January–September, total trade was estimated at 129.3 billion USD.")
    query = parse_query("How much did Bac Ninh's exports reach in the first nine months of 2025?", 120, 4000)
    documents = {"a.txt": "Bac Ninh trade in September.", "b.txt": "Bac Ninh trade in nine months."}
    assert [f.written for r in reports(query, [month, nine], 0.5, documents) for f in r.figures] == ["65.7 billion USD"]

    year = ev("Vốn FDI đăng ký vào Bắc Ninh trong năm đạt gần 5,12 tỷ USD.", "c.txt", "Bắc Ninh về nhất FDI 2024", "2025-02")
    older = ev("Năm 2025, vốn FDI vào Bắc Ninh đạt 3 tỷ USD.", "d.txt", "FDI 2025", "2025-06")
    query = parse_query("Bắc Ninh thu hút bao nhiêu vốn FDI trong năm 2024?", 120, 4000)
    assert [f.written for r in reports(query, [older, year], 0.5, {}) for f in r.figures] == ["gần 5,12 tỷ USD"]


def test_a_trade_question_is_answered_in_money():
    from hpassist.conflicts import asked_units
    from hpassist.query import parse_query

    assert "usd" in asked_units(parse_query("Tổng kim ngạch xuất nhập khẩu của Bắc Ninh năm 2025 ước đạt bao nhiêu?", 120, 4000))


def test_a_count_asked_for_is_a_count_of_those_things():
    """"How many projects" is answered by a count of projects, never by the company's capital (refusal gate)."""
    from hpassist.conflicts import counted
    from hpassist.query import parse_query

    ask = lambda text: counted(parse_query(text, 120, 4000))
    assert ask("How many separate investment projects does Samsung have in Bac Ninh?") == {"projects"}
    assert ask("Samsung có bao nhiêu dự án tại Bắc Ninh?") == {"projects"}
    assert ask("How much capital and how many projects does Korea have here?") == set()  # an amount too
    assert ask("How many workers does Amkor employ?") == set()  # a kind of figure the gate checks by its unit


def test_only_figures_of_the_whole_asked_about_stay() -> None:
    """A figure of another place's clause, or of a phase or an addition, is blanked for a question about
    the whole in one place; a word for a total keeps the figure, and a question about a phase keeps parts."""
    from hpassist.conflicts import of_the_whole_asked
    from hpassist.query import parse_query

    whole = parse_query("How much has the company invested in Bac Ninh?", 120, 4000)
    elsewhere = "Its second plant is in Bac Ninh; across Vietnam the company has committed 400 million USD."
    assert "400" not in of_the_whole_asked(whole, elsewhere)
    assert "400" in of_the_whole_asked(parse_query("How much has the company invested?", 120, 4000), elsewhere)
    assert "27" not in of_the_whole_asked(whole, "A 27 million USD second phase lifts output.")
    assert "1,8" not in of_the_whole_asked(whole, "Công ty đầu tư thêm 1,8 tỷ USD vào nhà máy.")
    added = of_the_whole_asked(whole, "An additional $1 billion brought the total to $4.65 billion.")
    assert "4.65" in added and "$1 " not in added
    korean = of_the_whole_asked(whole, "두 단계에 걸쳐 총 16억 달러를 투자하며, 이 가운데 1단계 투자액은 5억2500만 달러다.")
    assert "16억" in korean and "5억2500만" not in korean
    phase = parse_query("How much is the second phase of the plant?", 120, 4000)
    assert "27" in of_the_whole_asked(phase, "A 27 million USD second phase lifts output.")


def test_a_sum_in_dong_is_read_and_restated_with_every_digit():
    (capital,) = [f for f in local_figures("The province counts 812 valid domestic projects with total capital of over VNĐ95.25 trillion.") if f.unit == "vnd"]
    assert capital.value == 95.25e12 and capital.qualifier == "more"
    assert capital.render("en") == "more than 95.25 trillion VND"
    assert capital.render("vi") == "hơn 95,25 nghìn tỷ đồng"
    (vi,) = local_figures("khối trong nước đăng ký 12.345,06 tỷ đồng")
    assert vi.unit == "vnd" and vi.render("vi") == "12.345,06 tỷ đồng"  # not rounded to 12,345 nghìn tỷ
    assert [f.unit for f in local_figures("Rent averaged 2.4 million VND/m² a term.")] == ["VND/m2"]  # a price, not a sum


def test_domestic_investment_is_reported_in_dong_and_foreign_investment_in_dollars():
    """measures.tsv lists first the currency a measure's sums are reported in: a question about domestic
    capital gets the sum in đồng; an FDI question keeps its dollar figures and no domestic sum."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked(
        "Da Nang now has 1,020 valid FDI projects with registered capital of US$4.2 billion.",
        "Da Nang is also home to 2,310 valid domestic investment projects with total capital of VNĐ410.5 trillion.",
    )
    documents = {ev.sentence.source: ev.sentence.text for ev in ranked}
    domestic = parse_query("What is the total registered capital of Da Nang's valid domestic investment projects?", 120, 4000)
    assert "410.5 trillion VND" in reports(domestic, ranked, 0.5, documents)[0].render("en")
    foreign = parse_query("How much FDI capital has Da Nang attracted?", 120, 4000)
    assert [r.render("en") for r in reports(foreign, ranked, 0.5, documents)] == ["1,020 projects, US$4.2 billion"]


def test_a_compound_question_gets_the_other_half_from_the_newest_report_source():
    """'How much, and what share?': the share in the sentence after the amount, found though retrieval did not
    rank it, joins the newest line with its own citation."""
    from hpassist import compose
    from hpassist.conflicts import complement, reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    amount = "In the first half of 2023 Binh Duong drew US$1.1 billion of FDI."
    share = "That was 8.7% of the country's total for the period."
    ranked = [Evidence(Sentence("bd.txt#0", "bd.txt", "bd", "2023-07", 0, len(amount), amount), 1.0, 0.9)]
    after = Evidence(Sentence("bd.txt#1", "bd.txt", "bd", "2023-07", 0, len(share), share, amount), 1.0, 0.9)
    query = parse_query("How much FDI did Binh Duong attract in the first half of 2023, and what share of the national total was that?", 120, 4000)
    found = reports(query, ranked, 0.5, {"bd.txt": f"{amount} {share}"})
    other = complement(query, found, ranked, lambda ev: [after] if ev == ranked[0] else [])
    assert other is not None and other.evidence == after and [f.render("en") for f in other.figures] == ["8.7%"]
    draft = compose.Draft("en", {"newest": "Newest figure ({date}):", "undated": "undated"})
    assert compose.newest_line(found, draft, other) == "Newest figure (2023-07): US$1.1 billion [1]; 8.7% [2]."
    single = parse_query("How much FDI did Binh Duong attract in the first half of 2023?", 120, 4000)
    assert complement(single, reports(single, ranked, 0.5, {}), ranked, lambda ev: [after]) is None


def test_a_sum_whose_sentence_names_no_measure_is_an_investment_not_a_revenue():
    """A revenue question is not answered by the plant's new capital, whose sentence names no measure; nor is
    "Innotek's Hai Duong plant" one name."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked(
        "LG Innotek will put a further US$1 billion into its Hai Duong plant.",
        "In 2023 the Hai Duong plant of LG Innotek posted revenue of US$2.3 billion.",
    )
    documents = {ev.sentence.source: ev.sentence.text for ev in ranked}
    revenue = parse_query("How much revenue did LG Innotek's Hai Duong plant post?", 120, 4000)
    assert [r.render("en") for r in reports(revenue, ranked, 0.5, documents)] == ["US$2.3 billion"]


def test_a_count_question_takes_only_reports_that_state_the_count():
    """"How many domestic projects?": a report of their capital alone is no older count of them."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked(
        "Hue now has 640 valid domestic investment projects.",
        "Valid domestic investment projects in Hue now hold VNĐ160 trillion of registered capital.",
        "The province had 600 valid domestic investment projects, worth VNĐ150 trillion.",
    )
    query = parse_query("How many valid domestic investment projects does Hue have?", 120, 4000)
    found = reports(query, ranked, 0.5, {ev.sentence.source: ev.sentence.text for ev in ranked})
    assert [r.evidence.sentence.source for r in found] == ["2.txt", "0.txt"]


@pytest.mark.parametrize(
    "sentence, rank",
    [
        ("Năm 2022 Đà Nẵng xếp thứ 12 cả nước về thu hút FDI.", 12),
        ("Da Nang ranked seventh nationwide for FDI.", 7),
        ("Korea is the city's second-largest investor.", 2),
        ("다낭시는 올해 FDI 유치 전국 3위를 기록했다.", 3),
        ("Bình Dương là địa phương đứng đầu cả nước.", 1),
        ("Binh Duong topped the country for FDI.", 1),
    ],
)
def test_a_rank_is_read_in_three_languages(sentence, rank):
    assert [f.value for f in local_figures(sentence) if f.unit == "rank"] == [rank]


def test_a_leader_or_a_delegation_head_is_no_rank_and_a_rank_is_restated_per_language():
    from hpassist.conflicts import Figure

    assert not [f for f in local_figures("Ông Lê Văn A, người đứng đầu tỉnh, dẫn đầu đoàn công tác sang Hàn Quốc.") if f.unit == "rank"]
    seventh, first = Figure("rank", 7, None, "xếp thứ 7"), Figure("rank", 1, None, "đứng đầu")
    assert [seventh.render(lang) for lang in ("en", "vi", "ko")] == ["ranked 7th", "xếp thứ 7", "7위"]
    assert [first.render(lang) for lang in ("en", "vi", "ko")] == ["ranked 1st", "đứng đầu", "1위"]


def test_an_amount_and_rank_question_gets_both_from_one_source_and_year():
    """'How much, and where did it rank?': the rank in the sentence before the amount (not the part's rank of
    new capital alone after it, nor the year before's) joins the newest line; an older report of that rank
    differs in nothing. A question about a rank alone gets no report: ranks by capital and by projects are
    words to phrase, not one figure to compare."""
    from hpassist import compose
    from hpassist.conflicts import complement, older_differing, reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    def ev(source, date, text, start=0):
        return Evidence(Sentence(f"{source}#0", source, source, date, start, start + len(text), text), 1.0, 0.9)

    lead = "In 2024 Da Nang led the country, and Binh Duong stood first among the southern provinces."
    amount = ev("bd.txt", "2025-01", "Over 2024, Binh Duong registered US$2.4 billion of foreign investment.", 100)
    around = [
        ev("bd.txt", "2025-01", "Nếu chỉ tính vốn cấp mới, Bình Dương xếp thứ 3 với 1,1 tỷ USD.", 200),
        ev("bd.txt", "2025-01", "In 2023 the province had ranked fifth.", 300),
        ev("bd.txt", "2025-01", "Binh Duong ranked second nationwide for FDI in 2024.", 0),
    ]
    older = ev("old.txt", "2024-10", "Binh Duong ranked second nationwide for FDI so far this year.")
    query = parse_query("How much foreign investment did Binh Duong register in 2024, and where did it rank nationally?", 120, 4000)
    found = reports(query, [amount, older], 0.5, {"bd.txt": lead, "old.txt": ""})
    assert [r.render("en") for r in found] == ["US$2.4 billion", "ranked 2nd"]
    other = complement(query, found, [amount, older], lambda e: around if e == amount else [])
    assert other is not None and other.evidence == around[2]
    draft = compose.Draft("en", {"newest": "Newest figure ({date}):", "undated": "undated"})
    assert compose.newest_line(found, draft, other) == "Newest figure (2025-01): US$2.4 billion [1]; ranked 2nd [2]."
    assert older_differing(found, other) == [] and older_differing(found) == found[1:]
    alone = parse_query("Where does Korea rank among Binh Duong's investors by capital and by number of projects?", 120, 4000)
    assert reports(alone, [amount, older], 0.5, {}) == []


def test_a_company_named_in_hangul_by_its_document_is_the_one_asked_about():
    """A Korean article writes "하나마이크론" where the question writes "Hana Micron": its sum is that company's report."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    text = "이번 투자로 누적 투자액은 20억 달러로 늘어난다."
    ranked = _ranked(text)
    query = parse_query("How much has Hana Micron invested in its plants in total?", 120, 4000)
    found = reports(query, ranked, 0.5, {"0.txt": f"하나마이크론, 베트남 공장 증설. {text}"})
    assert [r.render("en") for r in found] == ["US$2 billion"]


def test_a_document_names_the_subject_by_its_opening_not_a_mention_further_down():
    """A province's FDI total is not Korea's because the article lists Korea's projects in its last paragraph;
    in an article that opens on Korea's investment, a sentence that leaves Korea unnamed is still Korea's."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    total = "Over 2024 the city drew US$1.2 billion of foreign direct investment."
    ranked = _ranked(total)
    query = parse_query("How much has Korea invested in Da Nang?", 120, 4000)
    about_the_city = f"Da Nang's FDI in 2024. {total} " + "Projects came from many countries. " * 12 + "Korea had 50 of them."
    assert len(about_the_city.split("Korea")[0]) > 400
    assert reports(query, ranked, 0.5, {"0.txt": about_the_city}) == []
    about_korea = f"Korean investment in Da Nang keeps growing. {total}"
    assert [r.render("en") for r in reports(query, ranked, 0.5, {"0.txt": about_korea})] == ["US$1.2 billion"]


@pytest.mark.parametrize(
    "sentence, year",
    [
        ("LG Innotek will invest US$1 billion in two phases by 2030.", 2030),
        ("Đến năm 2030, Huế phấn đấu thu hút 3 tỷ USD vốn FDI.", 2030),
        ("엘지이노텍은 2030년까지 10억 달러를 투자한다.", 2030),
    ],
)
def test_a_due_year_is_read_in_three_languages(sentence, year):
    assert [f.value for f in local_figures(sentence) if f.unit == "deadline"] == [year]


def test_an_amount_and_due_year_question_gets_both_and_a_due_year_alone_gets_no_report():
    from hpassist.conflicts import reports
    from hpassist.query import parse_query

    ranked = _ranked("LG Innotek will invest US$1 billion in its Da Nang plant in two phases by 2030.")
    documents = {ev.sentence.source: ev.sentence.text for ev in ranked}
    both = parse_query("How much will LG Innotek invest in its Da Nang plant, and by which year?", 120, 4000)
    assert [[f.render(lang) for f in r.figures] for r in reports(both, ranked, 0.5, documents) for lang in ("en", "vi", "ko")] == [
        ["US$1 billion", "by 2030"], ["1 tỷ USD", "đến năm 2030"], ["10억 달러", "2030년까지"]]
    alone = parse_query("By which year will LG Innotek finish its Da Nang plant?", 120, 4000)
    assert reports(alone, ranked, 0.5, documents) == []


def test_an_undated_guide_reports_its_latest_year_price_and_a_compared_year_dates_nothing():
    """A tenant guide with no date lists rents by year ("- 2021 (Savills): … US$106/m²"; "- 2024 (CBRE): …
    . Da Nang posted … US$160/m², 40% above its 2022 level"): the rent question gets the latest year's
    price, dated by that year, though a closer sentence states an older one."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    def ev(text: str, similarity: float, before: str = "") -> Evidence:
        return Evidence(Sentence("g.txt#0", "g.txt", "Da Nang industrial land", None, 0, len(text), text, before), 1.0, similarity)

    older = ev("The average asking rent in Da Nang rose to US$106/m², while Hanoi stayed at US$129/m².", 0.9,
               before="- 2021 (Savills): occupancy in Da Nang reached 99%.")
    region = "- 2024 (CBRE): the northern average climbed to about US$142/m² per lease cycle, up 5% on 2023."
    newest = ev("Da Nang posted the sharpest increase, to US$160/m² per cycle, 40% above its 2022 level.", 0.7, before=region)
    query = parse_query("What is the current average industrial land rent in Da Nang?", 120, 4000)
    (report,) = reports(query, [older, ev(region, 0.8), newest], 0.8, {"g.txt": "Da Nang industrial land rents"})
    assert (report.date, report.render("en"), report.render("vi"), report.render("ko")) == ("2024", "US$160/m²", "160 USD/m²", "160달러/㎡")


def test_a_price_keeps_what_it_is_per():
    assert [(f.unit, f.render("en")) for f in local_figures("Factories asked US$5/m²/month, up 0.6% on the quarter.")] == [
        ("USD/m2/month", "US$5/m²/month"), ("percent", "0.6%")]


def test_a_named_company_raise_of_registered_capital_answers_how_far_its_investment_rose():
    """"… lifting the facility's registered capital from 260 million USD to 565.7 million USD", after "The Que
    Vo plant belongs to Acme Vina.", answers a question about raising Acme Vina's investment: the sentence
    refers back to the company, and names the asked measure in other words."""
    from hpassist.conflicts import reports
    from hpassist.query import parse_query
    from hpassist.schema import Evidence, Sentence

    text = "At a ceremony on March 3 the province handed the company a licence lifting the facility's registered capital from 260 million USD to 565.7 million USD."
    ev = Evidence(Sentence("a.txt#0", "a.txt", "Bac Ninh FDI", "2022-03-04", 0, len(text), text, "The Que Vo plant belongs to Acme Vina."), 1.0, 0.9)
    query = parse_query("In March 2022, to what amount was Acme Vina allowed to raise the investment in its Que Vo facility?", 120, 4000)
    assert [r.render("en") for r in reports(query, [ev], 0.5, {"a.txt": "Bac Ninh FDI in two months"})] == ["US$565.7 million"]
