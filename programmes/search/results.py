"""Ranked records, and the results page's groups of hits with their snippets.

`search_queryset()` is the one search every page calls (lists, the search page,
downloads): the query is read, its misspelt words corrected, and the records
ranked by `scoring`. When no record holds most of a long query's terms, the
records holding any one of them are returned instead, and the page says so.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, FloatField, IntegerField, Subquery, Value
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from risk_areas.languages import reader_languages
from risk_areas.models import Threat

from . import scoring, spelling
from .kinds import KINDS, THREAT_WORDS, Kind, kind_for
from .query import ParsedQuery, parse_query

# Results listed per type on the search page; the lists link to the rest.
RESULTS_PER_TYPE = 20
SNIPPET_LENGTH = 220
MARKS = ("\ue000", "\ue001")  # private-use characters: escaped text keeps them
SNIPPET_FIELDS = (("summary", ""), ("description", ""), ("keywords", _("Keywords")))


def understood(q, using="default"):
    """`q` read, its misspelt words corrected (see `spelling`)."""
    return spelling.correct(parse_query(q), using)


def search_queryset(queryset, q, *, relaxed=False, relevance=None):
    """`queryset` narrowed to the records matching `q`, annotated with `rank` and
    ordered best first. A query without words to search leaves it as it is.

    With `relaxed`, records need hold only one of the terms. The ordering after
    rank is the model's own. `relevance` is the score computed ahead with other
    kinds' (`scoring.relevances`), if it was.
    """
    parsed = understood(q, queryset.db)
    if parsed.is_empty:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    queryset = scoring.search(queryset, parsed, relaxed=relaxed, relevance=relevance)
    ordering = queryset.model._meta.ordering or ["pk"]
    return queryset.order_by("-rank", *ordering)


def _relevances(parsed):
    """Each kind's relevance for `parsed`, computed once for every round of a
    search (see `search_querysets`)."""
    return scoring.relevances(KINDS, parsed, DEFAULT_DB_ALIAS)


def search_querysets(q, user, *, relaxed=False, relevances=None):
    """Every match of `q` that `user` may see, one queryset per kind (in the order
    of `KINDS`), ranked best first as on the search page. A query without words
    to search finds nothing.

    The kinds' relevance is computed ahead for all of them at once
    (`scoring.relevances`), or given as `relevances` by a search that already
    did: relaxing a query does not change it.
    """
    parsed = understood(q)
    querysets = [kind.visible_to(user) for kind in KINDS]
    if parsed.is_empty:
        return [queryset.none() for queryset in querysets]
    if relevances is None:
        relevances = _relevances(parsed)
    return [
        search_queryset(queryset, parsed, relaxed=relaxed, relevance=relevance)
        for queryset, relevance in zip(querysets, relevances, strict=True)
    ]


def matching_querysets(q, user):
    """Every record the search page finds for `q`, one queryset per kind (in the
    order of `KINDS`), unpaginated: what a download of the results holds.

    As on the page (`search_all()`): when no record holds most of the terms of a
    query that may relax, the records with any of them.
    """
    parsed = understood(q)
    if parsed.is_empty:
        return search_querysets(parsed, user)
    relevances = _relevances(parsed)
    querysets = search_querysets(parsed, user, relevances=relevances)
    if parsed.may_relax and not any(queryset.exists() for queryset in querysets):
        querysets = search_querysets(parsed, user, relaxed=True, relevances=relevances)
    return querysets


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
    source: Snippet  # why it matched
    successor: object = None  # of a merged programme, if the reader may see it
    terms: int = 0  # how many of the query's terms it holds
    query: ParsedQuery = None  # as searched, for the page to mark its words

    @property
    def snippet(self):
        return self.source.text

    @cached_property
    def summary(self):
        """The record's summary, the words found highlighted (a Snippet)."""
        from .presentation import summary_of

        return summary_of(self.object, self.query)

    @cached_property
    def reason(self):
        """Why it matched when the summary does not show it, else None."""
        from .presentation import reason_for

        return reason_for(self.object, self.source, self.summary, self.query)

    @property
    def snippet_label(self):
        return self.source.label

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

    @property
    def partial(self):
        """No record found holds every term of the query."""
        wanted = len(self.query.required)
        hits = [hit for group in self.groups for hit in group.hits]
        return bool(hits) and wanted > 1 and all(hit.terms < wanted for hit in hits)

    def __iter__(self):
        return iter(self.found)


