"""Campaigns, rules, proposals, nominations, review and the decision, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parindex.awards import selectors, services
from parindex.awards.models import (
    Award,
    Campaign,
    Decision,
    Nomination,
    ProposalRule,
)
from parindex.awards.rules import identity_key
from parindex.history.models import Change as AwardChange
from parindex.notifications.models import Notification
from parindex.units.models import Role
from tests import cast

pytestmark = pytest.mark.django_db

DECISION = {
    "number": "1234/QĐ-UBND", "date": datetime.date(2022, 5, 16), "place": "Ia Grai",
    "issuing_body": "ỦY BAN NHÂN DÂN\nHUYỆN IA GRAI", "signer_title": "CHỦ TỊCH",
    "signer_name": "Lê Ngọc Quý",
    "legal_bases": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
}


def person(user, campaign, unit, name="Nguyễn Văn An", work_unit="Phòng Nội vụ", **extra):
    return services.nominate(user, campaign, unit=unit, kind="individual", name=name,
                             position=extra.pop("position", "Chuyên viên"), work_unit=work_unit,
                             achievement="Hoàn thành xuất sắc nhiệm vụ.", **extra)


# --------------------------------------------------------------------------- campaigns


def test_create_campaign_fills_the_form_from_the_awarder_and_records_it(manager, district):
    campaign = services.create_campaign(manager, {
        "code": "c-2021", "name": "CCHC 2021", "year": 2021, "awarder_unit": district,
        "awarder_kind": "district_chairman", "awarder_title": "Chủ tịch UBND huyện Ia Grai",
        "title_text": "đã có thành tích xuất sắc",
    })
    assert campaign.award_form == "giay_khen"
    change = AwardChange.objects.get(object_type__model="campaign", object_id=campaign.pk)
    assert change.action == "create" and change.actor == manager


def test_a_district_chairman_cannot_give_a_bang_khen(manager, district):
    with pytest.raises(ValidationError) as error:
        services.create_campaign(manager, {
            "code": "c-2021", "name": "x", "year": 2021, "awarder_unit": district,
            "awarder_kind": "district_chairman", "awarder_title": "Chủ tịch",
            "award_form": "bang_khen", "title_text": "x",
        })
    assert "giấy khen" in str(error.value.message_dict["award_form"])
    assert not Campaign.objects.exists() and not AwardChange.objects.exists()


def test_only_the_awarding_units_manager_creates_a_campaign(officer, district, province_manager):
    data = {"code": "c", "name": "x", "year": 2021, "awarder_unit": district,
            "awarder_kind": "district_chairman", "awarder_title": "x", "title_text": "x"}
    for user in (officer, province_manager):
        with pytest.raises(PermissionDenied):
            services.create_campaign(user, data)
    assert not Campaign.objects.exists()


def test_update_campaign_records_old_and_new(manager, campaign):
    services.update_campaign(manager, campaign, {"deadline": datetime.date(2022, 5, 6)})
    change = AwardChange.objects.get(action="update")
    assert change.diff == {"deadline": [None, "2022-05-06"]}


def test_round_of_another_year_is_refused(province_manager, province_campaign, scored_round):
    scored_round.year = 2020
    scored_round.save()
    with pytest.raises(ValidationError, match="2020"):
        services.update_campaign(province_manager, province_campaign, {"name": "x"})
    assert Campaign.objects.get(pk=province_campaign.pk).name == "Bằng khen CCHC 2021"


# --------------------------------------------------------------------------- rules, proposals


def test_propose_from_results_with_reason(province_manager, province_campaign, group):
    services.replace_rules(province_manager, province_campaign,
                           [{"kind": "top", "unit_group": group, "top": 2}])
    created, skipped = services.propose_from_results(province_manager, province_campaign)
    assert [(n.name, n.result_rank, n.result_index) for n in created] == [
        ("UBND huyện Ia Grai", 1, Decimal("78.30")),
        ("UBND huyện Kông Chro", 2, Decimal("76.96")),
        ("UBND thành phố Pleiku", 2, Decimal("76.96")),
    ]
    first = created[0]
    assert first.source == "results" and first.recipient_unit.code == "IAGRAI"
    assert first.result_group == "UBND cấp huyện" and first.result_group_size == 5
    assert first.result_band == "Khá"
    assert len(created) == 3 and skipped == []
    # Proposing again adds nothing and says who was already there.
    again, skipped = services.propose_from_results(province_manager, province_campaign)
    assert again == [] and len(skipped) == 3
    assert Nomination.objects.count() == 3


def test_band_rule_proposes_by_band(province_manager, province_campaign):
    services.replace_rules(province_manager, province_campaign, [{"kind": "band", "band": "yeu"}])
    created, _ = services.propose_from_results(province_manager, province_campaign)
    assert [n.name for n in created] == ["UBND huyện Đức Cơ"]


def test_bad_rules_are_refused_together_and_the_old_ones_kept(province_manager,
                                                              province_campaign):
    services.replace_rules(province_manager, province_campaign, [{"kind": "top", "top": 3}])
    with pytest.raises(ValidationError) as error:
        services.replace_rules(province_manager, province_campaign, [
            {"kind": "top", "top": None}, {"kind": "min_index", "min_index": "120"},
        ])
    assert len(error.value.messages) == 2
    assert "rule 1" in error.value.messages[0] and "rule 2" in error.value.messages[1]
    assert list(ProposalRule.objects.values_list("kind", "top")) == [("top", 3)]


def test_propose_without_rules_says_so(province_manager, province_campaign):
    with pytest.raises(ValidationError, match="no proposal rules"):
        services.propose_from_results(province_manager, province_campaign)


# --------------------------------------------------------------------------- nominations


def test_unit_nominates_its_people_and_collectives(officer, campaign, district):
    n = person(officer, campaign, district)
    assert (n.kind, n.source, n.status, n.unit) == ("individual", "unit", "pending", district)
    office = services.nominate(officer, campaign, unit=district, kind="collective",
                               name="Phòng Tư pháp huyện", achievement="Kiểm soát TTHC tốt.")
    assert office.recipient_unit is None and office.position == ""
    itself = services.nominate(officer, campaign, unit=district, kind="collective",
                               name="ubnd huyện  IA GRAI", achievement="Xếp thứ nhất.")
    assert itself.recipient_unit == district  # a typed name finds the registered unit
    assert AwardChange.objects.filter(object_type__model="nomination", action="create").count() == 3


def test_same_person_twice_is_refused_with_a_clear_message_and_nothing_written(
    officer, manager, campaign, district
):
    person(officer, campaign, district)
    before = (Nomination.objects.count(), AwardChange.objects.count())
    with pytest.raises(ValidationError) as error:
        # Different case, spacing and Unicode composition: still the same person.
        person(manager, campaign, district, name="NGUYE\u0302\u0303N  văn an",
               work_unit=" phòng nội vụ ")
    assert error.value.code == "duplicate"
    assert "Nguyễn Văn An is already in this campaign" in error.value.messages[0]
    assert "UBND huyện Ia Grai" in error.value.messages[0]
    assert (Nomination.objects.count(), AwardChange.objects.count()) == before


def test_namesakes_in_other_offices_are_different_people(officer, campaign, district):
    person(officer, campaign, district, work_unit="Phòng Nội vụ")
    person(officer, campaign, district, work_unit="UBND xã Ia Dêr")
    assert Nomination.objects.count() == 2


def test_a_collective_proposed_from_results_cannot_be_nominated_again(
    province_manager, province_campaign, districts
):
    services.replace_rules(province_manager, province_campaign, [{"kind": "top", "top": 1}])
    services.propose_from_results(province_manager, province_campaign)
    ia_grai_officer = cast.person("o2", districts["IAGRAI"], Role.Kind.OFFICER)
    with pytest.raises(ValidationError, match="proposed from the results"):
        services.nominate(ia_grai_officer, province_campaign, unit=districts["IAGRAI"],
                          kind="collective", name="", recipient_unit=districts["IAGRAI"],
                          achievement="x")
    assert Nomination.objects.count() == 1


def test_the_database_refuses_a_second_live_nomination(campaign, district):
    """The unique constraint backs the service's check (e.g. two requests at once)."""
    from django.db import IntegrityError, transaction

    fields = dict(campaign=campaign, kind="individual", source="unit", unit=district,
                  name="A", identity_key="i|a|x")
    Nomination.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(**fields)
    Nomination.objects.filter(campaign=campaign).update(status="rejected")
    Nomination.objects.create(**fields)  # a rejected one does not block a new nomination


