from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitGroup(models.Model):
    """Units scored on the same framework (e.g. districts, provincial departments)."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)

    class Meta:
        ordering = ["code"]
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A body that is assessed or organises assessments: sở, UBND huyện, UBND xã/phường…

    Units change (merges, the end of the district level in 2025), so each has validity dates
    and links to the units it replaced; old results stay attached to the old units.
    """

    code = models.CharField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    group = models.ForeignKey(
        UnitGroup, verbose_name=_("nhóm đơn vị"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("loại"), max_length=64, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("đơn vị tiền thân"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")

    def __str__(self) -> str:
        return self.name
