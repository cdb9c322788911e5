"""Fields held per language (django-modeltranslation adds name_en, name_fr, ...)."""

from modeltranslation.translator import TranslationOptions, register

from risk_areas.history import track_history

from .models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage


@register(Partner)
class PartnerTranslationOptions(TranslationOptions):
    fields = ["name", "description", "keywords"]


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ["name", "summary", "description", "keywords"]


@register(Tool)
class ToolTranslationOptions(TranslationOptions):
    fields = ["name", "summary", "description", "keywords"]


# After the translated columns exist, so that the history holds every language.
# Coverage links are records of their own; the plain links are kept with their record.
track_history(Partner)
track_history(
    Programme, m2m_fields=["threats", "partners"], linked_records=["coverage"]
)
track_history(
    Tool,
    m2m_fields=["threats", "components", "programmes", "partners"],
    linked_records=["coverage"],
)
track_history(ProgrammeCoverage)
track_history(ToolCoverage)
