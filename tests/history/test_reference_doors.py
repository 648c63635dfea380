"""Units and frameworks: one door each, actor first, refused without policy, logged."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex import history
from parindex.engine.io import dump_framework_yaml
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.services import delete_framework, import_framework
from parindex.history.models import Change
from parindex.units.models import Unit, UnitGroup
from parindex.units.services import import_units
from tests import cast
from tests.frameworks.factories import district_rows, mini_framework, write_units

pytestmark = pytest.mark.django_db
PARINDEX = Path(sys.executable).with_name("parindex")


@pytest.fixture
def clerk(db):
    """Signed in and staff, but no administrator: may not touch reference data."""
    return cast.staff("clerk")


def test_a_units_import_logs_each_unit_and_the_file(tmp_path):
    admin = cast.administrator()
    import_units(admin, write_units(tmp_path / "a.csv", district_rows(2)))
    h01 = Unit.objects.get(code="H01")
    created = history.for_object(h01).get()
    assert (created.actor, created.action) == (admin, "create")
    assert created.after["name"] == h01.name and created.after["parent"] == "GL"
    assert history.for_object(UnitGroup.objects.get(code="huyen")).get().action == "create"

    rows = district_rows(2)
    rows[1]["name"] = "UBND thị xã 1"
    import_units(admin, write_units(tmp_path / "b.csv", rows))
    changed = history.for_object(h01).first()
    assert (changed.action, changed.before, changed.after) == (
        "update", {"name": "UBND huyện 1"}, {"name": "UBND thị xã 1"})
    files = Change.objects.filter(action="import").order_by("pk")
    assert [c.after for c in files][-1] == {
        "file": "b.csv", "created": 0, "changed": 1, "unit groups created": 0}
    assert files[0].object_type == ContentType.objects.get(model="contenttype")


def test_the_same_units_file_twice_adds_no_row(tmp_path):
    path = write_units(tmp_path / "a.csv", district_rows(2))
    import_units(cast.administrator(), path)
    count = Change.objects.count()
    import_units(cast.administrator(), path)
    assert Change.objects.count() == count


def test_a_refused_units_import_writes_nothing(tmp_path, clerk):
    with pytest.raises(PermissionDenied):
        import_units(clerk, write_units(tmp_path / "a.csv", district_rows(2)))
    assert not Unit.objects.exists() and not Change.objects.exists()


@pytest.mark.parametrize("extra,message", [
    ([], "--as USERNAME"),
    (["--as", "nobody"], "unknown or inactive user 'nobody'"),
    (["--as", "clerk"], "refused"),
])
def test_import_units_command_needs_an_allowed_actor(tmp_path, clerk, extra, message):
    path = write_units(tmp_path / "a.csv", district_rows(2))
    with pytest.raises(CommandError, match=message) as info:
        call_command("import_units", str(path), *extra)
    assert info.value.returncode == 2
    assert not Unit.objects.exists() and not Change.objects.exists()


def test_import_units_command_names_its_actor(tmp_path):
    admin = cast.administrator()
    call_command("import_units", str(write_units(tmp_path / "a.csv", district_rows(2))),
                 "--as", admin.username)
    assert set(Change.objects.values_list("actor__username", flat=True)) == {admin.username}


@pytest.fixture
def huyen(db):
    return UnitGroup.objects.create(code="huyen", name="Huyện")


def test_a_framework_import_replace_and_delete_are_logged(huyen):
    admin = cast.administrator()
    model = import_framework(admin, mini_framework())
    first = history.for_object(model).get()
    assert (first.actor, first.action, first.before) == (admin, "import", {})
    assert first.after["nodes"] == model.nodes.count() and first.after["unit_group"] == "huyen"

    replaced = import_framework(admin, mini_framework(fields=1), replace=True)
    second = history.for_object(replaced).first()
    assert second.before["nodes"] == first.after["nodes"]
    assert second.after["nodes"] == replaced.nodes.count() < first.after["nodes"]

    delete_framework(admin, replaced)
    assert not Framework.objects.exists()
    gone = history.for_object(replaced).first()
    assert (gone.action, gone.before["code"]) == ("delete", "mini-huyen-2021")


def test_a_refused_framework_import_or_delete_writes_nothing(huyen, clerk):
    with pytest.raises(PermissionDenied):
        import_framework(clerk, mini_framework())
    assert not Framework.objects.exists() and not Change.objects.exists()
    model = import_framework(cast.administrator(), mini_framework())
    with pytest.raises(PermissionDenied):
        delete_framework(clerk, model)
    with pytest.raises(PermissionDenied):
        import_framework(None, mini_framework(), replace=True)
    assert Node.objects.filter(framework=model).count() == model.nodes.count() > 0
    assert Change.objects.count() == 1


@pytest.mark.parametrize("extra,message", [
    ([], "--as USERNAME"),
    (["--as", "nobody"], "unknown or inactive user"),
    (["--as", "clerk"], "refused"),
])
def test_import_framework_command_needs_an_allowed_actor(huyen, clerk, tmp_path, extra, message):
    source = tmp_path / "fw.yaml"
    source.write_text(dump_framework_yaml(mini_framework()), encoding="utf-8")
    with pytest.raises(CommandError, match=message) as info:
        call_command("import_framework", str(source), *extra)
    assert info.value.returncode == 2
    assert not Framework.objects.exists() and not Change.objects.exists()


@pytest.mark.parametrize("command", ["import-units", "import-framework"])
def test_the_parindex_command_without_as_exits_2_without_a_traceback(command, tmp_path):
    result = subprocess.run([str(PARINDEX), command, str(tmp_path / "any.csv")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "--as USERNAME" in result.stderr and "Traceback" not in result.stderr
