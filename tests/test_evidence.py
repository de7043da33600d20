"""Evidence ranking: distinctive terms weigh more, key words count in their own language, dates matter
only where the newest source should win."""

from hpassist.evidence import Terms
from hpassist.query import parse_query
from hpassist.text import fold

SECTORS = "Các dự án tập trung chủ yếu vào các lĩnh vực như: điện tử, phụ tùng ô tô và máy móc."
GROUPS = "Nhiều tập đoàn Hàn Quốc lớn như Jeil Group và SK Group đã đầu tư vào các ngành công nghiệp, logistics."
KOREA = [
    "Hàn Quốc là quốc gia đứng đầu về cả số dự án và số vốn đầu tư.",
    "Các dự án tiêu biểu của Hàn Quốc tại Hải Phòng: Tập đoàn LG, Heesung.",
    "Doanh nghiệp Hàn Quốc có 320 dự án.",
]


def _query(text: str):
    return parse_query(text, 120, 4000)


def test_a_term_few_candidates_share_outweighs_one_they_all_share():
    query = _query("Which sectors are Korean projects in Hai Phong mainly concentrated in?")
    terms = Terms(query, [SECTORS, GROUPS, *KOREA])
    weights = dict(zip((c.english[0] for c in terms.concepts), terms.weights))
    assert weights["concentrated"] > weights["sector"] > weights["Korea"]
    # The answer names neither "Korea" nor "Hai Phong" (the sentence before does), yet holds more of the question.
    assert terms.share(SECTORS, "vi") > terms.share(GROUPS, "vi")


def test_key_words_count_only_in_the_question_language():
    query = _query("In which additional fields did Hai Phong invite the group SKC to invest?")
    assert "group" in query.key_terms
    terms = Terms(query, [GROUPS, SECTORS])
    english = "The group SKC invested in energy storage."
    assert terms.share(english, "en") > terms.share(english, "vi")  # "group" is a match only in English text
    assert 0.0 <= terms.share(GROUPS, "vi") <= 1.0


def test_newer_sources_win_only_for_figures_and_current_questions():
    assert _query("How much has Korea invested in Hai Phong?").asks_quantity
    assert _query("Who currently heads the Hai Phong Economic Zone Authority?").asks_current
    assert _query("Hiện nay ai là Trưởng ban Quản lý Khu kinh tế Hải Phòng?").asks_current
    assert _query("현재 하이퐁 경제구역 관리위원회 위원장은 누구입니까?").asks_current
    plain = _query("Which sectors are Korean projects in Hai Phong mainly concentrated in?")
    assert not plain.asks_quantity and not plain.asks_current


def test_ranking_prefers_the_sentence_that_answers(assistant):
    """On the real index: the sentence listing the sectors beats longer sentences about Korean groups."""
    query = _query("Which sectors are Korean projects in Hai Phong mainly concentrated in?")
    ranked = assistant.pipeline.gather(query).ranked
    top = [fold(ev.sentence.text) for ev in ranked[:2]]
    assert any("dien tu" in text and "may moc" in text for text in top)


def test_neighbours_are_the_sentences_after_then_the_one_before_across_chunks():
    """The other half of a compound figure may sit just before its sentence, at the end of the chunk before."""
    import numpy as np

    from hpassist.evidence import neighbours
    from hpassist.schema import Chunk, Evidence, Sentence, Span

    texts = ["Hue led the region.", "It drew US$1 billion.", "That was 3% of the total.", "Exports rose."]
    spans, at = [], 0
    for t in texts:
        spans.append(Span(at, at + len(t)))
        at += len(t) + 1
    first = Chunk("h.txt#0", "h.txt", "Hue", "2024", "en", 0, spans[1].start - 1, texts[0], (spans[0],))
    second = Chunk("h.txt#1", "h.txt", "Hue", "2024", "en", spans[1].start, at - 1, " ".join(texts[1:]), tuple(spans[1:]))
    vectors = [np.zeros((1, 2)), np.zeros((3, 2))]
    amount = Evidence(Sentence("h.txt#1", "h.txt", "Hue", "2024", spans[1].start, spans[1].end, texts[1]), 1.0, 0.9)
    found = neighbours(amount, [first, second], vectors, 1)
    assert [e.sentence.text for e in found] == ["That was 3% of the total.", "Hue led the region."]
    assert found[0].sentence.before == texts[1] and found[1].sentence.chunk_id == "h.txt#0"


def test_a_korean_question_words_lose_their_particles_and_rank_korean_sentences():
    """Korean attaches particles to its words: "생산능력은" is found as "생산능력" in a Korean sentence; a verb
    or question form ("얼마입니까") is no content word. A sentence in another language cannot hold them and is
    measured against part of their weight only, so it is not buried for being Vietnamese."""
    query = _query("앰코 박닌 공장 1단계의 연간 생산능력은 얼마입니까?")
    assert query.korean_terms == ("앰코", "공장", "1단계", "연간", "생산능력")
    assert query.key_terms == ()  # the gate's "no document mentions …" never hears Korean words
    capacity = "2021년 12월 발급된 투자증서에 따르면 1단계 생산능력은 연간 6억 개 규모이다."
    other = "앞서 앰코는 박닌성 인민위원회와 협약을 맺었다."
    vietnamese = "Bắc Ninh là một trong 6 tỉnh đạt tăng trưởng hai con số."
    terms = Terms(query, [capacity, other, vietnamese])
    assert terms.share(capacity, "ko") > terms.share(other, "ko")
    assert terms.share(vietnamese, "vi") < 0.5
    assert _query("주주들의 이름은?").korean_terms == ("주주", "이름")  # a particle, then the plural
