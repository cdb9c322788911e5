"""What the search tests share: the hostile queries every entry point must answer,
and the records a query finds."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from programmes.models import Programme
from programmes.search import search_queryset

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL full-text search"
)

SYNTAX_CHARACTERS = ["&", "|", "!", ":", "*", "(", ")", "<", ">", "\\", "'"]
BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "ivory " * 2_000,
    *SYNTAX_CHARACTERS,
    "".join(SYNTAX_CHARACTERS),
    "fake & (medicines | !ivory):* <-> 'x' \\",
    "\x00",
    "ivory\x00timber",
    "أدوية مزيفة",
    "контрафактные лекарства",
    "中文",
    "😀",
    "-",
    "--ivory--",
    "%_%",
    "'; DROP TABLE programmes_programme; --",
    '"ivory"',
    "C.E.N.",
    "\u202e\u200bivory",
]


def slugs(queryset):
    return [record.slug for record in queryset]


def anonymous():
    return AnonymousUser()


def found(q, model=Programme, user=None):
    return slugs(search_queryset(model.objects.visible_to(user or anonymous()), q))
