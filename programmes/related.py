"""A page's long lists of related records, bounded: the count and the first few.

A risk area, a component, a programme or a partner may gather thousands of
tools. Their pages show how many there are and the first few of each group,
most important first, with a link to the list filtered to all of them; the list
pages paginate. Each helper runs one query, whatever the number of records.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

# How many records of a group a page shows before "See all N".
FIRST_FEW = 6


@dataclass
class FirstFew:
    """The first `rows` of a group of `count` records, and where all of them are."""

    rows: list = field(default_factory=list)
    count: int = 0
    url: str = ""

    @property
    def more(self):
        return self.count > len(self.rows)


def list_url(url_name, **params):
    """`/tools/?risk_area=drugs&component=…`: a list filtered as `params` say."""
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


def first_few_by(queryset, group, order_by, few=FIRST_FEW):
    """{value of `group`: FirstFew} from `queryset`, in one query.

    Each group keeps its first `few` rows in `order_by` order and counts all of
    its rows (a window over the group), so no group is read whole.
    """
    ranked = queryset.annotate(
        group_value=F(group),
        group_size=Window(Count("pk"), partition_by=F(group)),
        rank=Window(RowNumber(), partition_by=F(group), order_by=order_by),
    ).filter(rank__lte=few)
    groups = {}
    for row in ranked.order_by("rank"):
        first = groups.setdefault(row.group_value, FirstFew(count=row.group_size))
        first.rows.append(row)
    return groups


def first_few(queryset, few=FIRST_FEW):
    """FirstFew of an ordered queryset: its count and first `few` rows, in one
    query (the count is a window over all the rows)."""
    rows = list(queryset.annotate(group_size=Window(Count("pk")))[:few])
    return FirstFew(rows=rows, count=rows[0].group_size if rows else 0)
