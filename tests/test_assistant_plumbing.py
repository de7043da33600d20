"""Pipeline plumbing with a scripted chat model (the real model is exercised in test_end_to_end.py)."""

import re
from collections.abc import Iterator

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from hpassist import Answer, Assistant


def _scripted(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


class _DownModel(GenericFakeChatModel):
    """A chat model whose backend refuses connections."""

    def _stream(self, *args, **kwargs) -> Iterator:
        raise ConnectionError("Connection refused: 127.0.0.1:9")


@pytest.fixture
def make(settings):
    def build(model) -> Assistant:
        return Assistant(settings, chat_model=model)

    return build


def _run(assistant: Assistant, question: str, history=None) -> tuple[str, Answer]:
    deltas, final = [], None
    for event in assistant.stream(question, history):
        if isinstance(event, str):
            deltas.append(event)
        else:
            final = event
    return "".join(deltas), final


def test_supported_answer_gets_markers_and_streams_what_it_returns(make):
    assistant = make(_scripted("Korea has invested 15,4 tỷ USD in 320 projects in Hai Phong."))
    streamed, answer = _run(assistant, "How much has Korea invested in Hai Phong?")
    assert streamed == answer.text
    assert "[1]" in answer.text and not answer.refused
    first = answer.citations[0]
    assert first.source.startswith("001_") and "15,4 tỷ USD" in first.quote
    raw = (assistant.settings.corpus_dirs[0] / first.source).read_text(encoding="utf-8")
    assert raw[first.start : first.end] == first.quote
    assert first.quote in first.context


def test_conflicting_figures_lead_with_newest_and_name_older_ones(make):
    assistant = make(_scripted("Korea has invested 15,4 tỷ USD in Hai Phong."))
    _, answer = _run(assistant, "How much has Korea invested in Hai Phong?")
    assert answer.text.startswith("Newest figure (2026): 320 projects, more than US$15.4 billion [1].")
    assert answer.text.index("15.4") < answer.text.index("Older reports differ")
    assert "US$14.2 billion, 186 projects (2025-05-20)" in answer.text and "US$10 billion (2023-08)" in answer.text
    dates = [c.date for c in answer.citations]
    assert dates[0] == "2026" and "2025-05-20" in dates


def test_invented_figure_is_removed_and_evidence_quoted(make):
    assistant = make(_scripted("Lee Kyung Hee recommended building 12 new airports."))
    _, answer = _run(assistant, "What did Lee Kyung Hee recommend?")
    assert "12" not in answer.text.replace("[1]", "")
    assert "“" in answer.text and "[1]" in answer.text  # verbatim quote with its citation


def test_every_figure_shown_is_in_a_cited_passage(make):
    from hpassist.text import quantities

    assistant = make(_scripted("Korea invested 15,4 tỷ USD. It also built 7 new bridges in 2031."))
    _, answer = _run(assistant, "How much has Korea invested in Hai Phong?")
    cited = set().union(*(quantities(c.quote) for c in answer.citations))
    marker_free = answer.text  # markers and the sources' own dates are not figures of the answer
    for c in answer.citations:
        marker_free = marker_free.replace(f"[{c.index}]", "").replace(f"({c.date})", "")
    assert quantities(marker_free) <= cited
    assert "2031" not in answer.text


def test_model_sentence_repeating_the_newest_figure_is_not_shown_twice(make):
    assistant = make(_scripted("Korea has invested US$15.4 billion in Hai Phong."))
    _, answer = _run(assistant, "How much has Korea invested in Hai Phong?")
    assert answer.text.count("15.4") == 1


def test_newest_figure_is_restated_in_korean(make):
    _, answer = _run(make(_scripted("한국은 하이퐁에 투자했습니다.")), "한국은 하이퐁에 얼마나 투자했나요?")
    assert answer.text.startswith("최신 수치 (2026): 320개 프로젝트, 154억 달러 이상 [1].")
    assert "142억 달러" in answer.text  # the 2025 figure, named as older


def test_wrong_language_sentence_is_not_shown(make):
    assistant = make(_scripted("Hàn Quốc đã đầu tư 15,4 tỷ USD vào Hải Phòng."))
    _, answer = _run(assistant, "How much has Korea invested in Hai Phong?")
    assert answer.language == "en"
    assert not answer.text.startswith("Hàn Quốc đã đầu tư")


def test_refusal_does_not_call_the_model(make):
    class _Exploding(GenericFakeChatModel):
        def _stream(self, *args, **kwargs):
            raise AssertionError("the model must not be asked")

    _, answer = _run(make(_Exploding(messages=iter([]))), "What is the corporate income tax rate in Hai Phong?")
    assert answer.refused and not answer.citations
    assert "could not find" in answer.text


def test_refusal_is_in_the_question_language(make):
    _, vi = _run(make(_scripted()), "Thuế suất thuế thu nhập doanh nghiệp ở Hải Phòng là bao nhiêu?")
    _, ko = _run(make(_scripted()), "하이퐁의 법인세율은 얼마입니까?")
    assert vi.refused and "Tôi không tìm thấy" in vi.text
    assert ko.refused and "찾을 수 없" in ko.text


def test_a_refusal_offers_topics_in_the_reader_language(make):
    """The topics offered instead are glossary concepts of the nearest passages, named in the question's
    language; a title is offered only from a document written in it."""
    import re

    from hpassist.language import written_in

    for question, language in (
        ("What is the minimum wage in Hai Phong?", "en"),
        ("Mức lương tối thiểu ở Hải Phòng là bao nhiêu?", "vi"),
        ("하이퐁의 최저임금은 얼마입니까?", "ko"),
    ):
        _, answer = _run(make(_scripted()), question)
        offered = answer.text.split(":", 1)[1]
        assert answer.refused and offered.strip(" .")
        for title in re.findall(r"“([^”]+)”", offered):
            assert written_in(title, language), (language, title)
        assert written_in(re.sub(r"“[^”]+”", "", offered), language), (language, offered)


def test_model_down_still_shows_the_relevant_passages(make):
    _, answer = _run(make(_DownModel(messages=iter([]))), "How much has Korea invested in Hai Phong?")
    assert "not available" in answer.text and "Connection refused" in answer.text
    assert answer.citations and "15,4 tỷ USD" in answer.text


HISTORY = [("How much has Korea invested in Hai Phong?", "15,4 tỷ USD [1].")]


def test_plausible_follow_up_rewrite_is_searched(make):
    rewrite = "How many projects has Korea invested in Hai Phong?"
    assistant = make(_scripted(rewrite, "Korea has 320 projects in Hai Phong."))
    _, answer = _run(assistant, "And how many projects?", HISTORY)
    assert answer.search_query == rewrite
    assert "320" in answer.text and not answer.refused


def test_implausible_rewrite_falls_back_to_both_questions(make):
    assistant = make(_scripted("What is the weather today?", "Korea has 320 projects in Hai Phong."))
    _, answer = _run(assistant, "And how many projects?", HISTORY)
    assert answer.search_query == "How much has Korea invested in Hai Phong? And how many projects?"
    assert "320" in answer.text


@pytest.mark.parametrize("bad", ["", "   ", "😀😀", b"\xff\xfe\x00", "x"])
def test_bad_input_gets_a_polite_message(make, bad):
    _, answer = _run(make(_scripted()), bad)
    assert answer.refused and "question" in answer.text.lower()


# ----- follow-ups are decided by what the question lacks, not by its length (issue 14) ----------------------
@pytest.mark.parametrize(
    "question, follow_up",
    [
        ("and how many projects?", True),
        ("Còn Nhật Bản thì sao?", True),
        ("when was that?", True),
        ("그럼 프로젝트 수는요?", True),
        ("How many projects?", True),  # no subject of its own
        ("Hải Phòng có bao nhiêu khu công nghiệp?", False),  # short, but names what it asks about
        ("What is the minimum wage in Hai Phong?", False),
        ("하이퐁의 2025년 GRDP 성장률은 얼마입니까?", False),  # a language switch alone is no follow-up
        ("그럼 충북자유경제구역의 책임자는 누구입니까?", False),  # a cue, but its own subject and question
        ("And Japan?", True),
        ("일본은요?", True),  # asks the earlier question again about Japan
        ("what about Taiwanese investors?", True),
    ],
)
def test_a_follow_up_is_a_question_that_cannot_stand_alone(question, follow_up):
    from hpassist.condense import is_follow_up
    from hpassist.query import parse_query

    assert is_follow_up(parse_query(question, 120, 4000), HISTORY) is follow_up


def test_a_follow_up_leans_on_the_last_standalone_question_not_on_a_chain(settings):
    from hpassist.condense import Condenser

    condenser = Condenser(settings, None)
    history = [("How much has Korea invested in Hai Phong?", "…"), ("and how many projects?", "…"),
               ("Hải Phòng có bao nhiêu khu công nghiệp?", "…")]
    assert condenser.anchor(history) == "Hải Phòng có bao nhiêu khu công nghiệp?"
    assert condenser.anchor(history[:2]) == "How much has Korea invested in Hai Phong? and how many projects?"


def test_a_follow_up_that_moves_to_another_entity_drops_the_earlier_one(settings):
    from hpassist.condense import Condenser
    from hpassist.query import parse_query

    condenser = Condenser(settings, None)  # no model: the questions are joined
    search = condenser.standalone(parse_query("and Japan?", 120, 4000), HISTORY)
    assert search.text == "How much has Japan invested in Hai Phong? and Japan?"
    search = condenser.standalone(parse_query("Còn Nhật Bản thì sao?", 120, 4000),
                                  [("Hàn Quốc đã đầu tư bao nhiêu vào Hải Phòng?", "…")])
    assert "Hàn Quốc" not in search.text and search.text.startswith("Nhật Bản đã đầu tư")
    # a country replaces the earlier country, not the organisation beside it
    earlier = "Which Korean company had a project at the Hai Phong Economic Zone Authority's 22 September conference?"
    search = condenser.standalone(parse_query("And the Japanese one?", 120, 4000), [(earlier, "…")])
    assert search.text.startswith("Which Japanese company had a project at the Hai Phong Economic Zone Authority's")


def test_a_rewrite_that_drops_what_the_follow_up_asks_is_not_searched(make):
    """"when was that?" rewritten into the earlier question (no "when" left) is not what was asked."""
    history = [("Who is the chairman of KOCHAM Hai Phong?", "…")]
    assistant = make(_scripted("Who is the chairman of KOCHAM Hai Phong?", "It was on May 20."))
    _, answer = _run(assistant, "when was that?", history)
    assert answer.search_query == "Who is the chairman of KOCHAM Hai Phong? when was that?"


def test_a_joined_follow_up_asks_what_it_asks_itself(settings):
    """The searched question keeps the follow-up's own kind: an area after a rate, a field after a total."""
    from hpassist.condense import Condenser
    from hpassist.query import parse_query

    condenser = Condenser(settings, None)
    rate = [("Tỷ lệ lấp đầy các khu công nghiệp ở Hải Phòng là bao nhiêu?", "…")]
    search = condenser.standalone(parse_query("and their total area?", 120, 4000), rate)
    assert search.asks_units == ("ha", "m2", "km2")
    total = [("What is South Korea's total registered investment in Hai Phong?", "…")]
    search = condenser.standalone(parse_query("그럼 한국 투자는 주로 어떤 분야에 집중되어 있나요?", 120, 4000), total)
    assert not search.asks_quantity
    search = condenser.standalone(parse_query("Còn số dự án thì sao?", 120, 4000), total)
    assert search.asks_quantity  # "what about …" asks the earlier question again


def test_a_follow_up_naming_a_year_asks_about_that_year(settings):
    from hpassist.condense import Condenser
    from hpassist.query import parse_query

    condenser = Condenser(settings, None)
    growth = [("Tăng trưởng GRDP của Hải Phòng năm 2025 đạt bao nhiêu?", "…")]
    search = condenser.standalone(parse_query("Còn năm 2024?", 120, 4000), growth)
    assert search.years == ("2024",) and "2025" not in search.text


def test_a_follow_up_with_its_own_topic_after_a_refusal_stands_alone(settings):
    """The refused topic has nothing to offer: "그럼 산업단지 입주율은요?" after a refused population question."""
    from hpassist.condense import Condenser
    from hpassist.prompts import messages
    from hpassist.query import parse_query

    condenser = Condenser(settings, None)
    refused = [("하이퐁의 인구는 얼마입니까?", messages(settings.prompts_dir, "ko")["refusal"] + " …")]
    question = parse_query("그럼 산업단지 입주율은요?", 120, 4000)
    assert condenser.standalone(question, refused).text == question.text
    answered = [("하이퐁의 인구는 얼마입니까?", "…")]
    assert condenser.standalone(question, answered).text != question.text
    # More of the refused question is not a topic of its own: Japan's projects, the city's area.
    japan = [("How much has Japan invested in Hai Phong?", messages(settings.prompts_dir, "en")["refusal"])]
    projects = parse_query("and how many projects?", 120, 4000)
    assert "Japan" in condenser.standalone(projects, japan).text
    area = parse_query("Còn diện tích thành phố thì sao?", 120, 4000)
    assert "population" in condenser.standalone(area, [("What is the population of Hai Phong?", messages(settings.prompts_dir, "en")["refusal"])]).text


def test_the_web_chat_topic_switch_is_searched_on_its_own(make):
    """Issue 14's session: a new short question that names only Hải Phòng is not glued to the one before."""
    assistant = make(_scripted("Hải Phòng có 14 khu công nghiệp."))
    history = [("How much has Korea invested in Hai Phong?", "…"), ("and how many projects?", "…")]
    _, answer = _run(assistant, "Hải Phòng có bao nhiêu khu công nghiệp?", history)
    assert answer.search_query == "Hải Phòng có bao nhiêu khu công nghiệp?"


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("How many industrial parks has Hai Phong established so far?", "Hai Phong has established 14 industrial parks."),
        ("What is the occupancy rate of Hai Phong's industrial parks?", "I do not know."),
        ("Tỷ lệ lấp đầy các KCN của Hải Phòng là bao nhiêu?", "Tỷ lệ lấp đầy các KCN hiện nay đạt 63,8%."),
    ],
)
def test_every_citation_is_marked_in_the_answer(make, question: str, reply: str):
    """A restated figure is numbered only when it is said: no citation without its [n] in the text."""
    _, answer = _run(make(_scripted(reply)), question)
    assert answer.citations
    for citation in answer.citations:
        assert f"[{citation.index}]" in answer.text, (citation.index, answer.text)


