"""/healthz, the 503 page while the database is away, and the 404 and 500 pages."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from cep_portal.middleware import server_error
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
UNAVAILABLE = "The portal is temporarily unavailable"


@pytest.fixture
def database_down():
    """Every query fails as it does when PostgreSQL cannot be reached."""
    refused = OperationalError(
        'connection to server at "db" failed: Connection refused'
    )
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_has_no_language_prefix(client):
    assert client.get("/fr/healthz").status_code == 404


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client, database_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_cache_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/programmes/", "/risk-areas/", "/search/?q=drugs", "/admin/"],
)
def test_pages_answer_503_in_the_portal_layout_while_the_database_is_down(
    admin_client, database_down, url
):
    response = admin_client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"]
    content = response.content.decode()
    assert '<p class="error-page__code" aria-hidden="true">503</p>' in content
    assert 'class="site-header"' in content


@pytest.mark.django_db
def test_pages_come_back_once_the_database_does(client):
    factories.make_programme(name="Container Control Programme")
    refused = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        down = client.get(reverse("programmes:programme-list"))

    back = client.get(reverse("programmes:programme-list"))

    assert down.status_code == 503
    assert back.status_code == 200
    assert "Container Control Programme" in back.content.decode()


def test_unreachable_postgresql_answers_503_on_every_page():
    # A real driver error: PostgreSQL on a port where nothing listens.
    script = (
        "import django, os; django.setup();"
        "from django.test.utils import setup_test_environment;"
        "setup_test_environment();"
        "from django.conf import settings;"
        "settings.STORAGES = {**settings.STORAGES, 'staticfiles': {'BACKEND':"
        " 'django.contrib.staticfiles.storage.StaticFilesStorage'}};"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "print(*[c.get(u).status_code for u in"
        " ['/', '/programmes/', '/fr/partners/', '/healthz']])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cep_portal.settings",
        "DJANGO_SSL_REDIRECT": "0",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/cep_unreachable",
        "PYTHONWARNINGS": "ignore",
    }

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["503", "503", "503", "503"]


def test_503_page_for_an_error_outside_the_views_needs_no_database(
    django_db_blocker,
):
    request = RequestFactory().get("/programmes/")

    with django_db_blocker.block():
        try:
            raise OperationalError("could not connect to server")
        except OperationalError:
            response = server_error(request)

    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_500_page_in_the_portal_layout_needs_no_database(django_db_blocker):
    request = RequestFactory().get("/programmes/")

    with django_db_blocker.block():
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)

    content = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in content
    assert 'class="site-header"' in content


@pytest.mark.django_db
def test_a_failing_page_answers_the_500_page():
    client = Client(raise_request_exception=False)

    with mock.patch(
        "programmes.views.HomeView.get_context_data", side_effect=ValueError("a bug")
    ):
        response = client.get(reverse("home"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_404_page_in_the_portal_layout_offers_search(client):
    response = client.get("/no-such-page/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in content
    assert 'class="site-header"' in content
    assert 'role="search"' in content


@pytest.mark.django_db
def test_503_page_speaks_the_readers_language(client, database_down):
    response = client.get("/fr/programmes/")

    assert response.status_code == 503
    assert "Le portail est temporairement indisponible" in response.content.decode()
