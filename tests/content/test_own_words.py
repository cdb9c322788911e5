"""The catalogue is written in its own words: no run of eight words is copied from
the WCO pages it was written from (the seed pages) or from the research notes."""

from .catalogue import REFERENCE, label, prose, records, words

RUN = 8


def runs(text):
    found = words(text)
    return {tuple(found[i : i + RUN]) for i in range(len(found) - RUN + 1)}


def reference_runs():
    return set().union(
        *(runs(path.read_text(encoding="utf-8")) for path in REFERENCE.iterdir())
    )


def names():
    """Every record's name in every language and its acronym: they may be quoted."""
    found = set()
    for _, _, fields in records():
        found |= {v for k, v in fields.items() if k.startswith("name_") and v}
        found |= {fields["acronym"]} if fields.get("acronym") else set()
    return sorted((name for name in found if len(name) > 3), key=len, reverse=True)


def without_names(text, all_names):
    """The text cut at each name, so a run never spans one."""
    pieces = [text]
    for name in all_names:
        pieces = [part for piece in pieces for part in piece.split(name)]
    return pieces


def copied_runs(text, reference, all_names):
    return [
        " ".join(run)
        for piece in without_names(text, all_names)
        for run in runs(piece) & reference
    ]


def test_the_reference_pages_are_there():
    assert {path.name for path in REFERENCE.iterdir()} >= {
        "seed-activities-and-programmes.txt",
        "seed-cep-overview.txt",
        "wco-facts.md",
    }


def test_the_check_finds_a_sentence_copied_from_a_seed_page():
    seed = (REFERENCE / "seed-cep-overview.txt").read_text(encoding="utf-8")
    sentence = " ".join(seed.split()[40:60])

    assert copied_runs(f"Intro. {sentence.upper()}!", reference_runs(), [])


def test_no_summary_or_description_copies_eight_words_from_the_sources():
    reference, all_names = reference_runs(), names()

    copied = [
        (label(model, fields), field, run)
        for _, model, fields in records()
        for field, text in prose(fields)
        for run in copied_runs(text, reference, all_names)
    ]

    assert copied == []
