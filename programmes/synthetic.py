"""Grow the loaded catalogue with synthetic tools and programmes, for
measurements and tests at scale (`manage.py generate_catalogue`).

    from programmes.synthetic import grow_catalogue, grow_programmes
    grow_catalogue(10_000, seed=1)   # adds tools until there are 10,000
    grow_programmes(500, seed=1)     # adds programmes until there are 500

Each synthetic tool is modelled on a bundled tool chosen at random: it takes its
kind, its source, its links (risk areas with their coverage level, threats, CEP
components, programmes, partners; sometimes one more threat of the same risk area)
and text made from the words of the bundled tools that share its risk area, in
every language the bundled tools have text in. All are published and public, so
every reader searches all of them.

Tool number n is drawn from its own generator seeded with (seed, n): growing to
10,000 in one step or through 1,000 gives the same catalogue. Rows are written
with bulk_create in batches, links through the through-models, never by save();
the databases keep their search indexes current themselves.

A synthetic programme is modelled the same way on a bundled programme: its risk
areas with their levels, threats and partners, text from the words of the
bundled programmes of its risk areas, and a share of the tools of its main risk
area (so its CEP components are those of its tools). Programme number n is drawn
from the generator seeded with (seed, "programme", n).
"""

import random
import re
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from risk_areas.models import Threat

from .models import (
    Access,
    CoverageLevel,
    Programme,
    PublicationStatus,
    Tool,
    ToolCoverage,
)

