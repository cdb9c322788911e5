"""Search on PostgreSQL: weighted tsvectors, ranked with ts_rank.

Programmes and tools keep a stored `search_vector` of their English text, with a
GIN index: the English configuration (so "medicines" finds "medicine"), plus the
simple one over names, acronyms and keywords (so "CTS" stays "CTS"), the
vocabulary of the threats they cover and, for a programme, the names of the
public programmes merged into it. It is refreshed on every save and after a
catalogue load. Another language's text is added at query time, through its own
configuration (French, or simple). Risk areas, threats and partners, small
tables, get the whole vector at query time.
"""

import operator
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connections
from django.db.models import (
    Case,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce, Concat, Replace

from risk_areas.languages import default_language, reader_languages

from . import scoring
from .kinds import STORED, WEIGHTS, columns, kind_for

CONFIGS = {"en": "english", "fr": "french"}
# Names, acronyms and keywords are indexed a second time unstemmed, so that an
# acronym typed in capitals ("CTS", "COPES") matches exactly.
EXACT_WEIGHTS = ("A", "B")
# ts_rank wants the weights as [D, C, B, A].
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]


def is_postgresql(using):
    return connections[using].vendor == "postgresql"


# The vectors ----------------------------------------------------------------------


def _config(language):
    return CONFIGS.get(language, "simple")


def _configs(languages):
    """Text search configuration -> those of `languages` it reads."""
    configs = {}
    for language in languages:
        configs.setdefault(_config(language), []).append(language)
    return configs


def _fields(names, languages):
    return [F(column) for column in columns(names, languages)]


def _text(*expressions):
    parts = []
    for expression in expressions:
        parts += [Coalesce(expression, Value(""), output_field=TextField()), Value(" ")]
    return Concat(*parts, output_field=TextField())


def _related_text(related, words):
    """All the linked records' text, as one string (a correlated subquery)."""
    linked = (
        related.linked()
        .filter(**{related.link: OuterRef("pk")})
        .order_by()
        .values(related.link)
        .annotate(words=StringAgg(_text(*words), delimiter=" "))
        .values("words")
    )
    return Subquery(linked, output_field=TextField())


def _acronym(name):
    # "AML/CTF" would be one token: search its parts.
    return Replace(F(name), Value("/"), Value(" "), output_field=TextField())


def search_vector(kind, languages=None, *, untranslated=True):
    """The tsvector of a kind's text in `languages` (default: the default language).

    Each language's text goes through its own configuration. Names, acronyms and
    keywords go through "simple" as well, so that they also match exactly as
    typed. `untranslated` adds the fields every language shares (acronym, slug).
    The stored vector holds the default language; a reader's other language is
    added at query time (see `_reader_vector`).
    """
    languages = languages or [default_language()]
    configs = _configs(languages)
    default = _config(default_language())
    exact = [language for language in languages if _config(language) != "simple"]
    parts = []

    def add(weight, fields, plain, text=list):
        # `text` turns the columns into what is indexed: for linked records,
        # their text gathered in a subquery.
        plain = [_acronym(name) for name in plain] if untranslated else []
        batches = [
            (config, _fields(fields, config_languages), config in (default, "simple"))
            for config, config_languages in configs.items()
        ]
        if weight in EXACT_WEIGHTS:
            batches.append(("simple", _fields(fields, exact), "simple" not in configs))
        for config, words, with_plain in batches:
            words += plain if with_plain else []
            if words:
                parts.append(SearchVector(*text(words), config=config, weight=weight))

    for weight in WEIGHTS:
        add(weight, kind.fields.get(weight, ()), kind.plain.get(weight, ()))
    for related in kind.related:
        add(
            "B",
            related.fields,
            related.plain,
            lambda words, related=related: [_related_text(related, words)],
        )
    return reduce(operator.add, parts)


def _reader_vector(kind):
    """What a search reads: the reader's language and the default language."""
    languages = reader_languages()
    if not kind.stored:
        return search_vector(kind, languages)
    others = [language for language in languages if language != default_language()]
    if not others:
        return F("search_vector")
    return CombinedExpression(
        F("search_vector"),
        "||",
        search_vector(kind, others, untranslated=False),
        output_field=SearchVectorField(),
    )


def _vector_over(fields):
    """A tsvector of translated `fields` (lookups allowed) in the reader's languages."""
    parts = [
        SearchVector(*_fields(fields, config_languages), config=config)
        for config, config_languages in _configs(reader_languages()).items()
    ]
    return reduce(operator.add, parts)


