"""Units' pages: a unit with its reorganisations and change log, and the administrators' list
of what still hangs on units a reorganisation ended (roles to move or close, open sheets and
pending nominations to handle where they live)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import history, policy, web
from parindex.assessments.evidence import max_upload_bytes
from parindex.engine.io import InputError
from parindex.imports import issue_text

from . import selectors, services
from .models import Reorganisation, Role, Unit


@login_required
def unit_detail(request, code: str):
    if not policy.can_view_units(request.user):
        raise Http404
    unit = get_object_or_404(Unit.objects.select_related("group", "parent", "ended_by"),
                             code=code)
    return render(request, "units/unit.html", {
        "unit": unit,
        **selectors.unit_page(unit),
        "changes": history.for_object(unit).select_related("actor")[:100],
        "can_manage": policy.can_manage_loose_ends(request.user),
    })


@login_required
def loose_ends(request):
    if not policy.can_manage_loose_ends(request.user):
        raise Http404
    return render(request, "units/loose_ends.html", selectors.loose_ends())


@login_required
@require_POST
def role_action(request, pk: int):
    if not policy.can_manage_loose_ends(request.user):
        raise Http404
    role = get_object_or_404(Role.objects.select_related("unit", "user"), pk=pk)
    try:
        if request.POST.get("action") == "move":
            unit = get_object_or_404(Unit, code=str(request.POST.get("unit", ""))[:64])
            services.move_role(request.user, role, unit)
            messages.success(request, _("%(user)s now holds the role in %(unit)s.")
                             % {"user": role.user, "unit": unit})
        else:
            services.close_role(request.user, role, str(request.POST.get("reason", "")))
            messages.success(request, _("The role of %(user)s in %(unit)s is closed.")
                             % {"user": role.user, "unit": role.unit})
    except (PermissionDenied, ValidationError) as error:
        web.flash_errors(request, error)
    return redirect("units:loose_ends")


@login_required
def reorganisations(request):
    """The reorganisations recorded, and a file of new ones to import (all or nothing)."""
    if not policy.can_manage_units(request.user):
        raise Http404
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            summary = _import_upload(request.user, upload)
        except InputError as error:
            errors = [(issue.row, issue.column, issue_text(issue)) for issue in error.errors]
        except (PermissionDenied, ValidationError) as error:
            web.flash_errors(request, error)
        else:
            messages.success(request, _(
                "%(reorganisations)s reorganisations recorded: %(created)s units begin, "
                "%(ended)s units end.") % {"reorganisations": summary.reorganisations,
                                           "created": summary.units_created,
                                           "ended": summary.units_ended})
            return redirect("units:reorganisations")
    recorded = (Reorganisation.objects.annotate(n=Count("lines"))
                .order_by("-date", "code"))
    return render(request, "units/reorganisations.html", {
        "reorganisations": recorded, "errors": errors,
    }, status=400 if errors else 200)


def _import_upload(actor, upload):
    """Store the upload under its own (cleaned) name in a scratch folder, bounded, and import
    it: the import reads files from paths, and its messages name the file."""
    if upload is None:
        raise ValidationError(_("Choose a file to upload."))
    if upload.size > max_upload_bytes():
        raise ValidationError(_("The file is larger than the upload limit."))
    name = Path(upload.name or "").name
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / (re.sub(r"[^\w.\-]", "_", name)[:100] or "file.csv")
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return services.import_reorganisations(actor, path)
