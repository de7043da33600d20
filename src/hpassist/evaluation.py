"""Known-facts evaluation: ask every case in evals/facts.yaml, score the answers, write evals/report.{md,json}."""

from __future__ import annotations

import json
import math
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from hpassist.conflicts import ranks
from hpassist.domain import glossary
from hpassist.language import HANGUL
from hpassist.schema import Answer, ScoredChunk
from hpassist.settings import REPO_ROOT
from hpassist.text import NUMBER, quantities, units_agree, years
from hpassist.text import figures as text_figures

LANGUAGES = ("en", "vi", "ko")
RECALL_K = 5
DEFAULT_CASES = REPO_ROOT / "evals" / "facts.yaml"
DEFAULT_OUT_DIR = REPO_ROOT / "evals"

# metric -> (comparison, bound); asserted on the aggregates by evals/test_evals.py
THRESHOLDS: dict[str, tuple[str, float]] = {
    "fact_accuracy": (">=", 0.90),
    "citation_correctness": (">=", 0.95),
    "refusal_accuracy": (">=", 1.0),
    "false_refusal_rate": ("<=", 0.05),
    "language_match": (">=", 0.90),
    "unit_mismatches": ("<=", 0),
}

_DASHES = re.compile(r"[\-\u2010-\u2015\u2212]")
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")
_SPACE_BEFORE_PERCENT = re.compile(r"\s+%")
_MARKER_GROUP = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_TRAILING_MARKERS = re.compile(r"(?:\s*\[\d+(?:\s*,\s*\d+)*\])+\s*$")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
_SENTENCE_END = re.compile(r"[.!?。](?=\s)|\n")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|「[^」]*」|『[^』]*』")
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an is are was were be been of and or in on at to as by for from with has have had its it this that "
    "which there their than about over across will".split()
)
# Words too common to show that a quote supports a sentence (compared after normalise()): function words,
# and the names and units that nearly every sentence of this corpus carries.
_STOPWORDS = frozenset(
    "the and for are was were has have had with from that this which its into than also been will more over "
    "about according said their there they these those what when where while who whom how not but all any "
    "cua cac cho voi tai trong nhung duoc mot nay khi theo con cung nhu vao tren duoi den hon rat nhieu "
    "hien dang van bao nao thi "
    "hai phong haiphong city thanh pho viet nam vietnam han quoc korea korean rok usd billion".split()
)


