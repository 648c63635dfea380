"""The demo's 2023 round in progress and its accounts."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from parindex.assessments.models import Round, Sheet
from parindex.assessments.selectors import progress_counts, with_progress
from parindex.demo.assessment_round import ROUND_CODE, load_demo_2023
from parindex.history.models import Change


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=io.StringIO())
    return load_demo_2023()


def test_round_in_progress(demo, client):
    round = Round.objects.get(code=ROUND_CODE)
    states = set(Sheet.objects.filter(round=round).values_list("state", flat=True))
    assert states == {"draft", "submitted", "explanation"}
    rows = with_progress(round, round.sheets.all())
    counts = progress_counts(round, round.sheets.all())
    assert counts["submitted"] and counts["in_progress"] and counts["not_started"]
    late_submissions = sum(1 for r in rows if r.status == "submitted" and r.late)
    assert 0 < late_submissions < counts["submitted"]
    assert counts["late"] == counts["not_started"] + counts["in_progress"] + late_submissions
    assert Sheet.objects.get(round=round, unit__code="IAGRAI").state == "explanation"

    # Every printed account logs in with its printed password and finds its work.
    for username, password, _role in demo:
        assert login(client, username, password).status_code == 302, username
    login(client, "iagrai.canbo", "cchc-demo-2023")
    html = client.get(reverse("assessments:sheet", args=[ROUND_CODE, "IAGRAI"])).content.decode()
    assert "Đề nghị đơn vị giải trình" in html
    assert client.get(reverse("assessments:sheet", args=[ROUND_CODE, "PLEIKU"])).status_code == 404
    login(client, "snv.quanly", "cchc-demo-2023")
    assert client.get(reverse("assessments:progress", args=[ROUND_CODE])).status_code == 200


def test_loading_twice_changes_nothing(demo):
    changes = Change.objects.count()
    assert load_demo_2023() == demo
    assert Change.objects.count() == changes


def test_demo_passwords_pass_the_validators(demo):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    for username, password, _role in demo:
        validate_password(password, get_user_model().objects.get(username=username))
