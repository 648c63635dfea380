from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitGroup(models.Model):
    """Units scored on the same framework (e.g. districts, provincial departments)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    # The order in which the province publishes its groups (the annex, the overview).
    # db_default: rows written by code that predates the column (migration tests) get 0 too.
    position = models.PositiveSmallIntegerField(_("position"), default=0, db_default=0)

    class Meta:
        ordering = ["position", "code"]
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
    ended_by = models.ForeignKey(
        "Reorganisation",
        verbose_name=_("ended by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ended_units",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Reorganisation(models.Model):
    """A merger, split or renaming on one date under one legal basis: the units in its lines
    end the day before `date`, and flow (whole or in part, by `weight`) into the new ones.

    `weight_name` says what the lines' weights measure (population, procedures…); a new unit's
    "change from last year" is the weighted mean of its predecessors' results, or nothing
    when the manager marks the reorganisation not comparable."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    date = models.DateField(_("effective from"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    weight_name = models.CharField(_("weight"), max_length=64, blank=True)
    comparable = models.BooleanField(_("comparable with last year"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-date", "code"]
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")

    def __str__(self) -> str:
        return f"{self.legal_basis} ({self.date:%d/%m/%Y})"


class ReorganisationLine(models.Model):
    """One old unit flowing into one new unit, with an optional weight."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("reorganisation"), on_delete=models.CASCADE,
        related_name="lines",
    )
    old_unit = models.ForeignKey(
        Unit, verbose_name=_("old unit"), on_delete=models.PROTECT, related_name="flows_out"
    )
    new_unit = models.ForeignKey(
        Unit, verbose_name=_("new unit"), on_delete=models.PROTECT, related_name="flows_in"
    )
    weight = models.DecimalField(_("weight"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)

    class Meta:
        ordering = ["reorganisation", "new_unit", "old_unit"]
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "old_unit", "new_unit"],
                                    name="one_line_per_old_and_new_unit"),
        ]
        verbose_name = _("reorganisation line")
        verbose_name_plural = _("reorganisation lines")

    def __str__(self) -> str:
        return f"{self.old_unit_id} → {self.new_unit_id}"


class Role(models.Model):
    """What one person may do in one unit. Rounds belong to an organising unit, so the
    organiser-side roles (manager, appraiser, council member) are held in that unit and the
    unit-side roles (officer, head) in the assessed unit; a viewer reads wherever they hold it."""

    class Kind(models.TextChoices):
        MANAGER = "manager", _("Round manager")
        OFFICER = "officer", _("Unit officer")
        HEAD = "head", _("Unit head")
        APPRAISER = "appraiser", _("Appraiser")
        COUNCIL = "council", _("Council member")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="unit_roles",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "kind"], name="one_role_kind_per_unit"),
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.unit}"
