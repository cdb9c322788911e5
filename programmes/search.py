"""Ranked search over the catalogue, in the words staff use.

One query finds programmes, tools, risk areas, threats and partners. The text is
read the same way on every database:

1. `parse_query()` keeps letters, digits and hyphens only (so no character is
   ever query syntax), drops question and function words ("who works on ..."),
   and turns each remaining term into a group of alternatives: the term as typed
   plus its synonyms from `programmes.vocabulary`. Every group must match, except
   weak words such as "smuggling" that nearly every record contains.
2. A record scores by where its words match: name and acronym (A) above keywords
   and the vocabulary of the threats it covers (B) above summary (C) above
   description (D). Words as typed count more than synonyms; an exact acronym and
   the whole query in the name earn a bonus.

Text is searched in the reader's language and in English (the text a page shows
when a translation is missing), never in a third language.

On PostgreSQL, programmes and tools keep a stored `search_vector` of their English
text, with a GIN index: the English configuration (so "medicines" finds
"medicine"), plus the simple one over names, acronyms and keywords (so "CTS"
stays "CTS"), the vocabulary of the threats they cover and, for a programme, the
names of the public programmes merged into it. It is refreshed on every save and
after a catalogue load. Another language's text is added at query time, through
its own configuration (French, or simple). Risk areas, threats and partners, small
tables, get the whole vector at query time. Elsewhere (SQLite, the embedded
default) word-boundary regular expressions with a light stemmer stand in, and a
weighted sum of the fields that match is the rank.

When no record contains every word, `search_all()` falls back to records with any
of them, ranked by how many they contain, and says so.
"""

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connections, router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce, Concat, Replace
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_save,
)
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from risk_areas.languages import reader_languages

from . import vocabulary

# Longer text is cut: nobody types more, and it bounds the size of the SQL.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
# Results listed per type on the search page; the lists link to the rest.
RESULTS_PER_TYPE = 20

WEIGHTS = ("A", "B", "C", "D")
# The fallback's points per weight; PostgreSQL's ts_rank weights are in RANK_WEIGHTS.
POINTS = {"A": 8.0, "B": 4.0, "C": 2.0, "D": 1.0}
# ts_rank wants them as [D, C, B, A].
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SYNONYM_FACTOR = 0.5
PREFIX_FACTOR = 0.25
WEAK_FACTOR = 0.5
HISTORY_FACTOR = 0.5
# A record whose main risk area is what the query is about (its name or keywords
# match) ranks a little higher: the Environment Programme above a programme that
# also covers wildlife among other things.
MAIN_RISK_AREA_BONUS = 0.15

TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
DOTTED_RE = re.compile(r"(?<!\w)(?:[^\W\d_]\.){2,}")
ACCENTS = {
    "a": "aàâäáãå",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóòõ",
    "u": "uùûüú",
    "y": "yÿý",
}


# Reading the query --------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word of an alternative, lower-cased."""

    text: str
    acronym: bool = False  # typed like an acronym ("CTS", "nCEN"): matched exactly
    prefix: bool = False  # the last word typed: may be incomplete


@dataclass(frozen=True)
class Alternative:
    """Words that must all match (as a phrase on the fallback)."""

    terms: tuple
    synonym: bool = False
    label: str = field(default="", compare=False)  # a synonym as the vocabulary has it

    @property
    def text(self):
        return " ".join(term.text for term in self.terms)


@dataclass(frozen=True)
class Group:
    """A term of the query and its synonyms: one of them must match."""

    alternatives: tuple
    required: bool = True

    @property
    def typed(self):
        return self.alternatives[0]

    @property
    def has_prefix(self):
        return any(term.prefix for term in self.typed.terms)

    @property
    def synonyms(self):
        return self.alternatives[1:]


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what the reader typed, cleaned: safe to show back in the form
    groups: tuple = ()
    ignored: tuple = ()  # the question and function words left out
    truncated: bool = False

    @property
    def is_empty(self):
        return not self.groups

    @property
    def required(self):
        return [group for group in self.groups if group.required]

    @property
    def weak(self):
        return [group for group in self.groups if not group.required]

    @property
    def typed_words(self):
        return [term.text for group in self.groups for term in group.typed.terms]

    @property
    def expansions(self):
        """The synonyms searched as well, for the page to name them."""
        typed = {word.casefold() for word in self.typed_words}
        labels = dict.fromkeys(
            alternative.label or alternative.text
            for group in self.groups
            for alternative in group.synonyms
        )
        return [label for label in labels if label.casefold() not in typed]

    @property
    def phrase(self):
        return " ".join(self.typed_words)


