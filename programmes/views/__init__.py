"""The portal's pages, one module per page family."""

from .compare import CompareView
from .coverage import CoverageView
from .details import (
    PartnerDetailView,
    ProgrammeDetailView,
    ProgrammePreviewView,
    ToolDetailView,
    ToolPreviewView,
)
from .home import HomeView
from .lists import PartnerListView, ProgrammeListView, ToolListView
from .search import SearchView
from .taxonomy import (
    CEPComponentDetailView,
    CEPComponentListView,
    RiskAreaDetailView,
    RiskAreaListView,
)

__all__ = [
    "CEPComponentDetailView",
    "CEPComponentListView",
    "CompareView",
    "CoverageView",
    "HomeView",
    "PartnerDetailView",
    "PartnerListView",
    "ProgrammeDetailView",
    "ProgrammeListView",
    "ProgrammePreviewView",
    "RiskAreaDetailView",
    "RiskAreaListView",
    "SearchView",
    "ToolDetailView",
    "ToolListView",
    "ToolPreviewView",
]