# ------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalCase:
    """One question with the facts its answer must state (or none, when it must be refused)."""

    id: str
    question: str
    lang: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...] = ()
    sources: tuple[str, ...] = ()
    history: tuple[tuple[str, str], ...] = ()
    follow_up_of: str | None = None
    newest: tuple[str, ...] = ()
    older: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def load_cases(path: Path | str = DEFAULT_CASES) -> list[EvalCase]:
    """Read and validate the cases file (a mapping with a `cases:` list)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ValueError(f"{path}: expected a mapping with a 'cases' list")
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for raw in data["cases"]:
        case = _parse_case(raw)
        _validate_case(case, seen)
        seen.add(case.id)
        cases.append(case)
    return cases


_REQUIRED_KEYS = {"id", "question", "lang", "answerable"}
_KNOWN_KEYS = _REQUIRED_KEYS | {"facts", "sources", "history", "follow_up_of", "newest", "older", "tags"}


def _parse_case(raw: Any) -> EvalCase:
    """Build an EvalCase from one YAML mapping, rejecting missing and unknown keys."""
    if not isinstance(raw, dict) or not _REQUIRED_KEYS <= raw.keys() or not raw.keys() <= _KNOWN_KEYS:
        keys = sorted(raw) if isinstance(raw, dict) else raw
        raise ValueError(f"case {keys!r}: needs {sorted(_REQUIRED_KEYS)}, may have {sorted(_KNOWN_KEYS)}")
    return EvalCase(
        id=str(raw["id"]),
        question=str(raw["question"]),
        lang=str(raw["lang"]),
        answerable=bool(raw["answerable"]),
        facts=tuple(tuple(str(alt) for alt in group) for group in raw.get("facts") or ()),
        sources=tuple(str(s) for s in raw.get("sources") or ()),
        history=tuple((str(user), str(bot)) for user, bot in raw.get("history") or ()),
        follow_up_of=raw.get("follow_up_of"),
        newest=tuple(str(s) for s in raw.get("newest") or ()),
        older=tuple(str(s) for s in raw.get("older") or ()),
        tags=tuple(str(t) for t in raw.get("tags") or ()),
    )


def _validate_case(case: EvalCase, earlier_ids: set[str]) -> None:
    """Raise ValueError when a case is malformed or refers to a case not defined before it."""
    problems = []
    if case.id in earlier_ids:
        problems.append("duplicate id")
    if case.lang not in LANGUAGES:
        problems.append(f"lang must be one of {LANGUAGES}")
    if case.answerable and not (case.facts and case.sources and all(case.facts)):
        problems.append("an answerable case needs non-empty fact groups and sources")
    if not case.answerable and (case.facts or case.sources or case.newest):
        problems.append("an unanswerable case takes no facts, sources or newest")
    if case.follow_up_of is not None and (case.history or case.follow_up_of not in earlier_ids):
        problems.append("follow_up_of must name an earlier case, and excludes history")
    if bool(case.newest) != bool(case.older):
        problems.append("newest and older go together")
    if problems:
        raise ValueError(f"case {case.id!r}: " + "; ".join(problems))


# ------------------------------------------------------------------------------------------------
# Normalisation and matching
# ------------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Fold case, diacritics (đ→d), dashes, spacing and number separators so equivalent spellings compare equal."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    folded = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    folded = _DASHES.sub(" ", folded.replace("đ", "d"))
    folded = _NUMBER_SEPARATOR.sub(".", folded)
    return " ".join(_SPACE_BEFORE_PERCENT.sub("%", folded).split())


@lru_cache(maxsize=4096)
def _fact_pattern(fact: str) -> re.Pattern[str]:
    """A regex for a normalised fact that only matches whole numbers and whole ASCII words at its ends."""
    norm = normalise(fact)
    head = tail = ""
    if norm[:1].isdigit():
        head = r"(?<!\d)(?<!\d\.)"
    elif norm[:1].isascii() and norm[:1].isalpha():
        head = r"(?<![a-z0-9])"
    if norm[-1:].isdigit():
        tail = r"(?!\.?\d)"
    elif norm[-1:].isascii() and norm[-1:].isalpha():
        tail = r"(?![a-z0-9])"
    return re.compile(head + re.escape(norm) + tail)


def first_position(text: str, alternatives: Sequence[str]) -> int | None:
    """Where the earliest of the alternatives occurs in the normalised text, or None."""
    norm = normalise(text)
    starts = [m.start() for alt in alternatives if (m := _fact_pattern(alt).search(norm))]
    return min(starts) if starts else None


def contains_any(text: str, alternatives: Sequence[str]) -> bool:
    """True when the text states one of the alternative spellings of a fact."""
    return first_position(text, alternatives) is not None


def strip_markers(text: str) -> str:
    """Remove [n] citation markers."""
    return _MARKER_GROUP.sub(" ", text)


def strip_quotes(text: str) -> str:
    """Remove passages in quotation marks."""
    return _QUOTED.sub(" ", text)


# ------------------------------------------------------------------------------------------------
# Metrics on one answer
# ------------------------------------------------------------------------------------------------


def fact_hits(answer: Answer, case: EvalCase) -> list[bool]:
    """For each fact group, whether the answer text states it."""
    text = strip_markers(answer.text)
    return [contains_any(text, group) for group in case.facts]


def facts_correct(answer: Answer, case: EvalCase) -> bool:
    """The answer is not a refusal and states every fact group."""
    return not answer.refused and all(fact_hits(answer, case))


def citations_correct(answer: Answer, case: EvalCase) -> bool | None:
    """Every fact the answer states is contained in some citation's quote; None when it states none."""
    stated = [group for group, hit in zip(case.facts, fact_hits(answer, case), strict=True) if hit]
    if not stated:
        return None
    quotes = [c.quote for c in answer.citations]
    return all(any(contains_any(q, group) for q in quotes) for group in stated)