def test_a_name_only_a_quote_gives_is_stated_in_the_reader_language(make):
    """Issue 14: "who / which company" answered only by a Vietnamese quote also names the answer outside it."""
    _, answer = _run(make(_scripted("I do not know.")), "Which company signed a memorandum of understanding with the Hai Phong Economic Zone Authority in April 2024?")
    visible = re.sub(r"“[^”]*”", "", answer.text)
    assert "The source names:" in visible and "Ecovance" in visible, answer.text


def test_an_entity_named_beside_another_figure_is_no_figure_about_it(make):
    """"How much has Japan invested" is refused when only Korea's sentences state figures (issue 14)."""
    _, answer = _run(make(_scripted("Japan invested US$15.4 billion.")), "How much has Japan invested in Hai Phong?")
    assert answer.refused, answer.text


def test_a_follow_up_asking_its_own_thing_does_not_inherit_the_earlier_who(settings):
    """"At what event did he speak?" after "Who is the chairman…?" asks for an event, not a person's name."""
    from hpassist.condense import Condenser
    from hpassist.query import parse_query

    history = [("Who is the chairman of the Korean Chamber of Commerce in Hai Phong?", "The chamber elected a chairman [1].")]
    search = Condenser(settings, None).standalone(parse_query("At what event did he speak?", 120, 4000), history)
    assert "chairman" in search.text and search.asks_name is None
    again = Condenser(settings, None).standalone(parse_query("and the vice chairman?", 120, 4000), history)
    assert again.asks_name == ("person", "who")


