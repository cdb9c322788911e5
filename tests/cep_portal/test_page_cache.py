"""Anonymous readers' pages come from the cache until the catalogue changes,
through whatever path it changes; members' pages are never shared."""

import gzip

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cep_portal.cache import PageCacheMiddleware, catalogue_tables, catalogue_version
from programmes import cached as cached_tables
from programmes.models import Partner, PublicationStatus, Tool
from risk_areas.history import recorded_as
from risk_areas.models import CEPComponent, RiskArea
from risk_areas.versions import restore_version
from tests import factories

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's statement triggers: set DATABASE_URL to a PostgreSQL database",
)


@pytest.fixture
def tool():
    revenue = factories.make_risk_area("Revenue", slug="revenue")
    return factories.make_tool(
        "Revenue Package",
        slug="revenue-package",
        kind="guidance",
        risk_areas=[revenue],
        components=[factories.make_component("Tools", slug="tools")],
        threats=[factories.make_threat("Undervaluation", risk_area=revenue)],
    )


@pytest.fixture
def cached(client, django_assert_num_queries):
    """`cached(path)` reads a page twice as an anonymous reader and checks the
    second came from the cache (one query: the catalogue's version)."""

    def read_twice(path, **headers):
        first = client.get(path, **headers)
        with django_assert_num_queries(1):
            second = client.get(path, **headers)
        assert second.content == first.content
        return second

    return read_twice


def text_of(response):
    return response.content.decode()


def admin_form_data(admin_client, url):
    """The admin change form's fields (inlines included) as a browser sends them."""
    context = admin_client.get(url).context
    data = {}
    forms = [context["adminform"].form]
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = field.widget.format_value(value) or ""
    return data


# Each write path, as (what it does, the page that shows it, the text after it).


def admin_save(admin_client, tool):
    partner = factories.make_partner("Old Partner Name", slug="unodc")
    url = reverse("admin:programmes_partner_change", args=[partner.pk])
    data = admin_form_data(admin_client, url)
    data["name_en"] = "United Nations Office on Drugs and Crime"
    page = partner.get_absolute_url()
    return page, lambda: admin_client.post(url, data)


def admin_bulk_action(admin_client, tool):
    draft = factories.make_tool(
        "Draft Guide", slug="draft-guide", publication_status=PublicationStatus.DRAFT
    )
    changelist = reverse("admin:programmes_tool_changelist")
    return reverse("programmes:tool-list"), lambda: admin_client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}
    )


def admin_list_editable(admin_client, tool):
    area = RiskArea.objects.get()
    changelist = reverse("admin:risk_areas_riskarea_changelist")
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(area.pk),
        "form-0-order": "7",
        "_save": "Save",
    }

    def write():
        # The order shows nowhere by itself: the editor saves it, then checks.
        admin_client.post(changelist, form)
        assert RiskArea.objects.get().order == 7

    return reverse("programmes:tool-list"), write


def loader(admin_client, tool):
    return reverse("risk_areas:riskarea-list"), lambda: call_command(
        "load_catalogue", "risk_areas.json", verbosity=0
    )


def history_restore(admin_client, tool):
    with recorded_as("First name"):
        tool.save()
    first = tool.history.first()
    tool.name_en = "Renamed Package"
    tool.save()
    return tool.get_absolute_url(), lambda: restore_version(first, None)


def deleted_recovered(admin_client, tool):
    partner = factories.make_partner("World Bank", slug="world-bank")
    partner_id = partner.pk
    partner.delete()
    deletion = Partner.history.get(id=partner_id, history_type="-")
    recover = reverse("admin:programmes_partner_recover", args=[deletion.history_id])
    return reverse("programmes:partner-list"), lambda: admin_client.post(recover)


def delete(admin_client, tool):
    return reverse("programmes:tool-list"), lambda: Tool.objects.get().delete()


def link_added(admin_client, tool):
    partner = factories.make_partner("INTERPOL Linked", slug="interpol")
    return tool.get_absolute_url(), lambda: tool.partners.add(partner)


def link_removed(admin_client, tool):
    return tool.get_absolute_url(), lambda: tool.threats.clear()


def queryset_update(admin_client, tool):
    return tool.get_absolute_url(), lambda: Tool.objects.update(
        name_en="Package From The Shell"
    )


