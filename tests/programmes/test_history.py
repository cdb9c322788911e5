"""Every change to catalogue content is recorded, shown as a diff, and restorable."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from programmes.models import (
    Programme,
    ProgrammeCoverage,
    PublicationStatus,
    Tool,
    ToolCoverage,
)
from risk_areas.history import recorded_as
from risk_areas.models import RiskArea
from risk_areas.versions import restore_version
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tool():
    revenue = factories.make_risk_area(name="Revenue")
    return factories.make_tool(
        name="Revenue Package",
        kind="guidance",
        risk_areas=[revenue],
        components=[factories.make_component(name="Tools")],
        threats=[factories.make_threat(name="Undervaluation", risk_area=revenue)],
    )


def change_form_data(admin_client, record):
    """The change form's fields as an editor's browser would send them."""
    admin = reverse(
        f"admin:programmes_{record._meta.model_name}_change", args=[record.pk]
    )
    form = admin_client.get(admin).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = field.widget.format_value(value) or ""
    formset = admin_client.get(admin).context["inline_admin_formsets"][0].formset
    prefix = formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{prefix}-INITIAL_FORMS": str(len(formset.forms)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, inline in enumerate(formset.forms):
        for name in inline.fields:
            value = inline[name].value()
            if value not in (None, ""):
                data[f"{prefix}-{index}-{name}"] = str(value)
    return admin, data


def history_url(record):
    info = record._meta.app_label, record._meta.model_name
    return reverse("admin:{}_{}_history".format(*info), args=[record.pk])


def restore_url(record, version):
    info = record._meta.app_label, record._meta.model_name
    return reverse(
        "admin:{}_{}_restore".format(*info), args=[record.pk, version.history_id]
    )


def test_history_keeps_every_language_of_a_translated_field(tool):
    tool.name_fr = "Paquet recettes"
    tool.save()

    assert tool.history.first().name_fr == "Paquet recettes"
    assert tool.history.last().name_fr in (None, "")


def test_change_form_save_is_one_version_by_the_editor_with_its_links(
    admin_client, admin_user, tool
):
    partner = factories.make_partner(name="UNODC")
    url, data = change_form_data(admin_client, tool)
    data["summary_en"] = "A new summary."
    data["partners"] = [str(partner.pk)]
    before = tool.history.count()

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert tool.history.count() == before + 1
    version = tool.history.first()
    assert version.history_user == admin_user
    assert version.summary_en == "A new summary."
    assert [row.partner_id for row in version.partners.all()] == [partner.pk]


def test_links_changed_from_the_other_side_are_recorded_on_the_record(tool):
    partner = factories.make_partner(name="UNODC")

    partner.tools.add(tool)

    version = tool.history.first()
    assert [row.partner_id for row in version.partners.all()] == [partner.pk]


def test_bulk_actions_record_each_record_with_the_action_as_reason(
    admin_client, admin_user
):
    drafts = [factories.make_tool(name=f"Draft {n}", **factories.DRAFT) for n in (1, 2)]

    admin_client.post(
        reverse("admin:programmes_tool_changelist"),
        {"action": "publish", "_selected_action": [d.pk for d in drafts]},
    )
    admin_client.post(
        reverse("admin:programmes_tool_changelist"),
        {"action": "mark_reviewed", "_selected_action": [drafts[0].pk]},
    )

    for draft in drafts:
        published = draft.history.filter(
            history_change_reason="Admin action: Publish selected records"
        ).get()
        assert published.history_user == admin_user
        assert published.publication_status == PublicationStatus.PUBLISHED
    reviewed = drafts[0].history.first()
    assert reviewed.history_change_reason == (
        "Admin action: Mark selected records as reviewed today"
    )
    assert reviewed.last_reviewed == timezone.localdate()


def test_return_to_draft_action_is_recorded(admin_client, tool):
    admin_client.post(
        reverse("admin:programmes_tool_changelist"),
        {"action": "unpublish", "_selected_action": [tool.pk]},
    )

    version = tool.history.first()
    assert version.publication_status == PublicationStatus.DRAFT
    assert version.history_change_reason == (
        "Admin action: Return selected records to draft"
    )


def test_list_editable_save_is_recorded_with_the_editor(admin_client, admin_user):
    area = factories.make_risk_area(name="Drugs", order=3)
    changelist = reverse("admin:risk_areas_riskarea_changelist")

    response = admin_client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(area.pk),
            "form-0-order": "7",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    version = area.history.first()
    assert version.order == 7
    assert version.history_user == admin_user


def test_load_catalogue_is_recorded_with_no_user_and_a_reason_naming_the_files():
    call_command("load_catalogue", "risk_areas.json", verbosity=0)

    version = RiskArea.objects.get(slug="drugs").history.get()
    assert version.history_user is None
    assert version.history_change_reason == (
        "Loaded from risk_areas.json by load_catalogue"
    )
    assert version.history_type == "+"


def test_history_page_shows_who_when_and_what_changed_field_by_field(
    admin_client, admin_user, tool
):
    partner = factories.make_partner(name="INTERPOL")
    with recorded_as("Fixing the name", admin_user):
        tool.name_en = "Revenue Package 2"
        tool.kind = "standard"
        tool.save()
        tool.partners.add(partner)

    response = admin_client.get(history_url(tool))

    assert response.status_code == 200
    newest = response.context["entries"][0]
    changes = {change.label: (change.old, change.new) for change in newest.changes}
    assert changes["Name [en]"] == ("Revenue Package", "Revenue Package 2")
    assert changes["Kind"] == ("Guidance", "Standard")
    assert changes["Partners"] == ("—", "INTERPOL")
    content = response.content.decode()
    assert "Fixing the name" in content
    assert admin_user.get_username() in content
    assert "Restore this version" in content


def test_history_page_escapes_stored_markup(admin_client, tool):
    tool.name_en = "<script>alert(1)</script>"
    tool.save()

    content = admin_client.get(history_url(tool)).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_restore_brings_back_fields_links_and_coverage_and_is_recorded(
    admin_client, admin_user, tool
):
    original = tool.history.first()
    security = factories.make_risk_area(name="Security")
    with recorded_as("Rework"):
        tool.name_en = "Renamed"
        tool.name_fr = "Renommé"
        tool.save()
        tool.threats.clear()
        tool.components.add(factories.make_component(name="Partnerships"))
    coverage = tool.coverage.get()
    coverage.level = "supporting"
    coverage.save()
    ToolCoverage.objects.create(tool=tool, risk_area=security)

    response = admin_client.post(restore_url(tool, original))

    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.name_en == "Revenue Package"
    assert tool.name_fr in (None, "")
    assert [t.name for t in tool.threats.all()] == ["Undervaluation"]
    assert [c.name for c in tool.components.all()] == ["Tools"]
    assert [(c.risk_area.name, c.level) for c in tool.coverage.all()] == [
        ("Revenue", "primary")
    ]
    restored = tool.history.first()
    assert restored.history_user == admin_user
    assert restored.history_change_reason.startswith("Restored version of ")
    assert restored.history_change_reason.endswith(f"(#{original.history_id})")


def test_restore_of_an_old_slug_keeps_every_address_answering(admin_client, tool):
    original = tool.history.first()
    tool.slug = "revenue-package-renamed"
    tool.save()

    admin_client.post(restore_url(tool, original))

    tool.refresh_from_db()
    assert tool.slug == "revenue-package"
    renamed = admin_client.get(
        reverse("programmes:tool-detail", kwargs={"slug": "revenue-package-renamed"})
    )
    assert renamed.status_code == 301
    assert renamed["Location"].endswith("/tools/revenue-package/")
    current = admin_client.get(
        reverse("programmes:tool-detail", kwargs={"slug": "revenue-package"})
    )
    assert current.status_code == 200


def test_restore_refused_with_a_message_when_the_old_slug_is_taken(admin_client, tool):
    original = tool.history.first()
    tool.slug = "revenue-package-2"
    tool.save()
    factories.make_tool(name="Other", slug="revenue-package")

    response = admin_client.post(restore_url(tool, original), follow=True)

    assert response.status_code == 200
    assert "cannot be restored" in response.content.decode()
    tool.refresh_from_db()
    assert tool.slug == "revenue-package-2"


def test_user_without_change_permission_cannot_restore(client, django_user_model, tool):
    original = tool.history.first()
    tool.name_en = "Renamed"
    tool.save()
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(
            codename="view_tool", content_type__app_label="programmes"
        )
    )
    client.force_login(viewer)
    versions = tool.history.count()

    page = client.get(history_url(tool))
    response = client.post(restore_url(tool, original))

    assert page.status_code == 200
    assert "Restore this version" not in page.content.decode()
    assert response.status_code == 403
    tool.refresh_from_db()
    assert tool.name_en == "Renamed"
    assert tool.history.count() == versions


def test_get_to_restore_url_changes_nothing(admin_client, tool):
    original = tool.history.first()
    tool.name_en = "Renamed"
    tool.save()
    versions = tool.history.count()

    response = admin_client.get(restore_url(tool, original))

    assert response.status_code == 405
    tool.refresh_from_db()
    assert tool.name_en == "Renamed"
    assert tool.history.count() == versions


def test_history_of_a_draft_is_not_on_the_public_site(client, tool):
    tool.name_en = "Secret plan"
    tool.publication_status = PublicationStatus.DRAFT
    tool.save()

    listing = client.get(reverse("programmes:tool-list")).content.decode()
    admin_page = client.get(history_url(tool))

    assert "Secret plan" not in listing
    assert "Revenue Package" not in listing  # its published version is history
    assert admin_page.status_code == 302  # to the admin's sign-in page


def test_restore_of_a_programme_brings_back_its_coverage(admin_user):
    revenue = factories.make_risk_area(name="Revenue")
    drugs = factories.make_risk_area(name="Drugs")
    programme = factories.make_programme(name="Revenue Programme")
    with recorded_as("Coverage added"):
        programme.save()
        ProgrammeCoverage.objects.create(programme=programme, risk_area=revenue)
    covered = programme.history.first()
    with recorded_as("Coverage moved"):
        programme.save()
        programme.coverage.all().delete()
        ProgrammeCoverage.objects.create(programme=programme, risk_area=drugs)

    restore_version(covered, admin_user)

    assert [c.risk_area for c in Programme.objects.get().coverage.all()] == [revenue]
    assert Tool.objects.count() == 0


def test_every_catalogue_admin_has_a_working_history_page(admin_client, tool):
    factories.make_partner(name="UNODC")
    drugs = factories.make_risk_area(name="Drugs")
    factories.make_programme(
        name="Revenue Programme", risk_areas=[tool.risk_areas.get(), drugs]
    )
    ProgrammeCoverage.objects.get(risk_area=drugs).delete()  # a deleted link
    checked = 0
    for model in site._registry:
        if not hasattr(model, "history"):
            continue
        record = model.objects.first()
        record.save()  # a second version, so the page has a diff and a restore

        response = admin_client.get(history_url(record))
        deleted_page = admin_client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_deleted")
        )

        assert response.status_code == 200, model
        assert "Restore this version" in response.content.decode(), model
        assert deleted_page.status_code == 200, model
        checked += 1
    assert checked == 8


def test_deleted_record_is_listed_and_recovered_with_its_links(admin_client, tool):
    tool_id = tool.pk
    with recorded_as("Linked"):
        tool.save()
        tool.partners.add(factories.make_partner(name="UNODC"))
    tool.delete()
    changelist = admin_client.get(reverse("admin:programmes_tool_changelist"))
    deleted_url = reverse("admin:programmes_tool_deleted")
    deleted = admin_client.get(deleted_url)
    deletion = Tool.history.get(id=tool_id, history_type="-")

    response = admin_client.post(
        reverse("admin:programmes_tool_recover", args=[deletion.history_id])
    )

    assert deleted_url in changelist.content.decode()
    assert "Revenue Package" in deleted.content.decode()
    assert response.status_code == 302
    recovered = Tool.objects.get(pk=tool_id)
    assert recovered.name_en == "Revenue Package"
    assert [p.name for p in recovered.partners.all()] == ["UNODC"]
    assert [t.name for t in recovered.threats.all()] == ["Undervaluation"]
    assert [c.risk_area.name for c in recovered.coverage.all()] == ["Revenue"]
    assert recovered.history.first().history_change_reason.startswith("Restored")
    assert admin_client.get(deleted_url).context["versions"] == []


def test_restoring_the_deletion_version_of_a_recovered_record_keeps_its_links(
    admin_user, tool
):
    tool_id = tool.pk
    tool.delete()
    deletion = Tool.history.get(id=tool_id, history_type="-")
    restore_version(deletion, admin_user)

    restore_version(deletion, admin_user)

    recovered = Tool.objects.get(pk=tool_id)
    assert [t.name for t in recovered.threats.all()] == ["Undervaluation"]
    assert [c.risk_area.name for c in recovered.coverage.all()] == ["Revenue"]


def test_user_without_add_permission_cannot_recover(client, django_user_model, tool):
    tool_id = tool.pk
    tool.delete()
    deletion = Tool.history.get(id=tool_id, history_type="-")
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(
            codename="change_tool", content_type__app_label="programmes"
        )
    )
    client.force_login(editor)

    response = client.post(
        reverse("admin:programmes_tool_recover", args=[deletion.history_id])
    )

    assert response.status_code == 403
    assert not Tool.objects.filter(pk=tool_id).exists()
