"""The demo's present: the merged province of Gia Lai from 1/7/2025.

Built on the 2021–2023 story (which stays as it was), through the same doors as a province's
own files (examples/gialai/present/): the communes and wards of the old Ia Grai district and
Pleiku city, ranked in 2024; the reorganisations of 2025 (departments merged
on 1/3/2025, the provinces of Gia Lai and Bình Định on 1/7/2025, the old communes and wards into
new ones the same day), recorded by `import_reorganisations`; the 2025 index of the new
province in three groups, each on its own framework (departments; wards; communes), published;
and the 2026 round open now, its self-assessment due in January 2027.

Everything here but the names of units and legal acts is illustrative (the rounds say so, and
the README lists what is published). The units' values are the 2022 values of a district or
department, written as each round's scores file and imported by the round manager.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from parindex.assessments import services as rounds
from parindex.assessments.models import Round
from parindex.demo.assessment_round import grant
from parindex.frameworks.models import Framework
from parindex.frameworks.selectors import engine_framework
from parindex.frameworks.services import import_framework
from parindex.units.models import Reorganisation, Unit, UnitGroup
from parindex.units.services import import_reorganisations, import_units

PROVINCE = "GIALAI2025"  # the organiser of the 2025 and 2026 rounds
ROUND_2025 = "gialai-2025"
ROUND_2026 = "gialai-2026"
ILLUSTRATIVE = "Dữ liệu minh họa của bản demo parindex (tên đơn vị và văn bản theo thực tế)"
# The order in which the province publishes its groups (the annex, the overview).
GROUPS = [("so", "Sở, ban, ngành", 1), ("phuong", "UBND các phường", 2),
          ("xa", "UBND các xã, đặc khu", 3)]
# Where each new department's demo values come from (its 2022 predecessor); others: itself.
VALUES_OF = {"STC2025": "STC", "SNNMT": "SNNPTNT", "SXD2025": "SXD", "SKHCN2025": "SKHCN",
             "SNV2025": "SNV", "SDTTG": "BDT"}


def directory() -> Path:
    from parindex.demo.services import demo_directory

    return demo_directory() / "present"


def load_present(admin, manager, source: Path | None = None) -> list[str]:
    """Build the present once (a reload changes nothing); returns the rounds it made."""
    source = Path(source or directory())
    with transaction.atomic():
        Round.objects.filter(code="gialai-2023").update(illustrative=True, source=ILLUSTRATIVE)
        if Round.objects.filter(code=ROUND_2026).exists():
            return []
        for code, name, position in GROUPS:
            UnitGroup.objects.update_or_create(code=code, defaults={"name": name,
                                                                    "position": position})
        import_units(admin, source / "units-before-2025.csv")
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            made = [_communes_2024(admin, manager, scratch)]
            if not Reorganisation.objects.filter(code="xa-2025").exists():
                import_reorganisations(admin, source / "reorganisations-2025.csv")
            grant(manager, Unit.objects.get(code=PROVINCE), "manager")
            manager = get_user_model().objects.get(pk=manager.pk)  # roles are cached per user
            made.append(_round_2025(admin, manager, scratch))
        made.append(_round_2026(admin, manager))
    return [code for codes in made for code in ([codes] if isinstance(codes, str) else codes)]


def _copy(admin, code: str, new_code: str, group: str, year: int, name: str) -> Framework:
    """A stored copy of the 2022 framework `code` for another group and year."""
    model = Framework.objects.filter(code=new_code).first()
    if model is None:
        fw = engine_framework(Framework.objects.select_related("unit_group").get(code=code))
        model = import_framework(admin, dataclasses.replace(
            fw, code=new_code, year=year, unit_group=group, name=name))
    return model


def _values(round_code: str) -> dict[str, list[tuple[str, str, str]]]:
    """unit code → (criterion, value, stage) of a published 2022 round's scores."""
    from parindex.assessments.models import Score

    found: dict[str, list] = {}
    for unit, node, value, stage in Score.objects.filter(round__code=round_code).values_list(
            "unit__code", "node__code", "value", "stage").order_by("unit__code", "node__position"):
        found.setdefault(unit, []).append((node, value, stage))
    return found


