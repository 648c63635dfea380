#!/usr/bin/env python3
"""Generator of the Gia Lai demo data (examples/gialai/).

Writes units.csv, the four frameworks (YAML), the four score files (CSV, stages `self` and
`appraised`) and rounds.yaml, then reads them back and checks its own arithmetic: every
appraised index, rank and (for Ia Grai 2021) field component must be exactly the target below.

    .venv/bin/python examples/gialai/build.py          # (re)write the files, then verify
    .venv/bin/python examples/gialai/build.py --check  # verify that the files on disk are current

Only the standard library and PyYAML; all points are `decimal.Decimal` (cross-checked with
`fractions.Fraction`); randomness is seeded with strings, so the output is identical on every run.

How a unit's scores are made: every leaf whose rule is data-driven (yes/no, levels, counts,
ratios) gets a value drawn around the unit's target level; bonus and penalty blocks and
not-applicable leaves are drawn too. The leaves scored in free points (rule `points`, the
appraisal council's judgement) and the survey leaves then absorb the difference so that
achieved ÷ applicable max × 100 rounds (half-up, two places) to the published index. A draw
whose filling would look implausible (a survey below 70 %, a leaf over its max…) is discarded
and the next seed is tried.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import sys
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
D = Decimal
CENT = D("0.01")


def q2(x: Decimal) -> Decimal:
    """Round half-up to two places (the publication rule)."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# ---------------------------------------------------------------------------------------------
# Published (and, where the sources say nothing, invented but plausible) targets.
# Published values come from Decision 197/QĐ-UBND of 15/4/2022 as reported in
# /work/shared/reference/seed-article.txt and the design brief; the rest are demo values.
# ---------------------------------------------------------------------------------------------

PUBLISHED = {
    "gialai-huyen-2021": {"IAGRAI", "PLEIKU", "KONGCHRO", "CHUPRONG"},
    "gialai-so-2021": {"STTTT", "SKHCN", "STC", "SYT"},
    "gialai-huyen-2022": {"IAGRAI", "CHUSE", "DAKPO", "KONGCHRO", "PHUTHIEN"},
    "gialai-so-2022": {"SGTVT", "STTTT", "STP", "STC", "BQLKKT"},
}

TARGETS = {
    "gialai-huyen-2021": {
        "IAGRAI": "78.30", "PLEIKU": "76.96", "KONGCHRO": "76.40", "DAKPO": "75.88",
        "CHUSE": "75.62", "ANKHE": "75.21", "DUCCO": "74.95", "IAPA": "74.63",
        "AYUNPA": "74.27", "PHUTHIEN": "73.96", "CHUPUH": "73.71", "MANGYANG": "73.40",
        "DAKDOA": "73.12", "KBANG": "72.85", "KRONGPA": "72.43", "CHUPAH": "71.98",
        "CHUPRONG": "71.47",
    },
    "gialai-so-2021": {
        "STTTT": "95.44", "SKHCN": "91.53", "STC": "90.92", "STP": "90.47", "SNV": "89.86",
        "SKHDT": "89.21", "SGTVT": "88.64", "VPUBND": "88.05", "SXD": "87.32",
        "STNMT": "86.58", "SCT": "85.93", "SGDDT": "85.17", "SNNPTNT": "84.36",
        "SLDTBXH": "83.74", "BQLKKT": "82.69", "TTT": "81.85", "SVHTTDL": "80.42",
        "SNGV": "78.96", "BDT": "76.83", "SYT": "72.48",
    },
    "gialai-huyen-2022": {
        "IAGRAI": "80.94", "CHUSE": "80.48", "DAKPO": "80.34", "KONGCHRO": "79.85",
        "PLEIKU": "79.62", "ANKHE": "78.97", "DUCCO": "78.41", "CHUPUH": "77.86",
        "IAPA": "77.30", "MANGYANG": "76.72", "AYUNPA": "76.15", "DAKDOA": "75.49",
        "KBANG": "74.83", "CHUPRONG": "73.96", "KRONGPA": "72.58", "CHUPAH": "70.67",
        "PHUTHIEN": "66.74",
    },
    "gialai-so-2022": {
        "SGTVT": "91.39", "STTTT": "91.31", "STP": "90.80", "STC": "88.11", "SKHCN": "87.95",
        "SNV": "87.62", "SKHDT": "87.04", "SXD": "86.47", "VPUBND": "85.83",
        "STNMT": "85.12", "SCT": "84.60", "SGDDT": "83.88", "SNNPTNT": "83.25",
        "SYT": "82.40", "SLDTBXH": "81.67", "TTT": "80.93", "SVHTTDL": "79.58",
        "SNGV": "77.84", "BDT": "76.29", "BQLKKT": "74.31",
    },
}

# Ia Grai 2021: the published components (points), fields 1 and 2 at full marks; field 9
# (impact) makes up the rest of 78.30. No not-applicable leaf, no bonus, no penalty.
FIELD_TARGETS = {
    ("gialai-huyen-2021", "IAGRAI"): {
        "1": "7", "2": "5", "3": "10.26", "4": "2.38", "5": "7.93", "6": "4.97",
        "7": "11.54", "8": "26.72",
    },
}
NO_EXTRAS = {("gialai-huyen-2021", "IAGRAI")}  # no NA leaf, zero bonus and penalty

ROUNDS = [
    {
        "code": "gialai-2021", "name": "Chỉ số CCHC năm 2021 của tỉnh Gia Lai", "year": 2021,
        "organiser": "SNV", "decision_number": "197/QĐ-UBND", "decision_date": "2022-04-15",
        "note": "Kết quả công bố theo Quyết định 197/QĐ-UBND ngày 15/4/2022 của UBND tỉnh "
                "Gia Lai; điểm từng tiêu chí thành phần là dữ liệu minh họa.",
        "source": "Quyết định 197/QĐ-UBND ngày 15/4/2022 của UBND tỉnh Gia Lai",
    },
    {
        "code": "gialai-2022", "name": "Chỉ số CCHC năm 2022 của tỉnh Gia Lai", "year": 2022,
        "organiser": "SNV", "decision_number": "265/QĐ-UBND", "decision_date": "2023-04-14",
        "note": "Số và ngày quyết định là giả định cho bản demo; thứ hạng đầu, cuối bảng theo "
                "kết quả được công bố, điểm từng tiêu chí thành phần là dữ liệu minh họa.",
        "source": "Kết quả Chỉ số CCHC năm 2022 của tỉnh Gia Lai được công bố (đầu và cuối "
                  "bảng xếp hạng)",
    },
]

# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------

UNIT_COLUMNS = ["code", "name", "unit_group", "parent_code", "kind", "valid_from", "valid_to",
                "predecessors"]

# code, name, kind, number of communes (xã, phường, thị trấn) — used for ratio denominators
DISTRICTS = [
    ("PLEIKU", "UBND thành phố Pleiku", "thanh-pho", 22),
    ("ANKHE", "UBND thị xã An Khê", "thi-xa", 11),
    ("AYUNPA", "UBND thị xã Ayun Pa", "thi-xa", 8),
    ("CHUPAH", "UBND huyện Chư Păh", "huyen", 15),
    ("CHUPRONG", "UBND huyện Chư Prông", "huyen", 20),
    ("CHUPUH", "UBND huyện Chư Pưh", "huyen", 9),
    ("CHUSE", "UBND huyện Chư Sê", "huyen", 15),
    ("DAKDOA", "UBND huyện Đak Đoa", "huyen", 17),
    ("DAKPO", "UBND huyện Đak Pơ", "huyen", 8),
    ("DUCCO", "UBND huyện Đức Cơ", "huyen", 10),
    ("IAGRAI", "UBND huyện Ia Grai", "huyen", 13),
    ("IAPA", "UBND huyện Ia Pa", "huyen", 9),
    ("KBANG", "UBND huyện Kbang", "huyen", 14),
    ("KONGCHRO", "UBND huyện Kông Chro", "huyen", 14),
    ("KRONGPA", "UBND huyện Krông Pa", "huyen", 14),
    ("MANGYANG", "UBND huyện Mang Yang", "huyen", 12),
    ("PHUTHIEN", "UBND huyện Phú Thiện", "huyen", 10),
]
COMMUNES = {code: n for code, _, _, n in DISTRICTS}

DEPARTMENTS = [
    ("SNV", "Sở Nội vụ", "so"),
    ("STP", "Sở Tư pháp", "so"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "so"),
    ("STC", "Sở Tài chính", "so"),
    ("SCT", "Sở Công Thương", "so"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "so"),
    ("SGTVT", "Sở Giao thông vận tải", "so"),
    ("SXD", "Sở Xây dựng", "so"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "so"),
    ("STTTT", "Sở Thông tin và Truyền thông", "so"),
    ("SLDTBXH", "Sở Lao động – Thương binh và Xã hội", "so"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "so"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "so"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "so"),
    ("SYT", "Sở Y tế", "so"),
    ("SNGV", "Sở Ngoại vụ", "so"),
    ("TTT", "Thanh tra tỉnh", "tuong-duong-so"),
    ("VPUBND", "Văn phòng UBND tỉnh", "tuong-duong-so"),
    ("BDT", "Ban Dân tộc", "tuong-duong-so"),
    ("BQLKKT", "Ban Quản lý Khu kinh tế tỉnh", "tuong-duong-so"),
]
# The one merger shown: Sở Kế hoạch và Đầu tư merged into Sở Tài chính on 1/3/2025; the merged
# department is a new unit (new code) whose predecessors are the two old ones, so the 2021 and
# 2022 results stay attached to STC and SKHDT.
MERGED = ("STC2025", "Sở Tài chính", "so", "2025-03-01", "STC;SKHDT")
MERGE_END = "2025-02-28"
DISTRICT_END = "2025-06-30"  # the district level ended on 1/7/2025
# The departments merged on 1/3/2025 and the old province, ended by the reorganisations of
# present/reorganisations-2025.csv (the dates here agree with them, so a reload keeps them).
ENDED_2025 = {"STC", "SKHDT", "SNNPTNT", "STNMT", "SXD", "SGTVT", "SKHCN", "STTTT", "SNV",
              "SLDTBXH", "BDT", "SNGV"}
