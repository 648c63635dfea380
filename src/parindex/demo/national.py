"""The demo's 2026 self-assessment of the province for the national index, in progress.

The province (GIALAI2025, Gia Lai since its merger on 1/7/2025) scores itself on the national framework for provinces (examples/national:
the eight fields of Decision 892/QĐ-BNV, illustrative criteria and points), due in January as
each year. The Sở Nội vụ's round manager opens the round, hands the sub-criteria to the
departments in charge from examples/national/assignments-2026.csv, and has reviewed part of
the drafts: the Sở Tư pháp has drafted its field (two drafts accepted, one returned with a
comment, one waiting), the Văn phòng UBND tỉnh and the Sở Khoa học và Công nghệ have drafted
part of theirs, the others have not started. Every value and note is illustrative.

Every step goes through `assessments.services` as the person who would take it. Built once;
loading again changes nothing but the demo passwords.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from parindex.assessments import services
from parindex.assessments.models import CriterionAssignment, Round, Sheet
from parindex.demo.assessment_round import MINI_PDF, PASSWORD, ensure_accounts
from parindex.engine.io import load_framework
from parindex.frameworks.models import Framework
from parindex.frameworks.services import import_framework
from parindex.units.models import Role, Unit

ROUND_CODE = "gialai-par-index-2026"
ROUND_NAME = "Tự đánh giá Chỉ số CCHC cấp tỉnh năm 2026 của tỉnh Gia Lai (số liệu minh họa)"
PROVINCE = ORGANISER = "GIALAI2025"  # the province since 1/7/2025 (demo/present.py)
DEADLINE = datetime.date(2027, 1, 15)
ILLUSTRATIVE = " (số liệu minh họa)"
K = Role.Kind

# username, unit code, role, description printed by `parindex demo`
ACCOUNTS = [
    ("stp.canbo", "STP", K.OFFICER,
     "department officer, Sở Tư pháp (national self-assessment: drafts field 2)"),
    ("vpubnd.canbo", "VPUBND", K.OFFICER,
     "department officer, Văn phòng UBND tỉnh (national self-assessment: field 3)"),
    ("skhcn.canbo", "SKHCN2025", K.OFFICER,
     "department officer, Sở Khoa học và Công nghệ (national self-assessment: field 7)"),
]

# code → (department account, value, note); then what the Sở Nội vụ did with it.
DRAFTS = {
    "2.1": ("stp.canbo", "14/15", "14/15 văn bản QPPL ban hành theo kế hoạch năm"),
    "2.2": ("stp.canbo", "yes", "Quyết định công bố kết quả rà soát, hệ thống hóa văn bản"),
    "2.3": ("stp.canbo", "9/10", "9/10 văn bản có sai sót đã được xử lý sau kiểm tra"),
    "2.4": ("stp.canbo", "0.75", "Báo cáo theo dõi thi hành pháp luật năm 2026"),
    "3.1": ("vpubnd.canbo", "98/100", "Quyết định công bố TTHC của Chủ tịch UBND tỉnh"),
    "3.2": ("vpubnd.canbo", "9850/10000", "Số liệu từ Hệ thống thông tin giải quyết TTHC tỉnh"),
    "7.1": ("skhcn.canbo", "420/600", "Danh mục dịch vụ công trực tuyến toàn trình"),
}
ACCEPTED = ("2.1", "2.2")
RETURNED = {"2.3": "Đề nghị bổ sung danh mục văn bản đã xử lý và văn bản xử lý kèm theo."}
EVIDENCE = ("2.1", "2.2", "3.1")


def load_demo_national(admin, manager) -> list[tuple[str, str, str]]:
    """Build the round (once) as its people; returns the department accounts to print."""
    with transaction.atomic():
        users = ensure_accounts(ACCOUNTS)
        if not Round.objects.filter(code=ROUND_CODE).exists():
            # Read again: a person's roles are cached, and the present's province is new.
            _build(admin, get_user_model().objects.get(pk=manager.pk), users)
    return [(username, PASSWORD, description) for username, _u, _k, description in ACCOUNTS]


def _framework(admin, directory: Path) -> Framework:
    fw = load_framework(directory / "framework-par-index-2024.yaml")
    return Framework.objects.filter(code=fw.code).first() or import_framework(admin, fw)


def _build(admin, manager, users: dict[str, object]) -> None:
    directory = Path(settings.BASE_DIR) / "examples" / "national"
    round = services.open_round(
        manager, code=ROUND_CODE, name=ROUND_NAME, year=2026,
        organiser=Unit.objects.get(code=ORGANISER), frameworks=[_framework(admin, directory)],
        units=[Unit.objects.get(code=PROVINCE)],
        deadlines=services.Deadlines(self_assessment=DEADLINE),
    )
    sheet = Sheet.objects.get(round=round)
    services.import_assignments(manager, sheet, directory / "assignments-2026.csv")
    for code, (username, value, note) in DRAFTS.items():
        services.save_score(users[username], sheet, code, "self", value,
                            note + ILLUSTRATIVE, 0)
        if code in EVIDENCE:
            services.add_evidence(users[username], sheet, code, ContentFile(
                MINI_PDF, name=f"minh-chung-{code}.pdf"))
    rows = {a.node.code: a for a in CriterionAssignment.objects.filter(sheet=sheet)
            .select_related("node")}
    for code in ACCEPTED:
        services.review_criterion(manager, rows[code], True)
    for code, comment in RETURNED.items():
        services.review_criterion(manager, rows[code], False, comment)
