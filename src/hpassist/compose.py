"""Answer composition: the program-written parts of an answer and its numbering, in the reader's language.

The pipeline decides what to say; this module writes it: the [n] numbering of cited evidence, the newest-figure
and older-reports lines, verified model sentences with their markers, the restated figures, names and topics
that stand beside a quote, the verbatim quotes themselves, the refusal with the topics it offers instead, and
the Citation records the sources panel shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .citations import add_markers
from .conflicts import Report
from .domain import EVERYWHERE, Concept, glossary, lower_text, stopwords, weight
from .language import detect_language
from .query import Query, quantities_asked
from .restate import listed, named, restated
from .schema import Chunk, Citation, Evidence, ScoredChunk
from .text import fold, is_scale, quantities, words

QUOTED_WITHOUT_ANSWER = weight("compose", "quoted_without_answer")
TOPICS_OFFERED = weight("compose", "topics_offered")


@dataclass
class Draft:
    """An answer being assembled: text pieces and the evidence each [n] points to."""

    language: str
    phrases: dict[str, str]  # the reader's language's fixed phrases (prompts/messages)
    pieces: list[str] = field(default_factory=list)
    cited: list[Evidence] = field(default_factory=list)

    def number(self, ev: Evidence) -> int:
        """The [n] of this evidence sentence, numbering it when it is first cited."""
        for n, known in enumerate(self.cited, start=1):
            if known.sentence == ev.sentence:
                return n
        self.cited.append(ev)
        return len(self.cited)

    def add(self, text: str) -> str:
        """Append a piece (space-separated) and return it as it should be streamed."""
        piece = (" " if self.pieces else "") + text
        self.pieces.append(piece)
        return piece

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def repeats(self, sentence: str) -> bool:
        """Whether the sentence only restates figures the answer already gives."""
        figures = quantities(sentence)
        return bool(figures) and figures <= quantities(self.text)

    def cite(self, sentence: str, evidence: list[Evidence]) -> str:
        """A verified sentence with the [n] markers of the evidence that supports it."""
        return add_markers(sentence, [self.number(ev) for ev in evidence])

    def quote(self, ev: Evidence) -> str:
        return f"“{ev.sentence.text}” [{self.number(ev)}]"


def newest_line(found: list[Report], draft: Draft, other_half: Report | None = None) -> str:
    """'Newest figure (2026): 320 projects, more than US$15.4 billion [1].' in the reader's language, from the
    newest report, so it can be shown before the model answers; with the other half of a compound question
    from the same source ('…: US$3.47 billion [1]; 16.9% [2].')."""
    if not found:
        return ""
    newest = found[0]
    date = newest.date or draft.phrases["undated"]
    shown = [newest, other_half] if other_half else [newest]
    parts = [f"{r.render(draft.language)} [{draft.number(r.evidence)}]" for r in shown]
    return f"{draft.phrases['newest'].format(date=date)} " + "; ".join(parts) + "."


def older_note(older: list[Report], draft: Draft) -> str:
    """'Older reports differ: US$14.2 billion, 186 projects (2025-05-20) [2]; ...' when they do."""
    if not older:
        return ""
    undated = draft.phrases["undated"]
    items = [f"{r.render(draft.language)} ({r.date or undated}) [{draft.number(r.evidence)}]" for r in older]
    return f"{draft.phrases['older']} " + "; ".join(items) + "."


def model_down(reason: str, facts: list[Evidence], draft: Draft) -> list[str]:
    """When the model fails mid-answer: say so, then let the evidence speak for itself."""
    return [draft.phrases["model_down"].format(reason=reason[:120]), *(draft.quote(ev) for ev in facts)]


def closing(query: Query, facts: list[Evidence], draft: Draft, emitted: int) -> str:
    """What follows the model's verified sentences, if anything: when none held up, the two best passages
    quoted, after what was asked restated in the reader's words; when the answer leaves out part of the best
    passage, that passage quoted the same way."""
    if not facts:
        return ""
    if not emitted:
        top = facts[:QUOTED_WITHOUT_ANSWER]
        return " ".join([*stated(query, top, draft), draft.phrases["quote"], *(draft.quote(ev) for ev in top)])
    if omits(draft.text, facts[0].sentence.text, draft.language):
        return " ".join([*stated(query, facts[:1], draft), draft.phrases["quote"], draft.quote(facts[0])])
    return ""


def omits(answer: str, evidence: str, language: str) -> bool:
    """Whether the answer may leave out part of its main evidence, which is then quoted verbatim after it:
    when it says almost nothing, drops a figure, is in another language than the source, or covers
    less than 90% of the source's content words."""
    if len(re.findall(r"[^\W\d_]{2,}", answer)) < 4 or not quantities(evidence) <= quantities(answer):
        return True
    if detect_language(evidence) != language:
        return True
    source_words = {w for w in words(evidence) if len(w) > 2 and w not in stopwords()}
    return len(source_words & set(words(answer))) < 0.9 * len(source_words)


