"""Search on SQLite (the embedded default): FTS5.

Each searchable table has an FTS5 index over its text in every language, with
the Porter stemmer and accents folded (`porter unicode61 remove_diacritics 2`),
so "medicines" finds "medicine" and "medicament" finds "médicaments". The index
reads its text from the table itself (external content) and is kept in step by
triggers: every write, whatever path it takes (a form, a bulk `update()`, the
loader, the shell), updates it inside the same transaction. `ensure_indexes()`
creates what is missing after each `migrate` (a migration that rebuilds a table
drops its triggers) and rebuilds an index in one statement when it does.

Records rank by `bm25()` with weights per column; snippets come from `snippet()`.
"""

from django.conf import settings
from django.db import connections
from django.db.models import Case, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL

from .kinds import KINDS, WEIGHTS, columns

TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25() weight of a column, by the weight of its field.
COLUMN_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
# What snippet() puts around a word found (see `corrections`).
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_TOKENS = 32
# How many of the best matches carry their bm25() score into the ranking.
RANKED = 200


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def index_columns(kind):
    """(column, weight) of a kind's index: every language of its translated
    fields, then the fields every language shares."""
    found = []
    for weight in WEIGHTS:
        found += [
            (column, weight)
            for column in columns(kind.fields.get(weight, ()), _languages())
        ]
        found += [(column, weight) for column in kind.plain.get(weight, ())]
    return found


def index_name(model):
    return f"{model._meta.db_table}_fts"


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _index_sql(kind):
    table = kind.model._meta.db_table
    names = ", ".join(_quote(column) for column, _weight in index_columns(kind))
    return (
        f"CREATE VIRTUAL TABLE {_quote(index_name(kind.model))} USING fts5("
        f"{names}, content={_quote(table)}, content_rowid="
        f"{_quote(kind.model._meta.pk.column)}, tokenize='{TOKENIZER}')"
    )


def _trigger_sql(kind):
    """trigger name -> its CREATE statement: the index follows inserts, updates
    and deletes of the table."""
    table, index = kind.model._meta.db_table, index_name(kind.model)
    pk = _quote(kind.model._meta.pk.column)
    names = [column for column, _weight in index_columns(kind)]
    listed = ", ".join(_quote(name) for name in names)

    def values(row):
        return ", ".join(f"{row}.{_quote(name)}" for name in names)

    insert = (
        f"INSERT INTO {_quote(index)}(rowid, {listed}) "
        f"VALUES (new.{pk}, {values('new')});"
    )
    delete = (
        f"INSERT INTO {_quote(index)}({_quote(index)}, rowid, {listed}) "
        f"VALUES ('delete', old.{pk}, {values('old')});"
    )
    body = {"ai": ("INSERT", insert), "ad": ("DELETE", delete)}
    body["au"] = ("UPDATE", delete + " " + insert)
    return {
        f"{index}_{suffix}": (
            f"CREATE TRIGGER {_quote(f'{index}_{suffix}')} AFTER {event} ON "
            f"{_quote(table)} BEGIN {statements} END"
        )
        for suffix, (event, statements) in body.items()
    }


