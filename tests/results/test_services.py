"""Computing, storing, publishing and correcting a round's results."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from parindex import history
from parindex.assessments.models import Round, Score, Sheet
from parindex.history.models import Change
from parindex.results import services
from parindex.results.models import FrozenError, ResultDetail, ResultRow, ResultSnapshot
from tests import cast

from . import factories as f

pytestmark = pytest.mark.django_db


def test_compute_stores_a_draft_with_the_engines_numbers():
    rnd = f.round_with(3)
    [snapshot] = services.compute_round(cast.administrator(), rnd)
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
    [snapshot] = services.compute_round(cast.administrator(), rnd)
    assert services.verify(snapshot) == []
    row = snapshot.rows.get(unit_code="U001")
    row.index = Decimal("99.00")
    row.save()
    assert services.verify(snapshot) and "U001" in services.verify(snapshot)[0]


def test_recompute_replaces_the_draft():
    rnd = f.round_with(2)
    services.compute_round(cast.administrator(), rnd)
    [again] = services.compute_round(cast.administrator(), rnd)
    assert ResultSnapshot.objects.filter(round=rnd).count() == 1
    assert again.version == 1


def test_publish_freezes_the_snapshot_and_its_rows():
    rnd = f.round_with(3)
    services.compute_round(cast.administrator(), rnd)
    [snapshot] = services.publish(cast.administrator(), rnd, decision_number="197/QĐ-UBND", published_on=f.PUBLISHED)
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
    [draft] = services.compute_round(cast.administrator(), rnd)
    assert draft.version == 2
    assert ResultSnapshot.objects.current().get() == snapshot


def test_publish_needs_a_draft_and_happens_once():
    rnd = f.round_with(2)
    with pytest.raises(ValidationError):
        services.publish(cast.administrator(), rnd)
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    services.compute_round(cast.administrator(), rnd)
    with pytest.raises(ValidationError) as refused:
        services.publish(cast.administrator(), rnd)
    assert refused.value.code == "already_published"


def test_a_round_run_in_parindex_is_computed_and_published_only_after_council_approval():
    rnd = f.round_with(2)
    rnd.kind = Round.Kind.ASSESSMENT
    rnd.save(update_fields=["kind"])
    unit = rnd.scores.first().unit
    Sheet.objects.create(round=rnd, unit=unit, framework=rnd.frameworks.get())
    for step in (services.compute_round, services.publish):
        with pytest.raises(ValidationError) as refused:
            step(cast.administrator(), rnd)
        assert refused.value.code == "not_approved"
    assert not ResultSnapshot.objects.filter(round=rnd).exists()

    rnd.approved_at = timezone.now()
    rnd.save(update_fields=["approved_at"])
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    assert ResultSnapshot.objects.filter(round=rnd, published_at__isnull=False).exists()


def test_a_correction_is_a_new_visible_version_with_its_reason():
    rnd = f.round_with(3)
    services.compute_round(cast.administrator(), rnd)
    [first] = services.publish(cast.administrator(), rnd)
    with pytest.raises(ValidationError):
        services.correct(cast.administrator(), rnd, reason="  ")
    Score.objects.filter(round=rnd, unit__code="U002", node__code="1.2", stage="appraised").update(
        value="3"
    )
    [second] = services.correct(cast.administrator(), rnd,
                                reason="Sửa điểm tiêu chí 1.2 theo giải trình")
    assert second.version == 2 and second.is_published and second.supersedes == first
    assert second.reason.startswith("Sửa điểm")
    assert second.rows.get(unit_code="U002").index == Decimal("75.00")
    first.refresh_from_db()
    assert first.rows.get(unit_code="U002").index == Decimal("65.00")  # unchanged, still there
    assert list(ResultSnapshot.objects.current()) == [second]
    assert list(ResultSnapshot.objects.published().order_by("version")) == [first, second]


def test_correct_needs_a_published_round():
    rnd = f.round_with(2)
    services.compute_round(cast.administrator(), rnd)
    with pytest.raises(ValidationError):
        services.correct(cast.administrator(), rnd, reason="typo")


def test_publish_demo_rounds_publishes_rounds_marked_published_once():
    published = f.round_with(2, published_on=f.PUBLISHED)
    f.round_with(2, year=2022)  # not marked published: left alone
    assert services.publish_demo_rounds(cast.administrator()) == [published]
    assert services.publish_demo_rounds(cast.administrator()) == []
    assert ResultSnapshot.objects.current().get().round == published


def test_compute_query_count_is_constant(django_assert_max_num_queries):
    small = f.round_with(3, year=2020, code="small")
    big = f.round_with(30, year=2021, code="big")
    admin = cast.administrator()
    with django_assert_max_num_queries(24) as small_ctx:
        services.compute_round(admin, small)
    with django_assert_max_num_queries(24) as big_ctx:
        services.compute_round(admin, big)
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)


def test_results_doors_ask_the_policy_and_write_nothing_when_refused():
    rnd = f.round_with(2, published_on=f.PUBLISHED)
    stranger = cast.outsider()
    for door, args in [
        (services.compute_round, ()),
        (services.publish, ()),
        (services.correct, ("typo",)),
    ]:
        with pytest.raises(PermissionDenied):
            door(stranger, rnd, *args)
    assert not ResultSnapshot.objects.exists() and not Change.objects.exists()


def test_results_doors_record_compute_publish_and_correct():
    rnd = f.round_with(2, published_on=f.PUBLISHED)
    admin = cast.administrator()
    services.compute_round(admin, rnd)
    services.publish(admin, rnd, decision_number="197/QĐ-UBND")
    services.correct(admin, rnd, reason="Sửa điểm 1.2")
    rows = list(history.for_scope(rnd).values_list("action", "actor", "object_id", "after",
                                                   "reason"))
    code = rnd.frameworks.get().code
    assert rows == [
        ("compute", admin.pk, rnd.pk, {code: 1}, ""),
        ("publish", admin.pk, rnd.pk, {code: 1, "decision_number": "197/QĐ-UBND",
                                       "published_on": str(f.PUBLISHED)}, ""),
        ("compute", admin.pk, rnd.pk, {code: 2}, ""),
        ("correct", admin.pk, rnd.pk, {code: 2}, "Sửa điểm 1.2"),
    ]


def test_round_results_command_names_its_actor(capsys):
    rnd = f.round_with(2, published_on=f.PUBLISHED)
    for args, message in [([], "--as USERNAME"), (["--as", "ghost"], "unknown or inactive")]:
        with pytest.raises(CommandError, match=message) as info:
            call_command("round_results", rnd.code, "compute", *args)
        assert info.value.returncode == 2
    with pytest.raises(CommandError, match="refused") as info:
        call_command("round_results", rnd.code, "compute", "--as",
                     cast.outsider().username)
    assert info.value.returncode == 2 and not ResultSnapshot.objects.exists()

    call_command("round_results", rnd.code, "compute", "--as", cast.administrator().username)
    call_command("round_results", rnd.code, "publish", "--as", cast.administrator().username)
    assert "version 1 (published)" in capsys.readouterr().out
    assert Change.objects.get(action="publish").actor == cast.administrator()
