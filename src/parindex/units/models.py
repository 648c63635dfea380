from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitGroup(models.Model):
    """Units scored on the same framework (e.g. districts, provincial departments)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A body that is assessed or organises assessments: sở, UBND huyện, UBND xã/phường…

    Units change (merges, the end of the district level in 2025), so each has validity dates
    and links to the units it replaced; old results stay attached to the old units.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    group = models.ForeignKey(
        UnitGroup, verbose_name=_("unit group"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name
