"""What every response tells the browser: CSP, HSTS, framing, referrer, features,
and the production settings that `check --deploy` reviews."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2ZrL9vK4mT8w" * 3,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
}


def production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CEP_"))
    }
    return {**env, **PRODUCTION_ENV, **overrides}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_gives_no_warning_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_a_loopback_run_without_https():
    # The switch is real: turning the redirect off is what check --deploy reports.
    env = production_env(DJANGO_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0")

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


@pytest.fixture
def page(client):
    programme = factories.make_programme(name="Container Control Programme")
    return client.get(programme.get_absolute_url())


def test_page_forbids_inline_script_and_style_and_framing(page):
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in page["Content-Security-Policy"].split(";")
        if directive.strip()
    )

    assert page.status_code == 200
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_page_sends_the_browser_security_headers(page):
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in page["Permissions-Policy"]
    assert "geolocation=()" in page["Permissions-Policy"]


def test_https_page_sends_hsts_behind_the_tls_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("home"), headers={"x-forwarded-proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_plain_http_is_sent_to_https_when_the_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("programmes:programme-list"))

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


# An HTML style or event attribute, a <style> element, or a <script> without src.
INLINE = re.compile(
    r"<[a-zA-Z][^<>]*\s(style|on[a-z]+)\s*=|<style[\s>]|<script(?![^>]*\ssrc=)[\s>]"
)


def test_templates_hold_no_inline_style_or_script():
    # The policy refuses them: anything inline would silently not apply.
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if INLINE.search(path.read_text())
    ]

    assert offenders == []


def test_sign_in_sets_secure_http_only_cookies(client, django_user_model, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    django_user_model.objects.create_user("editor", password="pw-editor-123")
    client.get(reverse("login"))

    response = client.post(
        reverse("login"), {"username": "editor", "password": "pw-editor-123"}
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


def test_admin_pages_load_their_scripts_and_styles_from_files(admin_client):
    response = admin_client.get(reverse("admin:programmes_programme_add"))
    html = response.content.decode()

    assert response.status_code == 200
    assert not INLINE.search(html)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_a_page_from_the_cache_carries_the_same_policy(client):
    first = client.get("/programmes/")
    again = client.get("/programmes/")
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "default-src 'self'" in again["Content-Security-Policy"]


def test_the_policy_built_once_still_follows_a_view_that_changes_it(rf):
    """The portal builds its unchanging policy once per process; a view that
    changes it with django-csp's decorators gets its change, as with django-csp."""
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    from cep_portal.middleware import ContentSecurityPolicyMiddleware

    @csp_update({"img-src": ["https://images.example.org"]})
    def widened(request):
        return HttpResponse()

    @csp_exempt()
    def exempt(request):
        return HttpResponse()

    def plain(request):
        return HttpResponse()

    def answer(view):
        return ContentSecurityPolicyMiddleware(view)(rf.get("/"))

    assert "images.example.org" not in answer(plain)["Content-Security-Policy"]
    assert "images.example.org" in answer(widened)["Content-Security-Policy"]
    assert "Content-Security-Policy" not in answer(exempt)
