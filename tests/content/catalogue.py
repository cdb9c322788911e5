"""The catalogue files read as plain JSON, for checks that need no database."""

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
REFERENCE = Path(__file__).resolve().parent / "reference"
LANGUAGES = ["en", "fr", "es", "ru", "ar"]
TRANSLATIONS = LANGUAGES[1:]
# Prose a reader sees: names and keywords may keep proper names and acronyms.
PROSE = ("summary", "description", "official_label")


@cache
def records():
    """(file name, model, fields) for every record of every catalogue file."""
    return [
        (path.name, item["model"], item["fields"])
        for path in FIXTURES
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]


def label(model, fields):
    return f"{model} {fields.get('slug') or '/'.join(_links(fields))}"


def _links(fields):
    return ["-".join(value[0]) for value in fields.values() if _is_key(value)]


def _is_key(value):
    return isinstance(value, list) and value and isinstance(value[0], str)


def translated_fields(fields):
    """The base names of the record's fields held per language: name, summary, ..."""
    return sorted(name[:-3] for name in fields if name.endswith("_en"))


def prose(fields):
    """(field, text) for every language of every prose field of a record."""
    for base in translated_fields(fields):
        if base in PROSE:
            for language in LANGUAGES:
                yield f"{base}_{language}", fields.get(f"{base}_{language}") or ""


def sources(fields):
    """Every source address of a record: its source, each extra line, its website."""
    lines = [fields.get("source_url") or "", fields.get("website") or ""]
    lines += (fields.get("additional_sources") or "").splitlines()
    return [line.strip() for line in lines if line.strip()]


def words(text):
    """Lower-case words without punctuation, accents kept (they carry meaning)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"\w+(?:['’]\w+)*", text)