BATCH = 2_000
TRANSLATED = ("name", "summary", "description", "keywords")
# Keywords are separated by commas: the Latin one, or the Arabic "،".
KEYWORD_SEPARATOR = re.compile("[,،]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A synthetic record's slug is its model's and its number: "op-demeter-s1234".
SYNTHETIC_SLUG = r"-s[0-9]+$"
# How many tools a synthetic programme lists, at most.
PROGRAMME_TOOLS = (3, 40)


def content_languages(model):
    """The languages in which at least one record of `model` has a name."""
    languages = []
    for code, _name in settings.LANGUAGES:
        column = f"name_{code}"
        if model.objects.exclude(**{f"{column}__isnull": True}).exclude(**{column: ""}):
            languages.append(code)
    return languages


# The links a synthetic record copies from its model, per kind of record.
RELATIONS = {
    "tool": ("threats", "components", "programmes", "partners"),
    "programme": ("threats", "partners"),
}


class Material:
    """What synthetic records of `model` (Tool or Programme) are made of: the
    bundled records, their links and words."""

    def __init__(self, model):
        self.model = model
        self.languages = content_languages(model)
        relations = RELATIONS[model._meta.model_name]
        records = model.objects.exclude(slug__regex=SYNTHETIC_SLUG)
        records = records.order_by("slug").prefetch_related("coverage", *relations)
        self.templates = []
        # (risk area id, language) -> summaries, description sentences, keywords
        self.summaries = defaultdict(list)
        self.sentences = defaultdict(list)
        self.keywords = defaultdict(list)
        self.pools = {}  # (table, risk areas, language) -> their items together
        for record in records:
            coverage = list(record.coverage.all())
            areas = [link.risk_area_id for link in coverage]
            self.templates.append(
                {
                    "record": record,
                    "areas": areas,
                    "coverage": [(c.risk_area_id, c.level) for c in coverage],
                    **{
                        relation: [
                            linked.pk for linked in getattr(record, relation).all()
                        ]
                        for relation in relations
                    },
                }
            )
            for language in self.languages:
                text = {
                    name: getattr(record, f"{name}_{language}") or ""
                    for name in TRANSLATED
                }
                for area in areas:
                    key = (area, language)
                    if text["summary"]:
                        self.summaries[key].append(text["summary"].split())
                    self.sentences[key] += [
                        s for s in SENTENCE_END.split(text["description"]) if s
                    ]
                    self.keywords[key] += [
                        k.strip()
                        for k in KEYWORD_SEPARATOR.split(text["keywords"])
                        if k.strip()
                    ]
        self.threats_by_area = defaultdict(list)
        for pk, area in Threat.objects.order_by("pk").values_list("pk", "risk_area"):
            self.threats_by_area[area].append(pk)
        # What a name says the record is: "Operation", "programme".
        self.kind_labels = {}
        for language in self.languages:
            with translation.override(language):
                if model is Tool:
                    for value, label in Tool.Kind.choices:
                        self.kind_labels[value, language] = str(label).lower()
                else:
                    self.kind_labels[None, language] = str(model._meta.verbose_name)


def _pool(material, table, areas, language):
    key = (id(table), tuple(areas), language)
    if key not in material.pools:
        material.pools[key] = [item for area in areas for item in table[area, language]]
    return material.pools[key]


def _text(material, rng, template, language, number):
    areas = template["areas"]
    keywords = _pool(material, material.keywords, areas, language) or ["customs"]
    chosen = rng.sample(keywords, min(len(keywords), rng.randint(4, 10)))
    kind = material.kind_labels[getattr(template["record"], "kind", None), language]
    name = f"{chosen[0][:1].upper()}{chosen[0][1:]}"
    if len(chosen) > 1:
        name += f", {chosen[1]}"
    name = f"{name} {kind} {number}"
    # A summary mixes two summaries of the same risk area, half of each.
    summaries = _pool(material, material.summaries, areas, language) or [["…"]]
    first, second = rng.choice(summaries), rng.choice(summaries)
    summary = " ".join(first[: len(first) // 2] + second[len(second) // 2 :])
    sentences = _pool(material, material.sentences, areas, language) or [summary]
    description = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
    return {
        "name": name[:200] + f" {number}" if len(name) > 240 else name,
        "summary": summary,
        "description": description,
        "keywords": ", ".join(chosen),
    }


def _fields(material, rng, template, number):
    """The translated fields of record `number`, in every language with content."""
    fields = {}
    for language in material.languages:
        text = _text(material, rng, template, language, number)
        for name, value in text.items():
            fields[f"{name}_{language}"] = value
    # The languages without content stay empty (NULL, as after a load); naming
    # them spares django-modeltranslation from computing each default per row.
    for language, _name in settings.LANGUAGES:
        if language not in material.languages:
            for name in TRANSLATED:
                fields[f"{name}_{language}"] = None
    default = material.languages[0] if material.languages else "en"
    for name in TRANSLATED:
        fields[name] = fields.get(f"{name}_{default}", "")
    return fields


def _acronym(rng, fields):
    initials = "".join(
        word[0] for word in fields["name"].split()[:-2] if word[0].isalpha()
    )
    return initials.upper()[:8] if rng.random() < 0.3 else ""


def _threats(material, rng, template):
    """The model's threats, sometimes with one more of the same risk area."""
    threats = list(template["threats"])
    if template["areas"] and rng.random() < 0.3:
        area = rng.choice(template["areas"])
        extra = [pk for pk in material.threats_by_area[area] if pk not in threats]
        if extra:
            threats.append(rng.choice(extra))
    return threats


def _published(original, now):
    return {
        "source_url": original.source_url,
        "publication_status": PublicationStatus.PUBLISHED,
        "published_at": now,
        "access": Access.PUBLIC,
        "last_reviewed": original.last_reviewed,
    }


def _tool(material, number, seed, now):
    rng = random.Random(f"{seed}:{number}")
    template = rng.choice(material.templates)
    original = template["record"]
    fields = _fields(material, rng, template, number)
    tool = Tool(
        slug=f"{original.slug[:150]}-s{number}",
        acronym=_acronym(rng, fields),
        kind=original.kind,
        start_year=original.start_year or rng.randint(1995, 2024),
        **_published(original, now),
        **fields,
    )
    return tool, {**template, "threats": _threats(material, rng, template)}


def _programme(material, number, seed, now, tools_by_area):
    rng = random.Random(f"{seed}:programme:{number}")
    template = rng.choice(material.templates)
    original = template["record"]
    fields = _fields(material, rng, template, number)
    programme = Programme(
        slug=f"{original.slug[:150]}-s{number}",
        acronym=_acronym(rng, fields),
        # After the WCO's own programmes, in the order they were made.
        order=min(100 + number, 32_767),
        start_year=original.start_year or rng.randint(1995, 2024),
        status=Programme.Status.ACTIVE,
        **_published(original, now),
        **fields,
    )
    # A share of the tools of its main risk area (the first it covers as primary).
    main = next(
        (
            area
            for area, level in template["coverage"]
            if level == CoverageLevel.PRIMARY
        ),
        template["areas"][0] if template["areas"] else None,
    )
    candidates = tools_by_area.get(main, [])
    low, high = PROGRAMME_TOOLS
    tools = rng.sample(candidates, min(len(candidates), rng.randint(low, high)))
    return programme, {
        **template,
        "threats": _threats(material, rng, template),
        "tools": sorted(tools),
    }


def _write_links(model, records, batch, relations):
    """The coverage and plain links of `records`, just created from `batch`."""
    owner = model._meta.model_name
    coverage = model.coverage.rel.related_model
    coverage.objects.bulk_create(
        coverage(**{f"{owner}_id": record.pk}, risk_area_id=area, level=level)
        for record, (_record, links) in zip(records, batch, strict=True)
        for area, level in links["coverage"]
    )
    for relation in relations:
        field = model._meta.get_field(relation)
        through = field.remote_field.through
        source = field.m2m_column_name()
        target = field.m2m_reverse_name()
        through.objects.bulk_create(
            (
                through(**{source: record.pk, target: pk})
                for record, (_record, links) in zip(records, batch, strict=True)
                for pk in links[relation]
            ),
            batch_size=BATCH,
        )


def _write(batch):
    tools = Tool.objects.bulk_create([tool for tool, _links in batch])
    _write_links(Tool, tools, batch, RELATIONS["tool"])


def _write_programmes(batch):
    programmes = Programme.objects.bulk_create([p for p, _links in batch])
    _write_links(Programme, programmes, batch, RELATIONS["programme"])
    # The tools' side of the link: Tool.programmes.
    through = Tool.programmes.through
    through.objects.bulk_create(
        (
            through(tool_id=tool, programme_id=programme.pk)
            for programme, (_p, links) in zip(programmes, batch, strict=True)
            for tool in links["tools"]
        ),
        batch_size=BATCH,
    )


def _material(model):
    material = Material(model)
    if not material.templates:
        name = model._meta.verbose_name
        raise ValueError(
            f"load the bundled catalogue first: there is no {name} to copy"
        )
    return material


def grow_catalogue(tools, seed=0):
    """Add synthetic tools until the catalogue holds `tools` tools; return how
    many were added. The bundled catalogue must be loaded first."""
    start = Tool.objects.count()
    if start >= tools:
        return 0
    material = _material(Tool)
    now = timezone.now()
    with transaction.atomic():
        for first in range(start, tools, BATCH):
            numbers = range(first, min(first + BATCH, tools))
            _write([_tool(material, number, seed, now) for number in numbers])
    return tools - start


def grow_programmes(programmes, seed=0):
    """Add synthetic programmes until the catalogue holds `programmes`; return how
    many were added. Each lists a share of the tools of its main risk area, so
    grow the tools first."""
    start = Programme.objects.count()
    if start >= programmes:
        return 0
    material = _material(Programme)
    tools_by_area = defaultdict(list)
    for tool, area in ToolCoverage.objects.order_by(
        "tool_id", "risk_area_id"
    ).values_list("tool_id", "risk_area_id"):
        tools_by_area[area].append(tool)
    now = timezone.now()
    with transaction.atomic():
        for first in range(start, programmes, BATCH):
            numbers = range(first, min(first + BATCH, programmes))
            _write_programmes(
                [
                    _programme(material, number, seed, now, tools_by_area)
                    for number in numbers
                ]
            )
    return programmes - start
