"""What a question asks for, stated by the program in the reader's language from one evidence sentence.

An answer whose only statement of a fact is a quote in another language (or a quote at all) gives a reader
nothing to read in their own words; the program then writes the fact itself, cited to its sentence:
- figures with the same value, unit and qualifier as the source ("hơn 6.100 ha" -> "more than 6,100 ha"),
  one per kind asked for: a unit of data/asked_figures.tsv, or a thing the question counts ("how many
  industrial parks" -> "14 KCN"), and the dates or years a "when / which year" question asks for;
- the names a "who / which company" question asks for (data/asked_names.tsv): the name nearest the
  question's own words in the sentence, with the names listed beside it ("Jeil Group và SK Group").

A sentence that counts several things ("14 KCN … 6.100 ha, 1 KKT … 22.540 ha") gives each figure to the
thing counted before it, so a question about the economic zone gets the zone's area, not the parks'.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .conflicts import QUALIFIER_KIND, format_number, money, per_suffix, qualified, unit_templates
from .conflicts import Figure as Measured
from .domain import EVERYWHERE, Concept, glossary, lines, lower_text, not_names, person_titles, stopwords, weight
from .language import detect_language
from .query import Query, asked_kinds, name_spans
from .text import Figure, dates, figures, fits, fold, is_scale, is_unit, is_vietnamese_syllable, whole_word, words, years

_BY_UNIT = {"%": "percent", "projects": "projects", "countries": "countries"}  # conflicts renders these
_QUALIFIER_BEFORE = re.compile(r"(" + "|".join(sorted(QUALIFIER_KIND, key=len, reverse=True)) + r")\s*$", re.IGNORECASE)
# A count the question asks for: "how many parks", "bao nhiêu khu công nghiệp", "산업단지는 몇 개", "몇 개의 산업단지".
_COUNT_BEFORE = re.compile(r"(?:how many|number of|bao nhiêu|số lượng|몇\s*개의?)\s+(?:\S+\s+){0,2}$")
_COUNT_AFTER = re.compile(r"^\S{0,2}\s*몇")
_COUNTED_UNITS = {"parks", "projects", "firms", "countries", "people", "units"}  # data/units.tsv: things counted
_DATES_STATED = weight("restate", "dates_stated")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NAMES_STATED = weight("restate", "names_stated")
_BESIDE = weight("restate", "beside")
_OFFICE_CHARS = weight("restate", "office_chars")
# What joins the names of one list: "LG, Heesung", "Jeil Group và SK Group", "HEZA and SIA".
_NEXT_ITEM = re.compile(r"\s*(?:,|;|&|và|and|및|와|과|hoặc|or)\s*(?:và|and)?\s*(?:[^\W\d]+\s+){0,2}", re.IGNORECASE)
# What joins the names of one list, co-organisers included ("HEZA in collaboration with the SIA").
_LIST_JOIN = re.compile(
    r"\s*(?:(?:,|;|&|–|-|và|cùng|and|với|와|과|\(|\)|(?:in collaboration|in cooperation|in partnership|together) with(?: the)?"
    r"|(?:phối hợp|hợp tác|cùng) với)\s*){0,3}",
    re.IGNORECASE,
)


def restated(sentence: str, query: Query, language: str) -> str | None:
    """The figures (and dates) the question asks for, from `sentence`, in `language` ("14 khu công
    nghiệp; hơn 6.100 ha"), or None when the sentence states none of them in a way `language` can name."""
    found = [f for f in figures(sentence) if f.unit]
    start, end = _segment(sentence, found, query)
    inside = [f for f in found if start <= f.start < end]
    if query.years:  # "how many parks in 2021–2022": the count written beside that period first
        inside.sort(key=lambda f: not set(years(_clause(sentence, f.start))) & set(query.years))
    items: dict[str, int] = {}  # each text, where it stands in the sentence
    kinds: list[tuple[str, ...] | Concept] = []
    if query.asks_units:  # every kind asked ("the area and the population"), when the text asks the query's own first
        every = asked_kinds(query.text, query.asks_quantity)
        kinds = list(every) if every[:1] == [query.asks_units] else [query.asks_units]
    for kind in [*kinds, *(c for c in query.all_concepts if _asks_count(c, query))]:
        match = next((f for f in inside if _is_kind(f, kind)), None)
        text = _render_at(sentence, match, kind, language) if match else None
        if text:
            items.setdefault(text, match.start)
    if not items and query.asks_quantity and not kinds and not any(_asks_count(c, query) for c in query.all_concepts):
        # "how much / bao nhiêu" with no kind named: the figure nearest the question's own words.
        anchors = anchor_spans(sentence, query) or [(0, 0)]
        for figure in sorted(inside, key=lambda f: min(_gap(("", f.start, f.start), a) for a in anchors)):
            text = _render_at(sentence, figure, (), language)
            if text:
                items[text] = figure.start
                break
        if not items and _HOW_MANY.search(fold(query.text)):
            # "몇 개 / how many" of a thing no unit names ("6 cơ quan y tế"): the bare count nearest its words.
            counts = sorted(_bare_counts(sentence, start, end), key=lambda f: min(_gap(("", f.start, f.start), a) for a in anchors))
            if counts:
                items[_COUNT_TEMPLATE[language].format(format_number(counts[0].value, language))] = counts[0].start
    if query.asks_date:
        given = {fold(d) for d, _ in dates(query.text)}
        for text, at in [(d, at) for d, at in dates(sentence) if start <= at < end and fold(d) not in given][:_DATES_STATED]:
            items.setdefault(text, at)
    return "; ".join(sorted(items, key=items.get)) or None


_HOW_MANY = re.compile(r"\bhow many\b|\bbao nhieu\b|몇")
_COUNT_TEMPLATE = {"en": "{}", "vi": "{}", "ko": "{}개"}  # a count of things no unit names


def _bare_counts(sentence: str, start: int, end: int) -> list[Figure]:
    """Whole numbers written without a unit in [start, end) of `sentence`, less years and dates."""
    written = [(at, at + len(d)) for d, at in dates(sentence)]
    return [
        f for f in figures(sentence)
        if not f.unit and f.value.is_integer() and not 1900 <= f.value <= 2100 and start <= f.start < end
        and not any(a <= f.start < b for a, b in written)
    ]


_QUOTATION = re.compile(r"[\"“][^\"“”]{3,}[\"”]")
_CLAUSE_MARK = re.compile(r"[;()]|,(?!\d)|\s(?:và|and|및)\s")  # a decimal comma ("15,4 tỷ") ends nothing


def _clause(sentence: str, at: int) -> str:
    """The clause of `sentence` around position `at`, between commas, semicolons, brackets and "and"."""
    start = max((m.end() for m in _CLAUSE_MARK.finditer(sentence, 0, at)), default=0)
    end = next((m.start() for m in _CLAUSE_MARK.finditer(sentence, at)), len(sentence))
    return sentence[start:end]


class Names(NamedTuple):
    """The names a sentence gives for a "who / which" question, and how surely they answer it."""

    names: list[str]
    introduced: bool  # the question's noun or a person's title introduces the first
    near: int = 0  # how many of the question's own words stand beside it ("Maeng … - Chủ tịch … Chungbuk")


def named(sentence: str, query: Query) -> Names:
    """The names a "who / which" question asks for, from `sentence`: the one the question's noun or a
    person's title introduces ("công ty nào" -> "Công ty TNHH Ecovance", "ông Lê Trung Kiên"), else the
    one nearest the question's words, with those listed beside it; never a name the question gives
    itself. Empty for other questions."""
    asked = query.asks_name
    if asked is None or asked[0] == "topic":
        return Names([], False)
    concepts = tuple(c for c in glossary() if c.found_in(sentence))
    covered = {w for c in concepts if c.english[0] in EVERYWHERE for t in c.terms for w in words(t)}
    anchors = anchor_spans(sentence, query)
    given = {*query.key_terms, *(w for c in query.all_concepts for t in c.terms for w in words(t))}
    kind, asking = asked
    asks_office = kind == "person" and _asks_office(asking)
    spans = []
    places = {w for c in concepts if c.kind in ("country", "place") for t in c.terms for w in words(t)}
    # A title the question quotes ("Matching Your Future") is what it asks about: no name inside it answers.
    titles = [m.span() for m in _QUOTATION.finditer(sentence) if any(fold(n) in fold(m.group(0)) for n in query.names)]
    for name, start, end in name_spans(sentence, concepts, evidence=True):
        if any(a <= start < b for a, b in titles):
            continue
        name = _trimmed(name, set() if asks_office else given)
        if kind == "person" and set(words(name)) <= places:
            continue  # a country or place is no person (an organisation may be: "who organised it?")
        if kind == "person":
            name = _person_name(name)
            start = max(start, sentence.find(name, start, end))  # where the trimmed name itself starts
        # A name the question gives is no answer to it, unless the question asks that person's office.
        asked_about = set(words(name)) <= set(words(query.text))
        if name and not set(words(name)) <= covered and (not asked_about or asks_office) and not is_office(name):
            spans.append((name, start, end))
    if asks_office:  # "What is Lê Anh Quân's position?": the person it names is where to look
        anchors += [span for n in query.names for span in _spans(whole_word(fold(n)), sentence)]
    if not spans or not anchors:
        return Names([], False)
    nouns = _noun_spans(sentence, asking) if kind == "name" else _title_spans(sentence)
    introduced = [  # the title or noun just before the name, or opening it ("Ông Maeng Gyeong Jae")
        i for i, (_, start, _) in enumerate(spans) if any(0 <= start - end <= 12 or at == start for at, end in nouns)
    ]
    offices = [office_of(sentence, start, end) if kind == "person" else None for _, start, end in spans]
    candidates = introduced if kind == "person" and introduced else range(len(spans))
    if kind == "person" and not introduced and any(offices):  # a name with an office beside it is a person's
        candidates = [i for i, office in enumerate(offices) if office]
    # An office is stated as the source writes it, so only to a reader of the source's language.
    offices = [o if o and detect_language(o) == query.language else None for o in offices]
    if kind == "name" and introduced:
        candidates = introduced[:1]
    best = min(candidates, key=lambda i: (min(_gap(spans[i], a) for a in anchors), i))
    first = last = best
    while first > 0 and _LIST_JOIN.fullmatch(sentence[spans[first - 1][2] : spans[first][1]]):
        first -= 1
    while last + 1 < len(spans) and _LIST_JOIN.fullmatch(sentence[spans[last][2] : spans[last + 1][1]]):
        last += 1
    names: list[str] = []
    for i in range(first, last + 1):
        name, _, end = spans[i]
        if names and re.fullmatch(r"\s*\(\s*", sentence[spans[i - 1][2] : spans[i][1]]) and sentence[end : end + 1] == ")":
            names[-1] += f" ({name})"  # "Hai Phong Economic Zone Authority (HEZA)": one name and its short form
        else:
            names.append(f"{name} ({offices[i]})" if offices[i] else name)
    unique = [n for n in dict.fromkeys(names) if not any(n != m and n in m for m in names)]
    beside = {fold(sentence[a:b]) for a, b in anchors if _gap(spans[best], (a, b)) <= _BESIDE}
    return Names(unique[:_NAMES_STATED], best in introduced, len(beside))


def office_of(sentence: str, start: int, end: int) -> str | None:
    """The office the sentence gives the person named at [start, end), as it writes it: after the name
    ("Phạm Tiến Vân, nguyên Đại sứ …, Phó chủ tịch …"; "Lê Trung Kiên – Trưởng ban BQL KKT Hải Phòng tại …")
    or just before it ("…, Permanent Vice Chairman of the municipal People's Committee Lê Anh Quân stated");
    None when it gives none (data/roles.tsv)."""
    folded = fold(sentence)
    if len(folded) != len(sentence):
        return None
    opened = re.match(r"\s*[,–—-]\s*", folded[end:])
    offices = []
    if opened:  # the name's appositions, one office each, up to the first that is not one or that ends
        at = end + opened.end()
        for segment in re.finditer(r"[^,;.]+", folded[at:]):
            seg_start, seg_end = at + segment.start(), at + segment.end()
            if not _roles().start.match(folded[seg_start:seg_end].lstrip()):
                break
            stop = next((m for m in _roles().end.finditer(folded, seg_start, seg_end) if _ends(m, sentence)), None)
            offices.append(sentence[seg_start : stop.start() if stop else seg_end].strip())
            if stop or folded[seg_end : seg_end + 1] != ",":
                break
    if not offices:  # the office written before the name, back to the start of its clause
        clause = max(folded.rfind(mark, 0, start) for mark in ",;:(–—") + 1
        before = re.sub(_roles().honorific, "", folded[clause:start])
        role = _roles().anywhere.search(before)
        if role and not _roles().complement.search(before):  # "chairman of the | Korean Chamber": no person
            at = clause + role.start()
            while True:  # the capitalised words and modifiers just before it ("Permanent Vice Chairman")
                previous = re.search(r"(\S+)\s+$", sentence[clause:at])
                if not previous or not (previous.group(1)[0].isupper() or _roles().modifier.fullmatch(fold(previous.group(1)))):
                    break
                at = clause + previous.start()
            offices.append(sentence[at : clause + len(before)].strip())
    return ", ".join(o for o in offices if o and len(o) <= _OFFICE_CHARS) or None


def _ends(match: re.Match[str], sentence: str) -> bool:
    """Whether an end word ends the office: a verb always; a preposition unless a name follows it
    ("Đại sứ Việt Nam tại Hàn Quốc" goes on, "Trưởng ban … tại buổi làm việc" has ended)."""
    word = match.group(0).strip()
    following = sentence[match.end() :].lstrip()[:1]
    return not (_roles().place.fullmatch(word) and following.isupper())


class _Roles(NamedTuple):
    start: re.Pattern[str]  # a text that opens with an office (after modifiers)
    anywhere: re.Pattern[str]  # an office word anywhere
    modifier: re.Pattern[str]
    end: re.Pattern[str]  # where an office phrase has ended
    place: re.Pattern[str]  # end words that a name may follow inside an office ("tại Hàn Quốc")
    complement: re.Pattern[str]  # a text ending in words that make what follows the office's organisation
    honorific: str  # person titles at the end of a text ("… đồng chí ")
    asks: re.Pattern[str]  # a question's words that ask for an office


@lru_cache(maxsize=1)
def _roles() -> _Roles:
    """Patterns from data/roles.tsv, matched on folded text."""
    kinds: dict[str, list[str]] = {}
    for line in lines("roles.tsv"):
        kind, spellings = line.split("\t")
        kinds.setdefault(kind, []).extend(w.strip() for w in spellings.split("|") if w.strip())

    def alternatives(kind: str) -> str:
        return "|".join(re.escape(w) for w in sorted(kinds[kind], key=len, reverse=True))

    role, modifier = alternatives("role"), alternatives("modifier")
    return _Roles(
        start=re.compile(rf"(?:(?:{modifier})\s+)*(?:{role})(?!\w)"),
        anywhere=re.compile(rf"(?<!\w)(?:{role})(?!\w)"),
        modifier=re.compile(modifier),
        end=re.compile(rf"\s(?:{alternatives('end')}|{alternatives('place')})(?=\s|$)"),
        place=re.compile(alternatives("place")),
        complement=re.compile(rf"(?<!\w)(?:{alternatives('complement')})\s*$"),
        honorific=r"(?:\s|^)(?:" + "|".join(re.escape(t) for t in person_titles()) + r")\.?\s*$",
        asks=re.compile(alternatives("asks")),
    )


def is_office(name: str) -> bool:
    """Whether a capitalised run is only an office ("Permanent Vice Chairman"), not a name."""
    return _roles().start.fullmatch(fold(name).lower()) is not None


def _asks_office(asking: str) -> bool:
    """Whether the question's asking words ask for a person's office ("what position", "chức vụ", "직책")."""
    return _roles().asks.search(fold(asking)) is not None


def _person_name(name: str) -> str:
    """A person's name out of a capitalised run that an organisation opens ("People's Committee Lê Anh
    Quân" -> "Lê Anh Quân"): the trailing run of Vietnamese syllables, when there are two or more."""
    parts = name.split()
    tail = 0
    while tail < len(parts) and is_vietnamese_syllable(parts[-1 - tail]) and parts[-1 - tail][0].isupper():
        tail += 1
    return " ".join(parts[-tail:]) if 2 <= tail < len(parts) else name


def listed(sentence: str, query: Query, language: str, single: bool = False) -> list[str]:
    """The topics a "which sectors / what kind" question asks for, from `sentence`, named in `language`:
    the longest list of glossary concepts the sentence gives ("điện tử, phụ tùng ô tô và máy móc" ->
    electronics, auto parts, machinery), none that the question names, no places or organisations."""
    if query.asks_name is None or query.asks_name[0] != "topic":
        return []
    lowered = lower_text(sentence)
    spans = sorted(
        ((start, end, concept) for concept in glossary() for start, end in _term_spans(concept, lowered)
         if not concept.entity and concept not in query.all_concepts and not is_scale(concept.english[0])),
        key=lambda span: (span[0], span[0] - span[1]),
    )
    head_first = detect_language(sentence) == "vi"  # "công nghệ bán dẫn" is a kind of semiconductor work
    runs: list[list[list[Concept]]] = []  # lists of items, each item the concepts of one listed thing
    end = 0
    for start, stop, concept in spans:
        if start < end:
            continue  # inside a longer term already taken ("chip" of "bán dẫn, chip")
        gap = lowered[end:start]
        if runs and _NEXT_ITEM.fullmatch(gap):
            runs[-1].append([concept])
        elif runs and not gap.strip():
            runs[-1][-1].append(concept)  # side by side, "công nghệ bán dẫn": one thing
        else:
            runs.append([[concept]])
        end = stop
    lists = [list(dict.fromkeys(item[-1] if head_first else item[0] for item in run)) for run in runs]
    concepts = max(lists, key=len, default=[])
    if len(concepts) < (1 if single else 2):
        return []  # one topic is no list, unless asked of the best sentence (`single`)
    column = {"vi": "vietnamese", "ko": "korean"}.get(language, "english")
    return [getattr(c, column)[0] for c in concepts]


def _term_spans(concept: Concept, lowered: str) -> list[tuple[int, int]]:
    """Where a term of `concept` occurs in a lower-cased text: whole words, Korean also before a particle."""
    spans = []
    for term in concept.terms:
        after = "" if _HANGUL.search(term) else r"(?!\w)"
        spans += [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(term)}{after}", lowered)]
    return spans


def _title_spans(sentence: str) -> list[tuple[int, int]]:
    """Where a word that introduces a person's name ("ông", "Mr") occurs in `sentence`."""
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(t) for t in person_titles()) + r")\.?(?!\w)"
    return _spans(pattern, sentence)