def marked(text):
    """A backend's snippet (plain text, matches between MARKS) as HTML: escaped,
    with the matches in <mark>."""
    start, end = MARKS
    html = escape(" ".join(str(text or "").split()))
    # Everything is escaped; only the <mark> tags are ours.
    return mark_safe(html.replace(start, "<mark>").replace(end, "</mark>"))


def excerpt(text, length=SNIPPET_LENGTH):
    """The start of `text`, about `length` characters, cut at a space."""
    text = " ".join(str(text or "").split())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > 0 else length] + " …"


def _fold(word):
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _typed_marks(text, parsed):
    """How many of the words marked in `text` are words as typed (or another
    ending of one: "fakes" for "fake"), rather than synonyms."""
    typed = [_fold(word) for word in parsed.typed_words]
    marks = re.findall(f"{MARKS[0]}(.*?){MARKS[1]}", text)
    return sum(
        any(_fold(mark).startswith(word[: max(3, len(word) - 2)]) for word in typed)
        for mark in marks
    )


def _marked_texts(texts, fields, parsed):
    """pk -> (field, snippet) of the field that shows best why the record
    matched: the most words as typed, then the most words. `texts` is what the
    backend found of the records' fields (`_found_texts`), of `fields` and maybe
    others asked for the same kind."""
    best = {}
    for pk, found in texts.items():
        scored = [
            (_typed_marks(text, parsed), text.count(MARKS[0]), -position, field)
            for position, (field, text) in enumerate(
                (field, found[field]) for field in fields if field in found
            )
        ]
        if scored:
            field = max(scored)[3]
            best[pk] = (field, found[field])
    return best


def _snippet_fields(kind):
    """The fields a snippet of `kind` may quote, in the order they are preferred."""
    return [name for name, _label in SNIPPET_FIELDS if name in kind.translated_fields()]


def _threats(record):
    """The threats `record` covers, read with it (see `Kind.visible_to`)."""
    return getattr(record, "_prefetched_objects_cache", {}).get("threats", ())


def _found_texts(found, parsed, using):
    """kind key -> pk -> {field: the text around the words found} of every
    record in `found` ((kind, records) pairs) and of the threats programmes and
    tools cover, for their snippets.

    One request to the backend, so one statement for the whole page: each kind
    is asked for once, with every record and field the page wants of it (the
    threats covered, their name and keywords, join the threats found).
    """
    wanted = {}
    threat_kind = kind_for(Threat)

    def want(kind, pks, fields):
        _kind, known, names = wanted.setdefault(kind.key, (kind, {}, {}))
        known.update(dict.fromkeys(pks))
        names.update(dict.fromkeys(fields))

    for kind, records in found:
        want(kind, [record.pk for record in records], _snippet_fields(kind))
        if kind.shows_threats:
            covered = [threat.pk for record in records for threat in _threats(record)]
            want(threat_kind, covered, THREAT_WORDS)
    alternatives = [alt for group in parsed.groups for alt in group.alternatives]
    return scoring.backend_for(using).snippets(
        [(kind, list(pks), list(fields)) for kind, pks, fields in wanted.values()],
        alternatives,
        reader_languages(),
        MARKS,
        using,
    )


