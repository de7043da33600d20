"""The Python API: `Assistant().ask(question)` runs question -> retrieval -> evidence -> gate -> model -> citations."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from .citations import Verifier, add_markers
from .condense import Condenser, History
from .conflicts import Report, older_differing, reports, trends
from .documents import load_paths
from .embeddings import E5Embeddings
from .evidence import EvidenceSelector
from .generation import GenerationError, Generator
from .index import Index, SyncReport
from .language import detect_language, written_in
from .llm import ModelUnavailable, make_chat_model
from .prompts import messages as phrases
from .query import EVERYWHERE, Concept, Query, QuestionError, glossary, lower_text, parse_query, stopwords
from .refusal import RefusalGate
from .restate import listed, named, restated
from .retrieval import Retriever
from .schema import Answer, Citation, Evidence, ScoredChunk
from .settings import Settings
from .text import fold, is_scale, quantities, words

log = logging.getLogger(__name__)


@dataclass
class _Draft:
    """An answer being assembled: text pieces and the evidence each [n] points to."""

    language: str
    pieces: list[str] = field(default_factory=list)
    cited: list[Evidence] = field(default_factory=list)

    def number(self, ev: Evidence) -> int:
        for n, known in enumerate(self.cited, start=1):
            if known.sentence == ev.sentence:
                return n
        self.cited.append(ev)
        return len(self.cited)

    def add(self, text: str) -> str:
        piece = (" " if self.pieces else "") + text
        self.pieces.append(piece)
        return piece

    @property
    def text(self) -> str:
        return "".join(self.pieces)


class Assistant:
    """Answers questions about Hải Phòng from the indexed corpus, with verified citations."""

    def __init__(self, settings: Settings | None = None, chat_model=None, sync: bool = True) -> None:
        self.settings = settings or Settings()
        self.embedder = E5Embeddings(threads=self.settings.n_threads)
        self.index = Index(self.settings, self.embedder)
        if sync:
            self.sync()
        self.retriever = Retriever(self.index, self.settings)
        self.selector = EvidenceSelector(self.index, self.settings)
        self.gate = RefusalGate(self.settings, self.index)
        self.verifier = Verifier(self.embedder, self.settings.support_similarity)
        self._chat_model = chat_model
        self._generator: Generator | None = None

    # ----- corpus ---------------------------------------------------------------------------
    def sync(self, progress=None) -> SyncReport:
        """Add or update the documents of the corpus folders and of the uploads folder (only changed ones
        are embedded). Documents indexed from other paths with `hpassist index PATH` are kept; that
        command prunes."""
        results = load_paths(self.settings.document_paths, self.settings.max_file_bytes)
        return self.index.sync([r.document for r in results if r.document], progress=progress, prune=False)

    def retrieve(self, query: str, k: int = 5) -> list[ScoredChunk]:
        """The top-k chunks for a query (no model): hybrid candidates reranked by their best sentence."""
        parsed = parse_query(query, self.settings.max_question_tokens, self.settings.max_question_chars)
        retrieval = self.retriever.search(parsed)
        best: dict[str, float] = {}
        for ev in self.selector.rank(retrieval):
            best.setdefault(ev.sentence.chunk_id, ev.score)
        return sorted(retrieval.chunks, key=lambda c: best.get(c.chunk.id, 0.0), reverse=True)[:k]

    def as_runnable(self):
        """This assistant as a LangChain Runnable (invoke / stream / batch), see hpassist.runnables."""
        from .runnables import AssistantRunnable

        return AssistantRunnable(self)

    def as_retriever(self, k: int = 5):
        """Its hybrid retriever as a LangChain BaseRetriever returning cited Documents."""
        from .runnables import HybridRetriever

        return HybridRetriever(assistant=self, k=k)

    def _generator_or_none(self) -> Generator | None:
        """The generator, or None when the model cannot be loaded (answers then show passages only)."""
        try:
            return self.generator
        except ModelUnavailable:
            return None

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            self._generator = Generator(self._chat_model or make_chat_model(self.settings), self.settings.prompts_dir)
        return self._generator

    # ----- answering ------------------------------------------------------------------------
    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer one question; `history` holds earlier (user, assistant) turns for follow-ups."""
        answer = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield text deltas as verified sentences become available, then the final Answer."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        try:
            query = parse_query(question, self.settings.max_question_tokens, self.settings.max_question_chars)
        except QuestionError as exc:
            text = str(exc)
            yield text
            yield Answer(text=text, refused=True, language=_guess_language(question), question=str(question)[:200])
            return
        search = Condenser(self.settings, self._generator_or_none()).standalone(query, history)
        mark = time.perf_counter()
        retrieval = self.retriever.search(search)
        timings["retrieval"] = time.perf_counter() - mark
        mark = time.perf_counter()
        ranked = self.selector.rank(retrieval)
        decision = self.gate.decide(search, ranked)
        found = reports(search, ranked, self.settings.min_similarity, self.index.document_texts())
        timings["evidence"] = time.perf_counter() - mark
        draft = _Draft(query.language)
        words = phrases(self.settings.prompts_dir, query.language)
        answer = Answer(text="", language=query.language, question=query.text, search_query=search.text)
        if query.truncated:
            answer.notice = f"Your question was shortened to {self.settings.max_question_tokens} tokens."
        if not decision.answerable:
            yield draft.add(self._refusal_text(words, retrieval.chunks, query.language))
            answer.refused = True
        else:
            facts = self._facts(decision.support, found)
            answer.evidence = facts
            lead = self._newest_line(found, draft, words)
            if lead:
                timings["first_token"] = time.perf_counter() - started
                yield draft.add(lead)
            for piece in self._generate(search, query, facts, draft, words, timings, restated=bool(lead)):
                timings.setdefault("first_token", time.perf_counter() - started)
                yield piece
            older = older_differing(found)
            note = self._older_note(older, draft, words)
            if note:
                yield draft.add(note)
            answer.trends = trends(found[:1] + older, draft.number, query.language)
        answer.text = draft.text
        answer.citations = [self._citation(n, ev, retrieval.chunks) for n, ev in enumerate(draft.cited, start=1)]
        timings["total"] = time.perf_counter() - started
        answer.timings = timings
        yield answer

    def _facts(self, support: list[Evidence], found: list[Report]) -> list[Evidence]:
        """Evidence for the model: the newest report of a changing figure first, never an older one."""
        older = {r.evidence.sentence.source for r in found[1:]}
        lead = [found[0].evidence] if found else []
        rest = [ev for ev in support if ev.sentence.source not in older and ev not in lead]
        return self.selector.select(lead + rest)

    def _generate(
        self,
        search: Query,
        query: Query,
        facts: list[Evidence],
        draft: _Draft,
        words: dict[str, str],
        timings: dict,
        restated: bool,
    ) -> Iterator[str]:
        """Stream verified sentences of the model's answer. If none survives, quote the two best evidence
        sentences; if the answer leaves out part of the best one, quote it; unless the figure asked for is
        restated from the evidence anyway (`restated`)."""
        mark = time.perf_counter()
        buffer = ""
        emitted = 0
        try:
            prompt = self.generator.prompt(search.text, query.language, facts)
            for delta in self.generator.stream(prompt):
                timings.setdefault("model_first_token", time.perf_counter() - mark)
                buffer += delta
                *complete, buffer = _cut(buffer)
                for sentence in complete:
                    piece = self._verified(sentence, facts, search.text, query.language, draft)
                    if piece:
                        emitted += 1
                        yield draft.add(piece)
            if buffer.strip():
                piece = self._verified(buffer.strip(), facts, search.text, query.language, draft)
                if piece:
                    emitted += 1
                    yield draft.add(piece)
        except (GenerationError, ModelUnavailable) as exc:
            log.warning("generation failed: %s", exc)
            yield draft.add(words["model_down"].format(reason=str(exc)[:120]))
            for ev in facts:
                yield draft.add(_quote(ev, draft))
            timings["generation"] = time.perf_counter() - mark
            return
        timings["generation"] = time.perf_counter() - mark
        if restated:
            return
        # What was asked, in the reader's words, when only a quote would state it.
        if not emitted:  # nothing the model wrote holds up: the two best passages speak for themselves
            top = facts[:_QUOTED_WITHOUT_ANSWER]
            yield draft.add(" ".join([*_stated(search, top, draft, words), words["quote"], *(_quote(ev, draft) for ev in top)]))
        elif _omits(draft.text, facts[0].sentence.text, draft.language):
            yield draft.add(" ".join([*_stated(search, facts[:1], draft, words), words["quote"], _quote(facts[0], draft)]))

    def _verified(self, sentence: str, facts: list[Evidence], question: str, language: str, draft: _Draft) -> str:
        """The sentence with its [n] markers if supported and in the right language, else ''."""
        if sentence.rstrip().endswith("?") or not written_in(sentence, language):
            return ""
        figures = quantities(sentence)
        if figures and figures <= quantities(draft.text):
            return ""  # restates figures the answer already gives
        check = self.verifier.check(sentence, facts, question)
        if not check.supported:
            log.info("dropped unsupported sentence %r: %s", sentence, check.reason)
            return ""
        return add_markers(sentence, [draft.number(facts[i]) for i in check.evidence])

    def _newest_line(self, found: list[Report], draft: _Draft, words: dict[str, str]) -> str:
        """'Newest figure (2026): 320 projects, more than US$15.4 billion [1].' in the reader's language.

        Composed by the program from the newest report, so it can be shown before the model answers."""
        if not found:
            return ""
        newest = found[0]
        date = newest.date or words["undated"]
        return f"{words['newest'].format(date=date)} {newest.render(draft.language)} [{draft.number(newest.evidence)}]."

    def _older_note(self, older: list[Report], draft: _Draft, words: dict[str, str]) -> str:
        """'Older reports differ: US$14.2 billion, 186 projects (2025-05-20) [2]; ...' when they do."""
        if not older:
            return ""
        items = [f"{r.render(draft.language)} ({r.date or words['undated']}) [{draft.number(r.evidence)}]" for r in older]
        return f"{words['older']} " + "; ".join(items) + "."

    def _refusal_text(self, words: dict[str, str], chunks: list[ScoredChunk], language: str) -> str:
        """The refusal, then what the nearest passages are about, all in the reader's language: the glossary
        topics they mention most, and the titles of the nearest documents written in that language."""
        nearest = [c.chunk for c in chunks[:6]]
        topics = _topics([f"{c.title}\n{c.text}" for c in nearest], language)
        titles = list(dict.fromkeys(f"“{c.title}”" for c in nearest if c.language == language))[:2]
        offer = ", ".join(topics) + (f" ({words['for_example']} " + "; ".join(titles) + ")" if titles else "")
        return f"{words['refusal']} {words['refusal_topics']} {offer}." if offer else words["refusal"]

    def _citation(self, n: int, ev: Evidence, chunks: list[ScoredChunk]) -> Citation:
        s = ev.sentence
        chunk = next((c.chunk for c in chunks if c.chunk.id == s.chunk_id), None)
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


