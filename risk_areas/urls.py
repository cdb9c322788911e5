from django.urls import path

from . import views

app_name = "risk_areas"

urlpatterns = [
    path("risk-areas/", views.RiskAreaListView.as_view(), name="riskarea-list"),
    path(
        "risk-areas/<slug:slug>/",
        views.RiskAreaDetailView.as_view(),
        name="riskarea-detail",
    ),
    path("components/", views.CEPComponentListView.as_view(), name="cepcomponent-list"),
    path(
        "components/<slug:slug>/",
        views.CEPComponentDetailView.as_view(),
        name="cepcomponent-detail",
    ),
]