def stated_in_own_words(answer: Answer, case: EvalCase) -> bool | None:
    """For a correct answer: every fact stands outside quotes, in text the reader's language carries (a
    fact only inside a verbatim source sentence in another language is no answer to that reader)."""
    if not facts_correct(answer, case):
        return None
    visible = strip_quotes(strip_markers(answer.text))
    return all(contains_any(visible, group) for group in case.facts) and script_matches(visible, case.lang)


def unit_mismatches(answer: Answer) -> list[str]:
    """Figures the answer states with a unit other than the one its cited quote gives the same number
    ("$1,840 [1]" citing "1,840 hectares"): the worst error, a made-up figure with a real citation."""
    found = []
    for citation in answer.citations:
        sentence = marker_sentence(answer.text, citation.index)
        if sentence is None:
            continue
        quoted = text_figures(citation.quote)
        for f in text_figures(strip_markers(sentence)):
            same = [g for g in quoted if g.value == f.value]
            if f.unit and same and not any(units_agree(f.unit, g.unit) for g in same):
                found.append(f"{f.value:g} {f.unit} cited to [{citation.index}] where it is {same[0].unit}")
    return found


def marker_sentence(text: str, index: int) -> str | None:
    """The answer sentence that carries the [index] marker (the one before it), or None when absent."""
    match = next((m for m in _MARKER_GROUP.finditer(text) if index in _marker_numbers(m.group(1))), None)
    if match is None:
        return None
    before = _TRAILING_MARKERS.sub("", text[: match.start()]).rstrip()
    if before:
        bounds = list(_SENTENCE_END.finditer(before[:-1]))
        return _LEADING_MARKERS.sub("", before[bounds[-1].end() if bounds else 0 :]).strip()
    after = text[match.end() :]
    end = _SENTENCE_END.search(after)
    return after[: end.end() if end else len(after)].strip()


def _marker_numbers(group: str) -> set[int]:
    """The numbers in the inside of a marker such as "1, 3"."""
    return {int(n) for n in group.split(",")}


def content_terms(text: str) -> set[str]:
    """Figures and content words (3+ letters, not stopwords) of a text, normalised."""
    norm = normalise(strip_markers(text))
    figures = set(NUMBER.findall(norm))
    words = {w for w in _LATIN_WORD.findall(norm) if len(w) >= 3 and w not in _STOPWORDS}
    return figures | words


def citation_support(answer: Answer) -> list[bool]:
    """For each citation, whether its quote shares a figure (as written, or as a value: "154억 달러" is
    "15,4 tỷ USD", "ranked 1st" is "đứng đầu"), a content word, or two domain terms in any language ("điện tử,
    tự động hóa" are "electronics, automation"; one, such as "investment", is too common to show the quote is
    the source) with the sentence citing it."""
    support = []
    for citation in answer.citations:
        sentence = marker_sentence(answer.text, citation.index)
        support.append(
            sentence is not None
            and bool(
                content_terms(sentence) & content_terms(citation.quote)
                or _amounts(sentence) & _amounts(citation.quote)
                or ranks(strip_markers(sentence)) & ranks(citation.quote)
                or len(_topics(sentence) & _topics(citation.quote)) >= 2
            )
        )
    return support


def _topics(text: str) -> set[str]:
    """The domain topics (glossary concepts that are no place, company or organisation) a text names."""
    return {c.english[0] for c in glossary() if not c.entity and c.found_in(text)}


def _amounts(text: str) -> set[float]:
    """Values of a text's figures, scale words applied, less its years (a date is not a shared fact)."""
    return quantities(strip_markers(text)) - {float(y) for y in years(text)}


def stated_figures(answer: Answer, question: str) -> set[str]:
    """Figures (digit runs) in the answer outside quotes and [n] markers that the question did not contain."""
    own = set(NUMBER.findall(normalise(strip_quotes(strip_markers(answer.text)))))
    return own - set(NUMBER.findall(normalise(question)))


def refusal_correct(answer: Answer, case: EvalCase) -> bool:
    """An unanswerable question was refused without stating any figure."""
    return answer.refused and not stated_figures(answer, case.question)


