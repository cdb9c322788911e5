"""Sign-in is paused after repeated wrong passwords, per address and per account."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cep_portal.signin import client_address

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="pw-editor-123")


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user("reviewer", password="pw-review-123")


def sign_in(client, username, password, address="10.0.0.1", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail_five_times(client, username="editor", address="10.0.0.1", url=None):
    for _ in range(5):
        sign_in(client, username, "wrong-password", address, url)


def test_right_password_is_refused_after_five_wrong_ones(client, editor):
    fail_five_times(client)

    response = sign_in(client, "editor", "pw-editor-123")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock_the_account_out(client, editor):
    for _ in range(4):
        sign_in(client, "editor", "wrong-password")

    response = sign_in(client, "editor", "pw-editor-123")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_another_account_from_another_address_is_unaffected(client, editor, reviewer):
    fail_five_times(client, "editor", "10.0.0.1")

    response = sign_in(client, "reviewer", "pw-review-123", "10.0.0.2")

    assert response.status_code == 302


def test_the_locked_account_is_refused_from_another_address(client, editor):
    fail_five_times(client, "editor", "10.0.0.1")

    response = sign_in(client, "editor", "pw-editor-123", "10.0.0.2")

    assert response.status_code == 429


def test_the_locked_address_is_refused_for_another_account(client, editor, reviewer):
    fail_five_times(client, "editor", "10.0.0.1")

    response = sign_in(client, "reviewer", "pw-review-123", "10.0.0.1")

    assert response.status_code == 429


def test_admin_sign_in_is_throttled_too(client, admin_user):
    url = reverse("admin:login")
    fail_five_times(client, "admin", url=url)

    response = sign_in(client, "admin", "password", url=url)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_reader_address_behind_one_proxy_is_the_one_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )

    assert client_address(request) == "203.0.113.7"


def test_reader_address_without_a_trusted_proxy_ignores_forwarded_for(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )

    assert client_address(request) == "10.9.9.9"
