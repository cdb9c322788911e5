"""What search engines read: the sitemap sections and robots.txt.

Crawlers are anonymous readers, so the catalogue sections list exactly what
`visible_to(AnonymousUser())` returns: published, public records and nothing
else. Every address is given in each language, with the others as alternates
and English as the x-default.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

from risk_areas.models import CEPComponent, RiskArea

from .models import Partner, Programme, Tool

# A placeholder slug, reversed and then replaced by a robots.txt wildcard.
SLUG_PLACEHOLDER = "slug-placeholder"


class TranslatedSitemap(Sitemap):
    """Each page once per language, linked to its translations."""

    i18n = True
    alternates = True
    x_default = True


class StaticViewSitemap(TranslatedSitemap):
    """The home page, the lists and the coverage matrix."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return [
            "home",
            "risk_areas:riskarea-list",
            "risk_areas:cepcomponent-list",
            "programmes:programme-list",
            "programmes:tool-list",
            "programmes:partner-list",
            "programmes:coverage",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(TranslatedSitemap):
    """The records of one model a crawler may see, newest change as lastmod."""

    changefreq = "monthly"

    def __init__(self, model, priority):
        super().__init__()
        self.model = model
        self.priority = priority

    def items(self):
        return self.model.objects.visible_to(AnonymousUser()).order_by("pk")

    def lastmod(self, record):
        return record.updated


SITEMAPS = {
    "pages": StaticViewSitemap,
    "risk-areas": RecordSitemap(RiskArea, 0.7),
    "components": RecordSitemap(CEPComponent, 0.7),
    "partners": RecordSitemap(Partner, 0.4),
    "programmes": RecordSitemap(Programme, 0.6),
    "tools": RecordSitemap(Tool, 0.5),
}


def _wildcard(url_name):
    url = reverse(url_name, kwargs={"slug": SLUG_PLACEHOLDER})
    return url.replace(SLUG_PLACEHOLDER, "*")


def disallowed_paths():
    """Paths crawlers should leave alone, in every language.

    Sign-in pages and editors' previews are for people, and the CSV and JSON
    exports repeat the pages they come from.
    """
    paths = [reverse("set_language")]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            login = reverse("login")
            paths += [
                reverse("admin:index"),
                login[: login.index("login/")],
                _wildcard("programmes:programme-preview"),
                _wildcard("programmes:tool-preview"),
            ]
    paths += ["/*?format=", "/*&format="]
    return list(dict.fromkeys(paths))


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            disallowed=disallowed_paths(),
            sitemap_url=self.request.build_absolute_uri(reverse("sitemap")),
            **kwargs,
        )