def script_matches(text: str, lang: str) -> bool:
    """A light check that the text is written in `lang` (Hangul for ko; vi versus en by word counts)."""
    # Text reads as Vietnamese when its marked words outnumber twice its English function words: an English
    # sentence naming "Lê Tiến Châu" stays English, a Vietnamese one naming an English title stays Vietnamese.
    if lang == "ko":
        return bool(HANGUL.search(text))
    if HANGUL.search(text):
        return False
    words = _LATIN_WORD.findall(text)
    english = sum(1 for w in words if w.casefold() in _ENGLISH_FUNCTION_WORDS)
    vietnamese = sum(1 for w in words if _has_vietnamese_letter(w))
    reads_vietnamese = vietnamese > 2 * english
    return reads_vietnamese if lang == "vi" else bool(words) and not reads_vietnamese


def _has_vietnamese_letter(word: str) -> bool:
    """True when some Latin letter of the word carries a diacritic, or is đ."""
    for char in word:
        if char in "đĐ":
            return True
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            return True
    return False


def language_correct(answer: Answer, case: EvalCase) -> bool:
    """The assistant says it answered in the question's language, and the text's script agrees."""
    visible = strip_quotes(strip_markers(answer.text))
    return answer.language == case.lang and script_matches(visible, case.lang)


def newest_first(answer: Answer, case: EvalCase) -> bool | None:
    """The newest figure is stated, before any older conflicting one; None when the case has no `newest`."""
    if not case.newest:
        return None
    text = strip_markers(answer.text)
    newest = first_position(text, case.newest)
    older = first_position(text, case.older)
    return newest is not None and (older is None or newest < older)


def retrieval_hit(retrieved_sources: Sequence[str], case: EvalCase) -> bool | None:
    """Some expected source is among the retrieved chunks; None for unanswerable cases."""
    if not case.answerable:
        return None
    return any(source in case.sources for source in retrieved_sources[:RECALL_K])


# ------------------------------------------------------------------------------------------------
# Per-case result and report
# ------------------------------------------------------------------------------------------------


@dataclass
class CaseResult:
    """The answer to one case and its scores (None where a metric does not apply)."""

    id: str
    question: str
    lang: str
    answerable: bool
    tags: list[str]
    expected: str
    answer: str
    refused: bool
    answer_language: str
    search_query: str
    citations: list[dict[str, Any]]
    retrieved: list[str]
    latency_s: float
    timings: dict[str, float]
    facts_found: list[bool]
    fact_ok: bool | None
    citation_ok: bool | None
    citation_support: list[bool]
    retrieval_ok: bool | None
    refusal_ok: bool | None
    false_refusal: bool | None
    language_ok: bool
    newest_ok: bool | None
    own_words_ok: bool | None = None
    unit_errors: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        """No applicable metric failed."""
        checks = [self.fact_ok, self.citation_ok, self.refusal_ok, self.language_ok, self.newest_ok]
        return (self.error is None and all(c is not False for c in checks) and self.false_refusal is not True
                and not self.unit_errors)


def score_case(
    case: EvalCase, answer: Answer, retrieved: Sequence[str], latency_s: float, error: str | None = None
) -> CaseResult:
    """Score one answer against its case."""
    return CaseResult(
        id=case.id,
        question=case.question,
        lang=case.lang,
        answerable=case.answerable,
        tags=list(case.tags),
        expected=expected_text(case),
        answer=answer.text,
        refused=answer.refused,
        answer_language=answer.language,
        search_query=answer.search_query,
        citations=[
            {"index": c.index, "source": c.source, "date": c.date, "quote": c.quote, "start": c.start, "end": c.end}
            for c in answer.citations
        ],
        retrieved=list(retrieved),
        latency_s=latency_s,
        timings=dict(answer.timings),
        facts_found=fact_hits(answer, case),
        fact_ok=facts_correct(answer, case) if case.answerable else None,
        citation_ok=citations_correct(answer, case) if case.answerable else None,
        citation_support=citation_support(answer) if not answer.refused else [],
        retrieval_ok=retrieval_hit(retrieved, case),
        refusal_ok=None if case.answerable else refusal_correct(answer, case),
        false_refusal=answer.refused if case.answerable else None,
        language_ok=language_correct(answer, case),
        newest_ok=newest_first(answer, case),
        own_words_ok=stated_in_own_words(answer, case) if case.answerable else None,
        unit_errors=unit_mismatches(answer),
        error=error,
    )


