"""Every main page, and the admin's sign-in page, load under the portal's
Content-Security-Policy without a single refused script, style or image."""

import pytest

from .conftest import MAIN_PAGES, require_playwright

require_playwright()

pytestmark = pytest.mark.browser


def refusals_while_loading(page, url):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response, refused


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=str)
def test_page_loads_nothing_the_policy_refuses(site, page, main_page):
    response, refused = refusals_while_loading(page, site.page_url(main_page))

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert refused == []


def test_admin_sign_in_loads_nothing_the_policy_refuses(site, page):
    response, refused = refusals_while_loading(page, site.base + "/admin/login/")

    assert response.status == 200
    assert refused == []


def test_admin_list_and_change_form_load_nothing_the_policy_refuses(
    site, page, django_user_model
):
    django_user_model.objects.create_superuser("editor", password="a-long-password")
    page.goto(site.base + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.base + "/admin/")

    listed, refused = refusals_while_loading(
        page, site.base + "/admin/programmes/programme/"
    )
    page.locator("#result_list tbody th a").first.click()
    page.wait_for_load_state("load")  # the listener still collects refusals

    assert listed.status == 200
    assert page.locator("input[name=loaded_version]").count() == 1
    assert refused == []
