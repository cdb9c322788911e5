"""Fields held per language (django-modeltranslation adds name_en, name_fr, ...)."""

from modeltranslation.translator import TranslationOptions, register

from .history import track_history
from .models import CEPComponent, RiskArea, Threat


@register(RiskArea)
class RiskAreaTranslationOptions(TranslationOptions):
    fields = ["name", "official_label", "summary", "description", "keywords"]


@register(Threat)
class ThreatTranslationOptions(TranslationOptions):
    fields = ["name", "description", "keywords"]


@register(CEPComponent)
class CEPComponentTranslationOptions(TranslationOptions):
    fields = ["name", "summary", "description"]


# After the translated columns exist, so that the history holds every language.
for _model in (RiskArea, Threat, CEPComponent):
    track_history(_model)
