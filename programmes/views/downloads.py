"""`?format=csv|json` on a page: the same records as shown, as a download.

Whether a request is a download is decided first, before any page work; the
exporters get the reader and the format, never the request.
"""

from datetime import date

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import http_date
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..exports import EXPORT_FORMATS, catalogue_updated

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# Text gathered before it is handed to the server, so a response is not a
# thousand tiny writes.
FLUSH_SIZE = 32 * 1024
# Query-string parameters that shape the page, not the records.
NOT_FILTERS = ("format", "page")


def requested_format(request):
    """ "csv" or "json" when the query string asks for a download, else None.

    An unknown format leaves the page as it is, with a message saying so.
    """
    value = request.GET.get("format", "")
    if value in EXPORT_FORMATS:
        return value
    if value:
        messages.warning(
            request,
            _("Unknown download format “%(value)s”: choose CSV or JSON.")
            % {"value": Truncator(value.replace("\x00", "")).chars(20)},
        )
    return None


def filters_of(query):
    """{parameter: [values]} of a query string, without format and page."""
    return {
        name: [value for value in query.getlist(name) if value]
        for name in query
        if name not in NOT_FILTERS and any(query.getlist(name))
    }


def _buffered(pieces):
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= FLUSH_SIZE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _in_language(language, pieces):
    """Keep the request's language while the server pulls the text after the view."""
    with translation.override(language):
        yield from pieces


def download(request, exporter_class, export_format, querysets, filters, **options):
    """The records of `querysets` as a file, streamed, for the reader of `request`.

    `filters` ({parameter: [values]}) are named in a JSON document's head; the
    file is stamped with the last change of what the reader may see.
    """
    exporter = exporter_class(
        request.user,
        export_format,
        origin=f"{request.scheme}://{request.get_host()}",
        **options,
    )
    updated = catalogue_updated(request.user)
    pieces = exporter.text(querysets, filters, updated)
    response = StreamingHttpResponse(
        _buffered(_in_language(translation.get_language(), pieces)),
        content_type=CONTENT_TYPES[export_format],
    )
    stamp = (updated.date() if updated else date.today()).isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="cep-{exporter.name}-{stamp}.{export_format}"'
    )
    if updated is not None:
        response["Last-Modified"] = http_date(updated.timestamp())
    return response


class DownloadMixin:
    """A filtered list's download: the page's own FilterSet, unpaginated.

    The filters, the values ignored and the order are the page's; only the
    rendering (facets, pagination, template) is skipped.
    """

    exporter_class = None

    def get(self, request, *args, **kwargs):
        export_format = requested_format(request)
        if export_format is None:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        return download(
            request,
            self.exporter_class,
            export_format,
            [filterset.qs],
            filters_of(filterset.data),
        )
