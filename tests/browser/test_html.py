"""The Nu HTML Checker on every main page, in English and Arabic, and on a 404 page.

The pages come from Django's test client, so this needs no browser (and has no
`browser` mark), only Java and the checker from npm; they are checked in one run of
the checker. Errors fail the test; warnings are reported as a warning.
"""

import json
import shutil
import subprocess
import warnings

import pytest

from .conftest import MAIN_PAGES, VNU_JAR

LANGUAGES = ["en", "ar"]


class HTMLCheckerWarning(UserWarning):
    """A warning of the Nu HTML Checker: reported, not failing."""


@pytest.fixture
def checker():
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is missing: the Nu HTML checker needs a Java 11+ runtime")
    if not VNU_JAR.is_file():
        pytest.skip(
            "vnu-jar is not installed: run `npm ci` in the repository root "
            "(needs Node.js and npm)"
        )
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout"]


def describe(message, path):
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())
    return f"- {path}, line {line}: {message['message']}\n    {extract[:200]}"


def test_main_pages_are_valid_html(client, transactional_db, checker, tmp_path):
    pages = {}
    for main_page in MAIN_PAGES:
        for lang in LANGUAGES:
            pages[main_page.path(lang)] = 200
    pages["/tools/no-such-tool/"] = 404
    pages["/ar/tools/no-such-tool/"] = 404
    files = {}
    for number, (path, status) in enumerate(pages.items()):
        response = client.get(path)
        assert response.status_code == status, f"{path} answered {response.status_code}"
        file = tmp_path / f"page-{number:02d}.html"
        file.write_bytes(response.content)
        files[file.name] = path

    result = subprocess.run(
        [*checker, *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
        check=False,
    )

    messages = json.loads(result.stdout or "{}").get("messages", [])
    errors, reported = [], []
    for message in messages:
        url = message.get("url", "?")
        path = files.get(url.rsplit("/", 1)[-1], url)
        if message.get("type") in ("error", "non-document-error"):
            errors.append(describe(message, path))
        elif message.get("subType") == "warning":
            reported.append(describe(message, path))
    if reported:
        warnings.warn(
            HTMLCheckerWarning("HTML checker warnings:\n" + "\n".join(reported)),
            stacklevel=1,
        )
    assert result.stdout, f"the HTML checker gave no report: {result.stderr[:500]}"
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)
