"""The admin carries the portal's name, colours and a heading on its sign-in page."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def login_page(client, lang="en"):
    with translation.override(lang):
        url = reverse("admin:login")
    return client.get(url).content.decode()


def test_admin_sign_in_page_names_the_portal_and_has_a_heading(client):
    html = login_page(client)

    assert "<title>Log in | CEP Portal administration</title>" in html
    assert re.search(
        r'<div id="site-name"><a [^>]*>CEP Portal administration</a>', html
    )
    assert re.search(r"<h1>\s*Log in\s*</h1>", html)
    assert html.count("<h1") == 1


def test_admin_pages_use_the_portal_stylesheet_after_the_admins_own(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert "/static/portal_admin/admin.css" in sheets
    assert sheets.index("/static/portal_admin/admin.css") > sheets.index(
        "/static/admin/css/dark_mode.css"
    )
    assert '<link rel="icon" href="/static/images/favicon.svg"' in html


def test_admin_is_in_arabic_right_to_left_under_its_prefix(client):
    html = login_page(client, "ar")

    assert '<html lang="ar" dir="rtl">' in html
    assert "/static/admin/css/rtl.css" in html
    assert "CEP Portal administration" not in html  # the header is translated
    assert re.search(r"<h1>[^<]+</h1>", html)


def test_english_admin_stays_at_its_address(client):
    assert reverse("admin:index") == "/admin/"
    assert client.get("/admin/login/").status_code == 200
