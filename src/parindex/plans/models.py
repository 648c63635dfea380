"""Reform plans, their tasks, periodic reports, monthly service figures and prefills.

Invariants: a task's status (done on time, done late, not done, carried over, in progress) and
a report's timeliness are computed from dates (`task_status`, `Report.on_time`), never stored
or typed. A Prefill keeps the computed value of one leaf of one sheet with the rows it came from;
when the unit contests it, both the computed value and the unit's value are kept.
"""

from __future__ import annotations

import datetime
from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Node
from parindex.units.models import Unit


class Plan(models.Model):
    """A unit's reform plan for a year (kế hoạch CCHC): the province's own (issued by the
    organising unit) or a department's or commune's."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="reform_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("document number"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=255)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_plan_per_unit_and_year"),
        ]
        verbose_name = _("reform plan")
        verbose_name_plural = _("reform plans")

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A task of a plan (nhiệm vụ), carried out by its responsible unit."""

    class Status(models.TextChoices):
        ON_TIME = "on_time", _("Done on time")
        LATE = "late", _("Done late")
        NOT_DONE = "not_done", _("Not done (overdue)")
        CARRIED_OVER = "carried_over", _("Carried over to next year")
        OPEN = "open", _("In progress")

    plan = models.ForeignKey(Plan, verbose_name=_("reform plan"), on_delete=models.CASCADE,
                             related_name="tasks")
    code = models.CharField(_("code"), max_length=32)
    title = models.TextField(_("task"))
    field = models.CharField(_("field"), max_length=100, blank=True)
    responsible = models.ForeignKey(Unit, verbose_name=_("responsible unit"),
                                    on_delete=models.PROTECT, related_name="reform_tasks")
    cooperating = models.ManyToManyField(Unit, verbose_name=_("cooperating units"), blank=True,
                                         related_name="+")
    deadline = models.DateField(_("deadline"))
    output = models.CharField(_("expected output"), max_length=255, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def status(self, today: datetime.date | None = None) -> str:
        return task_status(self.deadline, self.completed_on, self.plan.year,
                           today or timezone.localdate())


def task_status(deadline, completed_on, year: int, today: datetime.date) -> str:
    """By dates alone: done by the deadline, after it, a deadline moved past the plan's year
    (carried over), a passed deadline (not done), else still in progress."""
    S = Task.Status
    if completed_on is not None:
        return S.ON_TIME if completed_on <= deadline else S.LATE
    if deadline.year > year:
        return S.CARRIED_OVER
    return S.NOT_DONE if deadline < today else S.OPEN


def progress_path(instance: Progress, filename: str) -> str:
    return f"plans/{instance.task.plan.year}/{uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class Progress(models.Model):
    """A unit's report on a task, with its evidence; the one that completes it gives the date."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="progress")
    note = models.TextField(_("progress"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    file = models.FileField(_("evidence"), upload_to=progress_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=255, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["task", "-reported_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.task.code}: {self.note[:40]}"


def report_path(instance: Report, filename: str) -> str:
    return f"reports/{instance.year}/{uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class Report(models.Model):
    """A periodic reform report due from a unit (báo cáo CCHC), and its submission."""

    class Kind(models.TextChoices):
        Q1 = "q1", _("First quarter report")
        HALF = "half", _("Six-month report")
        Q3 = "q3", _("Third quarter report")
        YEAR = "year", _("Annual report")
        ADHOC = "adhoc", _("Ad-hoc report")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="reform_reports")
    requested_by = models.ForeignKey(Unit, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    file = models.FileField(_("file"), upload_to=report_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=255, blank=True)
    # The reminders sent (once each): before the due date and after it passed.
    reminded_soon = models.DateField(_("reminded before the due date"), null=True, blank=True)
    reminded_overdue = models.DateField(_("reminded when overdue"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "kind", "title"],
                                    name="one_report_per_unit_kind_title"),
        ]
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")

    def __str__(self) -> str:
        return f"{self.title} · {self.unit}"

    @property
    def on_time(self) -> bool | None:
        """By the timestamp, in the local day; None while nothing is submitted."""
        if self.submitted_at is None:
            return None
        return timezone.localdate(self.submitted_at) <= self.due_on


class ServiceImport(models.Model):
    """One imported file of the public-service portal's monthly figures (all or nothing)."""

    name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("service data import")
        verbose_name_plural = _("service data imports")

    def __str__(self) -> str:
        return self.name


class ServiceMonth(models.Model):
    """A unit's administrative-procedure figures for one month (the portal's export)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="service_months")
    month = models.DateField(_("month"))  # the first day of the month
    received = models.PositiveIntegerField(_("applications received"))
    on_time = models.PositiveIntegerField(_("processed on time"))
    late = models.PositiveIntegerField(_("processed late"))
    online = models.PositiveIntegerField(_("received online"))
    digitised = models.PositiveIntegerField(_("records digitised"))
    satisfaction = models.DecimalField(_("satisfaction (%)"), max_digits=5, decimal_places=2,
                                       null=True, blank=True)
    batch = models.ForeignKey(ServiceImport, verbose_name=_("import"), on_delete=models.PROTECT,
                              related_name="months")

    class Meta:
        ordering = ["unit__code", "month"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="one_service_row_per_month"),
        ]
        verbose_name = _("service figures")
        verbose_name_plural = _("service figures")

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y}"


class Prefill(models.Model):
    """A computed self value of one leaf of one sheet, with where it came from.

    `provenance` lists the rows it was computed from: [{"kind": "task", "id": 3, "label": …}].
    A contested prefill keeps the computed value (refreshed as the data change) next to the
    unit's own value and explanation; the sheet's self score is then the unit's."""

    sheet = models.ForeignKey("assessments.Sheet", verbose_name=_("assessment sheet"),
                              on_delete=models.CASCADE, related_name="prefills")
    # Derived data: it goes with its criterion (a framework replaced before any score).
    node = models.ForeignKey(Node, verbose_name=_("criterion"), on_delete=models.CASCADE,
                             related_name="+")
    value = models.CharField(_("computed value"), max_length=64)
    provenance = models.JSONField(_("computed from"), default=list)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    contested_value = models.CharField(_("unit's value"), max_length=64, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    contested_at = models.DateTimeField(_("contested at"), null=True, blank=True)
    contested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("contested by"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["sheet", "node__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "node"], name="one_prefill_per_leaf"),
        ]
        verbose_name = _("prefilled value")
        verbose_name_plural = _("prefilled values")

    def __str__(self) -> str:
        return f"{self.sheet} · {self.node.code}: {self.value}"

    @property
    def contested(self) -> bool:
        return bool(self.contested_value)
