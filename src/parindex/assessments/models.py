from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Framework, Node
from parindex.units.models import Unit


class Round(models.Model):
    """One year's assessment run by an organising unit, with one framework per unit group."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organised_rounds",
    )
    frameworks = models.ManyToManyField(Framework, verbose_name=_("framework"), related_name="rounds")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """A unit's declared value for one leaf at one stage, as text in the scores-file syntax
    (`3.5`, `yes`, `45/50`, a level label, `NA`); the engine turns it into points."""

    class Stage(models.TextChoices):
        SELF = "self", _("Self-assessment")
        APPRAISED = "appraised", _("Appraised")

    round = models.ForeignKey(Round, verbose_name=_("assessment round"), on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="scores")
    node = models.ForeignKey(Node, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.APPRAISED)
    value = models.CharField(_("value"), max_length=64)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "node", "stage"], name="one_score_per_leaf_and_stage"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.node_id} {self.stage}: {self.value}"
