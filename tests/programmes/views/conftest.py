"""The catalogue the page tests share: published, draft and restricted records."""

import pytest
from django.contrib.auth.models import Permission

from tests import factories
from tests.factories import DRAFT, RESTRICTED


@pytest.fixture
def catalogue():
    """Two risk areas and two components, with published, draft and restricted records.

    Drugs: programmes Public (primary), Members (primary, restricted), Hidden (draft);
    tools CEN (public), Dog (public, supporting), Members Tool (restricted),
    Draft Tool (draft). Only the public records exist for anonymous readers.
    """
    drugs = factories.make_risk_area(
        "Drugs", official_label="Drugs enforcement", summary="S."
    )
    revenue = factories.make_risk_area("Revenue")
    technology = factories.make_component("Technology and Infrastructure")
    operations = factories.make_component("Operational activities")
    cocaine = factories.make_threat("Cocaine trafficking", risk_area=drugs)
    precursors = factories.make_threat("Precursor diversion", risk_area=drugs)
    public = factories.make_programme(
        "Drugs and Precursors Programme", risk_areas=[drugs]
    )
    members = factories.make_programme(
        "Members Programme", risk_areas=[drugs], **RESTRICTED
    )
    factories.make_programme("Hidden Programme", risk_areas=[drugs], **DRAFT)
    supporting = factories.make_programme(
        "Revenue Programme", risk_areas=[revenue], supporting=[drugs]
    )
    factories.make_tool(
        "Customs Enforcement Network",
        acronym="CEN",
        risk_areas=[drugs, revenue],
        components=[technology],
        programmes=[public, members],
        threats=[cocaine],
    )
    factories.make_tool(
        "Detector Dog Programme",
        kind="training",
        supporting=[drugs],
        components=[operations],
        programmes=[supporting],
        threats=[cocaine],
    )
    factories.make_tool(
        "Members Tool",
        risk_areas=[drugs],
        components=[technology],
        programmes=[members],
        threats=[cocaine, precursors],
        **RESTRICTED,
    )
    factories.make_tool(
        "Draft Tool",
        risk_areas=[drugs],
        components=[technology],
        programmes=[public],
        threats=[precursors],
        **DRAFT,
    )
    return {
        "drugs": drugs,
        "revenue": revenue,
        "technology": technology,
        "operations": operations,
        "cocaine": cocaine,
        "precursors": precursors,
    }


@pytest.fixture
def editor(django_user_model):
    """Staff who edit programmes and tools: may preview drafts."""
    user = django_user_model.objects.create_user("editor", password="pw-editor-123")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programmes",
            codename__in=["change_programme", "change_tool"],
        )
    )
    return user


@pytest.fixture
def pccp_family():
    drugs = factories.make_risk_area("Drugs", slug="drugs")
    security = factories.make_risk_area("Security", slug="security")
    pccp = factories.make_programme(
        "Passenger and Cargo Control Programme",
        acronym="PCCP",
        risk_areas=[drugs],
        supporting=[security],
    )
    ccp = factories.make_merged_programme(
        "Container Control Programme",
        acronym="CCP",
        successor=pccp,
        end_year=2024,
        start_year=2004,
        risk_areas=[drugs],
    )
    aircop = factories.make_merged_programme(
        "Airport Communication Project",
        acronym="AIRCOP",
        successor=pccp,
        risk_areas=[drugs],
    )
    return pccp, ccp, aircop
