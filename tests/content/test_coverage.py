"""Coverage levels follow the rule in docs/coverage-levels.md."""

from collections import defaultdict

from .catalogue import records

AREAS = {"revenue", "drugs", "ipr-health-safety", "security", "environment"}
# Records primary in every area, each with a named part (a chapter) per area.
PRIMARY_EVERYWHERE = {"itr"}
CROSS_CUTTING = {
    "risk-management-and-intelligence-programme",
    "rm-compendium",
    "cen",
    "ncen",
    "cencomm",
    "rilo-network",
    "giis-group",
    "iris",
    "clikc",
    "i2c",
    "rilo-gran",
    "cenmat",
}
# Cooperation and integrity serve every area alike: the committee that steers all
# enforcement work, Customs-police cooperation, and integrity against corrupt
# insiders, who let any kind of contraband through.
COOPERATION_AND_INTEGRITY = {
    "enforcement-committee",
    "customs-police-handbook",
    "revised-arusha-declaration",
}
E_CRIME_FAMILY = {"electronic-crime", "eceg", "ecrime-guides"}
MONEY_LAUNDERING_FAMILY = {
    "money-laundering-and-terrorist-financing",
    "project-tentacle",
    "project-octagon",
    "op-chimera",
    "customs-fiu-handbook",
    "aml-recommendation",
}


def levels():
    """{record slug: {risk area slug: level}} for programmes and tools."""
    found = defaultdict(dict)
    for _, model, fields in records():
        if model in {"programmes.programmecoverage", "programmes.toolcoverage"}:
            owner = (fields.get("programme") or fields.get("tool"))[0]
            found[owner][fields["risk_area"][0]] = fields["level"]
    return found


def test_levels_are_primary_or_supporting():
    assert {level for areas in levels().values() for level in areas.values()} == {
        "primary",
        "supporting",
    }


def test_only_listed_records_are_primary_in_every_area():
    everywhere = {
        slug
        for slug, areas in levels().items()
        if set(areas) == AREAS and set(areas.values()) == {"primary"}
    }

    assert everywhere == PRIMARY_EVERYWHERE


def test_cross_cutting_intelligence_and_risk_tools_are_supporting_everywhere():
    for slug in CROSS_CUTTING:
        assert set(levels()[slug].values()) == {"supporting"}, slug


def test_cooperation_and_integrity_records_are_supporting_in_every_area():
    for slug in COOPERATION_AND_INTEGRITY:
        assert levels()[slug] == dict.fromkeys(AREAS, "supporting"), slug


def test_the_e_crime_family_is_primary_for_security_only():
    for slug in E_CRIME_FAMILY:
        primary = {area for area, level in levels()[slug].items() if level == "primary"}

        assert primary == {"security"}, slug


def test_money_laundering_work_is_primary_for_security_and_supporting_revenue():
    for slug in MONEY_LAUNDERING_FAMILY:
        assert levels()[slug]["security"] == "primary", slug
        assert levels()[slug]["revenue"] == "supporting", slug
