"""Each event tells exactly the people the policy names (and not the person who acted)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from parindex.assessments import services
from parindex.assessments.models import ExplanationRequest
from parindex.notifications.kinds import text
from parindex.notifications.models import Notification
from tests.assessments.cycle import build_cycle, fresh, submitted

pytestmark = pytest.mark.django_db


def told(kind, **about) -> set[str]:
    return set(Notification.objects.filter(kind=kind, **about)
               .values_list("recipient__username", flat=True))


def test_opening_a_round_tells_the_units_officers_and_heads():
    c = build_cycle()
    assert told("round_opened", round=c.round) == {
        "r2023-officer1", "r2023-head1", "r2023-officer2", "r2023-head2"}
    n = Notification.objects.filter(kind="round_opened").first()
    assert "31/01/2030" in text(n)  # the Vietnamese date format by default
    assert Notification.objects.exclude(kind="round_opened").count() == 0


def test_submit_reopen_request_answer_finalise_approve():
    c = build_cycle()
    sheet = submitted(c)
    assert told("sheet_submitted", sheet=sheet) == {"r2023-officer1"}  # the head acted

    services.reopen(fresh(c.manager), sheet, "Thiếu minh chứng mục 1.2")
    assert told("sheet_reopened", sheet=sheet) == {"r2023-officer1", "r2023-head1"}
    reopened = Notification.objects.get(kind="sheet_reopened", recipient=c.officer)
    assert "Thiếu minh chứng mục 1.2" in text(reopened)

    services.submit(fresh(c.head), sheet)
    appraiser = fresh(c.appraiser)
    services.request_explanation(appraiser, sheet, "1.2", "Nộp báo cáo")
    assert told("explanation_requested") == set()  # not until the requests are sent
    services.send_requests(appraiser, sheet)
    assert told("explanation_requested", sheet=sheet) == {"r2023-officer1", "r2023-head1"}

    request = ExplanationRequest.objects.get(sheet=sheet)
    services.answer_request(fresh(c.officer), request, "Đã bổ sung báo cáo", 1)
    assert told("explanation_answered", sheet=sheet) == {"r2023-appraiser"}
    services.submit(fresh(c.head), sheet)
    services.finalise(fresh(c.appraiser), sheet)
    assert told("sheet_finalised", sheet=sheet) == {"r2023-officer1", "r2023-head1"}

    submitted(c, c.other_sheet, head=c.other_head)
    services.finalise(fresh(c.appraiser), c.other_sheet)
    services.approve_round(fresh(c.council), c.round)
    assert told("round_approved", round=c.round) == {
        "r2023-manager", "r2023-viewer", "r2023-officer1", "r2023-head1",
        "r2023-officer2", "r2023-head2"}  # the council member acted


def test_an_answer_on_a_field_sheet_tells_both_appraisers():
    c = build_cycle()
    sheet = submitted(c, c.other_sheet, head=c.other_head)
    services.request_explanation(fresh(c.appraiser), sheet, "1.2", "Giải thích")
    services.send_requests(fresh(c.appraiser), sheet)
    request = ExplanationRequest.objects.get(sheet=sheet)
    services.answer_request(fresh(c.other_officer), request, "Đã giải thích", 1)
    assert told("explanation_answered", sheet=sheet) == {"r2023-appraiser", "r2023-appraiser-f1"}


def test_a_refused_change_tells_nobody():
    c = build_cycle()
    Notification.objects.all().delete()
    with pytest.raises(ValidationError):
        services.submit(fresh(c.head), c.sheet)  # nothing filled in
    assert not Notification.objects.exists()


def test_a_review_tells_the_nominating_units_officers_and_head(officer, council, campaign,
                                                             district):
    from parindex.awards import services as awards
    from parindex.units.models import Role
    from tests import cast
    from tests.awards.test_services import person

    nomination = person(officer, campaign, district)
    cast.person("o2", district, Role.Kind.OFFICER)
    awards.review(council, nomination, accept=False, reason="Thiếu hồ sơ")
    assert told("nomination_rejected", campaign=campaign) == {"officer", "o2"}
    rejected = Notification.objects.filter(kind="nomination_rejected").first()
    assert "Thiếu hồ sơ" in text(rejected) and "Nguyễn Văn An" in text(rejected)


def test_published_results_tell_the_organisers_people_and_the_units_heads():
    from parindex.results import services as results

    c = build_cycle()
    for sheet, head in ((c.sheet, c.head), (c.other_sheet, c.other_head)):
        submitted(c, sheet, head=head)
        services.finalise(fresh(c.appraiser), sheet)
    approved = services.approve_round(fresh(c.council), c.round)
    results.compute_round(fresh(c.manager), approved)
    results.publish(fresh(c.manager), approved)
    assert told("results_published", round=approved) == {
        "r2023-council", "r2023-viewer", "r2023-head1", "r2023-head2"}  # the manager acted