def _cut(buffer: str) -> list[str]:
    """Split off complete sentences; the last element is the unfinished rest."""
    parts = re.split(r"(?<=[.!?。])\s+", buffer)
    return parts


def _omits(answer: str, evidence: str, language: str) -> bool:
    """Whether the answer may leave out part of its main evidence, which is then quoted verbatim after it:
    when it says almost nothing, drops a figure, is in another language than the source, or covers
    less than 90% of the source's content words."""
    if len(re.findall(r"[^\W\d_]{2,}", answer)) < 4 or not quantities(evidence) <= quantities(answer):
        return True
    if detect_language(evidence) != language:
        return True
    source_words = {w for w in words(evidence) if len(w) > 2 and w not in stopwords()}
    return len(source_words & set(words(answer))) < 0.9 * len(source_words)


_QUOTED_WITHOUT_ANSWER = 2


def _stated(query: Query, quoted: list[Evidence], draft: _Draft, words: dict[str, str]) -> list[str]:
    """['The source gives: 14 KCN; 6,100 ha [1].', 'The source names: Ecovance [2].']: the figures, names and
    listed topics the question asks for, restated in the reader's language from the sentences about to be quoted, less
    what the answer already says; each line numbered only when it is said."""
    lines = []
    if query.asks_quantity or query.asks_units or query.asks_date:
        for ev in quoted:
            figure = restated(ev.sentence.text, query, draft.language)
            if figure:
                if not quantities(figure) <= quantities(draft.text) or not quantities(figure):
                    lines.append(f"{words['figures'].format(figure=figure)} [{draft.number(ev)}].")
                break
    # Names from the best sentence that has some: one whose name the question's noun or a title introduces
    # first, then the one with most of the question's words beside its name, then the best ranked.
    found = [(ev, named(ev.sentence.text, query)) for ev in quoted]
    for ev, names in sorted(found, key=lambda item: (not item[1].introduced, -item[1].near)):
        new = [n for n in names.names if fold(n) not in fold(draft.text)]
        if new:
            lines.append(f"{words['names'].format(names=', '.join(new))} [{draft.number(ev)}].")
            break
    # The topics a "which sectors" question asks for, from the sentence that lists most of them.
    lists = [(ev, listed(ev.sentence.text, query, draft.language)) for ev in quoted]
    ev, topics = max(lists, key=lambda item: len(item[1]), default=(None, []))
    topics = [t for t in topics if fold(t) not in fold(draft.text)]
    if topics:
        lines.append(f"{words['lists'].format(items=', '.join(topics))} [{draft.number(ev)}].")
    return lines


def _quote(ev: Evidence, draft: _Draft) -> str:
    return f"“{ev.sentence.text}” [{draft.number(ev)}]"


_TOPICS_OFFERED = 4


def _topics(texts: list[str], language: str) -> list[str]:
    """The glossary concepts most of `texts` mention, named in `language` (the first spelling of its
    column), most frequent first; scale words ('billion') and the city and country are no topics."""
    candidates = [c for c in glossary() if c.english[0] not in EVERYWHERE and not is_scale(c.english[0])]
    counts: dict[Concept, int] = {}
    for text in texts:
        lowered = lower_text(text)
        for concept in candidates:
            if concept.found_in_lowered(lowered):
                counts[concept] = counts.get(concept, 0) + 1
    ranked = sorted(counts, key=lambda c: -counts[c])[:_TOPICS_OFFERED]
    column = {"vi": "vietnamese", "ko": "korean"}.get(language, "english")
    return [getattr(c, column)[0] for c in ranked]


def _guess_language(question: object) -> str:
    text = question.decode("utf-8", "replace") if isinstance(question, bytes) else str(question)
    language = detect_language(text)
    return language if language in ("en", "vi", "ko") else "en"
