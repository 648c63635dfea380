"""The demo's commendation: the 2021 Ia Grai campaign as reported on 6 July 2022 — the district
chairman gave a giấy khen to 8 collectives and 23 individuals "for outstanding achievement in
administrative reform in 2021". The names below are illustrative, not the real list.

Built through the commendation services as the acting person (the demo's admin): creating the
campaigns, their rules, the proposals from results, the decision and its issue. Only the 2021
nominations are bulk-written, already accepted on their historical review date (which `review`,
stamping today, cannot give), each with its change-log row naming the same person."""

from __future__ import annotations

import datetime

from django.db import transaction

from parindex import history
from parindex.assessments.models import Round
from parindex.awards import services
from parindex.awards.models import (
    AwardForm,
    AwardingAuthority,
    AwardingPower,
    Campaign,
    Honorific,
    LegalBasis,
    Level,
    Nomination,
    NomineeKind,
)
from parindex.units.models import Unit

CODE = "iagrai-cchc-2021"
DISTRICT = "IAGRAI"
TITLE = "đã có thành tích xuất sắc trong công tác cải cách hành chính năm 2021"

PARENT = "UBND huyện Ia Grai"
# (name, parent unit, achievement): printed "Phòng Nội vụ, UBND huyện Ia Grai".
COLLECTIVES = [
    ("Văn phòng HĐND và UBND huyện", PARENT,
     "Tham mưu chỉ đạo, điều hành CCHC; vận hành Bộ phận Một cửa huyện đúng quy định."),
    ("Phòng Nội vụ", PARENT,
     "Cơ quan thường trực CCHC; huyện xếp thứ nhất Chỉ số CCHC cấp huyện năm 2021."),
    ("Phòng Tư pháp", PARENT,
     "Kiểm soát thủ tục hành chính; 100% văn bản QPPL được thẩm định đúng hạn."),
    ("Phòng Tài chính - Kế hoạch", PARENT,
     "Thực hiện tốt cơ chế tự chủ tài chính; giải ngân vốn đầu tư công đạt kế hoạch."),
    ("Phòng Văn hóa và Thông tin", PARENT,
     "Tuyên truyền CCHC; vận hành cổng thông tin điện tử và chữ ký số."),
    ("UBND thị trấn Ia Kha", "huyện Ia Grai",
     "Giải quyết 100% hồ sơ TTHC đúng hạn; dịch vụ công trực tuyến mức độ 3, 4 đạt cao."),
    ("UBND xã Ia Dêr", "huyện Ia Grai",
     "Dẫn đầu các xã về tỷ lệ hồ sơ trực tuyến và sự hài lòng của người dân."),
    ("UBND xã Ia Sao", "huyện Ia Grai",
     "Niêm yết công khai, giải quyết TTHC đúng hạn; không có hồ sơ quá hạn."),
]

# (full name, position, workplace); the women are in WOMEN (a certificate says "Bà").
INDIVIDUALS = [
    ("Nguyễn Văn Hùng", "Chánh Văn phòng", "Văn phòng HĐND và UBND huyện Ia Grai"),
    ("Trần Thị Thu Hà", "Chuyên viên", "Văn phòng HĐND và UBND huyện Ia Grai"),
    ("Lê Minh Tuấn", "Công chức Bộ phận Một cửa", "Văn phòng HĐND và UBND huyện Ia Grai"),
    ("Phạm Thị Hồng Nhung", "Trưởng phòng", "Phòng Nội vụ huyện Ia Grai"),
    ("Võ Đức Thắng", "Phó Trưởng phòng", "Phòng Nội vụ huyện Ia Grai"),
    ("Đặng Thị Mỹ Duyên", "Chuyên viên", "Phòng Nội vụ huyện Ia Grai"),
    ("Huỳnh Văn Lợi", "Trưởng phòng", "Phòng Tư pháp huyện Ia Grai"),
    ("Bùi Thị Lan Anh", "Chuyên viên", "Phòng Tư pháp huyện Ia Grai"),
    ("Ngô Quang Vinh", "Phó Trưởng phòng", "Phòng Tài chính - Kế hoạch huyện Ia Grai"),
    ("Đỗ Thị Ngọc Ánh", "Chuyên viên", "Phòng Tài chính - Kế hoạch huyện Ia Grai"),
    ("Hoàng Văn Dũng", "Trưởng phòng", "Phòng Văn hóa và Thông tin huyện Ia Grai"),
    ("Nguyễn Thị Kim Oanh", "Chuyên viên", "Phòng Văn hóa và Thông tin huyện Ia Grai"),
    ("Trương Công Định", "Trưởng phòng", "Phòng Tài nguyên và Môi trường huyện Ia Grai"),
    ("Lý Thị Hạnh", "Chuyên viên", "Phòng Lao động - Thương binh và Xã hội huyện Ia Grai"),
    ("Rơ Mah Thuấn", "Chủ tịch UBND xã", "UBND xã Ia Dêr"),
    ("Siu H'Yên", "Công chức Văn phòng - Thống kê", "UBND xã Ia Dêr"),
    ("Phan Thanh Sơn", "Chủ tịch UBND thị trấn", "UBND thị trấn Ia Kha"),
    ("Vũ Thị Thanh Thủy", "Công chức Tư pháp - Hộ tịch", "UBND thị trấn Ia Kha"),
    ("Ksor Tâm", "Phó Chủ tịch UBND xã", "UBND xã Ia Sao"),
    ("Nguyễn Thị Bích Ngọc", "Công chức Văn phòng - Thống kê", "UBND xã Ia Sao"),
    ("Rơ Châm H'Luyn", "Công chức Tư pháp - Hộ tịch", "UBND xã Ia Yok"),
    ("Đinh Văn Quang", "Công chức Văn phòng - Thống kê", "UBND xã Ia Hrung"),
    ("Puih Hiếu", "Công chức Địa chính - Xây dựng", "UBND xã Ia Tô"),
]