def test_rejected_person_may_be_nominated_again(officer, council, campaign, district):
    first = person(officer, campaign, district)
    services.review(council, first, accept=False, reason="Thiếu hồ sơ")
    second = person(officer, campaign, district)
    with pytest.raises(ValidationError, match="already in this campaign"):
        services.review(council, first, accept=True)
    assert second.status == "pending"


def test_bad_nomination_input_is_reported_field_by_field(officer, campaign, district):
    with pytest.raises(ValidationError) as error:
        services.nominate(officer, campaign, unit=district, kind="individual", name="  ",
                          position="", achievement="")
    assert set(error.value.message_dict) == {"name", "position", "achievement"}
    assert not Nomination.objects.exists() and not AwardChange.objects.exists()


def test_officer_nominates_only_for_own_unit_and_before_deadline(
    officer, other_officer, manager, campaign, district, districts
):
    with pytest.raises(PermissionDenied):
        person(other_officer, campaign, district)
    campaign.deadline = datetime.date(2000, 1, 1)
    campaign.save()
    with pytest.raises(PermissionDenied):
        person(officer, campaign, district)
    person(manager, campaign, district)  # late paper nominations, entered by the manager
    assert Nomination.objects.count() == 1


# --------------------------------------------------------------------------- review


def test_reject_needs_a_reason_and_records_it(officer, council, campaign, district):
    n = person(officer, campaign, district)
    with pytest.raises(ValidationError, match="reason"):
        services.review(council, n, accept=False, reason=" ")
    assert Nomination.objects.get(pk=n.pk).status == "pending"
    services.review(council, n, accept=False, reason="Chưa đủ thời gian công tác")
    n.refresh_from_db()
    assert (n.status, n.review_reason, n.reviewed_by) == ("rejected", "Chưa đủ thời gian công tác",
                                                          council)
    change = AwardChange.objects.get(action="reject")
    assert change.diff == {"status": ["pending", "rejected"]}
    assert change.reason == "Chưa đủ thời gian công tác"