def _noun_spans(sentence: str, asked: str) -> list[tuple[int, int]]:
    """Where the noun of the asking words ("công ty" of "công ty nào") occurs in `sentence`."""
    noun = [w for w in words(asked) if w not in stopwords()]
    return _spans(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in noun) + r"(?!\w)", sentence) if noun else []


def anchor_spans(sentence: str, query: Query) -> list[tuple[int, int]]:
    """Where the question's own words (its key words, its glossary concepts) occur in `sentence`."""
    terms = {*query.key_terms, *(fold(t) for c in query.all_concepts for t in c.terms)}
    return [span for term in terms for span in _spans(whole_word(term), sentence)]


def _spans(pattern: str, sentence: str) -> list[tuple[int, int]]:
    """Where `pattern` matches the folded sentence; [] when folding moved its characters (offsets differ)."""
    folded = fold(sentence)
    if len(folded) != len(sentence):
        return []
    return [(m.start(), m.end()) for m in re.finditer(pattern, folded)]


def _gap(span: tuple[str, int, int], anchor: tuple[int, int]) -> int:
    _, start, end = span
    return max(anchor[0] - end, start - anchor[1], 0)


def _trimmed(name: str, given: set[str]) -> str:
    """The name without titles and company forms around it and the question's own words before it
    ("KKT Đình Vũ" -> "Đình Vũ" when the question names the economic zone, "TNHH Ecovance" -> "Ecovance");
    '' when nothing else is left or it is a single word that is no name ('Trung' of 'Trung tâm', a unit)."""

    def bare(word: str) -> bool:
        return fold(word).strip(".") in not_names()

    def given_word(word: str) -> bool:
        return set(words(word)) <= given

    parts = name.split()
    while parts and (bare(parts[0]) or given_word(parts[0])):
        if not bare(parts[0]) and len(parts) == 2 and not given_word(parts[1]) and not _one_word_name(parts[1]):
            break  # "Bắc Giang" stays whole though the question names Bắc Ninh: "Giang" alone is no name
        parts.pop(0)
    while parts and bare(parts[-1]):
        parts.pop()
    if len(parts) == 1 and not _one_word_name(parts[0]):
        return ""
    return " ".join(parts)


