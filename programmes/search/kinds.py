"""What is searched, per model: the fields and their weights, and what a reader sees.

A record scores by where its words match: name and acronym (A) above keywords
and the vocabulary of the threats it covers (B) above summary (C) above
description (D).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from risk_areas.fulltext import RECORD_CODES as CODES
from risk_areas.fulltext import RECORD_TEXT as TEXT
from risk_areas.fulltext import WEIGHTS
from risk_areas.models import RiskArea, Threat

from ..editorial import visible
from ..models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage

SHORT_TEXT = {"A": ("name",), "B": ("keywords",), "D": ("description",)}
THREAT_WORDS = ("name", "keywords")


def columns(fields, languages):
    """The columns holding translated `fields` in `languages` ("name_fr", ...)."""
    return [
        build_localized_fieldname(name, language)
        for name in fields
        for language in languages
    ]


@dataclass(frozen=True)
class Related:
    """Text of linked records that counts as the record's own vocabulary (weight B)."""

    model: type
    link: str  # the lookup from the linked model back to the record
    fields: tuple  # translated fields
    plain: tuple = ()  # untranslated fields (acronyms)
    # Which linked records count: only what everyone may see, so that no reader
    # is led to a record through one hidden from them.
    condition: Q = None
    # Points for a term found only there: a threat's words count as keywords; a
    # merged programme's name leads to its successor before itself.
    points: float = 3.0
    # How much a term found only there counts towards the terms a record holds:
    # a threat it covers among many, half; a name it took over, in full.
    term: float = 0.5

    def linked(self):
        linked = self.model._base_manager.all()
        return linked if self.condition is None else linked.filter(self.condition)


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    label: str  # plural, a heading
    name: str  # singular, a type label
    fields: dict  # weight -> translated fields
    plain: dict = field(default_factory=dict)  # weight -> untranslated fields
    related: tuple = ()  # weight B
    stored: bool = False  # has stored documents on PostgreSQL (`risk_areas.fulltext`)
    acronym: str = ""
    history: Q = None  # records that rank lower: merged programmes
    coverage: tuple = ()  # (coverage model, its link to the record)
    # What a result shows besides the record: relations read in the same query,
    # and whether the threats it covers may explain the match.
    shown: tuple = ()
    shows_threats: bool = False

    def translated_fields(self):
        return [name for weight in WEIGHTS for name in self.fields.get(weight, ())]

    def visible_to(self, user):
        """What `user` may see, with what the results show of each record."""
        records = self.model.objects.visible_to(user)
        if self.shown:
            records = records.select_related(*self.shown)
        if not self.shows_threats:
            return records
        # Every language's words, so a snippet reads them without another query.
        languages = [code for code, _name in settings.LANGUAGES]
        threats = Threat.objects.only(*columns(THREAT_WORDS, languages))
        return records.prefetch_related(Prefetch("threats", queryset=threats))


KINDS = (
    Kind(
        "programme",
        Programme,
        _("Programmes"),
        _("Programme"),
        fields=TEXT,
        plain=CODES,
        related=(
            Related(Threat, "programmes", THREAT_WORDS),
            # A merged programme's names lead to the programme that took it over.
            Related(
                Programme,
                "successor",
                ("name",),
                ("acronym",),
                visible(None),
                points=40.0,
                term=1.0,
            ),
        ),
        stored=True,
        acronym="acronym",
        history=Q(status="merged"),
        coverage=(ProgrammeCoverage, "programme"),
        shown=("successor",),
        shows_threats=True,
    ),
    Kind(
        "tool",
        Tool,
        _("Tools"),
        _("Tool"),
        fields=TEXT,
        plain=CODES,
        related=(Related(Threat, "tools", THREAT_WORDS),),
        stored=True,
        acronym="acronym",
        coverage=(ToolCoverage, "tool"),
        shows_threats=True,
    ),
    Kind(
        "riskarea",
        RiskArea,
        _("Risk areas"),
        _("Risk area"),
        fields={**TEXT, "A": ("name", "official_label")},
        plain={"D": ("slug",)},
    ),
    Kind(
        "threat",
        Threat,
        _("Threats"),
        _("Threat"),
        fields=SHORT_TEXT,
        plain={"D": ("slug",)},
        shown=("risk_area",),
    ),
    Kind(
        "partner",
        Partner,
        _("Partners"),
        _("Partner"),
        fields=SHORT_TEXT,
        plain=CODES,
        acronym="acronym",
    ),
)
STORED = [kind for kind in KINDS if kind.stored]


def kind_for(model):
    for kind in KINDS:
        if kind.model._meta.label_lower == model._meta.label_lower:
            return kind
    raise ValueError(f"{model._meta.label} is not searchable.")
