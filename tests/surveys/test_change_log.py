"""Every survey write a manager makes is one door: actor first, policy, a change-log row listed
under the survey; a refused person writes nothing. Public answers are not logged."""

from decimal import Decimal as D

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from parindex import history
from parindex.history.models import Change
from parindex.surveys import services
from parindex.surveys.models import (
    ImportBatch,
    ImportJob,
    Invitation,
    Question,
    RespondentGroup,
    Response,
    Section,
    Survey,
)
from tests import cast
from tests.jobs.conftest import run_worker

from .conftest import definition


def logged(survey):
    return list(history.for_scope(survey))


def question_q1(group):
    q1 = group.questions.get(code="Q1")
    return {"code": "Q1", "text": "Thái độ <b>công chức</b>?", "section_id": q1.section_id,
            "leaf_code": "8.2", "required": True,
            "options": [(o.code, o.label, o.weight) for o in q1.options.order_by("position")]}


# operation → (call with the actor, expected action, a field of the row's after/before)
OPERATIONS = {
    "update_survey": (lambda a, s, g: services.update_survey(a, s, name="Điều tra mới",
                                                             margin=D("0.10")),
                      "update", ("after", "name", "Điều tra mới")),
    "save_group": (lambda a, s, g: services.save_group(
        a, s, None, code="doanh-nghiep", name="Doanh nghiệp", intro="", access="open",
        accepting=True, targets=[("IAGRAI", 50)], sections=[(None, "Chung")]),
                   "create", ("after", "units", ["IAGRAI (N=50)"])),
    "save_question": (lambda a, s, g: services.save_question(a, g, g.questions.get(code="Q1"),
                                                             **question_q1(g)),
                      "update", ("after", "text", "Thái độ <b>công chức</b>?")),
    "delete_question": (lambda a, s, g: services.delete_question(a, g.questions.get(code="Q2")),
                        "delete", ("before", "code", "Q2")),
    "enter_paper_form": (lambda a, s, g: services.enter_paper_form(
        a, g, form_number="12", answers={"Q1": "A"}, unit_code="IAGRAI"),
                         "create", ("after", "form_number", "12")),
    "create_invitations": (lambda a, s, g: services.create_invitations(a, g, 3),
                           "invite", ("after", "codes", 3)),
}


def state():
    """Everything a survey write could change."""
    return (
        list(Survey.objects.values_list("name", "margin")),
        list(RespondentGroup.objects.values_list("code", "name")),
        list(Section.objects.values_list("title", flat=True)),
        list(Question.objects.values_list("code", "text", "position")),
        Response.objects.count(), ImportBatch.objects.count(), Invitation.objects.count(),
        ImportJob.objects.count(),
    )


@pytest.fixture
def outsider(db):
    return cast.outsider()


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_write_is_logged_under_the_survey(name, staff, citizens):
    call, action, (side, field, value) = OPERATIONS[name]
    survey = citizens.survey
    call(staff, survey, citizens)
    [change] = logged(survey)
    assert (change.actor, change.action) == (staff, action)
    assert getattr(change, side)[field] == value


@pytest.mark.parametrize("name", OPERATIONS)
def test_a_refused_person_writes_nothing(name, outsider, citizens):
    call = OPERATIONS[name][0]
    before, rows = state(), Change.objects.count()
    with pytest.raises(PermissionDenied):
        call(outsider, citizens.survey, citizens)
    assert state() == before and Change.objects.count() == rows


def test_creating_a_survey(staff, outsider, round_):
    with pytest.raises(PermissionDenied):
        services.create_survey_for(outsider, round_, name="X", margin=D("0.05"))
    assert not Survey.objects.exists()
    survey = services.create_survey_for(staff, round_, name="Điều tra", margin=D("0.05"))
    assert logged(survey)[0].action == "create"


def test_a_review_records_the_old_and_new_status(staff, outsider, citizens):
    response = services.submit_online(citizens, answers={"Q1": "A", "Q2": "B"},
                                      unit_code="IAGRAI", address="10.0.0.9")
    assert logged(citizens.survey) == []  # a public answer is not a person's change
    with pytest.raises(PermissionDenied):
        services.review(outsider, response, "rejected")
    assert Response.objects.get().status == "accepted" and logged(citizens.survey) == []
    services.review(staff, response, "rejected")
    [change] = logged(citizens.survey)
    assert (change.actor, change.action, change.diff) == (
        staff, "review", {"status": ["accepted", "rejected"]})


def test_an_import_leaves_one_row_with_its_counts(staff, outsider, citizens, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("unit_code,Q1\nIAGRAI,A\nPLEIKU,B\n", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        services.import_file(outsider, citizens, path)
    assert Response.objects.count() == 0 and logged(citizens.survey) == []
    assert services.import_file(staff, citizens, path) == 2
    [change] = logged(citizens.survey)
    assert (change.actor, change.action, change.after) == (
        staff, "import", {"group": "nguoi-dan", "file": "answers.csv", "responses": 2})


@pytest.mark.django_db(transaction=True)
def test_a_web_import_job_is_logged_by_the_person_who_uploaded_it(staff_client, staff, citizens,
                                                                    settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("web.csv", b"unit_code,Q1\nIAGRAI,A\n")
    staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]), {"file": upload})
    job = ImportJob.objects.get()
    run_worker()
    [change] = logged(citizens.survey)
    assert (change.actor, change.object_id, change.after["file"], change.after["responses"]) == (
        staff, job.pk, "web.csv", 1)


def test_the_survey_history_page(staff_client, staff, citizens, client, outsider):
    services.save_question(staff, citizens, citizens.questions.get(code="Q1"),
                           **question_q1(citizens))
    url = reverse("surveys:history", args=["r2021"])
    html = staff_client.get(url).content.decode()
    assert "Thái độ &lt;b&gt;công chức&lt;/b&gt;?" in html and "<b>công chức</b>" not in html
    assert staff.username in html
    assert url in staff_client.get(reverse("surveys:dashboard", args=["r2021"])).content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("surveys:history", args=["nope"])).status_code == 404


@pytest.mark.parametrize("extra,message", [
    ([], "--as USERNAME"),
    (["--as", "nobody"], "unknown or inactive user"),
    (["--as", "outsider"], "refused"),
])
def test_load_survey_command_needs_an_allowed_actor(round_, outsider, tmp_path, extra, message):
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(definition(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match=message) as info:
        call_command("load_survey", "r2021", str(path), *extra)
    assert info.value.returncode == 2
    assert not Survey.objects.exists()


def test_load_survey_command_logs_one_import(round_, staff, tmp_path):
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(definition(), allow_unicode=True), encoding="utf-8")
    call_command("load_survey", "r2021", str(path), "--as", staff.username)
    [change] = logged(Survey.objects.get())
    assert (change.actor, change.action, change.after["file"], change.after["groups"]) == (
        staff, "import", "survey.yaml", 2)
