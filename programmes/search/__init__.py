"""Ranked search over the catalogue, in the words staff use, on each database's
own full-text engine.

One query finds programmes, tools, risk areas, threats and partners:

1. `query.parse_query()` reads what the reader typed into terms, each with its
   alternatives: the word as typed plus its synonyms from `vocabulary`;
   `spelling` replaces a word no record holds by the closest one that does.
2. `scoring` finds the records holding most of the terms and ranks them: how
   many terms they hold, then the database's relevance score over fields
   weighted by `kinds`, then small bonuses.
3. The backend does the text work: FTS5 on SQLite (`sqlite`), tsvector, GIN,
   `ts_rank` and `pg_trgm` on PostgreSQL (`postgresql`). Both are kept current
   by the database itself.

Text is searched in the reader's language and in English (the text a page shows
when a translation is missing), never in a third language. `results` puts the
records found on the search page.
"""

from .kinds import KINDS, kind_for
from .postgresql import ensure_words
from .query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, clean_query, parse_query
from .results import (
    RESULTS_PER_TYPE,
    matching_querysets,
    search_all,
    search_queryset,
    search_querysets,
    understood,
)
from .sqlite import ensure_indexes as ensure_fts5_indexes


def ensure_indexes(using="default"):
    """After each migrate: SQLite's FTS5 indexes, PostgreSQL's words table (for
    spelling), with what keeps them current. Returns what was rebuilt."""
    return ensure_fts5_indexes(using) + ensure_words(using)


__all__ = [
    "KINDS",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "RESULTS_PER_TYPE",
    "clean_query",
    "ensure_indexes",
    "kind_for",
    "matching_querysets",
    "parse_query",
    "search_all",
    "search_queryset",
    "search_querysets",
    "understood",
]