def raw_sql(admin_client, tool):
    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE programmes_tool SET name_en = %s", ["Package From SQL"]
            )

    return tool.get_absolute_url(), write


WRITES = [
    (admin_save, "United Nations Office on Drugs and Crime", "Old Partner Name"),
    (admin_bulk_action, "Draft Guide", None),
    (admin_list_editable, None, None),
    (loader, "Environment", None),
    (history_restore, "Revenue Package", "Renamed Package"),
    (deleted_recovered, "World Bank", None),
    (delete, None, "Revenue Package"),
    (link_added, "INTERPOL Linked", None),
    (link_removed, None, "Undervaluation"),
    (queryset_update, "Package From The Shell", None),
    (raw_sql, "Package From SQL", None),
]


@pytest.mark.parametrize(
    "prepare, shown, gone", WRITES, ids=[write.__name__ for write, *_ in WRITES]
)
def test_a_cached_page_changes_right_after_each_kind_of_write(
    prepare, shown, gone, admin_client, client, cached, tool
):
    page, write = prepare(admin_client, tool)
    before = cached(page)
    stamp = catalogue_version()

    write()
    after = client.get(page)

    assert catalogue_version() != stamp
    assert after["ETag"] != before["ETag"]
    if shown:
        assert shown not in text_of(before)
        assert shown in text_of(after)
    if gone:
        assert gone in text_of(before)
        assert gone not in text_of(after)


def test_a_matching_etag_gets_304_until_the_catalogue_changes(
    client, tool, django_assert_num_queries
):
    page = tool.get_absolute_url()
    first = client.get(page)
    assert "public" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]

    with django_assert_num_queries(1):
        again = client.get(page, headers={"If-None-Match": first["ETag"]})
    tool.name_en = "Revenue Package Two"
    tool.save()
    changed = client.get(page, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    assert changed.status_code == 200
    assert "Revenue Package Two" in text_of(changed)


def test_an_etag_from_another_language_is_not_a_match(client, tool):
    english = client.get(tool.get_absolute_url())

    french = client.get(
        "/fr" + tool.get_absolute_url(), headers={"If-None-Match": english["ETag"]}
    )

    assert french.status_code == 200
    assert french["ETag"] != english["ETag"]


def test_each_language_has_its_own_cached_page(cached, tool):
    english = cached(tool.get_absolute_url())
    french = cached("/fr" + tool.get_absolute_url())
    arabic = cached("/ar" + tool.get_absolute_url())

    assert '<html lang="en"' in text_of(english)
    assert '<html lang="fr"' in text_of(french)
    assert '<html lang="ar"' in text_of(arabic)


def test_unprefixed_pages_stay_english_whatever_the_browser_asks(client, cached, tool):
    cached(tool.get_absolute_url())

    asked = client.get(
        tool.get_absolute_url(),
        headers={"Accept-Language": "fr"},
        HTTP_COOKIE="django_language=ar",
    )

    assert '<html lang="en"' in text_of(asked)


def test_a_member_never_gets_the_anonymous_page_nor_leaves_theirs(
    client, cached, member, tool
):
    secret = factories.make_tool(
        "Restricted Tool", slug="restricted-tool", access="restricted"
    )
    tools = reverse("programmes:tool-list")
    anonymous = cached(tools)

    client.force_login(member)
    members = client.get(tools)
    client.logout()
    anonymous_again = client.get(tools)

    assert secret.name not in text_of(anonymous)
    assert secret.name in text_of(members)
    assert "Signed in as member" in text_of(members)
    assert "private" in members["Cache-Control"]
    assert "ETag" not in members
    assert secret.name not in text_of(anonymous_again)
    assert "Signed in as" not in text_of(anonymous_again)
    assert "csrfmiddlewaretoken" not in text_of(anonymous_again)


def test_a_member_who_signed_in_first_leaves_nothing_for_anonymous_readers(
    client, member, tool, django_assert_max_num_queries
):
    page = tool.get_absolute_url()
    client.force_login(member)
    client.get(page)
    client.logout()

    with django_assert_max_num_queries(50) as queries:
        anonymous = client.get(page)

    assert len(queries) > 1  # rendered, not served from the member's page
    assert "Signed in as" not in text_of(anonymous)


@pytest.fixture
def editor(django_user_model):
    """Staff who edit tools: may preview drafts."""
    user = django_user_model.objects.create_user("editor", password="pw-editor-123")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programmes", codename="change_tool"
        )
    )
    return user