def expected_text(case: EvalCase) -> str:
    """A short human-readable statement of what the answer must contain."""
    if not case.answerable:
        return "refuse, no figures"
    return " · ".join(" / ".join(group) for group in case.facts)


@dataclass
class EvalReport:
    """Aggregate metrics over all cases (None where no case applies), with the per-case results."""

    n_cases: int
    n_answerable: int
    n_unanswerable: int
    n_errors: int
    fact_accuracy: float | None
    citation_correctness: float | None
    citation_precision: float | None
    retrieval_recall_at_5: float | None
    refusal_accuracy: float | None
    false_refusal_rate: float | None
    language_match: float | None
    newest_first: float | None
    own_words: float | None
    unit_mismatches: int
    latency_mean_s: float | None
    latency_p50_s: float | None
    latency_p95_s: float | None
    latency_max_s: float | None
    cases: list[CaseResult] = field(default_factory=list)

    def metrics(self) -> dict[str, float | None]:
        """The aggregate scores by name."""
        names = (
            "fact_accuracy citation_correctness citation_precision retrieval_recall_at_5 refusal_accuracy "
            "false_refusal_rate language_match newest_first own_words unit_mismatches"
        ).split()
        return {name: getattr(self, name) for name in names}

    def threshold_failures(self) -> list[str]:
        """One line per threshold of THRESHOLDS that the aggregates miss."""
        return [
            f"{name} = {_fmt(getattr(self, name))}, needs {op} {bound:.2f}"
            for name, (op, bound) in THRESHOLDS.items()
            if not meets(getattr(self, name), op, bound)
        ]

    def summary(self) -> str:
        """A plain-text table of the aggregates, for the terminal."""
        lines = [
            f"HP Assist eval: {self.n_cases} cases ({self.n_answerable} answerable, {self.n_unanswerable} unanswerable)"
        ]
        for name, value in self.metrics().items():
            lines.append(f"  {name:<26}{_fmt(value):>7}  {_verdict(name, value)}".rstrip())
        lines.append(f"  {'latency mean/p50/p95/max':<26}{self.latency_line()}")
        if self.n_errors:
            lines.append(f"  errors: {self.n_errors} case(s) raised; see the report")
        return "\n".join(lines)

    def latency_line(self) -> str:
        """Mean, median, p95 and max latency in seconds."""
        values = (self.latency_mean_s, self.latency_p50_s, self.latency_p95_s, self.latency_max_s)
        return " / ".join(_fmt(v, "s") for v in values)


def _verdict(metric: str, value: float | None) -> str:
    """The status of a metric against its threshold: pass, FAIL (needs ...), or empty without one."""
    rule = THRESHOLDS.get(metric)
    if rule is None:
        return ""
    return "pass" if meets(value, *rule) else f"FAIL (needs {rule[0]} {rule[1]:.2f})"


def meets(value: float | None, op: str, bound: float) -> bool:
    """Whether a metric value satisfies `op bound` (a missing value never does)."""
    if value is None:
        return False
    return value >= bound if op == ">=" else value <= bound


def _mean(values: Sequence[bool | float | None]) -> float | None:
    """Mean of the values that apply (not None), or None when none do."""
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def aggregate(results: list[CaseResult]) -> EvalReport:
    """Combine per-case results into the report's aggregates."""
    support = [s for r in results for s in r.citation_support]
    latencies = [r.latency_s for r in results]
    return EvalReport(
        n_cases=len(results),
        n_answerable=sum(r.answerable for r in results),
        n_unanswerable=sum(not r.answerable for r in results),
        n_errors=sum(r.error is not None for r in results),
        fact_accuracy=_mean([r.fact_ok for r in results]),
        citation_correctness=_mean([r.citation_ok for r in results]),
        citation_precision=_mean(support),
        retrieval_recall_at_5=_mean([r.retrieval_ok for r in results]),
        refusal_accuracy=_mean([r.refusal_ok for r in results]),
        false_refusal_rate=_mean([r.false_refusal for r in results]),
        language_match=_mean([r.language_ok for r in results]),
        newest_first=_mean([r.newest_ok for r in results]),
        own_words=_mean([r.own_words_ok for r in results]),
        unit_mismatches=sum(len(r.unit_errors) for r in results),
        latency_mean_s=_mean(latencies),
        latency_p50_s=_percentile(latencies, 0.50),
        latency_p95_s=_percentile(latencies, 0.95),
        latency_max_s=max(latencies) if latencies else None,
        cases=results,
    )