def test_officers_do_not_review(officer, campaign, district):
    n = person(officer, campaign, district)
    with pytest.raises(PermissionDenied):
        services.review(officer, n, accept=True)


# --------------------------------------------------------------------------- the decision


@pytest.fixture
def reviewed(officer, council, campaign, district):
    for i in range(3):
        services.nominate(officer, campaign, unit=district, kind="collective",
                          name=f"UBND xã {i}", achievement="x")
    people = [person(officer, campaign, district, name=f"Người {i}") for i in range(4)]
    for n in Nomination.objects.all():
        services.review(council, n, accept=n != people[-1], reason="" if n != people[-1]
                        else "Trùng thành tích")
    return campaign


def test_issue_decision_writes_the_register_and_freezes_the_campaign(manager, officer, reviewed):
    services.save_decision(manager, reviewed, DECISION)
    counts = selectors.counts(reviewed)
    assert (counts.collectives, counts.individuals, counts.rejected) == (3, 3, 1)
    awards = services.issue_decision(manager, reviewed)
    assert len(awards) == 6
    # The unit that nominated is told of each review and of the decision; the manager acted.
    told = set(Notification.objects.filter(recipient=officer).values_list("kind", flat=True))
    assert {"nomination_accepted", "nomination_rejected", "decision_issued"} <= told
    assert not Notification.objects.filter(recipient=manager, kind="decision_issued").exists()
    reviewed.refresh_from_db()
    assert reviewed.state == "decided"
    award = Award.objects.get(name="Người 0")
    assert (award.decision_number, award.decision_date, award.sequence, award.year) == (
        "1234/QĐ-UBND", datetime.date(2022, 5, 16), 1, 2021)
    assert award.title_text.startswith("đã có thành tích")
    assert AwardChange.objects.filter(action="issue").exists()
    with pytest.raises(PermissionDenied):
        services.issue_decision(manager, reviewed)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.replace_rules(manager, reviewed, [])


def test_issue_refused_while_nominations_await_review(manager, officer, campaign, district):
    person(officer, campaign, district)
    services.save_decision(manager, campaign, DECISION)
    with pytest.raises(ValidationError, match="1 nomination"):
        services.issue_decision(manager, campaign)
    assert not Award.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).state == "open"


def test_issue_refused_without_a_decision(manager, reviewed):
    with pytest.raises(ValidationError, match="number, date and signer"):
        services.issue_decision(manager, reviewed)


def test_decision_edits_are_recorded(manager, campaign):
    services.save_decision(manager, campaign, DECISION)
    services.save_decision(manager, campaign, {**DECISION, "number": "1240/QĐ-UBND"})
    update = AwardChange.objects.get(object_type__model="decision", action="update")
    assert update.diff == {"number": ["1234/QĐ-UBND", "1240/QĐ-UBND"]}
    assert Decision.objects.get().number == "1240/QĐ-UBND"


def test_decision_missing_fields_are_refused(manager, campaign):
    with pytest.raises(ValidationError) as error:
        services.save_decision(manager, campaign, {**DECISION, "number": "", "signer_name": ""})
    assert {"number", "signer_name"} <= set(error.value.message_dict)
    assert not Decision.objects.exists()


