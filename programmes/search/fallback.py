"""Search without PostgreSQL (SQLite, the embedded default).

Word-boundary regular expressions (see `patterns`) stand in for full-text
search, and a weighted sum of the fields that match is the rank.
"""

import operator
from functools import reduce

from django.db.models import Case, Exists, FloatField, OuterRef, Q, Value, When

from risk_areas.languages import reader_languages

from . import scoring
from .kinds import WEIGHTS, columns
from .patterns import alternative_pattern

# Points per weight of the fields where a word matches.
POINTS = {"A": 8.0, "B": 4.0, "C": 2.0, "D": 1.0}
SYNONYM_FACTOR = 0.5


def _matches(names, pattern):
    return reduce(operator.or_, (Q(**{f"{name}__iregex": pattern}) for name in names))


def _conditions(kind, pattern):
    """weight -> condition: the record matches `pattern` in fields of that weight."""
    languages = reader_languages()
    conditions = {}
    for weight in WEIGHTS:
        names = columns(kind.fields.get(weight, ()), languages)
        names += kind.plain.get(weight, ())
        if names:
            conditions[weight] = _matches(names, pattern)
    for related in kind.related:
        names = columns(related.fields, languages) + list(related.plain)
        linked = related.linked().filter(
            _matches(names, pattern), **{related.link: OuterRef("pk")}
        )
        condition = Q(Exists(linked))
        conditions["B"] = (
            conditions["B"] | condition if "B" in conditions else condition
        )
    return conditions


def _score(kind, group, factor=1.0):
    """Points for one group: the weight of every kind of field where a typed word
    matches, half that where only a synonym does, a quarter where a word only
    starts with the last word typed."""
    exact = group.complete
    levels = [(_conditions(kind, alternative_pattern(exact[:1])), 1.0)]
    if group.synonyms:
        synonyms = _conditions(kind, alternative_pattern(exact[1:]))
        levels.append((synonyms, SYNONYM_FACTOR))
    if group.has_prefix:
        prefixed = _conditions(kind, alternative_pattern(group.alternatives[:1]))
        levels.append((prefixed, scoring.PREFIX_FACTOR))
    scores = []
    for weight in WEIGHTS:
        whens = [
            When(conditions[weight], then=Value(POINTS[weight] * factor * level))
            for conditions, level in levels
            if weight in conditions
        ]
        if whens:
            scores.append(Case(*whens, default=Value(0.0), output_field=FloatField()))
    return reduce(operator.add, scores)


def _match(kind, group):
    conditions = _conditions(kind, alternative_pattern(group.alternatives))
    return reduce(operator.or_, conditions.values())


def search(queryset, kind, parsed, relaxed):
    """`queryset` narrowed to the records matching `parsed`, with `rank`."""
    matches = [_match(kind, group) for group in parsed.required]
    if relaxed:
        queryset = queryset.filter(reduce(operator.or_, matches))
    else:
        for match in matches:
            queryset = queryset.filter(match)
    scores = [_score(kind, group) for group in parsed.required]
    scores += [_score(kind, group, scoring.WEAK_FACTOR) for group in parsed.weak]
    if relaxed:
        scores += [
            Case(When(match, then=Value(100.0)), default=Value(0.0))
            for match in matches
        ]
    scores += scoring.bonuses(kind, parsed, scale=POINTS["A"])
    if kind.coverage:
        every = [
            alternative
            for group in parsed.required
            for alternative in group.alternatives
        ]
        names = columns(scoring.MAIN_RISK_AREA_WORDS, reader_languages())
        links = kind.primary_coverage().filter(
            _matches(names, alternative_pattern(every))
        )
        scores.append(scoring.main_risk_area_bonus(links, scale=POINTS["A"]))
    return scoring.ranked(queryset, kind, scores)
