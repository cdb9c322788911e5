import pytest

from programmes.search import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    clean_query,
    parse_query,
)

from .queries import SYNTAX_CHARACTERS


def test_parse_query_drops_question_words():
    parsed = parse_query("Who works on fake medicines?")

    assert parsed.typed_words == ["fake", "medicines"]
    assert {"who", "works", "on"} <= set(parsed.ignored)


def test_parse_query_drops_french_question_words():
    parsed = parse_query("Qui travaille sur la contrefaçon ?")

    assert parsed.typed_words == ["contrefaçon"]


def test_parse_query_keeps_an_acronym_that_looks_like_a_common_word():
    assert parse_query("WHO").typed_words == ["who"]
    assert parse_query("who").is_empty


def test_parse_query_reads_dotted_acronyms():
    assert parse_query("C.E.N.").typed_words == ["cen"]


@pytest.mark.parametrize("character", SYNTAX_CHARACTERS)
def test_parse_query_takes_query_syntax_characters_literally(character):
    assert parse_query(f"fake{character}medicines").typed_words == ["fake", "medicines"]
    assert parse_query(character).is_empty


def test_parse_query_caps_long_queries():
    long = parse_query("x" * 10_000)
    wordy = parse_query(" ".join(f"word{number}" for number in range(40)))

    assert len(long.text) == MAX_QUERY_LENGTH
    assert long.truncated
    assert len(wordy.groups) == MAX_QUERY_WORDS
    assert wordy.truncated


def test_parse_query_expands_staff_synonyms():
    parsed = parse_query("tax evasion")

    assert "undervaluation" in parsed.expansions


def test_parse_query_treats_a_hyphen_as_optional_in_synonyms():
    assert parse_query("dual use").expansions == parse_query("dual-use").expansions


def test_clean_query_leaves_no_control_characters():
    assert clean_query("ivory\x00timber") == "ivory timber"
    assert clean_query("\x00") == ""
    assert clean_query("\u202e\u200bivory") == "ivory"


def test_clean_query_trims_and_collapses_spaces():
    assert clean_query("  fake \n\t medicines  ") == "fake medicines"
    assert clean_query(None) == ""


def test_clean_query_cuts_to_the_maximum_length():
    assert clean_query("x" * 10_000) == "x" * MAX_QUERY_LENGTH
    # Cut where a space falls: trimmed after cutting.
    assert clean_query("x" * (MAX_QUERY_LENGTH - 1) + " tail") == "x" * (
        MAX_QUERY_LENGTH - 1
    )


def test_parse_query_says_when_the_text_was_cut():
    assert parse_query("x" * (MAX_QUERY_LENGTH + 1)).truncated
    assert not parse_query("x" * MAX_QUERY_LENGTH).truncated