def test_history_is_append_only(manager, campaign):
    services.update_campaign(manager, campaign, {"name": "Mới"})
    change = AwardChange.objects.get()
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        AwardChange.objects.all().delete()
    with pytest.raises(TypeError):
        AwardChange.objects.update(reason="x")


def test_the_register_refuses_a_second_award_for_the_same_achievement(manager, reviewed):
    from django.db import IntegrityError, transaction

    services.save_decision(manager, reviewed, DECISION)
    services.issue_decision(manager, reviewed)
    award = Award.objects.filter(kind="individual").first()
    award.pk = None
    award.nomination = None
    with pytest.raises(IntegrityError), transaction.atomic():
        award.save()


# --------------------------------------------------------------------------- edit and withdraw


def test_unit_edits_its_pending_nomination_and_the_change_is_recorded(officer, campaign, district):
    n = person(officer, campaign, district)
    services.update_nomination(n, officer, name="Nguyễn Văn  Anh", position="Phó trưởng phòng",
                               reason="Sai chính tả")
    n.refresh_from_db()
    assert (n.name, n.position, n.status) == ("Nguyễn Văn Anh", "Phó trưởng phòng", "pending")
    assert n.identity_key == identity_key("individual", "NGUYỄN VĂN ANH", "Phòng Nội vụ")
    change = AwardChange.objects.get(action="update")
    assert change.diff == {"name": ["Nguyễn Văn An", "Nguyễn Văn Anh"],
                              "position": ["Chuyên viên", "Phó trưởng phòng"]}
    assert (change.actor, change.reason, change.object_id) == (officer, "Sai chính tả", n.pk)
    assert change.at is not None


def test_an_edit_that_changes_nothing_writes_nothing(officer, campaign, district):
    n = person(officer, campaign, district)
    services.update_nomination(n, officer, name=" Nguyễn Văn An ", position="Chuyên viên")
    assert not AwardChange.objects.filter(action="update").exists()


def test_the_manager_edits_a_units_nomination(manager, officer, campaign, district):
    n = person(officer, campaign, district)
    services.update_nomination(n, manager, achievement="Hoàn thành tốt nhiệm vụ.")
    assert AwardChange.objects.get(action="update").actor == manager


def test_a_collective_renamed_is_matched_to_the_registered_unit(officer, campaign, district):
    n = services.nominate(officer, campaign, unit=district, kind="collective",
                          name="Phòng Tư pháp", achievement="x")
    services.update_nomination(n, officer, name="ubnd huyện ia grai")
    n.refresh_from_db()
    assert n.recipient_unit == district
    assert AwardChange.objects.get(action="update").diff["recipient_unit"] == [None, district.pk]


def test_an_edit_into_a_duplicate_is_refused_and_writes_nothing(officer, campaign, district):
    person(officer, campaign, district, name="Trần Thị Bình")
    n = person(officer, campaign, district)
    before = (list(Nomination.objects.values_list("name", "identity_key")),
              AwardChange.objects.count())
    with pytest.raises(ValidationError) as error:
        services.update_nomination(n, officer, name="TRẦN THỊ BÌNH")
    assert error.value.code == "duplicate"
    assert "Trần Thị Bình is already in this campaign" in error.value.messages[0]
    assert (list(Nomination.objects.values_list("name", "identity_key")),
            AwardChange.objects.count()) == before
    n.refresh_from_db()
    assert n.name == "Nguyễn Văn An"


def test_bad_edit_input_is_reported_and_writes_nothing(officer, campaign, district):
    n = person(officer, campaign, district)
    with pytest.raises(ValidationError) as error:
        services.update_nomination(n, officer, name=" ", achievement="")
    assert set(error.value.message_dict) == {"name", "achievement"}
    assert Nomination.objects.get().name == "Nguyễn Văn An"
    assert not AwardChange.objects.filter(action="update").exists()
    with pytest.raises(TypeError):
        services.update_nomination(n, officer, unit=district)


def test_another_units_officer_may_not_edit_or_withdraw(other_officer, officer, council,
                                                         campaign, district):
    n = person(officer, campaign, district)
    for user in (other_officer, council):
        with pytest.raises(PermissionDenied):
            services.update_nomination(n, user, name="X")
        with pytest.raises(PermissionDenied):
            services.withdraw_nomination(n, user, "x")
    n.refresh_from_db()
    assert (n.name, n.status) == ("Nguyễn Văn An", "pending")
    assert not AwardChange.objects.exclude(action="create").exists()


