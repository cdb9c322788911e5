"""What the reader typed: cleaned, then read into groups of alternatives.

`parse_query()` keeps letters, digits and hyphens only (so no character is ever
query syntax), drops question and function words ("who works on ..."), and turns
each remaining term into a group of alternatives: the term as typed plus its
synonyms from the vocabulary. Every group must match, except weak words such as
"smuggling" that nearly every record contains.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field

from . import vocabulary

# Longer text is cut: nobody types more, and it bounds the size of the SQL.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12

TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
DOTTED_RE = re.compile(r"(?<!\w)(?:[^\W\d_]\.){2,}")


@dataclass(frozen=True)
class Term:
    """One word of an alternative, lower-cased."""

    text: str
    acronym: bool = False  # typed like an acronym ("CTS", "nCEN"): matched exactly
    prefix: bool = False  # the last word typed: may be incomplete

    @property
    def complete(self):
        """The word taken as typed in full."""
        return Term(self.text, acronym=self.acronym)


@dataclass(frozen=True)
class Alternative:
    """Words that must all match (as a phrase on the fallback)."""

    terms: tuple
    synonym: bool = False
    label: str = field(default="", compare=False)  # a synonym as the vocabulary has it

    @property
    def text(self):
        return " ".join(term.text for term in self.terms)


@dataclass(frozen=True)
class Group:
    """A term of the query and its synonyms: one of them must match."""

    alternatives: tuple
    required: bool = True

    @property
    def typed(self):
        return self.alternatives[0]

    @property
    def has_prefix(self):
        return any(term.prefix for term in self.typed.terms)

    @property
    def synonyms(self):
        return self.alternatives[1:]

    @property
    def complete(self):
        """The alternatives with the last word taken as complete (no prefix)."""
        return tuple(
            Alternative(
                tuple(term.complete for term in alternative.terms),
                synonym=alternative.synonym,
            )
            for alternative in self.alternatives
        )


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what the reader typed, cleaned: safe to show back in the form
    groups: tuple = ()
    ignored: tuple = ()  # the question and function words left out
    truncated: bool = False
    # Set by `spelling.correct()`: whether the words were checked, and the
    # misspelt ones replaced ((typed, corrected), ...) in the query searched.
    checked: bool = False
    corrections: tuple = ()
    suggestion: str = ""

    @property
    def is_empty(self):
        return not self.groups

    @property
    def required(self):
        return [group for group in self.groups if group.required]

    def minimum_terms(self, relaxed=False):
        """How many of the terms a record must hold: most of the required ones,
        or, `relaxed` (because no record holds that many), any one term."""
        required = len(self.required)
        return 1 if relaxed or required <= 2 else math.ceil(required / 2)

    def counted(self, group, relaxed=False):
        """Whether `group` counts towards `minimum_terms`: a weak word only when
        relaxed."""
        return group.required or relaxed

    @property
    def may_relax(self):
        """Whether a search finding nothing may try again with records holding
        any one of the terms, weak words included."""
        return self.minimum_terms() > 1 or bool(self.weak)

    @property
    def weak(self):
        return [group for group in self.groups if not group.required]

    @property
    def typed_terms(self):
        return [term for group in self.groups for term in group.typed.terms]

    @property
    def typed_words(self):
        return [term.text for term in self.typed_terms]

    @property
    def expansions(self):
        """The synonyms searched as well, for the page to name them."""
        typed = {word.casefold() for word in self.typed_words}
        labels = dict.fromkeys(
            alternative.label or alternative.text
            for group in self.groups
            for alternative in group.synonyms
        )
        return [label for label in labels if label.casefold() not in typed]

    @property
    def phrase(self):
        return " ".join(self.typed_words)


def _cleaned(value):
    """(the text, whether it was cut): see `clean_query`."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in text
    )
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip(), len(text) > MAX_QUERY_LENGTH


def clean_query(value):
    """Text safe to search and show: no control characters (so no NUL bytes),
    spaces collapsed and trimmed, at most MAX_QUERY_LENGTH characters.

    `parse_query(value).truncated` says whether it was cut.
    """
    return _cleaned(value)[0]


