"""The one change log: every domain write leaves one append-only `Change` row.

Who (`actor`), when (`at`), what (`object_type`/`object_id`, and `part` of it, e.g. a criterion
code on a sheet), how (`action`, `before` → `after` as field → value), why (`reason`), from which
request or command run (`request_id`), and where it is listed (`scope`: the round, campaign or
survey whose history shows it). Rows are written only through `parindex.history.record`/`bulk`,
inside the transaction of the change they describe.

The app never updates or deletes a history row; the ORM paths that would are refused here, once,
for every history model (the database user in production may additionally lack those grants).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


# Labels of the actions, for pages and exports; an action missing here shows as its code.
ACTIONS = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "import": _("imported"),
    "score": _("Score"),
    "note": _("Note"),
    "evidence": _("Evidence"),
    "request": _("Explanation request"),
    "explanation": _("Explanation"),
    "state": _("State"),
    "assignment": _("Assignment"),
    "rules": _("rules"),
    "propose": _("proposed"),
    "withdraw": _("withdrawn"),
    "accept": _("accepted"),
    "reject": _("rejected"),
    "issue": _("issued"),
    "compute": _("computed"),
    "publish": _("published"),
    "correct": _("corrected"),
    "review": _("reviewed"),
    "invite": _("invitation codes created"),
    "prefill": _("prefilled"),
    "contest": _("contested"),
}


class Change(AppendOnlyModel):
    """One recorded change: who, when, what (before → after), why. Append-only."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    action = models.CharField(_("action"), max_length=32)
    object_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    # The record as it read when changed: history outlives renames and removals.
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    # A part of the record (a criterion code on a sheet); text, so it outlives framework edits.
    part = models.CharField(_("part"), max_length=64, blank=True)
    scope_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "part"], name="change_object"),
            models.Index(fields=["scope_type", "scope_id", "at"], name="change_scope"),
        ]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr} {self.part}".strip()

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))

    @property
    def diff(self) -> dict[str, list]:
        """field → [before, after], for every field either side names."""
        fields = list(self.before) + [f for f in self.after if f not in self.before]
        return {f: [self.before.get(f), self.after.get(f)] for f in fields}

    @property
    def field(self) -> str:
        """The field changed, when one is (the stage, for a score)."""
        return next(iter(self.diff), "")

    @property
    def old(self) -> str:
        return _text(self.before)

    @property
    def new(self) -> str:
        return _text(self.after)


def _text(values: dict) -> str:
    """The values of one side as a person reads them: the value alone when there is one."""
    shown = ["" if v is None else str(v) for v in values.values()]
    return shown[0] if len(shown) == 1 else "; ".join(
        f"{k}: {v}" for k, v in zip(values, shown, strict=True)
    )
