"""Submitted without JavaScript, the filter and search forms send their empty
fields; the pages answer with the same address without them."""

import pytest

from programmes.views.addresses import without_empty_fields
from tests import factories
from tests.programmes.pages import PROGRAMMES, TOOLS

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.mark.parametrize("path", [PROGRAMMES, TOOLS, "/fr/programmes/"])
def test_list_redirects_a_submitted_form_to_the_address_without_empty_fields(
    client, path
):
    response = client.get(
        path,
        QUERY_STRING="q=&risk_area=drugs&component=&risk_area=revenue&partner=&status=",
    )

    assert response.status_code == 302
    assert response["Location"] == f"{path}?risk_area=drugs&risk_area=revenue"


def test_list_with_only_empty_fields_redirects_to_the_bare_list(client):
    response = client.get(PROGRAMMES, QUERY_STRING="q=&component=&partner=&status=")

    assert response.status_code == 302
    assert response["Location"] == PROGRAMMES


def test_list_keeps_the_order_and_encoding_of_the_fields_it_keeps(client):
    response = client.get(
        PROGRAMMES, QUERY_STRING="sort=name&q=fake+medicines&status=+&q=%C3%A9t%C3%A9&"
    )

    assert response["Location"] == (
        f"{PROGRAMMES}?sort=name&q=fake+medicines&q=%C3%A9t%C3%A9"
    )


def test_list_without_empty_fields_is_shown_at_once(client):
    factories.make_programme("Ivory Programme")

    response = client.get(PROGRAMMES, {"q": "ivory", "sort": "name"})

    assert response.status_code == 200
    assert "Ivory Programme" in response.content.decode()


def test_search_page_drops_empty_fields_too(client):
    assert client.get(SEARCH, QUERY_STRING="q=")["Location"] == SEARCH
    assert client.get(SEARCH, QUERY_STRING="format=&q=ivory")["Location"] == (
        f"{SEARCH}?q=ivory"
    )


@pytest.mark.parametrize(
    "query",
    [
        "q=%00&status=",
        "q=%ZZ&%E0%A4=&status=",
        "q=%FF%FE&partner=",
        "\x00=\x00&q=",
        "q=a b\u202e\u00e9&page=",
        "q=\r\nSet-Cookie:x&status=",
    ],
)
def test_list_redirect_survives_odd_query_strings(client, query):
    response = client.get(PROGRAMMES, QUERY_STRING=query)

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{PROGRAMMES}?")
    assert all(33 <= ord(char) < 127 for char in location)
    # The address redirected to has nothing left to drop: no loop.
    assert client.get(location).status_code == 200


def test_without_empty_fields_leaves_a_tidy_query_string_alone():
    assert without_empty_fields("risk_area=drugs&risk_area=revenue") is None
    assert without_empty_fields("") is None
    assert without_empty_fields("q") is None