def stated(query: Query, quoted: list[Evidence], draft: Draft) -> list[str]:
    """['The source gives: 14 KCN; 6,100 ha [1].', 'The source names: Ecovance [2].']: the figures, names and
    listed topics the question asks for, restated in the reader's language from the sentences about to be
    quoted, less what the answer already says; each line numbered only when it is said."""
    lines = []
    if query.asks_quantity or query.asks_units or query.asks_date:
        wanted = max(1, quantities_asked(query.text))  # the figures of one sentence per figure asked
        given = quantities(draft.text)
        for ev in quoted:
            figure = restated(ev.sentence.text, query, draft.language)
            if not figure:
                continue
            if not quantities(figure) <= given or not quantities(figure):
                lines.append(f"{draft.phrases['figures'].format(figure=figure)} [{draft.number(ev)}].")
                given |= quantities(figure)
            wanted -= 1
            if not wanted:
                break
    # Names from the best sentence that has some: one whose name the question's noun or a title introduces
    # first, then the one with most of the question's words beside its name, then the best ranked.
    found = [(ev, named(ev.sentence.text, query)) for ev in quoted]
    for ev, names in sorted(found, key=lambda item: (not item[1].introduced, -item[1].near)):
        new = [n for n in names.names if fold(n) not in fold(draft.text)]
        if new:
            lines.append(f"{draft.phrases['names'].format(names=', '.join(new))} [{draft.number(ev)}].")
            break
    # The topics a "which sectors" question asks for, from the sentence that lists most of them among those
    # that share the question's own topics: the sectors a speaker wants trained are no answer to what drove
    # growth ("sector" itself, the word that asks, is no shared topic). The best sentence may name just one
    # ("khu vực sản xuất công nghiệp đóng vai trò then chốt": manufacturing drove it).
    asking = query.asks_name[1] if query.asks_name else ""
    own = [c for c in query.concepts if not c.entity and not c.found_in(asking)]
    lists = [(ev, listed(ev.sentence.text, query, draft.language, single=ev is quoted[0])) for ev in quoted
             if not own or any(c.found_in(ev.sentence.text) for c in own)]
    ev, topics = max(lists, key=lambda item: len(item[1]), default=(None, []))
    topics = [t for t in topics if fold(t) not in fold(draft.text)]
    if topics:
        lines.append(f"{draft.phrases['lists'].format(items=', '.join(topics))} [{draft.number(ev)}].")
    return lines


def refusal(chunks: list[ScoredChunk], draft: Draft) -> str:
    """The refusal, then what the nearest passages are about, all in the reader's language: the glossary
    topics they mention most, and the titles of the nearest documents written in that language."""
    phrases = draft.phrases
    nearest = [c.chunk for c in chunks[:6]]
    offered = topics([f"{c.title}\n{c.text}" for c in nearest], draft.language)
    titles = list(dict.fromkeys(f"“{c.title}”" for c in nearest if c.language == draft.language))[:2]
    offer = ", ".join(offered) + (f" ({phrases['for_example']} " + "; ".join(titles) + ")" if titles else "")
    return f"{phrases['refusal']} {phrases['refusal_topics']} {offer}." if offer else phrases["refusal"]


def topics(texts: list[str], language: str) -> list[str]:
    """The glossary concepts most of `texts` mention, named in `language` (the first spelling of its
    column), most frequent first; scale words ('billion') and the city and country are no topics."""
    candidates = [c for c in glossary() if c.english[0] not in EVERYWHERE and not is_scale(c.english[0])]
    counts: dict[Concept, int] = {}
    for text in texts:
        lowered = lower_text(text)
        for concept in candidates:
            if concept.found_in_lowered(lowered):
                counts[concept] = counts.get(concept, 0) + 1
    ranked = sorted(counts, key=lambda c: -counts[c])[:TOPICS_OFFERED]
    column = {"vi": "vietnamese", "ko": "korean"}.get(language, "english")
    return [getattr(c, column)[0] for c in ranked]


def citations(draft: Draft, chunks: list[ScoredChunk]) -> list[Citation]:
    """One Citation per [n] of the draft, with the passage (chunk) around its quote for display."""
    by_id: dict[str, Chunk] = {c.chunk.id: c.chunk for c in reversed(chunks)}  # the first wins
    return [_citation(n, ev, by_id.get(ev.sentence.chunk_id)) for n, ev in enumerate(draft.cited, start=1)]


def _citation(n: int, ev: Evidence, chunk: Chunk | None) -> Citation:
    s = ev.sentence
    return Citation(
        index=n,
        source=s.source,
        title=s.title,
        date=s.date,
        quote=s.text,
        start=s.start,
        end=s.end,
        context=chunk.text if chunk else s.text,
        context_start=chunk.start if chunk else s.start,
    )
