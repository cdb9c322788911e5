"""The small tables nearly every page reads, from the cache until the catalogue
changes (`cep_portal.cache.by_version`): the risk areas, the CEP components and
the partners, each a list in the models' own order. Kept per language: an order
by name is the reader's language's.
"""

from django.utils.translation import get_language

from cep_portal.cache import by_version
from risk_areas.models import CEPComponent, RiskArea

from .models import Partner


def _cached(model):
    name = f"{model._meta.label_lower}:{get_language()}"
    return by_version(name, lambda: list(model.objects.all()))


def risk_areas():
    return _cached(RiskArea)


def components():
    return _cached(CEPComponent)


def partners():
    return _cached(Partner)
