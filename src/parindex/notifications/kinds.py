"""The kinds of notification: a short title and a sentence each, in the reader's language.

A notification stores the names it mentions (`params`, plain data in the language of the data),
so its text is made when it is read and follows the reader's language.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

KINDS = {
    "round_opened": (
        _("Round opened"),
        _("The round %(round)s is open: fill in your unit's self-assessment "
          "(deadline: %(deadline)s)."),
    ),
    "sheet_submitted": (
        _("Sheet submitted"),
        _("The sheet of %(unit)s in %(round)s was submitted."),
    ),
    "sheet_reopened": (
        _("Sheet reopened"),
        _("The sheet of %(unit)s in %(round)s was given back to the unit. Reason: %(reason)s"),
    ),
    "explanation_requested": (
        _("Explanation requested"),
        _("The appraisers ask %(unit)s to explain %(count)s point(s) of its sheet in %(round)s "
          "(deadline: %(deadline)s)."),
    ),
    "explanation_answered": (
        _("Explanation answered"),
        _("%(unit)s answered the explanation request on %(node)s (%(round)s)."),
    ),
    "criterion_returned": (
        _("Draft returned"),
        _("The draft of %(node)s (%(unit)s, %(round)s) was returned to your department: "
          "%(comment)s"),
    ),
    "criteria_reminder": (
        _("Sub-criteria to draft"),
        _("%(count)s sub-criteria of %(unit)s in %(round)s in your department's charge have no "
          "draft yet (deadline: %(deadline)s)."),
    ),
    "sheet_finalised": (
        _("Appraisal finalised"),
        _("The appraisal of the sheet of %(unit)s in %(round)s is final."),
    ),
    "group_approved": (
        _("Unit group approved"),
        _("The council approved %(group)s in %(round)s: its appraised scores are final."),
    ),
    "round_approved": (
        _("Round approved"),
        _("The council approved the round %(round)s."),
    ),
    "results_published": (
        _("Results published"),
        _("The results of %(round)s are published."),
    ),
    "nomination_accepted": (
        _("Nomination accepted"),
        _("The nomination of %(name)s in %(campaign)s was accepted."),
    ),
    "nomination_rejected": (
        _("Nomination rejected"),
        _("The nomination of %(name)s in %(campaign)s was rejected. Reason: %(reason)s"),
    ),
    "decision_issued": (
        _("Decision issued"),
        _("The decision of %(campaign)s is issued (number %(number)s)."),
    ),
    "reminder_due_soon": (
        _("Self-assessment due soon"),
        _("The self-assessment of %(unit)s in %(round)s is due on %(deadline)s and the sheet "
          "is still a draft."),
    ),
    "reminder_overdue": (
        _("Self-assessment overdue"),
        _("The self-assessment deadline of %(unit)s in %(round)s (%(deadline)s) has passed and "
          "the sheet is still a draft."),
    ),
    "report_due_soon": (
        _("Report due soon"),
        _("%(title)s of %(unit)s is due on %(deadline)s and has not been sent."),
    ),
    "report_overdue": (
        _("Report overdue"),
        _("%(title)s of %(unit)s was due on %(deadline)s and has not been sent."),
    ),
}
REMINDERS = {"due_soon": "reminder_due_soon", "overdue": "reminder_overdue"}


class _Params(dict):
    def __missing__(self, key):
        return "—"


def _shown(params: dict) -> _Params:
    shown = _Params(params)
    deadline = params.get("deadline")
    if deadline:
        shown["deadline"] = date_format(datetime.date.fromisoformat(deadline), "SHORT_DATE_FORMAT")
    return shown


def title(notification) -> str:
    return str(KINDS.get(notification.kind, (notification.kind, ""))[0])


def text(notification) -> str:
    template = KINDS.get(notification.kind)
    if template is None:
        return notification.kind
    return str(template[1]) % _shown(notification.params)