def ensure_indexes(using="default"):
    """Create the FTS5 indexes and their triggers where missing or out of date,
    and rebuild (one statement per index) each one that was. Returns the names of
    the indexes rebuilt."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master")
        existing = dict(cursor.fetchall())
        tables = connection.introspection.table_names(cursor)
        for kind in KINDS:
            if kind.model._meta.db_table not in tables:
                continue
            index, wanted = index_name(kind.model), _index_sql(kind)
            triggers = _trigger_sql(kind)
            stale = existing.get(index) != wanted or any(
                existing.get(name) != sql for name, sql in triggers.items()
            )
            if not stale:
                continue
            for name in triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_quote(name)}")
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(index)}")
            cursor.execute(wanted)
            for sql in triggers.values():
                cursor.execute(sql)
            cursor.execute(
                f"INSERT INTO {_quote(index)}({_quote(index)}) VALUES ('rebuild')"
            )
            rebuilt.append(index)
    return rebuilt


# The query --------------------------------------------------------------------------


def _word(term, *, prefix=True):
    # Words hold only letters, digits and hyphens (see `query`), so quoting makes
    # each a plain string: never FTS5 syntax. A hyphenated word is a phrase.
    quoted = f'"{term.text}"'
    return quoted + "*" if prefix and term.prefix else quoted


def expression(alternatives, column_names, *, prefix=True, phrase=False):
    """An FTS5 query: any of `alternatives` (all words of one) in `column_names`."""
    rendered = []
    for alternative in alternatives:
        if phrase:
            words = '"' + " ".join(term.text for term in alternative.terms) + '"'
        else:
            words = " AND ".join(
                _word(term, prefix=prefix) for term in alternative.terms
            )
        rendered.append(f"({words})")
    columns_set = " ".join(_quote(name) for name in column_names)
    return "{" + columns_set + "} : (" + " OR ".join(rendered) + ")"


def searched_columns(kind, fields, plain, languages):
    """The index columns of `fields` (translated) in `languages`, and `plain`."""
    names = set(columns(fields, languages)) | set(plain)
    return [column for column, _weight in index_columns(kind) if column in names]


def _matching(kind, query):
    index = _quote(index_name(kind.model))
    return RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", [query])


def text_match(kind, alternatives, fields, plain, languages, **options):
    """Records of `kind` with any of `alternatives` in those fields."""
    names = searched_columns(kind, fields, plain, languages)
    query = expression(alternatives, names, **options)
    return Q(pk__in=_matching(kind, query))


def relevances(kinds, queries, languages, using):
    """For each of `kinds`: (bm25() over the reader's columns for each of
    `queries` (lists of alternatives), higher is better; the records it is
    computed for).

    FTS5 ranks every match in one pass over its index; one statement does it for
    every kind and query, so a search costs one however many kinds it ranks. The
    best RANKED of each carry their score into the kind's query, the others 0
    (they still rank by the terms they hold and the bonuses). Scoring each row in
    a subquery of its own would repeat the full-text query once per matching row.
    """
    if not kinds:
        return []
    selects, params = [], []
    for number, kind in enumerate(kinds):
        plain = [name for names in kind.plain.values() for name in names]
        names = searched_columns(kind, kind.translated_fields(), plain, languages)
        index = _quote(index_name(kind.model))
        weights = ", ".join(str(COLUMN_WEIGHTS[w]) for _c, w in index_columns(kind))
        best = (
            f"SELECT * FROM (SELECT %s, %s, rowid, -bm25({index}, {weights}) "
            f"FROM {index} WHERE {index} MATCH %s "
            f"ORDER BY bm25({index}, {weights}) LIMIT {RANKED})"
        )
        for position, alternatives in enumerate(queries):
            selects.append(best)
            params += [number, position, expression(alternatives, names)]
    with connections[using].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    return [
        _scored([row[1:] for row in rows if row[0] == number], len(queries))
        for number in range(len(kinds))
    ]


def _scored(rows, queries):
    """(a score per query that found records, the records scored) from `rows`
    of (the query's position among `queries` of them, pk, score)."""
    scores = [
        Case(
            *(
                When(pk=pk, then=Value(score))
                for at, pk, score in rows
                if at == position
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
        for position in range(queries)
        if any(at == position for at, _pk, _score in rows)
    ]
    return scores, Q(pk__in=sorted({pk for _at, pk, _score in rows}))


def relevance(kind, queries, languages, using, candidates=None):
    """`kind`'s relevance alone (see `relevances`). (`candidates`, the best
    records by everything else, is not needed: FTS5 finds its own best.)"""
    return relevances([kind], queries, languages, using)[0]


def snippets(wanted, alternatives, languages, marks, using):
    """kind key -> pk -> {field: snippet() of the field around `alternatives`, the
    matches between `marks`}, in the first of the reader's languages where they
    match, for each (kind, pks, fields) of `wanted` (one per kind).

    One statement for every kind: a select per index, its snippets padded with
    NULL to the widest, so the snippets of a whole page cost one query.
    """
    wanted = [(kind, pks, fields) for kind, pks, fields in wanted if pks and fields]
    if not wanted:
        return {}
    start, end = marks
    # (field, column) of each snippet a kind's select reads.
    read = [
        [(field, f"{field}_{language}") for field in fields for language in languages]
        for _kind, _pks, fields in wanted
    ]
    width = max(len(names) for names in read)
    selects, params = [], []
    for number, ((kind, pks, _fields), names) in enumerate(
        zip(wanted, read, strict=True)
    ):
        index = _quote(index_name(kind.model))
        positions = {column: i for i, (column, _w) in enumerate(index_columns(kind))}
        calls = [
            f"snippet({index}, {positions[name]}, %s, %s, '…', {SNIPPET_TOKENS})"
            for _field, name in names
        ] + ["NULL"] * (width - len(names))
        every = [column for column, _weight in index_columns(kind)]
        placeholders = ", ".join("%s" for _pk in pks)
        selects.append(
            f"SELECT %s, rowid, {', '.join(calls)} FROM {index} "
            f"WHERE {index} MATCH %s AND rowid IN ({placeholders})"
        )
        query = expression(alternatives, every, prefix=False)
        params += [number, *[start, end] * len(names), query, *pks]
    with connections[using].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    found = {kind.key: {} for kind, _pks, _fields in wanted}
    for number, pk, *texts in rows:
        names = read[number]
        shown = {}
        for (field, _name), text in zip(names, texts[: len(names)], strict=True):
            if field not in shown and text and start in text:
                shown[field] = text
        found[wanted[number][0].key][pk] = shown
    return found


# The index holds stems ("smuggl"): a misspelt word is compared with them as
# such (see `spelling.closest`), then written as records have it.
STEMMED = True
SURFACE_SAMPLES = 5


def _vocabularies(cursor, kinds):
    """The `fts5vocab` table of each kind's index (temporary: per connection)."""
    names = [(kind, f"{index_name(kind.model)}_terms") for kind in kinds]
    cursor.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'")
    existing = {name for (name,) in cursor.fetchall()}
    for kind, name in names:
        if name not in existing:
            cursor.execute(
                f"CREATE VIRTUAL TABLE temp.{_quote(name)} "
                f"USING fts5vocab(main, {_quote(index_name(kind.model))}, 'col')"
            )
    return names


def spelling_candidates(word, kinds, languages, using):
    """(term, number of records) of the terms starting with `word`'s first
    letter in the reader's columns, from each index's vocabulary (`fts5vocab`)."""
    selects, params = [], []
    with connections[using].cursor() as cursor:
        for kind, vocab in _vocabularies(cursor, kinds):
            names = searched_columns(kind, kind.translated_fields(), (), languages)
            selects.append(
                f"SELECT term, doc FROM temp.{_quote(vocab)} "
                f"WHERE term >= %s AND term < %s "
                f"AND col IN ({', '.join('%s' for _name in names)})"
            )
            params += [word[:1], word[:1] + "\U0010ffff", *names]
        cursor.execute(
            "SELECT term, SUM(doc) FROM (" + " UNION ALL ".join(selects) + ") "
            "GROUP BY term",
            params,
        )
        return cursor.fetchall()


def surface_forms(term, kinds, languages, using):
    """Words as records write them, in the reader's columns, that the index holds
    as `term` (a stem) or as a longer term starting with it."""
    selects, params = [], []
    for kind in kinds:
        index = _quote(index_name(kind.model))
        names = searched_columns(kind, kind.translated_fields(), (), languages)
        columns_set = " ".join(_quote(name) for name in names)
        selects.append(
            f"SELECT * FROM (SELECT snippet({index}, -1, %s, %s, '', 1) "
            f"FROM {index} WHERE {index} MATCH %s LIMIT {SURFACE_SAMPLES})"
        )
        query = "{" + columns_set + '} : "' + term + '"*'
        params += [MARK_START, MARK_END, query]
    with connections[using].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return {
            text.split(MARK_START, 1)[1].split(MARK_END, 1)[0].lower()
            for (text,) in cursor.fetchall()
            if MARK_START in text
        }
