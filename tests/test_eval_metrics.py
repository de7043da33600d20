"""Unit tests of the evaluation harness: normalisation, metrics on hand-made answers, the cases file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hpassist.evaluation import (
    DEFAULT_CASES,
    EvalCase,
    aggregate,
    citation_support,
    citations_correct,
    contains_any,
    fact_hits,
    facts_correct,
    language_correct,
    load_cases,
    marker_sentence,
    newest_first,
    normalise,
    refusal_correct,
    retrieval_hit,
    run_eval,
    score_case,
    script_matches,
)
from hpassist.language import detect_language
from hpassist.schema import Answer, Chunk, Citation, ScoredChunk

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KOREA = EvalCase(
    id="korea",
    question="How much has Korea invested in Hai Phong, in how many projects?",
    lang="en",
    answerable=True,
    facts=(("15.4", "154억"), ("320",)),
    sources=("001_20d133c255b65173.txt",),
    newest=("15,4",),
    older=("14,2", "186"),
)
TAX = EvalCase(id="tax", question="What is the corporate tax rate in 2024?", lang="en", answerable=False)
VI_QUOTE = (
    "Hải Phòng hiện là điểm đến thu hút vốn đầu tư Hàn Quốc lớn với 320 dự án và tổng vốn đăng ký đầu tư "
    "lên tới hơn 15,4 tỷ USD"
)
EN_QUOTE = "with US$14.2 billion across 186 projects"


def cite(index: int, quote: str, source: str = "001_20d133c255b65173.txt") -> Citation:
    """A citation of `quote` numbered `index`."""
    return Citation(index=index, source=source, title="t", date=None, quote=quote, start=0, end=len(quote))


def answer(text: str, *citations: Citation, refused: bool = False, language: str = "en") -> Answer:
    """A hand-made answer."""
    return Answer(text=text, citations=list(citations), refused=refused, language=language)


# ------------------------------------------------------------------------------------------------
# Normalisation and matching
# ------------------------------------------------------------------------------------------------


def test_normalise_folds_case_diacritics_and_stroked_d() -> None:
    assert normalise("Hải Phòng") == "hai phong"
    assert normalise("ĐÌNH VŨ – Cát Hải") == "dinh vu cat hai"
    assert normalise("tự động hóa") == normalise("tự động hoá")


def test_normalise_unifies_number_separators_and_percent_spacing() -> None:
    assert normalise("14,2") == normalise("14.2") == "14.2"
    assert normalise("6,200 ha") == normalise("6.200 ha")
    assert normalise("14 %") == "14%"


def test_normalise_keeps_hangul() -> None:
    assert normalise("154억 달러") == "154억 달러"


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("US$14.2 billion", "14,2"),
        ("14,2 tỷ USD", "14.2"),
        ("about 14.2bn", "14.2"),
        ("154억 달러", "154억"),
        ("ông Lê Tiến Châu", "Le Tien Chau"),
        ("Jeil Group và SK Group", "SK"),
        ("gần 1 tỷ USD", "1 tỷ"),
        ("a 6,200-hectare area", "6.200"),
        ("Chung-Ang University", "Chung Ang"),
        ("chiếm 14 % cả nước", "14%"),
    ],
)
def test_contains_any_matches_equivalent_spellings(text: str, fact: str) -> None:
    assert contains_any(text, [fact])


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("US$114.2 billion", "14.2"),
        ("14.25 billion", "14.2"),
        ("11 tỷ USD", "1 tỷ"),
        ("Tập đoàn SKC", "SK"),
        ("3200 projects", "320"),
        ("1.320 projects", "320"),
    ],
)
def test_contains_any_matches_whole_numbers_and_words_only(text: str, fact: str) -> None:
    assert not contains_any(text, [fact])


# ------------------------------------------------------------------------------------------------
# Facts and citations
# ------------------------------------------------------------------------------------------------


def test_fact_accuracy_needs_every_group() -> None:
    assert facts_correct(answer("Korea has invested US$15.4 billion in 320 projects [1]."), KOREA)
    assert fact_hits(answer("Korea has invested US$15.4 billion [1]."), KOREA) == [True, False]
    assert not facts_correct(answer("Korea has invested US$15.4 billion [1]."), KOREA)


def test_fact_accuracy_accepts_korean_units() -> None:
    ko = answer("한국은 하이퐁에 320개 프로젝트, 154억 달러 이상을 투자했습니다 [1].", language="ko")
    assert facts_correct(ko, KOREA)


def test_citation_markers_are_not_facts() -> None:
    case = EvalCase(id="c", question="q", lang="en", answerable=True, facts=(("1",),), sources=("s",))
    assert fact_hits(answer("See the source [1]."), case) == [False]


def test_refused_answer_has_no_correct_facts() -> None:
    assert not facts_correct(answer("US$15.4 billion and 320 projects", refused=True), KOREA)


def test_citation_correct_across_languages() -> None:
    reply = answer("Korea has invested US$15.4 billion in 320 projects [1].", cite(1, VI_QUOTE))
    assert citations_correct(reply, KOREA) is True


def test_citation_wrong_when_quote_lacks_the_stated_fact() -> None:
    reply = answer("Korea has invested US$15.4 billion in 320 projects [1].", cite(1, EN_QUOTE))
    assert citations_correct(reply, KOREA) is False


def test_citation_correctness_only_covers_stated_facts() -> None:
    reply = answer("Korea has invested US$15.4 billion [1].", cite(1, "lên tới hơn 15,4 tỷ USD"))
    assert citations_correct(reply, KOREA) is True
    assert citations_correct(answer("I do not know."), KOREA) is None


def test_marker_sentence_finds_the_sentence_before_the_marker() -> None:
    text = "Korea leads. It invested US$15.4 billion [1]. It has 320 projects. [2] Growth was 11.81% [3][4]."
    # markers may stand before or after the full stop, alone or in runs
    assert marker_sentence(text, 1) == "It invested US$15.4 billion"
    assert marker_sentence(text, 2) == "It has 320 projects."
    assert marker_sentence(text, 4) == "Growth was 11.81%"
    assert marker_sentence(text, 5) is None


def test_marker_sentence_handles_grouped_and_leading_markers() -> None:
    assert marker_sentence("Korea has 320 projects [1, 2].", 2) == "Korea has 320 projects"
    assert marker_sentence("[1] Korea has 320 projects. Other.", 1) == "Korea has 320 projects."


def test_citation_support_per_citation() -> None:
    reply = answer(
        "Korea has invested US$15.4 billion [1]. The seminar was held in May [2].",
        cite(1, VI_QUOTE),
        cite(2, "Tăng trưởng GRDP của Hải Phòng đạt 11,81% trong năm 2025"),
        cite(3, VI_QUOTE),
    )
    assert citation_support(reply) == [True, False, False]


def test_a_figure_restated_in_another_scale_supports_its_sentence() -> None:
    reply = answer(
        "최신 수치 (2024-04-23): 859억 달러 [1]. 이전 보도: 815억 달러 (2023-08) [2].",
        cite(1, "Hiện nay, Hàn Quốc đã đầu tư 85,9 tỷ USD tại Việt Nam."),
        cite(2, "Tăng trưởng GRDP của Hải Phòng đạt 11,81%"),
    )
    assert citation_support(reply) == [True, False]


def test_a_rank_restated_in_the_readers_language_supports_its_sentence() -> None:
    reply = answer(
        "Newest figure (2025-01): ranked 1st [1]; US$2 billion [2]. Older: ranked 3rd [3].",
        cite(1, "Năm 2024, Bình Dương là địa phương đứng đầu."),
        cite(2, "Vốn FDI của Bình Dương đạt 2 tỷ USD."),
        cite(3, "Bình Dương xếp thứ 2 cả nước."),
    )
    assert citation_support(reply) == [True, True, False]


def test_a_list_restated_in_the_readers_language_supports_its_sentence() -> None:
    reply = answer(
        "Nguồn liệt kê: tự động hóa, điện tử [1]. Hàn Quốc đầu tư [2].",
        cite(1, "The city should focus on sectors such as automation and electronics."),
        cite(2, "Korea is the largest investor."),
    )
    assert citation_support(reply) == [True, False]  # one shared term (investment) is too common to count


def test_city_name_alone_does_not_support_a_sentence() -> None:
    reply = answer("Hai Phong welcomes investors [1].", cite(1, "Hải Phòng hiện là điểm đến"))
    assert citation_support(reply) == [False]


# ------------------------------------------------------------------------------------------------
# Refusal, language, newest-first, retrieval
# ------------------------------------------------------------------------------------------------


def test_refusal_correct_without_figures() -> None:
    assert refusal_correct(answer("The documents do not say what the tax rate is.", refused=True), TAX)


def test_refusal_with_a_figure_fails() -> None:
    assert not refusal_correct(answer("I cannot confirm it, but it is usually 20%.", refused=True), TAX)


def test_refusal_ignores_quotes_markers_and_figures_from_the_question() -> None:
    text = 'The sources do not give a 2024 tax rate; the closest passage says "15,4 tỷ USD" [1].'
    assert refusal_correct(answer(text, refused=True), TAX)


def test_answering_an_unanswerable_question_fails() -> None:
    assert not refusal_correct(answer("The documents do not say."), TAX)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("한국은 하이퐁에 320개 프로젝트를 투자했습니다", "ko"),
        ("Hàn Quốc đã đầu tư hơn 15,4 tỷ USD vào Hải Phòng", "vi"),
        ("Ban Quản lý phối hợp với Hanoi University of Science and Technology", "vi"),
        ("The Party Secretary of Hải Phòng is Lê Tiến Châu", "en"),
        ("South Korea invested $14.2 billion in Hải Phòng in total. Older reports differ: 12 tỷ USD", "en"),
    ],
)
def test_script_matches_its_language(text: str, lang: str) -> None:
    assert script_matches(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The Party Secretary of Hải Phòng is Lê Tiến Châu", "vi"),
        ("Hàn Quốc đã đầu tư hơn 15,4 tỷ USD", "en"),
        ("Korea invested US$15.4 billion", "ko"),
        ("하이퐁 is a city", "en"),
        ("Lê Tiến Châu", "en"),
    ],
)
def test_script_mismatches_other_languages(text: str, lang: str) -> None:
    assert not script_matches(text, lang)


def test_language_match_uses_declared_language_and_unquoted_text() -> None:
    case = EvalCase(id="k", question="q", lang="ko", answerable=True, facts=(("320",),), sources=("s",))
    assert language_correct(answer("프로젝트는 320개입니다 [1].", language="ko"), case)
    assert not language_correct(answer("프로젝트는 320개입니다 [1].", language="en"), case)
    assert not language_correct(answer('"한국 투자" There are 320 projects [1].', language="ko"), case)


def test_newest_first() -> None:
    assert newest_first(answer("US$15.4 billion now; earlier reports said 14.2 billion."), KOREA) is True
    assert newest_first(answer("Earlier US$14.2 billion, now 15.4 billion."), KOREA) is False
    assert newest_first(answer("US$14.2 billion across 186 projects."), KOREA) is False
    assert newest_first(answer("anything"), TAX) is None


def test_retrieval_hit_within_top_k() -> None:
    other = ["000_016a87d59e7f0adc.txt"] * 5
    assert retrieval_hit(["001_20d133c255b65173.txt"], KOREA) is True
    assert retrieval_hit(other + ["001_20d133c255b65173.txt"], KOREA) is False
    assert retrieval_hit(other, TAX) is None


# ------------------------------------------------------------------------------------------------
# Aggregation and the run
# ------------------------------------------------------------------------------------------------


def test_aggregate_over_answerable_and_unanswerable() -> None:
    good = answer("Korea has invested US$15.4 billion in 320 projects [1].", cite(1, VI_QUOTE))
    refused_korea = answer("I could not find this.", refused=True)
    refused_tax = answer("The documents do not say.", refused=True)
    results = [
        score_case(KOREA, good, ["001_20d133c255b65173.txt"], 1.0),
        score_case(KOREA, refused_korea, [], 3.0),
        score_case(TAX, refused_tax, [], 2.0),
    ]
    report = aggregate(results)
    assert (report.n_cases, report.n_answerable, report.n_unanswerable) == (3, 2, 1)
    assert report.fact_accuracy == 0.5
    assert report.citation_correctness == 1.0
    assert report.citation_precision == 1.0
    assert report.retrieval_recall_at_5 == 0.5
    assert report.refusal_accuracy == 1.0
    assert report.false_refusal_rate == 0.5
    assert report.language_match == 1.0
    assert report.newest_first == 0.5
    assert report.latency_p50_s == 2.0 and report.latency_max_s == 3.0
    assert report.threshold_failures() == [
        "fact_accuracy = 0.500, needs >= 0.90",
        "false_refusal_rate = 0.500, needs <= 0.05",
    ]


def _chunk(source: str) -> ScoredChunk:
    """A retrieved chunk from `source`."""
    chunk = Chunk(
        id=f"{source}#0",
        source=source,
        title="t",
        date=None,
        language="vi",
        start=0,
        end=1,
        text="x",
        sentences=(),
    )
    return ScoredChunk(chunk=chunk, score=1.0)


class StubAssistant:
    """Answers from a table (a test double for the harness only; evals/ always use the real model)."""

    def __init__(self) -> None:
        self.histories: dict[str, list[tuple[str, str]] | None] = {}

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        self.histories[question] = history
        if question == "boom?":
            raise RuntimeError("model crashed")
        if question == "And how many projects?":
            return answer("There are 320 projects [1].", cite(1, VI_QUOTE))
        return answer("Korea has invested US$15.4 billion [1].", cite(1, VI_QUOTE))

    def retrieve(self, query: str, k: int) -> list[ScoredChunk]:
        return [_chunk("001_20d133c255b65173.txt")][:k]


def test_run_eval_follow_ups_errors_and_report_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "cases": [
            {
                "id": "total",
                "question": "How much?",
                "lang": "en",
                "answerable": True,
                "facts": [["15.4"]],
                "sources": ["001_20d133c255b65173.txt"],
            },
            {
                "id": "projects",
                "question": "And how many projects?",
                "lang": "en",
                "answerable": True,
                "follow_up_of": "total",
                "facts": [["320"]],
                "sources": ["001_20d133c255b65173.txt"],
            },
            {
                "id": "crash",
                "question": "boom?",
                "lang": "en",
                "answerable": True,
                "facts": [["1"]],
                "sources": ["001_20d133c255b65173.txt"],
            },
        ]
    }
    path = tmp_path / "cases.yaml"
    path.write_text(json.dumps(cases), encoding="utf-8")
    stub = StubAssistant()
    report = run_eval(stub, path, tmp_path / "out")
    assert stub.histories["How much?"] is None
    assert stub.histories["And how many projects?"] == [("How much?", "Korea has invested US$15.4 billion [1].")]
    assert [r.fact_ok for r in report.cases] == [True, True, False]
    assert report.n_errors == 1 and "model crashed" in (report.cases[2].error or "")
    saved = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert saved["metrics"]["fact_accuracy"] == pytest.approx(2 / 3)
    assert "| projects |" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "fact_accuracy" in capsys.readouterr().out


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "a", "question": "q", "lang": "fr", "answerable": False},
        {"id": "a", "question": "q", "lang": "en", "answerable": True, "facts": [], "sources": ["s"]},
        {"id": "a", "question": "q", "lang": "en", "answerable": False, "facts": [["1"]]},
        {"id": "a", "question": "q", "lang": "en", "answerable": False, "follow_up_of": "missing"},
        {"id": "a", "question": "q", "lang": "en", "answerable": False, "follow_up": "typo"},
        {"id": "a", "question": "q", "lang": "en"},
    ],
)
def test_load_cases_rejects_malformed_cases(tmp_path: Path, bad: dict[str, object]) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(json.dumps({"cases": [bad]}), encoding="utf-8")
    with pytest.raises(ValueError):
        load_cases(path)


# ------------------------------------------------------------------------------------------------
# The real cases file
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_cases() -> list[EvalCase]:
    return load_cases(DEFAULT_CASES)


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}


def test_cases_file_covers_what_the_issue_asks(real_cases: list[EvalCase], seed_texts: dict[str, str]) -> None:
    langs = [c.lang for c in real_cases]
    assert len(real_cases) >= 64
    assert langs.count("ko") >= 10 and langs.count("vi") >= 15 and langs.count("en") >= 15
    assert sum(not c.answerable for c in real_cases) >= 14
    assert sum(c.follow_up_of is not None for c in real_cases) >= 4
    assert sum(bool(c.newest) for c in real_cases) >= 5
    assert sum(len(c.facts) >= 2 for c in real_cases) >= 10
    assert {s for c in real_cases for s in c.sources} == set(seed_texts)


def test_every_fact_stands_in_a_named_source(real_cases: list[EvalCase], seed_texts: dict[str, str]) -> None:
    for case in real_cases:
        for group in case.facts + ((case.newest,) if case.newest else ()):
            assert any(contains_any(seed_texts[s], group) for s in case.sources), (case.id, group)


def test_cross_lingual_tags_match_source_languages(real_cases: list[EvalCase], seed_texts: dict[str, str]) -> None:
    seed_lang = {name: detect_language(text) for name, text in seed_texts.items()}
    for case in real_cases:
        if case.answerable:
            cross = case.lang not in {seed_lang[s] for s in case.sources}
            assert cross == ("cross_lingual" in case.tags), case.id


# ------------------------------------------------------------------------------------------------
# Issue 13 and 14 metrics: units against the cited quote, facts stated in the reader's own words
# ------------------------------------------------------------------------------------------------
def test_a_figure_cited_in_another_unit_is_counted() -> None:
    from hpassist.evaluation import unit_mismatches

    land = "DEEP C still had 1,840 hectares of industrial land for lease."
    assert unit_mismatches(answer("The lease price is $1,840 [1].", cite(1, land)))
    assert not unit_mismatches(answer("It has 1,840 ha for lease [1].", cite(1, land)))
    assert not unit_mismatches(answer("한국은 154억 달러를 투자했다 [1].", cite(1, VI_QUOTE), language="ko"))


def test_facts_only_inside_a_foreign_quote_are_not_stated_in_the_readers_words() -> None:
    from hpassist.evaluation import stated_in_own_words

    quoted = answer(f"The source says: “{VI_QUOTE}” [1].", cite(1, VI_QUOTE))
    own = answer("Korea has invested US$15.4 billion in 320 projects [1].", cite(1, VI_QUOTE))
    assert facts_correct(quoted, KOREA) and stated_in_own_words(quoted, KOREA) is False
    assert stated_in_own_words(own, KOREA) is True
    assert stated_in_own_words(answer("I cannot answer.", refused=True), KOREA) is None


class DialogueStub(StubAssistant):
    """Answers a two-turn dialogue; the follow-up is searched as rewritten."""

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        self.histories[question] = history
        if question == "and Japan?":
            return Answer(text="Korea has invested US$15.4 billion [1].", citations=[cite(1, VI_QUOTE)], language="en",
                          search_query="How much has Japan invested in Hai Phong?")
        return Answer(text="Korea has invested US$15.4 billion [1].", citations=[cite(1, VI_QUOTE)], language="en",
                      search_query=question)


def test_run_conversations_scores_every_turn_with_its_history(tmp_path: Path) -> None:
    from hpassist.evaluation import run_conversations

    dialogues = {"dialogues": [{"id": "korea_then_japan", "tags": ["new_entity_absent"], "turns": [
        {"question": "How much has Korea invested?", "lang": "en", "answerable": True, "facts": [["15.4"]],
         "sources": ["001_20d133c255b65173.txt"]},
        {"question": "and Japan?", "lang": "en", "answerable": False, "follow_up": True, "not": ["15.4"]},
    ]}]}
    path = tmp_path / "conversations.yaml"
    path.write_text(json.dumps(dialogues), encoding="utf-8")
    stub = DialogueStub()
    report = run_conversations(stub, path, tmp_path / "out")
    assert stub.histories["and Japan?"] == [("How much has Korea invested?", "Korea has invested US$15.4 billion [1].")]
    first, second = report.turns
    assert first.passed and not second.passed and second.forbidden_found == ["15.4"]
    assert second.searched_as_follow_up and report.follow_up_detection == 1.0
    assert report.turn_pass_rate == 0.5 and report.by_tag() == {"new_entity_absent": 0.5}
    assert "korea_then_japan" in (tmp_path / "out" / "conversations.md").read_text(encoding="utf-8")