TAKES_OVER = {"VPUBND": "SNGV"}  # the office took over the foreign affairs department


def units_rows() -> list[dict]:
    rows = [dict(code="GIALAI", name="UBND tỉnh Gia Lai", unit_group="tinh", parent_code="",
                 kind="tinh", valid_from="", valid_to=DISTRICT_END, predecessors="")]
    for code, name, kind, _ in DISTRICTS:
        rows.append(dict(code=code, name=name, unit_group="huyen", parent_code="GIALAI",
                         kind=kind, valid_from="", valid_to=DISTRICT_END, predecessors=""))
    for code, name, kind in DEPARTMENTS:
        end = MERGE_END if code in ENDED_2025 else ""
        rows.append(dict(code=code, name=name, unit_group="so", parent_code="GIALAI",
                         kind=kind, valid_from="", valid_to=end,
                         predecessors=TAKES_OVER.get(code, "")))
    code, name, kind, start, preds = MERGED
    rows.append(dict(code=code, name=name, unit_group="so", parent_code="GIALAI", kind=kind,
                     valid_from=start, valid_to="", predecessors=preds))
    return rows


# ---------------------------------------------------------------------------------------------
# Frameworks. Helpers build plain dicts; keys starting with "_" are generation hints (ratio
# denominators, which units may have the leaf not applicable) and are not written to YAML.
# ---------------------------------------------------------------------------------------------

YES_NO = {"kind": "yes_no"}
POINTS = {"kind": "points"}
SURVEY = {"kind": "survey"}


def levels(*pairs):
    return {"kind": "levels", "levels": [{"label": lab, "fraction": D(f)} for lab, f in pairs]}


def count(per_item):
    return {"kind": "count", "per_item": D(per_item)}


def bands(*pairs):
    return {"kind": "ratio", "bands": [{"min": D(m), "fraction": D(f)} for m, f in pairs]}


PROPORTIONAL = {"kind": "ratio", "proportional": True}

LV_DUNG_HAN = levels(("Ban hành đúng thời hạn", "1"), ("Ban hành chậm", "0.5"),
                     ("Không ban hành", "0"))
LV_BAO_CAO = levels(("Đầy đủ, đúng hạn", "1"), ("Đầy đủ nhưng có báo cáo chậm", "0.5"),
                    ("Không đầy đủ", "0"))
LV_DUNG_QD = levels(("Đúng quy định", "1"), ("Có sai sót về trình tự, thủ tục", "0.5"),
                    ("Vi phạm quy định", "0"))
LV_XIN_LOI = levels(("Xin lỗi bằng văn bản đối với tất cả hồ sơ quá hạn", "1"),
                    ("Xin lỗi chưa đầy đủ", "0.5"), ("Không thực hiện xin lỗi", "0"))
LV_KY_LUAT = levels(("Không có trường hợp bị kỷ luật", "1"), ("Có 01 trường hợp", "0.5"),
                    ("Từ 02 trường hợp trở lên", "0"))
LV_HOAN_THANH = levels(("Hoàn thành", "1"), ("Hoàn thành một phần", "0.5"),
                       ("Chưa thực hiện", "0"))
LV_BIEN_CHE = levels(("Không vượt số biên chế được giao", "1"), ("Vượt số biên chế", "0"))
LV_THU_DIEN_TU = levels(("Sử dụng thường xuyên", "1"), ("Chưa thường xuyên", "0.5"),
                        ("Không sử dụng", "0"))
LV_DONG_BO = levels(("Đầy đủ, kịp thời", "1"), ("Chưa đầy đủ", "0.5"), ("Không cập nhật", "0"))
R_HOAN_THANH = bands(("1", "1"), ("0.8", "0.5"), ("0", "0"))
R_DUNG_HAN = bands(("1", "1"), ("0.98", "0.75"), ("0.95", "0.5"), ("0", "0"))
R_XA = bands(("1", "1"), ("0.9", "0.5"), ("0", "0"))


def leaf(code, title, max_, rule, guide=None, **hints):
    node = {"code": code, "title": title, "max": D(max_), "rule": copy.deepcopy(rule)}
    if guide:
        node["guide"] = guide
    for k, v in hints.items():
        node["_" + k] = v
    return node


def group(code, title, children, kind=None):
    node = {"code": code, "title": title}
    if kind:
        node["kind"] = kind
    node["children"] = children
    node["max"] = sum((c["max"] for c in children), D(0))
    return node


GUIDE_POINTS = ("Hội đồng thẩm định chấm từ 0 đến điểm tối đa, làm tròn đến 0,01 điểm, căn cứ "
                "tài liệu kiểm chứng và kết quả kiểm tra thực tế.")
GUIDE_RATIO = "Nhập tử số/mẫu số theo số liệu trên Hệ thống thông tin giải quyết TTHC của tỉnh."
GUIDE_NA = " Không phát sinh trong năm thì ghi NA (không áp dụng)."


def bonus_penalty(year):
    bonus = group("T", "Điểm thưởng", [
        leaf("T.1", "Sáng kiến, mô hình, giải pháp CCHC được cấp tỉnh công nhận, nhân rộng",
             "1", count("0.5"), "0,5 điểm cho mỗi sáng kiến, mô hình, tối đa 1 điểm."),
        leaf("T.2", "Được Thủ tướng Chính phủ, bộ, ngành trung ương hoặc UBND tỉnh khen thưởng "
             "về thành tích CCHC trong năm", "1", YES_NO),
    ], kind="bonus")
    penalty = group("P", "Điểm phạt", [
        leaf("P.1", "Chậm gửi báo cáo định kỳ về CCHC theo yêu cầu", "1", count("0.25"),
             "Trừ 0,25 điểm cho mỗi báo cáo gửi chậm, tối đa 1 điểm."),
        leaf("P.2", "Để xảy ra sai phạm trong giải quyết TTHC bị cơ quan có thẩm quyền kết "
             "luận", "1", count("0.5"), "Trừ 0,5 điểm cho mỗi kết luận, tối đa 1 điểm."),
        leaf("P.3", "Người đứng đầu bị kỷ luật do vi phạm liên quan đến công tác CCHC", "1",
             YES_NO, "Có: trừ 1 điểm."),
    ], kind="penalty")
    return [bonus, penalty]


