"""The manager edits the survey in the app: groups, units, sections, questions, weights."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from parindex.surveys import services
from parindex.surveys.models import Option, Question, RespondentGroup, Survey
from parindex.surveys.selectors import survey_points
from parindex.surveys.services.definitions import create_survey
from tests import cast

from .conftest import D, definition, make_units


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the msgids), whatever catalogue is compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def question_data(question, weights=None, **changes):
    """The question page's POST, as the browser sends it, with some weights changed."""
    options = list(question.options.order_by("position"))
    weights = weights or {}
    data = {
        "code": question.code, "text": question.text, "section": question.section_id,
        "leaf_code": question.leaf_code, "required": "on" if question.required else "",
        "options-TOTAL_FORMS": len(options) + 2, "options-INITIAL_FORMS": len(options),
        "options-MIN_NUM_FORMS": 0, "options-MAX_NUM_FORMS": 1000,
    }
    for i, option in enumerate(options):
        weight = weights.get(option.code, option.weight)
        data[f"options-{i}-code"] = option.code
        data[f"options-{i}-label"] = option.label
        data[f"options-{i}-weight"] = "" if weight is None else str(weight)
    data.update(changes)
    return data


def question_url(question):
    group = question.group
    return reverse("surveys:question_edit",
                   args=[group.survey.round.code, group.code, question.pk])


def group_data(group, units, sections, **changes):
    data = {"code": group.code if group else "", "name": group.name if group else "",
            "intro": "", "access": "open", "accepting": "on",
            "units-TOTAL_FORMS": len(units), "units-INITIAL_FORMS": 0,
            "units-MIN_NUM_FORMS": 0, "units-MAX_NUM_FORMS": 1000,
            "sections-TOTAL_FORMS": len(sections), "sections-INITIAL_FORMS": 0,
            "sections-MIN_NUM_FORMS": 0, "sections-MAX_NUM_FORMS": 1000}
    for i, (unit, population) in enumerate(units):
        data[f"units-{i}-unit"] = unit
        data[f"units-{i}-population"] = "" if population is None else population
    for i, (pk, title) in enumerate(sections):
        data[f"sections-{i}-id"] = "" if pk is None else pk
        data[f"sections-{i}-title"] = title
    data.update(changes)
    return data


def test_editing_a_weight_changes_the_units_points(staff_client, citizens):
    services.import_responses(citizens, [["unit_code", "Q1", "Q2"], ["IAGRAI", "B", "B"]])
    assert survey_points(citizens.survey.round) == {"IAGRAI": {"8.2": D("7.2")}}  # 12 × 0.6
    q1 = citizens.questions.get(code="Q1")
    page = staff_client.post(question_url(q1), question_data(q1, weights={"B": "0.75"}))
    assert page.status_code == 302, page.content.decode()
    assert Option.objects.get(question=q1, code="B").weight == D("0.75")
    # Q1's B now earns 0.75, Q2's still 0.6: 12 × (0.75 + 0.6) / 2
    assert survey_points(citizens.survey.round) == {"IAGRAI": {"8.2": D("8.1")}}


@pytest.mark.parametrize("weight", ["1.5", "-0.1", "abc", "0.123456"])
def test_an_invalid_weight_is_refused_and_nothing_is_written(staff_client, citizens, weight):
    q1 = citizens.questions.get(code="Q1")
    before = list(Option.objects.order_by("pk").values_list("code", "label", "weight"))
    page = staff_client.post(question_url(q1), question_data(
        q1, weights={"A": "0.9", "B": weight}, text="Changed?"))
    assert page.status_code == 400
    assert "a number from 0 to 1" in page.content.decode()
    assert list(Option.objects.order_by("pk").values_list("code", "label", "weight")) == before
    assert Question.objects.get(pk=q1.pk).text == q1.text


def test_service_refuses_a_weight_out_of_range(staff, citizens):
    q1 = citizens.questions.get(code="Q1")
    with pytest.raises(services.EditRefused, match="between 0 and 1"):
        services.save_question(staff, citizens, q1, code="Q1", text="x",
                               section_id=q1.section_id, leaf_code="8.2", required=True,
                               options=[("A", "Yes", D("1.01"))])
    assert Question.objects.get(pk=q1.pk).text == q1.text


