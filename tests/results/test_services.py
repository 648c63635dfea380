"""Computing, storing, publishing and correcting a round's results."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from parindex.assessments.models import Score, Sheet
from parindex.results import services
from parindex.results.models import FrozenError, ResultDetail, ResultRow, ResultSnapshot

from . import factories as f

pytestmark = pytest.mark.django_db


def test_compute_stores_a_draft_with_the_engines_numbers():
    rnd = f.round_with(3)
    [snapshot] = services.compute_round(f.admin(), rnd)
    assert snapshot.version == 1 and not snapshot.is_published
    rows = {r.unit_code: r for r in snapshot.rows.all()}
    assert [(r.rank, r.index) for r in snapshot.rows.order_by("rank")] == [
        (1, Decimal("100.00")),
        (2, Decimal("65.00")),
        (3, Decimal("63.64")),
    ]
    fair = rows["U002"]
    details = {d.unit_code: d for d in snapshot.details.all()}
    assert fair.achieved == Decimal("9.75") and fair.max == Decimal("15.00")
    assert fair.band == "trung-binh"
    assert fair.fields["2"] == {"achieved": "2.50", "max": "5.00", "index": "50.00"}
    assert details["U002"].points["2.1"] == "2" and details["U002"].points["1.1"] == "2"
    assert fair.self_achieved == Decimal("11.75") and fair.self_index == Decimal("78.33")
    na = rows["U003"]
    assert details["U003"].points["2.1"] is None and na.fields["2"]["max"] == "1.00"
    assert snapshot.inputs["values"]["appraised"]["U003"]["2.1"] == "NA"
    assert snapshot.structure["code"] == "test-huyen-2021"


def test_stored_inputs_reproduce_the_stored_rows():
    rnd = f.round_with(4)
    [snapshot] = services.compute_round(f.admin(), rnd)
    assert services.verify(snapshot) == []
    row = snapshot.rows.get(unit_code="U001")
    row.index = Decimal("99.00")
    row.save()
    assert services.verify(snapshot) and "U001" in services.verify(snapshot)[0]


def test_recompute_replaces_the_draft():
    rnd = f.round_with(2)
    services.compute_round(f.admin(), rnd)
    [again] = services.compute_round(f.admin(), rnd)
    assert ResultSnapshot.objects.filter(round=rnd).count() == 1
    assert again.version == 1


def test_publish_freezes_the_snapshot_and_its_rows():
    rnd = f.round_with(3)
    services.compute_round(f.admin(), rnd)
    [snapshot] = services.publish(f.admin(), rnd, decision_number="197/QĐ-UBND", published_on=f.PUBLISHED)
    rnd.refresh_from_db()
    assert rnd.published_on == f.PUBLISHED and rnd.decision_number == "197/QĐ-UBND"
    snapshot.refresh_from_db()
    assert snapshot.is_published
    with pytest.raises(FrozenError):
        snapshot.save()
    with pytest.raises(FrozenError):
        snapshot.delete()
    row = snapshot.rows.first()
    row.index = Decimal("1")
    with pytest.raises(FrozenError):
        row.save()
    with pytest.raises(FrozenError):
        ResultRow.objects.filter(snapshot=snapshot).update(index=Decimal("1"))
    with pytest.raises(FrozenError):
        ResultSnapshot.objects.filter(pk=snapshot.pk).update(reason="x")
    with pytest.raises(FrozenError):
        ResultRow.objects.filter(snapshot=snapshot).delete()
    with pytest.raises(FrozenError):
        ResultDetail.objects.filter(snapshot=snapshot).update(points={})
    detail = snapshot.details.first()
    detail.points = {}
    with pytest.raises(FrozenError):
        detail.save()
    # Recomputing makes a new draft and leaves the published version alone.
    [draft] = services.compute_round(f.admin(), rnd)
    assert draft.version == 2
    assert ResultSnapshot.objects.current().get() == snapshot


def test_publish_needs_a_draft_and_happens_once():
    rnd = f.round_with(2)
    with pytest.raises(ValidationError):
        services.publish(f.admin(), rnd)
    services.compute_round(f.admin(), rnd)
    services.publish(f.admin(), rnd)
    services.compute_round(f.admin(), rnd)
    with pytest.raises(ValidationError) as refused:
        services.publish(f.admin(), rnd)
    assert refused.value.code == "already_published"


def test_a_round_run_in_parindex_is_published_only_after_council_approval():
    rnd = f.round_with(2)
    unit = rnd.scores.first().unit
    Sheet.objects.create(round=rnd, unit=unit, framework=rnd.frameworks.get())
    services.compute_round(f.admin(), rnd)  # a draft preview is fine before approval
    with pytest.raises(ValidationError) as refused:
        services.publish(f.admin(), rnd)
    assert refused.value.code == "not_approved"
    assert not ResultSnapshot.objects.filter(round=rnd, published_at__isnull=False).exists()

    rnd.approved_at = timezone.now()
    rnd.save(update_fields=["approved_at"])
    services.publish(f.admin(), rnd)
    assert ResultSnapshot.objects.filter(round=rnd, published_at__isnull=False).exists()


def test_a_correction_is_a_new_visible_version_with_its_reason():
    rnd = f.round_with(3)
    services.compute_round(f.admin(), rnd)
    [first] = services.publish(f.admin(), rnd)
    with pytest.raises(ValidationError):
        services.correct(f.admin(), rnd, reason="  ")
    Score.objects.filter(round=rnd, unit__code="U002", node__code="1.2", stage="appraised").update(
        value="3"
    )
    [second] = services.correct(f.admin(), rnd, reason="Sửa điểm tiêu chí 1.2 theo giải trình")
    assert second.version == 2 and second.is_published and second.supersedes == first
    assert second.reason.startswith("Sửa điểm")
    assert second.rows.get(unit_code="U002").index == Decimal("75.00")
    first.refresh_from_db()
    assert first.rows.get(unit_code="U002").index == Decimal("65.00")  # unchanged, still there
    assert list(ResultSnapshot.objects.current()) == [second]
    assert list(ResultSnapshot.objects.published().order_by("version")) == [first, second]


def test_correct_needs_a_published_round():
    rnd = f.round_with(2)
    services.compute_round(f.admin(), rnd)
    with pytest.raises(ValidationError):
        services.correct(f.admin(), rnd, reason="typo")


def test_publish_demo_rounds_publishes_rounds_marked_published_once():
    published = f.round_with(2, published_on=f.PUBLISHED)
    f.round_with(2, year=2022)  # not marked published: left alone
    assert services.publish_demo_rounds(f.admin()) == [published]
    assert services.publish_demo_rounds(f.admin()) == []
    assert ResultSnapshot.objects.current().get().round == published


def test_compute_query_count_is_constant(django_assert_max_num_queries):
    small = f.round_with(3, year=2020, code="small")
    big = f.round_with(30, year=2021, code="big")
    with django_assert_max_num_queries(20) as small_ctx:
        services.compute_round(f.admin(), small)
    with django_assert_max_num_queries(20) as big_ctx:
        services.compute_round(f.admin(), big)
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)
