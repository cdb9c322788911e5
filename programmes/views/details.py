"""A programme's, a tool's and a partner's page, and the editors' preview.

A record the reader may not see answers 404 (not 403), under its slug or an old
one, so its existence is never revealed. Editors open any record through its
preview page, with a banner.
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from risk_areas.languages import translated
from risk_areas.slugs import OldSlugRedirectMixin

from .. import cached
from ..models import Partner, Programme, Tool
from ..related import FIRST_FEW, first_few, first_few_by, list_url


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
        return self.with_links(records)

    def with_links(self, records):
        return records.with_links(self.request.user)

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
    """A programme: its tools grouped by CEP component, the first few of each."""

    model = Programme
    context_object_name = "programme"

    def with_links(self, records):
        return records.with_links(self.request.user, tools=False)

    def get_context_data(self, **kwargs):
        programme = self.object
        tools = Tool.objects.visible_to(self.request.user).filter(programmes=programme)
        groups = first_few_by(
            tools.with_coverage(), "components", [translated("name"), "pk"]
        )
        tool_groups = []
        for component in [*cached.components(), None]:
            if group := groups.get(component.pk if component else None):
                group.url = list_url(
                    "programmes:tool-list",
                    programme=programme.slug,
                    component=component.slug if component else "",
                )
                tool_groups.append((component, group))
        return super().get_context_data(
            tool_groups=tool_groups,
            tool_url=list_url("programmes:tool-list", programme=programme.slug),
            successor=getattr(programme, "visible_successor", None),
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
    """A partner: the first few of its programmes and of its tools, with counts."""

    model = Partner
    context_object_name = "partner"

    def get_context_data(self, **kwargs):
        user = self.request.user
        partner = self.object
        programmes = first_few(
            Programme.objects.visible_to(user)
            .filter(partners=partner)
            .with_tool_count(user)
            .with_coverage()
            .with_visible_successor(user)
            .order_by("order", translated("name"), "pk")
        )
        programmes.url = list_url("programmes:programme-list", partner=partner.slug)
        tools = first_few(
            Tool.objects.visible_to(user)
            .filter(partners=partner)
            .with_coverage()
            .order_by(translated("name"), "pk"),
            few=FIRST_FEW * 2,
        )
        tools.url = list_url("programmes:tool-list", partner=partner.slug)
        return super().get_context_data(programmes=programmes, tools=tools, **kwargs)
