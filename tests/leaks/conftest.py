import pytest
from django.db import transaction

from tests.leaks.harness.records import build_catalogue


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """The secret and public records, built once for the whole module.

    They live in a transaction rolled back when the module is done; each test runs
    inside it in a savepoint of its own, so what a test changes (a renamed record)
    is undone before the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        build_catalogue()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reader_client(request, client):
    """A client signed in as the named reader: anonymous, outsider or member."""

    def sign_in(reader):
        if reader != "anonymous":
            client.force_login(request.getfixturevalue(reader))
        return client

    return sign_in
