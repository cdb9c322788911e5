import pytest
from django.db import connection

from programmes.models import Tool
from tests.factories import make_programme, make_tool

from .queries import found

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor == "postgresql", reason="PostgreSQL has its own backend"
    ),
]


def test_fallback_ignores_accents():
    make_programme("Health Programme", summary="Médicaments falsifiés.")

    assert found("medicaments") == ["health-programme"]


def test_fallback_finds_other_endings_of_a_word():
    make_tool("Seizure guide", summary="Recording seizures at the border.")

    assert found("seizing", Tool) == ["seizure-guide"]


def test_fallback_matches_whole_words_only():
    make_programme("Safety Programme")

    assert found("SAFE programme") == []