# ------------------------------------------------------------------------------------------------
# Running
# ------------------------------------------------------------------------------------------------


class AssistantLike(Protocol):
    """What the harness needs from an assistant."""

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer: ...

    def retrieve(self, query: str, k: int) -> list[ScoredChunk]: ...


def run_case(assistant: AssistantLike, case: EvalCase, history: list[tuple[str, str]]) -> CaseResult:
    """Ask one case (with its history), retrieve for recall, and score; an exception becomes a failed case."""
    started = time.perf_counter()
    try:
        answer = assistant.ask(case.question, history=history or None)
    except Exception as exc:  # a crash on one question is a failed case, not a failed run
        return score_case(case, Answer(text="", language=""), [], time.perf_counter() - started, repr(exc))
    latency = time.perf_counter() - started
    try:
        chunks = assistant.retrieve(answer.search_query or case.question, RECALL_K)
    except Exception as exc:
        return score_case(case, answer, [], latency, f"retrieve: {exc!r}")
    return score_case(case, answer, [c.chunk.source for c in chunks], latency)


def run_eval(
    assistant: AssistantLike, cases_path: Path | str = DEFAULT_CASES, out_dir: Path | str = DEFAULT_OUT_DIR
) -> EvalReport:
    """Run every case, write report.md and report.json into out_dir, print the summary, return the report."""
    cases = load_cases(cases_path)
    by_id = {case.id: case for case in cases}
    histories: dict[str, list[tuple[str, str]]] = {}
    results: dict[str, CaseResult] = {}
    for number, case in enumerate(cases, 1):
        if case.follow_up_of:
            parent = by_id[case.follow_up_of]
            histories[case.id] = histories[parent.id] + [(parent.question, results[parent.id].answer)]
        else:
            histories[case.id] = list(case.history)
        results[case.id] = run_case(assistant, case, histories[case.id])
        _progress(f"[{number}/{len(cases)}] {case.id}", results[case.id].passed, f" ({results[case.id].latency_s:.1f}s)")
    return _published(aggregate(list(results.values())), write_report, out_dir)


def _progress(label: str, passed: bool, detail: str = "") -> None:
    print(f"{label}: {'pass' if passed else 'FAIL'}{detail}", file=sys.stderr, flush=True)


def _published(report: Any, write: Any, out_dir: Path | str) -> Any:
    """The report, once written into out_dir and its summary printed."""
    write(report, Path(out_dir))
    print(report.summary(), flush=True)
    return report


# ------------------------------------------------------------------------------------------------
# Writing the report
# ------------------------------------------------------------------------------------------------


def write_report(report: EvalReport, out_dir: Path) -> None:
    """Write report.json (everything) and report.md (tables) into out_dir."""
    payload = {
        "counts": {k: getattr(report, k) for k in ("n_cases", "n_answerable", "n_unanswerable", "n_errors")},
        "metrics": report.metrics(),
        "latency_s": {k: getattr(report, f"latency_{k}_s") for k in ("mean", "p50", "p95", "max")},
        "thresholds": {name: {"op": op, "bound": bound} for name, (op, bound) in THRESHOLDS.items()},
        "threshold_failures": report.threshold_failures(),
        "cases": [asdict(r) | {"passed": r.passed} for r in report.cases],
    }
    _write(out_dir, "report", payload, render_markdown(report))


