"""Every catalogue record's change form groups its fields in the order editors work."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse
from modeltranslation.translator import translator

from risk_areas.admin import CatalogueRecordAdmin
from tests import factories

pytestmark = pytest.mark.django_db

# The order an editor works in; a record shows the groups it has, in this order.
ORDER = [
    "Identity",
    "Text",
    "Years and status",
    "Links",
    "Sources",
    "Publishing",
    "Dates",
    "Editor notes",
]
EXPECTED = {
    "programme": [
        "Identity",
        "Text",
        "Years and status",
        "Links",
        "Sources",
        "Publishing",
        "Editor notes",
    ],
    "tool": ["Identity", "Text", "Links", "Sources", "Publishing", "Editor notes"],
    "partner": ["Identity", "Text", "Links", "Dates", "Editor notes"],
    "riskarea": ["Identity", "Text", "Sources", "Dates"],
    "threat": ["Identity", "Text", "Links", "Dates"],
    "cepcomponent": ["Identity", "Text", "Sources", "Dates", "Editor notes"],
}
CATALOGUE_ADMINS = {
    model: model_admin
    for model, model_admin in site._registry.items()
    if isinstance(model_admin, CatalogueRecordAdmin)
}


@pytest.fixture
def records():
    area = factories.make_risk_area(name="Revenue")
    return {
        "programme": factories.make_programme(name="Revenue Programme"),
        "tool": factories.make_tool(name="Revenue Package"),
        "partner": factories.make_partner(name="UNODC"),
        "riskarea": area,
        "threat": factories.make_threat(name="Undervaluation", risk_area=area),
        "cepcomponent": factories.make_component(name="Tools"),
    }


def editable_fields(model):
    """The fields an editor can change, each language of a translated one apart."""
    translated = translator.get_options_for_model(model).all_fields
    through_inlines = {"risk_areas"}  # edited as coverage links, in the inline
    return {
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "editable", False)
        and field.concrete
        and not field.auto_created
        and field.name not in translated
        and field.name not in through_inlines
    }


def test_every_catalogue_admin_is_checked():
    assert {model._meta.model_name for model in CATALOGUE_ADMINS} == set(EXPECTED)


@pytest.mark.parametrize("model", CATALOGUE_ADMINS, ids=lambda m: m._meta.model_name)
def test_change_form_groups_fields_in_the_order_editors_work(
    admin_client, records, model
):
    name = model._meta.model_name
    record = records[name]
    url = reverse(f"admin:{model._meta.app_label}_{name}_change", args=[record.pk])

    response = admin_client.get(url)

    fieldsets = response.context["adminform"].fieldsets
    titles = [str(title) for title, _options in fieldsets]
    assert titles == EXPECTED[name]
    assert titles == sorted(titles, key=ORDER.index)
    shown = set(flatten_fieldsets(fieldsets))
    missing = editable_fields(model) - shown
    assert not missing, f"{name}: fields no editor can reach: {sorted(missing)}"
    html = response.content.decode()
    for title in titles:
        assert f">{title}</h2>" in html


def test_record_names_come_first_in_every_language(admin_client, records):
    url = reverse("admin:programmes_tool_change", args=[records["tool"].pk])

    response = admin_client.get(url)

    title, options = response.context["adminform"].fieldsets[0]
    assert options["fields"][:5] == [
        f"name_{code}" for code in ["en", "fr", "es", "ru", "ar"]
    ]
