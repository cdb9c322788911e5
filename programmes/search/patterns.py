"""Regular expressions for the words of a query.

The fallback backend matches with them, both backends test the name with them,
and the results page marks with them what was found, so a word is read the same
way everywhere: a light stemmer ("medicines" finds "medicine"), accents ignored
("medicament" finds "médicament") and a hyphen optional ("dual use" finds
"dual-use").
"""

import re
import unicodedata

from .query import Alternative

ACCENTS = {
    "a": "aàâäáãå",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóòõ",
    "u": "uùûüú",
    "y": "yÿý",
}


def _root(word):
    """A crude stem: what is left once a common English ending is removed."""
    for ending, minimum in (("ies", 6), ("es", 6), ("ing", 7), ("ed", 6), ("s", 4)):
        if len(word) >= minimum and word.endswith(ending) and not word.endswith("ss"):
            return word[: -len(ending)]
    return word


def _fold(text):
    """A regular expression for `text` that ignores accents and treats a hyphen
    as optional."""
    pattern = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[0].lower()
        if base in ACCENTS:
            pattern.append(f"[{ACCENTS[base]}]")
        elif char == "-":
            pattern.append(r"[-\s]?")
        else:
            pattern.append(re.escape(char))
    return "".join(pattern)


def _word_pattern(term):
    if term.acronym:
        return _fold(term.text) + (r"\w*" if term.prefix else r"\b")
    root = _root(term.text)
    if term.prefix:
        return _fold(root) + r"\w*"
    if len(root) <= 3:
        return _fold(root) + r"(?:s|es)?\b"
    return _fold(root) + r"\w{0,4}\b"


def alternative_pattern(alternatives):
    """One regular expression matching any of `alternatives` (words in a row)."""
    if not alternatives:
        return None
    phrases = [
        r"\W+".join(_word_pattern(term) for term in alternative.terms)
        for alternative in alternatives
    ]
    return r"(?<!\w)(?:" + "|".join(phrases) + ")"


def for_postgresql(pattern):
    # PostgreSQL spells the word boundary \y (its \b is a backspace).
    return pattern.replace(r"\b", r"\y")


def compiled(alternatives):
    pattern = alternative_pattern(alternatives)
    return re.compile(pattern, re.IGNORECASE) if pattern else None


def highlight_pattern(parsed):
    """One case-insensitive regular expression for what was searched: each word as
    typed, and each synonym as a whole ("drug product", never "drug" alone)."""
    typed = [Alternative((term,)) for term in parsed.typed_terms]
    synonyms = [
        alternative for group in parsed.groups for alternative in group.synonyms
    ]
    alternatives = sorted(
        set(typed + synonyms), key=lambda alternative: -len(alternative.text)
    )
    return compiled(alternatives)