def clean_query(value):
    """The query as text: no control characters, at most MAX_QUERY_LENGTH long."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in text
    )
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip(), len(text) > MAX_QUERY_LENGTH


def _is_single_letter(token):
    # A lone letter of an alphabet finds everything; a CJK character is a word.
    return len(token) == 1 and token.lower() != token.upper()


def _looks_like_acronym(token, query_is_shouting):
    uppers = sum(char.isupper() for char in token)
    return uppers >= 2 and len(token) <= 10 and not query_is_shouting


def _key(word):
    """A term's lookup form: lower case, a plural ending removed."""
    word = word.casefold()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _phrase_key(words):
    # "dual-use" and "dual use" are the same term.
    return " ".join(_key(part) for word in words for part in word.split("-") if part)


def _terms(text, *, shouting=False):
    return tuple(
        Term(token.casefold(), acronym=_looks_like_acronym(token, shouting))
        for token in TOKEN_RE.findall(text)
    )


def _build_thesaurus():
    thesaurus = {}
    for line in vocabulary.SYNONYMS:
        for term in line:
            key = _phrase_key(TOKEN_RE.findall(term))
            entry = thesaurus.setdefault(key, [])
            entry += [other for other in line if other != term and other not in entry]
    for term, broader in vocabulary.BROADER.items():
        key = _phrase_key(TOKEN_RE.findall(term))
        entry = thesaurus.setdefault(key, [])
        entry += [other for other in broader if other not in entry]
    return thesaurus


THESAURUS = _build_thesaurus()
LONGEST_KEY = max(len(key.split()) for key in THESAURUS)
STOP_WORDS = frozenset(_key(word) for word in vocabulary.STOP_WORDS) | frozenset(
    word.casefold() for word in vocabulary.STOP_WORDS
)
WEAK_WORDS = frozenset(_key(word) for word in vocabulary.WEAK_WORDS)


def parse_query(value):
    """Read what the reader typed into groups of alternatives (see the module doc)."""
    if isinstance(value, ParsedQuery):
        return value
    text, truncated = clean_query(value)
    # "C.E.N." is CEN.
    undotted = DOTTED_RE.sub(lambda match: match.group().replace(".", ""), text)
    tokens = TOKEN_RE.findall(undotted)
    if len(tokens) > MAX_QUERY_WORDS:
        tokens, truncated = tokens[:MAX_QUERY_WORDS], True
    shouting = len(tokens) > 1 and all(not t.isalpha() or t.isupper() for t in tokens)
    terms = [
        Term(t.casefold(), acronym=_looks_like_acronym(t, shouting)) for t in tokens
    ]
    kept = [
        term
        for term in terms
        if term.acronym
        or (_key(term.text) not in STOP_WORDS and not _is_single_letter(term.text))
    ]
    ignored = tuple(dict.fromkeys(t.text for t in terms if t not in kept))
    if kept and len(kept[-1].text) >= 3 and terms[-1] == kept[-1]:
        kept[-1] = Term(kept[-1].text, acronym=kept[-1].acronym, prefix=True)

    groups, position, seen = [], 0, set()
    while position < len(kept):
        for size in range(min(LONGEST_KEY, len(kept) - position), 0, -1):
            words = kept[position : position + size]
            synonyms = THESAURUS.get(_phrase_key(term.text for term in words))
            if synonyms is not None or size == 1:
                break
        position += size
        key = _phrase_key(term.text for term in words)
        if key in seen:
            continue
        seen.add(key)
        alternatives = [Alternative(tuple(words))]
        for synonym in synonyms or ():
            synonym_terms = _terms(synonym)
            if synonym_terms and _phrase_key(t.text for t in synonym_terms) != key:
                alternatives.append(
                    Alternative(synonym_terms, synonym=True, label=synonym)
                )
        weak = all(_key(term.text) in WEAK_WORDS for term in words)
        groups.append(Group(tuple(alternatives), required=not weak))
    if groups and not any(group.required for group in groups):
        groups = [Group(group.alternatives) for group in groups]
    return ParsedQuery(text, tuple(groups), ignored, truncated)


# What is searched, per model ----------------------------------------------------


@dataclass(frozen=True)
class Related:
    """Text of linked records that counts as the record's own vocabulary."""

    model: str
    link: str  # the lookup from the linked model back to the record
    fields: tuple  # translated fields
    plain: tuple = ()  # untranslated fields (acronyms)
    # Which linked records count. The stored vector is the same for every reader,
    # so only what everyone may see goes in it.
    condition: Q = None

    def linked(self):
        linked = related_model(self)._base_manager.all()
        return linked if self.condition is None else linked.filter(self.condition)


