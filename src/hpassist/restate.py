"""The figure a question asks for, restated by the program in the reader's language from its evidence.

An answer whose only statement of a figure is a quote in another language (or a quote at all) gives a
reader nothing to read in their own words; the program then writes the figure itself, with the same value,
unit and qualifier as the source ("hơn 6.100 ha" -> "more than 6,100 ha"), cited to that sentence. The
figure chosen is the first one of the sentence in a unit the question asks for: a unit of
data/asked_figures.tsv, or a counted thing the question names ("how many industrial parks" -> "14 KCN").
"""

from __future__ import annotations

import re

from .conflicts import QUALIFIER_KIND, format_number, qualified
from .conflicts import Figure as Measured
from .query import Concept, Query
from .text import Figure, figures

_BY_UNIT = {"%": "percent", "projects": "projects", "countries": "countries"}  # conflicts renders these
_PLAIN = {  # units named the same way whatever is measured
    "ha": {"en": "{} ha", "vi": "{} ha", "ko": "{}ha"},
    "m2": {"en": "{} m²", "vi": "{} m²", "ko": "{}㎡"},
    "km2": {"en": "{} km²", "vi": "{} km²", "ko": "{}㎢"},
    "pp": {"en": "{} percentage points", "vi": "{} điểm phần trăm", "ko": "{}%p"},
    "TEU": {"en": "{} TEU", "vi": "{} TEU", "ko": "{} TEU"},
    "tonnes": {"en": "{} tonnes", "vi": "{} tấn", "ko": "{}톤"},
}
_QUALIFIER_BEFORE = re.compile(r"(" + "|".join(sorted(QUALIFIER_KIND, key=len, reverse=True)) + r")\s*$", re.IGNORECASE)


def restated(sentence: str, query: Query, language: str) -> str | None:
    """The asked figure of `sentence` in `language` ("more than 6,100 ha", "14 khu công nghiệp"), or None
    when the sentence has no figure in a unit the question asks for, or it cannot be named in `language`.
    A unit the question's words ask for (a rate: %) comes before a thing it names ("industrial parks")."""
    found = [f for f in figures(sentence) if f.unit]
    asked = [(f, None) for f in found if f.unit.split("/")[0] in query.asks_units]
    counted = [(f, c) for f in found for c in [_counted(f, query)] if c is not None]
    for figure, concept in asked + counted:
        qualifier = _QUALIFIER_BEFORE.search(sentence[: figure.start])
        kind = QUALIFIER_KIND.get(qualifier.group(1).lower()) if qualifier else None
        text = _render(figure, kind, concept, language)
        if text:
            return text
    return None


def _counted(figure: Figure, query: Query) -> Concept | None:
    """The question's concept whose term is the figure's unit word ("KCN" of "industrial park")."""
    written = figure.unit_text.lower()
    return next((c for c in query.all_concepts if written and written in c.terms), None)


def _render(figure: Figure, qualifier: str | None, concept: Concept | None, language: str) -> str | None:
    if figure.unit == "USD" and figure.value >= 1e6 or figure.unit in _BY_UNIT:
        return Measured(_BY_UNIT.get(figure.unit, "usd"), figure.value, qualifier, "").render(language)
    if figure.unit in _PLAIN:
        template = _PLAIN[figure.unit][language if language in ("en", "vi", "ko") else "en"]
    elif concept is not None:
        template = _counted_template(concept, figure.value, language)
    else:
        return None
    return qualified(template.format(format_number(figure.value, language)), qualifier, language)


def _counted_template(concept: Concept, value: float, language: str) -> str:
    """'{} industrial parks', '{} khu công nghiệp', '{}개 산업단지': the concept's name as the counted thing."""
    if language == "vi":
        return "{} " + concept.vietnamese[0]
    if language == "ko":
        return "{}개 " + concept.korean[0]
    plural = next((t for t in concept.english if t.lower() == concept.english[0].lower() + "s"), concept.english[0])
    return "{} " + (concept.english[0] if value == 1 else plural)

