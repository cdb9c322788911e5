"""Tidy addresses: a form submitted without JavaScript sends its empty fields too
(`?q=&component=&status=`); the page answers with a redirect to the address
without them, so what the reader shares or bookmarks holds only what they chose.
"""

from urllib.parse import quote, unquote_plus

from django.http import HttpResponseRedirect

# What `quote` leaves as it is: the characters a query string may hold, and "%"
# so that what was already encoded (even badly) is passed on unchanged.
QUERY_SAFE = "%/:;=+,@!$'()*~?[]"


def without_empty_fields(query_string):
    """`query_string` without its empty fields (`q=`, `status=+`, a stray `&`),
    the others in their order, repeated names kept; None when nothing is dropped.
    """
    if not query_string:
        return None
    fields = query_string.split("&")
    kept = [field for field in fields if not _is_empty(field)]
    if len(kept) == len(fields):
        return None
    # Raw characters a browser would have encoded (spaces, control characters,
    # text that is not ASCII) are encoded, so the address is a valid header.
    return "&".join(quote(field, safe=QUERY_SAFE) for field in kept)


def _is_empty(field):
    if not field:
        return True
    _name, sep, value = field.partition("=")
    return bool(sep) and not unquote_plus(value).strip()


class WithoutEmptyFieldsMixin:
    """A GET with empty fields is redirected to the same address without them."""

    def get(self, request, *args, **kwargs):
        tidy = without_empty_fields(request.META.get("QUERY_STRING", ""))
        if tidy is not None:
            return HttpResponseRedirect(
                f"{request.path}?{tidy}" if tidy else request.path
            )
        return super().get(request, *args, **kwargs)