# Compiled once per model and database: saves run it often, and compiling the
# expression costs more than running it.
_VECTOR_SQL = {}


def _vector_sql(model, connection):
    key = (model._meta.label, connection.alias, default_language())
    if key not in _VECTOR_SQL:
        query = model._base_manager.using(connection.alias).all().query
        expression = search_vector(kind_for(model)).resolve_expression(query)
        _VECTOR_SQL[key] = query.get_compiler(connection=connection).compile(expression)
    return _VECTOR_SQL[key]


def refresh_search_vectors(queryset=None):
    """Recompute the stored vectors of `queryset` (default: every programme and
    tool), one UPDATE per model. Does nothing off PostgreSQL.

    Runs on every save (see `signals`) and after a catalogue load
    (`programmes.loader.after_catalogue_load`).
    """
    querysets = (
        [queryset]
        if queryset is not None
        else [kind.model._base_manager.all() for kind in STORED]
    )
    updated = 0
    for records in querysets:
        connection = connections[records.db]
        if connection.vendor != "postgresql":
            continue
        model = records.model
        vector_sql, vector_params = _vector_sql(model, connection)
        pks = records.order_by().values("pk").query
        pks_sql, pks_params = pks.get_compiler(connection=connection).as_sql()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} "
                f"SET {quote('search_vector')} = {vector_sql} "
                f"WHERE {quote(model._meta.pk.column)} IN ({pks_sql})",
                (*vector_params, *pks_params),
            )
            updated += cursor.rowcount
    return updated


# The query ------------------------------------------------------------------------


def _tsquery_word(term, config):
    word = term.text
    if "-" in word:
        # "dual-use" also finds "dual use", never "dual" and "use" far apart.
        parts = " <-> ".join(f"'{part}'" for part in word.split("-") if part)
        return f"('{word}' | {parts})"
    if term.prefix and config == "simple":
        return f"'{word}':*"
    return f"'{word}'"


def _tsquery_text(alternatives, config):
    """The raw tsquery of any of `alternatives` in one configuration.

    The words hold only letters, digits and hyphens, so quoting them is enough. A
    word typed in capitals is matched exactly as an acronym (the simple
    configuration) and, like any word, in the text ("VALUATION").
    """
    rendered = []
    for alternative in alternatives:
        words = " & ".join(_tsquery_word(term, config) for term in alternative.terms)
        rendered.append(f"({words})")
    return " | ".join(rendered)


def _tsquery(alternatives):
    queries = [
        SearchQuery(
            _tsquery_text(alternatives, config), config=config, search_type="raw"
        )
        for config in ("english", "french", "simple")
    ]
    return reduce(operator.or_, queries)


def search(queryset, kind, parsed, relaxed):
    """`queryset` narrowed to the records matching `parsed`, with `rank`."""
    queryset = queryset.alias(_search_vector=_reader_vector(kind))
    required = [_tsquery(group.alternatives) for group in parsed.required]
    match = reduce(operator.or_ if relaxed else operator.and_, required)
    queryset = queryset.filter(_search_vector=match)

    def rank(query):
        return SearchRank(F("_search_vector"), query, weights=RANK_WEIGHTS)

    def score(group, factor=1.0):
        # Half for any alternative, half for the words as typed: a synonym alone
        # scores half as much.
        exact = group.complete
        total = (rank(_tsquery(exact)) + rank(_tsquery(exact[:1]))) * (factor / 2)
        if group.has_prefix:
            prefixed = rank(_tsquery(group.alternatives[:1]))
            total += prefixed * (factor * scoring.PREFIX_FACTOR)
        return total

    scores = [score(group) for group in parsed.required]
    scores += [score(group, scoring.WEAK_FACTOR) for group in parsed.weak]
    if relaxed:
        scores += [
            Case(When(Q(_search_vector=query), then=Value(10.0)), default=Value(0.0))
            for query in required
        ]
    scores += scoring.bonuses(kind, parsed, scale=1.0, postgresql=True)
    if kind.coverage:
        links = kind.primary_coverage().alias(
            _search_vector=_vector_over(scoring.MAIN_RISK_AREA_WORDS)
        )
        links = links.filter(_search_vector=reduce(operator.or_, required))
        scores.append(scoring.main_risk_area_bonus(links, scale=1.0))
    return scoring.ranked(queryset, kind, scores)
