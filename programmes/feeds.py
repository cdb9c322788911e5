"""The Atom feed of recently updated programmes and tools.

Feed readers fetch without signing in, so the feed shows what an anonymous
reader may see, whoever asks: published, public records only.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Programme, Tool

# Entries in the feed: the most recently updated records of both kinds together.
FEED_SIZE = 30


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = _("CEP Portal: recently updated programmes and tools")
    subtitle = _(
        "Programmes and tools of the WCO's Compliance and Enforcement Package, "
        "newest changes first."
    )

    def link(self):
        return reverse("home")

    def feed_url(self):
        return reverse("updates-feed")

    def items(self):
        reader = AnonymousUser()
        records = [
            *Programme.objects.visible_to(reader).order_by("-updated", "pk")[
                :FEED_SIZE
            ],
            *Tool.objects.visible_to(reader).order_by("-updated", "pk")[:FEED_SIZE],
        ]
        records.sort(key=lambda record: record.updated, reverse=True)
        return records[:FEED_SIZE]

    def item_title(self, record):
        if isinstance(record, Programme):
            kind = _("Programme")
        else:
            kind = record.get_kind_display()
        return f"{record.name} ({kind})"

    def item_description(self, record):
        return record.summary

    def item_link(self, record):
        return record.get_absolute_url()

    def item_updateddate(self, record):
        return record.updated

    def item_pubdate(self, record):
        return record.published_at or record.created
