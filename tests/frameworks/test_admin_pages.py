"""The admin of units, frameworks and rounds renders, with its filters and the node tree."""

import pytest
from django.urls import reverse

from parindex.assessments.models import Round
from parindex.assessments.services import create_round
from parindex.frameworks.models import Framework
from parindex.frameworks.services import import_framework
from parindex.units.models import Unit
from parindex.units.services import import_units
from tests import cast

from .factories import district_rows, mini_framework, write_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, tmp_path):
    import_units(cast.administrator(), write_units(tmp_path / "u.csv", district_rows(2)))
    import_framework(cast.administrator(), mini_framework())
    user = cast.administrator()
    create_round(user, "r", "Kỳ 2021", 2021, "GL", ["mini-huyen-2021"])
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name,query",
    [
        ("admin:units_unit_changelist", {"group__id__exact": "1", "q": "huyện"}),
        ("admin:units_unitgroup_changelist", {}),
        ("admin:frameworks_framework_changelist", {"year": "2021"}),
        ("admin:frameworks_node_changelist", {"q": "1.1"}),
        ("admin:assessments_round_changelist", {"year": "2021"}),
        ("admin:assessments_score_changelist", {}),
    ],
)
def test_changelists(staff, name, query):
    assert staff.get(reverse(name), query).status_code == 200


def test_change_pages(staff):
    fw = Framework.objects.get()
    html = staff.get(reverse("admin:frameworks_framework_change", args=[fw.pk])).content.decode()
    assert "Lĩnh vực 1" in html and "Hồ sơ đúng hạn" in html  # the node tree, read-only
    unit = Unit.objects.get(code="H01")
    assert staff.get(reverse("admin:units_unit_change", args=[unit.pk])).status_code == 200
    round = Round.objects.get()
    assert staff.get(reverse("admin:assessments_round_change", args=[round.pk])).status_code == 200
