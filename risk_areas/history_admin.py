"""The admin's History page of a catalogue record: its versions, and restoring one.

Each version shows who saved it, when, why, and field by field what changed from
the one before. "Restore this version" is a POST (with its CSRF token) allowed
to those who may change the record.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .versions import deleted_versions, restore_version, version_entries

VERSIONS_PER_PAGE = 25


class HistoryAdminMixin:
    """A record's History page lists its versions, each restorable in one click."""

    object_history_template = "admin/catalogue_history.html"
    change_list_template = "admin/catalogue_change_list.html"
    deleted_records_template = "admin/catalogue_deleted.html"

    def _url_name(self, view):
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        restore = self.admin_site.admin_view(require_POST(self.restore_view))
        recover = self.admin_site.admin_view(require_POST(self.recover_view))
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=self._url_name("deleted").removeprefix("admin:"),
            ),
            path(
                "deleted/<int:version_id>/recover/",
                recover,
                name=self._url_name("recover").removeprefix("admin:"),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                restore,
                name=self._url_name("restore").removeprefix("admin:"),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        versions = record.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        page = Paginator(versions, VERSIONS_PER_PAGE).get_page(request.GET.get("p"))
        # The version before this page's last, to say what that one changed.
        start = page.start_index() - 1 + len(page.object_list)
        previous = versions[start : start + 1].first() if page.object_list else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % record,
            "subtitle": None,
            "entries": version_entries(list(page.object_list), previous),
            "page_obj": page,
            "can_restore": self.has_change_permission(request, record),
            "restore_url_name": self._url_name("restore"),
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": record,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def restore_view(self, request, object_id, version_id):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        version = get_object_or_404(record.history, history_id=version_id)
        history_url = reverse(self._url_name("history"), args=[record.pk])
        try:
            restore_version(version, request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("This version cannot be restored: %(reasons)s")
                % {"reasons": " ".join(error.messages)},
            )
            return HttpResponseRedirect(history_url)
        messages.success(
            request,
            _("Restored the version of %(date)s.")
            % {"date": localtime(version.history_date).strftime("%Y-%m-%d %H:%M:%S")},
        )
        return HttpResponseRedirect(history_url)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "deleted_records_url": reverse(self._url_name("deleted")),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def deleted_view(self, request):
        """The deleted records of this model, each recoverable in one click."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted %(name)s") % {"name": self.opts.verbose_name_plural},
            "subtitle": None,
            "versions": deleted_versions(self.model),
            "can_recover": self.has_add_permission(request),
            "recover_url_name": self._url_name("recover"),
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "opts": self.opts,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.deleted_records_template, context)

    def recover_view(self, request, version_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            self.model.history, history_id=version_id, history_type="-"
        )
        try:
            record = restore_version(version, request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("This record cannot be recovered: %(reasons)s")
                % {"reasons": " ".join(error.messages)},
            )
            return HttpResponseRedirect(reverse(self._url_name("deleted")))
        messages.success(request, _("Recovered “%(record)s”.") % {"record": record})
        return HttpResponseRedirect(
            reverse(self._url_name("history"), args=[record.pk])
        )
