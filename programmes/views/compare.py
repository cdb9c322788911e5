"""Two to four programmes or tools side by side; a picker otherwise."""

from urllib.parse import urlencode

from django.urls import reverse
from django.views.generic import TemplateView

from ..compare import compare, compare_choices, requested_slugs
from ..search import clean_query


class CompareView(TemplateView):
    template_name = "programmes/compare.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        requested = {
            kind: requested_slugs(self.request.GET.getlist(kind))
            for kind in ("programme", "tool")
        }
        comparison = compare(requested, user)
        find = clean_query(self.request.GET.get("find", ""))
        query = urlencode([(comparison.kind, item.slug) for item in comparison.items])
        return super().get_context_data(
            comparison=comparison,
            choices=compare_choices(user, find, requested),
            share_url=self.request.build_absolute_uri(
                f"{reverse('programmes:compare')}?{query}"
            ),
            **kwargs,
        )
