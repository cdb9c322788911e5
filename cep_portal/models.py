from django.db import models


class CatalogueVersion(models.Model):
    """The catalogue's version: one row, rewritten by database triggers in the
    same transaction as every write to a catalogue table (see cep_portal.cache).

    `stamp` is a fresh random token at each change, so a version never comes
    back (not after a rollback, nor after a restore); `changed` says when.
    """

    stamp = models.CharField(max_length=32)
    changed = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="cep_portal_catalogueversion_one_row"
            )
        ]

    def __str__(self):
        return f"{self.stamp} ({self.changed:%Y-%m-%d %H:%M:%S})"