def test_no_edit_or_withdrawal_after_review(officer, council, campaign, district):
    n = person(officer, campaign, district)
    services.review(council, n, accept=True)
    with pytest.raises(ValidationError, match="no longer awaiting review"):
        services.update_nomination(n, officer, name="X")
    with pytest.raises(ValidationError, match="no longer awaiting review"):
        services.withdraw_nomination(n, officer, "Nhầm")
    assert Nomination.objects.get().status == "accepted"
    assert AwardChange.objects.filter(action__in=["update", "withdraw"]).count() == 0


def test_a_stale_copy_reviewed_meanwhile_is_not_changed(officer, council, campaign, district):
    n = person(officer, campaign, district)
    stale = Nomination.objects.get(pk=n.pk)
    services.review(council, n, accept=False, reason="Thiếu hồ sơ")
    with pytest.raises(ValidationError, match="no longer awaiting review"):
        services.withdraw_nomination(stale, officer, "Nhầm")
    with pytest.raises(ValidationError, match="no longer awaiting review"):
        services.update_nomination(stale, officer, name="X")
    assert Nomination.objects.get().status == "rejected"


def test_no_edit_or_withdrawal_after_the_deadline(officer, manager, campaign, district):
    n = person(officer, campaign, district)
    campaign.deadline = datetime.date(2000, 1, 1)
    campaign.save()
    for user in (officer, manager):
        with pytest.raises(ValidationError, match="deadline has passed"):
            services.update_nomination(n, user, name="X")
        with pytest.raises(ValidationError, match="deadline has passed"):
            services.withdraw_nomination(n, user, "Nhầm")
    assert Nomination.objects.get().status == "pending"


def test_no_edit_or_withdrawal_once_the_decision_is_issued(officer, campaign, district):
    n = person(officer, campaign, district)
    campaign.state = Campaign.State.DECIDED
    campaign.save()
    with pytest.raises(ValidationError, match="decision has been issued"):
        services.update_nomination(n, officer, name="X")
    with pytest.raises(ValidationError, match="decision has been issued"):
        services.withdraw_nomination(n, officer, "Nhầm")


def test_withdraw_needs_a_reason_and_records_it(officer, campaign, district):
    n = person(officer, campaign, district)
    with pytest.raises(ValidationError, match="reason"):
        services.withdraw_nomination(n, officer, "  ")
    assert Nomination.objects.get().status == "pending"
    services.withdraw_nomination(n, officer, "Đã được khen ở đợt khác")
    n.refresh_from_db()
    assert (n.status, n.withdrawal_reason, n.withdrawn_by) == (
        "withdrawn", "Đã được khen ở đợt khác", officer)
    change = AwardChange.objects.get(action="withdraw")
    assert change.diff == {"status": ["pending", "withdrawn"]}
    assert (change.actor, change.reason) == (officer, "Đã được khen ở đợt khác")
    assert selectors.counts(campaign).withdrawn == 1
    assert selectors.counts(campaign).pending == 0


def test_a_withdrawn_nomination_does_not_block_a_new_one(officer, council, campaign, district):
    first = person(officer, campaign, district)
    services.withdraw_nomination(first, officer, "Thiếu hồ sơ")
    second = person(officer, campaign, district)
    assert second.status == "pending"
    with pytest.raises(ValidationError, match="withdrawn"):
        services.review(council, first, accept=True)  # a withdrawn one is not reviewed
    third = person(officer, campaign, district, name="Lê Văn C")
    services.withdraw_nomination(third, officer, "x")
    services.update_nomination(second, officer, name="Lê Văn C")  # its place is free too


def test_proposals_from_results_only_the_manager_withdraws(
    province_manager, province_campaign, districts
):
    services.replace_rules(province_manager, province_campaign, [{"kind": "top", "top": 1}])
    [proposal], _ = services.propose_from_results(province_manager, province_campaign)
    unit_officer = cast.person("o2", districts["IAGRAI"], Role.Kind.OFFICER)
    for user in (unit_officer, province_manager):
        with pytest.raises(PermissionDenied):
            services.update_nomination(proposal, user, name="X")
    with pytest.raises(PermissionDenied):
        services.withdraw_nomination(proposal, unit_officer, "x")
    with pytest.raises(ValidationError, match="reason"):
        services.withdraw_nomination(proposal, province_manager, "")
    services.withdraw_nomination(proposal, province_manager, "Đang bị xem xét kỷ luật")
    assert AwardChange.objects.get(action="withdraw").reason == "Đang bị xem xét kỷ luật"
    # Proposing again does not bring a withdrawn proposal back.
    created, skipped = services.propose_from_results(province_manager, province_campaign)
    assert created == [] and skipped == ["UBND huyện Ia Grai"]
