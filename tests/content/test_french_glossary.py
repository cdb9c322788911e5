"""French prose uses one name per thing, the one docs/glossary/fr.md gives."""

import re

from .catalogue import label, prose, records

# An English name, or a second French name, where the glossary gives one French term.
NOT_IN_FRENCH_PROSE = [
    "Revenue Package",
    "Cargo Targeting System",
    "Enforcement Committee",
    "Green Customs Initiative",
    "Initiative douanes vertes",
    "RILO Asie",
    "les RILO",
    "numéraire",
    "Groupe de travail sur le respect",
    # "espèces" means species; cash is "argent liquide"
    r"contrebande d'espèces(?! sauvages| protégées)",
    "d'espèces et d'instruments",
    "explosifs, espèces",
]


def test_french_prose_keeps_to_the_glossary():
    found = [
        (label(model, fields), field, term)
        for _, model, fields in records()
        for field, text in prose(fields)
        if field.endswith("_fr")
        for term in NOT_IN_FRENCH_PROSE
        if re.search(term, text)
    ]

    assert found == []


def test_the_e_crime_threat_names_data_theft_in_french():
    threat = next(
        fields
        for _, model, fields in records()
        if model == "risk_areas.threat" and fields["slug"] == "electronic-crime"
    )

    assert "vol de données" in threat["description_fr"]
