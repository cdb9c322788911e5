"""Full-page caching that is never stale, and conditional GET.

The catalogue's version is one row (`CatalogueVersion`) that database triggers
rewrite, with a fresh random stamp, in the same transaction as every write to
a catalogue table: a form, an admin bulk action, `update()`, the loader, a
history restore, a delete, a many-to-many link, raw SQL in the shell. Each page
request reads that row once; the stamp is part of the cache key and of the
ETag, so a page cached before a change is never found after it, on any app
server, whether the cache is Redis or each process's own memory.

Only pages every reader sees alike are shared: anonymous GETs without a session
or messages cookie, per language, host and full path. Signed-in members carry a
session cookie: their pages show their name, a sign-out form with their CSRF
token and, for some, drafts or restricted records, so they are rendered afresh
for them and marked private. A response is stored only if it is a 200 that sets
no cookie, starts no session, used no CSRF token and was not marked private or
uncacheable by its view. Admin, sign-in, language switching and the health
check are never cached.

Pages carry an ETag (the version, the release and the language) and
`Cache-Control: public, no-cache`: browsers and the load balancer keep the page
and ask each time; a matching `If-None-Match` gets 304 without rendering. No
`Last-Modified` is derived from the version: it would date edits to drafts and
restricted records, which readers must not see even as a date.
"""

import contextvars
import functools
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connections, router
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.text import compress_string
from django.utils.translation import get_language

from .models import CatalogueVersion

# The apps whose tables are the catalogue; their history tables are not (only
# the admin shows them, and it is never cached).
CATALOGUE_APPS = ("risk_areas", "programmes")
VERSION_TABLE = CatalogueVersion._meta.db_table
TRIGGER_PREFIX = "cep_portal_version_"
# Pages never cached, whatever the reader (after the language prefix, if any).
UNCACHED_PATHS = ("admin", "accounts", "i18n", "healthz")
# A request without any of these gets the page, never 304 or 412.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Headers a shared page may vary on: the language (read from the path, or else
# from the cookie and Accept-Language, and part of the key), the cookies (a
# session or messages cookie bypasses the cache) and the encoding (GZip).
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SHARED_VARY = {"accept-language", "cookie", "accept-encoding"}
# What decides the release: code, templates, translations and static files.
RELEASE_FILES = ("cep_portal", "risk_areas", "programmes", "templates", "locale")
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo"}


def catalogue_tables():
    """The tables whose writes change the catalogue: every model of the
    catalogue apps, their many-to-many link tables included, but not history."""
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    tables = []
    for app_label in CATALOGUE_APPS:
        for model in apps.get_app_config(app_label).get_models(
            include_auto_created=True
        ):
            if issubclass(model, HistoricalChanges) or not model._meta.managed:
                continue
            if model._meta.db_table.startswith(VERSION_TABLE):
                continue
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _sqlite_triggers(table):
    bump = (
        f"INSERT INTO {_quote(VERSION_TABLE)} (id, stamp, changed) VALUES "
        "(1, lower(hex(randomblob(16))), strftime('%Y-%m-%d %H:%M:%f', 'now')) "
        "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp, "
        "changed = excluded.changed;"
    )
    return {
        f"{TRIGGER_PREFIX}{table}_{suffix}": (
            f"CREATE TRIGGER {_quote(f'{TRIGGER_PREFIX}{table}_{suffix}')} AFTER "
            f"{event} ON {_quote(table)} BEGIN {bump} END"
        )
        for suffix, event in (("ai", "INSERT"), ("au", "UPDATE"), ("ad", "DELETE"))
    }


POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION cep_portal_catalogue_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {_quote(VERSION_TABLE)} (id, stamp, changed)
    VALUES (1, md5(random()::text || clock_timestamp()::text), clock_timestamp())
    ON CONFLICT (id) DO UPDATE
        SET stamp = excluded.stamp, changed = excluded.changed;
    RETURN NULL;
END
$$
"""


def _postgresql_trigger(table):
    # Once per statement, not per row: a bulk write of thousands of rows
    # rewrites the version row once.
    name = f"{TRIGGER_PREFIX}{table}"[:63]
    return name, (
        f"CREATE TRIGGER {_quote(name)} AFTER INSERT OR UPDATE OR DELETE OR "
        f"TRUNCATE ON {_quote(table)} FOR EACH STATEMENT "
        "EXECUTE FUNCTION cep_portal_catalogue_changed()"
    )


def ensure_version_triggers(using="default"):
    """Create the triggers that bump the version on every catalogue table where
    they are missing or out of date. Returns the names of those created."""
    connection = connections[using]
    created = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if VERSION_TABLE not in tables:
            return created
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'")
            existing = dict(cursor.fetchall())
            for table in catalogue_tables():
                if table not in tables:
                    continue
                for name, sql in _sqlite_triggers(table).items():
                    if existing.get(name) == sql:
                        continue
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_quote(name)}")
                    cursor.execute(sql)
                    created.append(name)
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            existing = {row[0] for row in cursor.fetchall()}
            for table in catalogue_tables():
                name, sql = _postgresql_trigger(table)
                if table in tables and name not in existing:
                    cursor.execute(sql)
                    created.append(name)
    return created


VERSION_SQL = f"SELECT stamp FROM {_quote(VERSION_TABLE)} WHERE id = 1"


def catalogue_version():
    """The catalogue's current stamp (one small query), or None when the
    version row is missing: then nothing is cached.

    Plain SQL: it runs on every page served from the cache, where building the
    same query through the ORM took half the time of the whole answer."""
    using = router.db_for_read(CatalogueVersion)
    with connections[using].cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


# The version read once for the request being answered (a GET or HEAD: nothing
# it does changes the catalogue), so that what is cached by version costs no
# second read of it. Outside a request, the version is read each time.
_request_version = contextvars.ContextVar("cep_portal_request_version", default=None)


def current_version():
    """The catalogue's stamp, read at most once per reading request."""
    memo = _request_version.get()
    if memo is None:
        return catalogue_version()
    if "stamp" not in memo:
        memo["stamp"] = catalogue_version()
    return memo["stamp"]


