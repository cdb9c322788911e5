"""`/healthz`: whether this app server can reach the database and the cache.

The load balancer asks it to decide where to send readers; it answers in a few
milliseconds and is never cached.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("cep_portal.health")

PROBE_KEY = "cep_portal:healthz"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    cache.set(PROBE_KEY, "ok", timeout=10)
    if cache.get(PROBE_KEY) != "ok":
        raise RuntimeError("the cache did not return what was just stored")


CHECKS = {"database": _database, "cache": _cache}


@never_cache
def healthz(request):
    """200 {"database": "ok", "cache": "ok"}, or 503 naming what failed."""
    report = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure of the service is "unavailable"
            logger.warning("Health check: %s unavailable: %s", name, error)
            report[name] = "unavailable"
        else:
            report[name] = "ok"
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
