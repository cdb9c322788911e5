"""Ranked retrieval, the same on every database.

A record is found when it holds any of the query's terms (one of a term's
alternatives: the word as typed, a synonym, a close spelling), in its own text or
in the vocabulary of what it links to (the threats it covers; for a programme,
the names of the programmes merged into it). It ranks by

1. how many of the terms it holds: every term first, then most of them;
2. the database's own relevance score (`bm25()`, `ts_rank()`), fields weighted
   name/acronym > keywords > summary > description, words as typed counted
   again over synonyms;
3. small bonuses: an exact name, the query's words in a row in the name, a main
   risk area that is what the query is about.

Merged programmes are history: their successor comes first, except for the one
whose exact acronym was typed (an exact acronym puts any record first). The backend
(`sqlite` or `postgresql`) supplies the text matching and the relevance score.
"""

import operator
from functools import reduce

from django.db import connections
from django.db.models import Case, F, FloatField, Q, Value, When

from risk_areas.languages import reader_languages
from risk_areas.models import RiskArea

from . import postgresql, sqlite
from .kinds import kind_for
from .query import Alternative

# Points per term held: more than any relevance score, so that a record with
# more of the terms always ranks above one with fewer.
TERM_POINTS = 1000.0
WEAK_TERM_POINTS = 10.0
# An exact acronym is worth half a term, even a merged programme's (typed, it is
# what is meant).
ACRONYM_POINTS, SYNONYM_ACRONYM_POINTS = 500.0, 15.0
EXACT_NAME_POINTS, NAME_PHRASE_POINTS = 20.0, 10.0
MAIN_RISK_AREA_POINTS = 3.0
MAIN_RISK_AREA_WORDS = ("name", "keywords")
HISTORY_FACTOR = 0.75
# Records scored by the database's relevance function (see `search`).
RANKED = 200


def backend_for(using):
    vendor = connections[using].vendor
    return postgresql if vendor == "postgresql" else sqlite


def _flag(condition):
    return Case(When(condition, then=Value(1.0)), default=Value(0.0))


def _related_points(backend, kind, alternatives, languages):
    """(condition, points, term) per link: records of `kind` whose linked
    records' vocabulary holds one of `alternatives` (see `kinds.Related`).

    Each condition is one uncorrelated subquery (the records linked to a matching
    record), evaluated once per search rather than once per record.
    """
    found = []
    for related in kind.related:
        linked = related.linked().filter(
            backend.text_match(
                kind_for(related.model),
                alternatives,
                related.fields,
                related.plain,
                languages,
            ),
            **{f"{related.link}__isnull": False},
        )
        found.append(
            (Q(pk__in=linked.values(related.link)), related.points, related.term)
        )
    return found


