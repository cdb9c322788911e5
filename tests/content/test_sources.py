"""Every source is the original page, on the site of the organisation that wrote it."""

import re
from urllib.parse import urlsplit

from .catalogue import label, records, sources

# The WCO and the organisations whose own pages the catalogue cites. A host is
# allowed when it is one of these or a subdomain of one. No proxies, mirrors,
# document-sharing sites, press reposts or law-firm blogs.
ALLOWED_HOSTS = {
    # the WCO, its magazine, publications and regional intelligence offices
    "wcoomd.org",
    "wcoomdpublications.org",
    "riloap.org",
    # United Nations bodies
    "un.org",
    "unodc.org",
    "unvienna.org",
    "unep.org",
    "unesco.org",
    "unoda.org",
    "who.int",
    "icao.int",
    "iaea.org",
    "opcw.org",
    "incb.org",
    "cites.org",
    "basel.int",
    "brsmeas.org",
    "worldbank.org",
    # other international organisations and networks
    "interpol.int",
    "europa.eu",
    "illicitflows.eu",
    "maoc.eu",
    "osce.org",
    "unidroit.org",
    "icom.museum",
    "egmontgroup.org",
    "worldshipping.org",
    "smallarmssurvey.org",
    "globalcoalition.us",
    "iata.org",
    "upu.int",
    # governments and customs administrations
    "abf.gov.au",
    "homeaffairs.gov.au",
    "state.gov",
    "cbp.gov",
    "dtra.mil",
    "customs.go.kr",
    "customs.go.jp",
    "customs.gov.cn",
    "customs.gov.my",
    "international.gc.ca",
    "government.se",
    "gov.uk",
    "guardiacivil.es",
    "giz.de",
    # private-sector and research partners (their own sites)
    "gia.edu",
    "iracm.com",
    "c4ads.org",
    "psi-inc.org",
}
FOREIGN_LANGUAGE_PATH = re.compile(r"/(ru-ru|es-es|zh-cn)/", re.IGNORECASE)


def allowed(host):
    host = host.lower().removeprefix("www.")
    return any(host == name or host.endswith(f".{name}") for name in ALLOWED_HOSTS)


def all_sources():
    return [
        (label(model, fields), url)
        for _, model, fields in records()
        for url in sources(fields)
    ]


def test_the_host_check_refuses_copies_and_proxies():
    assert allowed("www.wcoomd.org")
    assert allowed("mag.wcoomd.org")
    assert not allowed("www.readkong.com")
    assert not allowed("d8ngmjbzkwvaaemmv4.salvatore.rest")
    assert not allowed("wcoomd.org.example.com")
    assert not well_formed("www.wcoomd.org/en/")


def well_formed(url):
    parts = urlsplit(url)
    return parts.scheme in {"https", "http"} and bool(parts.hostname) and " " not in url


def test_every_source_is_an_absolute_web_address_on_an_allowed_host():
    wrong = [
        (record, url)
        for record, url in all_sources()
        if not (well_formed(url) and allowed(urlsplit(url).hostname))
    ]

    assert all_sources()
    assert wrong == []


def test_wco_links_never_open_on_a_page_missing_in_that_language():
    foreign = [
        (record, url)
        for record, url in all_sources()
        if FOREIGN_LANGUAGE_PATH.search(url)
    ]

    assert foreign == []


def test_every_programme_and_tool_names_its_source():
    for _, model, fields in records():
        if model in {"programmes.programme", "programmes.tool"}:
            assert fields["source_url"], label(model, fields)
