"""generate_catalogue: synthetic tools and programmes on the bundled catalogue."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.models import Programme, Tool
from programmes.synthetic import SYNTHETIC_SLUG, content_languages
from tests.factories import shared_records

pytestmark = pytest.mark.django_db


def generate(*args):
    out = StringIO()
    call_command("generate_catalogue", *map(str, args), stdout=out)
    return out.getvalue()


def synthetic(model):
    return model.objects.filter(slug__regex=SYNTHETIC_SLUG)


def snapshot():
    """What a reader could tell apart: names, text and every link."""
    tools = synthetic(Tool).prefetch_related(
        "coverage", "threats", "components", "programmes", "partners"
    )
    programmes = synthetic(Programme).prefetch_related(
        "coverage", "threats", "partners", "tools"
    )
    return [
        (
            record.slug,
            record.name_en,
            record.name_fr,
            record.summary_en,
            sorted((c.risk_area.slug, c.level) for c in record.coverage.all()),
            sorted(
                linked.slug
                for relation in ("threats", "components", "programmes", "partners")
                if hasattr(record, relation)
                for linked in getattr(record, relation).all()
            ),
            sorted(t.slug for t in record.tools.all())
            if isinstance(record, Programme)
            else [],
        )
        for queryset in (tools, programmes)
        for record in queryset.order_by("slug")
    ]


def test_an_empty_catalogue_is_refused_with_a_clear_error():
    with pytest.raises(CommandError, match="load the bundled catalogue first"):
        generate("--tools", 10)
    assert not Tool.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--tools", "-1"],
        ["--tools", "many"],
        ["--tools", "10", "--programmes", "1.5"],
        ["--tools", "10", "--seed", "x"],
        ["--programmes", "10"],
    ],
)
def test_bad_arguments_are_refused_with_a_clear_error(args):
    with pytest.raises(CommandError) as error:
        call_command("generate_catalogue", *args, stdout=StringIO())
    assert "Traceback" not in str(error.value)
    assert not Tool.objects.exists()


@pytest.fixture(scope="module")
def bundled(django_db_setup, django_db_blocker):
    with shared_records(django_db_blocker):
        call_command("load_catalogue", stdout=StringIO())
        yield {"tools": Tool.objects.count(), "programmes": Programme.objects.count()}


def test_it_adds_records_until_the_catalogue_holds_the_numbers_asked(bundled):
    tools, programmes = bundled["tools"] + 60, bundled["programmes"] + 12

    output = generate("--tools", tools, "--programmes", programmes)

    assert "60 synthetic tools and 12 synthetic programmes added" in output
    assert Tool.objects.count() == tools
    assert Programme.objects.count() == programmes
    # Asking again for as many adds nothing.
    assert "0 synthetic tools and 0 synthetic programmes" in generate(
        "--tools", tools, "--programmes", programmes
    )


def test_synthetic_records_are_published_and_linked_like_bundled_ones(bundled, client):
    generate(
        "--tools", bundled["tools"] + 60, "--programmes", bundled["programmes"] + 12
    )

    anonymous = Tool.objects.visible_to(None)
    assert (
        synthetic(Tool).count() == anonymous.filter(slug__regex=SYNTHETIC_SLUG).count()
    )
    for tool in synthetic(Tool).prefetch_related("coverage", "components"):
        assert tool.coverage.all(), tool
        assert tool.components.all(), tool
    for programme in synthetic(Programme).prefetch_related(
        "coverage", "tools__coverage"
    ):
        assert programme.is_published
        areas = {c.risk_area_id for c in programme.coverage.all()}
        assert programme.tools.all(), programme
        # Every tool it lists works on one of its risk areas.
        for tool in programme.tools.all():
            assert areas & {c.risk_area_id for c in tool.coverage.all()}, tool
    programme = synthetic(Programme).first()
    page = client.get(programme.get_absolute_url())
    assert page.status_code == 200
    assert programme.name_en in page.content.decode()


def test_text_comes_in_every_language_the_bundled_records_have(bundled):
    generate(
        "--tools", bundled["tools"] + 20, "--programmes", bundled["programmes"] + 5
    )

    for model in (Tool, Programme):
        languages = content_languages(model)
        assert {"en", "fr"} <= set(languages)
        for record in synthetic(model):
            names = {getattr(record, f"name_{code}") for code in languages}
            # A name of its own in each language, with a summary and keywords.
            assert len(names) == len(languages) and all(names), record
            for code in languages:
                assert getattr(record, f"summary_{code}"), (record, code)
                assert getattr(record, f"keywords_{code}"), (record, code)
            for code, _name in settings.LANGUAGES:
                if code not in languages:
                    assert not getattr(record, f"name_{code}"), (record, code)


def test_search_finds_synthetic_records_at_once(bundled, client):
    generate("--tools", bundled["tools"] + 20)
    tool = synthetic(Tool).order_by("slug").first()

    page = client.get("/search/", {"q": tool.name_en})

    assert tool.get_absolute_url() in page.content.decode()


def test_the_same_seed_gives_the_same_catalogue_in_one_step_or_two(bundled):
    tools, programmes = bundled["tools"] + 40, bundled["programmes"] + 8
    generate("--tools", tools, "--programmes", programmes, "--seed", 7)
    first = snapshot()
    Programme.objects.filter(slug__regex=SYNTHETIC_SLUG).delete()
    Tool.objects.filter(slug__regex=SYNTHETIC_SLUG).delete()

    # Programmes list tools: grown after the tools, as the command does.
    generate("--tools", tools - 25, "--seed", 7)
    generate("--tools", tools, "--programmes", programmes - 5, "--seed", 7)
    generate("--tools", tools, "--programmes", programmes, "--seed", 7)

    assert snapshot() == first
    Programme.objects.filter(slug__regex=SYNTHETIC_SLUG).delete()
    Tool.objects.filter(slug__regex=SYNTHETIC_SLUG).delete()
    generate("--tools", tools, "--programmes", programmes, "--seed", 8)
    assert snapshot() != first