@pytest.mark.parametrize("name,args", [
    ("edit", ["r2021"]), ("group_new", ["r2021"]), ("group_edit", ["r2021", "nguoi-dan"]),
    ("question_new", ["r2021", "nguoi-dan"]),
])
def test_editing_needs_a_staff_user(client, survey, name, args):
    url = reverse(f"surveys:{name}", args=args)
    assert client.get(url).status_code == 302
    assert client.post(url, {}).status_code == 302
    client.force_login(cast.outsider())
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x"}).status_code == 403
    q1 = Question.objects.get(code="Q1")
    assert client.post(question_url(q1), question_data(q1, weights={"A": "0"})).status_code \
        == 403
    assert Option.objects.get(question=q1, code="A").weight == D(1)


def test_margin_and_name_of_the_survey(staff_client, survey):
    url = reverse("surveys:edit", args=["r2021"])
    assert staff_client.post(url, {"name": "Điều tra 2021", "margin": "0.07"}).status_code == 302
    survey.refresh_from_db()
    assert (survey.name, survey.margin) == ("Điều tra 2021", D("0.07"))
    bad = staff_client.post(url, {"name": "x", "margin": "1.5"})
    assert bad.status_code == 400 and "between 0 and 1" in bad.content.decode()
    survey.refresh_from_db()
    assert survey.margin == D("0.07")


def test_a_manager_builds_a_group_from_nothing(staff_client, survey):
    url = reverse("surveys:group_new", args=["r2021"])
    page = staff_client.post(url, group_data(None, [("IAGRAI", 500), ("PLEIKU", None)],
                                             [(None, "Chung"), (None, "Chi tiết")],
                                             code="doanh-nghiep", name="Doanh nghiệp"))
    assert page.status_code == 302
    group = RespondentGroup.objects.get(code="doanh-nghiep")
    assert sorted(group.targets.values_list("unit__code", "population")) == [
        ("IAGRAI", 500), ("PLEIKU", None)]
    first, second = group.sections.order_by("position")
    new = reverse("surveys:question_new", args=["r2021", "doanh-nghiep"])
    form = staff_client.get(new).content.decode()
    assert 'value="0.6"' in form  # the default options are offered: A 1, B 0.6, C 0.2, D 0
    for code, section in [("B1", second), ("A1", first), ("B2", second)]:
        data = {"code": code, "text": f"Câu {code}", "section": section.pk, "leaf_code": "8.2",
                "required": "on", "options-TOTAL_FORMS": 2, "options-INITIAL_FORMS": 0,
                "options-MIN_NUM_FORMS": 0, "options-MAX_NUM_FORMS": 1000,
                "options-0-code": "y", "options-0-label": "Có", "options-0-weight": "1",
                "options-1-code": "N", "options-1-label": "Không", "options-1-weight": "0"}
        assert staff_client.post(new, data).status_code == 302
    # Questionnaire order: section by section, whatever order they were added in.
    assert list(group.questions.order_by("position").values_list("code", "position")) == [
        ("A1", 0), ("B1", 1), ("B2", 2)]
    assert list(Option.objects.filter(question__code="A1").values_list("code", "weight")) == [
        ("Y", D(1)), ("N", D(0))]
    services.import_responses(group, [["unit_code", "A1", "B1", "B2"],
                                      ["PLEIKU", "Y", "N", "Y"]])
    assert survey_points(survey.round)["PLEIKU"] == {"8.2": D(8)}  # 12 × 2/3


def test_a_leaf_that_is_not_a_survey_leaf_is_refused(staff, staff_client, citizens):
    q1 = citizens.questions.get(code="Q1")
    page = staff_client.post(question_url(q1), question_data(q1, leaf_code="1.1"))
    assert page.status_code == 400
    assert Question.objects.get(pk=q1.pk).leaf_code == "8.2"
    with pytest.raises(services.EditRefused, match="not a survey sub-criterion"):
        services.save_question(staff, citizens, q1, code="Q1", text="x",
                               section_id=q1.section_id, leaf_code="1.1", required=True,
                               options=[("A", "a", None)])


