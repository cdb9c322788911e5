"""What both backends score alike.

Words as typed count more than synonyms; an exact acronym and the whole query in
the name earn a bonus, as does a record whose main risk area is what the query is
about; merged programmes rank below the programme that took them over.
"""

import operator
from functools import reduce

from django.db.models import Case, Exists, FloatField, Q, Value, When

from risk_areas.languages import reader_languages

from .kinds import columns
from .patterns import alternative_pattern, for_postgresql
from .query import Alternative

# A word that only starts another ("SAFE" in "safety") scores a quarter.
PREFIX_FACTOR = 0.25
WEAK_FACTOR = 0.5
HISTORY_FACTOR = 0.5
# A record whose main risk area is what the query is about (its name or keywords
# match) ranks a little higher: the Environment Programme above a programme that
# also covers wildlife among other things.
MAIN_RISK_AREA_BONUS = 0.15
MAIN_RISK_AREA_WORDS = ("risk_area__name", "risk_area__keywords")


def main_risk_area_bonus(links, scale):
    """Points where any of `links` (a record's primary coverage links whose risk
    area matches the query) exists."""
    return Case(
        When(Exists(links), then=Value(MAIN_RISK_AREA_BONUS * scale)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _acronym_condition(kind, words):
    condition = Q()
    for word in words:
        condition |= (
            Q(**{f"{kind.acronym}__iexact": word})
            | Q(**{f"{kind.acronym}__istartswith": f"{word}/"})
            | Q(**{f"{kind.acronym}__istartswith": f"{word} "})
            | Q(**{f"{kind.acronym}__iendswith": f"/{word}"})
        )
    return condition


def _acronym_bonus(kind, parsed, scale):
    typed = set(parsed.typed_words)
    synonyms = {
        alternative.text
        for group in parsed.groups
        for alternative in group.synonyms
        if len(alternative.terms) == 1
    } - typed
    whens = [When(_acronym_condition(kind, sorted(typed)), then=Value(1.5 * scale))]
    if synonyms:
        condition = _acronym_condition(kind, sorted(synonyms))
        whens.append(When(condition, then=Value(0.75 * scale)))
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def _name_bonus(parsed, scale, postgresql):
    # The words as typed, in a row, as whole words ("SAFE" is not in "Safety").
    words = Alternative(tuple(term.complete for term in parsed.typed_terms))
    pattern = alternative_pattern([words])
    if postgresql:
        pattern = for_postgresql(pattern)
    in_name = Q()
    exact = Q()
    for name in columns(["name"], reader_languages()):
        in_name |= Q(**{f"{name}__iregex": pattern})
        exact |= Q(**{f"{name}__iexact": parsed.phrase})
    return Case(
        When(exact, then=Value(1.0 * scale)),
        When(in_name, then=Value(0.5 * scale)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def bonuses(kind, parsed, scale, *, postgresql=False):
    """An exact acronym, and the whole query in the name, put a record on top."""
    found = [_acronym_bonus(kind, parsed, scale)] if kind.acronym else []
    if parsed.phrase:
        found.append(_name_bonus(parsed, scale, postgresql))
    return found


def ranked(queryset, kind, scores):
    """`queryset` with `rank`, the sum of `scores`. Merged programmes are
    history: their successor comes first."""
    rank = reduce(operator.add, scores)
    if kind.history is not None:
        rank = rank * Case(
            When(kind.history, then=Value(HISTORY_FACTOR)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    return queryset.annotate(rank=rank)
