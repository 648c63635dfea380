"""The one change log: its shape, its request ids, and the move of the old histories into it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parindex import history
from parindex.history.models import Change
from parindex.units.models import Unit, UnitGroup
from tests import cast

BEFORE = [("assessments", "0002_assessment_cycle"), ("awards", "0004_nomination_withdrawn"),
          ("history", "0001_initial")]
AFTER = [("assessments", "0003_change_log"), ("awards", "0005_change_log")]


@pytest.fixture
def unit(db):
    group = UnitGroup.objects.create(code="huyen", name="Huyện")
    return Unit.objects.create(code="H01", name="UBND huyện 1", group=group)


def test_a_change_records_actor_action_object_part_sides_reason_and_scope(unit):
    user = cast.outsider()
    change = history.record(user, "update", unit, scope=unit.group, part="name",
                            changes={"name": ["Cũ", "Mới"], "note": [None, "x"]}, reason="Đổi tên")
    change = Change.objects.get(pk=change.pk)
    assert (change.actor, change.action, change.object_repr, change.part) == (
        user, "update", "UBND huyện 1", "name")
    assert change.before == {"name": "Cũ"} and change.after == {"name": "Mới", "note": "x"}
    assert change.diff == {"name": ["Cũ", "Mới"], "note": [None, "x"]}
    assert list(history.for_object(unit)) == [change]
    assert list(history.for_scope(unit.group)) == [change]


def test_decimals_dates_and_rows_are_kept_as_plain_json(unit):
    from decimal import Decimal

    change = history.record(None, "update", unit, after={
        "points": Decimal("7.25"), "on": datetime.date(2026, 1, 9), "group": unit.group})
    assert Change.objects.get(pk=change.pk).after == {
        "points": "7.25", "on": "2026-01-09", "group": unit.group.pk}


def test_rows_of_one_request_share_its_id_and_the_response_names_it(rf, unit):
    from django.http import HttpResponse

    from parindex.history.middleware import RequestIdMiddleware

    def view(request):
        history.record(None, "update", unit, after={"name": "a"})
        history.record(None, "update", unit, after={"name": "b"})
        return HttpResponse()

    response = RequestIdMiddleware(view)(rf.get("/"))
    ids = set(Change.objects.values_list("request_id", flat=True))
    assert ids == {response["X-Request-ID"]} and len(response["X-Request-ID"]) == 32
    RequestIdMiddleware(view)(rf.get("/"))
    assert len(set(Change.objects.values_list("request_id", flat=True))) == 2


def test_a_command_run_has_its_own_request_id():
    first = history.new_request_id("cli-")
    assert first.startswith("cli-") and history.current_request_id() == first
    assert history.new_request_id("cli-") != first


def test_change_rows_are_never_updated_or_deleted(unit):
    change = history.record(None, "create", unit)
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        Change.objects.update(reason="x")
    with pytest.raises(TypeError):
        Change.objects.all().delete()


@pytest.fixture
def latest_schema_after():
    """Later migrations (e.g. assessments 0004) are applied again once the test is done, so
    the tests after it find the current schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_old_round_and_commendation_histories_move_into_the_log_row_for_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="nv")
    group = old.get_model("units", "UnitGroup").objects.create(code="g", name="G")
    unit = old.get_model("units", "Unit").objects.create(code="H01", name="UBND 1", group=group)
    framework = old.get_model("frameworks", "Framework").objects.create(
        code="fw", name="FW", year=2023, unit_group=group)
    round = old.get_model("assessments", "Round").objects.create(code="r", name="R", year=2023)
    sheet = old.get_model("assessments", "Sheet").objects.create(
        round=round, unit=unit, framework=framework)
    OldChange = old.get_model("assessments", "Change")
    OldChange.objects.create(round=round, sheet=sheet, node_code="1.1", stage="self",
                             kind="score", old="yes", new="no", reason="sửa", user=user)
    OldChange.objects.create(round=round, sheet=sheet, kind="state", old="draft",
                             new="submitted", user=user)
    OldChange.objects.create(round=round, kind="assignment", node_code="1", new="tđ → H01")
    campaign = old.get_model("awards", "Campaign").objects.create(
        code="c", name="Khen", year=2023, awarder_unit=unit)
    old.get_model("awards", "AwardChange").objects.create(
        campaign=campaign, model="campaign", object_id=campaign.pk, action="update",
        changes={"deadline": [None, "2024-05-06"]}, reason="gia hạn", user=user)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    rows = list(Change.objects.order_by("pk").values_list(
        "action", "object_type__model", "object_repr", "part", "before", "after", "reason",
        "actor__username"))
    assert rows == [
        ("score", "sheet", "R · UBND 1", "1.1", {"self": "yes"}, {"self": "no"}, "sửa", "nv"),
        ("state", "sheet", "R · UBND 1", "", {"state": "draft"}, {"state": "submitted"}, "",
         "nv"),
        ("assignment", "round", "R", "1", {}, {"appraiser": "tđ → H01"}, "", None),
        ("update", "campaign", "Khen", "", {}, {"deadline": "2024-05-06"}, "gia hạn", "nv"),
    ]
    assert Change.objects.filter(scope_id=round.pk, scope_type__model="round").count() == 3
