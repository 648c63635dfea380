"""The Vietnamese catalogue is complete: every UI string is translated and compiled."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "parindex"
PO = PACKAGE / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PARINDEX = Path(sys.executable).with_name("parindex")

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext tools missing (apt-get install gettext)"
)


def msgids(po_text: str) -> set[str]:
    # Joined multi-line msgids; the header entry (empty msgid) excluded.
    entries = set()
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text, collecting = [], False
        for line in lines:
            if line.startswith("msgid "):
                collecting = True
                text.append(line[len("msgid ") :])
            elif line.startswith("msgid_plural") or line.startswith("msgstr"):
                collecting = False
            elif collecting and line.startswith('"'):
                text.append(line)
        joined = "".join(m for line in text for m in re.findall(r'^"(.*)"$', line.strip()))
        if joined:
            entries.add(joined)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_catalogue_holds_every_string_of_the_code(tmp_path):
    copy = tmp_path / "parindex"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    subprocess.run(
        [str(PARINDEX), "makemessages", "-l", "vi", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = msgids((copy / "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    committed = msgids(PO.read_text(encoding="utf-8"))
    missing = sorted(fresh - committed)
    assert not missing, f"run makemessages -l vi and translate: {missing[:20]}"


def test_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(PO)], check=True)
    assert MO.read_bytes() == compiled.read_bytes(), "run `make messages`"
