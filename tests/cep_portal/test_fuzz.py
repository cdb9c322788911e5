"""Arbitrary query strings on every public address: never a server error.

Hypothesis writes the query strings: any text for names and values (control
characters, NUL, unpaired surrogates escaped, right-to-left marks, FTS and
tsquery syntax), repeated fields, raw percent-encodings that do not decode.
Every public page of the bundled catalogue gets its share, 2,000 and more in
all; each must answer below 500.
"""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.models import Partner, Programme, Tool
from risk_areas.models import CEPComponent, RiskArea, Threat

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES_PER_ADDRESS = 95
SYNTAX = [
    "q",
    "page",
    "sort",
    "format",
    "risk_area",
    "component",
    "kind",
    "partner",
    "programme",
    "status",
    "level",
    "language",
    "next",
    '"',
    "NEAR(",
    "*",
    ":*",
    "&",
    "|",
    "!",
    "<->",
    "{name_en}:",
    "%",
    "%%",
    "%ZZ",
    "%00",
    "\x00",
    "\u202e",
    "../",
    "<script>",
    "999999999999999999999999",
    "-1",
]
names = st.one_of(st.sampled_from(SYNTAX[:13]), st.text(max_size=12))
values = st.one_of(
    st.sampled_from(SYNTAX),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
# Pieces of a query string: a field well encoded, or raw text sent as it is.
encoded = st.tuples(names, values).map(
    lambda pair: f"{quote(pair[0], safe='')}={quote(pair[1], safe='')}"
)
raw = st.text(alphabet=st.sampled_from("abcq=&%;+ZZ0019\x7f"), min_size=1, max_size=30)
query_strings = st.lists(st.one_of(encoded, raw), max_size=12).map("&".join)


@pytest.fixture(scope="module")
def addresses(module_records):
    """Every public page of the bundled catalogue: one of each kind."""
    call_command("load_catalogue", verbosity=0)
    programme, tool = Programme.objects.first(), Tool.objects.first()
    area, threat = RiskArea.objects.first(), Threat.objects.first()
    component, partner = CEPComponent.objects.first(), Partner.objects.first()
    return [
        "/",
        "/fr/",
        "/ar/",
        reverse("programmes:programme-list"),
        reverse("programmes:tool-list"),
        reverse("programmes:partner-list"),
        reverse("programmes:coverage"),
        reverse("programmes:compare"),
        reverse("programmes:search"),
        programme.get_absolute_url(),
        tool.get_absolute_url(),
        partner.get_absolute_url(),
        area.get_absolute_url(),
        threat.get_absolute_url(),
        component.get_absolute_url(),
        reverse("risk_areas:riskarea-list"),
        reverse("updates-feed"),
        reverse("sitemap"),
        reverse("robots-txt"),
        reverse("healthz"),
        "/no-such-page/",
        reverse("login"),
    ]


def test_the_fuzz_covers_at_least_2000_query_strings(addresses):
    assert len(addresses) * EXAMPLES_PER_ADDRESS >= 2000


@pytest.mark.parametrize("position", range(22))
def test_no_query_string_gives_a_server_error(client, addresses, position):
    path = addresses[position]

    @settings(
        max_examples=EXAMPLES_PER_ADDRESS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(query_strings)
    def answer(query_string):
        response = client.get(path, QUERY_STRING=query_string)
        assert response.status_code < 500, (path, query_string)

    answer()
