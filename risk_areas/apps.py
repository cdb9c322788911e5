from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskAreasConfig(AppConfig):
    name = "risk_areas"
    verbose_name = _("Risk areas and CEP components")
