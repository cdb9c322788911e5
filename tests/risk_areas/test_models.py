import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risk_areas.models import RiskArea
from tests import factories

pytestmark = pytest.mark.django_db


def test_risk_area_names_are_unique_regardless_of_case():
    factories.make_risk_area(name="Revenue", slug="revenue")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_risk_area(name="REVENUE", slug="revenue-2")


def test_risk_area_duplicate_name_is_reported_by_full_clean():
    factories.make_risk_area(name="Revenue", slug="revenue")

    with pytest.raises(ValidationError):
        RiskArea(name="revenue", slug="revenue-2").full_clean()


def test_risk_area_natural_key_is_its_slug():
    area = factories.make_risk_area(name="Drugs", slug="drugs")

    assert area.natural_key() == ("drugs",)
    assert RiskArea.objects.get_by_natural_key("drugs") == area
