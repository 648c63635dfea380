from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Framework, Node
from parindex.units.models import Unit


class Round(models.Model):
    """One year's index of an organising unit, with one framework per unit group.

    Its `kind` says how its scores come in, and never changes: an assessment round runs the
    cycle in parindex (a sheet for every assessed unit; its results are computed and published
    once its council approves it); a results round holds appraised scores imported from the
    province's own files (no sheets, no deadlines, no appraisers; its manager publishes its
    results with the decision's number and date)."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment round (a sheet for every unit)")
        RESULTS = "results", _("Results round (appraised scores imported)")

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of round"), max_length=16, choices=Kind.choices,
                            default=Kind.RESULTS)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organised_rounds",
    )
    frameworks = models.ManyToManyField(Framework, verbose_name=_("framework"), related_name="rounds")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    # Demo and training rounds: their names and figures are made up, except the units in
    # `published_units`, whose figures are exactly as published in `source`.
    illustrative = models.BooleanField(_("illustrative figures"), default=False, db_default=False)
    source = models.CharField(_("source"), max_length=255, blank=True, db_default="")
    published_units = models.JSONField(_("units with published figures"), default=list,
                                       blank=True)
    # The cycle's deadlines (inclusive, in the organiser's time zone); empty = no deadline.
    self_deadline = models.DateField(_("self-assessment deadline"), null=True, blank=True)
    appraisal_deadline = models.DateField(_("appraisal round 1 deadline"), null=True, blank=True)
    explanation_deadline = models.DateField(_("explanation deadline"), null=True, blank=True)
    final_deadline = models.DateField(_("appraisal round 2 deadline"), null=True, blank=True)
    approval_deadline = models.DateField(_("approval deadline"), null=True, blank=True)
    # Set when the council approves: the appraised scores are then final and read by results.
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.name


class GroupApproval(models.Model):
    """The council's approval of one unit group's sheets in an assessment round (the group's
    framework): its appraised scores are final and its results may be computed and published
    while other groups are still being appraised. The round is approved (`Round.approved_at`)
    once every one of its frameworks is."""

    round = models.ForeignKey(Round, verbose_name=_("assessment round"),
                              on_delete=models.CASCADE, related_name="group_approvals")
    framework = models.ForeignKey(Framework, verbose_name=_("framework"),
                                  on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "framework"], name="one_approval_per_group"),
        ]
        verbose_name = _("unit group approval")
        verbose_name_plural = _("unit group approvals")

    def __str__(self) -> str:
        return f"{self.round} · {self.framework}"


class Score(models.Model):
    """A unit's declared value for one leaf at one stage, as text in the scores-file syntax
    (`3.5`, `yes`, `45/50`, a level label, `NA`); the engine turns it into points.

    `points` are the engine's points for the value (`engine.values.stored_points`), written by
    every door that writes a value, so that results sum them in SQL: exact at four places, NULL
    when the leaf does not apply or its points need more places (those rows are scored from
    their value at compute time). `parindex round_results ROUND verify` recomputes them.
    `field` is the leaf's top-level node, written with the row, so that the sums per unit and
    field read one covering index (`score_sums`) with no join and no CASE.
    """

    class Stage(models.TextChoices):
        SELF = "self", _("Self-assessment")
        APPRAISED = "appraised", _("Appraised")

    round = models.ForeignKey(Round, verbose_name=_("assessment round"), on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="scores")
    node = models.ForeignKey(Node, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.APPRAISED)
    value = models.CharField(_("value"), max_length=64)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=4, null=True,
                                 blank=True)
    field = models.ForeignKey(Node, verbose_name=_("field"), on_delete=models.PROTECT,
                              related_name="+", db_index=False)
    note = models.TextField(_("note"), blank=True)
    # Optimistic locking: a save names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, null=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "node", "stage"], name="one_score_per_leaf_and_stage"),
        ]
        indexes = [  # the few rows scored from their value at compute time
            models.Index(fields=["round", "stage"], condition=models.Q(points__isnull=True),
                         name="score_points_unstored"),
            # The results' sums per unit and field, read from the index alone, in its order.
            models.Index(fields=["round", "stage", "unit", "field", "points"],
                         name="score_sums"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.node_id} {self.stage}: {self.value}"


class Sheet(models.Model):
    """One unit's assessment sheet in a round, scored on its group's framework.

    The values live in Score rows keyed by (round, unit); the sheet carries the lifecycle.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Self-assessment")
        SUBMITTED = "submitted", _("Submitted, in appraisal")
        EXPLANATION = "explanation", _("Explanation requested")
        EXPLAINED = "explained", _("Explained, in final appraisal")
        FINALISED = "finalised", _("Appraisal finalised")
        APPROVED = "approved", _("Approved")

    round = models.ForeignKey(
        Round, verbose_name=_("assessment round"), on_delete=models.CASCADE, related_name="sheets"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="sheets"
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="sheets"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT
    )
    # The first self-assessment edit; empty means "not started" on the progress board.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["round", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_sheet_per_unit_and_round"),
        ]
        verbose_name = _("assessment sheet")
        verbose_name_plural = _("assessment sheets")

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"


