"""Slug history: an old slug keeps leading to its record until it is reused."""

import pytest

from programmes.models import Tool
from risk_areas.models import SlugHistory
from risk_areas.slugs import resolve_old_slugs
from tests import factories

pytestmark = pytest.mark.django_db


def test_changing_a_slug_records_the_old_one():
    tool = factories.make_tool(name="Customs Enforcement Network", slug="cen")

    tool.slug = "customs-enforcement-network"
    tool.save()

    assert resolve_old_slugs(Tool.objects.all(), ["cen"]).get("cen") == tool
    assert SlugHistory.objects.filter(slug="cen").count() == 1


def test_reusing_an_old_slug_drops_its_redirect():
    tool = factories.make_tool(name="Customs Enforcement Network", slug="cen")
    tool.slug = "customs-enforcement-network"
    tool.save()

    tool.slug = "cen"
    tool.save()

    assert resolve_old_slugs(Tool.objects.all(), ["cen"]).get("cen") is None
    assert (
        resolve_old_slugs(Tool.objects.all(), ["customs-enforcement-network"]).get(
            "customs-enforcement-network"
        )
        == tool
    )