def test_a_draft_previewed_by_an_editor_never_reaches_anonymous_readers(
    client, editor, tool
):
    draft = factories.make_tool(
        "Draft Plan", slug="draft-plan", publication_status=PublicationStatus.DRAFT
    )
    preview_url = reverse("programmes:tool-preview", args=[draft.slug])
    client.force_login(editor)
    preview = client.get(preview_url)
    client.logout()

    anonymous = client.get(preview_url)
    anonymous_listing = client.get(reverse("programmes:tool-list"))

    assert preview.status_code == 200
    assert "Draft Plan" in text_of(preview)
    assert anonymous.status_code in (302, 403, 404)
    assert "Draft Plan" not in text_of(anonymous)
    assert "Draft Plan" not in text_of(anonymous_listing)


def test_the_sign_in_page_and_its_csrf_token_are_never_shared(client):
    first = client.get(reverse("login"))
    second = client.get(reverse("login"))

    assert "csrfmiddlewaretoken" in text_of(first)
    assert "ETag" not in first
    assert "public" not in first.get("Cache-Control", "")
    assert first.context is not None and second.context is not None  # both rendered


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/healthz"])
def test_admin_and_health_check_are_never_cached(admin_client, client, path):
    response = client.get(path)
    again = client.get(path)

    assert "ETag" not in response
    assert "ETag" not in again
    assert "public" not in response.get("Cache-Control", "")


def test_errors_and_posts_are_never_cached(client, tool, django_assert_max_num_queries):
    missing = "/tools/no-such-tool/"
    client.get(missing)
    with django_assert_max_num_queries(50) as queries:
        again = client.get(missing)
    rendered = len(queries)
    posted = client.post(tool.get_absolute_url())

    assert again.status_code == 404
    assert "ETag" not in again
    assert rendered > 1
    assert "ETag" not in posted


def test_a_reader_with_a_message_waiting_gets_a_fresh_page(
    client, cached, tool, django_assert_max_num_queries
):
    page = tool.get_absolute_url()
    cached(page)
    client.cookies["messages"] = "anything"

    with django_assert_max_num_queries(50) as queries:
        response = client.get(page)

    assert len(queries) > 1
    assert "ETag" not in response


