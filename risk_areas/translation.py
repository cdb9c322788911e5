"""Fields held per language (django-modeltranslation adds name_en, name_fr, ...)."""

from modeltranslation.translator import TranslationOptions, register

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
