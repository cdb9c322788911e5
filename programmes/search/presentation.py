"""What a search result shows: the record's own summary with the words found
highlighted, and, when the words found are not the words typed, why it matched.

Everything here reads what the search already loaded (the record, the query and
the snippet the backend chose), so it adds no query. Text is escaped first; the
only tags in what it returns are its own <mark>s.
"""

import re
from dataclasses import dataclass
from html import unescape

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .query import STOP_WORDS, TOKEN_RE, _key
from .results import SNIPPET_LENGTH, Snippet, _fold, excerpt

# The record's text a result shows, the first one it has.
SUMMARY_FIELDS = ("summary", "description")
MARKED_HTML_RE = re.compile(r"<mark>(.*?)</mark>")
PART_RE = re.compile(r"[^\W_]+")


@dataclass
class Reason:
    """Why a record matched, when the page's words do not show it."""

    text: str  # HTML, escaped
    label: str = ""  # what the text is ("Keywords"), if it quotes a record
    quoted: Snippet = None  # the record's text quoted, for its language


def _stem(word):
    """`word` without a plural or a common ending: "seizures" and "seizure",
    "counterfeiting" and "counterfeit" compare equal."""
    word = _key(word)
    for ending in ("ing", "ed", "er"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _matches(word, term):
    """Whether `word` (folded) is `term` as a search finds it: the same word,
    another ending of it, or, for the last word typed, a word it starts."""
    text = _fold(term.text)
    if term.acronym:
        return word == text
    if term.prefix and word.startswith(text):
        return True
    return _stem(word) == _stem(text)


def _worth_marking(term):
    """Not a common word, not a lone letter."""
    return term.acronym or (len(term.text) > 1 and _key(term.text) not in STOP_WORDS)


def _words_of(text):
    """(start, end, folded word) of each word of `text`: of a word with hyphens,
    the whole word first, then its parts."""
    words = []
    for match in TOKEN_RE.finditer(text):
        if "-" in match.group():
            words.append((match.start(), match.end(), _fold(match.group())))
        words += [
            (part.start(), part.end(), _fold(part.group()))
            for part in PART_RE.finditer(text, match.start(), match.end())
        ]
    return words


def _found_terms(words, parsed):
    """The terms to mark: those of each alternative all of whose words are in
    the text, so "Container Control Programme" marks no lone "programme"."""
    found = [word for _start, _end, word in words]
    return [
        term
        for group in parsed.groups
        for alternative in group.alternatives
        if all(any(_matches(word, t) for word in found) for t in alternative.terms)
        for term in alternative.terms
        if _worth_marking(term)
    ]


def highlight(text, parsed):
    """`text` escaped, with the words the query finds in <mark>; of a word with
    hyphens, the whole word or the parts found ("<mark>ivory</mark>-free")."""
    words = _words_of(text)
    terms = _found_terms(words, parsed)
    html, position = [], 0
    for start, end, word in words:
        if start >= position and any(_matches(word, term) for term in terms):
            html.append(escape(text[position:start]))
            html.append(format_html("<mark>{}</mark>", text[start:end]))
            position = end
    html.append(escape(text[position:]))
    return mark_safe("".join(str(piece) for piece in html))


def summary_of(record, parsed):
    """The record's summary (else the start of its description) in the reader's
    language, as a Snippet with the words found highlighted; empty if none."""
    for field in SUMMARY_FIELDS:
        if text := getattr(record, field, ""):
            return Snippet(
                highlight(excerpt(text, SNIPPET_LENGTH), parsed), "", record, field
            )
    return Snippet()


def _typed_group(word, parsed):
    """The group whose words as typed find `word`, else None."""
    for group in parsed.groups:
        if any(_matches(word, term) for term in group.typed.terms):
            return group
    return None


def _synonym(word, parsed):
    """(the synonym, the group it belongs to) that finds `word`, when no word as
    typed does; else None."""
    if _typed_group(word, parsed) is not None:
        return None
    for group in parsed.groups:
        for alternative in group.synonyms:
            if any(_matches(word, term) for term in alternative.terms):
                return alternative, group
    return None


def _marked_words(html):
    """The words in <mark> in `html`, folded."""
    return [_fold(unescape(word)) for word in MARKED_HTML_RE.findall(str(html))]


def _keyword_entry(html):
    """The first entry of a keyword list (comma-separated, as HTML) with a word
    in <mark>, as HTML."""
    entry = next((entry for entry in str(html).split(",") if "<mark>" in entry), "")
    return mark_safe(" ".join(entry.replace("…", " ").split()))


def reason_for(record, source, summary, parsed):
    """Why `record` matched, when its summary shown does not say: a threat it
    covers, a synonym of a word typed ("counterfeit" for "fake"), or one of its
    keywords (another name, an old one). None when the summary shows the words
    typed, or when nothing more is known.

    `source` is the Snippet the search chose to explain the match.
    """
    if source.source is None:
        return None
    if source.source is not record:
        # A threat the record covers: its name, with the one entry of its
        # keywords that matched, not the whole list.
        name = escape(source.source.name)
        text = str(source.text)
        if text.startswith(f"{name} (") and text.endswith(")"):
            entry = _keyword_entry(text[len(name) + 2 : -1])
            text = format_html("{} ({})", name, entry)
        text = mark_safe(text)
        return Reason(
            text, source.label, Snippet(text, "", source.source, source.field)
        )
    words = _marked_words(source.text)
    shown = _marked_words(summary.text)
    # Groups whose words as typed the summary shows need no explaining.
    typed_shown = {id(_typed_group(word, parsed)) for word in shown}
    for word in words + shown:
        found = _synonym(word, parsed)
        if found and id(found[1]) not in typed_shown:
            alternative, group = found
            found = alternative.label or alternative.text
            return Reason(_matched(found, group.typed.text))
    if source.field != "keywords" or "<mark>" in summary.text or not words:
        return None
    entry = _keyword_entry(source.text)
    plain = unescape(strip_tags(entry))
    typed = [
        group.typed.text
        for group in parsed.groups
        if any(_typed_group(word, parsed) is group for word in _marked_words(entry))
    ]
    if typed and _fold(plain) != _fold(" ".join(typed)):
        # Another name the record goes by, or had.
        return Reason(_matched(plain, " ".join(typed)))
    return Reason(entry, source.label, Snippet(entry, source.label, record, "keywords"))


def _matched(found, typed):
    return format_html(
        gettext("Matched “{found}” for your “{typed}”"), found=found, typed=typed
    )
