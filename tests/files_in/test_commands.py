"""Files coming in through the commands: limits, Excel's encodings, YAML aliases. Each bad file
ends with exit status 2 and a message naming the file, never a traceback, and writes nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.assessments.models import Score
from parindex.frameworks.models import Framework
from parindex.units.models import Unit
from tests import cast
from tests.assessments.test_rounds_and_scores import round  # noqa: F401 (a fixture)
from tests.frameworks.factories import district_rows, score_rows, write_scores, write_units

from .hostile import BILLION_LAUGHS, zip_bomb

pytestmark = pytest.mark.django_db

UNITS_HEADER = "code,name,unit_group\n"
CP1258_UNITS = (UNITS_HEADER + "H01,UBND huyện Đak Đoa,huyen\n").encode("cp1258", "replace")


@pytest.fixture(autouse=True)
def root(db):
    """The administrator the commands act as (`--as root`)."""
    return cast.administrator()


def refused(capsys, *args) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, "--as", cast.ADMIN)
    assert caught.value.returncode == 2
    return str(caught.value) + capsys.readouterr().err


def test_import_units_refuses_more_rows_than_the_limit(settings, tmp_path, capsys):
    settings.PARINDEX_IMPORT_MAX_ROWS = 3
    path = write_units(tmp_path / "many.csv", district_rows(3))  # the province and 3 districts
    message = refused(capsys, "import_units", str(path))
    assert "many.csv: the file has more than 3 rows (the limit)" in message
    assert not Unit.objects.exists()
    write_units(tmp_path / "many.csv", district_rows(2))  # at the limit: fine
    call_command("import_units", str(path), "--as", cast.ADMIN)
    assert Unit.objects.count() == 3


def test_import_units_refuses_a_zip_bomb_before_unpacking_it(settings, tmp_path, capsys):
    settings.PARINDEX_IMPORT_MAX_UNCOMPRESSED_MB = 2
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(["code", "name", "unit_group"], megabytes=3))
    message = refused(capsys, "import_units", str(path))
    assert "bomb.xlsx: the file holds more than 2 MB of data once unpacked (the limit)" in message
    assert "AAAA" not in message and not Unit.objects.exists()


def test_import_units_refuses_a_cell_past_the_limit(settings, tmp_path, capsys):
    settings.PARINDEX_IMPORT_MAX_CELL_CHARS = 20
    path = tmp_path / "long.csv"
    path.write_text(UNITS_HEADER + "H01,UBND huyện Ia Grai rất rất dài,huyen\n", "utf-8")
    message = refused(capsys, "import_units", str(path))
    assert "long.csv:row 2: a cell holds more than 20 characters (the limit)" in message
    assert not Unit.objects.exists()


def test_import_units_refuses_cp1258_with_the_excel_hint(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(CP1258_UNITS)
    message = refused(capsys, "import_units", str(path))
    assert "units.csv: the file is not UTF-8 text: in Excel, save it as “CSV UTF-8 (Comma " \
           "delimited)”" in message
    assert "Traceback" not in message and not Unit.objects.exists()


@pytest.mark.parametrize("encoding,delimiter", [("utf-8-sig", ","), ("utf-16", "\t"),
                                                ("utf-16-be", "\t")])
def test_import_units_reads_what_excel_writes(tmp_path, encoding, delimiter):
    text = (UNITS_HEADER + "H01,UBND huyện Ia Grai,huyen\n").replace(",", delimiter)
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Excel's BOM
    path = tmp_path / "units.csv"
    path.write_bytes(data)
    call_command("import_units", str(path), "--as", cast.ADMIN)
    assert Unit.objects.get().name == "UBND huyện Ia Grai"


def test_import_units_missing_file_exits_2(tmp_path, capsys):
    message = refused(capsys, "import_units", str(tmp_path / "nowhere.xlsx"))
    assert "cannot read" in message and "nowhere.xlsx" in message


def test_import_scores_refuses_cp1258_and_too_many_rows(round, settings, tmp_path,  # noqa: F811
                                                        capsys):
    path = tmp_path / "scores.csv"
    path.write_bytes("unit_code,criterion_code,value\nH01,1.1,Đạt\n".encode("cp1258", "replace"))
    assert "CSV UTF-8 (Comma delimited)" in refused(capsys, "import_scores", "r2021", str(path))
    settings.PARINDEX_IMPORT_MAX_ROWS = 5
    write_scores(path, score_rows(["H01"]))
    assert "more than 5 rows" in refused(capsys, "import_scores", "r2021", str(path))
    assert not Score.objects.exists()


def test_import_framework_refuses_yaml_aliases_with_line_and_column(tmp_path, capsys):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, "utf-8")
    message = refused(capsys, "import_framework", str(path))
    assert "laughs.yaml:1:4: YAML anchors and aliases (& and *) are not allowed" in message
    assert not Framework.objects.exists()


def test_import_framework_refuses_cp1258_yaml(tmp_path, capsys):
    path = tmp_path / "fw.yaml"
    path.write_bytes("code: fw\nname: Bộ chỉ số Đak Đoa\n".encode("cp1258", "replace"))
    message = refused(capsys, "import_framework", str(path))
    assert "fw.yaml: the file is not UTF-8 text" in message


def test_import_framework_refuses_a_zip_bomb(settings, tmp_path, capsys):
    settings.PARINDEX_IMPORT_MAX_UNCOMPRESSED_MB = 2
    path = tmp_path / "fw.xlsx"
    path.write_bytes(zip_bomb(["key", "value"], megabytes=3))
    assert "more than 2 MB of data once unpacked" in refused(capsys, "import_framework", str(path))
