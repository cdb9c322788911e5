"""The catalogue the leak tests read: public records and secret ones.

Next to ordinary public records, restricted and draft programmes and tools are
linked in every relation there is (risk areas, threats, CEP components,
partners, public programmes and tools, successors). Each secret record carries
its own made-up words in every text field and slug, so a leak anywhere shows up
as a word that should not be there.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from programmes.models import Access, Programme, PublicationStatus, Tool
from tests import factories

LANGUAGES = [code for code, _name in settings.LANGUAGES]
READERS = ["anonymous", "outsider", "member"]
EXPORT_FORMATS = ["csv", "json"]
RISK_AREAS = ["revenue", "drugs", "security"]
COMPONENTS = ["tools", "operations"]


@dataclass(frozen=True)
class Secret:
    """A record some readers may not see, and the made-up words that betray it."""

    code: str
    kind: str  # "programme" or "tool"
    title: str
    access: str
    publication_status: str

    @property
    def name(self):
        return f"Zyxquartz{self.code} {self.title}"

    @property
    def acronym(self):
        return f"KWOMPF{self.code.upper()}"

    @property
    def slug(self):
        return f"vornalith-{self.code}"

    @property
    def summary(self):
        return f"Blorptangle{self.code} summary of a record nobody outside may read."

    @property
    def description(self):
        return f"Frimbulax{self.code} description with the inside story."

    @property
    def keywords(self):
        return f"Quolvexin{self.code}, Drendlewarp{self.code}"

    @property
    def tokens(self):
        """Lower-case words found only in this record."""
        return [
            f"zyxquartz{self.code}",
            self.acronym.lower(),
            self.slug,
            f"blorptangle{self.code}",
            f"frimbulax{self.code}",
            f"quolvexin{self.code}",
            f"drendlewarp{self.code}",
        ]

    @property
    def visible_to_members(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def model(self):
        return Programme if self.kind == "programme" else Tool

    def fields(self):
        return {
            "name": self.name,
            "slug": self.slug,
            "acronym": self.acronym,
            "summary": self.summary,
            "description": self.description,
            "keywords": self.keywords,
            "access": self.access,
            "publication_status": self.publication_status,
        }


RESTRICTED, PUBLIC = Access.RESTRICTED, Access.PUBLIC
PUBLISHED, DRAFT = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT
SECRETS = {
    "restricted_programme": Secret(
        "rp", "programme", "Harbour Programme", RESTRICTED, PUBLISHED
    ),
    "restricted_predecessor": Secret(
        "rm", "programme", "Lagoon Programme", RESTRICTED, PUBLISHED
    ),
    "draft_programme": Secret("dp", "programme", "Estuary Programme", PUBLIC, DRAFT),
    "draft_restricted_programme": Secret(
        "dr", "programme", "Delta Programme", RESTRICTED, DRAFT
    ),
    "restricted_tool": Secret("rt", "tool", "Scanner Network", RESTRICTED, PUBLISHED),
    "draft_tool": Secret("dt", "tool", "Profiling Guide", PUBLIC, DRAFT),
}
PUBLIC_PROGRAMMES = ["Revenue Programme", "Drugs Programme", "Old Revenue Programme"]
PUBLIC_TOOLS = ["Customs Enforcement Network", "Valuation Guide"]
# Search words that find every secret record, one per text field, and the slugs.
SEARCH_WORDS = [
    "Zyxquartz",
    "KWOMPF",
    "Blorptangle",
    "Frimbulax",
    "Quolvexin",
    "Drendlewarp",
    "vornalith",
]
# Made-up values nothing has ever been called, to compare secret ones with.
NEVER_EXISTED = {"programme": "vornalith-xx", "tool": "vornalith-xy"}


def secrets_hidden_from(reader):
    return [
        secret
        for secret in SECRETS.values()
        if reader != "member" or not secret.visible_to_members
    ]


def shown_to(reader, secret):
    return reader == "member" and secret.visible_to_members


def visible_names(reader, kind):
    names = list(PUBLIC_PROGRAMMES if kind == "programme" else PUBLIC_TOOLS)
    names += [
        secret.name
        for secret in SECRETS.values()
        if secret.kind == kind and shown_to(reader, secret)
    ]
    return sorted(names)


def build_catalogue():
    """Public records and secret ones, linked to each other in every relation."""
    revenue = factories.make_risk_area(name="Revenue", slug="revenue")
    drugs = factories.make_risk_area(name="Drugs", slug="drugs")
    security = factories.make_risk_area(name="Security", slug="security")
    undervaluation = factories.make_threat(name="Undervaluation", risk_area=revenue)
    smuggling = factories.make_threat(name="Drug smuggling", risk_area=drugs)
    # Only secret records deal with these: publicly they are empty.
    explosives = factories.make_threat(name="Explosives", risk_area=security)
    tools_component = factories.make_component(name="Tools", slug="tools")
    operations = factories.make_component(
        name="Operational activities", slug="operations"
    )
    unodc = factories.make_partner(name="UNODC")
    interpol = factories.make_partner(name="INTERPOL")
    quiet_partner = factories.make_partner(name="Quiet Partner")

    revenue_programme = factories.make_programme(
        name="Revenue Programme",
        order=1,
        risk_areas=[revenue],
        partners=[unodc],
        threats=[undervaluation],
        summary="Revenue assurance for member administrations.",
    )
    drugs_programme = factories.make_programme(
        name="Drugs Programme",
        order=2,
        risk_areas=[drugs],
        supporting=[revenue],
        partners=[interpol],
        threats=[smuggling],
    )
    network = factories.make_tool(
        name="Customs Enforcement Network",
        risk_areas=[drugs],
        components=[tools_component],
        programmes=[drugs_programme],
        partners=[interpol],
        threats=[smuggling],
    )
    guide = factories.make_tool(
        name="Valuation Guide",
        kind="guidance",
        risk_areas=[revenue],
        components=[tools_component],
        programmes=[revenue_programme],
        partners=[unodc],
        threats=[undervaluation],
    )

    def secret(key, **links):
        spec = SECRETS[key]
        if spec.kind == "programme":
            return factories.make_programme(**spec.fields(), **links)
        return factories.make_tool(**spec.fields(), **links)

    restricted_programme = secret(
        "restricted_programme",
        order=3,
        risk_areas=[revenue, security],
        supporting=[drugs],
        partners=[unodc, quiet_partner],
        threats=[undervaluation, explosives],
    )
    # A public programme merged into a restricted one, and a restricted one
    # merged into a public one: successors and predecessors both ways.
    merged = {"status": Programme.Status.MERGED, "merged_on": timezone.localdate()}
    factories.make_programme(
        name="Old Revenue Programme",
        order=9,
        risk_areas=[revenue],
        successor=restricted_programme,
        **merged,
    )
    secret(
        "restricted_predecessor",
        order=8,
        risk_areas=[drugs],
        partners=[interpol],
        threats=[smuggling],
        successor=revenue_programme,
        **merged,
    )
    draft_programme = secret(
        "draft_programme",
        order=4,
        risk_areas=[drugs, security],
        partners=[interpol, quiet_partner],
        threats=[smuggling, explosives],
    )
    secret(
        "draft_restricted_programme",
        order=5,
        risk_areas=[security],
        supporting=[revenue],
        partners=[quiet_partner],
        threats=[explosives],
    )
    secret(
        "restricted_tool",
        kind="it-system",
        risk_areas=[revenue, security],
        supporting=[drugs],
        components=[tools_component, operations],
        programmes=[revenue_programme, restricted_programme],
        partners=[unodc, quiet_partner],
        threats=[undervaluation, explosives],
    )
    secret(
        "draft_tool",
        kind="operation",
        risk_areas=[drugs, security],
        components=[operations],
        programmes=[drugs_programme, draft_programme],
        partners=[interpol, quiet_partner],
        threats=[smuggling, explosives],
    )
    # Public tools listing secret programmes among theirs.
    network.programmes.add(restricted_programme, draft_programme)
    guide.programmes.add(restricted_programme)


# What a reader should find, worked out from the catalogue as built --------------


def names_of(records):
    return sorted(str(record.name) for record in records)


def expected(of, reader, **conditions):
    """Names of the records (`of` "programme" or "tool") the reader should find.

    Worked out from the catalogue as built, not through `visible_to()`.
    """
    model = Programme if of == "programme" else Tool
    records = model.objects.filter(name__in=visible_names(reader, of), **conditions)
    return sorted(set(records.values_list("name", flat=True)))


def expected_counts(of, reader, lookup, values, **conditions):
    """{value: how many records the reader should find with `lookup` = value}."""
    return {
        value: len(expected(of, reader, **{lookup: value}, **conditions))
        for value in values
    }


def expected_cross_table(reader, cells):
    """{(risk area, component): how many tools the reader should find in both}."""
    return {
        (area, component): len(
            expected(
                "tool",
                reader,
                coverage__risk_area__slug=area,
                components__slug=component,
            )
        )
        for area, component in cells
    }


def slugs_of(names):
    return {
        *Programme.objects.filter(name__in=names).values_list("slug", flat=True),
        *Tool.objects.filter(name__in=names).values_list("slug", flat=True),
    }


def catalogue_slugs(results):
    """Slugs of the programmes and tools among an export's results."""
    known = set(Programme.objects.values_list("slug", flat=True)) | set(
        Tool.objects.values_list("slug", flat=True)
    )
    return {result["slug"] for result in results if result.get("slug") in known}


# The bundled catalogue -------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueRecord:
    """A record of the bundled catalogue: its own words may be quoted elsewhere,
    so only its addresses and its slug as data betray it."""

    kind: str
    slug: str

    @property
    def tokens(self):
        path = reverse(f"programmes:{self.kind}-detail", kwargs={"slug": self.slug})
        return [path.lower(), f'"slug": "{self.slug}"', f"={self.slug}&"]


def hidden_from_anonymous():
    """The records of the loaded catalogue an anonymous reader may not see."""
    anonymous = AnonymousUser()
    return [
        CatalogueRecord(kind, slug)
        for kind, model in (("programme", Programme), ("tool", Tool))
        for slug in model.objects.exclude(
            pk__in=model.objects.visible_to(anonymous)
        ).values_list("slug", flat=True)
    ]
