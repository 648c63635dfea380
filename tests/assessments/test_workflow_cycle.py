"""The sheet lifecycle through the workflow services: what each step writes and refuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parindex import history
from parindex.assessments import services
from parindex.assessments.models import Evidence, ExplanationRequest, Score, Sheet
from parindex.history.models import Change
from parindex.results.selectors import round_results
from tests.assessments.cycle import FILLED, build_cycle, fill, fresh, submitted
from tests.assessments.files import pdf

S = Sheet.State


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_cycle()


def reload(sheet):
    return Sheet.objects.select_related("round").get(pk=sheet.pk)


def test_whole_cycle_ends_in_approved_appraised_scores(cycle):
    c = cycle
    services.save_score(fresh(c.officer), c.sheet, "1.1", "self", "yes", "", 0)
    services.add_evidence(fresh(c.officer), c.sheet, "1.1", pdf())
    fill(c, values={k: v for k, v in FILLED.items() if k != "1.1"})
    services.submit(fresh(c.head), c.sheet)
    for sheet in (c.other_sheet,):
        submitted(c, sheet, head=c.other_head)

    appraiser = fresh(c.appraiser)
    services.save_score(appraiser, c.sheet, "1.2", "appraised", "<80%", "Kế hoạch chưa đạt", 0)
    services.request_explanation(appraiser, c.sheet, "1.2", "Nộp báo cáo kết quả thực hiện")
    services.send_requests(appraiser, c.sheet)
    assert reload(c.sheet).state == S.EXPLANATION

    request = ExplanationRequest.objects.get(sheet=c.sheet)
    services.answer_request(fresh(c.officer), request, "Đã bổ sung báo cáo số 12/BC", 1)
    services.add_evidence(fresh(c.officer), c.sheet, "1.2", pdf("bc-12.pdf"), request=request)
    services.submit(fresh(c.head), c.sheet)
    assert reload(c.sheet).state == S.EXPLAINED

    services.save_score(fresh(c.appraiser), c.sheet, "1.2", "appraised", "80-<100%",
                        "Chấp nhận một phần sau giải trình", 1)
    services.finalise(fresh(c.appraiser), c.sheet)
    services.finalise(fresh(c.appraiser), c.other_sheet)
    with pytest.raises(PermissionDenied):
        services.approve_round(fresh(c.manager), c.round)
    services.approve_round(fresh(c.council), c.round)

    assert set(Sheet.objects.values_list("state", flat=True)) == {S.APPROVED}
    appraised = dict(
        Score.objects.filter(unit=c.units[0], stage="appraised").values_list("node__code", "value")
    )
    assert appraised == {**FILLED, "1.2": "80-<100%"}
    (framework, results), = round_results(c.round)
    assert {r.unit_code for r in results.results} >= {"H01", "H02"}
    kinds = set(history.for_object(c.sheet).values_list("action", flat=True))
    assert kinds == {"score", "note", "evidence", "request", "explanation", "state"}
    # Approved means locked for everyone.
    with pytest.raises(PermissionDenied):
        services.save_score(fresh(c.appraiser), c.sheet, "1.1", "appraised", "no", "", 1)


def test_a_bad_value_is_refused_with_the_engines_message_and_nothing_is_written(cycle):
    with pytest.raises(ValidationError, match="above the max"):
        services.save_score(fresh(cycle.officer), cycle.sheet, "1.3.2", "self", "7", "", 0)
    with pytest.raises(ValidationError, match="not a level"):
        services.save_score(fresh(cycle.officer), cycle.sheet, "1.2", "self", "90%", "", 0)
    with pytest.raises(ValidationError, match="not a sub-criterion"):
        services.save_score(fresh(cycle.officer), cycle.sheet, "1", "self", "1", "", 0)
    assert not Score.objects.exists()
    assert not Change.objects.exclude(action__in=["create", "import", "state", "assignment"]).exists()
    assert reload(cycle.sheet).started_at is None


def test_the_second_of_two_concurrent_saves_is_refused_with_the_current_value(cycle):
    first, second = fresh(cycle.officer), fresh(cycle.head)
    services.save_score(first, cycle.sheet, "1.1", "self", "yes", "", 0)
    with pytest.raises(services.Conflict) as refused:
        services.save_score(second, cycle.sheet, "1.1", "self", "no", "", 0)
    assert refused.value.current.value == "yes"
    assert refused.value.current.updated_by == first
    assert "was not saved" in str(refused.value)
    score = Score.objects.get(node__code="1.1")
    assert (score.value, score.version) == ("yes", 1)
    # With the current version, the second person's deliberate save goes through.
    services.save_score(second, cycle.sheet, "1.1", "self", "no", "", 1)
    assert Score.objects.get(node__code="1.1").version == 2
    # Saving what is already there is never a conflict (a repeated autosave).
    services.save_score(first, cycle.sheet, "1.1", "self", "no", "", 1)


def test_history_records_old_and_new_values(cycle):
    officer = fresh(cycle.officer)
    services.save_score(officer, cycle.sheet, "1.1", "self", "yes", "", 0)
    services.save_score(officer, cycle.sheet, "1.1", "self", "no", "Chưa ban hành", 1)
    services.save_score(officer, cycle.sheet, "1.1", "self", "", "", 2)
    rows = [
        (c.action, c.old, c.new, c.actor.username)
        for c in Change.objects.filter(part="1.1").order_by("pk")
    ]
    assert rows == [
        ("score", "", "yes", "r2023-officer1"),
        ("score", "yes", "no", "r2023-officer1"),
        ("note", "", "Chưa ban hành", "r2023-officer1"),
        ("score", "no", "", "r2023-officer1"),
        ("note", "Chưa ban hành", "", "r2023-officer1"),
    ]
    assert not Score.objects.exists()


def test_history_rows_are_never_updated_or_deleted(cycle):
    change = Change.objects.first()
    change.reason = "rewritten"
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        Change.objects.update(reason="x")
    with pytest.raises(TypeError):
        Change.objects.all().delete()


def test_submit_needs_every_value_and_evidence_or_a_note(cycle):
    c = cycle
    head = fresh(c.head)
    with pytest.raises(ValidationError) as refused:
        services.submit(head, c.sheet)
    assert "1.1, 1.2, 1.3.1" in str(refused.value)
    fill(c, note="")
    with pytest.raises(ValidationError) as refused:
        services.submit(head, c.sheet)
    # Leaves that earn points need evidence or a note; 2.1 ("không") and 2.3.1 (NA) do not.
    message = " ".join(refused.value.messages)
    assert "1.1, 1.2, 1.3.1, 1.3.2, 2.2, 2.3.2, T.1, P.1" in message
    assert reload(c.sheet).state == S.DRAFT
    for code in ("1.1", "1.2", "1.3.1", "1.3.2", "2.2", "2.3.2", "T.1", "P.1"):
        services.add_evidence(fresh(c.officer), c.sheet, code, pdf())
    services.submit(head, c.sheet)
    sheet = reload(c.sheet)
    assert (sheet.state, sheet.submitted_by) == (S.SUBMITTED, c.head)


def test_only_the_head_submits_and_a_submitted_sheet_is_locked(cycle):
    c = cycle
    fill(c)
    with pytest.raises(PermissionDenied):
        services.submit(fresh(c.officer), c.sheet)
    services.submit(fresh(c.head), c.sheet)
    with pytest.raises(PermissionDenied):
        services.save_score(fresh(c.officer), c.sheet, "1.1", "self", "no", "x", 1)
    with pytest.raises(PermissionDenied):
        services.add_evidence(fresh(c.officer), c.sheet, "1.1", pdf())
    assert Score.objects.get(node__code="1.1", stage="self").value == "yes"
    assert not Evidence.objects.exists()


def test_other_units_people_cannot_touch_the_sheet(cycle):
    c = cycle
    for person in (c.other_officer, c.other_head, c.outsider, c.appraiser, c.manager):
        with pytest.raises(PermissionDenied):
            services.save_score(fresh(person), c.sheet, "1.1", "self", "yes", "", 0)
    assert not Score.objects.exists()


def test_reopen_needs_a_reason_and_records_it(cycle):
    c = cycle
    submitted(c)
    with pytest.raises(ValidationError):
        services.reopen(fresh(c.manager), c.sheet, "  ")
    with pytest.raises(PermissionDenied):
        services.reopen(fresh(c.head), c.sheet, "muốn sửa")
    services.reopen(fresh(c.manager), c.sheet, "Đơn vị xin sửa tiêu chí 1.2")
    assert reload(c.sheet).state == S.DRAFT
    change = history.for_object(c.sheet).filter(action="state").first()
    assert (change.old, change.new, change.reason) == (
        "submitted", "draft", "Đơn vị xin sửa tiêu chí 1.2"
    )


def test_field_appraiser_cannot_score_another_field(cycle):
    c = cycle
    submitted(c, c.other_sheet, head=c.other_head)
    user = fresh(c.field_appraiser)
    services.save_score(user, c.other_sheet, "1.1", "appraised", "no", "", 0)
    with pytest.raises(PermissionDenied):
        services.save_score(user, c.other_sheet, "2.1", "appraised", "no", "", 0)


def test_explanations_need_every_request_answered(cycle):
    c = cycle
    submitted(c)
    services.request_explanation(fresh(c.appraiser), c.sheet, "1.1", "Bổ sung kế hoạch")
    with pytest.raises(ValidationError):
        services.finalise(fresh(c.appraiser), c.sheet)
    services.send_requests(fresh(c.appraiser), c.sheet)
    with pytest.raises(ValidationError, match="1.1"):
        services.submit(fresh(c.head), c.sheet)
    request = ExplanationRequest.objects.get()
    services.answer_request(fresh(c.officer), request, "Kế hoạch số 5/KH", 1)
    with pytest.raises(services.Conflict):
        services.answer_request(fresh(c.head), request, "Khác", 1)
    assert ExplanationRequest.objects.get().answer == "Kế hoạch số 5/KH"


def test_approval_waits_for_every_sheet(cycle):
    c = cycle
    submitted(c)
    services.finalise(fresh(c.appraiser), c.sheet)
    with pytest.raises(ValidationError, match="UBND huyện 2"):  # named, not by code
        services.approve_round(fresh(c.council), c.round)
    assert reload(c.sheet).round.approved_at is None
