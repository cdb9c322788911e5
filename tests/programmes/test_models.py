import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Programme, PublicationStatus, Tool
from risk_areas.models import SlugHistory
from risk_areas.slugs import resolve_old_slugs
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


def test_visible_to_hides_drafts_from_everyone_and_restricted_from_non_members(
    member, outsider
):
    from django.contrib.auth.models import AnonymousUser

    factories.make_tool(name="Public tool")
    factories.make_tool(name="Member tool", access="restricted")
    factories.make_tool(name="Draft tool", publication_status=PublicationStatus.DRAFT)

    def names(user):
        return sorted(Tool.objects.visible_to(user).values_list("name", flat=True))

    assert names(AnonymousUser()) == ["Public tool"]
    assert names(outsider) == ["Public tool"]
    assert names(member) == ["Member tool", "Public tool"]


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


def test_due_for_review_lists_records_never_or_long_ago_reviewed(settings):
    settings.REVIEW_INTERVAL_DAYS = 30
    today = datetime.date(2026, 11, 22)
    factories.make_tool(name="Fresh", last_reviewed=today - datetime.timedelta(days=3))
    factories.make_tool(name="Stale", last_reviewed=today - datetime.timedelta(days=90))
    factories.make_tool(name="Never")

    due = Tool.objects.due_for_review(today=today)

    assert sorted(due.values_list("name", flat=True)) == ["Never", "Stale"]


def test_publish_records_when_and_by_whom(django_user_model):
    editor = django_user_model.objects.create_user("editor")
    tool = factories.make_tool(
        name="Draft tool", publication_status=PublicationStatus.DRAFT
    )

    tool.publish(editor)
    tool.save()

    tool.refresh_from_db()
    assert tool.is_published
    assert tool.published_by == editor
    assert tool.published_at is not None


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
