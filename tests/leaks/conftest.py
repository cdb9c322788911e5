import pytest

from tests.leaks.harness.records import build_catalogue


@pytest.fixture(scope="module")
def catalogue(module_records):
    """The secret and public records, built once for the whole module."""
    build_catalogue()


@pytest.fixture
def reader_client(request, client):
    """A client signed in as the named reader: anonymous, outsider or member."""

    def sign_in(reader):
        if reader != "anonymous":
            client.force_login(request.getfixturevalue(reader))
        return client

    return sign_in
