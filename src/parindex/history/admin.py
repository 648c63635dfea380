"""The change log in the Django admin.

`ChangeAdmin` lists the log read-only (it is append-only). `LoggedAdmin` is the mixin for the
ModelAdmins through which administrators edit reference data (units, unit groups, roles,
frameworks, rounds): every save or delete made there records `create`/`update`/`delete` with the
fields the form changed (before → after), inline rows included, in the admin's own transaction;
and the admin's "History" button shows OUR change log for the object (its own rows and those
listed under it) instead of Django's LogEntry. `allowed_by`, when set, is the `parindex.policy`
function that decides who may add, change or delete there, on top of Django's model permissions.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from parindex import history

from .models import Change

PAGE_SIZE = 50


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """Read-only: the change log is append-only."""

    list_display = ["at", "actor", "action", "object_type", "object_repr", "part", "reason"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor", "object_type"]
    search_fields = ["object_repr", "part", "reason", "actor__username", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _shown(value):
    """A value as the log shows it: records by their name, relations as lists of names."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_shown(item) for item in value)
    return value


def _stored(obj, name: str):
    """The value of model field `name` as stored in `obj` (None for a form-only field)."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.many_to_many:
        return _shown(getattr(obj, name).all()) if obj.pk else []
    return _shown(getattr(obj, name))


def _model_fields(form) -> list[str]:
    """The form's fields that are fields of its model (not DELETE, not a password box)."""
    opts = form._meta.model._meta
    names = {f.name for f in opts.get_fields() if not f.auto_created or f.concrete}
    return [name for name in form.fields if name in names]


def _before_after(form, names) -> tuple[dict, dict]:
    """Before (read afresh from the database) and after (as the form cleaned it)."""
    instance = form.instance
    stored = type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    before = {n: _stored(stored, n) for n in names} if stored is not None else {}
    after = {n: _shown(form.cleaned_data.get(n)) for n in names}
    return before, after


def _everything(obj) -> dict:
    """Every plain field of `obj`: what a deletion takes away."""
    return {f.name: _shown(getattr(obj, f.name)) for f in obj._meta.concrete_fields
            if not f.primary_key}


class LoggedAdmin(admin.ModelAdmin):
    """Mixin: admin saves and deletes land in the change log; "History" shows it."""

    allowed_by = None  # a parindex.policy function(user) -> bool; None: model permissions only

    def change_scope(self, obj):
        """The record whose history also lists changes of `obj` (a round lists itself)."""
        return None

    def _allowed(self, request) -> bool:
        check = type(self).allowed_by
        return check is None or check(request.user)

    def has_add_permission(self, request, *args):
        return self._allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            created = obj.pk is None or not change
            fields = _model_fields(form)
            names = fields if created else [n for n in form.changed_data if n in fields]
            before, after = _before_after(form, names)
            super().save_model(request, obj, form, change)
            if names or created:
                history.record(request.user, "create" if created else "update", obj,
                               scope=self.change_scope(obj), before=before, after=after)

    def save_formset(self, request, form, formset, change):
        """Inline rows (a unit's roles): one change each, listed under the parent record."""
        with transaction.atomic():
            scope = self.change_scope(form.instance) or form.instance
            deleted, pending = [], []
            for inline in formset.forms:
                cleaned = getattr(inline, "cleaned_data", {})
                if inline.instance.pk and cleaned.get("DELETE"):
                    deleted.append(history.entry(request.user, "delete", inline.instance,
                                                 scope=scope, before=_everything(inline.instance)))
                elif inline.has_changed():
                    fields = _model_fields(inline)
                    names = fields if not inline.instance.pk else [
                        n for n in inline.changed_data if n in fields]
                    action = "update" if inline.instance.pk else "create"
                    pending.append((inline, action, *_before_after(inline, names)))
            super().save_formset(request, form, formset, change)
            history.bulk(deleted + [
                history.entry(request.user, action, inline.instance, scope=scope,
                              before=before, after=after)
                for inline, action, before, after in pending])

    def delete_model(self, request, obj):
        with transaction.atomic():
            history.record(request.user, "delete", obj, scope=self.change_scope(obj),
                           before=_everything(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            history.bulk([history.entry(request.user, "delete", obj, scope=self.change_scope(obj),
                                        before=_everything(obj)) for obj in queryset])
            super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        page = Paginator(history.about(obj), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %(record)s") % {"record": obj},
            "subtitle": None,
            "opts": self.model._meta,
            "object": obj,
            "changes": page,
            "page_obj": page,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "history/admin_history.html", context)