def _one_word_name(word: str) -> bool:
    """Whether a single word can be a name by itself: an acronym, or a longer word that is no unit and no
    Vietnamese syllable ('Ecovance', not 'Trung')."""
    acronym = len(word) >= 2 and word.replace("-", "").isupper()
    return not is_unit(word) and (acronym or (len(word) >= 4 and not is_vietnamese_syllable(word)))


def _asks_count(concept: Concept, query: Query) -> bool:
    """Whether the question asks how many of `concept` there are ("how many industrial parks")."""
    lowered = query.text.lower()
    for term in concept.terms:
        for m in re.finditer(re.escape(term.lower()), lowered):
            if _COUNT_BEFORE.search(lowered[: m.start()]) or _COUNT_AFTER.search(lowered[m.end() :]):
                return True
    return False


def _is_kind(figure: Figure, kind: tuple[str, ...] | Concept) -> bool:
    """Whether the figure is of the kind asked: in one of the asked units, or a count of the concept."""
    if isinstance(kind, Concept):
        return _counted(figure, kind)
    return fits(figure.unit, kind)


def _counted(figure: Figure, concept: Concept) -> bool:
    """Whether the figure counts `concept`: its unit word is a term of it ("14 KCN" of "industrial park")."""
    written = figure.unit_text.lower()
    return bool(written) and written in {t.lower() for t in concept.terms}


