"""Sign-in throttling (django-axes): whose attempts count, and what a locked-out
reader is told."""

from django.conf import settings
from django.shortcuts import render

# django-axes's own default (403 for locked out) would not say "wait".
LOCKED_OUT_STATUS = 429


def client_address(request):
    """The reader's address.

    Behind `CEP_TRUSTED_PROXY_COUNT` proxies, each appending the address it was
    reached from to X-Forwarded-For, the reader's is that many entries from the
    right; entries further left were sent by the reader and prove nothing.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, *args, **kwargs):
    """The page for a sign-in refused after too many failures, on the portal's
    sign-in page and the admin's alike."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=LOCKED_OUT_STATUS,
    )
