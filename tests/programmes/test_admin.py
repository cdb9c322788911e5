import datetime

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from programmes.models import Partner, PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    revenue = factories.make_risk_area(name="Revenue")
    component = factories.make_component(name="Tools")
    partner = factories.make_partner(name="UNODC")
    threat = factories.make_threat(name="Undervaluation", risk_area=revenue)
    programme = factories.make_programme(
        name="Revenue Programme",
        risk_areas=[revenue],
        partners=[partner],
        threats=[threat],
    )
    tool = factories.make_tool(
        name="Revenue Package",
        kind="guidance",
        risk_areas=[revenue],
        components=[component],
        programmes=[programme],
    )
    return {"programme": programme, "tool": tool, "risk_area": revenue}


def test_every_registered_model_has_working_admin_pages(admin_client, catalogue):
    for model in site._registry:
        if model._meta.app_label not in {"programmes", "risk_areas"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        add = admin_client.get(reverse("admin:{}_{}_add".format(*info)))
        search = admin_client.get(
            reverse("admin:{}_{}_changelist".format(*info)), {"q": "rev"}
        )

        assert changelist.status_code == 200, model
        assert search.status_code == 200, model
        assert add.status_code in {200, 403}, model  # slug history is read-only


def test_programme_change_page_shows_translations_side_by_side(admin_client, catalogue):
    url = reverse("admin:programmes_programme_change", args=[catalogue["programme"].pk])

    response = admin_client.get(url)

    content = response.content.decode()
    assert 'name="name_en"' in content
    assert 'name="name_fr"' in content
    assert 'name="coverage-0-risk_area"' in content
    assert 'name="loaded_version"' in content  # guards against lost edits


def test_publish_action_records_when_and_by_whom(admin_client, admin_user, catalogue):
    draft = factories.make_tool(
        name="Draft tool", publication_status=PublicationStatus.DRAFT
    )

    admin_client.post(
        reverse("admin:programmes_tool_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_by == admin_user
    assert draft.published_at is not None


def test_mark_reviewed_action_sets_todays_date(admin_client, catalogue):
    programme = catalogue["programme"]

    admin_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "mark_reviewed", "_selected_action": [programme.pk]},
    )

    programme.refresh_from_db()
    assert programme.last_reviewed == timezone.localdate()


def test_changelist_lists_records_due_for_review(admin_client, settings, catalogue):
    settings.REVIEW_INTERVAL_DAYS = 30
    stale = catalogue["tool"]
    stale.last_reviewed = timezone.localdate() - datetime.timedelta(days=400)
    stale.save()
    factories.make_tool(name="Fresh tool", last_reviewed=timezone.localdate())

    response = admin_client.get(
        reverse("admin:programmes_tool_changelist"), {"review": "due"}
    )

    names = [tool.name for tool in response.context["cl"].result_list]
    assert names == ["Revenue Package"]


def test_view_on_site_opens_the_preview_page(admin_client, catalogue):
    url = reverse("admin:programmes_programme_change", args=[catalogue["programme"].pk])

    response = admin_client.get(url)

    preview = reverse(
        "programmes:programme-preview", kwargs={"slug": "revenue-programme"}
    )
    assert f'href="{preview}"' in response.content.decode()


def _change_form_data(response):
    """The POST data of an admin change form as it was rendered (no inlines)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = value
    return data


def test_admin_keeps_an_edit_saved_meanwhile_by_someone_else(admin_client):
    partner = factories.make_partner(name="UNODC", description="Original text.")
    url = reverse("admin:programmes_partner_change", args=[partner.pk])
    mine = _change_form_data(admin_client.get(url))
    theirs = Partner.objects.get(pk=partner.pk)
    theirs.description_en = "Their text."
    theirs.save()

    mine["description_en"] = "My text."
    response = admin_client.post(url, mine)

    partner.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert partner.description_en == "Their text."
    assert "My text." in response.content.decode()  # the editor's input is kept


def test_admin_saves_again_after_the_editor_has_seen_the_conflict(admin_client):
    partner = factories.make_partner(name="UNODC", description="Original text.")
    url = reverse("admin:programmes_partner_change", args=[partner.pk])
    mine = _change_form_data(admin_client.get(url))
    Partner.objects.filter(pk=partner.pk).update(
        description_en="Their text.", updated=timezone.now()
    )
    mine["description_en"] = "My text."
    conflict = admin_client.post(url, mine)

    response = admin_client.post(url, _change_form_data(conflict))

    partner.refresh_from_db()
    assert response.status_code == 302
    assert partner.description_en == "My text."


def test_admin_saves_an_unchallenged_edit(admin_client, catalogue):
    url = reverse("admin:programmes_partner_change", args=[Partner.objects.get().pk])
    data = _change_form_data(admin_client.get(url))
    data["description_en"] = "New text."

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert Partner.objects.get().description_en == "New text."
