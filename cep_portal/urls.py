from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cep_portal.health import healthz
from programmes.feeds import UpdatesFeed
from programmes.sitemaps import SITEMAPS, RobotsView
from programmes.urls import taxonomy_urlpatterns
from programmes.views import HomeView

admin.site.site_header = _("CEP Portal administration")
admin.site.site_title = _("CEP Portal administration")

# A database that is down or busy answers 503, whichever layer noticed it.
handler500 = "cep_portal.middleware.server_error"

urlpatterns = [
    # Unprefixed and outside i18n_patterns: the load balancer's probe.
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", RobotsView.as_view(), name="robots-txt"),
]
# English stays unprefixed; /fr/, /es/, /ru/, /ar/ carry the other languages,
# the admin's included (/ar/admin/ is the admin in Arabic, right to left).
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include(taxonomy_urlpatterns)),
    path("", include("programmes.urls")),
    path("feeds/updates/", UpdatesFeed(), name="updates-feed"),
    prefix_default_language=False,
)
