"""The changelists' editable columns refuse to overwrite a newer save, as forms do."""

import pytest
from django.urls import reverse

from risk_areas.models import CEPComponent, RiskArea
from tests import factories
from tests.html import parse_html

pytestmark = pytest.mark.django_db

CHANGELISTS = {
    "risk area": (RiskArea, "admin:risk_areas_riskarea_changelist"),
    "component": (CEPComponent, "admin:risk_areas_cepcomponent_changelist"),
}
CONFLICT = "Someone else saved this record while you were editing it"


def make(model, name, order):
    if model is RiskArea:
        return factories.make_risk_area(name, order=order)
    return factories.make_component(name, order=order)


def changelist_data(response):
    """What the changelist form posts as drawn: every input, and Save."""
    form = parse_html(response.content.decode()).find("form", id="changelist-form")
    data = {
        node.attrs["name"]: node.attrs.get("value", "")
        for node in form.find_all("input")
        if node.attrs.get("name") and node.attrs.get("type") not in ("checkbox",)
    }
    data["_save"] = "Save"
    return data


def row_field(data, record, name):
    """The changelist input of `record`'s row called `name` (e.g. "form-0-order")."""
    (prefix,) = [
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == str(record.pk)
    ]
    return f"{prefix}-{name}"


@pytest.fixture
def rows():
    def build(model):
        return make(model, "First", 1), make(model, "Second", 2)

    return build


@pytest.mark.parametrize("case", CHANGELISTS)
def test_changelist_refuses_a_stale_order_and_keeps_the_input(admin_client, rows, case):
    model, url_name = CHANGELISTS[case]
    first, second = rows(model)
    url = reverse(url_name)
    mine = changelist_data(admin_client.get(url))
    theirs = model.objects.get(pk=first.pk)
    theirs.order = 7
    theirs.save()
    mine[row_field(mine, first, "order")] = "5"

    response = admin_client.post(url, mine)

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert model.objects.get(pk=first.pk).order == 7
    again = changelist_data(response)
    assert again[row_field(again, first, "order")] == "5"


@pytest.mark.parametrize("case", CHANGELISTS)
def test_changelist_saves_the_editor_version_when_they_save_again(
    admin_client, rows, case
):
    model, url_name = CHANGELISTS[case]
    first, _second = rows(model)
    url = reverse(url_name)
    mine = changelist_data(admin_client.get(url))
    model.objects.filter(pk=first.pk).update(name="Renamed")
    model.objects.get(pk=first.pk).save()
    mine[row_field(mine, first, "order")] = "5"
    again = changelist_data(admin_client.post(url, mine))

    response = admin_client.post(url, again)

    assert response.status_code == 302
    assert model.objects.get(pk=first.pk).order == 5


@pytest.mark.parametrize("case", CHANGELISTS)
def test_changelist_saves_a_row_while_another_untouched_row_is_stale(
    admin_client, rows, case
):
    model, url_name = CHANGELISTS[case]
    first, second = rows(model)
    url = reverse(url_name)
    mine = changelist_data(admin_client.get(url))
    theirs = model.objects.get(pk=first.pk)
    theirs.summary_en = "Their summary."
    theirs.save()
    mine[row_field(mine, second, "order")] = "9"

    response = admin_client.post(url, mine)

    assert response.status_code == 302
    assert model.objects.get(pk=second.pk).order == 9
    assert model.objects.get(pk=first.pk).summary_en == "Their summary."


def test_changelist_saves_orders_when_nobody_else_saved(admin_client, rows):
    first, second = rows(RiskArea)
    url = reverse("admin:risk_areas_riskarea_changelist")
    mine = changelist_data(admin_client.get(url))
    mine[row_field(mine, first, "order")] = "3"
    mine[row_field(mine, second, "order")] = "4"

    response = admin_client.post(url, mine)

    assert response.status_code == 302
    assert list(RiskArea.objects.values_list("name", "order")) == [
        ("First", 3),
        ("Second", 4),
    ]