def _is_single_letter(token):
    # A lone letter of an alphabet finds everything; a CJK character is a word.
    return len(token) == 1 and token.lower() != token.upper()


def _looks_like_acronym(token, query_is_shouting):
    uppers = sum(char.isupper() for char in token)
    return uppers >= 2 and len(token) <= 10 and not query_is_shouting


def _terms(tokens, *, shouting=False):
    return [
        Term(token.casefold(), acronym=_looks_like_acronym(token, shouting))
        for token in tokens
    ]


def _key(word):
    """A term's lookup form: lower case, a plural ending removed."""
    word = word.casefold()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _phrase_key(words):
    # "dual-use" and "dual use" are the same term.
    return " ".join(_key(part) for word in words for part in word.split("-") if part)


def _build_thesaurus():
    """Term key -> the other terms it finds: its synonyms, then its broader terms."""
    links = [(term, line) for line in vocabulary.SYNONYMS for term in line]
    links += list(vocabulary.BROADER.items())
    thesaurus = {}
    for term, others in links:
        entry = thesaurus.setdefault(_phrase_key(TOKEN_RE.findall(term)), [])
        entry += [other for other in others if other != term and other not in entry]
    return thesaurus


THESAURUS = _build_thesaurus()
LONGEST_KEY = max(len(key.split()) for key in THESAURUS)
STOP_WORDS = frozenset(_key(word) for word in vocabulary.STOP_WORDS) | frozenset(
    word.casefold() for word in vocabulary.STOP_WORDS
)
WEAK_WORDS = frozenset(_key(word) for word in vocabulary.WEAK_WORDS)


def _longest_term(kept, position):
    """The words of `kept` from `position` making the longest thesaurus term (or
    one word), with that term's synonyms (None if it has none)."""
    for size in range(min(LONGEST_KEY, len(kept) - position), 0, -1):
        words = kept[position : position + size]
        synonyms = THESAURUS.get(_phrase_key(term.text for term in words))
        if synonyms is not None:
            return words, synonyms
    return kept[position : position + 1], None


def parse_query(value):
    """Read what the reader typed into groups of alternatives (see the module doc)."""
    if isinstance(value, ParsedQuery):
        return value
    text, truncated = _cleaned(value)
    # "C.E.N." is CEN.
    undotted = DOTTED_RE.sub(lambda match: match.group().replace(".", ""), text)
    tokens = TOKEN_RE.findall(undotted)
    if len(tokens) > MAX_QUERY_WORDS:
        tokens, truncated = tokens[:MAX_QUERY_WORDS], True
    shouting = len(tokens) > 1 and all(not t.isalpha() or t.isupper() for t in tokens)
    terms = _terms(tokens, shouting=shouting)
    kept = [
        term
        for term in terms
        if term.acronym
        or (_key(term.text) not in STOP_WORDS and not _is_single_letter(term.text))
    ]
    ignored = tuple(dict.fromkeys(t.text for t in terms if t not in kept))
    if kept and len(kept[-1].text) >= 3 and terms[-1] == kept[-1]:
        kept[-1] = Term(kept[-1].text, acronym=kept[-1].acronym, prefix=True)

    groups, position, seen = [], 0, set()
    while position < len(kept):
        words, synonyms = _longest_term(kept, position)
        position += len(words)
        key = _phrase_key(term.text for term in words)
        if key in seen:
            continue
        seen.add(key)
        alternatives = [Alternative(tuple(words))]
        for synonym in synonyms or ():
            synonym_terms = tuple(_terms(TOKEN_RE.findall(synonym)))
            if synonym_terms and _phrase_key(t.text for t in synonym_terms) != key:
                alternatives.append(
                    Alternative(synonym_terms, synonym=True, label=synonym)
                )
        weak = all(_key(term.text) in WEAK_WORDS for term in words)
        groups.append(Group(tuple(alternatives), required=not weak))
    if groups and not any(group.required for group in groups):
        groups = [Group(group.alternatives) for group in groups]
    return ParsedQuery(text, tuple(groups), ignored, truncated)
