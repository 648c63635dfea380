"""A unit's page shows its reorganisations and change log; the loose-ends page lists what still
hangs on ended units, and moves or closes their roles through the services."""

import pytest
from django.urls import reverse

from parindex.assessments.models import Round, Sheet
from parindex.history.models import Change
from parindex.units.models import Role, Unit
from parindex.units.services import import_reorganisations
from tests import cast

from ..results import factories as f
from .test_reorganisation_import import communes, merger_rows, write  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(communes, tmp_path):  # noqa: F811
    officer = cast.person("iasao.canbo", Unit.objects.get(code="X1"), "officer")
    cast.person("iayok.canbo", Unit.objects.get(code="X2"), "officer")
    fw = f.framework("fw-xa-2025", 2025, Unit.objects.get(code="X1").group)
    rnd = Round.objects.create(code="xa-2025", name="Chỉ số 2025", year=2025,
                               kind=Round.Kind.ASSESSMENT)
    rnd.frameworks.add(fw)
    Sheet.objects.create(round=rnd, unit=Unit.objects.get(code="X1"), framework=fw)
    import_reorganisations(cast.administrator(), write(tmp_path, merger_rows()))
    return officer


def test_unit_page_shows_reorganisations_both_ways_and_history(client, merged):
    client.force_login(cast.outsider())
    html = client.get(reverse("units:unit", args=["XN"])).content.decode()
    assert 'data-line="X1-XN"' in html and 'data-line="X2-XN"' in html
    assert "Nghị quyết 1664/NQ-UBTVQH15" in html and "12000,00" in html
    html = client.get(reverse("units:unit", args=["X1"])).content.decode()
    assert 'data-line="X1-XN"' in html and "30/06/2025" in html
    assert 'id="history"' in html
    client.logout()
    assert client.get(reverse("units:unit", args=["X1"])).status_code == 302


def test_loose_ends_lists_roles_and_open_sheets_of_ended_units_only(client, merged):
    client.force_login(cast.administrator())
    html = client.get(reverse("units:loose_ends")).content.decode()
    assert "iasao.canbo" in html and "iayok.canbo" in html
    assert 'data-sheet="' in html and "xa-2025" in html
    client.force_login(cast.outsider())
    assert client.get(reverse("units:loose_ends")).status_code == 404


def test_moving_and_closing_roles(client, merged):
    admin = cast.administrator()
    client.force_login(admin)
    role = Role.objects.get(user=merged)
    response = client.post(reverse("units:role_action", args=[role.pk]),
                           {"action": "move", "unit": "XN"})
    assert response.status_code == 302
    assert Role.objects.get(user=merged).unit.code == "XN"
    assert Change.objects.filter(actor=admin, part="role:officer").exists()

    other = Role.objects.get(user__username="iayok.canbo")
    client.post(reverse("units:role_action", args=[other.pk]),
                {"action": "close", "reason": "nghỉ hưu"})
    assert not Role.objects.filter(pk=other.pk).exists()
    assert Change.objects.filter(actor=admin, action="delete", reason="nghỉ hưu").exists()


def test_a_role_moves_only_to_a_successor_and_only_by_an_administrator(client, merged):
    role = Role.objects.get(user=merged)
    client.force_login(cast.administrator())
    client.post(reverse("units:role_action", args=[role.pk]), {"action": "move", "unit": "X3"})
    assert Role.objects.get(pk=role.pk).unit.code == "X1"  # X3 is no successor: refused
    client.force_login(cast.outsider())
    response = client.post(reverse("units:role_action", args=[role.pk]),
                           {"action": "close", "reason": "x"})
    assert response.status_code == 404 and Role.objects.filter(pk=role.pk).exists()


def test_reorganisation_upload_page(client, communes, tmp_path):  # noqa: F811
    client.force_login(cast.administrator())
    url = reverse("units:reorganisations")
    bad = write(tmp_path, merger_rows(old_unit="NOPE")[:1], name="bad.csv")
    with open(bad, "rb") as stream:
        response = client.post(url, {"file": stream})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="upload-errors"' in html
    assert "NOPE" in html and Unit.objects.filter(code="XN").count() == 0
    with open(write(tmp_path, merger_rows()), "rb") as stream:
        assert client.post(url, {"file": stream}).status_code == 302
    assert 'data-reorganisation="nq-1664-2025"' in client.get(url).content.decode()
    client.force_login(cast.outsider())
    assert client.get(url).status_code == 404
