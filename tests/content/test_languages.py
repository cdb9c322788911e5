"""Every record is readable in the five languages of the portal."""

from .catalogue import LANGUAGES, label, records, translated_fields

# Fields allowed to stay empty in a language, with the reason. Counted, so a new
# gap fails the test until it is filled or listed here.
EXCEPTIONS = {}


def missing_translations():
    missing = {}
    for _, model, fields in records():
        for base in translated_fields(fields):
            if not fields[f"{base}_en"]:
                continue
            for language in LANGUAGES:
                if not (fields.get(f"{base}_{language}") or "").strip():
                    missing[(label(model, fields), f"{base}_{language}")] = "missing"
    return missing


def test_every_text_field_of_every_record_is_in_all_five_languages():
    missing = missing_translations()

    assert set(missing) == set(EXCEPTIONS)
    assert len(missing) == len(EXCEPTIONS)


def test_every_record_holds_each_text_field_in_exactly_the_five_languages():
    for _, model, fields in records():
        for base in translated_fields(fields):
            held = sorted(
                name.rsplit("_", 1)[1]
                for name in fields
                if name.rsplit("_", 1)[0] == base and len(name) == len(base) + 3
            )
            assert held == sorted(LANGUAGES), label(model, fields)
