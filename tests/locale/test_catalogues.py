"""The interface catalogues are complete, in step with the source, and compiled.

Each language's locale/<lang>/LC_MESSAGES/django.po must translate every message
(no empty msgstr, no empty plural form, nothing marked fuzzy), hold every message
the templates and code mark for translation, and have a django.mo compiled from
it. And pages rendered in French, Spanish, Russian or Arabic show no English
interface text.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from tests.html import visible_text
from tests.multilingual import build_catalogue, page_urls

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a"}
# Copied into a scratch directory for makemessages: the code and the templates.
SOURCE_ITEMS = ("cep_portal", "risk_areas", "programmes", "templates", "manage.py")
# Interface strings this short are often the same word in English and elsewhere.
MIN_CHECKED_LENGTH = 12


# A small .po reader -------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # {plural index: text}
    flags: set = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self):
        return self.msgid == "" and self.msgctxt is None

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def label(self):
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


def _unquote(text):
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m[1], m[1]), text[1:-1])


def read_po(path):
    """The entries of a .po file, obsolete ones (#~) left out."""
    entries = []
    entry = Entry()
    target = None  # (attribute, plural index) the next continuation line extends

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(
        Path(path).read_text(encoding="utf-8").splitlines(), 1
    ):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: text outside an entry")
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and target and target[0] == "msgstr":
            finish()
        if not entry.line:
            entry.line = number
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, None)
        elif match := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword):
            index = int(match[1] or 0)
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def catalogue_entries(language):
    path = po_path(language)
    if not path.exists():
        pytest.fail(f"{path.relative_to(BASE_DIR)} is missing: run `make messages`.")
    return read_po(path)


def plural_count(entries):
    header = next((entry for entry in entries if entry.is_header), None)
    text = header.msgstr.get(0, "") if header else ""
    match = re.search(r"nplurals\s*=\s*(\d+)", text)
    return int(match[1]) if match else None


def gettext_command(name):
    return shutil.which(name)


# Every message translated ---------------------------------------------------------


def test_po_reader_reads_plurals_contexts_flags_and_continuations(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3;\\n"\n\n'
        '#, python-format\nmsgid "%(n)s tool"\nmsgid_plural "%(n)s tools"\n'
        'msgstr[0] "a"\nmsgstr[1] ""\nmsgstr[2] "c"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"text \\"quoted\\""\nmsgstr "x"\n\n'
        '#~ msgid "gone"\n#~ msgstr "parti"\n',
        encoding="utf-8",
    )

    header, plural, context = read_po(path)

    assert plural_count([header]) == 3
    assert plural.msgid_plural == "%(n)s tools"
    assert plural.msgstr == {0: "a", 1: "", 2: "c"}
    assert "python-format" in plural.flags
    assert context.key == ("menu", 'Long text "quoted"')


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_header_names_the_language_and_its_plural_forms(language):
    entries = catalogue_entries(language)
    header = next((entry for entry in entries if entry.is_header), None)

    assert header is not None, f"{language}: the .po has no header entry"
    text = header.msgstr.get(0, "")
    problems = []
    if "fuzzy" in header.flags:
        problems.append("the header is marked fuzzy (remove `#, fuzzy`)")
    if not re.search(rf"^Language: {language}\b", text, re.M):
        problems.append(f"the header lacks `Language: {language}`")
    if plural_count(entries) is None:
        problems.append("the header lacks `Plural-Forms: nplurals=...`")
    if "charset=UTF-8" not in text:
        problems.append("the header lacks `charset=UTF-8`")
    assert not problems, f"{po_path(language)}: " + "; ".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_translates_every_message(language):
    entries = catalogue_entries(language)
    plurals = plural_count(entries) or 2
    problems = []
    for entry in entries:
        if entry.is_header:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label}: marked fuzzy")
        elif entry.msgid_plural is not None:
            missing = [index for index in range(plurals) if not entry.msgstr.get(index)]
            if missing:
                problems.append(f"{entry.label}: empty plural form(s) {missing}")
        elif not entry.msgstr.get(0):
            problems.append(f"{entry.label}: empty msgstr")

    assert not problems, (
        f"{po_path(language).relative_to(BASE_DIR)}: "
        f"{len(problems)} message(s) not translated:\n" + "\n".join(problems)
    )


# In step with the source ------------------------------------------------------------


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """{(msgctxt, msgid)} that makemessages finds in a scratch copy of the source.

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
    return {entry.key: entry for entry in read_po(pot) if not entry.is_header}


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_holds_every_message_marked_in_the_source(language, source_messages):
    held = {entry.key for entry in catalogue_entries(language)}

    missing = [
        entry.label.split(": ", 1)[1]
        for key, entry in sorted(source_messages.items(), key=lambda i: str(i[0]))
        if key not in held
    ]

    assert not missing, (
        f"{po_path(language).relative_to(BASE_DIR)} lacks {len(missing)} message(s) "
        "marked in the source (run `make messages`, then translate them):\n"
        + "\n".join(missing)
    )


# Compiled ---------------------------------------------------------------------------


def _compiled_catalogue(path):
    with open(path, "rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return {
        key: value
        for key, value in translations._catalog.items()
        if key != "" and value != ""
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
    committed, current = _compiled_catalogue(mo), _compiled_catalogue(fresh)
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


def english_interface_strings(language):
    """English texts the catalogue translates into something else.

    Fuzzy and empty entries are left to test_po_translates_every_message; a
    message that some translation keeps word for word (a proper name such as a
    programme's) is left out too.
    """
    entries = [e for e in catalogue_entries(language) if not e.is_header]
    translations = " ".join(text for e in entries for text in e.msgstr.values())
    strings = set()
    for entry in entries:
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue
        if entry.msgstr.get(0) == entry.msgid:
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
    translations = " ".join(
        text for entry in catalogue_entries(language) for text in entry.msgstr.values()
    )
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
