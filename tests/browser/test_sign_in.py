"""Signing in as a member shows the records restricted to member administrations."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from programmes.models import Access, Tool

from .conftest import require_playwright

expect = require_playwright()

pytestmark = pytest.mark.browser


def tools_text(count):
    return f"{count} tool" if count == 1 else f"{count} tools"


def test_member_sign_in_reveals_restricted_tool(site, page, django_user_model):
    member = django_user_model.objects.create_user(
        "customs-officer", password="a-long-test-password"
    )
    member.user_permissions.add(
        Permission.objects.get(
            codename="view_restricted", content_type__app_label="programmes"
        )
    )
    restricted = Tool.objects.filter(access=Access.RESTRICTED).visible_to(member)
    secret = restricted.order_by("slug").first()
    assert secret is not None, "the bundled catalogue should have a restricted tool"
    public_total = Tool.objects.visible_to(AnonymousUser()).count()
    member_total = Tool.objects.visible_to(member).count()
    page.goto(site.url("programmes:tool-list"))
    expect(page.locator("#results-count")).to_have_text(tools_text(public_total))
    page.goto(site.url("programmes:tool-list", query={"q": secret.name}))
    expect(page.get_by_role("link", name=secret.name, exact=True)).to_have_count(0)

    page.locator(".site-header").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("customs-officer")
    page.get_by_label("Password").fill("a-long-test-password")
    page.locator("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(site.url("programmes:tool-list", query={"q": secret.name}))
    expect(page.locator(".site-header")).to_contain_text("customs-officer")
    card = page.locator(".result-card", has_text=secret.name)
    expect(card.get_by_role("link", name=secret.name, exact=True)).to_be_visible()
    expect(card).to_contain_text("Members only")
    page.goto(site.url("programmes:tool-list"))
    expect(page.locator("#results-count")).to_have_text(tools_text(member_total))
    assert member_total > public_total
