"""The inbox, marking read, the preferences page, and who was reminded in a round."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from parindex import policy
from parindex.language import remember, supported

from . import selectors, services
from .forms import PreferenceForm


@login_required
def inbox(request):
    page = selectors.inbox(request.user, request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request, pk: int):
    notification = services.mark_read(request.user, pk)
    link = notification.params.get("link", "")
    if request.POST.get("open") and url_has_allowed_host_and_scheme(link, None):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    current = selectors.preference(request.user)
    form = PreferenceForm(request.POST or None, initial={
        "delivery": current.delivery, "language": current.language})
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.cleaned_data["delivery"],
                                 form.cleaned_data["language"])
        if form.cleaned_data["language"]:  # the pages follow at once, not from the next log-in
            remember(request, form.cleaned_data["language"])
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def set_language(request):
    """The language menu: Django's own view (the cookie, back to the page), and for a signed-in
    person the choice kept on their account."""
    response = i18n.set_language(request)
    code = supported(request.POST.get("language")) if request.method == "POST" else ""
    if code:
        services.set_language(request.user, code)
    return response


@login_required
def reminders(request, round_code: str):
    round = get_object_or_404(policy.visible_rounds(request.user), code=round_code)
    if not policy.can_view_reminders(request.user, round):
        raise Http404
    return render(request, "notifications/reminders.html", {
        "round": round, "rows": selectors.reminders(request.user, round)})
