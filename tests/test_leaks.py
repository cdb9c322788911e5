"""Drafts and restricted records never leak, through any channel.

The catalogue built here puts, next to ordinary public records, restricted and
draft programmes and tools linked in every relation there is (risk areas,
threats, CEP components, partners, public programmes and tools, successors).
Each secret record carries its own made-up words in every text field and slug,
so a leak anywhere shows up as a word that should not be there.

Two kinds of test:

- Crawls. Every URL pattern of the site, filled with every record's slug, in
  every language, plus every filter value, search query and export format, plus
  every same-site link found on the pages: no response may carry a word of a
  record the reader may not see. Asking for a secret record must answer exactly
  as asking for one that was never there.
- Channels. Lists, counts, filter options, search, coverage, compare, exports,
  sitemap and feed, each as an anonymous reader, a signed-in user without the
  permission (`outsider`) and a `member`: members see restricted records once
  published, never drafts; the others see neither.
"""

import csv
import html
import io
import json
import re
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import timezone, translation

from programmes.models import Access, Partner, Programme, PublicationStatus, Tool
from risk_areas.models import CEPComponent, RiskArea, Threat
from tests.factories import (
    make_component,
    make_partner,
    make_programme,
    make_risk_area,
    make_threat,
    make_tool,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
READERS = ["anonymous", "outsider", "member"]
EXPORT_FORMATS = ["csv", "json"]

# Channels the issue names that live at fixed addresses. A crawl that cannot
# reach one would pass without testing it, so their absence is a failure.
REQUIRED_PAGES = {
    "search": "/search/",
    "coverage matrix": "/coverage/",
    "compare": "/compare/",
    "sitemap": "/sitemap.xml",
    "robots.txt": "/robots.txt",
    "feed": "/feeds/updates/",
}
# URL names the crawl leaves out, and why.
NOT_CRAWLED = {
    "set_language": "POST only",
    "logout": "POST only, and it would end the crawl's session",
    "password_reset_confirm": "takes a one-time token, never a record",
}
# Stops a crawl that keeps finding new addresses (a link generator gone wrong).
MAX_CRAWL = 6000


# The secret records ------------------------------------------------------------


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


def visible_names(reader, kind):
    names = list(PUBLIC_PROGRAMMES if kind == "programme" else PUBLIC_TOOLS)
    if reader == "member":
        names += [
            secret.name
            for secret in SECRETS.values()
            if secret.kind == kind and secret.visible_to_members
        ]
    return sorted(names)


def build_catalogue():
    """Public records and secret ones, linked to each other in every relation."""
    revenue = make_risk_area(name="Revenue", slug="revenue")
    drugs = make_risk_area(name="Drugs", slug="drugs")
    security = make_risk_area(name="Security", slug="security")
    undervaluation = make_threat(name="Undervaluation", risk_area=revenue)
    smuggling = make_threat(name="Drug smuggling", risk_area=drugs)
    # Only secret records deal with these: publicly they are empty.
    explosives = make_threat(name="Explosives", risk_area=security)
    tools_component = make_component(name="Tools", slug="tools")
    operations = make_component(name="Operational activities", slug="operations")
    unodc = make_partner(name="UNODC")
    interpol = make_partner(name="INTERPOL")
    quiet_partner = make_partner(name="Quiet Partner")

    revenue_programme = make_programme(
        name="Revenue Programme",
        order=1,
        risk_areas=[revenue],
        partners=[unodc],
        threats=[undervaluation],
        summary="Revenue assurance for member administrations.",
    )
    drugs_programme = make_programme(
        name="Drugs Programme",
        order=2,
        risk_areas=[drugs],
        supporting=[revenue],
        partners=[interpol],
        threats=[smuggling],
    )
    network = make_tool(
        name="Customs Enforcement Network",
        risk_areas=[drugs],
        components=[tools_component],
        programmes=[drugs_programme],
        partners=[interpol],
        threats=[smuggling],
    )
    guide = make_tool(
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
        builder = make_programme if spec.kind == "programme" else make_tool
        return builder(**spec.fields(), **links)

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
    make_programme(
        name="Old Revenue Programme",
        order=9,
        risk_areas=[revenue],
        status=Programme.Status.MERGED,
        successor=restricted_programme,
        merged_on=timezone.localdate(),
    )
    secret(
        "restricted_predecessor",
        order=8,
        risk_areas=[drugs],
        partners=[interpol],
        threats=[smuggling],
        status=Programme.Status.MERGED,
        successor=revenue_programme,
        merged_on=timezone.localdate(),
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


@pytest.fixture
def catalogue():
    build_catalogue()


@pytest.fixture
def reader_client(request, client, django_user_model):
    """A client for the reader named by the test's `reader` parameter."""

    def sign_in(reader):
        if reader == "anonymous":
            return client
        user = request.getfixturevalue(reader)
        client.force_login(user)
        return client

    return sign_in


# Reading responses ------------------------------------------------------------


def body_of(response):
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def text_of(response):
    """Everything a reader receives: headers that carry text, then the body."""
    headers = [
        f"{name}: {value}"
        for name, value in response.items()
        if name.lower() in {"location", "content-disposition", "link", "title"}
    ]
    return "\n".join([*headers, body_of(response)])


def leaked_tokens(text, url, secrets):
    """The words of `secrets` in `text`, other than those the URL itself carries."""
    asked = html.unescape(url).lower()
    text = text.lower()
    return sorted(
        {
            token
            for secret in secrets
            for token in secret.tokens
            if token not in asked and token in text
        }
    )


def excerpt(text, token, width=80):
    at = text.lower().find(token)
    return text[max(at - width, 0) : at + len(token) + width].replace("\n", " ")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.links.append(value)


LOC = re.compile(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"|\"url\": \"([^\"]+)\"")


def links_in(response, text):
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        parser = LinkParser()
        parser.feed(text)
        return parser.links
    return [html.unescape(next(g for g in match if g)) for match in LOC.findall(text)]


def same_site(link, base):
    """The path and query of a link on this site, or None for other sites."""
    parts = urlsplit(link)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    if parts.netloc and parts.netloc != "testserver":
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    query = parts.query if parts.path or parts.query else urlsplit(base).query
    return f"{path}?{query}" if query else path


def skipped(url):
    path = urlsplit(url).path
    return (
        path.startswith(("/admin/", settings.STATIC_URL.join("//"), "/static/"))
        or any(path.endswith(f"/{name}/") for name in ("logout",))
        or path == reverse("set_language")
    )


def canonical(url):
    """One address per page: sign-in's `next` and the parameter order don't count."""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, True) if k != "next")
    return f"{parts.path}?{urlencode(query)}" if query else parts.path


# The site's URLs --------------------------------------------------------------


def url_patterns():
    """(name, pattern) of every named URL of the site, namespaces included."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}{pattern.name}", pattern

    return [
        (name, pattern)
        for name, pattern in walk(get_resolver().url_patterns, "")
        if not name.startswith("admin:") and name not in NOT_CRAWLED
    ]


def view_class(pattern):
    return getattr(pattern.callback, "view_class", None)


def records_for(pattern):
    """The model a slug pattern shows, from its view."""
    model = getattr(view_class(pattern), "model", None)
    if model is None:
        pytest.fail(
            f"The crawl can't tell which records {pattern.name!r} shows: "
            "give its view a `model`, or teach records_for() about it."
        )
    return model


@dataclass
class Seed:
    url: str
    expect: str = ""  # "found", "missing" or "" (anything but a server error)
    # A hidden record's slug in the URL: the page must answer word for word as
    # it does with `stand_in`, a slug that never existed, in its place.
    secret: str = ""
    stand_in: str = ""

    @property
    def compare_with(self):
        return self.url.replace(self.secret, self.stand_in) if self.secret else ""


def hiding(url, record, expect=""):
    return Seed(url, expect, record.slug, NEVER_EXISTED[record.kind])


def pattern_seeds(hidden, languages=LANGUAGES):
    """Every URL pattern, filled with every record's slug, in `languages`."""
    hidden = {record.slug: record for record in hidden}
    seeds = []
    for name, pattern in url_patterns():
        parameters = set(pattern.pattern.regex.groupindex)
        for language in languages:
            with translation.override(language):
                if not parameters:
                    seeds.append(Seed(reverse(name)))
                    continue
                if parameters != {"slug"}:
                    pytest.fail(
                        f"The crawl doesn't know how to fill {name!r} "
                        f"({sorted(parameters)}): teach pattern_seeds() about it."
                    )
                model = records_for(pattern)
                preview = getattr(view_class(pattern), "preview", False)
                for slug in model.objects.values_list("slug", flat=True):
                    url = reverse(name, kwargs={"slug": slug})
                    if slug in hidden:
                        seeds.append(hiding(url, hidden[slug], "missing"))
                    elif preview:
                        seeds.append(Seed(url, "missing"))
                    else:
                        seeds.append(Seed(url, "found"))
    return seeds


def page_path(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def query_pages():
    """The pages that take filters, search words or compare picks."""
    pages = [
        "programmes:programme-list",
        "programmes:tool-list",
        "programmes:partner-list",
        "risk_areas:riskarea-list",
        "risk_areas:cepcomponent-list",
        "home",
    ]
    paths = [page_path(name) for name in pages]
    paths += [REQUIRED_PAGES[name] for name in ("search", "coverage matrix", "compare")]
    return list(dict.fromkeys(path for path in paths if path))


def filter_values():
    """(parameter, value) for every filter value a list understands, and more."""
    values = [("q", word) for word in SEARCH_WORDS]
    values += [
        ("risk_area", slug) for slug in RiskArea.objects.values_list("slug", flat=True)
    ]
    values += [
        ("threat", slug) for slug in Threat.objects.values_list("slug", flat=True)
    ]
    values += [
        ("component", slug)
        for slug in CEPComponent.objects.values_list("slug", flat=True)
    ]
    values += [
        ("partner", slug) for slug in Partner.objects.values_list("slug", flat=True)
    ]
    values += [("kind", kind) for kind in Tool.Kind.values]
    values += [("status", status) for status in Programme.Status.values]
    values += [("sort", sort) for sort in ("name", "-name", "recent", "wco")]
    values += [("page", page) for page in ("2", "last")]
    return values


def exporting(client, path):
    """Does the page answer `?format=csv` with a download?"""
    response = client.get(f"{path}?format=csv")
    return not response.get("Content-Type", "").startswith("text/html")


FORM_FIELD = r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"'


def fields_of(client, path):
    """Names of the form fields the page offers, which its query strings use."""
    response = client.get(path)
    names = re.findall(
        r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', body_of(response)
    )
    return set(names) | {"page"}


def query_seeds(client, hidden, languages=LANGUAGES, thorough=True):
    """Pages that take a query, with every value, secret slugs and words included.

    `thorough` tries every filter value; otherwise only the secret values and the
    search words. A secret value must give the very page a value that never
    existed gives. Pages that export are asked for every format too.
    """
    programme_slugs = list(Programme.objects.values_list("slug", flat=True))
    tool_slugs = list(Tool.objects.values_list("slug", flat=True))
    public_programme = Programme.objects.visible_to(AnonymousUser()).first().slug
    public_tool = Tool.objects.visible_to(AnonymousUser()).first().slug
    seeds = []
    for path in query_pages():
        queries = [[("q", word)] for word in SEARCH_WORDS]
        if thorough:
            offered = fields_of(client, path)
            queries += [
                [(name, value)] for name, value in filter_values() if name in offered
            ]
        queries += [[("programme", slug)] for slug in programme_slugs]
        queries += [[("tool", slug)] for slug in tool_slugs]
        if path == REQUIRED_PAGES["compare"]:
            # A visible record beside each of the others.
            queries += [
                [("programme", public_programme), ("programme", slug)]
                for slug in programme_slugs
            ]
            queries += [[("tool", public_tool), ("tool", slug)] for slug in tool_slugs]
        formats = ["", *EXPORT_FORMATS] if exporting(client, path) else [""]
        for query in queries:
            for export in formats:
                full = query + ([("format", export)] if export else [])
                url = f"{path}?{urlencode(full)}"
                secret = next(
                    (s for s in hidden for _n, value in query if value == s.slug), None
                )
                if secret is not None:
                    seeds.append(hiding(url, secret))
                else:
                    seeds.append(Seed(url))
    # Search in each language: it reads the translated fields.
    for language in languages:
        with translation.override(language):
            prefix = reverse("home").rstrip("/")
        for word in SEARCH_WORDS:
            for path in query_pages():
                seeds.append(Seed(f"{prefix}{path}?{urlencode({'q': word})}"))
    return seeds


def normalised(text):
    # CSRF tokens differ from one response to the next.
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", text)


@dataclass
class Crawl:
    fetched: dict  # canonical url -> status
    problems: list


def language_of(url):
    first = urlsplit(url).path.split("/")[1]
    return first if first in LANGUAGES else settings.LANGUAGE_CODE


def worth_following(link, page, languages):
    """Links into `languages`; a language switch only between pages without a query.

    Every page links to itself in each language: following that from every
    filtered list would crawl each filter combination five times over.
    """
    language = language_of(link)
    if language not in languages:
        return False
    return language == language_of(page) or not urlsplit(link).query


def crawl(client, hidden, seeds, languages=LANGUAGES, follow=True):
    """Fetch every seed and every same-site link found, breadth first.

    No response may carry a token of the `hidden` records, unless the URL asked
    for it. Links found on pages that answer 200 must work.
    """
    problems = []
    fetched = {}
    queue = deque()
    seen = set()
    for seed in seeds:
        if canonical(seed.url) not in seen:
            seen.add(canonical(seed.url))
            queue.append((seed, ""))
    while queue:
        seed, found_on = queue.popleft()
        if len(fetched) >= MAX_CRAWL:
            problems.append(f"gave up after {MAX_CRAWL} pages: links keep multiplying")
            break
        where = f"{seed.url}" + (f" (linked from {found_on})" if found_on else "")
        try:
            response = client.get(seed.url)
            text = text_of(response)
        except Exception as error:  # noqa: BLE001 - one broken page must not hide the rest
            problems.append(f"{where} fails: {type(error).__name__}: {error}")
            fetched[canonical(seed.url)] = 500
            continue
        fetched[canonical(seed.url)] = response.status_code
        for token in leaked_tokens(text, seed.url, hidden):
            problems.append(f"{where} shows {token!r}: …{excerpt(text, token)}…")
        if response.status_code == 403:
            problems.append(f"{where} answers 403: it should not admit existence")
        if seed.expect == "missing" and response.status_code != 404:
            problems.append(f"{where} answers {response.status_code}, not 404")
        if seed.expect == "found" and response.status_code != 200:
            problems.append(f"{where} answers {response.status_code}, not 200")
        if found_on and response.status_code == 404:
            problems.append(f"{where} is a broken link: 404")
        if seed.compare_with:
            try:
                other = client.get(seed.compare_with)
            except Exception as error:  # noqa: BLE001
                problems.append(f"{seed.compare_with} fails: {error!r}")
                continue
            mine = normalised(text).replace(seed.secret, "VALUE")
            theirs = normalised(text_of(other)).replace(seed.stand_in, "VALUE")
            if (response.status_code, mine) != (other.status_code, theirs):
                problems.append(
                    f"{where} answers differently from {seed.compare_with}, "
                    "so the secret record's existence shows"
                )
        links = []
        if response.status_code in {301, 302}:
            links.append(response["Location"])
        elif response.status_code == 200 and follow:
            links += links_in(response, text)
        for link in links:
            url = same_site(html.unescape(link), seed.url)
            if url is None or skipped(url):
                continue
            if not worth_following(url, seed.url, languages):
                continue
            key = canonical(url)
            if key not in seen:
                seen.add(key)
                queue.append((Seed(url), seed.url))
    return Crawl(fetched, problems)


def report(result):
    shown = "\n".join(result.problems[:400])
    more = len(result.problems) - 400
    tail = f"\n… and {more} more" if more > 0 else ""
    count = len(result.problems)
    return f"{count} problems in {len(result.fetched)} pages:\n{shown}{tail}"


def is_registered(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def require(channel):
    """The channel's path; fails, naming it, while nothing answers there."""
    path = REQUIRED_PAGES[channel]
    if not is_registered(path):
        pytest.fail(
            f"The {channel} ({path}) is not registered yet, so the leak tests "
            "can't reach it."
        )
    return path


# Channels exist -------------------------------------------------------------------


@pytest.mark.parametrize("channel", sorted(REQUIRED_PAGES))
def test_public_channel_is_registered(channel):
    require(channel)


# The crawls ---------------------------------------------------------------------


def test_crawl_as_anonymous_shows_no_restricted_or_draft_word(client, catalogue):
    hidden = secrets_hidden_from("anonymous")
    seeds = pattern_seeds(hidden) + query_seeds(client, hidden)

    result = crawl(client, hidden, seeds)

    assert not result.problems, report(result)


def test_crawl_signed_in_without_permission_shows_no_restricted_or_draft_word(
    reader_client, catalogue
):
    client = reader_client("outsider")
    hidden = secrets_hidden_from("outsider")
    seeds = pattern_seeds(hidden, ["en", "ar"]) + query_seeds(
        client, hidden, ["ar"], thorough=False
    )

    result = crawl(client, hidden, seeds, languages=["en", "ar"])

    assert not result.problems, report(result)


def test_crawl_as_member_shows_no_draft_word(reader_client, catalogue):
    client = reader_client("member")
    hidden = secrets_hidden_from("member")
    seeds = pattern_seeds(hidden, ["en", "fr"]) + query_seeds(
        client, hidden, ["fr"], thorough=False
    )

    result = crawl(client, hidden, seeds, languages=["en", "fr"])

    assert not result.problems, report(result)


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


def test_crawl_of_the_bundled_catalogue_never_reveals_a_restricted_record(client):
    call_command("load_catalogue", stdout=io.StringIO())
    anonymous = AnonymousUser()
    hidden = [
        CatalogueRecord(kind, slug)
        for kind, model in (("programme", Programme), ("tool", Tool))
        for slug in model.objects.exclude(
            pk__in=model.objects.visible_to(anonymous)
        ).values_list("slug", flat=True)
    ]

    result = crawl(client, hidden, pattern_seeds(hidden, ["en"]), languages=["en"])

    # The catalogue marks some genuinely restricted items as restricted.
    assert len(hidden) >= 3
    assert not result.problems, report(result)


def test_crawl_notices_a_record_shown_to_the_wrong_reader(
    client, catalogue, monkeypatch
):
    # The crawl itself must be able to fail: with visibility switched off, the
    # secret words show and the secret pages answer.
    monkeypatch.setattr(
        "programmes.models.EditorialQuerySet.visible_to", lambda self, user: self.all()
    )
    seeds = [Seed(reverse("programmes:programme-list"))] + [
        Seed(reverse("programmes:tool-detail", kwargs={"slug": secret.slug}), "missing")
        for secret in SECRETS.values()
        if secret.kind == "tool"
    ]

    result = crawl(client, secrets_hidden_from("anonymous"), seeds, follow=False)

    assert any("zyxquartzrp" in problem for problem in result.problems)
    assert any("not 404" in problem for problem in result.problems)


def test_crawl_reaches_every_url_pattern_of_the_site(client, catalogue):
    seeds = pattern_seeds(secrets_hidden_from("anonymous"), ["en"])

    reached = {resolve(urlsplit(seed.url).path).view_name for seed in seeds}

    assert reached == {name for name, _pattern in url_patterns()}


# Channels, reader by reader ---------------------------------------------------------


def names_of(records):
    return sorted(str(record.name) for record in records)


def expected(of, reader, **conditions):
    """Names of the records (`of` "programme" or "tool") the reader should find.

    Worked out from the catalogue as built, not through `visible_to()`.
    """
    model = Programme if of == "programme" else Tool
    records = model.objects.filter(name__in=visible_names(reader, of), **conditions)
    return sorted(set(records.values_list("name", flat=True)))


def assert_hides_secrets(response, reader, shows=()):
    """No word of a record hidden from `reader`; every name in `shows` present."""
    text = text_of(response)
    asked = (
        f"{response.request['PATH_INFO']}?{response.request.get('QUERY_STRING', '')}"
    )
    leaked = leaked_tokens(text, asked, secrets_hidden_from(reader))
    assert leaked == [], [excerpt(text, token) for token in leaked]
    for name in shows:
        assert name in html.unescape(text), name


def facet_counts(response, name):
    facet = next(f for f in response.context["facets"] if f.name == name)
    return {option["value"]: option["count"] for option in facet}


@pytest.mark.parametrize("reader", READERS)
def test_programme_list_shows_and_counts_only_what_the_reader_may_see(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("programmes:programme-list"))

    assert response.status_code == 200
    assert names_of(response.context["object_list"]) == visible_names(
        reader, "programme"
    )
    assert response.context["result_count"] == len(visible_names(reader, "programme"))
    assert_hides_secrets(response, reader, shows=visible_names(reader, "programme"))


@pytest.mark.parametrize("reader", READERS)
def test_programme_list_filter_options_count_only_visible_programmes(
    reader, reader_client, catalogue
):
    client = reader_client(reader)
    visible_tools = expected("tool", reader)

    response = client.get(reverse("programmes:programme-list"))

    assert facet_counts(response, "risk_area") == {
        area.slug: len(expected("programme", reader, coverage__risk_area=area))
        for area in RiskArea.objects.all()
    }
    assert facet_counts(response, "partner") == {
        partner.slug: len(expected("programme", reader, partners=partner))
        for partner in Partner.objects.all()
    }
    assert facet_counts(response, "component") == {
        component.slug: len(
            expected(
                "programme",
                reader,
                tools__components=component,
                tools__name__in=visible_tools,
            )
        )
        for component in CEPComponent.objects.all()
    }
    assert facet_counts(response, "status") == {
        status: len(expected("programme", reader, status=status))
        for status in Programme.Status.values
    }


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("risk_area", ["revenue", "drugs", "security"])
def test_programme_list_filtered_by_risk_area_counts_only_visible_programmes(
    reader, risk_area, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(
        reverse("programmes:programme-list"), {"risk_area": risk_area}
    )

    wanted = expected("programme", reader, coverage__risk_area__slug=risk_area)
    assert names_of(response.context["object_list"]) == wanted
    assert response.context["result_count"] == len(wanted)


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_shows_and_counts_only_what_the_reader_may_see(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("programmes:tool-list"))

    assert response.status_code == 200
    assert names_of(response.context["object_list"]) == visible_names(reader, "tool")
    assert response.context["result_count"] == len(visible_names(reader, "tool"))
    assert_hides_secrets(response, reader, shows=visible_names(reader, "tool"))


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_filter_options_count_only_visible_tools(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("programmes:tool-list"))

    assert facet_counts(response, "risk_area") == {
        area.slug: len(expected("tool", reader, coverage__risk_area=area))
        for area in RiskArea.objects.all()
    }
    assert facet_counts(response, "component") == {
        component.slug: len(expected("tool", reader, components=component))
        for component in CEPComponent.objects.all()
    }
    assert facet_counts(response, "partner") == {
        partner.slug: len(expected("tool", reader, partners=partner))
        for partner in Partner.objects.all()
    }
    assert facet_counts(response, "kind") == {
        kind: len(expected("tool", reader, kind=kind)) for kind in Tool.Kind.values
    }
    # A programme the reader may not see is not even an option.
    programmes = Programme.objects.filter(name__in=visible_names(reader, "programme"))
    assert facet_counts(response, "programme") == {
        programme.slug: len(expected("tool", reader, programmes=programme))
        for programme in programmes
    }


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_filtered_by_secret_programme_is_like_an_unknown_one(
    reader, reader_client, catalogue
):
    client = reader_client(reader)
    secret = SECRETS["restricted_programme"]

    response = client.get(reverse("programmes:tool-list"), {"programme": secret.slug})

    if reader == "member":
        assert names_of(response.context["object_list"]) == expected(
            "tool", reader, programmes__slug=secret.slug
        )
        assert response.context["ignored"] == []
    else:
        assert names_of(response.context["object_list"]) == visible_names(
            reader, "tool"
        )
        assert len(response.context["ignored"]) == 1


@pytest.mark.parametrize("reader", READERS)
def test_home_counts_only_visible_records(reader, reader_client, catalogue):
    client = reader_client(reader)

    response = client.get(reverse("home"))

    context = response.context
    assert context["programme_total"] == len(visible_names(reader, "programme"))
    assert context["tool_total"] == len(visible_names(reader, "tool"))
    assert {
        area.slug: (area.programme_count, area.tool_count)
        for area in context["risk_areas"]
    } == {
        area.slug: (
            len(expected("programme", reader, coverage__risk_area=area)),
            len(expected("tool", reader, coverage__risk_area=area)),
        )
        for area in RiskArea.objects.all()
    }
    assert {c.slug: c.tool_count for c in context["components"]} == {
        "tools": len(expected("tool", reader, components__slug="tools")),
        "operations": len(expected("tool", reader, components__slug="operations")),
    }
    assert_hides_secrets(response, reader)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("page", ["home", "risk_areas:cepcomponent-list"])
def test_cross_table_counts_only_visible_tools(reader, page, reader_client, catalogue):
    client = reader_client(reader)

    response = client.get(reverse(page))

    cells = {
        (row["risk_area"].slug, cell["component"].slug): cell["count"]
        for row in response.context["matrix"]
        for cell in row["cells"]
    }
    assert cells == {
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
    assert cells[("security", "operations")] == (1 if reader == "member" else 0)


@pytest.mark.parametrize("reader", READERS)
def test_risk_area_list_counts_only_visible_records(reader, reader_client, catalogue):
    client = reader_client(reader)

    response = client.get(reverse("risk_areas:riskarea-list"))

    assert {
        area.slug: (area.programme_count, area.tool_count)
        for area in response.context["risk_areas"]
    } == {
        slug: (
            len(expected("programme", reader, coverage__risk_area__slug=slug)),
            len(expected("tool", reader, coverage__risk_area__slug=slug)),
        )
        for slug in ("revenue", "drugs", "security")
    }


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["revenue", "drugs", "security"])
def test_risk_area_page_lists_and_counts_only_visible_records(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("risk_areas:riskarea-detail", kwargs={"slug": slug}))

    context = response.context
    programmes = [
        link.programme
        for link in context["primary_coverage"] + context["supporting_coverage"]
    ]
    assert names_of(programmes) == expected(
        "programme", reader, coverage__risk_area__slug=slug
    )
    tools = expected("tool", reader, coverage__risk_area__slug=slug)
    assert names_of(link.tool for link in context["tool_coverage"]) == tools
    assert context["tool_total"] == len(tools)
    for threat in context["risk_area"].threats.all():
        assert names_of(threat.tools.all()) == expected("tool", reader, threats=threat)
    assert_hides_secrets(response, reader, shows=names_of(programmes) + tools)


@pytest.mark.parametrize("reader", READERS)
def test_component_list_counts_only_visible_records(reader, reader_client, catalogue):
    client = reader_client(reader)

    response = client.get(reverse("risk_areas:cepcomponent-list"))

    assert {
        component.slug: (component.tool_count, component.programme_count)
        for component in response.context["components"]
    } == {
        slug: (
            len(expected("tool", reader, components__slug=slug)),
            len(
                expected(
                    "programme",
                    reader,
                    tools__components__slug=slug,
                    tools__name__in=expected("tool", reader),
                )
            ),
        )
        for slug in ("tools", "operations")
    }


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["tools", "operations"])
def test_component_page_lists_only_visible_records(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(
        reverse("risk_areas:cepcomponent-detail", kwargs={"slug": slug})
    )

    context = response.context
    tools = expected("tool", reader, components__slug=slug)
    assert names_of(context["tools"]) == tools
    assert {
        row["risk_area"].slug: row["count"] for row in context["tools_by_area"]
    } == {
        area: len(
            expected(
                "tool", reader, components__slug=slug, coverage__risk_area__slug=area
            )
        )
        for area in ("revenue", "drugs", "security")
    }
    shown = names_of(row["programme"] for row in context["programme_rows"])
    assert shown == expected(
        "programme", reader, tools__components__slug=slug, tools__name__in=tools
    )
    assert_hides_secrets(response, reader, shows=tools + shown)


@pytest.mark.parametrize("reader", READERS)
def test_partner_list_counts_only_visible_records(reader, reader_client, catalogue):
    client = reader_client(reader)

    response = client.get(reverse("programmes:partner-list"))

    assert {
        partner.slug: (partner.programme_count, partner.tool_count)
        for partner in response.context["partners"]
    } == {
        partner.slug: (
            len(expected("programme", reader, partners=partner)),
            len(expected("tool", reader, partners=partner)),
        )
        for partner in Partner.objects.all()
    }


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["unodc", "interpol", "quiet-partner"])
def test_partner_page_lists_only_visible_records(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("programmes:partner-detail", kwargs={"slug": slug}))

    partner = response.context["partner"]
    assert names_of(partner.visible_programmes) == expected(
        "programme", reader, partners__slug=slug
    )
    assert names_of(partner.visible_tools) == expected(
        "tool", reader, partners__slug=slug
    )
    assert_hides_secrets(
        response,
        reader,
        shows=names_of(partner.visible_programmes) + names_of(partner.visible_tools),
    )


@pytest.mark.parametrize("reader", READERS)
def test_programme_page_links_only_visible_tools_and_predecessors(
    reader, reader_client, catalogue
):
    client = reader_client(reader)
    url = reverse("programmes:programme-detail", kwargs={"slug": "revenue-programme"})

    response = client.get(url)

    programme = response.context["programme"]
    assert names_of(programme.visible_tools) == expected(
        "tool", reader, programmes__slug="revenue-programme"
    )
    assert names_of(programme.visible_predecessors) == expected(
        "programme", reader, successor__slug="revenue-programme"
    )
    assert_hides_secrets(
        response,
        reader,
        shows=names_of(programme.visible_tools)
        + names_of(programme.visible_predecessors),
    )


@pytest.mark.parametrize("reader", READERS)
def test_programme_page_names_a_successor_only_if_the_reader_may_see_it(
    reader, reader_client, catalogue
):
    client = reader_client(reader)
    url = reverse(
        "programmes:programme-detail", kwargs={"slug": "old-revenue-programme"}
    )

    response = client.get(url)

    successor = response.context["successor"]
    if reader == "member":
        assert successor.slug == SECRETS["restricted_programme"].slug
    else:
        assert successor is None
    assert_hides_secrets(response, reader, shows=[successor.name] if successor else [])


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["customs-enforcement-network", "valuation-guide"])
def test_tool_page_links_only_visible_programmes(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("programmes:tool-detail", kwargs={"slug": slug}))

    programmes = expected("programme", reader, tools__slug=slug)
    assert names_of(response.context["tool"].visible_programmes) == programmes
    assert_hides_secrets(response, reader, shows=programmes)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("key", sorted(SECRETS))
def test_secret_record_page_is_404_unless_the_reader_may_see_it(
    reader, key, reader_client, catalogue
):
    client = reader_client(reader)
    secret = SECRETS[key]

    response = client.get(
        reverse(f"programmes:{secret.kind}-detail", kwargs={"slug": secret.slug})
    )

    if reader == "member" and secret.visible_to_members:
        assert response.status_code == 200
        assert secret.name in body_of(response)
    else:
        assert response.status_code == 404
        assert secret.name not in body_of(response)


# Search, coverage and compare -------------------------------------------------------


def json_export(client, path, **query):
    response = client.get(path, {**query, "format": "json"})
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/json"), path
    return json.loads(body_of(response))


def catalogue_slugs(results):
    """Slugs of the programmes and tools among an export's results."""
    known = set(Programme.objects.values_list("slug", flat=True)) | set(
        Tool.objects.values_list("slug", flat=True)
    )
    return {result["slug"] for result in results if result.get("slug") in known}


def slugs_of(names):
    return {
        *Programme.objects.filter(name__in=names).values_list("slug", flat=True),
        *Tool.objects.filter(name__in=names).values_list("slug", flat=True),
    }


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_finds_secret_records_only_for_members(
    reader, word, reader_client, catalogue
):
    path = require("search")
    client = reader_client(reader)
    found = [
        secret.name
        for secret in SECRETS.values()
        if reader == "member" and secret.visible_to_members
    ]

    response = client.get(path, {"q": word})
    data = json_export(client, path, q=word)

    assert response.status_code == 200
    assert_hides_secrets(response, reader, shows=found)
    results = response.context["results"]
    assert results.total == len(found)
    assert {group.kind.key: group.count for group in results.groups if group.count} == {
        kind: count
        for kind in ("programme", "tool")
        if (count := len([name for name in found if name in expected(kind, reader)]))
    }
    assert catalogue_slugs(data["results"]) == slugs_of(found)
    assert data["count"] == len(found)


@pytest.mark.parametrize("reader", READERS)
def test_search_counts_only_visible_records(reader, reader_client, catalogue):
    path = require("search")
    client = reader_client(reader)
    # "Programme" is in every programme's name, secret or not.
    wanted = expected("programme", reader)

    data = json_export(client, path, q="Programme")

    assert catalogue_slugs(data["results"]) >= slugs_of(wanted)
    assert not catalogue_slugs(data["results"]) & {
        secret.slug for secret in secrets_hidden_from(reader)
    }
    assert data["count"] == len(catalogue_slugs(data["results"]))


@pytest.mark.parametrize("reader", READERS)
def test_coverage_matrix_rows_and_totals_count_only_visible_records(
    reader, reader_client, catalogue
):
    path = require("coverage matrix")
    client = reader_client(reader)

    response = client.get(path)

    context = response.context
    programmes = context["programme_matrix"]
    tools = context["tool_matrix"]
    assert names_of(row.record for row in programmes.rows) == expected(
        "programme", reader
    )
    assert programmes.count == len(expected("programme", reader))
    assert tools.count == len(expected("tool", reader))
    assert {total.risk_area.slug: total.total for total in programmes.totals} == {
        slug: len(expected("programme", reader, coverage__risk_area__slug=slug))
        for slug in ("revenue", "drugs", "security")
    }
    assert {total.risk_area.slug: total.total for total in tools.totals} == {
        slug: len(expected("tool", reader, coverage__risk_area__slug=slug))
        for slug in ("revenue", "drugs", "security")
    }
    cross = context["cross_table"]
    assert {
        (row["risk_area"].slug, cell["component"].slug): cell["count"]
        for row in cross["rows"]
        for cell in row["cells"]
    } == {
        (area, component): len(
            expected(
                "tool",
                reader,
                coverage__risk_area__slug=area,
                components__slug=component,
            )
        )
        for area in ("revenue", "drugs", "security")
        for component in ("tools", "operations")
    }
    assert cross["count"] == len(expected("tool", reader))
    assert_hides_secrets(
        response, reader, shows=expected("programme", reader) + expected("tool", reader)
    )


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("component", ["tools", "operations"])
def test_coverage_matrix_filtered_by_component_counts_only_visible_tools(
    reader, component, reader_client, catalogue
):
    path = require("coverage matrix")
    client = reader_client(reader)

    response = client.get(path, {"component": component})

    tools = expected("tool", reader, components__slug=component)
    assert response.context["tool_matrix"].count == len(tools)
    assert response.context["cross_table"]["count"] == len(tools)
    assert_hides_secrets(response, reader, shows=tools)


@pytest.mark.parametrize("reader", READERS)
def test_coverage_export_holds_only_visible_records(reader, reader_client, catalogue):
    path = require("coverage matrix")
    client = reader_client(reader)
    wanted = expected("programme", reader) + expected("tool", reader)

    data = json_export(client, path)

    assert catalogue_slugs(data["results"]) == slugs_of(wanted)
    assert data["count"] == len(wanted)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("key", sorted(SECRETS))
def test_compare_with_a_secret_record_only_for_members(
    reader, key, reader_client, catalogue
):
    path = require("compare")
    client = reader_client(reader)
    secret = SECRETS[key]
    partner = "revenue-programme" if secret.kind == "programme" else "valuation-guide"
    never = NEVER_EXISTED[secret.kind]

    response = client.get(f"{path}?{secret.kind}={partner}&{secret.kind}={secret.slug}")
    unknown = client.get(f"{path}?{secret.kind}={partner}&{secret.kind}={never}")

    comparison = response.context["comparison"]
    if reader == "member" and secret.visible_to_members:
        assert [item.slug for item in comparison.items] == [partner, secret.slug]
        assert comparison.is_ready
    else:
        assert [item.slug for item in comparison.items] == [partner]
        assert normalised(body_of(response)).replace(secret.slug, "X") == normalised(
            body_of(unknown)
        ).replace(never, "X")
    assert_hides_secrets(response, reader, shows=names_of(comparison.items))


@pytest.mark.parametrize("reader", READERS)
def test_compare_picker_offers_only_visible_records(reader, reader_client, catalogue):
    path = require("compare")
    client = reader_client(reader)

    response = client.get(path)

    assert_hides_secrets(
        response,
        reader,
        shows=visible_names(reader, "programme") + visible_names(reader, "tool"),
    )


# Exports ------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ["programme", "tool"])
def test_list_json_export_holds_only_visible_records_and_links(
    reader, kind, reader_client, catalogue
):
    client = reader_client(reader)
    path = reverse(f"programmes:{kind}-list")

    data = json_export(client, path)

    wanted = visible_names(reader, kind)
    assert sorted(record["name"] for record in data["results"]) == wanted
    assert data["count"] == len(wanted)
    # Links to the other kind name only records the reader may see too.
    other = "tools" if kind == "programme" else "programmes"
    other_kind = "tool" if kind == "programme" else "programme"
    for record in data["results"]:
        linked = sorted(item["name"] for item in record[other])
        # Tools of a programme, or programmes of a tool.
        lookup = {f"{kind}s__slug": record["slug"]}
        assert linked == expected(other_kind, reader, **lookup), record["slug"]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ["programme", "tool"])
def test_list_csv_export_holds_only_visible_records(
    reader, kind, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse(f"programmes:{kind}-list"), {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(body_of(response).lstrip("\ufeff"))))
    assert sorted(row["Name"] for row in rows) == visible_names(reader, kind)
    text = body_of(response).lower()
    for secret in secrets_hidden_from(reader):
        assert not any(token in text for token in secret.tokens), secret.name


def test_export_date_does_not_move_when_only_a_hidden_record_changes(client, catalogue):
    path = reverse("programmes:programme-list")
    before = client.get(path, {"format": "json"})
    before_stamp = json.loads(body_of(before))["catalogue_updated"]

    draft = Programme.objects.get(slug=SECRETS["draft_programme"].slug)
    draft.updated = timezone.now() + timezone.timedelta(days=3)
    Programme.objects.filter(pk=draft.pk).update(updated=draft.updated)
    after = client.get(path, {"format": "json"})

    assert json.loads(body_of(after))["catalogue_updated"] == before_stamp
    assert after.get("Last-Modified") == before.get("Last-Modified")
    assert after["Content-Disposition"] == before["Content-Disposition"]


# Sitemap and feed: anonymous by nature -----------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_sitemap_lists_only_published_public_records_whoever_asks(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get("/sitemap.xml")

    text = body_of(response)
    for name in PUBLIC_PROGRAMMES + PUBLIC_TOOLS:
        record = (
            Programme.objects.filter(name=name).first()
            or Tool.objects.filter(name=name).get()
        )
        assert f"<loc>http://testserver{record.get_absolute_url()}</loc>" in text
    assert "vornalith" not in text


@pytest.mark.parametrize("reader", READERS)
def test_feed_holds_only_published_public_records_whoever_asks(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse("updates-feed"))

    text = body_of(response)
    for name in PUBLIC_PROGRAMMES + PUBLIC_TOOLS:
        assert name in text
    for secret in SECRETS.values():
        assert not any(token in text.lower() for token in secret.tokens), secret.name


# Renamed records ---------------------------------------------------------------


def rename(model, old, new):
    record = model.objects.get(slug=old)
    record.slug = new
    record.save()
    return record


@pytest.mark.parametrize(
    ("url_name", "model_path", "old", "new"),
    [
        (
            "programmes:programme-detail",
            "programmes.Programme",
            "revenue-programme",
            "revenue-assurance",
        ),
        (
            "programmes:tool-detail",
            "programmes.Tool",
            "valuation-guide",
            "valuation-handbook",
        ),
        ("programmes:partner-detail", "programmes.Partner", "unodc", "unodc-wco"),
        (
            "risk_areas:riskarea-detail",
            "risk_areas.RiskArea",
            "drugs",
            "drugs-precursors",
        ),
        (
            "risk_areas:cepcomponent-detail",
            "risk_areas.CEPComponent",
            "tools",
            "instruments",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_renamed_record_old_address_answers_301_to_the_new_one(
    client, catalogue, url_name, model_path, old, new, language
):
    rename(apps.get_model(model_path), old, new)
    with translation.override(language):
        old_url = reverse(url_name, kwargs={"slug": old})
        new_url = reverse(url_name, kwargs={"slug": new})

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == new_url


@pytest.mark.parametrize(
    ("list_name", "parameter", "model_path", "old", "new"),
    [
        (
            "programmes:programme-list",
            "partner",
            "programmes.Partner",
            "unodc",
            "unodc-wco",
        ),
        (
            "programmes:programme-list",
            "risk_area",
            "risk_areas.RiskArea",
            "drugs",
            "drugs-precursors",
        ),
        (
            "programmes:programme-list",
            "component",
            "risk_areas.CEPComponent",
            "tools",
            "instruments",
        ),
        (
            "programmes:tool-list",
            "programme",
            "programmes.Programme",
            "revenue-programme",
            "revenue-assurance",
        ),
        ("programmes:tool-list", "partner", "programmes.Partner", "unodc", "unodc-wco"),
        (
            "programmes:tool-list",
            "risk_area",
            "risk_areas.RiskArea",
            "drugs",
            "drugs-precursors",
        ),
        (
            "programmes:tool-list",
            "component",
            "risk_areas.CEPComponent",
            "tools",
            "instruments",
        ),
    ],
)
def test_list_filtered_by_an_old_slug_answers_301_with_the_new_one(
    client, catalogue, list_name, parameter, model_path, old, new
):
    rename(apps.get_model(model_path), old, new)
    path = reverse(list_name)

    response = client.get(path, {parameter: old, "sort": "name"})

    assert response.status_code == 301
    location = urlsplit(response["Location"])
    assert location.path == path
    assert dict(parse_qsl(location.query)) == {parameter: new, "sort": "name"}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    "key", ["restricted_programme", "draft_programme", "restricted_tool"]
)
def test_renamed_secret_record_old_address_redirects_only_members_who_may_see_it(
    reader, key, reader_client, catalogue
):
    client = reader_client(reader)
    secret = SECRETS[key]
    model = Programme if secret.kind == "programme" else Tool
    rename(model, secret.slug, f"{secret.slug}-renamed")
    url_name = f"programmes:{secret.kind}-detail"

    response = client.get(reverse(url_name, kwargs={"slug": secret.slug}))

    if reader == "member" and secret.visible_to_members:
        assert response.status_code == 301
        assert response["Location"] == reverse(
            url_name, kwargs={"slug": f"{secret.slug}-renamed"}
        )
    else:
        assert response.status_code == 404
        assert "renamed" not in body_of(response)


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_filtered_by_a_secret_programme_old_slug_redirects_only_members(
    reader, reader_client, catalogue
):
    client = reader_client(reader)
    secret = SECRETS["restricted_programme"]
    rename(Programme, secret.slug, "sealed-harbour")
    path = reverse("programmes:tool-list")

    response = client.get(path, {"programme": secret.slug})

    if reader == "member":
        assert response.status_code == 301
        assert response["Location"] == f"{path}?programme=sealed-harbour"
    else:
        assert response.status_code == 200
        assert "sealed-harbour" not in body_of(response)
        assert len(response.context["ignored"]) == 1
