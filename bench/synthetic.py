"""Grow the loaded catalogue with synthetic tools, for measurements at scale.

    from synthetic import grow_catalogue
    grow_catalogue(10_000, seed=1)   # adds tools until there are 10,000

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
"""

import random
import re
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

BATCH = 2_000
TRANSLATED = ("name", "summary", "description", "keywords")
# Keywords are separated by commas: the Latin one, or the Arabic "،".
KEYWORD_SEPARATOR = re.compile("[,،]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A synthetic tool's slug is its model's and its number: "op-demeter-s1234".
SYNTHETIC_SLUG = r"-s[0-9]+$"


def content_languages(model):
    """The languages in which at least one record of `model` has a name."""
    languages = []
    for code, _name in settings.LANGUAGES:
        column = f"name_{code}"
        if model.objects.exclude(**{f"{column}__isnull": True}).exclude(**{column: ""}):
            languages.append(code)
    return languages


class Material:
    """What synthetic tools are made of: the bundled tools, their links and words."""

    def __init__(self):
        from programmes.models import Tool

        self.languages = content_languages(Tool)
        tools = Tool.objects.exclude(slug__regex=SYNTHETIC_SLUG)
        tools = tools.order_by("slug").prefetch_related(
            "coverage", "threats", "components", "programmes", "partners"
        )
        self.templates = []
        # (risk area id, language) -> summaries, description sentences, keywords
        self.summaries = defaultdict(list)
        self.sentences = defaultdict(list)
        self.keywords = defaultdict(list)
        self.pools = {}  # (table, risk areas, language) -> their items together
        for tool in tools:
            areas = [link.risk_area_id for link in tool.coverage.all()]
            self.templates.append(
                {
                    "tool": tool,
                    "areas": areas,
                    "coverage": [
                        (c.risk_area_id, c.level) for c in tool.coverage.all()
                    ],
                    "threats": [threat.pk for threat in tool.threats.all()],
                    "components": [c.pk for c in tool.components.all()],
                    "programmes": [p.pk for p in tool.programmes.all()],
                    "partners": [p.pk for p in tool.partners.all()],
                }
            )
            for language in self.languages:
                text = {
                    name: getattr(tool, f"{name}_{language}") or ""
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
        from risk_areas.models import Threat

        self.threats_by_area = defaultdict(list)
        for pk, area in Threat.objects.order_by("pk").values_list("pk", "risk_area"):
            self.threats_by_area[area].append(pk)
        self.kind_labels = {}
        for language in self.languages:
            with translation.override(language):
                for value, label in Tool.Kind.choices:
                    self.kind_labels[value, language] = str(label).lower()


def _pool(material, table, areas, language):
    key = (id(table), tuple(areas), language)
    if key not in material.pools:
        material.pools[key] = [item for area in areas for item in table[area, language]]
    return material.pools[key]


def _text(material, rng, template, language, number):
    areas = template["areas"]
    keywords = _pool(material, material.keywords, areas, language) or ["customs"]
    chosen = rng.sample(keywords, min(len(keywords), rng.randint(4, 10)))
    kind = material.kind_labels[template["tool"].kind, language]
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


def _tool(material, number, seed, now):
    from programmes.models import Access, PublicationStatus, Tool

    rng = random.Random(f"{seed}:{number}")
    template = rng.choice(material.templates)
    original = template["tool"]
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
    initials = "".join(
        word[0] for word in fields["name"].split()[:-2] if word[0].isalpha()
    )
    tool = Tool(
        slug=f"{original.slug[:150]}-s{number}",
        acronym=initials.upper()[:8] if rng.random() < 0.3 else "",
        kind=original.kind,
        start_year=original.start_year or rng.randint(1995, 2024),
        source_url=original.source_url,
        publication_status=PublicationStatus.PUBLISHED,
        published_at=now,
        access=Access.PUBLIC,
        last_reviewed=original.last_reviewed,
        **fields,
    )
    threats = list(template["threats"])
    if template["areas"] and rng.random() < 0.3:
        area = rng.choice(template["areas"])
        extra = [pk for pk in material.threats_by_area[area] if pk not in threats]
        if extra:
            threats.append(rng.choice(extra))
    return tool, {**template, "threats": threats}


def _write(batch):
    from programmes.models import Tool, ToolCoverage

    tools = Tool.objects.bulk_create([tool for tool, _links in batch])
    ToolCoverage.objects.bulk_create(
        ToolCoverage(tool_id=tool.pk, risk_area_id=area, level=level)
        for tool, links in zip(tools, (links for _tool, links in batch), strict=True)
        for area, level in links["coverage"]
    )
    for relation, column in (
        ("threats", "threat_id"),
        ("components", "cepcomponent_id"),
        ("programmes", "programme_id"),
        ("partners", "partner_id"),
    ):
        through = getattr(Tool, relation).through
        through.objects.bulk_create(
            through(tool_id=tool.pk, **{column: pk})
            for tool, (_tool, links) in zip(tools, batch, strict=True)
            for pk in links[relation]
        )


def grow_catalogue(tools, seed=0):
    """Add synthetic tools until the catalogue holds `tools` tools; return how
    many were added. The bundled catalogue must be loaded first."""
    from programmes.models import Tool

    start = Tool.objects.count()
    if start >= tools:
        return 0
    material = Material()
    if not material.templates:
        raise ValueError("load the bundled catalogue first: there is no tool to copy")
    now = timezone.now()
    with transaction.atomic():
        for first in range(start, tools, BATCH):
            numbers = range(first, min(first + BATCH, tools))
            _write([_tool(material, number, seed, now) for number in numbers])
    return tools - start
