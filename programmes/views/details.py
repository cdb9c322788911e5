"""A programme's, a tool's and a partner's page, and the editors' preview.

A record the reader may not see answers 404 (not 403), under its slug or an old
one, so its existence is never revealed. Editors open any record through its
preview page, with a banner.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from risk_areas.languages import translated
from risk_areas.slugs import OldSlugRedirectMixin

from ..models import Partner, Programme, Tool


class CatalogueDetailView(OldSlugRedirectMixin, DetailView):
    """A record's page; `preview = True` shows any record to editors, with a banner."""

    preview = False

    def get(self, request, *args, **kwargs):
        model = self.model._meta
        if self.preview and not request.user.has_perm(
            f"{model.app_label}.change_{model.model_name}"
        ):
            raise Http404(_("No such record."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        records = self.model.objects.all()
        if not self.preview:
            records = records.visible_to(user)
        return records.with_links(user)

    def renamed_url(self, record):
        name = self.model._meta.model_name
        url_name = (
            f"programmes:{name}-preview"
            if self.preview
            else f"programmes:{name}-detail"
        )
        return reverse(url_name, kwargs={"slug": record.slug})

    def get_context_data(self, **kwargs):
        coverage = list(self.object.coverage.all())
        return super().get_context_data(
            preview=self.preview,
            primary_area=coverage[0].risk_area if coverage else None,
            **kwargs,
        )


class ProgrammeDetailView(CatalogueDetailView):
    model = Programme
    context_object_name = "programme"

    def get_context_data(self, **kwargs):
        groups = {}
        for tool in self.object.tools.all():
            for component in tool.components.all() or [None]:
                groups.setdefault(component, []).append(tool)
        tool_groups = sorted(
            groups.items(),
            key=lambda item: (item[0] is None, item[0] and item[0].order),
        )
        return super().get_context_data(
            tool_groups=tool_groups,
            successor=getattr(self.object, "visible_successor", None),
            **kwargs,
        )


class ProgrammePreviewView(ProgrammeDetailView):
    preview = True


class ToolDetailView(CatalogueDetailView):
    model = Tool
    context_object_name = "tool"


class ToolPreviewView(ToolDetailView):
    preview = True


class PartnerDetailView(OldSlugRedirectMixin, DetailView):
    model = Partner
    context_object_name = "partner"

    def get_queryset(self):
        user = self.request.user
        programmes = (
            Programme.objects.visible_to(user)
            .with_tool_count(user)
            .with_coverage()
            .with_visible_successor(user)
            .order_by("order", translated("name"))
        )
        tools = (
            Tool.objects.visible_to(user).with_coverage().order_by(translated("name"))
        )
        return Partner.objects.prefetch_related(
            Prefetch("programmes", queryset=programmes),
            Prefetch("tools", queryset=tools),
        )
