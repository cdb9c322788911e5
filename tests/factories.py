"""Plain builders for test data: name only the fields a test cares about."""

import contextlib
import datetime
import itertools

from django.db import transaction
from django.utils.text import slugify

from programmes.models import (
    Access,
    Partner,
    Programme,
    ProgrammeCoverage,
    PublicationStatus,
    Tool,
    ToolCoverage,
)
from risk_areas.models import CEPComponent, RiskArea, Threat

# Extra fields for a record only some readers may see.
DRAFT = {"publication_status": PublicationStatus.DRAFT}
RESTRICTED = {"access": Access.RESTRICTED}

_counter = itertools.count(1)


def _slug(name):
    return slugify(name)[:90] or f"record-{next(_counter)}"


def make_risk_area(name="Revenue", **fields):
    fields.setdefault("slug", _slug(name))
    fields.setdefault("order", next(_counter))
    return RiskArea.objects.create(name=name, **fields)


def make_threat(name="Undervaluation", *, risk_area=None, **fields):
    fields.setdefault("slug", _slug(name))
    risk_area = risk_area or RiskArea.objects.first() or make_risk_area()
    return Threat.objects.create(name=name, risk_area=risk_area, **fields)


def make_component(name="Tools", **fields):
    fields.setdefault("slug", _slug(name))
    fields.setdefault("order", next(_counter))
    return CEPComponent.objects.create(name=name, **fields)


def make_partner(name="UNODC", **fields):
    fields.setdefault("slug", _slug(name))
    return Partner.objects.create(name=name, **fields)


def _cover(record, coverage_model, owner_field, risk_areas, supporting):
    for area in risk_areas:
        coverage_model.objects.create(
            **{owner_field: record}, risk_area=area, level="primary"
        )
    for area in supporting:
        coverage_model.objects.create(
            **{owner_field: record}, risk_area=area, level="supporting"
        )


def _published_with_a_source(name, fields):
    fields.setdefault("slug", _slug(name))
    fields.setdefault("publication_status", PublicationStatus.PUBLISHED)
    fields.setdefault(
        "source_url", "https://www.wcoomd.org/en/topics/enforcement-and-compliance.aspx"
    )


def make_programme(
    name="Revenue Programme",
    *,
    risk_areas=(),
    supporting=(),
    partners=(),
    threats=(),
    **fields,
):
    _published_with_a_source(name, fields)
    programme = Programme.objects.create(name=name, **fields)
    _cover(programme, ProgrammeCoverage, "programme", risk_areas, supporting)
    programme.partners.set(partners)
    programme.threats.set(threats)
    return programme


def make_merged_programme(
    name="Container Control Programme",
    *,
    successor,
    merged_on=datetime.date(2024, 4, 1),
    **fields,
):
    """A programme merged into `successor`."""
    return make_programme(
        name,
        status=Programme.Status.MERGED,
        successor=successor,
        merged_on=merged_on,
        **fields,
    )


def make_tool(
    name="Customs Enforcement Network",
    *,
    kind="it-system",
    risk_areas=(),
    supporting=(),
    components=(),
    programmes=(),
    partners=(),
    threats=(),
    **fields,
):
    _published_with_a_source(name, fields)
    tool = Tool.objects.create(name=name, kind=kind, **fields)
    _cover(tool, ToolCoverage, "tool", risk_areas, supporting)
    tool.components.set(components)
    tool.programmes.set(programmes)
    tool.partners.set(partners)
    tool.threats.set(threats)
    return tool


def make_linked_records(numbers, *, area, component, threat=None):
    """A programme and a tool per number, linked to each other, to a partner of
    their own, to `area` and `component`, and to `threat` (or one of their own)."""
    for number in numbers:
        partner = make_partner(f"Partner {number}")
        linked = threat or make_threat(f"Threat {number}", risk_area=area)
        programme = make_programme(
            f"Big Programme {number}",
            risk_areas=[area],
            partners=[partner],
            threats=[linked],
        )
        make_tool(
            f"Big Tool {number}",
            kind="report",
            risk_areas=[area],
            components=[component],
            programmes=[programme],
            partners=[partner],
            threats=[linked],
        )


@contextlib.contextmanager
def shared_records(django_db_blocker):
    """Opens the database to records that several tests share and only read.

    They live in a transaction rolled back at the end; each test runs inside it
    in a savepoint of its own, so what a test changes (a renamed record) is
    undone before the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