@dataclass(frozen=True)
class Kind:
    key: str
    model: str
    label: str  # plural, a heading
    name: str  # singular, a type label
    fields: dict  # weight -> translated fields
    plain: dict = field(default_factory=dict)  # weight -> untranslated fields
    related: tuple = ()  # weight B
    stored: bool = False  # has a stored search_vector on PostgreSQL
    acronym: str = ""
    history: Q = None  # records that rank lower: merged programmes
    coverage: tuple = ()  # (coverage model, its link to the record)

    def get_model(self):
        return apps.get_model(self.model)

    def translated_fields(self):
        return [name for weight in WEIGHTS for name in self.fields.get(weight, ())]


THREAT_WORDS = ("name", "keywords")
KINDS = (
    Kind(
        "programme",
        "programmes.Programme",
        _("Programmes"),
        _("Programme"),
        fields={
            "A": ("name",),
            "B": ("keywords",),
            "C": ("summary",),
            "D": ("description",),
        },
        plain={"A": ("acronym",), "D": ("slug",)},
        related=(
            Related("risk_areas.Threat", "programmes", THREAT_WORDS),
            # A merged programme's names lead to the programme that took it over.
            Related(
                "programmes.Programme",
                "successor",
                ("name",),
                ("acronym",),
                Q(publication_status="published", access="public"),
            ),
        ),
        stored=True,
        acronym="acronym",
        history=Q(status="merged"),
        coverage=("programmes.ProgrammeCoverage", "programme"),
    ),
    Kind(
        "tool",
        "programmes.Tool",
        _("Tools"),
        _("Tool"),
        fields={
            "A": ("name",),
            "B": ("keywords",),
            "C": ("summary",),
            "D": ("description",),
        },
        plain={"A": ("acronym",), "D": ("slug",)},
        related=(Related("risk_areas.Threat", "tools", THREAT_WORDS),),
        stored=True,
        acronym="acronym",
        coverage=("programmes.ToolCoverage", "tool"),
    ),
    Kind(
        "riskarea",
        "risk_areas.RiskArea",
        _("Risk areas"),
        _("Risk area"),
        fields={
            "A": ("name", "official_label"),
            "B": ("keywords",),
            "C": ("summary",),
            "D": ("description",),
        },
        plain={"D": ("slug",)},
    ),
    Kind(
        "threat",
        "risk_areas.Threat",
        _("Threats"),
        _("Threat"),
        fields={"A": ("name",), "B": ("keywords",), "D": ("description",)},
        plain={"D": ("slug",)},
    ),
    Kind(
        "partner",
        "programmes.Partner",
        _("Partners"),
        _("Partner"),
        fields={"A": ("name",), "B": ("keywords",), "D": ("description",)},
        plain={"A": ("acronym",), "D": ("slug",)},
        acronym="acronym",
    ),
)


def kind_for(model):
    for kind in KINDS:
        if kind.model.lower() == model._meta.label_lower:
            return kind
    raise ValueError(f"{model._meta.label} is not searchable.")


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def _column(name, language):
    return f"{name}_{language}"


def _is_postgresql(using):
    return connections[using].vendor == "postgresql"


# PostgreSQL: vectors -------------------------------------------------------------

CONFIGS = {"en": "english", "fr": "french"}
# Names, acronyms and keywords are indexed a second time unstemmed, so that an
# acronym typed in capitals ("CTS", "COPES") matches exactly.
EXACT_WEIGHTS = ("A", "B")


def _config(language):
    return CONFIGS.get(language, "simple")


def _text(*expressions):
    parts = []
    for expression in expressions:
        parts += [Coalesce(expression, Value(""), output_field=TextField()), Value(" ")]
    return Concat(*parts, output_field=TextField())


def _related_text(related, columns):
    """All the linked records' text, as one string (a correlated subquery)."""
    linked = (
        related.linked()
        .filter(**{related.link: OuterRef("pk")})
        .order_by()
        .values(related.link)
        .annotate(words=StringAgg(_text(*columns), delimiter=" "))
        .values("words")
    )
    return Subquery(linked, output_field=TextField())


def related_model(related):
    return apps.get_model(related.model)


def _acronym(name):
    # "AML/CTF" would be one token: search its parts.
    return Replace(F(name), Value("/"), Value(" "), output_field=TextField())


def _configs(languages):
    """Text search configuration -> those of `languages` it reads."""
    configs = {}
    for language in languages:
        configs.setdefault(_config(language), []).append(language)
    return configs


