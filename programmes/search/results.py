"""Ranked records, and the results page's groups of hits with their snippets.

When no record contains every word, `search_all()` falls back to records with any
of them, ranked by how many they contain, and says so.
"""

from dataclasses import dataclass, field

from django.db.models import Count, FloatField, Value, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import fallback, postgresql
from .kinds import KINDS, Kind, kind_for
from .patterns import compiled, highlight_pattern
from .query import ParsedQuery, parse_query

# Results listed per type on the search page; the lists link to the rest.
RESULTS_PER_TYPE = 20
SNIPPET_LENGTH = 220


def search_queryset(queryset, q, *, relaxed=False):
    """`queryset` narrowed to the records matching `q`, annotated with `rank` and
    ordered best first. A query without words to search leaves it as it is.

    With `relaxed`, records need only one of the words, and rank by how many
    they have. The ordering after rank is the model's own.
    """
    parsed = parse_query(q)
    if parsed.is_empty:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    backend = postgresql if postgresql.is_postgresql(queryset.db) else fallback
    queryset = backend.search(queryset, kind_for(queryset.model), parsed, relaxed)
    ordering = queryset.model._meta.ordering or ["pk"]
    return queryset.order_by("-rank", *ordering)


def search_querysets(q, user, *, relaxed=False):
    """Every match of `q` that `user` may see, one queryset per kind (in the order
    of `KINDS`), ranked best first as on the search page. A query without words
    to search finds nothing."""
    if parse_query(q).is_empty:
        return [kind.visible_to(user).none() for kind in KINDS]
    return [
        search_queryset(kind.visible_to(user), q, relaxed=relaxed) for kind in KINDS
    ]


def matching_querysets(q, user):
    """Every record the search page finds for `q`, one queryset per kind (in the
    order of `KINDS`), unpaginated: what a download of the results holds.

    As on the page (`search_all()`): when no record has every word of a query
    that may relax, the records with any of them.
    """
    parsed = parse_query(q)
    querysets = search_querysets(parsed, user)
    if parsed.may_relax and not any(queryset.exists() for queryset in querysets):
        querysets = search_querysets(parsed, user, relaxed=True)
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

    @property
    def snippet(self):
        return self.source.text

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

    def __iter__(self):
        return iter(self.found)


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


def _hits(kind, queryset, user, pattern, groups, limit):
    # The number of matches comes with the first rows: one query per type.
    records = list(queryset.annotate(matches=Window(Count("pk")))[:limit])
    count = records[0].matches if records else 0
    hits = []
    for record in records:
        # Only a programme has one; it was read with the record.
        successor = getattr(record, "successor", None)
        if successor is not None and not successor.is_visible_to(user):
            successor = None
        snippet = _snippet(record, kind, pattern, groups)
        hits.append(Hit(record, kind, record.rank, snippet, successor))
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
        (compiled(group.alternatives[:1]), compiled(group.alternatives))
        for group in parsed.groups
    ]
    for relaxed in (False, True):
        querysets = search_querysets(parsed, user, relaxed=relaxed)
        results.groups = [
            _hits(kind, queryset, user, pattern, groups, limit)
            for kind, queryset in zip(KINDS, querysets, strict=True)
        ]
        results.relaxed = relaxed
        if results.total or not parsed.may_relax:
            break
    return results
