"""`?format=csv|json` on a page: the same records as shown, as a download.

Whether a request is a download is decided first, before any page work; the
exporters get the reader and the format, never the request.
"""

from django.contrib import messages
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..exports import EXPORT_FORMATS, export_response

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


def download(request, exporter_class, export_format, querysets, filters, **options):
    """The streaming download of `querysets` for the reader of `request`."""
    exporter = exporter_class(
        request.user,
        export_format,
        origin=f"{request.scheme}://{request.get_host()}",
        **options,
    )
    return export_response(exporter, querysets, filters)


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