def huyen_nodes(year: int) -> list[dict]:
    y = year
    f1 = group("1", "Công tác chỉ đạo, điều hành CCHC", [
        group("1.1", "Kế hoạch CCHC năm", [
            leaf("1.1.1", "Ban hành kế hoạch CCHC năm kịp thời", "0.5", LV_DUNG_HAN,
                 "Đúng thời hạn: ban hành trước ngày 31/12 của năm trước năm kế hoạch."),
            leaf("1.1.2", "Mức độ hoàn thành kế hoạch CCHC năm", "1", R_HOAN_THANH,
                 "Số nhiệm vụ hoàn thành/tổng số nhiệm vụ trong kế hoạch. 100%: điểm tối đa; "
                 "từ 80% đến dưới 100%: 0,5 điểm tối đa; dưới 80%: 0 điểm.",
                 den=(18, 32)),
        ]),
        leaf("1.2", "Thực hiện chế độ báo cáo CCHC định kỳ", "1", LV_BAO_CAO),
        group("1.3", "Kiểm tra CCHC", [
            leaf("1.3.1", "Tỷ lệ cơ quan chuyên môn và UBND cấp xã được kiểm tra CCHC trong năm",
                 "0.75", bands(("0.3", "1"), ("0.2", "0.5"), ("0", "0")),
                 "Từ 30% số cơ quan, đơn vị trở lên: điểm tối đa; từ 20% đến dưới 30%: 0,5 "
                 "điểm tối đa.", den="units", typ=(0.15, 0.5)),
            leaf("1.3.2", "Tỷ lệ vấn đề phát hiện qua kiểm tra được xử lý hoặc kiến nghị xử lý",
                 "0.75", PROPORTIONAL, "Điểm = điểm tối đa × tỷ lệ." + GUIDE_NA,
                 den=(4, 15), na=True),
        ]),
        leaf("1.4", "Công tác thông tin, tuyên truyền CCHC" if y >= 2022
             else "Công tác tuyên truyền CCHC", "1", POINTS, GUIDE_POINTS),
        leaf("1.5", "Sáng kiến, giải pháp mới trong chỉ đạo, điều hành CCHC", "1", count("0.5"),
             "0,5 điểm cho mỗi sáng kiến được Hội đồng sáng kiến cấp huyện công nhận."),
        leaf("1.6", "Tỷ lệ nhiệm vụ UBND tỉnh giao về CCHC được hoàn thành đúng hạn", "1",
             bands(("1", "1"), ("0.9", "0.5"), ("0", "0")), den=(6, 14)),
    ])
    f2 = group("2", "Cải cách thể chế", [
        leaf("2.1", "Ban hành văn bản quy phạm pháp luật thuộc thẩm quyền", "1.5", LV_DUNG_QD,
             "Đánh giá trình tự, thủ tục xây dựng, ban hành văn bản." + GUIDE_NA, na=True),
        group("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", [
            leaf("2.2.1", "Ban hành kế hoạch rà soát, hệ thống hóa văn bản", "0.5", YES_NO),
            leaf("2.2.2", "Tỷ lệ văn bản sau rà soát được xử lý hoặc kiến nghị xử lý", "1",
                 R_HOAN_THANH, den=(3, 12)),
        ]),
        leaf("2.3", "Theo dõi tình hình thi hành pháp luật", "1", POINTS, GUIDE_POINTS),
        leaf("2.4", "Kiểm tra, xử lý văn bản quy phạm pháp luật của HĐND, UBND cấp xã", "1",
             LV_DUNG_QD),
    ])
    f3_children = [
        group("3.1", "Công khai thủ tục hành chính", [
            leaf("3.1.1", "Công khai đầy đủ, đúng quy định TTHC tại Bộ phận Một cửa cấp huyện",
                 "1", YES_NO, "Kiểm tra thực tế tại Bộ phận Một cửa."),
            leaf("3.1.2", "Tỷ lệ UBND cấp xã công khai TTHC đúng quy định", "1", R_XA,
                 "Mẫu số: tổng số xã, phường, thị trấn.", den="communes"),
            leaf("3.1.3", "Công khai TTHC trên Trang thông tin điện tử của huyện", "1", YES_NO),
        ]),
        group("3.2", "Kết quả giải quyết thủ tục hành chính", [
            leaf("3.2.1", "Tỷ lệ hồ sơ TTHC cấp huyện được giải quyết đúng hạn", "2.5",
                 R_DUNG_HAN, GUIDE_RATIO + " 100%: điểm tối đa; từ 98%: 0,75; từ 95%: 0,5.",
                 den=(2500, 12000), typ=(0.94, 1), ontime=True),
            leaf("3.2.2", "Tỷ lệ hồ sơ TTHC cấp xã được giải quyết đúng hạn", "2", R_DUNG_HAN,
                 GUIDE_RATIO, den=(6000, 30000), typ=(0.95, 1), ontime=True),
            leaf("3.2.3", "Thực hiện xin lỗi người dân, tổ chức khi giải quyết hồ sơ quá hạn",
                 "1", LV_XIN_LOI, "Không có hồ sơ quá hạn thì ghi NA." , na=True),
            leaf("3.2.4", "Thực hiện cơ chế một cửa, một cửa liên thông", "1.5", POINTS,
                 GUIDE_POINTS),
        ]),
        group("3.3", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính", [
            leaf("3.3.1", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "1", PROPORTIONAL,
                 "Điểm = điểm tối đa × tỷ lệ." + GUIDE_NA, den=(2, 9), na=True),
            leaf("3.3.2", "Công khai kết quả xử lý phản ánh, kiến nghị", "1", YES_NO),
        ]),
        leaf("3.4", "Phương án đơn giản hóa TTHC được cấp có thẩm quyền thông qua", "2",
             count("0.5"), "0,5 điểm cho mỗi phương án, tối đa 2 điểm."),
        leaf("3.5", "Tỷ lệ hồ sơ TTHC tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích",
             "1" if y >= 2022 else "2", bands(("0.2", "1"), ("0.1", "0.5"), ("0", "0")),
             "Từ 20% trở lên: điểm tối đa; từ 10% đến dưới 20%: 0,5 điểm tối đa.",
             den=(2500, 12000), typ=(0.04, 0.3)),
    ]
    if y >= 2022:
        f3_children.append(
            leaf("3.6", "Tỷ lệ hồ sơ TTHC được số hóa khi tiếp nhận, giải quyết", "1",
                 bands(("0.5", "1"), ("0.3", "0.5"), ("0", "0")),
                 "Theo Nghị định 107/2021/NĐ-CP. Từ 50% trở lên: điểm tối đa; từ 30%: 0,5.",
                 den=(2500, 12000), typ=(0.15, 0.75)))
    f3 = group("3", "Cải cách thủ tục hành chính", f3_children)
    f4 = group("4", "Cải cách tổ chức bộ máy hành chính", [
        group("4.1", "Thực hiện quy định về tổ chức bộ máy", [
            leaf("4.1.1", "Sắp xếp, kiện toàn các cơ quan chuyên môn theo quy định", "0.75",
                 YES_NO),
            leaf("4.1.2", "Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức", "0.75",
                 POINTS, GUIDE_POINTS),
        ]),
        group("4.2", "Quản lý biên chế", [
            leaf("4.2.1", "Sử dụng biên chế được giao", "0.75", LV_BIEN_CHE),
            leaf("4.2.2", "Thực hiện tinh giản biên chế theo lộ trình", "0.75", R_HOAN_THANH,
                 "Số biên chế đã tinh giản/chỉ tiêu tinh giản của năm.", den=(8, 30)),
        ]),
        leaf("4.3", "Sắp xếp đơn vị sự nghiệp công lập, giảm đầu mối", "1", LV_HOAN_THANH),
    ])
    f5 = group("5", "Cải cách chế độ công vụ", [
        group("5.1", "Vị trí việc làm và cơ cấu ngạch công chức", [
            leaf("5.1.1", "Xây dựng, trình phê duyệt vị trí việc làm đúng thời hạn", "0.75",
                 YES_NO),
            leaf("5.1.2", "Tỷ lệ công chức được bố trí đúng vị trí việc làm", "0.75", R_XA,
                 den=(70, 140)),
        ]),
        group("5.2", "Tuyển dụng, bổ nhiệm, đánh giá công chức, viên chức", [
            leaf("5.2.1", "Thực hiện quy định về tuyển dụng công chức, viên chức", "1",
                 LV_DUNG_QD, "Không tổ chức tuyển dụng trong năm thì ghi NA.", na=True),
            leaf("5.2.2", "Thực hiện quy định về bổ nhiệm, bổ nhiệm lại lãnh đạo", "1",
                 LV_DUNG_QD),
            leaf("5.2.3", "Đánh giá, xếp loại công chức, viên chức đúng quy định", "0.5",
                 YES_NO),
        ]),
        leaf("5.3", "Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng", "1.75" if y >= 2022
             else "1.5", R_HOAN_THANH, den=(12, 40)),
        group("5.4", "Kỷ luật, kỷ cương hành chính", [
            leaf("5.4.1", "Thực hiện quy định về văn hóa công vụ, quy chế làm việc",
                 "1" if y >= 2022 else "1.25", POINTS, GUIDE_POINTS),
            leaf("5.4.2", "Công chức, viên chức bị kỷ luật trong năm", "1", LV_KY_LUAT),
        ]),
        group("5.5", "Cán bộ, công chức cấp xã", [
            leaf("5.5.1", "Tỷ lệ công chức cấp xã đạt chuẩn theo quy định", "1", PROPORTIONAL,
                 "Điểm = điểm tối đa × tỷ lệ.", den="commune_staff"),
            leaf("5.5.2", "Thực hiện chế độ, chính sách đối với người hoạt động không chuyên "
                 "trách cấp xã", "0.5", YES_NO),
        ]),
    ])
    f6 = group("6", "Cải cách tài chính công", [
        group("6.1", "Quản lý, sử dụng ngân sách nhà nước", [
            leaf("6.1.1", "Tỷ lệ giải ngân kế hoạch vốn đầu tư công được giao", "1.5",
                 bands(("0.95", "1"), ("0.9", "0.75"), ("0.8", "0.5"), ("0", "0")),
                 "Số liệu đến hết ngày 31/01 năm sau.", den=(120, 480), typ=(0.7, 1)),
            leaf("6.1.2", "Công khai dự toán, quyết toán ngân sách theo quy định", "1", YES_NO),
        ]),
        group("6.2", "Thực hiện cơ chế tự chủ tài chính", [
            leaf("6.2.1", "Thực hiện cơ chế tự chủ về biên chế và kinh phí quản lý hành chính",
                 "0.5", YES_NO),
            leaf("6.2.2", "Tỷ lệ đơn vị sự nghiệp công lập tự bảo đảm một phần chi thường "
                 "xuyên trở lên", "1.5", bands(("0.3", "1"), ("0.1", "0.5"), ("0", "0")),
                 den=(40, 90), typ=(0.02, 0.4)),
        ]),
        leaf("6.3", "Quản lý, sử dụng tài sản công", "1.5", POINTS, GUIDE_POINTS),
        leaf("6.4", "Tỷ lệ kết luận, kiến nghị của thanh tra, kiểm toán về tài chính được thực "
             "hiện", "1.25", PROPORTIONAL, "Điểm = điểm tối đa × tỷ lệ." + GUIDE_NA,
             den=(3, 12), na=True),
    ])
    f7 = group("7", "Xây dựng và phát triển Chính quyền điện tử, chính quyền số", [
        group("7.1", "Ứng dụng công nghệ thông tin trong hoạt động của cơ quan", [
            leaf("7.1.1", "Tỷ lệ văn bản đi được ký số và gửi trên môi trường điện tử", "1.5",
                 bands(("0.9", "1"), ("0.7", "0.5"), ("0", "0")), den=(3000, 9000),
                 typ=(0.6, 1)),
            leaf("7.1.2", "Sử dụng hệ thống quản lý văn bản và điều hành liên thông 4 cấp",
                 "0.5", YES_NO),
            leaf("7.1.3", "Sử dụng hệ thống thư điện tử công vụ", "1", LV_THU_DIEN_TU),
        ]),
        group("7.2", "Cung cấp dịch vụ công trực tuyến", [
            leaf("7.2.1", "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến (mức độ 3, 4)", "2",
                 bands(("0.5", "1"), ("0.3", "0.75"), ("0.2", "0.5"), ("0.1", "0.25"),
                       ("0", "0")), GUIDE_RATIO, den=(2500, 12000), typ=(0.03, 0.6)),
            leaf("7.2.2", "Tỷ lệ kết quả giải quyết TTHC được trả trực tuyến", "1.5",
                 PROPORTIONAL, "Điểm = điểm tối đa × tỷ lệ.", den=(400, 2500),
                 typ=(0.05, 0.6)),
            leaf("7.2.3", "Cập nhật, đồng bộ hồ sơ lên Hệ thống thông tin một cửa điện tử của "
                 "tỉnh", "1.5", LV_DONG_BO),
        ]),
        leaf("7.3", "Duy trì, cập nhật Trang thông tin điện tử của huyện", "1.5", POINTS,
             GUIDE_POINTS),
        leaf("7.4", "Phát sinh giao dịch thanh toán trực tuyến trên Cổng Dịch vụ công", "1",
             YES_NO),
        group("7.5", "Bảo đảm an toàn thông tin mạng", [
            leaf("7.5.1", "Ban hành quy chế bảo đảm an toàn thông tin mạng", "0.5", YES_NO),
            leaf("7.5.2", "Số cuộc tập huấn, diễn tập an toàn thông tin được tổ chức", "1",
                 count("0.5"), "0,5 điểm cho mỗi cuộc, tối đa 1 điểm."),
        ]),
        leaf("7.6", "Thực hiện Kế hoạch chuyển đổi số năm 2022" if y >= 2022
             else "Thực hiện nhiệm vụ chuyển đổi số", "1.5", R_HOAN_THANH,
             "Số nhiệm vụ hoàn thành/tổng số nhiệm vụ trong kế hoạch.", den=(10, 25)),
    ])
    f8 = group("8", "Điều tra xã hội học", [
        group("8.1", "Đánh giá của đại biểu HĐND và cán bộ, công chức", [
            leaf("8.1.1", "Đánh giá của đại biểu HĐND huyện", "6", SURVEY,
                 "Điểm do Sở Nội vụ tổng hợp từ phiếu điều tra."),
            leaf("8.1.2", "Đánh giá của lãnh đạo các phòng, ban và UBND cấp xã", "6", SURVEY),
        ]),
        group("8.2", "Đánh giá của người dân, tổ chức", [
            leaf("8.2.1", "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ "
                 "quan hành chính" + (" (SIPAS)" if y >= 2022 else ""), "12", SURVEY,
                 "Điểm do Sở Nội vụ tổng hợp từ phiếu điều tra."),
            leaf("8.2.2", "Đánh giá của doanh nghiệp về chất lượng giải quyết TTHC", "6",
                 SURVEY),
        ]),
    ])
    f9 = group("9", "Tác động của CCHC đến phát triển kinh tế – xã hội", [
        leaf("9.1", "Thu ngân sách nhà nước trên địa bàn so với dự toán", "1.5",
             levels(("Vượt dự toán", "1"), ("Đạt dự toán", "0.75"),
                    ("Đạt từ 90% đến dưới 100%", "0.5"), ("Dưới 90%", "0"))),
        leaf("9.2", "Số dự án đầu tư mới được chấp thuận chủ trương trên địa bàn", "1",
             count("0.25"), "0,25 điểm cho mỗi dự án, tối đa 1 điểm."),
        leaf("9.3", "Tỷ lệ giảm hộ nghèo so với chỉ tiêu được giao", "1.5", R_HOAN_THANH,
             den=(300, 1200)),
        leaf("9.4", "Kết quả xây dựng nông thôn mới so với kế hoạch", "1.5",
             levels(("Đạt, vượt kế hoạch", "1"), ("Đạt từ 50% đến dưới 100% kế hoạch", "0.5"),
                    ("Dưới 50% kế hoạch", "0"))),
        leaf("9.5", "Tác động của CCHC đến chất lượng dịch vụ công và môi trường đầu tư, kinh "
             "doanh", "2.5", POINTS, GUIDE_POINTS),
    ])
    return [f1, f2, f3, f4, f5, f6, f7, f8, f9, *bonus_penalty(y)]


