from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Framework, Node
from parindex.units.models import Unit


class Round(models.Model):
    """One year's assessment run by an organising unit, with one framework per unit group."""

    code = models.SlugField(_("mã"), max_length=100, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"))
    organiser = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organised_rounds",
    )
    frameworks = models.ManyToManyField(Framework, verbose_name=_("bộ chỉ số"), related_name="rounds")
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """A unit's declared value for one leaf at one stage, as text in the scores-file syntax
    (`3.5`, `yes`, `45/50`, a level label, `NA`); the engine turns it into points."""

    class Stage(models.TextChoices):
        SELF = "self", _("Tự đánh giá")
        APPRAISED = "appraised", _("Thẩm định")

    round = models.ForeignKey(Round, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="scores")
    node = models.ForeignKey(Node, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("giai đoạn"), max_length=16, choices=Stage.choices, default=Stage.APPRAISED)
    value = models.CharField(_("giá trị"), max_length=64)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "node", "stage"], name="one_score_per_leaf_and_stage"),
        ]
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