def _own_match(backend, kind, alternatives, languages):
    every = [name for names in kind.plain.values() for name in names]
    return backend.text_match(
        kind, alternatives, kind.translated_fields(), every, languages
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


def _acronym_bonus(kind, parsed):
    """Points for the record whose acronym is a word as typed (or a synonym)."""
    if not kind.acronym:
        return Value(0.0)
    typed = set(parsed.typed_words)
    whens = [When(_acronym_condition(kind, sorted(typed)), then=ACRONYM_POINTS)]
    synonyms = {
        alternative.text
        for group in parsed.groups
        for alternative in group.synonyms
        if len(alternative.terms) == 1
    } - typed
    if synonyms:
        condition = _acronym_condition(kind, sorted(synonyms))
        whens.append(When(condition, then=SYNONYM_ACRONYM_POINTS))
    return Case(*whens, default=0.0, output_field=FloatField())


def _bonuses(backend, kind, parsed, languages):
    """The name as typed, and a main risk area the query is about."""
    found = []
    if parsed.phrase:
        exact = Q()
        for language in languages:
            exact |= Q(**{f"name_{language}__iexact": parsed.phrase})
        words = Alternative(tuple(term.complete for term in parsed.typed_terms))
        in_name = backend.text_match(
            kind, [words], ["name"], [], languages, phrase=True
        )
        found.append(
            Case(
                When(exact, then=EXACT_NAME_POINTS),
                When(in_name, then=NAME_PHRASE_POINTS),
                default=0.0,
                output_field=FloatField(),
            )
        )
    if kind.coverage:
        every = [alt for group in parsed.required for alt in group.alternatives]
        areas = RiskArea._base_manager.filter(
            backend.text_match(
                kind_for(RiskArea), every, MAIN_RISK_AREA_WORDS, [], languages
            )
        )
        model, link = kind.coverage
        covering = model._base_manager.filter(level="primary", risk_area__in=areas)
        found.append(MAIN_RISK_AREA_POINTS * _flag(Q(pk__in=covering.values(link))))
    return found


def _term(backend, kind, group, languages):
    """(how much the record holds one of `group`'s alternatives: 1 in its own
    text, less through some links (`kinds.Related.term`); points for holding it
    only through its links; the records holding it at all)."""
    own = _own_match(backend, kind, group.alternatives, languages)
    related = _related_points(backend, kind, group.alternatives, languages)
    points = [value * _flag(condition & ~own) for condition, value, _term in related]
    whens = [When(own, then=Value(1.0))]
    for condition, _points, term in sorted(related, key=lambda link: -link[2]):
        whens.append(When(condition, then=Value(term)))
    holding = reduce(operator.or_, [own, *(link[0] for link in related)])
    term = Case(*whens, default=Value(0.0), output_field=FloatField())
    return term, points, holding


def _total(scores):
    return reduce(operator.add, scores) if scores else Value(0.0)


def _relevance_queries(parsed):
    """What the relevance score measures: every alternative of every term, then
    the words as typed again (they count over synonyms)."""
    everything = [alt for group in parsed.groups for alt in group.alternatives]
    typed = [group.complete[0] for group in parsed.groups]
    return [everything, typed]


def relevances(kinds, parsed, using):
    """For each of `kinds`, its relevance for `parsed` computed ahead of its
    query, or None where the backend computes it within the query.

    SQLite ranks its FTS5 indexes apart from the kinds' queries: one statement
    for every kind, instead of one per kind as `search` would run, and the same
    scores serve a relaxed search of the same query. PostgreSQL computes nothing
    ahead.
    """
    backend = backend_for(using)
    queries = _relevance_queries(parsed)
    return backend.relevances(kinds, queries, reader_languages(), using)


def search(queryset, parsed, *, relaxed=False, relevance=None):
    """`queryset` narrowed to the records holding any of `parsed`'s terms (weak
    words only when `relaxed`), annotated with `rank` (higher is better) and
    `terms` (how many it holds).

    The database's relevance score, the costly part, is computed for a bounded
    set of records only (`backend.relevance`): on PostgreSQL, the best `RANKED`
    by everything else (it only adds to a rank, so they stay ahead of the rest);
    on SQLite, the best matches of the FTS5 index. The work of scoring no longer
    grows with the number of matches. `relevance`, when given, is the kind's
    score computed ahead with the other kinds' (`relevances`).
    """
    kind = kind_for(queryset.model)
    backend = backend_for(queryset.db)
    languages = reader_languages()
    held, weak, holding = [], [], []
    for group in parsed.groups:
        term, points, records = _term(backend, kind, group, languages)
        weak += points
        if parsed.counted(group, relaxed):
            held.append(term)
            holding.append(records)
        else:
            weak.append(WEAK_TERM_POINTS * term)
    # Records holding a term: subqueries the database evaluates once each.
    queryset = queryset.filter(reduce(operator.or_, holding))
    queryset = queryset.annotate(terms=reduce(operator.add, held))
    scores = [*weak, *_bonuses(backend, kind, parsed, languages)]
    acronym = _acronym_bonus(kind, parsed)

    def ranked(score):
        rank = TERM_POINTS * F("terms") + score
        if kind.history is not None:
            # History ranks below what replaced it, term for term.
            rank = rank * Case(
                When(kind.history, then=Value(HISTORY_FACTOR)),
                default=Value(1.0),
                output_field=FloatField(),
            )
        return rank + acronym

    candidates = (
        queryset.annotate(_before=ranked(_total(scores)))
        .order_by("-_before", "pk")
        .values("pk")[:RANKED]
    )
    if relevance is None:
        queries = _relevance_queries(parsed)
        relevance = backend.relevance(kind, queries, languages, queryset.db, candidates)
    relevant, scored = relevance
    # The same order as adding the relevance score to every record, since it is 0
    # for the others; only the scored records compute it.
    rank = Case(
        When(scored, then=ranked(_total([*relevant, *scores]))),
        default=ranked(_total(scores)),
        output_field=FloatField(),
    )
    return queryset.annotate(rank=rank)
