import pytest
from django.db import connection
from django.utils import translation

from programmes.models import Programme, Tool
from programmes.search import refresh_search_vectors
from tests import factories

from .queries import found, postgresql_only

pytestmark = pytest.mark.django_db


@postgresql_only
def test_refresh_search_vectors_recomputes_every_record():
    factories.make_programme("Ivory Programme")
    factories.make_tool("Ivory Tool")
    Programme.objects.update(search_vector=None)
    Tool.objects.update(search_vector=None)

    updated = refresh_search_vectors()

    assert updated == 2
    assert found("ivory") == ["ivory-programme"]
    assert found("ivory", Tool) == ["ivory-tool"]


@postgresql_only
def test_stored_search_vectors_have_gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [["programmes_programme_search_gin", "programmes_tool_search_gin"]],
        )
        indexes = dict(cursor.fetchall())

    assert len(indexes) == 2
    assert all(
        "USING gin (search_vector)" in definition for definition in indexes.values()
    )


@postgresql_only
def test_search_uses_each_languages_stemming():
    factories.make_programme(
        "Health Programme",
        summary="Falsified medicines.",
        summary_fr="Médicaments falsifiés.",
    )

    assert found("medicine") == ["health-programme"]
    with translation.override("fr"):
        assert found("médicament") == ["health-programme"]


def test_refresh_search_vectors_does_nothing_without_postgresql():
    factories.make_programme("Ivory Programme")

    if connection.vendor == "postgresql":
        assert refresh_search_vectors() == 1
    else:
        assert refresh_search_vectors() == 0
        assert Programme.objects.get().search_vector is None
