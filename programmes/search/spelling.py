"""Misspelt words: "Did you mean ...".

A word of the query that no record holds, in any field or language, is replaced
by the closest word the catalogue does hold (each backend finds it in its own
index: FTS5's vocabulary on SQLite, `pg_trgm` on PostgreSQL), and the query is
read again with it, synonyms included. The page offers the corrected query.
"""

from dataclasses import replace

from django.db import connections

from risk_areas.languages import reader_languages

from .kinds import KINDS
from .query import Alternative, parse_query
from .scoring import backend_for

# Shorter words are too often acronyms or codes to correct.
MIN_LENGTH = 4
# A stem may leave out up to this many letters at the end of a word
# ("smuggl" for "smuggling"); each counts a little, to break ties.
STEM_SUFFIX, SUFFIX_COST = 3, 0.1


def distance(a, b):
    """Edits (insert, delete, replace, swap two neighbours) from `a` to `b`."""
    previous, current = None, list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char != other),
            )
            if before and i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[-1]


def cost(word, term, stemmed):
    """How far `term` is from `word`; a stem may leave out the word's ending."""
    if not stemmed:
        return distance(word, term)
    ends = range(max(len(term) - 1, len(word) - STEM_SUFFIX), len(word) + 1)
    return min(
        (distance(word[:end], term) + SUFFIX_COST * (len(word) - end) for end in ends),
        default=distance(word, term),
    )


def closest(word, candidates, stemmed):
    """The candidate (term, records) nearest `word`, if near enough: one edit for
    a word of four letters, two for a longer one; ties go to the commoner term."""
    allowed = 1 if len(word) <= MIN_LENGTH else 2
    scored = [
        (cost(word, term, stemmed), -records, term)
        for term, records in candidates
        if term != word and abs(len(term) - len(word)) <= allowed + STEM_SUFFIX
    ]
    best = min(scored, default=None)
    return best[2] if best and best[0] < allowed + 0.5 else None


def _held(terms, backend, languages, using):
    """Which of `terms` some record of any kind holds: one query of EXISTS."""
    checks, params = [], []
    for term in terms:
        for kind in KINDS:
            # Text only: a slug ("explosives-trafficking") is no word of the text.
            match = backend.text_match(
                kind, [Alternative((term,))], kind.translated_fields(), (), languages
            )
            records = kind.model._base_manager.filter(match).values("pk")[:1]
            sql, sql_params = records.query.get_compiler(using).as_sql()
            checks.append(f"EXISTS ({sql})")
            params += sql_params
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(checks), params)
        flags = cursor.fetchone()
    return {
        term
        for position, term in enumerate(terms)
        if any(flags[position * len(KINDS) : (position + 1) * len(KINDS)])
    }


def correct(parsed, using):
    """`parsed`, read again with its misspelt words corrected (and the
    corrections in `corrections`), or as it was."""
    if parsed.is_empty or parsed.checked:
        return parsed
    backend = backend_for(using)
    languages = reader_languages()
    candidates = [
        group.typed.terms[0]
        for group in parsed.groups
        if not group.synonyms
        and len(group.typed.terms) == 1
        and not group.typed.terms[0].acronym
        and len(group.typed.terms[0].text) >= MIN_LENGTH
    ]
    held = _held(candidates, backend, languages, using) if candidates else set()
    corrections = {}
    for term in candidates:
        if term in held:
            continue
        candidates = backend.spelling_candidates(term.text, KINDS, languages, using)
        found = closest(term.text, candidates, backend.STEMMED)
        if found:
            forms = backend.surface_forms(found, KINDS, languages, using)
            # Ties go to the shorter form, then the alphabet: never to the set's
            # order, which differs from one server process to the next.
            found = min(
                forms,
                key=lambda form: (distance(term.text, form), len(form), form),
                default=None,
            )
        if found and found != term.text:
            corrections[term.text] = found
    if not corrections:
        return replace(parsed, checked=True)
    words = [corrections.get(word, word) for word in parsed.typed_words]
    corrected = parse_query(" ".join(words))
    return replace(
        corrected,
        text=parsed.text,
        checked=True,
        corrections=tuple(corrections.items()),
        suggestion=" ".join(words),
        truncated=parsed.truncated,
    )
