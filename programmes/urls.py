from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path(
        "programmes/<slug:slug>/",
        views.ProgrammeDetailView.as_view(),
        name="programme-detail",
    ),
    path(
        "programmes/<slug:slug>/preview/",
        views.ProgrammePreviewView.as_view(),
        name="programme-preview",
    ),
    path("tools/", views.ToolListView.as_view(), name="tool-list"),
    path("tools/<slug:slug>/", views.ToolDetailView.as_view(), name="tool-detail"),
    path(
        "tools/<slug:slug>/preview/",
        views.ToolPreviewView.as_view(),
        name="tool-preview",
    ),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("partners/", views.PartnerListView.as_view(), name="partner-list"),
    path(
        "partners/<slug:slug>/",
        views.PartnerDetailView.as_view(),
        name="partner-detail",
    ),
]

# The taxonomy's pages keep the `risk_areas:` names (`risk_areas:riskarea-detail`),
# though the views live here: they read across taxonomy and catalogue.
taxonomy_urlpatterns = (
    [
        path("risk-areas/", views.RiskAreaListView.as_view(), name="riskarea-list"),
        path(
            "risk-areas/<slug:slug>/",
            views.RiskAreaDetailView.as_view(),
            name="riskarea-detail",
        ),
        path(
            "components/",
            views.CEPComponentListView.as_view(),
            name="cepcomponent-list",
        ),
        path(
            "components/<slug:slug>/",
            views.CEPComponentDetailView.as_view(),
            name="cepcomponent-detail",
        ),
    ],
    "risk_areas",
)
