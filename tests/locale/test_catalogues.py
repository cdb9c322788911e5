"""The interface catalogues are complete, in step with the source, and compiled.

Each language's locale/<lang>/LC_MESSAGES/django.po must translate every message
(no empty msgstr, no empty plural form, nothing marked fuzzy), hold every message
the templates and code mark for translation, and have a django.mo compiled from
it. And pages rendered in French, Spanish, Russian or Arabic show no English
interface text.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.html import visible_text
from tests.multilingual import build_catalogue, page_urls

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Copied into a scratch directory for makemessages: the code and the templates.
SOURCE_ITEMS = ("cep_portal", "risk_areas", "programmes", "templates", "manage.py")
# Interface strings this short are often the same word in English and elsewhere.
MIN_CHECKED_LENGTH = 12


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def catalogue_entries(language):
    """The language's .po file, as polib reads it (the header in `metadata`)."""
    path = po_path(language)
    if not path.exists():
        pytest.fail(f"{path.relative_to(BASE_DIR)} is missing: run `make messages`.")
    return polib.pofile(str(path))


def messages(catalogue):
    """The entries of a catalogue, obsolete ones (#~) left out."""
    return [entry for entry in catalogue if not entry.obsolete]


def key_of(entry):
    return (entry.msgctxt, entry.msgid)


def described(entry):
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt is not None else ""
    return f"{entry.msgid!r}{context}"


def translations_of(entry):
    """The entry's msgstr, or each of its plural forms."""
    if entry.msgid_plural:
        return [text for _index, text in sorted(entry.msgstr_plural.items())]
    return [entry.msgstr]


def plural_count(catalogue):
    match = re.search(
        r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", "")
    )
    return int(match[1]) if match else None


def gettext_command(name):
    return shutil.which(name)


# Every message translated ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_header_names_the_language_and_its_plural_forms(language):
    catalogue = catalogue_entries(language)
    header = catalogue.metadata

    assert header, f"{language}: the .po has no header entry"
    problems = []
    if catalogue.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy (remove `#, fuzzy`)")
    if not re.match(rf"{language}\b", header.get("Language", "")):
        problems.append(f"the header lacks `Language: {language}`")
    if plural_count(catalogue) is None:
        problems.append("the header lacks `Plural-Forms: nplurals=...`")
    if "charset=UTF-8" not in header.get("Content-Type", ""):
        problems.append("the header lacks `charset=UTF-8`")
    assert not problems, f"{po_path(language)}: " + "; ".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_translates_every_message(language):
    catalogue = catalogue_entries(language)
    plurals = plural_count(catalogue) or 2
    problems = []
    for entry in messages(catalogue):
        label = f"line {entry.linenum}: {described(entry)}"
        if entry.fuzzy:
            problems.append(f"{label}: marked fuzzy")
        elif entry.msgid_plural:
            forms = entry.msgstr_plural
            missing = [index for index in range(plurals) if not forms.get(index)]
            if missing:
                problems.append(f"{label}: empty plural form(s) {missing}")
        elif not entry.msgstr:
            problems.append(f"{label}: empty msgstr")

    assert not problems, (
        f"{po_path(language).relative_to(BASE_DIR)}: "
        f"{len(problems)} message(s) not translated:\n" + "\n".join(problems)
    )


