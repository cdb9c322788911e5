"""Text that becomes a link: only absolute http(s) addresses, on the way in and out."""

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation

from cep_portal.templatetags.catalogue import http_url, source_links
from programmes.models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage
from programmes.roles import ensure_roles
from risk_areas.links import is_http_url
from risk_areas.models import CEPComponent, RiskArea, Threat
from tests import factories

pytestmark = pytest.mark.django_db

SOURCE = "https://www.wcoomd.org/en/topics/enforcement-and-compliance.aspx"
HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]
NOT_LINKS = [
    *HOSTILE,
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "mailto:someone@example.org",
    "ftp://ftp.example.org/file",
    "/en/topics/enforcement.aspx",
    "topics/enforcement.aspx",
    "https://",
    "https:///path-without-host",
    "https:evil.example",
    "https://www.wcoomd.org/\x00x",
    "https://www.wcoomd.org/\u202ex",
    'https://www.wcoomd.org/"onmouseover="alert(1)',
    "https://www.wcoomd.org/<b>",
]
LINKS = [
    SOURCE,
    "http://www.wcoomd.org/",
    "https://www.unodc.org/unodc/en/drug-trafficking/index.html?lang=en#top",
    "HTTPS://WWW.WCOOMD.ORG/EN",
]
MODELS = [RiskArea, Threat, CEPComponent, Partner, Programme, Tool]
LANGUAGES = ["en", "fr", "es", "ru", "ar"]


# Which values are links


@pytest.mark.parametrize("value", LINKS)
def test_is_http_url_accepts_absolute_http_addresses(value):
    assert is_http_url(value)


@pytest.mark.parametrize("value", NOT_LINKS)
def test_is_http_url_refuses_everything_else(value):
    assert not is_http_url(value)


def test_http_url_filter_renders_only_links():
    assert http_url(SOURCE) == SOURCE
    assert http_url("javascript:alert(1)") == ""
    assert http_url(None) == ""


def test_source_links_leaves_out_sources_that_are_not_http_addresses():
    programme = Programme(
        source_url="javascript:alert(1)",
        additional_sources="\n".join([*HOSTILE, SOURCE, "https://www.unodc.org/x/"]),
    )

    links = source_links(programme)

    assert [link["url"] for link in links] == [SOURCE, "https://www.unodc.org/x/"]


# Every way in: full_clean in the shell, the admin, the loader


def url_fields(model):
    """(name, kind) of the fields of `model` that become links."""
    fields = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.URLField):
            fields.append((field.name, "url"))
        elif field.name == "additional_sources":
            fields.append((field.name, "lines"))
    return fields


LINK_FIELDS = [
    (model, name, kind) for model in MODELS for name, kind in url_fields(model)
]


def test_every_url_field_of_the_catalogue_is_checked():
    assert {(m.__name__, name) for m, name, _kind in LINK_FIELDS} == {
        ("RiskArea", "source_url"),
        ("CEPComponent", "source_url"),
        ("Partner", "website"),
        ("Programme", "source_url"),
        ("Programme", "additional_sources"),
        ("Tool", "source_url"),
        ("Tool", "additional_sources"),
    }


def record_of(model):
    area = RiskArea.objects.first() or factories.make_risk_area()
    builders = {
        RiskArea: lambda: area,
        Threat: lambda: factories.make_threat(risk_area=area),
        CEPComponent: factories.make_component,
        Partner: factories.make_partner,
        Programme: factories.make_programme,
        Tool: factories.make_tool,
    }
    return builders[model]()


@pytest.mark.parametrize("value", NOT_LINKS)
@pytest.mark.parametrize(
    ("model", "name", "kind"),
    LINK_FIELDS,
    ids=[f"{m.__name__}.{n}" for m, n, _k in LINK_FIELDS],
)
def test_full_clean_refuses_a_link_that_is_not_http(model, name, kind, value):
    record = record_of(model)
    setattr(record, name, value if kind == "url" else f"{SOURCE}\n{value}")

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert name in error.value.message_dict


@pytest.mark.parametrize(
    ("model", "name", "kind"),
    LINK_FIELDS,
    ids=[f"{m.__name__}.{n}" for m, n, _k in LINK_FIELDS],
)
def test_full_clean_accepts_http_links(model, name, kind):
    record = record_of(model)
    setattr(record, name, SOURCE if kind == "url" else "\n".join(LINKS) + "\n\n")

    record.full_clean()


