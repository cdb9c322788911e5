import datetime

import pytest
from django.core.management.sql import emit_post_migrate_signal

from programmes.models import Programme, Tool
from tests import factories

from .queries import found, postgresql_only

pytestmark = pytest.mark.django_db


@postgresql_only
def test_stored_search_vector_is_filled_on_save():
    programme = factories.make_programme("Ivory Programme", summary="Elephant ivory.")

    programme.refresh_from_db()

    assert "'ivori'" in programme.search_vector


@postgresql_only
def test_stored_search_vector_follows_threat_links_and_edits():
    area = factories.make_risk_area("Environment")
    threat = factories.make_threat("Sea products", risk_area=area, keywords="abalone")
    programme = factories.make_programme("Green Programme")
    tool = factories.make_tool("Operation Thunder")

    programme.threats.add(threat)
    threat.tools.add(tool)
    assert found("abalone") == ["green-programme"]
    assert found("abalone", Tool) == ["operation-thunder"]

    threat.keywords = "caviar"
    threat.save()
    assert found("abalone") == []
    assert found("caviar") == ["green-programme"]

    threat.programmes.remove(programme)
    assert found("caviar") == []
    assert found("caviar", Tool) == ["operation-thunder"]


@postgresql_only
def test_stored_search_vector_of_a_successor_follows_its_predecessors():
    successor = factories.make_programme("Passenger and Cargo Control Programme")
    predecessor = factories.make_programme("Harbour Scanning Project")

    predecessor.status = "merged"
    predecessor.successor = successor
    predecessor.merged_on = datetime.date(2024, 4, 1)
    predecessor.save()

    assert successor.slug in found("harbour scanning")


@postgresql_only
def test_stored_search_vector_of_a_successor_forgets_a_former_predecessor():
    first = factories.make_programme("Passenger and Cargo Control Programme")
    second = factories.make_programme("Border Programme")
    predecessor = factories.make_merged_programme(
        "Harbour Scanning Project",
        successor=first,
    )

    predecessor.successor = second
    predecessor.save()

    assert found("harbour scanning") == [predecessor.slug, second.slug]
    predecessor.delete()
    assert found("harbour scanning") == []


@postgresql_only
def test_migrate_fills_missing_search_vectors():
    factories.make_programme("Ivory Programme")
    Programme.objects.update(search_vector=None)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert found("ivory") == ["ivory-programme"]
