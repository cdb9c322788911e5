import pytest
from django.db import connection

from programmes.models import Tool
from tests import factories

from .queries import found

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor == "postgresql", reason="PostgreSQL has its own backend"
    ),
]


def test_fallback_ignores_accents():
    factories.make_programme("Health Programme", summary="Médicaments falsifiés.")

    assert found("medicaments") == ["health-programme"]


def test_fallback_finds_other_endings_of_a_word():
    factories.make_tool("Seizure guide", summary="Recording seizures at the border.")

    assert found("seizing", Tool) == ["seizure-guide"]


def test_fallback_matches_whole_words_only():
    factories.make_programme("Safety Programme")

    assert found("SAFE programme") == []