def _default_language():
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def search_vector(kind, languages=None, *, untranslated=True):
    """The tsvector of a kind's text in `languages` (default: the default language).

    Each language's text goes through its own configuration. Names, acronyms and
    keywords go through "simple" as well, so that they also match exactly as
    typed. `untranslated` adds the fields every language shares (acronym, slug).
    The stored vector holds the default language; a reader's other language is
    added at query time (see `_reader_vector`).
    """
    languages = languages or [_default_language()]
    default = _config(_default_language())
    exact = [language for language in languages if _config(language) != "simple"]
    parts = []

    def add(weight, fields, plain, make=None):
        make = make or (lambda columns, config: SearchVector(*columns, config=config))
        plain = [_acronym(name) for name in plain] if untranslated else []
        for config, config_languages in _configs(languages).items():
            columns = [
                F(_column(name, lang)) for name in fields for lang in config_languages
            ]
            columns += plain if config in (default, "simple") else []
            if columns:
                parts.append(make(columns, config))
        if weight in EXACT_WEIGHTS:
            columns = [F(_column(name, lang)) for name in fields for lang in exact]
            columns += plain if "simple" not in _configs(languages) else []
            if columns:
                parts.append(make(columns, "simple"))

    for weight in WEIGHTS:
        add(
            weight,
            kind.fields.get(weight, ()),
            kind.plain.get(weight, ()),
            lambda columns, config, weight=weight: SearchVector(
                *columns, config=config, weight=weight
            ),
        )
    for related in kind.related:
        add(
            "B",
            related.fields,
            related.plain,
            lambda columns, config, related=related: SearchVector(
                _related_text(related, columns), config=config, weight="B"
            ),
        )
    return reduce(operator.add, parts)


def _reader_vector(kind):
    """What a search reads: the reader's language and the default language."""
    languages = reader_languages()
    if not kind.stored:
        return search_vector(kind, languages)
    others = [language for language in languages if language != _default_language()]
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
    languages = reader_languages()
    parts = [
        SearchVector(
            *[F(_column(name, lang)) for name in fields for lang in config_languages],
            config=config,
        )
        for config, config_languages in _configs(languages).items()
    ]
    return reduce(operator.add, parts)


# Compiled once per model and database: saves run it often, and compiling the
# expression costs more than running it.
_VECTOR_SQL = {}


def _vector_sql(model, connection):
    key = (model._meta.label, connection.alias, _default_language())
    if key not in _VECTOR_SQL:
        query = model._base_manager.using(connection.alias).all().query
        expression = search_vector(kind_for(model)).resolve_expression(query)
        _VECTOR_SQL[key] = query.get_compiler(connection=connection).compile(expression)
    return _VECTOR_SQL[key]