def test_additional_sources_message_names_the_bad_line():
    programme = factories.make_programme()
    programme.additional_sources = f"{SOURCE}\n//evil.example/phish"

    with pytest.raises(ValidationError) as error:
        programme.full_clean()

    (message,) = error.value.message_dict["additional_sources"]
    assert message.startswith("Line 2 is not an absolute web address")


@pytest.fixture
def editor(django_user_model, client):
    """A signed-in member of the Editors group: staff, not a superuser."""
    ensure_roles()
    user = django_user_model.objects.create_user(
        "editor", password="pw-editor-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def admin_post_data(programme):
    """What the programme's change form posts, as it was opened."""
    return {
        "name_en": programme.name_en,
        "slug": programme.slug,
        "order": programme.order,
        "status": programme.status,
        "publication_status": programme.publication_status,
        "access": programme.access,
        "source_url": programme.source_url,
        "additional_sources": "",
        "loaded_version": programme.updated.isoformat(),
        "coverage-TOTAL_FORMS": "0",
        "coverage-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["source_url", "additional_sources"])
def test_admin_refuses_a_hostile_source_from_an_editor(client, editor, name, value):
    programme = factories.make_programme()
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = admin_post_data(programme)
    data[name] = value if name == "source_url" else f"{SOURCE}\n{value}"

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "http:// or https://" in " ".join(errors[name])
    programme.refresh_from_db()
    assert programme.source_url == SOURCE
    assert programme.additional_sources == ""


def test_admin_saves_http_sources_from_an_editor(client, editor):
    programme = factories.make_programme()
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = admin_post_data(programme)
    data["additional_sources"] = "https://www.unodc.org/a\r\nhttp://www.interpol.int/b"

    response = client.post(url, data)

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.sources == [
        SOURCE,
        "https://www.unodc.org/a",
        "http://www.interpol.int/b",
    ]


def change_form_data(response):
    """What an admin change form posts as it was drawn, inlines' management too."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(k): v for k, v in management.initial.items()}
        )
        for inline_form in inline.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = value
    return data


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("admin_name", "build", "field"),
    [
        ("programmes_partner", factories.make_partner, "website"),
        ("risk_areas_riskarea", factories.make_risk_area, "source_url"),
        ("risk_areas_cepcomponent", factories.make_component, "source_url"),
    ],
)
def test_admin_refuses_a_hostile_link_on_every_record(
    client, editor, admin_name, build, field, value
):
    record = build(**{field: SOURCE})
    url = reverse(f"admin:{admin_name}_change", args=[record.pk])
    data = change_form_data(client.get(url))
    data[field] = value

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "http:// or https://" in " ".join(errors[field])
    record.refresh_from_db()
    assert getattr(record, field) == SOURCE


# Legacy rows: every text field hostile, written past the validation


def text_fields(model):
    """Every free text and URL column of `model` (slugs and choices left out)."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
    ]


def hostile_catalogue(value):
    """One record of every model, linked together, every text field set to `value`."""
    area = factories.make_risk_area("Area")
    threat = factories.make_threat("Threat", risk_area=area)
    component = factories.make_component("Component")
    partner = factories.make_partner("Partner")
    programme = factories.make_programme(
        "Programme", risk_areas=[area], partners=[partner], threats=[threat]
    )
    tool = factories.make_tool(
        "Tool",
        risk_areas=[area],
        components=[component],
        programmes=[programme],
        partners=[partner],
        threats=[threat],
    )
    records = [area, threat, component, partner, programme, tool]
    for record in records:
        model = type(record)
        # Unique per record, so that unique names stay unique.
        texts = {
            field.name: f"{value} {model.__name__}"[: field.max_length]
            for field in map(model._meta.get_field, text_fields(model))
        }
        for name in {"source_url", "website", "additional_sources"} & set(texts):
            texts[name] = value
        if "additional_sources" in texts:
            texts["additional_sources"] = "\n".join([value, *HOSTILE])
        model.objects.filter(pk=record.pk).update(**texts)
    return {type(record).__name__: record for record in records}


def public_pages(records):
    """Every public page a hostile record shows on, with its address."""
    programme, tool = records["Programme"], records["Tool"]
    pages = [
        reverse("home"),
        reverse("risk_areas:riskarea-list"),
        reverse("risk_areas:cepcomponent-list"),
        reverse("programmes:programme-list"),
        reverse("programmes:tool-list"),
        reverse("programmes:partner-list"),
        reverse("programmes:coverage"),
        f"{reverse('programmes:search')}?q=Programme",
        f"{reverse('programmes:search')}?q=Tool",
        f"{reverse('programmes:search')}?q=alert",
        f"{reverse('programmes:compare')}?programme={programme.slug}",
        f"{reverse('programmes:compare')}?tool={tool.slug}",
        reverse("updates-feed"),
        reverse("sitemap"),
    ]
    for language in LANGUAGES:
        with translation.override(language):
            pages += [
                records[name].get_absolute_url()
                for name in ("RiskArea", "CEPComponent", "Partner", "Programme", "Tool")
            ]
    return pages


class LiveMarkup(HTMLParser):
    """Notes links to other schemes and markup that was not escaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("an injected <img>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event attribute {name}={value!r}")
            if name in ("href", "src", "action", "formaction", "srcset") and value:
                address = "".join(value.split()).lower()
                scheme = address.startswith(("javascript:", "data:", "vbscript:"))
                if scheme or urlsplit(address).netloc == "evil.example":
                    self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self.lasttag == "script" and "alert(1)" in data:
            self.found.append("an injected <script>")


def live_markup(text):
    parser = LiveMarkup()
    parser.feed(text)
    parser.close()
    return parser.found


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_legacy_text_never_becomes_a_live_link_or_markup(client, value):
    records = hostile_catalogue(value)

    problems = []
    for page in public_pages(records):
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        problems += [f"{page}: {found}" for found in live_markup(text)]
        if value.startswith(("<", '"')):
            # The markup is on the page (the test would pass on an empty one)...
            shown = "&lt;script&gt;" in text or "&lt;img" in text or "#x27;" in text
            assert shown or page.endswith(".xml"), page

    assert problems == []


def test_hostile_record_pages_show_the_text_escaped(client):
    records = hostile_catalogue("<script>alert(1)</script>")

    response = client.get(records["Programme"].get_absolute_url())

    text = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Programme" in text
    assert "<script>alert(1)</script>" not in text


EXPORTS = [
    ("programmes:programme-list", {}),
    ("programmes:tool-list", {}),
    ("programmes:search", {"q": "Tool"}),
    ("programmes:coverage", {}),
]


@pytest.mark.parametrize("export_format", ["csv", "json"])
@pytest.mark.parametrize(("name", "params"), EXPORTS)
def test_exports_hold_hostile_text_as_inert_data(client, name, params, export_format):
    value = '"><img src=x onerror=alert(1)>'
    hostile_catalogue(value)

    response = client.get(reverse(name), {**params, "format": export_format})

    assert response.status_code == 200
    assert "html" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    if export_format == "json":
        cells = json.dumps(json.loads(text), ensure_ascii=False)
    else:
        cells = json.dumps(list(csv.reader(io.StringIO(text))), ensure_ascii=False)
    assert "javascript:" not in cells
    # The text is exported as it is stored: data for a program, not a page.
    if name != "programmes:coverage":
        assert "img src=x onerror=alert(1)>" in cells


# The loader


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("field", "model"),
    [
        ("source_url", "programmes.tool"),
        ("additional_sources", "programmes.tool"),
        ("website", "programmes.partner"),
        ("source_url", "risk_areas.cepcomponent"),
    ],
)
def test_load_catalogue_refuses_a_hostile_link(
    tmp_path, monkeypatch, field, model, value
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.chdir(tmp_path)
    fields = {"slug": "x", "name_en": "X"}
    if model == "programmes.tool":
        fields.update(kind="report", source_url=SOURCE)
    record = {"model": model, "fields": {**fields, field: value}}
    (tmp_path / "bad.json").write_text(json.dumps([record]), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", "bad.json", stdout=io.StringIO())

    message = str(error.value)
    assert message.startswith(f'bad.json, record 1 (slug "x"), field "{field}": ')
    assert "http:// or https://" in message
    assert not any(
        model.objects.exists() for model in [*MODELS, ProgrammeCoverage, ToolCoverage]
    )
