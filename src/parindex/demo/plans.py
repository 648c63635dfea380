"""The demo's reform work of a year, and the round's sheets prefilled from it.

Which round: the demo's 2026 assessment round when it has one, else its latest open assessment
round (the 2023 round in progress); the plans, reports and figures are of that round's year, so
that they fill it. The province's plan (Sở Nội vụ) gives three tasks to each of six units of
the round, the units' own plans are issued on various days (two after the end of January),
three quarterly reports are asked of them (some sent late), eleven months of service figures
are imported, and the round's frameworks declare which leaves are computed (matched by title:
the plan's completion, the share of applications on time, online and digitised).

Every step goes through the services as the person who would take it: the round manager
`snv.quanly` issues the plan, asks for the reports and imports the figures; each unit's officer
or head (`policy.unit_reform_people`) issues its plan, reports progress and sends its reports;
the administrator declares the sources. Only the reports' send times are replayed: the service
stamps the present moment, the demo sets the day each would have been sent (then refreshes).
Built once: a reload leaves it as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from parindex import policy
from parindex.assessments.models import Round, Sheet
from parindex.demo.assessment_round import MINI_PDF
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.services import import_framework, set_sources
from parindex.plans import services
from parindex.plans.models import Plan, Report
from parindex.units.models import Unit

ORGANISER = "GIALAI"  # when the demo has no open round
PREFERRED_YEAR = 2026
UNITS = 6
# Title fragment of a leaf → its source (for the rule kinds that can take it); a leaf about
# the communes under a unit is left alone: the unit's own figures do not measure it.
SOURCES = {
    "Mức độ hoàn thành kế hoạch CCHC": {"kind": "plan_tasks_on_time"},
    "Tỷ lệ nhiệm vụ UBND tỉnh giao về CCHC": {"kind": "plan_tasks_on_time"},
    "được giải quyết đúng hạn": {"kind": "service_ratio", "numerator": "on_time",
                                 "denominator": "received"},
    "được tiếp nhận trực tuyến": {"kind": "service_ratio", "numerator": "online",
                                  "denominator": "received"},
    "được số hóa": {"kind": "service_ratio", "numerator": "digitised",
                    "denominator": "received"},
}
FITS = {"plan_tasks_on_time": ("ratio",), "service_ratio": ("ratio",)}
TASKS = [  # code, title, field, month of the deadline
    ("01", "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền", "Cải cách TTHC", 3),
    ("02", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Chính quyền số", 6),
    ("03", "Kiện toàn Bộ phận Một cửa, sử dụng thư điện tử công vụ và chữ ký số",
     "Chỉ đạo điều hành", 9),
]
# Per unit (in the round's order): days after the deadline each task was done (None: not yet),
# the day of January its plan was issued, days late of each quarterly report (None: not sent).
STORIES = [
    ((-10, -3, -5), 5, (0, -2, 0)),
    ((-1, 4, None), 12, (2, 0, None)),
    ((-6, -2, -1), 20, (-3, -1, -4)),
    ((8, None, None), 40, (5, 9, None)),
    ((-2, -8, 0), 28, (0, 0, 1)),
    ((None, 15, -4), 45, (None, 3, 0)),
]
REPORTS = [("q1", "Báo cáo CCHC quý I", 3), ("half", "Báo cáo CCHC 6 tháng", 6),
           ("q3", "Báo cáo CCHC quý III", 9)]


def demo_round() -> Round | None:
    from parindex.demo.national import ROUND_CODE as NATIONAL_ROUND

    # The province's own self-assessment for the national index is not a round of its units.
    open_rounds = Round.objects.filter(
        kind=Round.Kind.ASSESSMENT, approved_at__isnull=True).exclude(code=NATIONAL_ROUND)
    return (open_rounds.filter(year=PREFERRED_YEAR).first()
            or open_rounds.order_by("-year", "-pk").first())


def load_demo_plans(users: dict, admin) -> Round | None:
    """Build the year's reform work (once) and prefill the round's draft sheets from it."""
    round = demo_round()
    year = round.year if round else PREFERRED_YEAR
    # The province's plan is issued by the round's organiser (the province of that year).
    organiser = round.organiser if round else Unit.objects.filter(code=ORGANISER).first()
    # Read again: the roles of a person are cached, and the demo of the present adds some.
    manager = get_user_model().objects.get(pk=users["snv.quanly"].pk)
    if organiser is None or Plan.objects.filter(unit=organiser, year=year).exists():
        return round
    with transaction.atomic():
        if round is not None:
            _declare_sources(admin, round)
            units = [s.unit for s in Sheet.objects.filter(round=round).select_related("unit")
                     .order_by("unit__code")[:UNITS]]
        else:
            units = list(policy.units_to_request_reports_from(manager).exclude(
                pk=organiser.pk).order_by("code")[:UNITS])
        plan = services.save_plan(manager, organiser, year, f"Kế hoạch CCHC năm {year} của "
                                  "UBND tỉnh Gia Lai", "12/KH-UBND", datetime.date(year, 1, 5))
        reports = {kind: services.request_reports(manager, organiser, units, year, kind, title,
                                                  datetime.date(year, month, 15))
                   for kind, title, month in REPORTS}
        for unit, story in zip(units, STORIES, strict=False):
            _unit_year(manager, plan, unit, year, story, reports)
        _service_figures(manager, units, year)
        _service_index(admin, units, year)
        if round is not None:
            services.prefill_round(manager, round)
    return round


def _declare_sources(admin, round: Round) -> None:
    for framework in round.frameworks.all():
        sources = {}
        for node in Node.objects.filter(framework=framework, rule__isnull=False):
            for fragment, source in SOURCES.items():
                if (fragment in node.title and "cấp xã" not in node.title
                        and node.rule["kind"] in FITS[source["kind"]]):
                    sources[node.code] = source
        if sources:
            set_sources(admin, framework, sources)


def _unit_year(manager, plan, unit: Unit, year: int, story, reports) -> None:
    done, issued_day, late_days = story
    person = policy.unit_reform_people(unit.pk).order_by("pk").first()
    tasks = [services.add_task(manager, plan, f"{unit.code}-{code}", title, unit,
                               _last_day(year, month), field=field,
                               output="Báo cáo kết quả thực hiện")
             for code, title, field, month in TASKS]
    if person is None:  # nobody to act for the unit: its tasks stay open, its reports unsent
        return
    services.save_plan(person, unit, year, f"Kế hoạch CCHC năm {year} của {unit.name}",
                       f"{issued_day:02d}/KH-UBND",
                       datetime.date(year, 1, 1) + datetime.timedelta(days=issued_day - 1))
    today = timezone.localdate()
    for task, days in zip(tasks, done, strict=True):
        if days is not None and task.deadline + datetime.timedelta(days=days) <= today:
            services.report_progress(person, task, "Đã hoàn thành, có báo cáo kèm theo",
                                     task.deadline + datetime.timedelta(days=days),
                                     SimpleUploadedFile("ket-qua.pdf", MINI_PDF))
    for (kind, _title, _month), days in zip(REPORTS, late_days, strict=True):
        report = next(r for r in reports[kind] if r.unit_id == unit.pk)
        sent = report.due_on + datetime.timedelta(days=days or 0)
        if days is None or sent > today:
            continue
        services.submit_report(person, report, SimpleUploadedFile(f"{kind}.pdf", MINI_PDF))
        # Replayed: the day it would have been sent, at 9 o'clock.
        Report.objects.filter(pk=report.pk).update(submitted_at=timezone.make_aware(
            datetime.datetime.combine(sent, datetime.time(9))))
    services.refresh(person, [unit.pk], year)


def _service_index(admin, units: list[Unit], year: int) -> None:
    """The monthly service index of each unit group of the demo units (Decision 766)."""
    def leaf(code, title, numerator):
        return {"code": code, "title": title, "max": 10,
                "rule": {"kind": "ratio", "proportional": True},
                "source": {"kind": "service_ratio", "numerator": numerator,
                           "denominator": "received"}}

    for group in {unit.group for unit in units}:
        code = f"gialai-dvc-{group.code}-{year}"
        if Framework.objects.filter(code=code).exists():
            continue
        import_framework(admin, framework_from_dict({
            "code": code, "name": f"Chỉ số phục vụ người dân, doanh nghiệp hằng tháng năm "
            f"{year} ({group.name})", "year": year, "unit_group": group.code,
            "nodes": [{"code": "1", "title": "Tiến độ và kết quả giải quyết", "children": [
                leaf("1.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "on_time")]},
                {"code": "2", "title": "Dịch vụ công trực tuyến và số hóa", "children": [
                    leaf("2.1", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "online"),
                    leaf("2.2", "Tỷ lệ hồ sơ được số hóa", "digitised")]}],
        }))


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def _service_figures(manager, units: list[Unit], year: int) -> None:
    """Eleven months (January to November) per unit, each unit with its own level and a slow
    improvement over the year."""
    lines = ["unit,month,received,on_time,late,online,digitised,satisfaction"]
    for i, unit in enumerate(units):
        for month in range(1, 12):
            received = 300 + 40 * i + 7 * month
            late = max(0, 12 - i - month // 2)
            online = received * (35 + 5 * i + 2 * month) // 100
            digitised = received * (40 + 3 * i + 3 * month) // 100
            satisfaction = Decimal(85 + i) + Decimal(month) / 4
            lines.append(f"{unit.code},{month:02d}/{year},{received},{received - late},{late},"
                         f"{online},{digitised},{satisfaction:.2f}")
    services.import_service_data(manager, ("\n".join(lines) + "\n").encode(),
                                 f"cong-dvc-{year}.csv")