def refresh_search_vectors(queryset=None):
    """Recompute the stored vectors of `queryset` (default: every programme and
    tool), one UPDATE per model. Does nothing off PostgreSQL.

    Runs on every save (see `connect_signals`) and after a catalogue load
    (`programmes.services.after_catalogue_load`).
    """
    querysets = (
        [queryset]
        if queryset is not None
        else [kind.get_model()._base_manager.all() for kind in KINDS if kind.stored]
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
    """The raw tsquery of a group in one configuration ('' if none applies).

    The words hold only letters, digits and hyphens, so quoting them is enough.
    """
    rendered = []
    for alternative in alternatives:
        # A word typed in capitals is matched exactly as an acronym (the simple
        # configuration) and, like any word, in the text ("VALUATION").
        words = " & ".join(_tsquery_word(term, config) for term in alternative.terms)
        rendered.append(f"({words})")
    return " | ".join(rendered)


def _tsquery(alternatives):
    queries = [
        SearchQuery(text, config=config, search_type="raw")
        for config in ("english", "french", "simple")
        if (text := _tsquery_text(alternatives, config))
    ]
    return reduce(operator.or_, queries) if queries else None


def _all_of(queries):
    queries = [query for query in queries if query is not None]
    return reduce(operator.and_, queries) if queries else None


def _any_of(queries):
    queries = [query for query in queries if query is not None]
    return reduce(operator.or_, queries) if queries else None


def _postgresql_search(queryset, kind, parsed, relaxed):
    vector = _reader_vector(kind)
    queryset = queryset.alias(_search_vector=vector)
    required = [_tsquery(group.alternatives) for group in parsed.required]
    match = _any_of(required) if relaxed else _all_of(required)
    queryset = queryset.filter(_search_vector=match)

    def rank(query):
        return SearchRank(F("_search_vector"), query, weights=RANK_WEIGHTS)

    def score(group, factor=1.0):
        # Half for any alternative, half for the words as typed: a synonym alone
        # scores half as much. A word that only starts another ("SAFE" in
        # "safety") scores a quarter.
        exact = _complete(group.alternatives)
        anything = rank(_tsquery(exact))
        typed = rank(_tsquery(exact[:1]))
        total = (anything + typed) * (factor / 2)
        if group.has_prefix:
            total += rank(_tsquery(group.alternatives[:1])) * (factor * PREFIX_FACTOR)
        return total

    scores = [score(group) for group in parsed.required]
    scores += [score(group, WEAK_FACTOR) for group in parsed.weak]
    if relaxed:
        scores += [
            Case(When(Q(_search_vector=query), then=Value(10.0)), default=Value(0.0))
            for query in required
        ]
    scores += _bonuses(kind, parsed, scale=1.0, postgresql=True)
    if kind.coverage:
        links = _primary_coverage(kind).alias(
            _search_vector=_vector_over(["risk_area__name", "risk_area__keywords"])
        )
        links = links.filter(_search_vector=_any_of(required))
        scores.append(_bonus(Exists(links), MAIN_RISK_AREA_BONUS))
    return queryset.annotate(rank=_demoted(kind, reduce(operator.add, scores)))


# The fallback: word-boundary regular expressions ----------------------------------


def _root(word):
    """A crude stem: what is left once a common English ending is removed."""
    for ending, minimum in (("ies", 6), ("es", 6), ("ing", 7), ("ed", 6), ("s", 4)):
        if len(word) >= minimum and word.endswith(ending) and not word.endswith("ss"):
            return word[: -len(ending)]
    return word


def _fold(text):
    """A regular expression for `text` that ignores accents ("medicament" finds
    "médicament") and treats a hyphen as optional ("dual use" finds "dual-use")."""
    pattern = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[0].lower()
        if base in ACCENTS:
            pattern.append(f"[{ACCENTS[base]}]")
        elif char == "-":
            pattern.append(r"[-\s]?")
        else:
            pattern.append(re.escape(char))
    return "".join(pattern)


def _word_pattern(term):
    if term.acronym:
        return _fold(term.text) + (r"\w*" if term.prefix else r"\b")
    root = _root(term.text)
    if term.prefix:
        return _fold(root) + r"\w*"
    if len(root) <= 3:
        return _fold(root) + r"(?:s|es)?\b"
    return _fold(root) + r"\w{0,4}\b"


def alternative_pattern(alternatives):
    """One regular expression matching any of `alternatives` (words in a row)."""
    if not alternatives:
        return None
    phrases = [
        r"\W+".join(_word_pattern(term) for term in alternative.terms)
        for alternative in alternatives
    ]
    return r"(?<!\w)(?:" + "|".join(phrases) + ")"


def _matches(columns, pattern):
    return reduce(
        operator.or_, (Q(**{f"{column}__iregex": pattern}) for column in columns)
    )


def _fallback_conditions(kind, pattern):
    """weight -> condition: the record matches `pattern` in fields of that weight."""
    languages = reader_languages()
    conditions = {}
    for weight in WEIGHTS:
        columns = [
            _column(name, language)
            for name in kind.fields.get(weight, ())
            for language in languages
        ] + list(kind.plain.get(weight, ()))
        if columns:
            conditions[weight] = _matches(columns, pattern)
    for related in kind.related:
        columns = [
            _column(name, language) for name in related.fields for language in languages
        ] + list(related.plain)
        linked = related.linked().filter(
            _matches(columns, pattern), **{related.link: OuterRef("pk")}
        )
        condition = Q(Exists(linked))
        conditions["B"] = (
            conditions["B"] | condition if "B" in conditions else condition
        )
    return conditions


def _fallback_score(kind, group, factor=1.0):
    """Points for one group: the weight of every kind of field where a typed word
    matches, half that where only a synonym does, a quarter where a word only
    starts with the last word typed."""
    exact = _complete(group.alternatives)
    levels = [(_fallback_conditions(kind, alternative_pattern(exact[:1])), 1.0)]
    if group.synonyms:
        synonyms = _fallback_conditions(kind, alternative_pattern(exact[1:]))
        levels.append((synonyms, SYNONYM_FACTOR))
    if group.has_prefix:
        prefixed = _fallback_conditions(
            kind, alternative_pattern(group.alternatives[:1])
        )
        levels.append((prefixed, PREFIX_FACTOR))
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


def _complete(alternatives):
    """`alternatives` with the last word taken as complete (no prefix matching)."""
    return tuple(
        Alternative(
            tuple(Term(term.text, acronym=term.acronym) for term in alternative.terms),
            synonym=alternative.synonym,
        )
        for alternative in alternatives
    )


def _fallback_match(kind, group):
    conditions = _fallback_conditions(kind, alternative_pattern(group.alternatives))
    return reduce(operator.or_, conditions.values())


def _fallback_search(queryset, kind, parsed, relaxed):
    matches = [_fallback_match(kind, group) for group in parsed.required]
    if relaxed:
        queryset = queryset.filter(reduce(operator.or_, matches))
    else:
        for match in matches:
            queryset = queryset.filter(match)
    scores = [_fallback_score(kind, group) for group in parsed.required]
    scores += [_fallback_score(kind, group, WEAK_FACTOR) for group in parsed.weak]
    if relaxed:
        scores += [
            Case(When(match, then=Value(100.0)), default=Value(0.0))
            for match in matches
        ]
    scores += _bonuses(kind, parsed, scale=POINTS["A"])
    if kind.coverage:
        links = _primary_coverage(kind)
        columns = [
            _column(name, language)
            for name in ("risk_area__name", "risk_area__keywords")
            for language in reader_languages()
        ]
        every = [
            alternative
            for group in parsed.required
            for alternative in group.alternatives
        ]
        links = links.filter(_matches(columns, alternative_pattern(every)))
        scores.append(_bonus(Exists(links), MAIN_RISK_AREA_BONUS * POINTS["A"]))
    return queryset.annotate(rank=_demoted(kind, reduce(operator.add, scores)))


# Both ---------------------------------------------------------------------------


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


def _primary_coverage(kind):
    model_label, link = kind.coverage
    return apps.get_model(model_label)._base_manager.filter(
        level="primary", **{link: OuterRef("pk")}
    )


def _bonus(condition, points):
    return Case(
        When(condition, then=Value(points)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _demoted(kind, rank):
    """Merged programmes are history: their successor comes first."""
    if kind.history is None:
        return rank
    factor = Case(
        When(kind.history, then=Value(HISTORY_FACTOR)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return rank * factor


def _postgresql_regex(pattern):
    # PostgreSQL spells the word boundary \y (its \b is a backspace).
    return pattern.replace(r"\b", r"\y")


def _bonuses(kind, parsed, scale, *, postgresql=False):
    """An exact acronym, and the whole query in the name, put a record on top."""
    bonuses = []
    if kind.acronym:
        typed = {term.text for group in parsed.groups for term in group.typed.terms}
        synonyms = {
            alternative.text
            for group in parsed.groups
            for alternative in group.synonyms
            if len(alternative.terms) == 1
        } - typed
        whens = [When(_acronym_condition(kind, sorted(typed)), then=Value(1.5 * scale))]
        if synonyms:
            whens.append(
                When(
                    _acronym_condition(kind, sorted(synonyms)), then=Value(0.75 * scale)
                )
            )
        bonuses.append(Case(*whens, default=Value(0.0), output_field=FloatField()))
    phrase = parsed.phrase
    if phrase:
        # The words as typed, in a row, as whole words ("SAFE" is not in "Safety").
        words = Alternative(
            tuple(
                Term(term.text, acronym=term.acronym)
                for group in parsed.groups
                for term in group.typed.terms
            )
        )
        pattern = alternative_pattern([words])
        if postgresql:
            pattern = _postgresql_regex(pattern)
        in_name = Q()
        exact = Q()
        for language in reader_languages():
            in_name |= Q(**{f"{_column('name', language)}__iregex": pattern})
            exact |= Q(**{f"{_column('name', language)}__iexact": phrase})
        bonuses.append(
            Case(
                When(exact, then=Value(1.0 * scale)),
                When(in_name, then=Value(0.5 * scale)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    return bonuses


def search_queryset(queryset, q, *, relaxed=False):
    """`queryset` narrowed to the records matching `q`, annotated with `rank` and
    ordered best first. A query without words to search leaves it as it is.

    With `relaxed`, records need only one of the words, and rank by how many
    they have. The ordering after rank is the model's own.
    """
    parsed = parse_query(q)
    if parsed.is_empty:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    kind = kind_for(queryset.model)
    if _is_postgresql(queryset.db):
        queryset = _postgresql_search(queryset, kind, parsed, relaxed)
    else:
        queryset = _fallback_search(queryset, kind, parsed, relaxed)
    ordering = queryset.model._meta.ordering or ["pk"]
    return queryset.order_by("-rank", *ordering)


# Results for the search page ----------------------------------------------------


@dataclass
class Snippet:
    """The text that shows why a record matched, and where it comes from."""

    text: str = ""  # escaped HTML with the matches in <mark>
    label: str = ""
    source: object = None  # the record the text belongs to (the record, or a threat)
    field: str = ""


@dataclass
class Hit:
    """A record found, with what the page shows of it."""

    object: object
    kind: Kind
    rank: float
    snippet: str = ""  # escaped HTML with the matches in <mark>
    snippet_label: str = ""
    successor: object = None  # of a merged programme, if the reader may see it
    source: Snippet = None  # where the snippet comes from

    @property
    def title(self):
        return self.object.name

    @property
    def url(self):
        return self.object.get_absolute_url()

    @property
    def type_label(self):
        return self.kind.name


@dataclass
class ResultGroup:
    kind: Kind
    hits: list
    count: int

    @property
    def key(self):
        return self.kind.key

    @property
    def label(self):
        return self.kind.label

    @property
    def has_more(self):
        return self.count > len(self.hits)


@dataclass
class SearchResults:
    query: ParsedQuery
    groups: list = field(default_factory=list)
    relaxed: bool = False

    @property
    def total(self):
        return sum(group.count for group in self.groups)

    @property
    def found(self):
        return [group for group in self.groups if group.hits]

    def __iter__(self):
        return iter(self.found)


def highlight_pattern(parsed):
    """One case-insensitive regular expression for what was searched: each word as
    typed, and each synonym as a whole ("drug product", never "drug" alone)."""
    typed = [
        Alternative((term,)) for group in parsed.groups for term in group.typed.terms
    ]
    synonyms = [
        alternative for group in parsed.groups for alternative in group.synonyms
    ]
    alternatives = sorted(
        set(typed + synonyms), key=lambda alternative: -len(alternative.text)
    )
    return _compiled(alternatives)


def _compiled(alternatives):
    pattern = alternative_pattern(alternatives)
    return re.compile(pattern, re.IGNORECASE) if pattern else None


def highlight(text, pattern):
    """`text` escaped for HTML, with the matches of `pattern` in <mark>."""
    text = str(text or "")
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        pieces += [escape(text[last : match.start()]), "<mark>"]
        pieces += [escape(match.group()), "</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    # Every piece of text above is escaped; only the <mark> tags are ours.
    return mark_safe("".join(pieces))


SNIPPET_LENGTH = 220


def excerpt(text, pattern, length=SNIPPET_LENGTH):
    """About `length` characters of `text` around its first match, highlighted."""
    text = " ".join(str(text or "").split())
    match = pattern.search(text) if pattern else None
    if len(text) > length:
        start = 0
        if match and match.start() > length // 3:
            start = text.find(" ", match.start() - length // 3) + 1
        end = start + length
        if end < len(text):
            end = text.rfind(" ", start, end) if " " in text[start:end] else end
        prefix = "… " if start else ""
        suffix = " …" if end < len(text) else ""
        return mark_safe(
            escape(prefix) + highlight(text[start:end], pattern) + escape(suffix)
        )
    return highlight(text, pattern)


def _snippet(record, kind, pattern, groups):
    """The text that shows best why `record` matched, in the reader's language.

    The summary, description, keywords and covered threats are tried in turn; the
    first that holds the most of the query's terms is shown. `groups` holds, per
    term, a pattern of the words as typed and one of any of its alternatives.
    """
    candidates = [
        Snippet(getattr(record, name, "") or "", label, record, name)
        for name, label in (
            ("summary", ""),
            ("description", ""),
            ("keywords", _("Keywords")),
        )
        if name in kind.translated_fields()
    ]
    threats = getattr(record, "_prefetched_objects_cache", {}).get("threats", ())
    candidates += [
        Snippet(
            f"{threat.name} ({threat.keywords})" if threat.keywords else threat.name,
            _("Covers the threat"),
            threat,
            "name",
        )
        for threat in threats
    ]
    best, best_score = None, 0
    for candidate in candidates:
        # A word as typed counts twice as much as a synonym.
        score = sum(
            2 if typed.search(candidate.text) else 1
            for typed, anything in groups
            if anything.search(candidate.text)
        )
        if score > best_score:
            best, best_score = candidate, score
    if best is not None:
        best.text = excerpt(best.text, pattern)
        return best
    for candidate in candidates[:2]:
        if candidate.text:
            candidate.text = excerpt(candidate.text, None)
            return candidate
    return Snippet()


def _base_queryset(kind, user):
    model = kind.get_model()
    threat = apps.get_model("risk_areas", "Threat")
    threat_words = threat.objects.only(
        *[_column(name, language) for name in THREAT_WORDS for language in _languages()]
    )
    if kind.key == "programme":
        return (
            model.objects.visible_to(user)
            .select_related("successor")
            .prefetch_related(Prefetch("threats", queryset=threat_words))
        )
    if kind.key == "tool":
        return model.objects.visible_to(user).prefetch_related(
            Prefetch("threats", queryset=threat_words)
        )
    if kind.key == "threat":
        return model.objects.select_related("risk_area")
    return model.objects.all()


def _hits(kind, queryset, user, pattern, groups, limit):
    # The number of matches comes with the first rows: one query per type.
    records = list(queryset.annotate(matches=Window(Count("pk")))[:limit])
    count = records[0].matches if records else 0
    hits = []
    for record in records:
        snippet = _snippet(record, kind, pattern, groups)
        successor = (
            getattr(record, "successor", None) if kind.key == "programme" else None
        )
        if successor is not None and not successor.is_visible_to(user):
            successor = None
        hits.append(
            Hit(
                record,
                kind,
                record.rank,
                snippet.text,
                snippet.label,
                successor,
                snippet,
            )
        )
    return ResultGroup(kind, hits, count)


def search_all(q, user, *, limit=RESULTS_PER_TYPE):
    """Programmes, tools, risk areas, threats and partners matching `q` that
    `user` may see, ranked within each type, at most `limit` of each.

    When nothing contains every word, records with any of them are returned and
    `relaxed` says so. A fixed number of queries, whatever the catalogue's size.
    """
    parsed = parse_query(q)
    results = SearchResults(parsed)
    if parsed.is_empty:
        return results
    pattern = highlight_pattern(parsed)
    groups = [
        (_compiled(group.alternatives[:1]), _compiled(group.alternatives))
        for group in parsed.groups
    ]
    for relaxed in (False, True):
        results.groups = [
            _hits(
                kind,
                search_queryset(_base_queryset(kind, user), parsed, relaxed=relaxed),
                user,
                pattern,
                groups,
                limit,
            )
            for kind in KINDS
        ]
        results.relaxed = relaxed
        if results.total or len(parsed.required) < 2:
            break
    return results


# Keeping the stored vectors current ----------------------------------------------


def _refresh_record(sender, instance, using=None, **kwargs):
    if not _is_postgresql(using or router.db_for_write(sender)):
        return
    # A programme's names are in its successor's vector, and in its former
    # successor's until that one is refreshed.
    pks = {
        instance.pk,
        getattr(instance, "successor_id", None),
        getattr(instance, "_search_former_successor", None),
    }
    pks.discard(None)
    refresh_search_vectors(sender._base_manager.using(using).filter(pk__in=pks))


def _remember_successor(sender, instance, raw=False, using=None, **kwargs):
    if instance.pk and _is_postgresql(using or router.db_for_write(sender)):
        instance._search_former_successor = (
            sender._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("successor_id", flat=True)
            .first()
        )


def _refresh_successor(sender, instance, using=None, **kwargs):
    successor = getattr(instance, "successor_id", None)
    if successor and _is_postgresql(using or router.db_for_write(sender)):
        refresh_search_vectors(sender._base_manager.using(using).filter(pk=successor))


def _refresh_for_threat(sender, instance, using=None, **kwargs):
    if not _is_postgresql(using or router.db_for_write(sender)):
        return
    for kind in KINDS:
        if kind.stored:
            model = kind.get_model()
            refresh_search_vectors(
                model._base_manager.using(using).filter(threats=instance)
            )


def _refresh_threat_links(
    sender, instance, action, reverse, model, pk_set, using, **kwargs
):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    threat_links = {
        kind.get_model().threats.through: kind for kind in KINDS if kind.stored
    }
    if sender not in threat_links or not _is_postgresql(using):
        return
    owner = threat_links[sender].get_model()
    if not reverse:
        records = owner._base_manager.using(using).filter(pk=instance.pk)
    elif pk_set:
        records = owner._base_manager.using(using).filter(pk__in=pk_set)
    else:
        # A threat's links were cleared: the records it was linked to are unknown now.
        records = owner._base_manager.using(using).all()
    refresh_search_vectors(records)


def _fill_missing_vectors(sender, using="default", **kwargs):
    if sender.name != "programmes" or not _is_postgresql(using):
        return
    for kind in KINDS:
        if kind.stored:
            model = kind.get_model()
            refresh_search_vectors(
                model._base_manager.using(using).filter(search_vector__isnull=True)
            )


def connect_signals():
    """Refresh stored vectors when a record, its threats or a threat change, and
    fill any missing ones after `migrate`."""
    for kind in KINDS:
        if kind.stored:
            post_save.connect(
                _refresh_record,
                sender=kind.model,
                dispatch_uid=f"search-vector-{kind.key}",
            )
    pre_save.connect(
        _remember_successor,
        sender="programmes.Programme",
        dispatch_uid="search-vector-programme-successor",
    )
    post_delete.connect(
        _refresh_successor,
        sender="programmes.Programme",
        dispatch_uid="search-vector-programme-deleted",
    )
    post_save.connect(
        _refresh_for_threat,
        sender="risk_areas.Threat",
        dispatch_uid="search-vector-threat",
    )
    m2m_changed.connect(_refresh_threat_links, dispatch_uid="search-vector-threats")
    post_migrate.connect(_fill_missing_vectors, dispatch_uid="search-vector-migrate")