class Assignment(models.Model):
    """An appraiser's share of a round: one unit's sheet, optionally only one field of it."""

    round = models.ForeignKey(
        Round, verbose_name=_("assessment round"), on_delete=models.CASCADE,
        related_name="assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("appraiser"), on_delete=models.CASCADE,
        related_name="appraisal_assignments",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    # Code of a top-level field; empty = the whole sheet.
    field_code = models.CharField(_("field"), max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "unit", "field_code"], name="one_assignment_per_share"
            ),
        ]
        verbose_name = _("appraisal assignment")
        verbose_name_plural = _("appraisal assignments")

    def __str__(self) -> str:
        return f"{self.user} → {self.unit} {self.field_code}".strip()


def evidence_path(instance: Evidence, filename: str) -> str:
    # Grouped by round and unit so an operator can find a unit's binder on disk or in a bucket;
    # a random name so that no file can be fetched by guessing a path (the original name is
    # kept in `name`, and files are served only through the permission-checked view).
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.sheet.round.code}/{instance.sheet.unit.code}/{uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file proving a self score (tài liệu kiểm chứng), or supporting an explanation.

    Removing evidence only marks it removed: the file and the record stay for the history.
    """

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("assessment sheet"), on_delete=models.CASCADE,
        related_name="evidence",
    )
    node = models.ForeignKey(
        Node, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        "ExplanationRequest", verbose_name=_("explanation request"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("removed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name

    @property
    def preview(self) -> str:
        """How the sheet shows the file in place: "pdf", "image", or "" (downloaded only)."""
        if self.content_type == "application/pdf":
            return "pdf"
        return "image" if self.content_type in ("image/png", "image/jpeg") else ""


class ExplanationRequest(models.Model):
    """An appraiser's question on one sub-criterion, and the unit's answer (giải trình)."""

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("assessment sheet"), on_delete=models.CASCADE,
        related_name="requests",
    )
    node = models.ForeignKey(
        Node, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("request"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("explanation"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("explanation request")
        verbose_name_plural = _("explanation requests")

    def __str__(self) -> str:
        return f"{self.sheet} · {self.node.code}"


class CriterionAssignment(models.Model):
    """A sub-criterion of a sheet handed to the department in charge (đơn vị chủ trì), and the
    organiser's review of its draft: the province's self-assessment for the national index,
    where each national sub-criterion is drafted by a department and the Sở Nội vụ accepts or
    returns it before submitting the province's sheet.

    One row per leaf: a file or form naming a field or criterion assigns every leaf under it.
    A department drafts the leaf (the self score, a note, evidence) until it is accepted; a
    returned leaf carries the reviewer's comment until the department changes its draft."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted by the reviewer")
        RETURNED = "returned", _("Returned to the department")

    sheet = models.ForeignKey(Sheet, verbose_name=_("assessment sheet"),
                              on_delete=models.CASCADE, related_name="criterion_assignments")
    node = models.ForeignKey(Node, verbose_name=_("criterion"), on_delete=models.PROTECT,
                             related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("department in charge"),
                             on_delete=models.PROTECT, related_name="criterion_assignments")
    status = models.CharField(_("review"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["sheet", "node__position", "node_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "node"], name="one_department_per_leaf"),
        ]
        indexes = [models.Index(fields=["unit", "sheet"], name="criteria_of_department")]
        verbose_name = _("criterion assignment")
        verbose_name_plural = _("criterion assignments")

    def __str__(self) -> str:
        return f"{self.sheet} · {self.node.code} → {self.unit.code}"