def _threat_snippets(records, texts, parsed):
    """pk of a record -> a Snippet naming a threat it covers that matches.
    `texts`: the threats' texts found (`_found_texts`)."""
    found = _marked_texts(texts, THREAT_WORDS, parsed)
    snippets = {}
    for record in records:
        for threat in _threats(record):
            if threat.pk not in found:
                continue
            field, shown = found[threat.pk]
            if field == "name":
                text = marked(shown)
            else:
                # The threat's name, then its words that matched.
                text = format_html("{} ({})", threat.name, marked(shown))
            snippets[record.pk] = Snippet(text, _("Covers the threat"), threat, "name")
            break
    return snippets


def _snippets(kind, records, parsed, texts):
    """pk -> the Snippet that shows best why the record matched: its summary,
    description or keywords around the words found, else a threat it covers
    that matches, else the start of its summary. `texts`: what the backend
    found for the page (`_found_texts`)."""
    fields = _snippet_fields(kind)
    found = _marked_texts(texts.get(kind.key, {}), fields, parsed)
    threats = {}
    if kind.shows_threats:
        covered = texts.get(kind_for(Threat).key, {})
        threats = _threat_snippets(records, covered, parsed)
    snippets = {}
    for record in records:
        if record.pk in found:
            name, text = found[record.pk]
            label = dict(SNIPPET_FIELDS)[name]
            snippets[record.pk] = Snippet(marked(text), label, record, name)
        elif record.pk in threats:
            snippets[record.pk] = threats[record.pk]
        else:
            snippets[record.pk] = next(
                (
                    Snippet(excerpt(text), "", record, name)
                    for name in fields[:2]
                    if (text := getattr(record, name, ""))
                ),
                Snippet(),
            )
    return snippets


def _records(queryset, limit):
    """The first `limit` records of `queryset`, and how many it holds: one query.

    The number of matches is a subquery the database runs once, not a window
    over the matches: a window makes it keep every match, all its columns, to
    count them before sorting, where without one it keeps only the best `limit`
    as it goes (at 100,000 tools, 0.5 s instead of 1.2 s for "fake medicines").
    """
    total = (
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(count=Count("pk"))
        .values("count")
    )
    records = list(
        queryset.annotate(matches=Subquery(total, output_field=IntegerField()))[:limit]
    )
    return records, records[0].matches if records else 0


def _hits(kind, records, count, snippets, user, parsed):
    hits = []
    for record in records:
        # Only a programme has one; it was read with the record.
        successor = getattr(record, "successor", None)
        if successor is not None and not successor.is_visible_to(user):
            successor = None
        hits.append(
            Hit(
                record,
                kind,
                record.rank,
                snippets[record.pk],
                successor,
                record.terms,
                parsed,
            )
        )
    return ResultGroup(kind, hits, count)


def search_all(q, user, *, limit=RESULTS_PER_TYPE):
    """Programmes, tools, risk areas, threats and partners matching `q` that
    `user` may see, ranked within each type, at most `limit` of each.

    When no record holds most of the terms, records with any of them are
    returned and `relaxed` says so. A fixed number of queries, whatever the
    catalogue's size: the ranking (one statement for every kind, on SQLite),
    each kind's records, the threats programmes and tools cover, and every
    snippet in one.
    """
    parsed = understood(q)
    results = SearchResults(parsed)
    if parsed.is_empty:
        return results
    relevances = _relevances(parsed)
    for relaxed in (False, True):
        querysets = search_querysets(
            parsed, user, relaxed=relaxed, relevances=relevances
        )
        found = [
            (kind, *_records(queryset, limit))
            for kind, queryset in zip(KINDS, querysets, strict=True)
        ]
        results.relaxed = relaxed
        if any(count for *_listed, count in found) or not parsed.may_relax:
            break
    listed = [(kind, records) for kind, records, _count in found]
    texts = _found_texts(listed, parsed, querysets[0].db)
    results.groups = [
        _hits(
            kind, records, count, _snippets(kind, records, parsed, texts), user, parsed
        )
        for kind, records, count in found
    ]
    return results
