"""Migration 0004: existing rounds get their kind from what they hold — a round with sheets is
an assessment round, one without (imported scores) a results round."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0003_change_log")]
AFTER = [("assessments", "0004_round_kind")]


@pytest.fixture
def latest_schema_after():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_rounds_with_sheets_become_assessment_rounds():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    group = old.get_model("units", "UnitGroup").objects.create(code="huyen", name="Huyện")
    unit = old.get_model("units", "Unit").objects.create(code="H01", name="H 1", group=group)
    framework = old.get_model("frameworks", "Framework").objects.create(
        code="fw", name="fw", year=2023, unit_group=group)
    Round = old.get_model("assessments", "Round")
    run_here = Round.objects.create(code="run-here", name="a", year=2023)
    Round.objects.create(code="imported", name="b", year=2021)
    old.get_model("assessments", "Sheet").objects.create(
        round=run_here, unit=unit, framework=framework)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("assessments", "Round")
    assert dict(new.objects.values_list("code", "kind")) == {
        "run-here": "assessment", "imported": "results"}
