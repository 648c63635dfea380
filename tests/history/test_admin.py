"""Writes made in the Django admin land in the change log, and "History" shows it."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from parindex import history
from parindex.assessments.models import Round
from parindex.frameworks.services import import_framework
from parindex.history.models import Change
from parindex.units.models import Role, Unit, UnitGroup
from parindex.units.services import import_units
from tests import cast
from tests.frameworks.factories import district_rows, mini_framework, write_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(tmp_path):
    import_units(cast.administrator(), write_units(tmp_path / "u.csv", district_rows(2)))
    return Unit.objects.get(code="H01")


def change_form(unit, **changes):
    """The unit's admin form as the browser posts it, with `changes` applied."""
    data = {
        "code": unit.code, "name": unit.name, "group": unit.group_id, "kind": unit.kind,
        "parent": unit.parent_id or "", "valid_from": "", "valid_to": "",
        "roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": "", "roles-0-unit": unit.pk, "roles-0-user": "", "roles-0-kind": "",
    }
    data.update(changes)
    return data


def test_an_admin_edit_is_logged_with_before_and_after_and_shown_in_its_history(client, unit):
    admin = cast.administrator()
    client.force_login(admin)
    url = reverse("admin:units_unit_change", args=[unit.pk])
    page = client.post(url, change_form(unit, name="UBND thị xã <b>1</b>"))
    assert page.status_code == 302
    change = history.for_object(unit).first()
    assert (change.actor, change.action) == (admin, "update")
    assert change.before == {"name": "UBND huyện 1"}
    assert change.after == {"name": "UBND thị xã <b>1</b>"}

    html = client.get(reverse("admin:units_unit_history", args=[unit.pk])).content.decode()
    assert "UBND thị xã &lt;b&gt;1&lt;/b&gt;" in html and "<b>1</b>" not in html
    assert admin.username in html


def test_roles_added_inline_and_a_deletion_are_logged(client, unit):
    admin = cast.administrator()
    officer = cast.outsider()
    client.force_login(admin)
    url = reverse("admin:units_unit_change", args=[unit.pk])
    client.post(url, change_form(unit, **{"roles-0-user": officer.pk, "roles-0-kind": "officer"}))
    role = Role.objects.get()
    change = history.for_object(role).get()
    assert (change.action, change.after["kind"], change.scope_id) == ("create", "officer", unit.pk)
    assert role.pk in [c.object_id for c in history.about(unit)]  # listed under the unit

    client.post(reverse("admin:units_role_delete", args=[role.pk]), {"post": "yes"})
    assert not Role.objects.exists()
    assert history.for_object(role).first().action == "delete"


def test_staff_without_administrator_rights_changes_nothing(client, unit):
    staff = cast.staff()
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_unit"))
    client.force_login(staff)
    before = Change.objects.count()
    url = reverse("admin:units_unit_change", args=[unit.pk])
    client.post(url, change_form(unit, name="Đổi tên"))
    assert Unit.objects.get(pk=unit.pk).name == "UBND huyện 1"
    assert Change.objects.count() == before


def test_a_round_edited_in_the_admin_is_in_the_round_history(client, unit):
    framework = import_framework(cast.administrator(), mini_framework())
    round = Round.objects.create(code="r", name="Kỳ cũ", year=2021)
    round.frameworks.add(framework)
    client.force_login(cast.administrator())
    page = client.post(reverse("admin:assessments_round_change", args=[round.pk]), {
        "code": "r", "name": "Kỳ mới", "year": "2021", "organiser": "",
        "frameworks": [framework.pk], "decision_number": "", "published_on": "",
    })
    assert page.status_code == 302
    change = history.about(round).get()
    assert (change.action, change.diff) == ("update", {"name": ["Kỳ cũ", "Kỳ mới"]})


def test_a_bulk_delete_in_the_admin_logs_each_record(client, db):
    groups = [UnitGroup.objects.create(code=f"g{i}", name=f"Nhóm {i}") for i in range(2)]
    client.force_login(cast.administrator())
    client.post(reverse("admin:units_unitgroup_changelist"), {
        "action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"})
    assert not UnitGroup.objects.exists()
    assert [history.for_object(g).get().action for g in groups] == ["delete", "delete"]
    assert history.for_object(groups[0]).get().before == {"code": "g0", "name": "Nhóm 0", "position": 0}