def test_html_is_gzipped_for_readers_who_accept_it(client, tool):
    page = tool.get_absolute_url()
    plain = client.get(page)
    compressed = client.get(page, headers={"Accept-Encoding": "gzip"})
    from_cache = client.get(page, headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert from_cache["Content-Encoding"] == "gzip"
    vary = {part.strip() for part in compressed["Vary"].split(",")}
    assert {"Accept-Encoding", "Cookie"} <= vary
    assert gzip.decompress(compressed.content) == plain.content
    assert gzip.decompress(from_cache.content) == plain.content
    assert compressed["ETag"].startswith("W/")  # the same page, another encoding
    assert from_cache["ETag"] == compressed["ETag"]
    assert from_cache["Content-Length"] == str(len(from_cache.content))


def test_a_write_to_any_catalogue_table_changes_the_version(tool):
    programme = factories.make_programme("Linked Programme", slug="linked")
    tool.programmes.add(programme)
    tool.partners.add(factories.make_partner("Linked Partner", slug="linked"))
    programme.partners.add(factories.make_partner("Other Partner", slug="other"))
    programme.threats.add(*tool.threats.all())
    checked = []
    for table in catalogue_tables():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            if not cursor.fetchone()[0]:
                continue
            stamp = catalogue_version()
            cursor.execute(f'UPDATE "{table}" SET id = id')
        assert catalogue_version() != stamp, table
        checked.append(table)

    assert "programmes_tool_partners" in checked
    assert "programmes_programme_threats" in checked
    assert len(checked) >= 12


def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute('DROP TRIGGER "cep_portal_version_programmes_tool_au"')
        else:
            cursor.execute(
                'DROP TRIGGER "cep_portal_version_programmes_tool" ON programmes_tool'
            )

    call_command("migrate", verbosity=0)
    factories.make_tool("Any Tool", slug="any-tool")
    stamp = catalogue_version()
    Tool.objects.update(name_en="Renamed")

    assert catalogue_version() != stamp


def version_row_writes():
    """How often this transaction wrote the version row (PostgreSQL's count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'cep_portal_catalogueversion'"
        )
        row = cursor.fetchone()
    return row[0] if row else 0


@postgres_only
@pytest.mark.postgres
def test_a_bulk_update_rewrites_the_version_once_per_statement(tool):
    for number in range(5):
        factories.make_tool(f"Tool {number}", slug=f"tool-{number}")
    stamp = catalogue_version()
    writes = version_row_writes()

    updated = Tool.objects.update(acronym="SAME")

    assert updated == 6
    assert catalogue_version() != stamp
    assert version_row_writes() == writes + 1


@postgres_only
@pytest.mark.postgres
def test_every_catalogue_table_has_its_trigger_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE 'cep_portal_version_%%'"
        )
        tables = {row[0] for row in cursor.fetchall()}

    assert tables == set(catalogue_tables())


def anonymous_get(path="/tools/"):
    request = RequestFactory().get(path)
    request.session = SessionStore()
    return request


@pytest.mark.parametrize(
    "particular",
    [
        lambda request, response: response.set_cookie("seen", "1"),
        lambda request, response: response.write(get_token(request)),
        lambda request, response: request.session.update({"seen": True}),
    ],
    ids=["sets a cookie", "holds a CSRF token", "starts a session"],
)
def test_a_response_particular_to_its_reader_is_never_stored(particular, tool):
    rendered = []

    def view(request):
        response = HttpResponse(f"page {len(rendered)} ")
        particular(request, response)
        rendered.append(response)
        return response

    middleware = PageCacheMiddleware(view)
    first = middleware(anonymous_get())
    second = middleware(anonymous_get())

    assert len(rendered) == 2
    assert first.content != second.content
    assert "ETag" not in second


def test_a_plain_response_is_stored_once_for_every_anonymous_reader(tool):
    rendered = []

    def view(request):
        rendered.append(request)
        return HttpResponse("the same for everyone")

    middleware = PageCacheMiddleware(view)
    first = middleware(anonymous_get())
    second = middleware(anonymous_get())

    assert len(rendered) == 1
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def redis_url():
    url = "redis://127.0.0.1:6379/5"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.mark.skipif(redis_url() is None, reason="no Redis at 127.0.0.1:6379")
def test_pages_cached_in_redis_change_right_after_a_write(
    settings, cached, client, tool
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": "cep-portal-tests",
        }
    }
    caches["default"].clear()
    page = tool.get_absolute_url()
    before = cached(page)

    Tool.objects.update(name_en="Package Renamed Elsewhere")
    after = client.get(page)

    assert "Package Renamed Elsewhere" not in text_of(before)
    assert "Package Renamed Elsewhere" in text_of(after)


@pytest.mark.parametrize(
    "read, model",
    [
        (cached_tables.risk_areas, RiskArea),
        (cached_tables.components, CEPComponent),
        (cached_tables.partners, Partner),
    ],
    ids=["risk areas", "components", "partners"],
)
def test_the_small_tables_cached_by_version_are_never_stale(
    read, model, django_assert_num_queries
):
    """Risk areas, components and partners come from the cache, keyed like the
    pages: a change through `update()` (no signal, no save) shows at once."""
    factories.make_risk_area("Revenue", slug="revenue")
    factories.make_component("Tools", slug="tools")
    factories.make_partner("Interpol", slug="interpol")
    record = model.objects.get()
    assert [str(r) for r in read()] == [str(record)]
    with django_assert_num_queries(1):  # the version only
        read()

    model.objects.filter(pk=record.pk).update(name_en="Renamed")

    assert [str(r) for r in read()] == ["Renamed"]


def test_a_reading_request_reads_the_catalogue_version_once(client, django_user_model):
    """A member's page is not shared, but the small tables cached by version
    still are: the version is read once for the request, however many of them
    the page reads, and the tables not at all."""
    factories.make_tool("Revenue Package", slug="revenue-package")
    member = django_user_model.objects.create_user("member", password="pw-long-enough")
    client.force_login(member)
    client.get("/coverage/")  # fills the cache for this version
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/coverage/")
    assert response.status_code == 200
    sql = [query["sql"] for query in queries]
    assert sum("cep_portal_catalogueversion" in text for text in sql) == 1
    for table in ("risk_areas_riskarea", "risk_areas_cepcomponent"):
        assert not [
            text for text in sql if text.split(" WHERE ")[0].endswith(f'FROM "{table}"')
        ]
