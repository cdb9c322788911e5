"""Each database's own full-text engine: what it finds, and that its index never
lags behind the records, whatever path a change takes."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from programmes.models import PublicationStatus, Tool
from programmes.search import ensure_indexes, understood
from programmes.search.sqlite import index_name
from tests import factories
from tests.programmes.test_loader import sample_catalogue, write_files

from .queries import found, postgresql_only

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's FTS5 index"
)


# What the engines find


def test_search_ignores_accents_both_ways():
    factories.make_programme("Health Programme", summary="Médicaments falsifiés.")
    factories.make_programme("Brand Programme", summary="Counterfeit medicaments.")

    assert sorted(found("medicaments")) == ["brand-programme", "health-programme"]
    assert sorted(found("médicaments")) == ["brand-programme", "health-programme"]


def test_search_finds_other_endings_of_a_word():
    factories.make_tool("Seizure guide", summary="Recording seizures at the border.")

    assert found("seizure", Tool) == ["seizure-guide"]
    assert found("seizures", Tool) == ["seizure-guide"]


def test_search_matches_whole_words_only():
    factories.make_programme("Safety Programme")

    assert found("SAFE rules") == []
    assert found("safety rules") == ["safety-programme"]


def test_search_reads_the_readers_language_and_english_not_a_third():
    factories.make_programme(
        "Wildlife Programme",
        name_fr="Programme faune",
        name_es="Programa de fauna",
        summary="Ivory.",
        summary_es="Marfil y madera.",
    )

    assert found("ivory") == ["wildlife-programme"]
    with translation.override("es"):
        assert found("marfil") == ["wildlife-programme"]
        assert found("ivory") == ["wildlife-programme"]  # English behind it
    with translation.override("fr"):
        assert found("marfil") == []


def test_search_reads_russian_and_arabic_text():
    factories.make_programme(
        "Drugs Programme",
        summary_ru="Борьба с контрабандой наркотиков.",
        summary_ar="مكافحة تهريب المخدرات.",
    )

    with translation.override("ru"):
        assert found("наркотиков") == ["drugs-programme"]
    with translation.override("ar"):
        assert found("المخدرات") == ["drugs-programme"]


def test_search_words_are_never_query_syntax():
    factories.make_programme("Ivory and Timber Programme", slug="ivory-programme")

    for query in [
        "NEAR(ivory timber)",
        '"ivory',
        "ivory OR timber",
        "{name_en}: ivory",
        "ivory*",
        "^ivory",
        "ivory:*",
        "-ivory",
        "+ivory",
        "name_en:ivory",
    ]:
        assert "ivory-programme" in found(query), query


# Misspellings


def test_a_misspelt_word_is_corrected_and_searched():
    factories.make_programme("Counterfeit Programme", summary="Seizes fake goods.")

    parsed = understood("counterfiet goods")

    assert parsed.corrections == (("counterfiet", "counterfeit"),)
    assert parsed.suggestion == "counterfeit goods"
    assert found("counterfiet") == ["counterfeit-programme"]
    assert found("smugled cigarettes") == []  # nothing close enough to correct


def test_a_word_in_the_catalogue_is_not_corrected():
    factories.make_programme("Timber Programme", summary="Illegal logging.")
    factories.make_programme("Timbre Programme", summary="Postage.")

    assert understood("timbre").corrections == ()
    assert found("timbre") == ["timbre-programme"]


def test_corrections_follow_every_change_to_the_catalogue():
    tool = factories.make_tool("Pangolin Guide", summary="Scales and ivory.")
    assert understood("pangolni").suggestion == "pangolin"

    Tool.objects.filter(pk=tool.pk).update(name="Zanzibar Guide")
    assert understood("zanzibra").suggestion == "zanzibar"
    assert understood("pangolni").corrections == ()

    Tool.objects.filter(pk=tool.pk).delete()
    assert understood("zanzibra").corrections == ()


@pytest.mark.parametrize(
    "forms", [["seaports", "seaport"], ["seaport", "seaports"]], ids=["one", "other"]
)
def test_a_correction_between_equally_close_forms_is_always_the_same(
    monkeypatch, forms
):
    """Several app servers must suggest the same word: a tie between forms as
    records write them is never settled by the order they were read in."""
    from programmes.search import scoring

    factories.make_tool("Seaport Guide", summary="Seaports and their controls.")
    backend = scoring.backend_for(connection.alias)
    monkeypatch.setattr(backend, "surface_forms", lambda *args: forms)

    assert understood("seaportz").suggestion == "seaport"


def test_corrections_read_the_readers_language_and_english():
    factories.make_tool("Seizure Guide", name_fr="Guide des saisies")

    assert understood("sasies").corrections == ()
    with translation.override("fr"):
        assert understood("sasies").suggestion == "saisies"
        assert understood("seizrue").suggestion == "seizure"


@postgresql_only
def test_postgresql_corrections_forget_a_truncated_table():
    factories.make_tool("Pangolin Guide")
    with connection.cursor() as cursor:
        # The test's transaction holds deferred checks of the rows just written.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE programmes_tool CASCADE")

    assert understood("pangolni").corrections == ()


def test_search_page_offers_the_corrected_query(client):
    factories.make_programme("Narcotics Programme")

    response = client.get(reverse("programmes:search"), {"q": "narcotcs"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Did you mean" in content
    assert "?q=narcotics" in content
    assert "narcotics-programme" in content


# The index follows every write


def test_index_follows_saves_updates_and_deletes():
    tool = factories.make_tool("Ivory Tool", slug="tool-1")
    assert found("ivory", Tool) == ["tool-1"]

    tool.name = "Pangolin Tool"
    tool.save()
    assert found("ivory", Tool) == []
    assert found("pangolin", Tool) == ["tool-1"]

    Tool.objects.filter(pk=tool.pk).update(summary="Rhino horn.")
    assert found("rhino", Tool) == ["tool-1"]

    tool.delete()
    assert found("pangolin", Tool) == []


def test_index_follows_the_admin_form_delete_and_bulk_actions(admin_client):
    draft = factories.make_tool(
        "Ivory Tool", publication_status=PublicationStatus.DRAFT
    )
    changelist = reverse("admin:programmes_tool_changelist")
    assert found("ivory", Tool) == []

    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert found("ivory", Tool) == ["ivory-tool"]

    admin_client.post(
        changelist, {"action": "unpublish", "_selected_action": [draft.pk]}
    )
    assert found("ivory", Tool) == []

    admin_client.post(
        reverse("admin:programmes_tool_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert not Tool.objects.exists()
    assert found("ivory", Tool, user=None) == []


def test_a_draft_predecessor_leads_nobody_to_its_successor(admin_client):
    successor = factories.make_programme("Passenger and Cargo Programme")
    old = factories.make_merged_programme("Container Programme", successor=successor)
    assert found("container") == [successor.slug, old.slug]

    admin_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "unpublish", "_selected_action": [old.pk]},
    )

    assert found("container") == []


def test_index_follows_a_catalogue_load(tmp_path):
    catalogue = sample_catalogue()
    record = next(
        record
        for record in catalogue["programmes.json"]
        if record["model"] == "programmes.programme"
    )
    slug = record["fields"]["slug"]
    call_command("load_catalogue", *map(str, write_files(tmp_path, catalogue)))
    assert slug in found(record["fields"]["name_en"])
    assert found("zanzibar") == []

    record["fields"]["name_en"] = "Zanzibar Initiative"
    call_command("load_catalogue", *map(str, write_files(tmp_path, catalogue)))

    assert found("zanzibar") == [slug]


@sqlite_only
def test_sqlite_index_is_rebuilt_when_a_migration_dropped_its_triggers():
    factories.make_tool("Ivory Tool", slug="tool-1")
    index = index_name(Tool)
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f'DROP TRIGGER "{index}_{suffix}"')
    Tool.objects.update(name="Pangolin Tool")

    assert ensure_indexes() == [index]
    assert found("pangolin", Tool) == ["tool-1"]
    assert ensure_indexes() == []


@postgresql_only
def test_postgresql_documents_are_generated_and_gin_indexed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            ["programmes_tool"],
        )
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT column_name, is_generated FROM information_schema.columns "
            "WHERE table_name = %s AND column_name LIKE %s",
            ["programmes_tool", "search\\_%"],
        )
        columns = dict(cursor.fetchall())

    assert set(columns) == {f"search_{code}" for code in ("en", "fr", "es", "ru", "ar")}
    assert set(columns.values()) == {"ALWAYS"}
    for code in columns:
        assert f"USING gin ({code})" in indexes[f"tool_{code[-2:]}_fts"]


@postgresql_only
def test_postgresql_stems_each_language_with_its_own_rules():
    factories.make_programme(
        "Health Programme",
        summary="Falsified medicines.",
        summary_fr="Médicaments falsifiés.",
    )

    assert found("medicine") == ["health-programme"]
    with translation.override("fr"):
        assert found("médicament") == ["health-programme"]
        assert found("falsifie") == ["health-programme"]


def test_a_list_offers_the_corrected_query_and_keeps_its_filters(client):
    factories.make_tool("Narcotics Guide", kind="guidance")

    response = client.get(
        reverse("programmes:tool-list"), {"q": "narcotcs", "kind": "guidance"}
    )

    content = response.content.decode()
    assert "Did you mean" in content
    assert "narcotics-guide" in content
    assert "q=narcotics" in content and "kind=guidance" in content
