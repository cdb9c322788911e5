"""A small catalogue written in all five languages, and its pages.

English is unprefixed, the others live under /fr/, /es/, /ru/, /ar/.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests import factories

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]


def texts(field_name, en, fr, es, ru, ar):
    """{field_en: ..., field_fr: ..., ...}: one text per language."""
    values = dict(zip(LANGUAGES, (en, fr, es, ru, ar), strict=True))
    return {f"{field_name}_{code}": text for code, text in values.items()}


def build_catalogue():
    """Two risk areas, one component, one partner, one programme and three tools,
    each with its text in English, French, Spanish, Russian and Arabic.

    The Customs Enforcement Network covers drugs and revenue, Operation Cocaine drugs
    only, the Valuation Guide revenue only.
    """
    drugs = factories.make_risk_area(
        "Drugs",
        slug="drugs",
        **texts("name", "Drugs", "Drogues", "Drogas", "Наркотики", "المخدرات"),
        **texts(
            "summary",
            "Drug trafficking and precursors.",
            "Trafic de drogues et précurseurs.",
            "Tráfico de drogas y precursores.",
            "Незаконный оборот наркотиков и прекурсоров.",
            "الاتجار بالمخدرات والسلائف.",
        ),
        **texts(
            "description",
            "Customs fights drug trafficking.",
            "La douane lutte contre le trafic de drogues.",
            "La aduana lucha contra el tráfico de drogas.",
            "Таможня борется с наркоторговлей.",
            "تكافح الجمارك الاتجار بالمخدرات.",
        ),
    )
    revenue = factories.make_risk_area(
        "Revenue",
        slug="revenue",
        **texts("name", "Revenue", "Recettes", "Ingresos", "Доходы", "الإيرادات"),
    )
    cocaine = factories.make_threat(
        "Cocaine trafficking",
        slug="cocaine-trafficking",
        risk_area=drugs,
        **texts(
            "name",
            "Cocaine trafficking",
            "Trafic de cocaïne",
            "Tráfico de cocaína",
            "Оборот кокаина",
            "تهريب الكوكايين",
        ),
    )
    component = factories.make_component(
        "Tools",
        slug="tools",
        **texts("name", "Tools", "Outils", "Herramientas", "Инструменты", "الأدوات"),
        **texts(
            "summary",
            "Instruments and guidance.",
            "Instruments et orientations.",
            "Instrumentos y orientaciones.",
            "Инструменты и руководства.",
            "الصكوك والإرشادات.",
        ),
    )
    partner = factories.make_partner(
        "United Nations Office on Drugs and Crime",
        slug="unodc",
        acronym="UNODC",
        **texts(
            "name",
            "United Nations Office on Drugs and Crime",
            "Office des Nations Unies contre la drogue et le crime",
            "Oficina de las Naciones Unidas contra la Droga y el Delito",
            "Управление ООН по наркотикам и преступности",
            "مكتب الأمم المتحدة المعني بالمخدرات والجريمة",
        ),
        **texts(
            "description",
            "The UN agency for drugs and crime.",
            "L'agence de l'ONU pour la drogue et le crime.",
            "El organismo de la ONU para la droga y el delito.",
            "Агентство ООН по наркотикам и преступности.",
            "وكالة الأمم المتحدة المعنية بالمخدرات والجريمة.",
        ),
    )
    programme = factories.make_programme(
        "Drugs and Precursors Programme",
        slug="drugs-and-precursors-programme",
        risk_areas=[drugs],
        supporting=[revenue],
        partners=[partner],
        threats=[cocaine],
        **texts(
            "name",
            "Drugs and Precursors Programme",
            "Programme drogues et précurseurs",
            "Programa de drogas y precursores",
            "Программа по наркотикам и прекурсорам",
            "برنامج المخدرات والسلائف",
        ),
        **texts(
            "summary",
            "Helps customs stop drugs.",
            "Aide la douane à arrêter les drogues.",
            "Ayuda a la aduana a detener las drogas.",
            "Помогает таможне пресекать наркотики.",
            "يساعد الجمارك على وقف المخدرات.",
        ),
        **texts(
            "description",
            "Training and operations against drug trafficking.",
            "Formations et opérations contre le trafic de drogues.",
            "Formación y operaciones contra el tráfico de drogas.",
            "Обучение и операции против наркоторговли.",
            "التدريب والعمليات ضد الاتجار بالمخدرات.",
        ),
        **texts("keywords", "cocaine", "cocaïne", "cocaína", "кокаин", "الكوكايين"),
    )
    network = factories.make_tool(
        "Customs Enforcement Network",
        slug="customs-enforcement-network",
        acronym="CEN",
        kind="it-system",
        risk_areas=[drugs, revenue],
        components=[component],
        programmes=[programme],
        partners=[partner],
        threats=[cocaine],
        **texts(
            "name",
            "Customs Enforcement Network",
            "Réseau douanier de lutte contre la fraude",
            "Red Aduanera de Lucha contra el Fraude",
            "Таможенная сеть по борьбе с правонарушениями",
            "الشبكة الجمركية لمكافحة الغش",
        ),
        **texts(
            "summary",
            "Seizure database shared by customs.",
            "Base de données des saisies partagée par les douanes.",
            "Base de datos de incautaciones compartida por las aduanas.",
            "База данных об изъятиях, общая для таможен.",
            "قاعدة بيانات المضبوطات المشتركة بين الجمارك.",
        ),
    )
    operation = factories.make_tool(
        "Operation Cocaine",
        slug="operation-cocaine",
        kind="operation",
        risk_areas=[drugs],
        components=[component],
        programmes=[programme],
        **texts(
            "name",
            "Operation Cocaine",
            "Opération Cocaïne",
            "Operación Cocaína",
            "Операция Кокаин",
            "عملية الكوكايين",
        ),
    )
    guide = factories.make_tool(
        "Valuation Guide",
        slug="valuation-guide",
        kind="guidance",
        risk_areas=[revenue],
        components=[component],
        **texts(
            "name",
            "Valuation Guide",
            "Guide de l'évaluation",
            "Guía de valoración",
            "Руководство по оценке",
            "دليل التقييم",
        ),
    )
    return {
        "drugs": drugs,
        "revenue": revenue,
        "component": component,
        "partner": partner,
        "programme": programme,
        "network": network,
        "operation": operation,
        "guide": guide,
    }


# (label, URL name, slug key in the catalogue or None, query string)
PAGES = [
    ("home", "home", None, ""),
    ("risk area list", "risk_areas:riskarea-list", None, ""),
    ("risk area detail", "risk_areas:riskarea-detail", "drugs", ""),
    ("component list", "risk_areas:cepcomponent-list", None, ""),
    ("component detail", "risk_areas:cepcomponent-detail", "component", ""),
    ("programme list", "programmes:programme-list", None, ""),
    ("programme list, filtered", "programmes:programme-list", None, "risk_area=drugs"),
    ("programme detail", "programmes:programme-detail", "programme", ""),
    ("tool list", "programmes:tool-list", None, ""),
    (
        "tool list, filtered",
        "programmes:tool-list",
        None,
        "risk_area=drugs&kind=operation",
    ),
    ("tool detail", "programmes:tool-detail", "network", ""),
    ("partner list", "programmes:partner-list", None, ""),
    ("partner detail", "programmes:partner-detail", "partner", ""),
    ("search", "programmes:search", None, "q=cocaine"),
    ("coverage", "programmes:coverage", None, ""),
    (
        "compare",
        "programmes:compare",
        None,
        "tool=customs-enforcement-network&tool=operation-cocaine",
    ),
    ("sign-in", "login", None, ""),
]
PAGE_IDS = [page[0] for page in PAGES]


def url_in(language, url_name, kwargs=None, query=""):
    """The URL of `url_name` in `language`, or None when no such URL exists yet."""
    try:
        with translation.override(language):
            url = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def page_url(catalogue, page, language):
    _label, url_name, key, query = page
    kwargs = {"slug": catalogue[key].slug} if key else None
    return url_in(language, url_name, kwargs, query)


def page_urls(catalogue, language):
    """[(label, URL)] of every page type that exists, in `language`."""
    return [
        (page[0], url)
        for page in PAGES
        if (url := page_url(catalogue, page, language)) is not None
    ]
