"""Any query string on a missing page or under the language switcher: no 500."""

import pytest

pytestmark = pytest.mark.django_db

MANY_FIELDS = "&".join(f"field{number}=x" for number in range(2000))

QUERY_STRINGS = {
    "2,000 fields": MANY_FIELDS,
    "2,000 fields and a next page": "next=/programmes/&" + MANY_FIELDS,
    "invalid percent-encodings": "q=%ZZ&%E0%A4=%&next=%2",
    "NUL bytes": "q=%00&next=/programmes/%00&\x00=\x00",
    "bytes that are not UTF-8": "q=%FF%FE&next=/%C3%28/",
}


@pytest.mark.parametrize("query", QUERY_STRINGS.values(), ids=QUERY_STRINGS.keys())
@pytest.mark.parametrize("path", ["/no-such-page/", "/fr/no-such-page/"])
def test_missing_page_answers_404_whatever_the_query_string(client, path, query):
    response = client.get(path, QUERY_STRING=query)

    assert response.status_code == 404
    assert 'class="lang-switcher' in response.content.decode()


@pytest.mark.parametrize("query", QUERY_STRINGS.values(), ids=QUERY_STRINGS.keys())
def test_home_page_switcher_survives_any_query_string(client, query):
    response = client.get("/", QUERY_STRING=query)

    assert response.status_code == 200


def test_switcher_keeps_a_long_query_string_on_a_missing_page(client):
    response = client.get("/no-such-page/", QUERY_STRING=MANY_FIELDS)

    assert "/fr/no-such-page/?field0=x&amp;field1=x" in response.content.decode()
