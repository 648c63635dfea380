from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.units.models import UnitGroup


class Framework(models.Model):
    """One year's scored checklist for one unit group (bộ chỉ số).

    The tree lives in Node rows; `engine_framework()` in services turns it into the pure
    engine's structure, which is the single source of the arithmetic.
    """

    class Ranking(models.TextChoices):
        COMPETITION = "competition", _("Competition ranking (1, 2, 2, 4)")
        DENSE = "dense", _("Dense ranking (1, 2, 2, 3)")

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    unit_group = models.ForeignKey(
        UnitGroup, verbose_name=_("unit group"), on_delete=models.PROTECT, related_name="frameworks"
    )
    ranking = models.CharField(
        _("ranking"), max_length=16, choices=Ranking.choices, default=Ranking.COMPETITION
    )
    # Highest first: [{"code": "tot", "label": "Tốt", "min": "80"}, …]; min is an index percentage.
    bands = models.JSONField(_("bands"), default=list, blank=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Node(models.Model):
    """A field, criterion or sub-criterion. Leaves carry a rule; parents' max is the sum."""

    class Kind(models.TextChoices):
        ORDINARY = "", _("Ordinary")
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"))
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    code = models.CharField(_("code"), max_length=32)
    title = models.TextField(_("name"))
    kind = models.CharField(_("block kind"), max_length=16, choices=Kind.choices, blank=True, default="")
    max_points = models.DecimalField(_("max points"), max_digits=9, decimal_places=4)
    # Only leaves have a rule, e.g. {"kind": "levels", "levels": [...]}; see shared formats.
    rule = models.JSONField(_("rule"), null=True, blank=True)
    guide = models.TextField(_("scoring guide"), blank=True)
    # Where a leaf's value is computed from, e.g. {"kind": "plan_tasks_on_time"} (formats.md);
    # parindex.plans prefills the self value of such a leaf on draft sheets.
    source = models.JSONField(_("data source"), null=True, blank=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_code_unique_in_framework"),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None


def top_level_ids(nodes) -> dict[int, int]:
    """node id → id of its top-level node (itself for a top-level one), for a framework's
    nodes in document order (a parent before its children)."""
    top: dict[int, int] = {}
    for node in nodes:
        top[node.pk] = node.pk if node.parent_id is None else top[node.parent_id]
    return top