SO_NO_UNITS = {"TTT", "BDT", "SNGV"}      # no subordinate units to inspect
SO_NO_DVSN = {"TTT", "BDT", "SNGV", "VPUBND"}  # no public service units (đơn vị sự nghiệp)


def so_nodes(year: int) -> list[dict]:
    y = year
    f1 = group("1", "Công tác chỉ đạo, điều hành CCHC", [
        group("1.1", "Kế hoạch CCHC năm", [
            leaf("1.1.1", "Ban hành kế hoạch CCHC năm kịp thời", "0.5", LV_DUNG_HAN),
            leaf("1.1.2", "Mức độ hoàn thành kế hoạch CCHC năm", "1.5", R_HOAN_THANH,
                 "Số nhiệm vụ hoàn thành/tổng số nhiệm vụ trong kế hoạch.", den=(14, 30)),
        ]),
        leaf("1.2", "Thực hiện chế độ báo cáo CCHC định kỳ", "1", LV_BAO_CAO),
        group("1.3", "Kiểm tra CCHC đối với các phòng, đơn vị trực thuộc", [
            leaf("1.3.1", "Tỷ lệ phòng, đơn vị trực thuộc được kiểm tra trong năm", "1",
                 bands(("0.3", "1"), ("0.2", "0.5"), ("0", "0")),
                 "Cơ quan không có đơn vị trực thuộc ghi NA.", den=(5, 14), typ=(0.15, 0.6),
                 na_units=SO_NO_UNITS),
            leaf("1.3.2", "Tỷ lệ tồn tại phát hiện qua kiểm tra được xử lý", "0.5",
                 PROPORTIONAL, "Điểm = điểm tối đa × tỷ lệ." + GUIDE_NA, den=(3, 10),
                 na=True, na_units=SO_NO_UNITS),
        ]),
        leaf("1.4", "Công tác thông tin, tuyên truyền CCHC", "1", POINTS, GUIDE_POINTS),
        leaf("1.5", "Sáng kiến, giải pháp mới trong CCHC", "1", count("0.5")),
        leaf("1.6", "Tỷ lệ nhiệm vụ UBND tỉnh giao được hoàn thành đúng hạn", "2",
             bands(("1", "1"), ("0.95", "0.75"), ("0.9", "0.5"), ("0", "0")),
             "Theo số liệu của Hệ thống theo dõi nhiệm vụ của Văn phòng UBND tỉnh.",
             den=(20, 160)),
        leaf("1.7", "Đổi mới trong chỉ đạo, điều hành CCHC của người đứng đầu", "0.5",
             POINTS, GUIDE_POINTS),
    ])
    f2 = group("2", "Cải cách thể chế", [
        group("2.1", "Tham mưu xây dựng văn bản quy phạm pháp luật", [
            leaf("2.1.1", "Tỷ lệ văn bản QPPL được tham mưu ban hành đúng chương trình, kế "
                 "hoạch", "2", R_HOAN_THANH, "Không được giao tham mưu văn bản nào thì ghi NA.",
                 den=(2, 9), na=True),
            leaf("2.1.2", "Chất lượng văn bản QPPL do cơ quan tham mưu",
                 "1", levels(("Không có văn bản bị kiến nghị xử lý", "1"),
                             ("Có văn bản bị kiến nghị sửa đổi", "0.5"),
                             ("Có văn bản bị kiến nghị bãi bỏ", "0"))),
        ]),
        group("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", [
            leaf("2.2.1", "Ban hành kế hoạch rà soát, hệ thống hóa văn bản", "0.5", YES_NO),
            leaf("2.2.2", "Tỷ lệ văn bản sau rà soát được xử lý hoặc kiến nghị xử lý",
                 "1.75" if y >= 2022 else "1.5", R_HOAN_THANH, den=(3, 15)),
        ]),
        leaf("2.3", "Theo dõi tình hình thi hành pháp luật trong lĩnh vực quản lý",
             "1.25" if y >= 2022 else "1.5", POINTS, GUIDE_POINTS),
        leaf("2.4", "Kiểm tra, xử lý văn bản quy phạm pháp luật thuộc lĩnh vực quản lý", "1.5",
             LV_DUNG_QD),
    ])
    f3_children = [
        group("3.1", "Rà soát, cập nhật, công bố thủ tục hành chính", [
            leaf("3.1.1", "Tham mưu công bố danh mục TTHC kịp thời", "1.5", LV_DUNG_HAN),
            leaf("3.1.2", "Phương án đơn giản hóa TTHC được thông qua", "1" if y >= 2022
                 else "1.5", count("0.5"), "0,5 điểm cho mỗi phương án."),
        ]),
        leaf("3.2", "Công khai TTHC tại Bộ phận Một cửa và trên Cổng Dịch vụ công", "1",
             YES_NO),
        group("3.3", "Kết quả giải quyết thủ tục hành chính", [
            leaf("3.3.1", "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn", "3.5", R_DUNG_HAN,
                 GUIDE_RATIO, den=(300, 9000), typ=(0.94, 1), ontime=True),
            leaf("3.3.2", "Thực hiện xin lỗi khi giải quyết hồ sơ quá hạn", "1", LV_XIN_LOI,
                 "Không có hồ sơ quá hạn thì ghi NA.", na=True),
            leaf("3.3.3", "Thực hiện cơ chế một cửa, một cửa liên thông", "2", POINTS,
                 GUIDE_POINTS),
        ]),
        group("3.4", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính", [
            leaf("3.4.1", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "1", PROPORTIONAL,
                 "Điểm = điểm tối đa × tỷ lệ." + GUIDE_NA, den=(2, 8), na=True),
            leaf("3.4.2", "Công khai kết quả xử lý phản ánh, kiến nghị", "0.5", YES_NO),
        ]),
        leaf("3.5", "Tỷ lệ hồ sơ tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích",
             "1.5" if y >= 2022 else "2", bands(("0.2", "1"), ("0.1", "0.5"), ("0", "0")),
             den=(300, 9000), typ=(0.04, 0.3), na_units={"BDT"}),
    ]
    if y >= 2022:
        f3_children.append(
            leaf("3.6", "Tỷ lệ hồ sơ TTHC được số hóa khi tiếp nhận, giải quyết", "1",
                 bands(("0.5", "1"), ("0.3", "0.5"), ("0", "0")),
                 "Theo Nghị định 107/2021/NĐ-CP.", den=(300, 9000), typ=(0.15, 0.75)))
    f3 = group("3", "Cải cách thủ tục hành chính", f3_children)
    f4 = group("4", "Cải cách tổ chức bộ máy hành chính", [
        group("4.1", "Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức", [
            leaf("4.1.1", "Ban hành quy định chức năng, nhiệm vụ của các phòng, đơn vị", "1",
                 YES_NO),
            leaf("4.1.2", "Thực hiện quy định về cơ cấu tổ chức, số lượng lãnh đạo", "1",
                 POINTS, GUIDE_POINTS),
        ]),
        group("4.2", "Quản lý biên chế", [
            leaf("4.2.1", "Sử dụng biên chế được giao", "1", LV_BIEN_CHE),
            leaf("4.2.2", "Thực hiện tinh giản biên chế theo lộ trình", "1", R_HOAN_THANH,
                 den=(2, 12)),
        ]),
        leaf("4.3", "Sắp xếp đơn vị sự nghiệp công lập trực thuộc", "1", LV_HOAN_THANH,
             "Cơ quan không có đơn vị sự nghiệp ghi NA.", na_units=SO_NO_DVSN),
        leaf("4.4", "Thực hiện đầy đủ các nội dung phân cấp, ủy quyền", "1", YES_NO),
    ])
    f5 = group("5", "Cải cách chế độ công vụ", [
        group("5.1", "Vị trí việc làm", [
            leaf("5.1.1", "Xây dựng, trình phê duyệt vị trí việc làm đúng thời hạn", "1", YES_NO),
            leaf("5.1.2", "Tỷ lệ công chức được bố trí đúng vị trí việc làm", "1", R_XA,
                 den=(25, 120)),
        ]),
        group("5.2", "Tuyển dụng, bổ nhiệm, đánh giá công chức, viên chức", [
            leaf("5.2.1", "Thực hiện quy định về tuyển dụng", "1", LV_DUNG_QD,
                 "Không tổ chức tuyển dụng trong năm thì ghi NA.", na=True),
            leaf("5.2.2", "Thực hiện quy định về bổ nhiệm, bổ nhiệm lại lãnh đạo", "1.5",
                 LV_DUNG_QD),
            leaf("5.2.3", "Đánh giá, xếp loại công chức, viên chức đúng quy định", "0.5",
                 YES_NO),
        ]),
        leaf("5.3", "Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng", "1.5", R_HOAN_THANH,
             den=(8, 30)),
        group("5.4", "Kỷ luật, kỷ cương hành chính", [
            leaf("5.4.1", "Thực hiện quy định về văn hóa công vụ, quy chế làm việc", "1.5",
                 POINTS, GUIDE_POINTS),
            leaf("5.4.2", "Công chức, viên chức bị kỷ luật trong năm", "1", LV_KY_LUAT),
        ]),
        leaf("5.5", "Thực hiện chế độ, chính sách đối với công chức, viên chức", "1", YES_NO),
    ])
    f6 = group("6", "Cải cách tài chính công", [
        group("6.1", "Quản lý, sử dụng kinh phí ngân sách", [
            leaf("6.1.1", "Tỷ lệ giải ngân kinh phí, vốn đầu tư công được giao", "1.5",
                 bands(("0.95", "1"), ("0.9", "0.75"), ("0.8", "0.5"), ("0", "0")),
                 den=(40, 900), typ=(0.7, 1)),
            leaf("6.1.2", "Công khai dự toán, quyết toán ngân sách theo quy định", "1", YES_NO),
        ]),
        group("6.2", "Thực hiện cơ chế tự chủ tài chính", [
            leaf("6.2.1", "Ban hành và thực hiện quy chế chi tiêu nội bộ", "1", YES_NO),
            leaf("6.2.2", "Tỷ lệ đơn vị sự nghiệp tự bảo đảm một phần chi thường xuyên trở lên",
                 "1", bands(("0.5", "1"), ("0.3", "0.5"), ("0", "0")),
                 "Cơ quan không có đơn vị sự nghiệp ghi NA.", den=(2, 12), typ=(0.1, 0.7),
                 na_units=SO_NO_DVSN),
        ]),
        leaf("6.3", "Quản lý, sử dụng tài sản công", "1.5", POINTS, GUIDE_POINTS),
        leaf("6.4", "Tỷ lệ kết luận, kiến nghị của thanh tra, kiểm toán được thực hiện", "1",
             PROPORTIONAL, "Điểm = điểm tối đa × tỷ lệ." + GUIDE_NA, den=(2, 10), na=True),
    ])
    f7 = group("7", "Xây dựng và phát triển Chính quyền điện tử, chính quyền số", [
        group("7.1", "Ứng dụng công nghệ thông tin trong hoạt động nội bộ", [
            leaf("7.1.1", "Tỷ lệ văn bản đi được ký số và gửi trên môi trường điện tử", "2",
                 bands(("0.9", "1"), ("0.7", "0.5"), ("0", "0")), den=(1200, 6000),
                 typ=(0.6, 1)),
            leaf("7.1.2", "Sử dụng hệ thống quản lý văn bản và điều hành", "1", YES_NO),
            leaf("7.1.3", "Sử dụng hệ thống thư điện tử công vụ", "1", LV_THU_DIEN_TU),
        ]),
        group("7.2", "Cung cấp dịch vụ công trực tuyến", [
            leaf("7.2.1", "Tỷ lệ TTHC được cung cấp dịch vụ công trực tuyến mức độ 3, 4", "2.5",
                 bands(("0.8", "1"), ("0.6", "0.75"), ("0.4", "0.5"), ("0", "0")),
                 den=(15, 160), typ=(0.3, 1)),
            leaf("7.2.2", "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến", "2.5",
                 bands(("0.5", "1"), ("0.3", "0.75"), ("0.2", "0.5"), ("0.1", "0.25"),
                       ("0", "0")), GUIDE_RATIO, den=(300, 9000), typ=(0.03, 0.7)),
            leaf("7.2.3", "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến", "1.5",
                 PROPORTIONAL, "Điểm = điểm tối đa × tỷ lệ. Không có TTHC thu phí thì ghi NA.",
                 den=(100, 2000), typ=(0.02, 0.5), na_units={"BDT", "TTT"}),
            leaf("7.2.4", "Cập nhật, đồng bộ hồ sơ lên Hệ thống thông tin một cửa điện tử",
                 "1.5", LV_DONG_BO),
        ]),
        leaf("7.3", "Duy trì, cập nhật Trang thông tin điện tử của cơ quan", "1.5", POINTS,
             GUIDE_POINTS),
        group("7.4", "Bảo đảm an toàn thông tin mạng", [
            leaf("7.4.1", "Phê duyệt hồ sơ đề xuất cấp độ an toàn hệ thống thông tin", "0.5",
                 YES_NO),
            leaf("7.4.2", "Số cuộc tập huấn, diễn tập an toàn thông tin", "1", count("0.5")),
        ]),
        leaf("7.5", "Kế hoạch và kết quả thực hiện chuyển đổi số năm 2022" if y >= 2022
             else "Thực hiện nhiệm vụ chuyển đổi số", "1", R_HOAN_THANH, den=(8, 20)),
    ])
    f8 = group("8", "Điều tra xã hội học", [
        group("8.1", "Đánh giá của đại biểu HĐND tỉnh và cán bộ, công chức", [
            leaf("8.1.1", "Đánh giá của đại biểu HĐND tỉnh", "5", SURVEY,
                 "Điểm do Sở Nội vụ tổng hợp từ phiếu điều tra."),
            leaf("8.1.2", "Đánh giá của lãnh đạo UBND cấp huyện", "5", SURVEY),
            leaf("8.1.3", "Đánh giá của lãnh đạo cấp phòng và công chức của cơ quan", "5",
                 SURVEY),
        ]),
        group("8.2", "Đánh giá của người dân, tổ chức", [
            leaf("8.2.1", "Mức độ hài lòng của người dân, tổ chức đối với việc giải quyết TTHC"
                 + (" (SIPAS)" if y >= 2022 else ""), "10", SURVEY),
            leaf("8.2.2", "Đánh giá của doanh nghiệp", "5", SURVEY),
        ]),
    ])
    return [f1, f2, f3, f4, f5, f6, f7, f8, *bonus_penalty(y)]


