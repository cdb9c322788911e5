"""Site-wide request handling: the browser feature policy, and the 503 page when
the database is down or busy."""

import logging
import sys

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("cep_portal.unavailable")

PLAIN_SERVER_ERROR = (
    '<!DOCTYPE html><html lang="en"><title>Server error</title>'
    "<h1>Server error</h1><p>Please try again in a few minutes.</p></html>"
)

# How long a reader is asked to wait before trying again, in seconds.
RETRY_AFTER = 10


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` (settings.PERMISSIONS_POLICY) with every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, each policy built once per process.

    django-csp builds its headers afresh for every response; the portal's
    policy is the same for all of them (no nonce, no view changes it), and
    building it took about a sixth of the time of a page served from the cache.
    A response or request that does change it (a django-csp decorator's
    attribute, a nonce used) is left to django-csp, as are DEBUG's error pages.
    """

    CHANGES = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt",
        "_csp_exempt_ro",
    )
    HEADERS = (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        self._policies = {}

    def policy(self, report_only):
        if report_only not in self._policies:
            self._policies[report_only] = build_policy(report_only=report_only)
        return self._policies[report_only]

    def process_response(self, request, response):
        changed = any(hasattr(response, name) for name in self.CHANGES)
        if settings.DEBUG or changed or getattr(request, "_csp_nonce", None):
            return super().process_response(request, response)
        for header, setting, report_only in self.HEADERS:
            policy = self.policy(report_only)
            excluded = (getattr(settings, setting, None) or {}).get(
                "EXCLUDE_URL_PREFIXES"
            ) or ()
            if (
                policy
                and header not in response
                and not request.path_info.startswith(tuple(excluded))
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written fails.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def is_database_unavailable(exception):
    """True for an error that says the database cannot answer now (down,
    unreachable, or locked by another writer for longer than the busy timeout),
    as opposed to a mistake in a query."""
    return isinstance(exception, OperationalError | InterfaceError)


def unavailable_response(exception):
    """The plain 503 page: rendered with no request, so no context processor, no
    session and no user is read, and nothing asks the database."""
    busy = "locked" in str(exception).lower()
    logger.warning("Database unavailable, answered 503: %s", exception)
    response = HttpResponse(
        render_to_string("503.html", {"busy": busy}),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A database that is down or busy answers 503 "try again", never 500.

    Errors raised by views and while rendering their templates arrive here; those
    raised in other middleware reach `server_error` below. Django closes a broken
    connection at the end of the request and the health check on the next one
    reconnects, so pages come back by themselves once the database does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return unavailable_response(exception)
        return None


def server_error(request, *args, **kwargs):
    """handler500: the 503 page when the error was the database being unavailable."""
    exception = sys.exc_info()[1]
    try:
        if exception is not None and is_database_unavailable(exception):
            return unavailable_response(exception)
        return django_server_error(request, *args, **kwargs)
    except Exception:
        # The page itself failed (a static file missing from the manifest, say):
        # the reader still gets an answer, and the log has both errors.
        logger.exception("The error page could not be rendered")
        return HttpResponseServerError(PLAIN_SERVER_ERROR)
