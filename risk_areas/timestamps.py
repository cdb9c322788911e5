"""When a record was created and last changed, kept by every catalogue model."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    # Defaults rather than auto_now/auto_now_add: `loaddata` saves in raw mode,
    # which skips auto_now, and the bundled fixtures carry no timestamps.
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated"}
        super().save(*args, **kwargs)