def _write(out_dir: Path, name: str, payload: dict[str, Any], markdown: str) -> None:
    """<name>.json (everything, for programs) and <name>.md (for people) into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / f"{name}.md").write_text(markdown, encoding="utf-8")


_CASE_LEGEND = (
    "Marks: ✓ pass, ✗ fail, – not applicable. facts: all facts stated; cite: the stated facts are in a cited "
    "quote; prec: citations that support their sentence; rec@5: an expected source among the top 5 retrieved; "
    "refuse: refused (unanswerable) or answered (answerable); lang: answer language; newest: newest figure first."
)
_CASE_COLUMNS = "case question expected answer citations facts cite prec rec@5 refuse lang newest latency".split()


def render_markdown(report: EvalReport) -> str:
    """The report as Markdown: summary, per-language breakdown, per-case table."""
    lines = [
        "# HP Assist evaluation",
        "",
        f"{report.n_cases} cases: {report.n_answerable} answerable, {report.n_unanswerable} unanswerable; "
        f"{report.n_errors} raised an error.",
        "",
        *_table(
            ["metric", "value", "threshold", "status"],
            [
                [name, _fmt(value), _threshold_text(name), _verdict(name, value)]
                for name, value in report.metrics().items()
            ]
            + [["latency mean / p50 / p95 / max", report.latency_line(), "", ""]],
        ),
        "",
        "## By question language",
        "",
        *_table(
            ["lang", "cases", "fact accuracy", "refusal accuracy", "language match"],
            [_language_row(report.cases, lang) for lang in LANGUAGES],
        ),
        "",
        "## Cases",
        "",
        _CASE_LEGEND,
        "",
        *_table(_CASE_COLUMNS, [_case_row(r) for r in report.cases]),
    ]
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Markdown table lines."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def _threshold_text(metric: str) -> str:
    """The threshold of a metric as text, or "" when it has none."""
    rule = THRESHOLDS.get(metric)
    return "" if rule is None else f"{rule[0]} {rule[1]:.2f}"


def _language_row(results: list[CaseResult], lang: str) -> list[str]:
    """Case count and main scores of the cases asked in `lang`."""
    subset = [r for r in results if r.lang == lang]
    scores = [
        _mean([r.fact_ok for r in subset]),
        _mean([r.refusal_ok for r in subset]),
        _mean([r.language_ok for r in subset]),
    ]
    return [lang, str(len(subset)), *(_fmt(v) for v in scores)]


def _case_row(r: CaseResult) -> list[str]:
    """The cells of a case's row."""
    refusal = r.refusal_ok if not r.answerable else not r.false_refusal
    precision = f"{sum(r.citation_support)}/{len(r.citation_support)}" if r.citation_support else "–"
    answer = ("ERROR " + r.error) if r.error else ("(refused) " if r.refused else "") + r.answer
    return [
        r.id + ("" if r.passed else " ✗"),
        r.question,
        r.expected,
        _excerpt(answer, 180),
        ", ".join(f"[{c['index']}] {c['source'][:3]}" for c in r.citations) or "–",
        _mark(r.fact_ok),
        _mark(r.citation_ok),
        precision,
        _mark(r.retrieval_ok),
        _mark(refusal),
        _mark(r.language_ok),
        _mark(r.newest_ok),
        f"{r.latency_s:.1f}s",
    ]


def _mark(value: bool | None) -> str:
    """✓, ✗ or – for a pass, a fail or not applicable."""
    return "–" if value is None else ("✓" if value else "✗")


def _excerpt(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _fmt(value: float | None, unit: str = "") -> str:
    """A metric for display: 3 decimals (1 for seconds), or n/a."""
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}{unit}" if unit else f"{value:.3f}"


# ------------------------------------------------------------------------------------------------
# Conversations: multi-turn dialogues, every turn scored (evals/conversations.yaml)
# ------------------------------------------------------------------------------------------------
DEFAULT_DIALOGUES = REPO_ROOT / "evals" / "conversations.yaml"
TURN_PASS_THRESHOLD = 0.90


@dataclass(frozen=True)
class DialogueTurn:
    """One turn: the case it is scored as, whether it leans on the turns before it, and spellings (an
    earlier entity's figure, say) that must not appear in its answer outside quotes."""

    case: EvalCase
    follow_up: bool
    forbidden: tuple[str, ...] = ()


@dataclass
class TurnResult:
    dialogue: str
    tags: list[str]
    result: CaseResult
    follow_up: bool
    searched_as_follow_up: bool
    forbidden_found: list[str]

    @property
    def passed(self) -> bool:
        return self.result.passed and not self.forbidden_found