def test_questions_and_options_are_fixed_once_there_are_responses(staff_client, citizens):
    services.import_responses(citizens, [["unit_code", "Q1"], ["IAGRAI", "A"]])
    q1 = citizens.questions.get(code="Q1")
    # A new option
    page = staff_client.post(question_url(q1), question_data(
        q1, **{"options-5-code": "E", "options-5-label": "Khác", "options-5-weight": "0.5"}))
    assert page.status_code == 400 and "already has responses" in page.content.decode()
    assert q1.options.count() == 5
    # A new question
    new = reverse("surveys:question_new", args=["r2021", "nguoi-dan"])
    page = staff_client.post(new, question_data(q1, code="Q9"))
    assert page.status_code == 400 and "already has responses" in page.content.decode()
    # Deleting a question
    delete = reverse("surveys:question_delete", args=["r2021", "nguoi-dan", q1.pk])
    page = staff_client.post(delete, follow=True)
    assert "already has responses" in page.content.decode()
    assert citizens.questions.count() == 3
    # A unit with responses cannot be taken away
    url = reverse("surveys:group_edit", args=["r2021", "nguoi-dan"])
    page = staff_client.post(url, group_data(citizens, [("PLEIKU", 10)], []))
    assert page.status_code == 400 and "IAGRAI" in page.content.decode()
    assert citizens.targets.count() == 2
    # Texts and weights stay editable
    page = staff_client.post(question_url(q1), question_data(q1, text="Thái độ?",
                                                             weights={"A": "0.9"}))
    assert page.status_code == 302
    assert Option.objects.get(question=q1, code="A").weight == D("0.9")


def test_deleting_a_question_renumbers_the_rest(staff_client, citizens):
    q2 = citizens.questions.get(code="Q2")
    staff_client.post(reverse("surveys:question_delete", args=["r2021", "nguoi-dan", q2.pk]))
    assert list(citizens.questions.order_by("position").values_list("code", "position")) == [
        ("Q1", 0), ("Q3", 1)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_editing_pages_queries_do_not_grow(staff, staff_client, round_):
    small = ["IAGRAI", "PLEIKU"]
    make_units(small)
    create_survey(round_, definition(units=small))
    survey = Survey.objects.get()
    group = survey.groups.get(code="nguoi-dan")
    q1 = group.questions.get(code="Q1")
    urls = [reverse("surveys:edit", args=["r2021"]),
            reverse("surveys:group_edit", args=["r2021", "nguoi-dan"]), question_url(q1)]
    before = [_queries(staff_client, url) for url in urls]
    # Many more units, sections, questions and options
    many = [f"U{i:02d}" for i in range(15)]
    make_units(many)
    services.save_group(staff, survey, group, code=group.code, name=group.name, intro="",
                        access="open", accepting=True,
                        targets=[(code, 100) for code in small + many],
                        sections=[(None, f"Phần {i}") for i in range(6)])
    section = group.sections.last()
    for i in range(10):
        services.save_question(staff, group, None, code=f"N{i}", text="?", section_id=section.pk,
                               leaf_code="8.2", required=False,
                               options=[(c, c, None) for c in "ABCDEFGHJK"])
    services.save_question(staff, group, q1, code="Q1", text="?", section_id=q1.section_id,
                           leaf_code="8.2", required=True,
                           options=[(c, c, D("0.5")) for c in "ABCDEFGHJKLMN"])
    after = [_queries(staff_client, url) for url in urls]
    assert after == before


@pytest.mark.parametrize("model", ["survey", "respondentgroup", "question", "option", "response",
                                   "importjob", "importbatch", "invitation",
                                   "answercount"])
def test_admin_lists_the_survey_read_only(admin_client, citizens, model):
    services.import_responses(citizens, [["unit_code", "Q1"], ["IAGRAI", "A"]])
    page = admin_client.get(reverse(f"admin:surveys_{model}_changelist"))
    assert page.status_code == 200
    assert admin_client.get(reverse(f"admin:surveys_{model}_add")).status_code == 403


def test_admin_shows_a_group_with_its_units_and_a_question_with_its_options(admin_client,
                                                                           citizens):
    page = admin_client.get(reverse("admin:surveys_respondentgroup_change",
                                    args=[citizens.pk])).content.decode()
    assert "IAGRAI" in page or "UBND huyện IAGRAI" in page
    q1 = citizens.questions.get(code="Q1")
    page = admin_client.get(reverse("admin:surveys_question_change", args=[q1.pk])).content.decode()
    assert "Rất hài lòng" in page and ("0,6" in page or "0.6" in page)