def by_version(name, build):
    """`build()`, kept in the cache until the catalogue changes: for the small
    tables every page reads (risk areas, components, partners), which would
    otherwise cost a query each per page. Keyed like the pages (release and
    version), so it is never stale, on any app server."""
    stamp = current_version()
    if not stamp:
        return build()
    cache = caches[settings.PAGE_CACHE_ALIAS]
    key = f"records:{name}:{_digest(release(), stamp)}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


@functools.cache
def release():
    """A digest of the code, templates, translations and collected static files
    this server runs: a deployment changes the keys and ETags of every page,
    and servers running the same release agree. Read once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    paths = [
        path
        for folder in RELEASE_FILES
        for path in (base / folder).rglob("*")
        if path.suffix in RELEASE_SUFFIXES and path.is_file()
    ]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        paths.append(manifest)
    for path in sorted(paths):
        digest.update(
            str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
        )
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _uncached_path_pattern():
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    names = "|".join(re.escape(name) for name in UNCACHED_PATHS)
    return re.compile(rf"^/(?:(?:{languages})/)?(?:{names})(?:/|$)")


def _digest(*parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class PageCacheMiddleware:
    """Serves anonymous readers' pages from the cache, keyed by the catalogue's
    version, and answers 304 to a matching `If-None-Match`.

    Sits after LocaleMiddleware (the language is active) and CommonMiddleware,
    and inside GZipMiddleware, so pages are stored uncompressed and each
    response is compressed (with its random padding) on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.release = release()
        self.uncached = _uncached_path_pattern()

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.respond(request)
        token = _request_version.set({})
        try:
            return self.respond(request)
        finally:
            _request_version.reset(token)

    def respond(self, request):
        if not self.is_shared(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A member's page: never kept by the load balancer.
                patch_cache_control(response, private=True)
            return response
        try:
            stamp = current_version()
        except (OperationalError, InterfaceError):
            stamp = None  # the page's own 503 follows, from the view
        if not stamp:
            return self.get_response(request)
        language = get_language() or settings.LANGUAGE_CODE
        etag = f'"{_digest(self.release, stamp, language)}"'
        try:
            host = request.get_host()
        except Exception:
            # A disallowed host: Django's own answer (400), never cached.
            return self.get_response(request)
        key = "page:" + _digest(
            self.release,
            stamp,
            language,
            request.scheme,
            host,
            request.get_full_path(),
        )
        cache = caches[settings.PAGE_CACHE_ALIAS]
        if any(header in request.META for header in CONDITIONAL_HEADERS):
            validators = HttpResponse()
            self.mark_shared(validators, etag)
            not_modified = get_conditional_response(
                request, etag=etag, response=validators
            )
            if not_modified is not validators:
                return not_modified
        stored = cache.get(key)
        if stored is not None:
            return self.replay(stored, request)
        response = self.get_response(request)
        if not self.is_shareable(request, response):
            return response
        self.mark_shared(response, etag)
        if (
            request.method == "GET"
            and not response.streaming
            and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        ):
            cache.set(
                key,
                {
                    "headers": dict(response.items()),
                    "content": response.content,
                    # Compressed once, not on every hit. A shared page holds no
                    # secret (no token, nothing of its reader's), so the random
                    # padding GZipMiddleware adds against BREACH is not needed.
                    "gzip": compress_string(response.content),
                },
                settings.PAGE_CACHE_SECONDS,
            )
        return response

    def is_shared(self, request):
        """Whether this request may be answered with a page shared by readers."""
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and not self.uncached.match(request.path_info)
        )

    @staticmethod
    def is_shareable(request, response):
        """Whether this response holds nothing particular to its reader."""
        if response.status_code != 200 or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False  # the reader is about to get a session cookie
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {
            header.strip().lower()
            for header in response.get("Vary", "").split(",")
            if header.strip()
        }
        return vary <= SHARED_VARY

    @staticmethod
    def mark_shared(response, etag):
        response["ETag"] = etag
        patch_cache_control(response, public=True, no_cache=True)
        # A session cookie turns the same address into a member's page.
        patch_vary_headers(response, ["Cookie"])

    @staticmethod
    def replay(stored, request):
        compressed = "gzip" in stored and ACCEPTS_GZIP.search(
            request.META.get("HTTP_ACCEPT_ENCODING", "")
        )
        response = HttpResponse(stored["gzip"] if compressed else stored["content"])
        for name, value in stored["headers"].items():
            response[name] = value
        if compressed:
            # GZipMiddleware leaves a response that is already encoded alone.
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(stored["gzip"]))
            if response.get("ETag", "").startswith('"'):
                response["ETag"] = "W/" + response["ETag"]  # as GZipMiddleware
        patch_vary_headers(response, ["Accept-Encoding"])
        return response
