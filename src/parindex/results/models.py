"""Stored results: a snapshot of one framework's results in one round, with the inputs it was
computed from. Publishing freezes a snapshot; a correction is a new, visible version with its
reason. Public pages, exports and the API read only published snapshots.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import Round
from parindex.frameworks.models import Framework


class FrozenError(ValidationError):
    """Raised on any attempt to change or delete a published snapshot or its rows."""


class SnapshotQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self):
        """Per round and framework, the published version nobody has superseded."""
        return self.published().filter(superseded_by__isnull=True)

    def update(self, **kwargs):
        if self.filter(published_at__isnull=False).exists():
            raise FrozenError(_("A published result set cannot be changed."))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(published_at__isnull=False).exists():
            raise FrozenError(_("A published result set cannot be deleted."))
        return super().delete()


class ResultSnapshot(models.Model):
    """One framework's computed results for one round, version N.

    `structure` and `inputs` hold everything the engine was given — the framework as a plain
    dict, the roster of units, and every leaf's raw value at each stage — so the numbers can be
    recomputed and checked at any time (`services.verify`).
    """

    round = models.ForeignKey(
        Round,
        verbose_name=_("assessment round"),
        on_delete=models.PROTECT,
        related_name="result_snapshots",
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="result_snapshots",
    )
    version = models.PositiveIntegerField(_("version"))
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The framework as a plain dict (formats.md), numbers as strings: titles, max, bands.
    structure = models.JSONField(_("framework"), default=dict)
    # {"units": [[code, name], …], "values": {stage: {unit: {leaf: raw value}}}}
    inputs = models.JSONField(_("inputs"), default=dict)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    reason = models.TextField(_("reason for the correction"), blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["round", "framework", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "framework", "version"], name="one_snapshot_per_version"
            ),
        ]
        verbose_name = _("result set")
        verbose_name_plural = _("result sets")

    def __str__(self) -> str:
        return f"{self.round.code} / {self.framework.code} v{self.version}"

    def save(self, *args, **kwargs):
        if self._stored_published():
            raise FrozenError(_("A published result set cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_published():
            raise FrozenError(_("A published result set cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _stored_published(self) -> bool:
        return (
            self.pk is not None
            and ResultSnapshot.objects.filter(pk=self.pk, published_at__isnull=False).exists()
        )


class RowQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(snapshot__published_at__isnull=False).exists():
            raise FrozenError(_("A published result set cannot be changed."))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(snapshot__published_at__isnull=False).exists():
            raise FrozenError(_("A published result set cannot be deleted."))
        return super().delete()


class FrozenWithSnapshot(models.Model):
    """Rows of a snapshot: frozen with it."""

    objects = RowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._frozen():
            raise FrozenError(_("A published result set cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise FrozenError(_("A published result set cannot be deleted."))
        return super().delete(*args, **kwargs)

    def _frozen(self) -> bool:
        return ResultSnapshot.objects.filter(
            pk=self.snapshot_id, published_at__isnull=False
        ).exists()


class ResultRow(FrozenWithSnapshot):
    """One unit's line in a snapshot, as published: rounded headline numbers in columns (for
    sorting and the API) and the field components as decimal strings, kept small so a ranking
    of thousands of units reads fast; each leaf's points are in `ResultDetail`.

    `fields`: {"1": {"achieved": "10.26", "max": "16.00", "index": "64.13"}, …} (appraised).
    """

    snapshot = models.ForeignKey(
        ResultSnapshot,
        verbose_name=_("result set"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    unit_code = models.CharField(_("unit code"), max_length=64)
    unit_name = models.CharField(_("unit name"), max_length=255)
    rank = models.PositiveIntegerField(_("rank"))
    achieved = models.DecimalField(_("points"), max_digits=9, decimal_places=2)
    max = models.DecimalField(_("max points"), max_digits=9, decimal_places=2)
    index = models.DecimalField(_("index"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=64, blank=True)
    fields = models.JSONField(_("field components"), default=dict)
    self_achieved = models.DecimalField(
        _("self-assessed points"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    self_index = models.DecimalField(
        _("self-assessed index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Criteria without an appraised value (counted as 0), bonus and penalty aside: a preview
    # shows such a line as not final rather than as a low score.
    missing = models.PositiveIntegerField(_("criteria without a score"), default=0)

    class Meta:
        ordering = ["snapshot", "rank", "unit_code"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit_code"], name="one_row_per_unit"),
        ]
        indexes = [
            models.Index(fields=["unit_code"], name="resultrow_unit_code"),
            # A ranking page, and each group's top on the home page, read off this index.
            models.Index(fields=["snapshot", "rank", "unit_code"], name="resultrow_snapshot_rank"),
        ]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.rank}. {self.unit_name} {self.index}"


class ResultDetail(FrozenWithSnapshot):
    """Every leaf's points of one unit in a snapshot, exact, as decimal strings.

    `points`: {"1.1": "1" | null (not applicable)} appraised; `self_points` the same at the
    self-assessment stage; `self_fields` like ResultRow.fields for the self scores; `missing`
    the leaves without a score (counted as 0).
    """

    snapshot = models.ForeignKey(
        ResultSnapshot,
        verbose_name=_("result set"),
        on_delete=models.CASCADE,
        related_name="details",
    )
    unit_code = models.CharField(_("unit code"), max_length=64)
    points = models.JSONField(_("points per criterion"), default=dict)
    missing = models.JSONField(_("missing criteria"), default=list)
    self_fields = models.JSONField(_("self-assessed field components"), default=dict)
    self_points = models.JSONField(_("self-assessed points per criterion"), default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit_code"], name="one_detail_per_unit"),
        ]
        verbose_name = _("result detail")
        verbose_name_plural = _("result details")

    def __str__(self) -> str:
        return f"{self.unit_code} ({self.snapshot_id})"