WOMEN = {
    "Trần Thị Thu Hà", "Phạm Thị Hồng Nhung", "Đặng Thị Mỹ Duyên", "Bùi Thị Lan Anh",
    "Đỗ Thị Ngọc Ánh", "Nguyễn Thị Kim Oanh", "Lý Thị Hạnh", "Siu H'Yên", "Vũ Thị Thanh Thủy",
    "Nguyễn Thị Bích Ngọc", "Rơ Châm H'Luyn",
}

# The awarding authorities (who signs, under which heading and number series); the laws the
# decision cites come from the table seeded with the awards app, by the decision's date.
AUTHORITIES = {
    "ubnd-gialai": dict(
        unit="GIALAI", level=Level.PROVINCE, title="Chủ tịch Ủy ban nhân dân tỉnh Gia Lai",
        issuing_body="ỦY BAN NHÂN DÂN\nTỈNH GIA LAI", signer_title="CHỦ TỊCH",
        number_series="QĐ-UBND", proposer="Giám đốc Sở Nội vụ",
    ),
    "ubnd-iagrai": dict(
        unit=DISTRICT, level=Level.DISTRICT, title="Chủ tịch Ủy ban nhân dân huyện Ia Grai",
        issuing_body="ỦY BAN NHÂN DÂN\nHUYỆN IA GRAI", signer_title="CHỦ TỊCH",
        number_series="QĐ-UBND", proposer="Trưởng phòng Nội vụ huyện",
    ),
}

# What the decision cites beyond the law in force on its date.
LEGAL_BASES = """\
Căn cứ Quyết định số 197/QĐ-UBND ngày 15 tháng 4 năm 2022 của UBND tỉnh Gia Lai phê duyệt và công bố Chỉ số cải cách hành chính năm 2021 của các sở, ban, ngành tỉnh và UBND các huyện, thị xã, thành phố;"""

RECIPIENTS = """\
- Như Điều 3;
- Sở Nội vụ tỉnh (b/c);
- TT Huyện ủy, TT HĐND huyện (b/c);
- CT, các PCT UBND huyện;
- Lưu: VT, NV."""


def load_demo_campaign(actor, stdout=None) -> Campaign:
    """Create the 2021 Ia Grai campaign, decided, with its register entries; and, when the demo's
    2022 round is there, the province chairman's open 2022 campaign with collectives proposed
    from its results. Loading twice changes nothing.

    Needs the demo's unit IAGRAI; links the campaign to the round `gialai-2021` when present.
    `actor` (a superuser in the demo) is recorded as the person who did each step.
    """
    campaign = _load_ia_grai(actor, stdout)
    _load_province_2022(actor, stdout)
    return campaign


PROVINCE_CODE = "gialai-cchc-2022"


def authority(code: str) -> AwardingAuthority | None:
    """The demo's awarding authority `code`, made once (reference data, as an administrator
    enters it in the admin); None when its unit is not loaded."""
    services.install_law(AwardingPower, LegalBasis)  # the law as shipped, if the tables were emptied
    found = AwardingAuthority.objects.filter(code=code).first()
    if found is not None:
        return found
    fields = dict(AUTHORITIES[code])
    unit = Unit.objects.filter(code=fields.pop("unit")).first()
    if unit is None:
        return None
    return AwardingAuthority.objects.create(code=code, unit=unit, **fields)


