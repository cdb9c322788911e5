import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import translation

from tests.factories import shared_records

# Playwright drives the browser from the test thread while live_server answers in
# another; ORM calls made in a Playwright test would otherwise be refused.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    # The test client and the live server speak plain http, as a loopback run does
    # (DJANGO_SSL_REDIRECT=0). Set before any server reads it; tests may turn it on.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="module")
def module_records(django_db_setup, django_db_blocker):
    """Opens the database to records built once for a whole module.

    Every test of the module then sees them: use it where all of them read the
    same catalogue.
    """
    with shared_records(django_db_blocker):
        yield


@pytest.fixture(scope="class")
def class_records(django_db_setup, django_db_blocker):
    """Opens the database to records built once for the tests of one class."""
    with shared_records(django_db_blocker):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic first; tests don't run it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    # Test users' passwords guard nothing: the production hasher would only cost time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # Pages are cached by the catalogue's version, which a rolled-back test
    # leaves as it found it: each test starts with an empty cache, so a page
    # another test rendered (under other settings, say) is never served to it.
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    with translation.override("en"):
        yield


@pytest.fixture
def member(django_user_model):
    """A signed-in user of a member administration: may see restricted records."""
    user = django_user_model.objects.create_user("member", password="pw-member-123")
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_restricted", content_type__app_label="programmes"
        )
    )
    return user


@pytest.fixture
def outsider(django_user_model):
    """A signed-in user without the permission to see restricted records."""
    return django_user_model.objects.create_user("outsider", password="pw-outsider-123")


@pytest.fixture
def sign_in(client, request):
    """`sign_in("member")` signs the test client in as that fixture's user."""

    def sign_in_as(reader):
        if reader is not None:
            client.force_login(request.getfixturevalue(reader))

    return sign_in_as


@pytest.fixture
def members_group():
    return Group.objects.filter(name="Members").first()
