"""The demo's commendation on the real Gia Lai demo data."""

import pytest

from parindex.awards.models import Award, Campaign, Nomination
from parindex.demo.awards import load_demo_campaign
from parindex.demo.services import load_demo
from tests import cast

pytestmark = pytest.mark.django_db


def test_demo_campaigns_on_the_gialai_demo():
    load_demo()
    campaign = load_demo_campaign(cast.administrator())
    assert campaign.round.code == "gialai-2021"
    assert campaign.awarder_unit.name == "UBND huyện Ia Grai"
    assert Award.objects.filter(campaign=campaign, kind="collective").count() == 8
    assert Award.objects.filter(campaign=campaign, kind="individual").count() == 23

    province = Campaign.objects.get(code="gialai-cchc-2022")
    assert province.is_open and province.award_form == "bang_khen"
    proposals = Nomination.objects.filter(campaign=province).order_by("result_group", "pk")
    assert proposals.count() >= 6
    assert all(n.source == "results" and n.status == "pending" for n in proposals)
    assert all(1 <= n.result_rank <= 3 for n in proposals)
    ia_grai = proposals.get(recipient_unit__code="IAGRAI")
    assert ia_grai.result_rank == 1 and ia_grai.result_band == "Tốt"

    load_demo_campaign(cast.administrator())  # twice: nothing added
    assert Nomination.objects.filter(campaign=province).count() == proposals.count()
    assert Award.objects.count() == 31
