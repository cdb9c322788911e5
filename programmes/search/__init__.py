"""Ranked search over the catalogue, in the words staff use.

One query finds programmes, tools, risk areas, threats and partners. The text is
read the same way on every database:

1. `query.parse_query()` reads what the reader typed into groups of alternatives:
   each term as typed plus its synonyms from `vocabulary`.
2. A record scores by where its words match (`kinds`): name and acronym above
   keywords and the vocabulary of the threats it covers, above summary, above
   description. Words as typed count more than synonyms; an exact acronym and the
   whole query in the name earn a bonus (`scoring`).

Text is searched in the reader's language and in English (the text a page shows
when a translation is missing), never in a third language. PostgreSQL searches
stored and query-time tsvectors (`postgresql`); other databases match regular
expressions (`fallback`). `results` puts the records found on the search page.
"""

from .kinds import KINDS, kind_for
from .postgresql import refresh_search_vectors
from .query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, clean_query, parse_query
from .results import (
    RESULTS_PER_TYPE,
    matching_querysets,
    search_all,
    search_queryset,
    search_querysets,
)
from .signals import connect_signals

__all__ = [
    "KINDS",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "RESULTS_PER_TYPE",
    "clean_query",
    "connect_signals",
    "kind_for",
    "matching_querysets",
    "parse_query",
    "refresh_search_vectors",
    "search_all",
    "search_queryset",
    "search_querysets",
]
