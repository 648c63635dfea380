"""Append-only records: the base of every app's change history.

The app never updates or deletes a history row; the ORM paths that would are refused here, once,
for every history model (the database user in production may additionally lack those grants).
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("history rows are never updated")

    def delete(self):
        raise TypeError("history rows are never deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("history rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("history rows are never deleted")
