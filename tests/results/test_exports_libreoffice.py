"""The Excel annex opens in LibreOffice (headless) with the numbers shown to two decimals."""

import csv
import shutil
import subprocess

import pytest
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice not installed (apt-get install libreoffice-calc-nogui)",
    ),
]

# CSV export options: comma, quote, UTF-8, …, save cell contents as shown, every sheet (-1).
CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def test_libreoffice_opens_the_annex(client, demo, tmp_path):
    response = client.get(reverse("results_xlsx", args=["gialai-2021"]))
    (tmp_path / "annex.xlsx").write_bytes(b"".join(response.streaming_content))
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            CSV,
            "--outdir",
            str(tmp_path),
            str(tmp_path / "annex.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with open(tmp_path / "annex-UBND cấp huyện.csv", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    ia_grai = next(row for row in rows if len(row) > 2 and row[1] == "UBND huyện Ia Grai")
    assert ia_grai[-3:] == ["78.30", "1", "Khá"]
    assert "10.26" in ia_grai and "2.38" in ia_grai
    with open(tmp_path / "annex-Chi tiết.csv", encoding="utf-8") as file:
        details = [row for row in csv.reader(file) if row[2:3] == ["UBND huyện Ia Grai"]]
    assert details and all(len(row[5].split(".")[-1]) == 2 for row in details)  # 0.00
