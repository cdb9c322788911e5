import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db


def test_programme_merged_without_successor_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_programme(name="Container Control Programme", status="merged")


def test_programme_merged_without_successor_is_reported_by_full_clean():
    programme = Programme(
        name="Container Control Programme",
        slug="container-control-programme",
        status="merged",
        source_url="https://www.wcoomd.org/",
    )

    with pytest.raises(ValidationError):
        programme.full_clean()


def test_programme_merged_needs_a_date():
    successor = factories.make_programme(name="Passenger and Cargo Control Programme")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_programme(
            name="Airport Communication Project", status="merged", successor=successor
        )


def test_programme_cannot_be_its_own_successor():
    programme = factories.make_programme(name="Passenger and Cargo Control Programme")
    programme.status = "merged"
    programme.successor = programme
    programme.merged_on = datetime.date(2024, 4, 1)

    with pytest.raises(IntegrityError), transaction.atomic():
        programme.save()


def test_programme_active_cannot_have_a_successor():
    successor = factories.make_programme(name="Passenger and Cargo Control Programme")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_programme(
            name="Container Control Programme", successor=successor
        )


def test_programme_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_programme(
            name="Revenue Programme", start_year=2020, end_year=2019
        )


def test_merged_programme_lists_as_predecessor_of_its_successor():
    pccp = factories.make_programme(name="Passenger and Cargo Control Programme")
    factories.make_programme(
        name="Container Control Programme",
        status="merged",
        successor=pccp,
        merged_on=datetime.date(2024, 4, 1),
    )

    assert [p.name for p in pccp.predecessors.all()] == ["Container Control Programme"]


def test_programme_coverage_is_unique_per_risk_area():
    from tests.factories import make_risk_area

    drugs = make_risk_area(name="Drugs")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_programme(
            name="Drugs and Precursors Programme",
            risk_areas=[drugs],
            supporting=[drugs],
        )


def test_sources_lists_the_source_then_additional_ones():
    tool = factories.make_tool(
        name="CEN",
        source_url="https://example.org/a",
        additional_sources="https://example.org/b\n\n https://example.org/c ",
    )

    assert tool.sources == [
        "https://example.org/a",
        "https://example.org/b",
        "https://example.org/c",
    ]
