"""The answer path's own steps on small in-memory inputs: streamed sentences, answer composition, and the
pipeline's wiring and step timings (the end-to-end behaviour lives in test_assistant_plumbing.py)."""

from __future__ import annotations

from hpassist import compose
from hpassist.citations import sentences_of
from hpassist.pipeline import Pipeline
from hpassist.prompts import messages
from hpassist.query import parse_query
from hpassist.schema import Chunk, Evidence, ScoredChunk, Sentence, Span
from hpassist.settings import Settings

from fakes import ScriptedChatModel


def _evidence(text: str, source: str = "a.txt", start: int = 0) -> Evidence:
    return Evidence(Sentence(f"{source}#0", source, "Title", "2025-05", start, start + len(text), text), 1.0, 0.9)


def _draft(language: str = "en") -> compose.Draft:
    return compose.Draft(language, messages(Settings().prompts_dir, language))


def test_streamed_text_is_cut_into_sentences_as_each_completes() -> None:
    seen = []

    def deltas():
        for delta in ["Korea inv", "ested US$15.4 bn. It", " grew fast. And th", "en"]:
            seen.append(delta)
            yield delta

    out = []
    for sentence in sentences_of(deltas()):
        out.append((sentence, len(seen)))
    # The first sentence is out as soon as the delta that ends it arrived, before the rest was generated.
    assert out == [("Korea invested US$15.4 bn.", 2), ("It grew fast.", 3), ("And then", 4)]


def test_a_draft_numbers_each_cited_sentence_once() -> None:
    draft = _draft()
    one, two = _evidence("Korea invested US$15.4 billion."), _evidence("It has 320 projects.", start=40)
    assert draft.cite("Korea invested US$15.4 billion.", [one]) == "Korea invested US$15.4 billion [1]."
    assert draft.number(two) == 2 and draft.number(one) == 1
    draft.add("Korea invested US$15.4 billion [1].")
    assert draft.repeats("That is US$15.4 billion.") and not draft.repeats("It has 320 projects.")


def test_with_no_verified_sentence_the_two_best_passages_are_quoted_after_what_was_asked() -> None:
    draft = _draft()
    facts = [_evidence("Hàn Quốc có 320 dự án với tổng vốn hơn 15,4 tỷ USD."), _evidence("Nhật Bản đứng thứ hai.", start=60),
             _evidence("Third.", start=90)]
    query = parse_query("How much has Korea invested in Hai Phong?", 120, 4000)
    closing = compose.closing(query, facts, draft, emitted=0)
    assert "The source says:" in closing
    assert "“Hàn Quốc có 320 dự án" in closing and "“Nhật Bản đứng thứ hai.” [2]" in closing and "Third" not in closing
    assert closing.index("The source gives:") < closing.index("The source says:")  # the figure, in English, first


def test_a_question_asking_two_figures_gets_one_from_each_quoted_sentence() -> None:
    facts = [_evidence("Toàn tỉnh có 16 KCN với tổng diện tích 6.397,68 ha."),
             _evidence("Tính bình quân, mỗi KCN rộng khoảng 399 ha.", start=60)]
    both = parse_query("16 KCN có tổng diện tích bao nhiêu và bình quân mỗi khu rộng bao nhiêu?", 120, 4000)
    closing = compose.closing(both, facts, _draft("vi"), emitted=0)
    assert "6.397,68 ha [1]" in closing and "399 ha [2]" in closing.split("Theo nguồn")[0]
    one = parse_query("16 KCN có tổng diện tích bao nhiêu?", 120, 4000)
    assert "399 ha [2]" not in compose.closing(one, facts, _draft("vi"), emitted=0).split("Theo nguồn")[0]


def test_nothing_follows_an_answer_that_covers_its_evidence() -> None:
    draft = _draft()
    draft.add("Korea has 320 projects in Hai Phong worth more than US$15.4 billion [1].")
    facts = [_evidence("Korea has 320 projects in Hai Phong worth more than US$15.4 billion.")]
    assert compose.closing(parse_query("How much has Korea invested?", 120, 4000), facts, draft, emitted=1) == ""


def test_a_refusal_with_nothing_near_is_the_bare_refusal_in_the_reader_language() -> None:
    assert compose.refusal([], _draft("ko")) == messages(Settings().prompts_dir, "ko")["refusal"]


def test_citations_carry_the_passage_around_their_quote() -> None:
    text = "Korea leads. It has 320 projects."
    chunk = Chunk("a.txt#0", "a.txt", "Title", "2025", "en", 100, 100 + len(text), text, (Span(100, 112), Span(113, 133)))
    draft = _draft()
    draft.number(Evidence(Sentence("a.txt#0", "a.txt", "Title", "2025", 113, 133, "It has 320 projects."), 1.0))
    [citation] = compose.citations(draft, [ScoredChunk(chunk, 0.5)])
    assert (citation.index, citation.quote, citation.context, citation.context_start) == (1, "It has 320 projects.", text, 100)


def test_the_pipeline_times_each_of_its_steps(assistant) -> None:
    """On the real seed index, with a scripted model: every step that ran has its time in Answer.timings."""
    pipeline = Pipeline(assistant.settings, assistant.index, lambda: _generator(assistant, "Korea invested 15,4 tỷ USD."))
    answer = [event for event in pipeline.run("How much has Korea invested in Hai Phong?")][-1]
    assert not answer.refused
    for step in ("standalone", "retrieval", "evidence", "decision", "figures", "generation", "first_token", "total"):
        assert step in answer.timings, step
    assert answer.timings["total"] >= answer.timings["retrieval"] + answer.timings["evidence"]


def test_a_pipeline_without_a_model_still_gathers_and_refuses(assistant) -> None:
    pipeline = Pipeline(assistant.settings, assistant.index)  # retrieval only: benchmarks and tools
    gathered = pipeline.gather(pipeline.parse("What is the corporate income tax rate in Hai Phong?"))
    assert not gathered.decision.answerable and gathered.facts == []
    answered = pipeline.gather(pipeline.parse("How much has Korea invested in Hai Phong?"))
    assert answered.decision.answerable and answered.facts and answered.reports[0].date == "2026"


def _generator(assistant, reply: str):
    from hpassist.generation import Generator

    return Generator(ScriptedChatModel(replies=[reply]), assistant.settings.prompts_dir)