def test_he_is_the_person_the_last_answer_named(settings):
    """"What is his position?" after an answer naming Lê Anh Quân asks Lê Anh Quân's position, in any language;
    the quote's names and the office are no antecedent."""
    from hpassist.condense import Condenser
    from hpassist.query import parse_query

    answer = "The source names: Lê Anh Quân (Permanent Vice Chairman of the municipal People’s Committee) [1]. The source says: “Mr Kim Jae Won spoke.” [1]"
    history = [("Who spoke for the city at the seminar?", answer)]
    condenser = Condenser(settings, None)
    assert condenser.standalone(parse_query("What is his position?", 120, 4000), history).text == "What is Lê Anh Quân's position?"
    search = condenser.standalone(parse_query("Ông ấy còn giữ chức vụ gì?", 120, 4000), history)
    assert search.text == "Lê Anh Quân còn giữ chức vụ gì?" and search.language == "vi"
    company = [("Which conglomerate did the delegation visit on 23 April?", "The delegation visited SKC in Seoul [1].")]
    search = condenser.standalone(parse_query("In which fields did the city ask it to invest more?", 120, 4000), company)
    assert search.text == "In which fields did the city ask SKC to invest more?"
    refused = [("Who spoke for the city at the seminar?", "I could not find this in the documents I have.")]
    assert "seminar" in condenser.standalone(parse_query("What is his position?", 120, 4000), refused).text
