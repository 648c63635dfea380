"""`parindex round_results`: the results workflow from the command line."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from parindex.assessments.models import Score
from parindex.results.models import ResultSnapshot
from tests import cast

from . import factories as f

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    """The command as the results' manager (a superuser here)."""
    out = io.StringIO()
    call_command("round_results", *args, "--as", cast.administrator().username, stdout=out,
                 stderr=io.StringIO())
    return out.getvalue()


def test_compute_publish_correct_verify():
    rnd = f.round_with(3)
    assert "version 1 (draft), 3 units" in run(rnd.code, "compute")
    out = run(rnd.code, "publish", "--decision", "12/QĐ-UBND", "--date", "2022-04-15")
    assert "(published)" in out
    rnd.refresh_from_db()
    assert rnd.decision_number == "12/QĐ-UBND" and str(rnd.published_on) == "2022-04-15"
    with pytest.raises(CommandError, match="lý do|reason"):
        run(rnd.code, "correct")
    assert "version 2 (published)" in run(rnd.code, "correct", "--reason", "Sửa lỗi")
    assert run(rnd.code, "verify").count(": ok") == 3  # the stored points and two versions
    assert ResultSnapshot.objects.current().get().version == 2


def test_unknown_round():
    with pytest.raises(CommandError, match="unknown round"):
        run("nope", "compute")


def test_verify_catches_a_hand_edited_point():
    rnd = f.round_with(2)
    run(rnd.code, "compute")
    score = Score.objects.filter(round=rnd, value="yes").first()
    Score.objects.filter(pk=score.pk).update(points=Decimal("0.5"))  # by hand, past the doors
    err = io.StringIO()
    with pytest.raises(CommandError, match="differ"):
        call_command("round_results", rnd.code, "verify", stdout=io.StringIO(), stderr=err)
    assert f"stored points 0.5000 but the engine gives {score.points} for 'yes'" in err.getvalue()


def test_verify_catches_a_hand_edited_field():
    rnd = f.round_with(2)
    run(rnd.code, "compute")
    score = Score.objects.filter(round=rnd, value="yes").select_related("node").first()
    Score.objects.filter(pk=score.pk).update(field_id=score.node_id)  # by hand, past the doors
    err = io.StringIO()
    with pytest.raises(CommandError, match="differ"):
        call_command("round_results", rnd.code, "verify", stdout=io.StringIO(), stderr=err)
    assert f"{score.node.code} appraised: stored field {score.node_id}" in err.getvalue()
