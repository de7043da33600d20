"""The answer path, wired once. Every step a question takes to its answer, in order:

    question     query.parse_query           validated, language detected, concepts and names found
    standalone   condense.Condenser          a follow-up rewritten (or joined) into a question that stands alone
    retrieval    retrieval.Retriever         dense + keyword candidates, fused; the figure pass for "how much"
    evidence     evidence.EvidenceSelector   every candidate sentence scored, best first
    decision     refusal.RefusalGate         answer or refuse, decided by the program on that evidence
    figures      conflicts.reports           each source's report of the asked quantity, newest first
                 conflicts.complement        and its source's sentence with the other half of a compound question
    facts        EvidenceSelector.select     what the model sees: the newest report, then the support
    generation   generation.Generator        the chat model's reply, streamed
    verification citations.Verifier          each sentence of the reply kept only when its evidence holds it
    composition  compose                     numbering, program-written lines, quotes, refusal, citations

The API, CLI, web chat, evals, benchmarks and tests all run this one Pipeline; each step gets its inputs from
the steps before it and returns a typed result, and the pipeline times every step (`Answer.timings`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import compose
from .citations import Verifier, sentences_of
from .condense import Condenser, History
from .conflicts import Report, complement, older_differing, reports, trends
from .evidence import EvidenceSelector, neighbours
from .generation import GenerationError, Generator
from .index import Index
from .language import detect_language
from .llm import ModelUnavailable
from .prompts import messages as phrases
from .query import Query, QuestionError, parse_query
from .refusal import GateDecision, RefusalGate
from .retrieval import Retrieval, Retriever
from .schema import Answer, Evidence
from .settings import Settings

log = logging.getLogger(__name__)
_FOLLOWING = 2  # sentences after a report's that may hold the other half of a compound question


@dataclass
class Gathered:
    """What the evidence steps found for one standalone query."""

    retrieval: Retrieval
    ranked: list[Evidence]  # every candidate sentence, best first
    decision: GateDecision
    reports: list[Report]  # the asked quantity's reports, newest first ([] when no figure is asked for)
    facts: list[Evidence]  # what the model sees ([] when refused)
    other_half: Report | None = None  # of a compound question, the newest report's source's other figure


@dataclass
class _Clock:
    """Seconds per step of one answer, from its start."""

    started: float = field(default_factory=time.perf_counter)
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        mark = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - mark

    def first(self, name: str) -> None:
        """Record when something first happened (the first streamed text), once."""
        self.timings.setdefault(name, time.perf_counter() - self.started)

    def timed_stream(self, name: str, deltas: Iterator[str]) -> Iterator[str]:
        """The stream, recording when its first delta arrived, counted from when it was asked for."""
        mark = time.perf_counter()
        for delta in deltas:
            self.timings.setdefault(name, time.perf_counter() - mark)
            yield delta


class Pipeline:
    """question -> standalone -> retrieval -> evidence -> decision -> figures -> facts -> generation ->
    verification -> composition, built once over one index and one chat model."""

    def __init__(self, settings: Settings, index: Index, generator: Callable[[], Generator] | None = None) -> None:
        self.settings = settings
        self.index = index
        self.retriever = Retriever(index, settings)
        self.selector = EvidenceSelector(settings)
        self.gate = RefusalGate(settings, index)
        self.verifier = Verifier(index.embedder, settings.support_similarity)
        # Loads the model on first use, raising ModelUnavailable when it cannot (none: retrieval only).
        self._generator = generator or _no_model

    # ----- the steps ------------------------------------------------------------------------
    def parse(self, question: str) -> Query:
        """The question step: raises QuestionError for input that is no question."""
        return parse_query(question, self.settings.max_question_tokens, self.settings.max_question_chars)

    def standalone(self, query: Query, history: History | None) -> Query:
        """A follow-up as a question that stands alone; any other question as it is."""
        return Condenser(self.settings, self._generator_or_none()).standalone(query, history)

    def gather(self, search: Query, clock: _Clock | None = None) -> Gathered:
        """retrieval -> evidence -> decision -> figures -> facts, for a standalone query."""
        clock = clock or _Clock()
        with clock.step("retrieval"):
            retrieval = self.retriever.search(search)
        with clock.step("evidence"):
            ranked = self.selector.rank(retrieval)
        with clock.step("decision"):
            decision = self.gate.decide(search, ranked)
        with clock.step("figures"):
            found = reports(search, ranked, self.settings.min_similarity, self.index.document_texts())
            other_half = complement(search, found, ranked, self._neighbours) if found else None
        facts = self.facts(decision, found, other_half) if decision.answerable else []
        return Gathered(retrieval, ranked, decision, found, facts, other_half)

    def _neighbours(self, ev: Evidence) -> list[Evidence]:
        """The few sentences after `ev` in its document and the one before it, from its chunk and those beside it."""
        chunk = self.index.chunk_by_id().get(ev.sentence.chunk_id)
        chunks = [c for c in (chunk and self.index.adjacent(chunk, -1), chunk, chunk and self.index.adjacent(chunk, 1)) if c]
        return neighbours(ev, chunks, [self.index.sentence_vectors(c) for c in chunks], _FOLLOWING)

    def facts(self, decision: GateDecision, found: list[Report], other_half: Report | None) -> list[Evidence]:
        """Evidence for the model: the newest report of a changing figure first (with the sentence of its source
        that states the other half of a compound question), never an older one."""
        older = {r.evidence.sentence.source for r in found[1:]}
        lead = [r.evidence for r in [*found[:1], other_half] if r]
        rest = [ev for ev in decision.support if ev.sentence.source not in older and ev not in lead]
        return self.selector.select(lead + rest)

    # ----- the whole path -------------------------------------------------------------------
    def run(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield text pieces as they are composed and verified, then the final Answer."""
        clock = _Clock()
        try:
            query = self.parse(question)
        except QuestionError as exc:
            text = str(exc)
            yield text
            yield Answer(text=text, refused=True, language=_guess_language(question), question=str(question)[:200])
            return
        with clock.step("standalone"):
            search = self.standalone(query, history)
        gathered = self.gather(search, clock)
        draft = compose.Draft(query.language, phrases(self.settings.prompts_dir, query.language))
        answer = Answer(text="", language=query.language, question=query.text, search_query=search.text)
        if query.truncated:
            answer.notice = f"Your question was shortened to {self.settings.max_question_tokens} tokens."
        if not gathered.decision.answerable:
            yield draft.add(compose.refusal(gathered.retrieval.chunks, draft))
            answer.refused = True
        else:
            answer.evidence = gathered.facts
            lead = compose.newest_line(gathered.reports, draft, gathered.other_half)
            if lead:
                clock.first("first_token")
                yield draft.add(lead)
            for piece in self._answer(search, gathered.facts, draft, clock, restated=bool(lead)):
                clock.first("first_token")
                yield piece
            older = older_differing(gathered.reports, gathered.other_half)
            note = compose.older_note(older, draft)
            if note:
                yield draft.add(note)
            answer.trends = trends(gathered.reports[:1] + older, draft.number, query.language)
        answer.text = draft.text
        answer.citations = compose.citations(draft, gathered.retrieval.chunks)
        clock.timings["total"] = time.perf_counter() - clock.started
        answer.timings = clock.timings
        yield answer

    def _answer(self, search: Query, facts: list[Evidence], draft: compose.Draft, clock: _Clock, restated: bool) -> Iterator[str]:
        """generation -> verification -> composition: the model's sentences that its evidence holds, as they
        come; then, unless the figure asked for is restated from the evidence anyway (`restated`), what
        composition adds when the model's sentences say too little."""
        emitted = 0
        try:
            with clock.step("generation"):
                generator = self._generator()
                deltas = clock.timed_stream("model_first_token", generator.stream(generator.prompt(search.text, draft.language, facts)))
                for sentence in sentences_of(deltas):
                    if draft.repeats(sentence):
                        continue
                    support = self.verifier.supporting(sentence, facts, search.text, draft.language)
                    if support:
                        emitted += 1
                        yield draft.add(draft.cite(sentence, support))
        except (GenerationError, ModelUnavailable) as exc:
            log.warning("generation failed: %s", exc)
            for piece in compose.model_down(str(exc), facts, draft):
                yield draft.add(piece)
            return
        if not restated:
            closing = compose.closing(search, facts, draft, emitted)
            if closing:
                yield draft.add(closing)

    def _generator_or_none(self) -> Generator | None:
        """The generator, or None when the model cannot be loaded (follow-ups are then joined, not rewritten)."""
        try:
            return self._generator()
        except ModelUnavailable:
            return None


def _no_model() -> Generator:
    raise ModelUnavailable("this pipeline has no chat model")


def _guess_language(question: object) -> str:
    text = question.decode("utf-8", "replace") if isinstance(question, bytes) else str(question)
    language = detect_language(text)
    return language if language in ("en", "vi", "ko") else "en"
