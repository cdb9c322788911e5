"""What a response carries, and the words in it that betray a secret record."""

import functools
import html
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.urls import reverse

from tests.html import links_in
from tests.leaks.harness.records import secrets_hidden_from

# Links in sitemaps, feeds and JSON exports.
LOC = re.compile(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"|\"url\": \"([^\"]+)\"")


def body_of(response):
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def text_of(response):
    """Everything a reader receives: headers that carry text, then the body."""
    headers = [
        f"{name}: {value}"
        for name, value in response.items()
        if name.lower() in {"location", "content-disposition", "link", "title"}
    ]
    return "\n".join([*headers, body_of(response)])


def leaked_tokens(text, url, secrets):
    """The words of `secrets` in `text`, other than those the URL itself carries."""
    asked = html.unescape(url).lower()
    text = text.lower()
    return sorted(
        {
            token
            for secret in secrets
            for token in secret.tokens
            if token not in asked and token in text
        }
    )


def excerpt(text, token, width=80):
    at = text.lower().find(token)
    return text[max(at - width, 0) : at + len(token) + width].replace("\n", " ")


def normalised(text):
    # CSRF tokens differ from one response to the next.
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", text)


def links_of(response, text):
    """The addresses a response points to: an HTML page's links, or its URLs."""
    if response.get("Content-Type", "").startswith("text/html"):
        return links_in(text)
    return [html.unescape(next(g for g in match if g)) for match in LOC.findall(text)]


def same_site(link, base):
    """The path and query of a link on this site, or None for other sites."""
    parts = urlsplit(link)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    if parts.netloc and parts.netloc != "testserver":
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    query = parts.query if parts.path or parts.query else urlsplit(base).query
    return f"{path}?{query}" if query else path


@functools.cache
def set_language_path():
    return reverse("set_language")


def skipped(url):
    path = urlsplit(url).path
    return (
        path.startswith(("/admin/", settings.STATIC_URL.join("//"), "/static/"))
        or any(path.endswith(f"/{name}/") for name in ("logout",))
        or path == set_language_path()
    )


def canonical(url):
    """One address per page: sign-in's `next` and the parameter order don't count."""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, True) if k != "next")
    return f"{parts.path}?{urlencode(query)}" if query else parts.path


# Checks on one response -------------------------------------------------------------


def assert_hides_secrets(response, reader, shows=()):
    """No word of a record hidden from `reader`; every name in `shows` present."""
    text = text_of(response)
    asked = (
        f"{response.request['PATH_INFO']}?{response.request.get('QUERY_STRING', '')}"
    )
    leaked = leaked_tokens(text, asked, secrets_hidden_from(reader))
    assert leaked == [], [excerpt(text, token) for token in leaked]
    for name in shows:
        assert name in html.unescape(text), name


def assert_no_token_of(text, secrets):
    """None of the secrets' words anywhere in `text`, whatever was asked."""
    text = text.lower()
    for secret in secrets:
        assert not any(token in text for token in secret.tokens), secret.name


def facet_counts(response, name):
    facet = next(f for f in response.context["facets"] if f.name == name)
    return {option["value"]: option["count"] for option in facet}


def cross_table_counts(rows):
    """{(risk area, component): count} of a risk area x CEP component table."""
    return {
        (row["risk_area"].slug, cell["component"].slug): cell["count"]
        for row in rows
        for cell in row["cells"]
    }


def json_export(client, path, **query):
    response = client.get(path, {**query, "format": "json"})
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/json"), path
    return json.loads(body_of(response))


def answer(response):
    """(status, text) of a response, read once: a streaming body reads only once."""
    return response.status_code, text_of(response)


def answers_alike(mine, secret, theirs, never):
    """Whether `mine`, asked with a secret value, is word for word `theirs`, asked
    with a value that never existed: then the secret record's existence is hidden.
    """
    (status, text), (other_status, other_text) = mine, theirs
    return (status, normalised(text).replace(secret, "VALUE")) == (
        other_status,
        normalised(other_text).replace(never, "VALUE"),
    )
