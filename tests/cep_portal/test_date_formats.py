"""Dates are written in full, day first, in each language's own way."""

import datetime

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "written"),
    [
        ("", "20 November 2026"),
        ("/fr", "20 novembre 2026"),
        ("/es", "20 de noviembre de 2026"),
        ("/ru", "20 ноября 2026 г."),
        ("/ar", "20 نوفمبر 2026"),
    ],
)
def test_record_page_writes_the_review_date_in_the_readers_long_format(
    client, prefix, written
):
    programme = factories.make_programme(
        "Ivory Programme", last_reviewed=datetime.date(2026, 11, 20)
    )

    html = client.get(prefix + programme.get_absolute_url()).content.decode()

    assert f'<time datetime="2026-11-20">{written}</time>' in html