def _load_province_2022(actor, stdout=None) -> Campaign | None:
    """An open campaign: top 3 of each group of the 2022 index proposed for a bằng khen."""
    province = Unit.objects.filter(code="GIALAI").first()
    round = Round.objects.filter(code="gialai-2022").first()
    if province is None or round is None:
        return None
    existing = Campaign.objects.filter(code=PROVINCE_CODE).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        campaign = services.create_campaign(actor, dict(
            code=PROVINCE_CODE,
            name="Bằng khen của Chủ tịch UBND tỉnh về Chỉ số CCHC năm 2022",
            year=2022,
            round=round,
            awarder_unit=province,
            authority=authority("ubnd-gialai"),
            award_form=AwardForm.BANG_KHEN,
            title_text=(
                "đã có thành tích xuất sắc trong thực hiện nhiệm vụ cải cách hành chính năm 2022"
            ),
        ))
        groups = [fw.unit_group for fw in round.frameworks.select_related("unit_group")]
        services.replace_rules(actor, campaign, [
            {"kind": "top", "top": 3, "unit_group": group} for group in groups
        ])
        created, _skipped = services.propose_from_results(actor, campaign)
    if stdout is not None:
        stdout.write(f"awards: {PROVINCE_CODE}: {len(created)} collectives proposed, open")
    return campaign


def _load_ia_grai(actor, stdout=None) -> Campaign:
    district = Unit.objects.filter(code=DISTRICT).first()
    if district is None:
        raise LookupError(f"unit {DISTRICT} is missing: load the Gia Lai units first")
    round = Round.objects.filter(code="gialai-2021").first()
    with transaction.atomic():
        old = Campaign.objects.filter(code=CODE).first()
        if old is not None:
            if stdout is not None:
                stdout.write(f"awards: {CODE} exists, left as it is")
            return old
        campaign = services.create_campaign(actor, dict(
            code=CODE,
            name="Khen thưởng công tác cải cách hành chính năm 2021 — huyện Ia Grai",
            year=2021,
            round=round,
            awarder_unit=district,
            authority=authority("ubnd-iagrai"),
            award_form=AwardForm.GIAY_KHEN,
            title_text=TITLE,
            deadline=datetime.date(2022, 5, 6),
        ))
        reviewed_at = datetime.datetime(2022, 5, 12, 9, 0, tzinfo=datetime.UTC)
        rows = [
            Nomination(kind=NomineeKind.COLLECTIVE, name=name, work_unit=parent,
                       achievement=achievement)
            for name, parent, achievement in COLLECTIVES
        ] + [
            Nomination(
                kind=NomineeKind.INDIVIDUAL, name=name, position=position, work_unit=work_unit,
                honorific=Honorific.MRS if name in WOMEN else Honorific.MR,
                achievement="Hoàn thành xuất sắc nhiệm vụ CCHC được giao năm 2021.",
            )
            for name, position, work_unit in INDIVIDUALS
        ]
        for nomination in rows:
            nomination.campaign = campaign
            nomination.source = Nomination.Source.UNIT
            nomination.unit = district
            nomination.status = Nomination.Status.ACCEPTED
            nomination.reviewed_at, nomination.reviewed_by = reviewed_at, actor
            nomination.created_by = actor
            nomination.identity_key = nomination.compute_identity()
        Nomination.objects.bulk_create(rows)
        history.bulk([
            history.entry(actor, "accept", nomination, scope=campaign, at=reviewed_at,
                          after={"status": nomination.status}, reason="demo")
            for nomination in rows
        ])
        services.save_decision(actor, campaign, dict(
            number="1234",  # the authority's series completes it: 1234/QĐ-UBND
            date=datetime.date(2022, 5, 16),
            place="Ia Grai",
            signer_name="Lê Ngọc Quý",
            legal_bases=LEGAL_BASES,
            executors=(
                "Chánh Văn phòng HĐND và UBND huyện, Trưởng phòng Nội vụ, Trưởng phòng Tài chính"
                " - Kế hoạch huyện, Thủ trưởng các cơ quan, đơn vị có liên quan"
            ),
            recipients=RECIPIENTS,
        ))
        awards = services.issue_decision(actor, campaign)
    if stdout is not None:
        collectives = sum(1 for a in awards if a.kind == NomineeKind.COLLECTIVE)
        stdout.write(
            f"awards: {CODE}: {collectives} collectives, {len(awards) - collectives} individuals"
        )
    return campaign