BANDS = {
    "huyen": [("tot", "Tốt", "80"), ("kha", "Khá", "70"), ("trung-binh", "Trung bình", "50"),
              ("yeu", "Yếu", "0")],
    "so": [("tot", "Tốt", "85"), ("kha", "Khá", "75"), ("trung-binh", "Trung bình", "50"),
           ("yeu", "Yếu", "0")],
}
FW_NAMES = {
    "huyen": "Bộ chỉ số CCHC của UBND các huyện, thị xã, thành phố năm {y}",
    "so": "Bộ chỉ số CCHC của các sở, ban, ngành tỉnh năm {y}",
}


def framework(group_code: str, year: int) -> dict:
    nodes = huyen_nodes(year) if group_code == "huyen" else so_nodes(year)
    return {
        "code": f"gialai-{group_code}-{year}",
        "name": FW_NAMES[group_code].format(y=year),
        "year": year,
        "unit_group": group_code,
        "ranking": "competition",
        "bands": [{"code": c, "label": lab, "min": D(m)} for c, lab, m in BANDS[group_code]],
        "nodes": nodes,
    }


FRAMEWORKS = [("huyen", 2021), ("so", 2021), ("huyen", 2022), ("so", 2022)]


def leaves(node_or_list, top=None):
    """(leaf, top-level node) pairs in document order."""
    items = node_or_list if isinstance(node_or_list, list) else [node_or_list]
    for n in items:
        t = top or n
        if "children" in n:
            yield from leaves(n["children"], t)
        else:
            yield n, t


