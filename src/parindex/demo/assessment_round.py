"""The demo's 2023 round in progress, and one account per role to try the cycle with.

Built on top of the Gia Lai demo (2021 and 2022 published): the 2022 frameworks are copied as
2023 frameworks, the round is opened through the services, and the units are spread over the
stages a manager sees in the middle of a real round: some sheets submitted, some in progress,
some not started and late (the self-assessment deadline has passed), and Ia Grai in the
explanation round. The unit values are the units' 2022 self scores.

Mass data (the units' self scores) is written in bulk, each value with its change-log row naming
the unit head as actor: this is the demo's own fixture of sheets in progress (draft sheets the
heads may fill in, exactly what `services.save_score` would allow them), bulk-written because
a call per value would make `parindex demo` several times slower. Every other step a person
would take (opening the round, assigning, submitting, appraising, asking for and sending
explanations) goes through `services` as that person. Loading twice changes nothing but the
demo passwords, which are reset so the printed ones work.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parindex import history
from parindex.assessments import services
from parindex.assessments.models import Round, Score, Sheet
from parindex.demo.services import ADMIN_USERNAME, demo_admin
from parindex.engine.values import leaf_points, parse_value, stored_points
from parindex.frameworks.models import Framework, Node, top_level_ids
from parindex.frameworks.selectors import engine_framework
from parindex.frameworks.services import import_framework
from parindex.units.models import Role, Unit

ROUND_CODE = "gialai-2023"
ORGANISER = "SNV"
SOURCE_ROUND = "gialai-2022"
SOURCE_FRAMEWORKS = ("gialai-huyen-2022", "gialai-so-2022")
PASSWORD = "cchc-demo-2023"
EXPLAINING_UNIT = "IAGRAI"  # the district of the real story, now in the explanation round
FILLING_UNIT = "PLEIKU"  # left in progress, for the demo officer to finish and submit
NO_EVIDENCE_NOTE = "Hồ sơ giấy lưu tại đơn vị, sẽ số hóa sau"
K = Role.Kind
STAGES = ("submitted", "in_progress", "submitted-late", "not_started",
          "submitted", "in_progress", "submitted", "not_started")

# username, unit code, role, description printed by `parindex demo`
ACCOUNTS = [
    ("snv.quanly", ORGANISER, K.MANAGER, "round manager / quản lý kỳ đánh giá (Sở Nội vụ)"),
    ("snv.thamdinh", ORGANISER, K.APPRAISER, "appraiser / thẩm định viên"),
    ("snv.hoidong", ORGANISER, K.COUNCIL, "council member / thành viên Hội đồng thẩm định"),
    ("snv.xem", ORGANISER, K.VIEWER, "viewer / người xem"),
    ("iagrai.canbo", EXPLAINING_UNIT, K.OFFICER, "unit officer, Ia Grai (explanation round)"),
    ("iagrai.lanhdao", EXPLAINING_UNIT, K.HEAD, "unit head, Ia Grai"),
    ("pleiku.canbo", FILLING_UNIT, K.OFFICER, "unit officer, Pleiku (sheet in progress)"),
    ("pleiku.lanhdao", FILLING_UNIT, K.HEAD, "unit head, Pleiku (submits)"),
]

MINI_PDF = (  # one blank A4 page with a correct cross-reference table: evidence must parse
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def load_demo_2023(stdout=None, users: dict | None = None) -> list[tuple[str, str, str]]:
    """Build the 2023 round (once) as its people (`users`, by default the demo accounts, (re)set
    here); returns the accounts to print."""
    with transaction.atomic():
        users = users or ensure_accounts()
        if not Round.objects.filter(code=ROUND_CODE).exists():
            _build(users)
            if stdout is not None:
                stdout.write(f"  Kỳ đánh giá đang diễn ra / round in progress: {ROUND_CODE}")
    return [(username, PASSWORD, description) for username, _u, _k, description in ACCOUNTS]


def ensure_accounts(accounts=None) -> dict[str, object]:
    """One account per role of `accounts` (ACCOUNTS by default: username, unit code, role,
    description), holding its role; needs their units."""
    accounts = ACCOUNTS if accounts is None else accounts
    User = get_user_model()
    units = {u.code: u for u in Unit.objects.filter(code__in={a[1] for a in accounts})}
    users = {}
    for username, unit_code, kind, _description in accounts:
        user, _created = User.objects.get_or_create(username=username)
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save()
        Role.objects.get_or_create(user=user, unit=units[unit_code], kind=kind)
        users[username] = user
    return users


def _frameworks(admin) -> list[Framework]:
    """The 2022 frameworks again, as 2023 frameworks (codes and names say 2023)."""
    copies = []
    for code in SOURCE_FRAMEWORKS:
        new_code = code.replace("2022", "2023")
        model = Framework.objects.filter(code=new_code).first()
        if model is None:
            source = engine_framework(Framework.objects.select_related("unit_group").get(code=code))
            model = import_framework(admin, dataclasses.replace(
                source, code=new_code, year=2023, name=source.name.replace("2022", "2023"),
            ))
        copies.append(model)
    return copies


def _heads(units: list[Unit]) -> dict[int, object]:
    """A head for every unit (unusable password), so the board says who submitted."""
    User = get_user_model()
    heads = {}
    for unit in units:
        username = f"{unit.code.lower()}.lanhdao"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
            user.save()
        Role.objects.get_or_create(user=user, unit=unit, kind=K.HEAD)
        heads[unit.pk] = user
    return heads


def _build(users: dict[str, object]) -> None:
    manager, appraiser = users["snv.quanly"], users["snv.thamdinh"]
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    round = services.open_round(
        manager, code=ROUND_CODE, name="Chỉ số CCHC năm 2023 của tỉnh Gia Lai", year=2023,
        organiser=Unit.objects.get(code=ORGANISER), frameworks=_frameworks(users.get(ADMIN_USERNAME) or demo_admin()),
        deadlines=services.Deadlines(
            self_assessment=today - 3 * day, appraisal=today + 14 * day,
            explanation=today + 21 * day, final=today + 35 * day, approval=today + 45 * day,
        ),
    )
    sheets = list(Sheet.objects.filter(round=round).select_related("unit", "framework__unit_group",
                                                                   "round__organiser"))
    for sheet in sheets:
        services.assign(manager, round, appraiser, sheet.unit)
    heads = _heads([s.unit for s in sheets])

    source = {}
    for unit_id, code, stage, value in Score.objects.filter(round__code=SOURCE_ROUND).values_list(
        "unit_id", "node__code", "stage", "value"
    ):
        source[unit_id, code, stage] = value

    # Spread the units over the stages: per unit group, half submitted (one in eight late), a
    # quarter in progress, a quarter not started (both late: the deadline has passed).
    plans = {}
    for group in {s.framework_id for s in sheets}:
        group_sheets = sorted((s for s in sheets if s.framework_id == group),
                              key=lambda s: s.unit.code)
        for i, sheet in enumerate(group_sheets):
            plans[sheet.pk] = STAGES[i % len(STAGES)]
    for sheet in sheets:
        if sheet.unit.code == EXPLAINING_UNIT:
            plans[sheet.pk] = "explanation"
        elif sheet.unit.code == FILLING_UNIT:
            plans[sheet.pk] = "in_progress"

    shapes: dict[int, tuple] = {}
    for sheet in sheets:
        plan = plans[sheet.pk]
        if plan == "not_started":
            continue
        if sheet.framework_id not in shapes:  # two frameworks shared by all the sheets
            rows = list(Node.objects.filter(framework=sheet.framework).order_by("position"))
            shapes[sheet.framework_id] = (engine_framework(sheet.framework, rows),
                                          {n.code: n for n in rows}, top_level_ids(rows))
        framework, nodes, top = shapes[sheet.framework_id]
        leaves = [leaf for leaf in framework.leaves().values() if leaf.rule.kind != "survey"]
        if plan == "in_progress":
            leaves = leaves[: len(leaves) // 2]
        head = heads[sheet.unit_id]
        scores, changes = [], []
        for leaf in leaves:
            value = source.get((sheet.unit_id, leaf.code, "self")) or "NA"
            parsed = parse_value(leaf, value)
            note = NO_EVIDENCE_NOTE if leaf_points(leaf, parsed) else ""
            scores.append(Score(round=round, unit=sheet.unit, node=nodes[leaf.code],
                                stage=Score.Stage.SELF, value=value,
                                points=stored_points(leaf, parsed), note=note, updated_by=head,
                                field_id=top[nodes[leaf.code].pk]))
            changes.append(history.entry(head, "score", sheet, scope=round, part=leaf.code,
                                         after={"self": value}))
            if note:
                changes.append(history.entry(head, "note", sheet, scope=round, part=leaf.code,
                                             after={"self": note}))
        Score.objects.bulk_create(scores)
        history.bulk(changes)
        sheet.started_at = timezone.now()
        sheet.save(update_fields=["started_at"])
        if plan == "explanation":
            for leaf in leaves[:2]:
                services.add_evidence(users["iagrai.canbo"], sheet, leaf.code, ContentFile(
                    MINI_PDF, name=f"minh-chung-{leaf.code}.pdf"))
            head = users["iagrai.lanhdao"]
        if plan != "in_progress":
            services.submit(head, sheet)
            if plan != "submitted-late":
                # The demo is built today; most units submitted before the deadline.
                Sheet.objects.filter(pk=sheet.pk).update(
                    submitted_at=timezone.now() - (4 + sheet.pk % 3) * day
                )
        if plan == "explanation":
            _appraise_and_ask(appraiser, sheet, leaves, source)


def _appraise_and_ask(appraiser, sheet: Sheet, leaves, source) -> None:
    """Where the 2022 appraisal cut the unit's points, cut them again and ask why."""
    cut = [
        leaf for leaf in leaves
        if (theirs := source.get((sheet.unit_id, leaf.code, "appraised")))
        and theirs != source.get((sheet.unit_id, leaf.code, "self"))
    ][:3] or leaves[:1]
    for leaf in cut:
        value = source.get((sheet.unit_id, leaf.code, "appraised")) or "NA"
        services.save_score(appraiser, sheet, leaf.code, Score.Stage.APPRAISED, value,
                            "Tài liệu kiểm chứng chưa thể hiện đủ kết quả", 0)
    services.request_explanation(
        appraiser, sheet, cut[0].code,
        "Đề nghị đơn vị giải trình và bổ sung tài liệu kiểm chứng (báo cáo kết quả thực hiện).",
    )
    services.send_requests(appraiser, sheet)


def grant(user, unit: Unit, kind: str) -> None:
    """Give a demo account a role (the present's rounds are organised by the new province)."""
    Role.objects.get_or_create(user=user, unit=unit, kind=kind)