@dataclass
class ConversationReport:
    turns: list[TurnResult]
    report: EvalReport  # the single-answer metrics over every turn

    @property
    def turn_pass_rate(self) -> float | None:
        return _mean([t.passed for t in self.turns])

    @property
    def follow_up_detection(self) -> float | None:
        return _mean([t.follow_up == t.searched_as_follow_up for t in self.turns])

    def by_tag(self) -> dict[str, float | None]:
        tags = sorted({tag for t in self.turns for tag in t.tags})
        return {tag: _mean([t.passed for t in self.turns if tag in t.tags]) for tag in tags}

    def summary(self) -> str:
        lines = [f"HP Assist conversations: {len({t.dialogue for t in self.turns})} dialogues, {len(self.turns)} turns",
                 f"  turn pass rate            {_fmt(self.turn_pass_rate)}  "
                 f"{'pass' if meets(self.turn_pass_rate, '>=', TURN_PASS_THRESHOLD) else f'FAIL (needs >= {TURN_PASS_THRESHOLD:.2f})'}",
                 f"  follow-up detection       {_fmt(self.follow_up_detection)}"]
        lines += [f"  tag {tag:<22}{_fmt(rate):>7}" for tag, rate in self.by_tag().items()]
        return "\n".join(lines) + "\n" + self.report.summary()


def load_dialogues(path: Path | str = DEFAULT_DIALOGUES) -> list[tuple[str, list[str], list[DialogueTurn]]]:
    """(id, tags, turns) per dialogue of a conversations file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    dialogues = []
    for raw in data["dialogues"]:
        turns = []
        for n, t in enumerate(raw["turns"], start=1):
            case = _parse_case({"id": f"{raw['id']}/{n}", "tags": raw.get("tags", []),
                                **{k: v for k, v in t.items() if k not in ("follow_up", "not")}})
            turns.append(DialogueTurn(case, bool(t.get("follow_up", False)), tuple(t.get("not", ()))))
        dialogues.append((raw["id"], list(raw.get("tags", [])), turns))
    return dialogues


def run_conversations(
    assistant: AssistantLike, path: Path | str = DEFAULT_DIALOGUES, out_dir: Path | str = DEFAULT_OUT_DIR
) -> ConversationReport:
    """Ask every dialogue turn by turn through `ask(question, history)`, score each turn, write
    conversations.md / conversations.json into out_dir, print the summary."""
    turns: list[TurnResult] = []
    for dialogue, tags, dialogue_turns in load_dialogues(path):
        history: list[tuple[str, str]] = []
        for turn in dialogue_turns:
            result = run_case(assistant, turn.case, list(history))
            visible = strip_quotes(strip_markers(result.answer))
            forbidden = [f for f in turn.forbidden if contains_any(visible, [f])]
            searched = bool(history) and result.search_query.strip() != turn.case.question.strip()
            turns.append(TurnResult(dialogue, tags, result, turn.follow_up, searched, forbidden))
            history.append((turn.case.question, result.answer))
            _progress(f"[{dialogue}] {turn.case.question[:60]!r}", turns[-1].passed)
    return _published(ConversationReport(turns, aggregate([t.result for t in turns])), _write_conversations, out_dir)


def _write_conversations(report: ConversationReport, out_dir: Path) -> None:
    payload = {
        "turn_pass_rate": report.turn_pass_rate, "follow_up_detection": report.follow_up_detection,
        "by_tag": report.by_tag(), "metrics": report.report.metrics(),
        "turns": [{"dialogue": t.dialogue, "passed": t.passed, "follow_up": t.follow_up,
                   "searched_as_follow_up": t.searched_as_follow_up, "forbidden_found": t.forbidden_found,
                   **asdict(t.result)} for t in report.turns],
    }
    lines = ["# Conversation evaluation", "", "```", report.summary(), "```", "",
             "| dialogue | turn | follow-up (expected / searched as) | answer | result |", "|---|---|---|---|---|"]
    for t in report.turns:
        answer = t.result.answer.replace("\n", " ").replace("|", "\\|")[:220]
        why = "pass" if t.passed else "FAIL" + (f" (states {', '.join(t.forbidden_found)})" if t.forbidden_found else "")
        lines.append(f"| {t.dialogue} | {t.result.question.replace('|', '/')} | {t.follow_up} / {t.searched_as_follow_up} "
                     f"| {answer} | {why} |")
    _write(out_dir, "conversations", payload, "\n".join(lines) + "\n")
