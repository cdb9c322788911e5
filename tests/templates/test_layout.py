"""The layout every page shares (templates/base.html), sign-in and error pages."""

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from tests.factories import make_component, make_risk_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return {
        "drugs": make_risk_area("Drugs"),
        "technology": make_component("Technology and Infrastructure"),
    }


# Layout -----------------------------------------------------------------------


def test_layout_has_landmarks_skip_link_and_the_base_stylesheet(client, catalogue):
    html = client.get(reverse("risk_areas:riskarea-list")).content.decode()

    for fragment in [
        '<header class="site-header"',
        '<main id="main"',
        "<footer",
        "<nav",
    ]:
        assert fragment in html
    assert 'href="#main"' in html
    assert "css/base.css" in html
    # A page family's own sheet is linked only from its pages.
    assert "css/pages/" not in html


def test_layout_marks_the_current_section_in_the_navigation(client, catalogue):
    list_html = client.get(reverse("risk_areas:riskarea-list")).content.decode()
    detail_html = client.get(
        catalogue["technology"].get_absolute_url()
    ).content.decode()

    risk_areas_link = (
        f'href="{reverse("risk_areas:riskarea-list")}" aria-current="page"'
    )
    components_link = (
        f'href="{reverse("risk_areas:cepcomponent-list")}" aria-current="true"'
    )
    assert risk_areas_link in list_html
    assert components_link in detail_html
    # The nav link and the breadcrumb (the language switcher marks its own link).
    assert list_html.count('aria-current="page"') == 2


def test_layout_offers_sign_in_to_anonymous_readers(client, catalogue):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("login")}?next=/"' in html
    assert "Signed in as" not in html


def test_layout_shows_the_signed_in_user_and_a_sign_out_form(client, member):
    client.force_login(member)

    html = client.get(reverse("home")).content.decode()

    assert "Signed in as <strong>member</strong>" in html
    assert f'method="post" action="{reverse("logout")}"' in html
    assert "csrfmiddlewaretoken" in html


def test_sign_out_form_signs_the_user_out(client, member):
    client.force_login(member)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_layout_is_right_to_left_in_arabic(client, catalogue):
    response = client.get("/ar/")

    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in response.content.decode()


# Sign in and error pages ---------------------------------------------------------


def test_login_page_has_labelled_fields_in_the_portal_layout(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'class="site-header"' in html


def test_login_page_signs_in_and_returns_to_the_page_asked_for(client, member):
    response = client.post(
        reverse("login"),
        {"username": "member", "password": "pw-member-123", "next": "/risk-areas/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/risk-areas/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_login_page_shows_an_error_for_a_wrong_password(client, member):
    response = client.post(
        reverse("login"), {"username": "member", "password": "wrong"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "correct username and password" in html


def test_logged_out_page_renders_in_the_portal_layout(client, member, settings):
    settings.LOGOUT_REDIRECT_URL = None
    client.force_login(member)

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()


def test_server_error_page_renders_without_context_or_queries(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()

    assert "Something went wrong" in html
    assert "{%" not in html


def test_expired_sign_in_form_gets_a_page_in_the_portal_layout():
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert 'class="skip-link"' in response.content.decode()
