"""Browser tests: Debian's headless Chromium, driven by Playwright, against live_server.

A machine without the `browser` extra or without /usr/bin/chromium skips these tests
(each module starts with `require_playwright()`, and the hook below skips the rest),
so `make test` on a fresh clone still passes. CI installs both. The audits' tools come
from npm (`npm ci`: axe-core, vnu-jar); where they are missing those tests skip.

The bundled catalogue is loaded once, committed, for all of them: the live server
answers from another thread (and, on PostgreSQL, another connection), so it only
sees committed rows. pytest-django's `transactional_db` would empty the database
after every test and a reload costs seconds, so this package replaces it with one
that keeps the catalogue (the tests only read it) and deletes the users and sessions
a test made. After the last browser test the database is emptied as a transactional
test leaves it. So no browser test carries a `django_db` mark.
"""

import io
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download cannot be used: only the system Chromium.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core/axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar/build/dist/vnu.jar"

# WCAG's contrast ratio between two computed colours ("rgb(...)" / "rgba(...)"),
# and the background an element sits on: the first opaque one among its ancestors
# (none if that is an image, such as the home page's gradient).
CONTRAST_JS = """
const channels = (colour) => {
  // "rgb(r, g, b)" in 0-255, or "color(srgb r g b)" (from color-mix) in 0-1.
  const values = colour.match(/[\\d.]+/g).map(Number);
  return colour.startsWith("color(srgb")
    ? values.slice(0, 3).map((value) => value * 255)
    : values.slice(0, 3);
};
const luminance = (colour) => {
  const [r, g, b] = channels(colour).map((value) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (one, other) => {
  const [light, dark] = [luminance(one), luminance(other)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
};
const backdrop = (element) => {
  for (let layer = element.parentElement; layer; layer = layer.parentElement) {
    const {backgroundColor: colour, backgroundImage} = getComputedStyle(layer);
    if (backgroundImage !== "none") return null;  // a gradient: judged by eye
    if (!/^rgba\\(.*,\\s*0\\)$/.test(colour)) return colour;
  }
  return "rgb(255, 255, 255)";
};
"""

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def require_playwright():
    """Skip the calling test module unless the `browser` extra is installed.

    Returns Playwright's `expect`. Called at the top of each module, so nothing
    here imports Playwright when the extra is missing.
    """
    reason = "the `browser` extra (playwright, pytest-playwright) is not installed"
    pytest.importorskip("pytest_playwright", reason=reason)
    return pytest.importorskip("playwright.sync_api", reason=reason).expect


def on_a_phone(test):
    """Marks a test whose `page` is a touch-screen phone's browser, 390 px wide."""
    # pytest-playwright registers this mark; built here, after require_playwright().
    mark = pytest.mark.browser_context_args(
        viewport=PHONE, has_touch=True, is_mobile=True
    )
    return mark(test)


@dataclass(frozen=True)
class MainPage:
    """A page every reader can reach, by URL name, on the bundled catalogue."""

    label: str
    name: str
    kwargs: dict | None = None
    query: dict | None = None

    def __str__(self):
        return self.label

    def path(self, lang="en"):
        return page_path(self.name, lang=lang, kwargs=self.kwargs, query=self.query)


MAIN_PAGES = [
    MainPage("home", "home"),
    MainPage("risk area list", "risk_areas:riskarea-list"),
    MainPage("risk area detail", "risk_areas:riskarea-detail", {"slug": "drugs"}),
    MainPage("component list", "risk_areas:cepcomponent-list"),
    MainPage("component detail", "risk_areas:cepcomponent-detail", {"slug": "tools"}),
    MainPage("programme list", "programmes:programme-list"),
    MainPage(
        "programme detail",
        "programmes:programme-detail",
        {"slug": "drugs-and-precursors-programme"},
    ),
    MainPage("tool list", "programmes:tool-list"),
    MainPage("tool detail", "programmes:tool-detail", {"slug": "cen"}),
    MainPage("partner list", "programmes:partner-list"),
    MainPage("partner detail", "programmes:partner-detail", {"slug": "interpol"}),
    MainPage("search", "programmes:search", query={"q": "drugs"}),
    MainPage("coverage", "programmes:coverage"),
    MainPage("compare picker", "programmes:compare"),
    MainPage(
        "compare programmes",
        "programmes:compare",
        query={
            "programme": ["drugs-and-precursors-programme", "environment-programme"]
        },
    ),
    MainPage("sign-in", "login"),
]


def pytest_configure(config):
    # pytest-base-url (a pytest-playwright dependency) still defines its session
    # fixture the old way; the warning is not about this project's code.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning",
    )


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium package "
        "to run the browser tests"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Desktop size unless a test is marked `on_a_phone`.
    return {**browser_context_args, "locale": "en-GB", "viewport": DESKTOP}


@pytest.fixture
def insecure_cookies(settings):
    # live_server speaks plain http; Secure cookies would not come back to it.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def page_path(name, *, lang="en", kwargs=None, query=None):
    """The path of URL `name` in `lang`, with `query`; fails if `name` is unknown."""
    try:
        with translation.override(lang):
            path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = None
    if path is None:
        pytest.fail(
            f"URL name {name!r} does not exist (kwargs={kwargs}): "
            "the page it names is missing from the URLconf."
        )
    if query:
        path = f"{path}?{urlencode(query, doseq=True)}"
    return path


@dataclass
class Site:
    """The live server with the catalogue loaded, and addresses on it."""

    base: str

    def url(self, name, *, lang="en", kwargs=None, query=None):
        """The absolute address of URL `name` in `lang`; fails if `name` is unknown."""
        return self.base + page_path(name, lang=lang, kwargs=kwargs, query=query)

    def page_url(self, main_page, lang="en"):
        return self.base + main_page.path(lang)

    def path(self, url):
        """`url` without the server's address: what a reader sees after the host."""
        return url.removeprefix(self.base)


@pytest.fixture(scope="package")
def loaded_catalogue(django_db_setup, django_db_blocker):
    """The bundled catalogue, in the test database for the browser tests only."""
    with django_db_blocker.unblock():
        call_command("load_catalogue", verbosity=0, stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def transactional_db(request, loaded_catalogue, django_db_blocker):
    """Database access for a test and the live server, on the committed catalogue.

    Replaces pytest-django's fixture of the same name, which live_server requests.
    """
    if request.node.get_closest_marker("django_db") or (
        "_django_db_helper" in request.fixturenames
    ):
        pytest.fail(
            "Browser tests share one committed catalogue: remove the django_db mark "
            "or the pytest-django database fixture (its flush would empty the "
            "database for the tests that follow)."
        )
    with django_db_blocker.unblock():
        yield
        get_user_model().objects.all().delete()
        Session.objects.all().delete()


@pytest.fixture
def db(transactional_db):
    """The same for fixtures built on `db`, such as django_user_model.

    pytest-django's own would see live_server and flush the database afterwards.
    """


@pytest.fixture
def site(live_server, transactional_db, insecure_cookies):
    return Site(live_server.url)


@pytest.fixture
def axe_script():
    if not AXE_SCRIPT.is_file():
        pytest.skip(
            "axe-core is not installed: run `npm ci` in the repository root "
            "(needs Node.js and npm)"
        )
    return AXE_SCRIPT