def _scores_file(path: Path, plan: dict[str, str], values: dict) -> Path:
    """A scores CSV (formats.md) giving each unit of `plan` the values of its source unit."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["unit_code", "criterion_code", "value", "stage", "note"])
        for unit, source in plan.items():
            writer.writerows([unit, node, value, stage, ""] for node, value, stage in
                             values[source])
    return path


def _spread(codes: list[str], sources: list[str], step: int) -> dict[str, str]:
    """Each unit a different source unit, deterministically."""
    return {code: sources[(i * step) % len(sources)] for i, code in enumerate(codes)}


def _results_round(manager, code, name, year, organiser, frameworks, published_on, scores):
    from parindex.results.services import compute_round, publish

    round = Round.objects.filter(code=code).first()
    if round is None:
        round = rounds.create_round(manager, code=code, name=name, year=year,
                                    organiser_code=organiser,
                                    framework_codes=[fw.code for fw in frameworks])
    Round.objects.filter(pk=round.pk).update(illustrative=True, source=ILLUSTRATIVE)
    round.refresh_from_db()
    for path in scores:
        rounds.import_scores(manager, round, path)
    compute_round(manager, round)
    publish(manager, round, published_on=published_on)
    return round.code


def _communes_2024(admin, manager, scratch: Path) -> str | list:
    """The communes and wards of the old Ia Grai district and Pleiku city, ranked in 2024
    on one commune-level framework (the district one of 2022 adapted)."""
    if Round.objects.filter(code="gialai-xa-2024").exists():
        return []
    fw = _copy(admin, "gialai-huyen-2022", "gialai-xa-2024", "xa", 2024,
               "Bộ chỉ số CCHC của UBND cấp xã năm 2024")
    values = _values("gialai-2022")
    districts = sorted(Unit.objects.filter(code__in=values, group__code="huyen")
                       .values_list("code", flat=True))
    codes = sorted(Unit.objects.filter(parent__code__in=["IAGRAI", "PLEIKU"], group__code="xa")
                   .values_list("code", flat=True))
    path = _scores_file(scratch / "xa-2024.csv", _spread(codes, districts, 5), values)
    return _results_round(
        manager, "gialai-xa-2024",
        "Chỉ số CCHC năm 2024 của UBND cấp xã (huyện Ia Grai, thành phố Pleiku)", 2024,
        "SNV", [fw], datetime.date(2025, 2, 20), [path])


def _round_2025(admin, manager, scratch: Path) -> str:
    """The new province's 2025 index: three groups, each on its own framework, published."""
    frameworks = [
        _copy(admin, "gialai-so-2022", "gialai-so-2025", "so", 2025,
              "Bộ chỉ số CCHC của các sở, ban, ngành năm 2025"),
        _copy(admin, "gialai-huyen-2022", "gialai-phuong-2025", "phuong", 2025,
              "Bộ chỉ số CCHC của UBND các phường năm 2025"),
        _copy(admin, "gialai-huyen-2022", "gialai-xa-2025", "xa", 2025,
              "Bộ chỉ số CCHC của UBND các xã, đặc khu năm 2025"),
    ]
    values = _values("gialai-2022")
    units = list(Unit.objects.filter(group__code__in=["so", "phuong", "xa"],
                                      valid_from__gte=datetime.date(2025, 3, 1))
                 .values_list("code", "group__code"))
    departments = sorted(u for u, g in units if g == "so")
    departments += sorted(Unit.objects.filter(group__code="so", valid_to__isnull=True,
                                              valid_from__isnull=True)
                          .values_list("code", flat=True))
    districts = sorted(Unit.objects.filter(code__in=values, group__code="huyen")
                       .values_list("code", flat=True))
    plan = {code: VALUES_OF.get(code, code) for code in departments}
    plan.update(_spread(sorted(u for u, g in units if g == "phuong"), districts, 3))
    plan.update(_spread(sorted(u for u, g in units if g == "xa"), districts[::-1], 7))
    path = _scores_file(scratch / "gialai-2025.csv", plan, values)
    return _results_round(manager, ROUND_2025, "Chỉ số CCHC năm 2025 của tỉnh Gia Lai", 2025,
                          PROVINCE, frameworks, datetime.date(2026, 1, 20), [path])


def _round_2026(admin, manager) -> str:
    """The 2026 round, open now: every unit's sheet is waiting; self-assessment due in
    January 2027."""
    frameworks = [
        _copy(admin, f"gialai-{group}-2025", f"gialai-{group}-2026", group, 2026,
              Framework.objects.get(code=f"gialai-{group}-2025").name.replace("2025", "2026"))
        for group, _name, _position in GROUPS
    ]
    round = rounds.open_round(
        manager, code=ROUND_2026, name="Chỉ số CCHC năm 2026 của tỉnh Gia Lai", year=2026,
        organiser=Unit.objects.get(code=PROVINCE), frameworks=frameworks,
        deadlines=rounds.Deadlines(
            self_assessment=datetime.date(2027, 1, 15), appraisal=datetime.date(2027, 2, 15),
            explanation=datetime.date(2027, 2, 28), final=datetime.date(2027, 3, 15),
            approval=datetime.date(2027, 3, 31)),
    )
    Round.objects.filter(pk=round.pk).update(illustrative=True, source=ILLUSTRATIVE)
    appraiser = get_user_model().objects.filter(username="snv.thamdinh").first()
    if appraiser is not None:
        grant(appraiser, round.organiser, "appraiser")
    return round.code
