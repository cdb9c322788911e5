"""Fields held per language (django-modeltranslation adds name_en, name_fr, ...)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Partner, Programme, Tool


@register(Partner)
class PartnerTranslationOptions(TranslationOptions):
    fields = ["name", "description", "keywords"]


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ["name", "summary", "description", "keywords"]


@register(Tool)
class ToolTranslationOptions(TranslationOptions):
    fields = ["name", "summary", "description", "keywords"]
