"""Publication, access and review: who may see a record, and when it is due."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from programmes.models import PublicationStatus, Tool
from tests import factories

pytestmark = pytest.mark.django_db


def test_visible_to_hides_drafts_from_everyone_and_restricted_from_non_members(
    member, outsider
):
    factories.make_tool(name="Public tool")
    factories.make_tool(name="Member tool", access="restricted")
    factories.make_tool(name="Draft tool", publication_status=PublicationStatus.DRAFT)

    def names(user):
        return sorted(Tool.objects.visible_to(user).values_list("name", flat=True))

    assert names(AnonymousUser()) == ["Public tool"]
    assert names(outsider) == ["Public tool"]
    assert names(member) == ["Member tool", "Public tool"]


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