# ---------------------------------------------------------------------------------------------
# YAML writer (block style for the tree, flow style for rules and bands; strings JSON-quoted,
# which YAML reads as double-quoted scalars). Output is checked by a round trip through PyYAML.
# ---------------------------------------------------------------------------------------------

def ynum(x: Decimal) -> str:
    s = format(x.normalize(), "f")
    return s


def yflow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {yflow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(yflow(x) for x in v) + "]"
    if isinstance(v, Decimal):
        return ynum(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        plain = v.replace("-", "").replace("_", "").isalnum() and v.isascii()
        return v if plain else json.dumps(v, ensure_ascii=False)
    return str(v)


def public(node: dict) -> dict:
    out = {}
    for k in ("code", "title", "kind", "max", "rule", "guide"):
        if k in node:
            out[k] = node[k]
    if "children" in node:
        out["children"] = [public(c) for c in node["children"]]
    return out


def emit_node(node: dict, indent: int, lines: list[str]):
    pad = " " * indent
    lines.append(f"{pad}- code: {json.dumps(node['code'])}")
    pad2 = pad + "  "
    lines.append(f"{pad2}title: {json.dumps(node['title'], ensure_ascii=False)}")
    if "kind" in node:
        lines.append(f"{pad2}kind: {node['kind']}")
    lines.append(f"{pad2}max: {ynum(node['max'])}")
    if "rule" in node:
        lines.append(f"{pad2}rule: {yflow(node['rule'])}")
    if "guide" in node:
        lines.append(f"{pad2}guide: {json.dumps(node['guide'], ensure_ascii=False)}")
    if "children" in node:
        lines.append(f"{pad2}children:")
        for c in node["children"]:
            emit_node(c, indent + 4, lines)


def framework_yaml(fw: dict) -> str:
    lines = [
        "# Demo data of parindex, generated by examples/gialai/build.py — edit build.py, not this.",
        f"code: {fw['code']}",
        f"name: {json.dumps(fw['name'], ensure_ascii=False)}",
        f"year: {fw['year']}",
        f"unit_group: {fw['unit_group']}",
        f"ranking: {fw['ranking']}",
        "bands:",
    ]
    for b in fw["bands"]:
        lines.append(f"  - {yflow(b)}")
    lines.append("nodes:")
    for n in fw["nodes"]:
        emit_node(public(n), 2, lines)
    return "\n".join(lines) + "\n"


def plain(v):
    """What PyYAML should read back for a value we wrote."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if not k.startswith("_")}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(str(v))
    return v


# ---------------------------------------------------------------------------------------------
# The arithmetic (formats.md): leaf points, unit totals, index, ranks.
# ---------------------------------------------------------------------------------------------

NA_WORDS = {"na", "kad"}
YES_WORDS = {"yes": True, "có": True, "no": False, "không": False}


def leaf_points(node: dict, value: str):
    """Points of one leaf as (Decimal, Fraction), or None when not applicable. Validates."""
    rule, mx = node["rule"], node["max"]
    v = value.strip()
    if v.lower() in NA_WORDS:
        return None
    kind = rule["kind"]
    if kind in ("points", "survey"):
        p = D(v)
        assert p == p.quantize(CENT) and 0 <= p <= mx, (node["code"], v)
        return p, Fraction(v)
    if kind == "yes_no":
        yes = YES_WORDS[v.lower()]
        return (mx, Fraction(str(mx))) if yes else (D(0), Fraction(0))
    if kind == "levels":
        (lv,) = [x for x in rule["levels"] if x["label"] == v]
        return mx * lv["fraction"], Fraction(str(mx)) * Fraction(str(lv["fraction"]))
    if kind == "count":
        assert v.isdigit(), (node["code"], v)
        p = min(int(v) * rule["per_item"], mx)
        return p, Fraction(str(p))
    if kind == "ratio":
        n, d = (int(x) for x in v.split("/"))
        assert 0 <= n <= d and d > 0, (node["code"], v)
        r = Fraction(n, d)
        if rule.get("proportional"):
            return mx * (D(n) / D(d)), Fraction(str(mx)) * r
        for b in rule["bands"]:
            if Fraction(str(b["min"])) <= r:
                assert r != Fraction(str(b["min"])) or b["min"] in (0, 1), (node["code"], v)
                return mx * b["fraction"], Fraction(str(mx)) * Fraction(str(b["fraction"]))
        return D(0), Fraction(0)
    raise ValueError(kind)


def compute_unit(fw: dict, values: dict[str, str]) -> dict:
    """Exact totals of one unit; checks that Decimal and Fraction agree after rounding."""
    ach, achf, mx = D(0), Fraction(0), D(0)
    fields, missing = {}, []
    for top in fw["nodes"]:
        a, af, m, applicable = D(0), Fraction(0), D(0), False
        for lf, _ in leaves(top):
            if lf["code"] not in values:
                missing.append(lf["code"])
                pts = (D(0), Fraction(0))
            else:
                pts = leaf_points(lf, values[lf["code"]])
            if pts is None:
                continue
            applicable = True
            a, af, m = a + pts[0], af + pts[1], m + lf["max"]
        if top.get("kind") in ("bonus", "penalty"):
            sign = 1 if top["kind"] == "bonus" else -1
            capped = min(a, top["max"])
            ach += sign * capped
            achf += sign * min(af, Fraction(str(top["max"])))
            continue
        ach, achf, mx = ach + a, achf + af, mx + m
        if applicable:
            fields[top["code"]] = {"achieved": a, "achieved_f": af, "max": m}
    index = max(D(0), min(D(100), ach / mx * 100))
    index_f = max(Fraction(0), min(Fraction(100), achf / Fraction(str(mx)) * 100))
    assert q2(index) == q2_frac(index_f), ("rounding ambiguity", index, index_f)
    assert boundary_margin(index_f) > Fraction(1, 10**9), ("too close to a rounding boundary",
                                                             index_f)
    return {"achieved": ach, "achieved_f": achf, "max": mx, "index": index, "fields": fields,
            "missing": missing}


def q2_frac(x: Fraction) -> Decimal:
    """Half-up rounding of an exact non-negative rational to two places."""
    cents = (x * 100 * 2 + 1) // 2  # floor(x*100 + 1/2)
    return (D(int(cents)) / 100).quantize(CENT)


def boundary_margin(x: Fraction) -> Fraction:
    """Distance of x*100 from the nearest half-cent rounding boundary (in cents)."""
    c = x * 100 - Fraction(1, 2)
    return abs(c - round(c))


def ranks(indexes: dict[str, Decimal]) -> dict[str, int]:
    rounded = {u: q2(i) for u, i in indexes.items()}
    ordered = sorted(rounded.values(), reverse=True)
    return {u: ordered.index(v) + 1 for u, v in rounded.items()}


def band_of(fw: dict, index: Decimal) -> str:
    for b in fw["bands"]:
        if q2(index) >= b["min"]:
            return b["code"]
    return ""


# ---------------------------------------------------------------------------------------------
# Drawing a unit's values.
# ---------------------------------------------------------------------------------------------

ADJUSTABLE = ("points", "survey")


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def denominator(lf: dict, unit: str, rng: random.Random) -> int:
    den = lf.get("_den", (5, 40))
    if den == "communes":
        return COMMUNES[unit]
    if den == "units":
        return COMMUNES[unit] + 12  # communes + the district's specialised offices
    if den == "commune_staff":
        return COMMUNES[unit] * rng.randint(9, 11)
    return rng.randint(*den)


def draw_ratio(lf, unit, q, rng, full):
    d = denominator(lf, unit, rng)
    rule = lf["rule"]
    lo, hi = lf.get("_typ", (0, 1))  # the range such a ratio usually takes in practice
    top = 1 if rule.get("proportional") else float(rule["bands"][0]["min"])
    if full:
        r = 1.0 if top >= hi else rng.uniform(max(lo, top) + 0.02, hi)
        n = d if r == 1.0 else max(int((Fraction(str(top)) * d).__ceil__()) + 1, round(r * d))
        return off_boundary(lf, min(n, d), d)
    if hi == 1 and rng.random() < (q - 0.5) * (1.6 if lf.get("_ontime") else 1.2):
        r = 1.0
    elif "_typ" in lf:
        r = lo + (hi - lo) * clamp(rng.gauss((q - 0.6) / 0.4, 0.25), 0, 1)
    else:
        r = clamp(rng.gauss(q + 0.08, 0.12), 0.0, 1.0)
    return off_boundary(lf, round(r * d), d)


def off_boundary(lf, n: int, d: int) -> str:
    """n/d, moved one step when it would sit exactly on a band threshold other than 0 and 1
    (so that no reader can disagree about which band an exact-threshold ratio falls in)."""
    rule = lf["rule"]
    if not rule.get("proportional"):
        mins = {Fraction(str(b["min"])) for b in rule["bands"]} - {0, 1}
        while Fraction(n, d) in mins:
            n -= 1
    return f"{n}/{d}"


def draw_fixed(lf, unit, q, rng, full):
    """A value for a data-driven leaf, around quality q (0..1); full = top marks."""
    rule, kind = lf["rule"], lf["rule"]["kind"]
    if kind == "yes_no":
        return "yes" if full or rng.random() < clamp(q + 0.15, 0, 0.97) else "no"
    if kind == "levels":
        lv = sorted(rule["levels"], key=lambda x: -x["fraction"])
        if full:
            return lv[0]["label"]
        u = clamp(rng.gauss(q + 0.1, 0.22), 0, 1)
        best = min(lv, key=lambda x: (abs(float(x["fraction"]) - u), -x["fraction"]))
        return best["label"]
    if kind == "count":
        items = int((lf["max"] / rule["per_item"]).to_integral_value(rounding="ROUND_CEILING"))
        if full:
            return str(items + (1 if rng.random() < 0.4 else 0))
        k = round(clamp(rng.gauss(q, 0.3), 0, 1) * items)
        if k == items and rng.random() < 0.25:
            k += 1  # more than the cap: capped at max
        return str(k)
    if kind == "ratio":
        return draw_ratio(lf, unit, q, rng, full)
    raise ValueError(kind)


def draw_extra(lf, q, rng, none):
    """Bonus and penalty leaves."""
    kind = lf["rule"]["kind"]
    if none:
        return "no" if kind == "yes_no" else "0"
    code = lf["code"]
    if code == "T.1":
        return str(rng.choice([1, 1, 2]) if rng.random() < 0.35 * q else 0)
    if code == "T.2":
        return "yes" if rng.random() < 0.12 * q else "no"
    if code == "P.1":
        return str(rng.choice([1, 1, 2, 3]) if rng.random() < 0.45 * (1.2 - q) else 0)
    if code == "P.2":
        return str(1 if rng.random() < 0.08 else 0)
    if code == "P.3":
        return "yes" if rng.random() < 0.03 else "no"
    raise ValueError(code)


def guess_fraction(kind, q, rng, full):
    if full:
        return Fraction(1)
    if kind == "survey":
        return Fraction(str(round(clamp(rng.gauss(0.86 + (q - 0.8) * 0.6, 0.025), 0.72, 0.99),
                                  3)))
    return Fraction(str(round(clamp(rng.gauss(q, 0.15), 0.3, 1.0), 3)))


def plausible(kind, frac: Fraction, q: float) -> bool:
    if kind == "survey":
        return Fraction(70, 100) <= frac <= Fraction(99, 100)
    return Fraction(15, 100) <= frac <= 1 if q >= 0.5 else 0 <= frac <= 1


def spread(adj: list[tuple], total_cents: int):
    """Split total_cents over adjustable leaves [(leaf, guess Fraction)] near their guesses.

    Returns {code: cents} or None when impossible."""
    caps = [int(lf["max"] * 100) for lf, _ in adj]
    guess = [min(cap, round(Fraction(str(lf["max"])) * 100 * g)) for (lf, g), cap in zip(adj, caps,
                                                                                strict=True)]
    delta = total_cents - sum(guess)
    room = [cap - g for g, cap in zip(guess, caps, strict=True)] if delta > 0 else guess[:]
    if sum(room) < abs(delta):
        return None
    out = guess[:]
    if delta:
        tot = sum(room)
        step = [abs(delta) * r // tot for r in room]
        rest = abs(delta) - sum(step)
        order = sorted(range(len(adj)), key=lambda i: -(room[i] - step[i]))
        for i in order:
            if rest == 0:
                break
            if step[i] < room[i]:
                step[i] += 1
                rest -= 1
        sign = 1 if delta > 0 else -1
        out = [g + sign * s for g, s in zip(guess, step, strict=True)]
    return {lf["code"]: c for (lf, _), c in zip(adj, out, strict=True)}


def cents_str(c: int) -> str:
    return str((D(c) / 100).quantize(CENT))


def solve_cents(fixed: Fraction, target: Decimal, mx: Decimal | None, exact_only=False):
    """Integer cents a such that round((fixed + a/100)[/mx*100]) == target, best margin first."""
    if mx is None:
        ideal = (Fraction(str(target)) - fixed) * 100
    else:
        ideal = (Fraction(str(target)) * Fraction(str(mx)) / 100 - fixed) * 100
    base = round(ideal)
    found = []
    for a in range(base - 3, base + 4):
        tot = fixed + Fraction(a, 100)
        val = tot if mx is None else tot / Fraction(str(mx)) * 100
        if q2_frac(val) == target and boundary_margin(val) > Fraction(1, 10**6):
            exact = val == Fraction(str(target))
            found.append((not exact, abs(Fraction(a) - ideal), a))
    if exact_only:
        found = [f for f in found if not f[0]]
    return min(found)[2] if found else None


def draw_unit(fw, unit, target: Decimal, field_targets: dict | None, no_extras: bool):
    """Values {leaf code: value string} of one unit whose index rounds to target."""
    fwc = fw["code"]
    q0 = float(target) / 100
    for attempt in range(5000):
        rng = random.Random(f"{fwc}|{unit}|{attempt}")
        q = clamp(q0 + rng.uniform(-0.06, 0.04), 0.3, 1.0)
        values, fixed_f, adj, mx = {}, Fraction(0), [], D(0)
        ok = True
        for top in fw["nodes"]:
            if top.get("kind") in ("bonus", "penalty"):
                s = Fraction(0)
                for lf, _ in leaves(top):
                    values[lf["code"]] = draw_extra(lf, q, rng, no_extras)
                    s += leaf_points(lf, values[lf["code"]])[1]
                s = min(s, Fraction(str(top["max"])))
                fixed_f += s if top["kind"] == "bonus" else -s
                continue
            ft = field_targets.get(top["code"]) if field_targets else None
            if ft is not None:
                got = fit_field(fw, top, unit, D(ft), rng)
                if got is None:
                    ok = False
                    break
                vals, field_f = got
                values.update(vals)
                fixed_f += field_f
                mx += top["max"]
                continue
            for lf, _ in leaves(top):
                na = (not no_extras) and (
                    unit in lf.get("_na_units", ()) or (lf.get("_na") and rng.random() < 0.15))
                if na:
                    values[lf["code"]] = "NA"
                    continue
                mx += lf["max"]
                kind = lf["rule"]["kind"]
                if kind in ADJUSTABLE:
                    adj.append((lf, guess_fraction(kind, q, rng, False)))
                else:
                    values[lf["code"]] = draw_fixed(lf, unit, q, rng, False)
                    fixed_f += leaf_points(lf, values[lf["code"]])[1]
        if not ok:
            continue
        a = solve_cents(fixed_f, target, mx)
        if a is None or a < 0:
            continue
        cents = spread(adj, a)
        if cents is None:
            continue
        if not all(plausible(lf["rule"]["kind"], Fraction(cents[lf["code"]], 100) /
                             Fraction(str(lf["max"])), q) for lf, _ in adj):
            continue
        for code, c in cents.items():
            values[code] = cents_str(c)
        res = compute_unit(fw, values)
        if q2(res["index"]) != target:
            continue
        if field_targets and any(q2(res["fields"][f]["achieved"]) != D(t)
                                 for f, t in field_targets.items()):
            continue
        return values, attempt
    raise RuntimeError(f"no draw found for {fwc} {unit}")


def fit_field(fw, top, unit, target: Decimal, rng):
    """Values of one field whose achieved points round to target (points); None if no luck."""
    full = target == top["max"]
    q = float(target / top["max"])
    for _ in range(400):
        values, fixed_f, adj = {}, Fraction(0), []
        for lf, _ in leaves(top):
            kind = lf["rule"]["kind"]
            if kind in ADJUSTABLE:
                adj.append((lf, guess_fraction(kind, q, rng, full)))
            else:
                values[lf["code"]] = draw_fixed(lf, unit, q, rng, full)
                fixed_f += leaf_points(lf, values[lf["code"]])[1]
        # exactly the published points, so that the published components add up
        a = solve_cents(fixed_f, target, None, exact_only=True)
        if a is None or a < 0:
            continue
        cents = spread(adj, a)
        if cents is None or not all(
                plausible(lf["rule"]["kind"], Fraction(cents[lf["code"]], 100) /
                          Fraction(str(lf["max"])), q) for lf, _ in adj):
            continue
        for code, c in cents.items():
            values[code] = cents_str(c)
        return values, fixed_f + Fraction(a, 100)
    return None


# ---------------------------------------------------------------------------------------------
# Self-assessment stage: the unit's own sheet, usually a little higher than the appraisal.
# ---------------------------------------------------------------------------------------------

APPRAISAL_NOTES = [
    "Tài liệu kiểm chứng chưa đầy đủ",
    "Số liệu chưa khớp với Hệ thống thông tin giải quyết TTHC của tỉnh",
    "Không cung cấp tài liệu kiểm chứng",
    "Hội đồng thẩm định điều chỉnh sau giải trình",
    "Kết quả kiểm tra thực tế chưa đạt yêu cầu",
    "Chấm lại theo hướng dẫn chấm điểm",
]


def self_value(lf, value: str, rng: random.Random) -> str:
    kind = lf["rule"]["kind"]
    if value == "NA":
        return "KAD" if rng.random() < 0.3 else "NA"
    if kind == "survey" or rng.random() > 0.3:
        return value
    if kind in ("yes_no",):
        return "yes" if lf["code"][0] not in "P" else value
    if kind == "levels":
        lv = sorted(lf["rule"]["levels"], key=lambda x: -x["fraction"])
        i = [x["label"] for x in lv].index(value)
        return lv[max(0, i - 1)]["label"]
    if kind == "count":
        k = int(value)
        return str(max(0, k - 1)) if lf["code"].startswith("P.") else str(k + 1)
    if kind == "ratio":
        n, d = (int(x) for x in value.split("/"))
        return off_boundary(lf, min(d, n + max(1, (d - n) // 2)), d)
    if kind == "points":
        c = int(D(value) * 100)
        cap = int(lf["max"] * 100)
        return cents_str(cap if rng.random() < 0.5 else min(cap, c + (cap - c) // 2))
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def csv_text(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: nfc(str(v)) for k, v in r.items()})
    return buf.getvalue()


def build() -> tuple[dict[str, str], dict]:
    """All files as {name: text}, plus the results table."""
    files: dict[str, str] = {}
    urows = units_rows()
    files["units.csv"] = csv_text(UNIT_COLUMNS, urows)
    unit_names = {r["code"]: r["name"] for r in urows}
    table = {}
    for grp, year in FRAMEWORKS:
        fw = framework(grp, year)
        fwc = fw["code"]
        text = framework_yaml(fw)
        assert yaml.safe_load(text) == {k: plain(v) for k, v in fw.items()}, fwc
        for top in fw["nodes"]:
            assert top["max"] == sum((lf["max"] for lf, _ in leaves(top)), D(0))
        total = sum((n["max"] for n in fw["nodes"] if "kind" not in n), D(0))
        assert total == 100, (fwc, total)
        files[f"framework-{grp}-{year}.yaml"] = nfc(text)
        units = [c for c, *_ in (DISTRICTS if grp == "huyen" else DEPARTMENTS)]
        srng = random.Random(f"{fwc}|self")
        drop = {u: None for u in srng.sample(units, 2)}  # units that forget a leaf when self-scoring
        self_rows, appr_rows = [], []
        for u in units:
            key = (fwc, u)
            values, _ = draw_unit(fw, u, D(TARGETS[fwc][u]), FIELD_TARGETS.get(key),
                                  key in NO_EXTRAS)
            urng = random.Random(f"{fwc}|{u}|self")
            lvs = [lf for lf, _ in leaves(fw["nodes"])]
            if u in drop:
                drop[u] = urng.choice([lf["code"] for lf in lvs if lf["rule"]["kind"] != "survey"
                                       and not lf["code"][0].isalpha()])
            for lf in lvs:
                v = values[lf["code"]]
                sv = self_value(lf, v, urng)
                if lf["code"] != drop.get(u):
                    snote = ("Điểm điều tra XHH do Sở Nội vụ cung cấp"
                             if lf["rule"]["kind"] == "survey" and lf["code"].endswith(".1.1")
                             else "")
                    self_rows.append(dict(unit_code=u, criterion_code=lf["code"], value=sv,
                                          stage="self", note=snote))
                note = ""
                if v == "NA":
                    note = "Không phát sinh trong năm đánh giá"
                elif sv.lower() not in NA_WORDS and (leaf_points(lf, sv)[1]
                                                      > leaf_points(lf, v)[1]):
                    note = urng.choice(APPRAISAL_NOTES)  # the appraisal lowered the score
                appr_rows.append(dict(unit_code=u, criterion_code=lf["code"], value=v,
                                      stage="appraised", note=note))
        files[f"scores-{grp}-{year}.csv"] = csv_text(
            ["unit_code", "criterion_code", "value", "stage", "note"], self_rows + appr_rows)
        table[fwc] = (fw, units, unit_names)
    files["rounds.yaml"] = rounds_yaml()
    return files, table


def rounds_yaml() -> str:
    lines = ["# Demo rounds of parindex, generated by examples/gialai/build.py.",
             "# Paths are relative to this file. See README.md for the schema.",
             "units: units.csv", "rounds:"]
    for r in ROUNDS:
        y = r["year"]
        lines += [
            f"  - code: {r['code']}",
            f"    name: {json.dumps(r['name'], ensure_ascii=False)}",
            f"    year: {y}",
            f"    organiser: {r['organiser']}",
            f"    decision_number: {json.dumps(r['decision_number'], ensure_ascii=False)}",
            f"    decision_date: {r['decision_date']}",
            f"    note: {json.dumps(r['note'], ensure_ascii=False)}",
            # Every figure is illustrative but the published indexes of these units.
            "    illustrative: true",
            f"    source: {json.dumps(r['source'], ensure_ascii=False)}",
            "    published_units: [" + ", ".join(sorted(
                PUBLISHED[f"gialai-huyen-{y}"] | PUBLISHED[f"gialai-so-{y}"])) + "]",
            "    frameworks:",
        ]
        for grp in ("huyen", "so"):
            lines += [f"      - framework: framework-{grp}-{y}.yaml",
                      f"        scores: scores-{grp}-{y}.csv"]
    return nfc("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# Verification: read the written files back and recompute everything.
# ---------------------------------------------------------------------------------------------

def verify(files: dict[str, str]) -> list[str]:
    report = []
    for name, text in files.items():
        assert text == nfc(text), f"{name} is not NFC"
        assert not text.startswith("\ufeff")
    ucodes = {r["code"]: r for r in csv.DictReader(io.StringIO(files["units.csv"]))}
    rounds = yaml.safe_load(files["rounds.yaml"])
    for rnd in rounds["rounds"]:
        for pair in rnd["frameworks"]:
            assert pair["framework"] in files and pair["scores"] in files, pair
    for grp, year in FRAMEWORKS:
        fw = framework(grp, year)
        fwc = fw["code"]
        rows = list(csv.DictReader(io.StringIO(files[f"scores-{grp}-{year}.csv"])))
        codes = {lf["code"] for lf, _ in leaves(fw["nodes"])}
        stages = {"self": {}, "appraised": {}}
        for r in rows:
            assert r["unit_code"] in ucodes and ucodes[r["unit_code"]]["unit_group"] == grp
            assert r["criterion_code"] in codes, r
            vals = stages[r["stage"]].setdefault(r["unit_code"], {})
            assert r["criterion_code"] not in vals, r
            vals[r["criterion_code"]] = r["value"]
        res = {s: {u: compute_unit(fw, v) for u, v in st.items()} for s, st in stages.items()}
        appr = res["appraised"]
        rk = ranks({u: r["index"] for u, r in appr.items()})
        assert len(set(q2(r["index"]) for r in appr.values())) == len(appr), "ties"
        for u, r in appr.items():
            assert q2(r["index"]) == D(TARGETS[fwc][u]), (fwc, u, r["index"])
            assert not r["missing"], (fwc, u, r["missing"])
        for (f, u), ft in FIELD_TARGETS.items():
            if f == fwc:
                r = appr[u]
                assert r["max"] == 100, (u, r["max"])
                # exactly, not only after rounding: the published components add up to 78.30
                assert r["achieved_f"] == Fraction(TARGETS[fwc][u]), (u, r["achieved_f"])
                for fc, t in ft.items():
                    assert r["fields"][fc]["achieved_f"] == Fraction(t), (u, fc)
        self_idx = {u: r["index"] for u, r in res["self"].items()}
        report.append(f"\n{fwc}  ({len(codes)} leaves)")
        report.append(f"{'rank':>4}  {'unit':<9} {'achieved':>8} {'max':>6} {'index':>6}  "
                      f"{'band':<10} {'self':>6}  NA  published")
        for u in sorted(appr, key=lambda x: (rk[x], x)):
            r = appr[u]
            na = sum(1 for v in stages["appraised"][u].values() if v.lower() in NA_WORDS)
            miss = res["self"][u]["missing"]
            report.append(
                f"{rk[u]:>4}  {u:<9} {q2(r['achieved']):>8} {q2(r['max']):>6} "
                f"{q2(r['index']):>6}  {band_of(fw, r['index']):<10} {q2(self_idx[u]):>6}  "
                f"{na:>2}  {'yes' if u in PUBLISHED[fwc] else ''}"
                + (f"  (self missing {','.join(miss)})" if miss else ""))
        for f, u in FIELD_TARGETS:
            if f == fwc:
                parts = ", ".join(f"{fc}: {q2(v['achieved'])}/{q2(v['max'])}"
                                  for fc, v in appr[u]["fields"].items())
                report.append(f"      {u} fields: {parts}")
    return report


def main(argv: list[str]) -> int:
    files, _ = build()
    report = verify(files)
    if "--check" in argv:
        stale = [n for n, t in files.items()
                 if not (HERE / n).exists() or (HERE / n).read_text(encoding="utf-8") != t]
        if stale:
            print("out of date:", ", ".join(stale))
            return 1
        print("examples/gialai: all files are current")
    else:
        for name, text in files.items():
            (HERE / name).write_bytes(text.encode("utf-8"))
        print("wrote", ", ".join(files))
    # Read the files back from disk and verify again, so what is committed is what was checked.
    verify({n: (HERE / n).read_text(encoding="utf-8") for n in files})
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
