"""Frameworks through files and commands: what goes in comes out unchanged."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.engine.io import dump_framework_yaml, load_framework, write_framework_xlsx
from parindex.frameworks.models import Framework, Node
from parindex.units.models import UnitGroup
from tests import cast

from .factories import mini_framework, mini_framework_dict

pytestmark = pytest.mark.django_db

GIALAI = Path(__file__).resolve().parents[2] / "examples" / "gialai"


@pytest.fixture
def groups(db):
    UnitGroup.objects.create(code="huyen", name="UBND cấp huyện")
    UnitGroup.objects.create(code="so", name="Sở, ban, ngành")
    cast.administrator()


def export_yaml(code, capsys) -> str:
    capsys.readouterr()
    call_command("export_framework", code)
    return capsys.readouterr().out


def sources():
    yield "mini", mini_framework()
    for path in sorted(GIALAI.glob("framework-*.yaml")):
        yield path.name, load_framework(path)


@pytest.mark.parametrize("name,fw", list(sources()), ids=lambda v: v if isinstance(v, str) else "")
def test_yaml_and_xlsx_round_trips_are_identical(name, fw, groups, tmp_path, capsys):
    source = tmp_path / "in.yaml"
    source.write_text(dump_framework_yaml(fw), encoding="utf-8")
    call_command("import_framework", "--as", cast.ADMIN, str(source))
    exported = export_yaml(fw.code, capsys)
    assert exported == source.read_text(encoding="utf-8")

    # The exported text, imported again, exports to the same text.
    (tmp_path / "again.yaml").write_text(exported, encoding="utf-8")
    call_command("import_framework", "--as", cast.ADMIN, str(tmp_path / "again.yaml"), "--replace")
    assert export_yaml(fw.code, capsys) == exported

    # XLSX out of the database, into the database, out as YAML: still the same.
    xlsx = tmp_path / "out.xlsx"
    call_command("export_framework", fw.code, "--format", "xlsx", "--out", str(xlsx))
    assert load_framework(xlsx) == fw
    call_command("import_framework", "--as", cast.ADMIN, str(xlsx), "--replace")
    assert export_yaml(fw.code, capsys) == exported


def test_export_yaml_to_a_file(groups, tmp_path):
    source = _write_yaml(tmp_path, mini_framework_dict())
    call_command("import_framework", "--as", cast.ADMIN, str(source))
    out = tmp_path / "out.yaml"
    call_command("export_framework", "mini-huyen-2021", "--out", str(out))
    assert load_framework(out) == mini_framework()


def _write_yaml(tmp_path, data, name="fw.yaml"):
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def snapshot():
    return (
        list(Framework.objects.values_list("code", "name", "year", "bands")),
        list(Node.objects.values_list("framework__code", "code", "max_points", "rule", "parent")),
    )


def test_errors_leave_the_database_unchanged(groups, tmp_path, capsys):
    source = _write_yaml(tmp_path, mini_framework_dict())
    call_command("import_framework", "--as", cast.ADMIN, str(source))
    before = snapshot()

    broken = mini_framework_dict(code="broken")
    broken["nodes"][0]["children"][0]["rule"] = {"kind": "yes_no", "typo": 1}
    broken["nodes"][0]["max"] = 99
    with pytest.raises(CommandError) as info:
        call_command("import_framework", "--as", cast.ADMIN, str(_write_yaml(tmp_path, broken)))
    assert info.value.returncode == 2
    err = capsys.readouterr().err
    assert "unknown key 'typo'" in err and "differs from the sum" in err

    for data, message in [
        (mini_framework_dict(), "exists"),  # same code, no --replace
        (mini_framework_dict(code="other", group="xa"), "unit group 'xa' does not exist"),
    ]:
        with pytest.raises(CommandError):
            call_command("import_framework", "--as", cast.ADMIN, str(_write_yaml(tmp_path, data)))
        assert message in capsys.readouterr().err

    bad_xlsx = tmp_path / "bad.xlsx"
    write_framework_xlsx(mini_framework(code="from-xlsx"), bad_xlsx)
    import openpyxl

    book = openpyxl.load_workbook(bad_xlsx)
    book["nodes"]["F3"] = "nonsense"  # rule_kind of leaf 1.1
    book.save(bad_xlsx)
    with pytest.raises(CommandError):
        call_command("import_framework", "--as", cast.ADMIN, str(bad_xlsx))
    assert "rule kind 'nonsense'" in capsys.readouterr().err
    assert snapshot() == before


def test_export_unknown_code_and_xlsx_without_out(groups, tmp_path):
    with pytest.raises(CommandError, match="unknown framework"):
        call_command("export_framework", "nope")
    source = _write_yaml(tmp_path, mini_framework_dict())
    call_command("import_framework", "--as", cast.ADMIN, str(source))
    with pytest.raises(CommandError, match="--out"):
        call_command("export_framework", "mini-huyen-2021", "--format", "xlsx")
