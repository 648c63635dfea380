"""`parindex compute` on small files: every output format, and bad files refused with places."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

DATA = Path(__file__).parent / "data"
PARINDEX = Path(sys.executable).with_name("parindex")


def run(*args, cwd=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parindex.settings.test"}
    return subprocess.run([str(PARINDEX), "compute", "--framework", str(DATA / "framework.yaml"),
                           *args], capture_output=True, text=True, env=env, cwd=cwd)


def scores_file(tmp_path, *lines):
    path = tmp_path / "scores.csv"
    path.write_text("unit_code,criterion_code,value\n" + "\n".join(lines) + "\n", "utf-8")
    return path


def test_table():
    done = run("--scores", str(DATA / "scores.csv"), "--units", str(DATA / "units.csv"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2].split() == ["Hạng", "Mã", "Đơn", "vị", "Điểm", "đạt", "Tối", "đa", "Chỉ",
                                "số", "Xếp", "loại"]
    assert "UBND huyện Ia Grai" in done.stdout and "83.33" in done.stdout
    assert "PLEIKU" not in done.stdout  # another unit group


def test_json_matches_formats_md():
    done = run("--scores", str(DATA / "scores.csv"), "--units", str(DATA / "units.csv"),
               "--format", "json")
    data = json.loads(done.stdout)
    assert data["framework"] == "gialai-huyen-2021"
    first = data["results"][0]
    assert first == {
        "rank": 1, "unit_code": "IAGRAI", "unit_name": "UBND huyện Ia Grai",
        "achieved": "12.50", "max": "15.00", "index": "83.33", "band": "tot",
        "fields": {"1": {"achieved": "2.00", "max": "3.00", "index": "66.67"},
                   "3": {"achieved": "1.00", "max": "2.00", "index": "50.00"},
                   "9": {"achieved": "8.50", "max": "10.00", "index": "85.00"}},
        "missing": []}
    chupah = data["results"][1]
    assert chupah["max"] == "5.00" and "9" not in chupah["fields"]  # survey NA
    assert chupah["missing"] == ["T.1"]


def test_self_stage():
    done = run("--scores", str(DATA / "scores.csv"), "--stage", "self", "--format", "json")
    assert [r["unit_code"] for r in json.loads(done.stdout)["results"]] == ["IAGRAI"]


def test_csv_and_xlsx_files(tmp_path):
    out_csv = tmp_path / "results.csv"
    done = run("--scores", str(DATA / "scores.csv"), "--units", str(DATA / "units.csv"),
               "--out", str(out_csv))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text("utf-8"))))
    assert list(rows[0])[:7] == ["rank", "unit_code", "unit_name", "achieved", "max", "index",
                                 "band"]
    assert rows[0]["1 index"] == "66.67" and rows[2]["missing"] == "1.2;3.1;9.1;T.1"

    out_xlsx = tmp_path / "results.xlsx"
    done = run("--scores", str(DATA / "scores.csv"), "--format", "xlsx", "--out", str(out_xlsx))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out_xlsx).active
    assert sheet["F1"].value == "index"
    assert isinstance(sheet["F2"].value, int | float) and sheet["F2"].number_format == "0.00"


def test_xlsx_to_stdout_is_refused():
    done = run("--scores", str(DATA / "scores.csv"), "--format", "xlsx")
    assert done.returncode == 2 and "--out" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("line,column,message", [
    ("IAGRAI,1.2,2.5", "value", "'2.5' is not a level of '1.2'"),
    ("IAGRAI,9.1,12", "value", "12 is above the max 10 of '9.1'"),
    ("IAGRAI,4.4,1", "criterion_code", "'4.4' is not a criterion"),
    ("IAGRAI,1.2,Tốt lắm", "value", "valid: '100%', '80-<100%', '<80%'"),
    ("IAGRAI,3.1,45:50", "value", "not a ratio"),
    ("IAGRAI,3.1,45/0", "value", "denominator 0"),
    ("NOWHERE,1.1,yes", "unit_code", "unit 'NOWHERE' is not in the units"),
    ("KRONGPA2025,1.1,yes", "unit_code", "'KRONGPA2025' exists only from 2025-07-01, after 2021"),
    ("AYUNPA2019,1.1,yes", "unit_code", "'AYUNPA2019' ended on 2020-12-31, before 2021"),
])
def test_bad_scores_name_file_row_and_column(tmp_path, line, column, message):
    scores = scores_file(tmp_path, "IAGRAI,1.1,yes", line)
    out = tmp_path / "out.json"
    done = run("--scores", str(scores), "--units", str(DATA / "units.csv"), "--out", str(out))
    assert done.returncode == 2
    assert f"scores.csv:row 3, column {column}: " in done.stderr
    assert message in done.stderr
    assert not out.exists()


def test_only_units_valid_in_the_framework_year_are_ranked():
    done = run("--scores", str(DATA / "scores.csv"), "--units", str(DATA / "units.csv"),
               "--format", "json")
    assert done.returncode == 0, done.stderr
    codes = [r["unit_code"] for r in json.loads(done.stdout)["results"]]
    assert codes == ["IAGRAI", "CHUPAH", "DAKDOA"]  # not the 2025 or the ended unit, no 0.00


def test_problems_of_both_files_are_reported_together_in_row_order(tmp_path):
    scores = scores_file(tmp_path, "KRONGPA2025,1.1,yes", "IAGRAI,1.2,2.5", "NOWHERE,1.1,yes")
    done = run("--scores", str(scores), "--units", str(DATA / "units.csv"))
    assert done.returncode == 2
    assert [line.split(":")[1] for line in done.stderr.splitlines()[:3]] == [
        "row 2, column unit_code", "row 3, column value", "row 4, column unit_code"]


def test_rows_of_units_of_other_groups_are_skipped_before_any_check(tmp_path):
    # A province's file: PLEIKU is scored on the city framework, with its own criteria.
    scores = scores_file(tmp_path, "PLEIKU,7.7,whatever", "IAGRAI,1.1,yes", "PLEIKU,1.1,99")
    done = run("--scores", str(scores), "--units", str(DATA / "units.csv"), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "skipped 2 scores row(s) of units of other unit groups" in done.stderr
    assert "PLEIKU (2)" in done.stderr
    codes = [r["unit_code"] for r in json.loads(done.stdout)["results"]]
    assert codes == ["IAGRAI", "CHUPAH", "DAKDOA"]


def test_without_units_every_unit_in_the_scores_is_ranked(tmp_path):
    scores = scores_file(tmp_path, "KRONGPA2025,1.1,yes", "PLEIKU,1.1,no")
    done = run("--scores", str(scores), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [r["unit_code"] for r in json.loads(done.stdout)["results"]] == ["KRONGPA2025",
                                                                             "PLEIKU"]


def test_gialai_2021_departments_leave_out_the_2025_merger():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parindex.settings.test"}
    gialai = Path(__file__).parents[2] / "examples" / "gialai"
    done = subprocess.run([str(PARINDEX), "compute", "--framework",
                           str(gialai / "framework-so-2021.yaml"), "--scores",
                           str(gialai / "scores-so-2021.csv"), "--units",
                           str(gialai / "units.csv"), "--format", "json"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    codes = {r["unit_code"] for r in json.loads(done.stdout)["results"]}
    assert "STC2025" not in codes and {"STC", "SKHDT"} <= codes and len(codes) == 20


def test_bad_framework_names_line_and_column(tmp_path):
    bad = tmp_path / "framework.yaml"
    bad.write_text((DATA / "framework.yaml").read_text("utf-8").replace(
        "title: Công tác chỉ đạo, điều hành CCHC",
        "title: Công tác chỉ đạo, điều hành CCHC\n    max: 4"), "utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parindex.settings.test"}
    done = subprocess.run([str(PARINDEX), "compute", "--framework", str(bad), "--scores",
                           str(DATA / "scores.csv")], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "framework.yaml:14:10: node '1': max 4 differs from the sum of its children 3" \
        in done.stderr


def test_excel_encodings_give_the_same_results_or_a_clear_refusal(tmp_path):
    text = (DATA / "scores.csv").read_text("utf-8")
    expected = run("--scores", str(DATA / "scores.csv"), "--format", "json").stdout
    for encoding, delimiter in (("utf-8-sig", ","), ("utf-16", "\t")):
        path = tmp_path / f"scores-{encoding}.csv"
        path.write_bytes(text.replace(",", delimiter).encode(encoding))
        done = run("--scores", str(path), "--format", "json")
        assert (done.returncode, done.stdout) == (0, expected), done.stderr
    path = tmp_path / "cp1258.csv"
    path.write_bytes(text.encode("cp1258", "replace"))
    done = run("--scores", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cp1258.csv: the file is not UTF-8 text: in Excel, save it as “CSV UTF-8" in done.stderr


def test_row_limit_applies_to_compute(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parindex.settings.test",
           "PARINDEX_IMPORT_MAX_ROWS": "3"}
    done = subprocess.run([str(PARINDEX), "compute", "--framework", str(DATA / "framework.yaml"),
                           "--scores", str(DATA / "scores.csv")], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 2 and "scores.csv: the file has more than 3 rows" in done.stderr


def test_a_source_on_a_leaf_changes_nothing_in_compute(tmp_path):
    """`source` tells parindex where to prefill a value from; computing files ignores it."""
    text = (DATA / "framework.yaml").read_text("utf-8").replace(
        "        rule: {kind: yes_no}\n",
        "        rule: {kind: yes_no}\n        source: {kind: plan_issued_by, by: 2021-01-31}\n", 1)
    assert "plan_issued_by" in text
    framework = tmp_path / "framework.yaml"
    framework.write_text(text, "utf-8")
    args = ["--scores", str(DATA / "scores.csv"), "--units", str(DATA / "units.csv"),
            "--format", "json"]
    plain = run(*args)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parindex.settings.test"}
    sourced = subprocess.run([str(PARINDEX), "compute", "--framework", str(framework), *args],
                             capture_output=True, text=True, env=env)
    assert sourced.returncode == 0, sourced.stderr
    assert json.loads(sourced.stdout)["results"] == json.loads(plain.stdout)["results"]