# In step with the source ------------------------------------------------------------


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """{(msgctxt, msgid): entry} that makemessages finds in a copy of the source.

    makemessages writes temporary files beside the templates it reads, so it runs
    on a copy, never on the working tree.
    """
    if not (gettext_command("xgettext") and gettext_command("msgmerge")):
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed")
    root = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "locale", "migrations")
    for name in SOURCE_ITEMS:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    (root / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    # The copy's own settings, so nothing is written to the real locale folder.
    (root / "scratch_settings.py").write_text(
        "from pathlib import Path\n"
        "from cep_portal.settings import *  # noqa: F403\n"
        "LOCALE_PATHS = [Path(__file__).resolve().parent / 'locale']\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "fr",
            "--keep-pot",
            "--no-obsolete",
            "--settings",
            "scratch_settings",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pot = root / "locale" / "django.pot"
    assert pot.exists(), f"makemessages wrote no django.pot: {result.stderr}"
    return {key_of(entry): entry for entry in messages(polib.pofile(str(pot)))}


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_holds_every_message_marked_in_the_source(language, source_messages):
    held = {key_of(entry) for entry in messages(catalogue_entries(language))}

    missing = [
        described(entry)
        for key, entry in sorted(source_messages.items(), key=lambda i: str(i[0]))
        if key not in held
    ]

    assert not missing, (
        f"{po_path(language).relative_to(BASE_DIR)} lacks {len(missing)} message(s) "
        "marked in the source (run `make messages`, then translate them):\n"
        + "\n".join(missing)
    )


# Compiled ---------------------------------------------------------------------------


def compiled_messages(path):
    """{(msgctxt, msgid): translations} of a .mo file, untranslated ones left out."""
    return {
        key_of(entry): translations_of(entry)
        for entry in polib.mofile(str(path))
        if entry.msgid and any(translations_of(entry))
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_is_compiled_from_the_current_po(language, tmp_path):
    msgfmt = gettext_command("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    po = po_path(language)
    mo = po.with_suffix(".mo")
    if not po.exists():
        pytest.fail(f"{po.relative_to(BASE_DIR)} is missing")
    assert mo.exists(), (
        f"{mo.relative_to(BASE_DIR)} is missing: run `make messages` "
        "(manage.py compilemessages) and commit the .mo"
    )
    fresh = tmp_path / "django.mo"

    result = subprocess.run(
        [msgfmt, "--check-format", "-o", str(fresh), str(po)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, f"msgfmt rejects {po}:\n{result.stderr}"
    committed, current = compiled_messages(mo), compiled_messages(fresh)
    stale = sorted(
        repr(key)
        for key in committed.keys() | current.keys()
        if committed.get(key) != current.get(key)
    )
    assert not stale, (
        f"{mo.relative_to(BASE_DIR)} was not compiled from the current .po "
        f"({len(stale)} message(s) differ; run `make messages` or "
        "`manage.py compilemessages --ignore '.venv/*'`):\n" + "\n".join(stale[:30])
    )


# No English left on translated pages ------------------------------------------------


def _fragments(msgid):
    """The literal pieces of a message: its text between placeholders and tags."""
    pieces = re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{[^}]*\}", msgid)
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def all_translations(language):
    """Every translated text of the language's catalogue, in one string."""
    return " ".join(
        text
        for entry in messages(catalogue_entries(language))
        for text in translations_of(entry)
    )


def english_interface_strings(language):
    """English texts the catalogue translates into something else.

    Fuzzy and empty entries are left to test_po_translates_every_message; a
    message that some translation keeps word for word (a proper name such as a
    programme's) is left out too.
    """
    translations = all_translations(language)
    strings = set()
    for entry in messages(catalogue_entries(language)):
        if entry.fuzzy or not all(translations_of(entry)):
            continue
        if translations_of(entry)[0] == entry.msgid:
            continue
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            for piece in _fragments(source):
                if len(piece) > MIN_CHECKED_LENGTH and piece not in translations:
                    strings.add(piece)
    return strings


# Common interface words that must not show in English on a translated page; a word
# the language's own catalogue uses as is (French "Programmes") is skipped there.
COMMON_ENGLISH_WORDS = [
    "Search",
    "Filters",
    "Apply filters",
    "Clear",
    "Programmes",
    "Programme",
    "Tools",
    "Partners",
    "Risk areas",
    "Risk area",
    "CEP components",
    "Sign in",
    "Sign out",
    "Home",
    "Browse",
    "Skip to main content",
    "Sort by",
    "Status",
    "Kind",
    "Next",
    "Previous",
    "Page",
    "results",
    "Read more",
    "Members only",
    "Coverage",
    "Compare",
    "Threats",
    "Description",
    "Summary",
    "Keywords",
    "Sources",
    "Source",
    "Download",
    "Username",
    "Password",
    "About this portal",
    "Access",
    "Breadcrumb",
    "Main",
]


@pytest.fixture
def catalogue(db):
    return build_catalogue()


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_pages_show_no_english_interface_text(client, catalogue, language):
    strings = english_interface_strings(language)
    translations = all_translations(language)
    words = [
        word
        for word in COMMON_ENGLISH_WORDS
        if not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", translations)
    ]
    problems = []
    for _label, url in page_urls(catalogue, language):
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        text = visible_text(response.content.decode(), language)
        problems += [f"{url}: {s!r}" for s in sorted(strings) if s in text]
        problems += [
            f"{url}: {word!r}"
            for word in words
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
        ]

    assert not problems, (
        f"English interface text on {language} pages "
        "(not marked for translation, untranslated or a stale .mo):\n"
        + "\n".join(problems)
    )