def _segment(sentence: str, found: list[Figure], query: Query) -> tuple[int, int]:
    """The part of `sentence` about what the question counts or names: from the count of one of its
    concepts ("1 KKT") to the next count of something else; the whole sentence when there is none."""
    counts = [f for f in found if f.unit in _COUNTED_UNITS]
    for i, figure in enumerate(counts):
        if any(_counted(figure, c) for c in query.all_concepts):
            later = [f.start for f in counts[i + 1 :] if f.unit_text.lower() != figure.unit_text.lower()]
            return figure.start, later[0] if later else len(sentence)
    return 0, len(sentence)


def _render_at(sentence: str, figure: Figure, kind: tuple[str, ...] | Concept, language: str) -> str | None:
    qualifier = _QUALIFIER_BEFORE.search(sentence[: figure.start])
    qualifier_kind = QUALIFIER_KIND.get(qualifier.group(1).lower()) if qualifier else None
    return _render(figure, qualifier_kind, kind if isinstance(kind, Concept) else None, language)


def _render(figure: Figure, qualifier: str | None, concept: Concept | None, language: str) -> str | None:
    if figure.unit == "USD" and figure.value >= 1e6 or figure.unit in _BY_UNIT:
        return Measured(_BY_UNIT.get(figure.unit, "usd"), figure.value, qualifier, "").render(language)
    language = language if language in ("en", "vi", "ko") else "en"
    concept = concept or _counted_concept(figure)
    plain, sums = unit_templates("plain"), unit_templates("money")
    if figure.unit in plain:
        text = plain[figure.unit][language].format(format_number(figure.value, language))
    elif figure.unit.split("/")[0] in sums:
        text = _money(figure, language)
    elif concept is not None:
        text = _counted_template(concept, figure.value, language).format(format_number(figure.value, language))
    else:
        return None
    return qualified(text, qualifier, language)


def _money(figure: Figure, language: str) -> str:
    """'US$106/m²', '4,96 triệu đồng/tháng', '1조3000억원': the sum in its currency, per what a price divides by."""
    currency, _, per = figure.unit.partition("/")
    return money(currency, figure.value, language) + (per_suffix(per, language) if per else "")


def _counted_concept(figure: Figure) -> Concept | None:
    """The glossary concept a count's unit word names ("14 KCN": industrial park), or None."""
    return next((c for c in glossary() if _counted(figure, c)), None) if figure.unit in _COUNTED_UNITS else None


def _counted_template(concept: Concept, value: float, language: str) -> str:
    """'{} industrial parks', '{} khu công nghiệp', '{}개 산업단지': the concept's name as the counted thing."""
    if language == "vi":
        return "{} " + concept.vietnamese[0]
    if language == "ko":
        return "{}개 " + concept.korean[0]
    plural = next((t for t in concept.english if t.lower() == concept.english[0].lower() + "s"), concept.english[0])
    return "{} " + (concept.english[0] if value == 1 else plural)
