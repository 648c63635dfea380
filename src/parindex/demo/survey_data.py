"""Generator of the demo survey of Gia Lai's 2021 district round (examples/gialai/survey-2021*).

    .venv/bin/python -m parindex.demo.survey_data [examples/gialai]

Writes survey-2021.yaml (groups, units evaluated with their transactions, questionnaires) and one
answers file per respondent group, survey-2021-GROUP.csv. The answers are designed so that, with
the weights A = 1, B = 0.6, C = 0.2, D = 0 and "don't know" left out, each district's points on
each survey sub-criterion are exactly its appraised points in scores-huyen-2021.csv (Ia Grai:
5.30 + 5.44 + 10.53 + 5.45 = 26.72 of 30). How: points = max × mean weight and, counting in fifths,
Σ 5·weight = 5a + 3b + c over V valid answers, so a mean of P/(100·max) needs V·P/(20·max) to be
a whole number; the number of "don't know" answers is chosen to make V such a multiple, then the
mix of A/B/C/D is the one closest to a typical survey. Only the standard library and PyYAML; the
randomness is seeded with strings, so every run writes the same files.
"""

from __future__ import annotations

import csv
import random
import sys
from decimal import Decimal
from fractions import Fraction
from math import gcd
from pathlib import Path

import yaml

YEAR = 2021
SCORED = {"A": 5, "B": 3, "C": 1, "D": 0}  # weights in fifths

GROUPS = [
    {
        "code": "dai-bieu", "name": "Đại biểu Hội đồng nhân dân huyện", "access": "codes",
        "leaf": "8.1.1", "population": (35, 45), "extra": (0, 3),
        "intro": "Phiếu dành cho đại biểu HĐND huyện. Mỗi mã mời chỉ dùng được một lần.",
        "sections": [("Đánh giá công tác chỉ đạo, điều hành CCHC của UBND huyện", [
            "Việc ban hành và tổ chức thực hiện kế hoạch CCHC năm của UBND huyện",
            "Việc giải quyết các kiến nghị của cử tri liên quan đến thủ tục hành chính",
            "Tính công khai, minh bạch trong hoạt động của UBND huyện",
            "Việc xử lý, chấn chỉnh sai phạm của cán bộ, công chức",
            "Hiệu quả phối hợp giữa UBND huyện với HĐND huyện",
        ])],
    },
    {
        "code": "lanh-dao", "name": "Lãnh đạo các phòng, ban chuyên môn và UBND cấp xã",
        "access": "codes", "leaf": "8.1.2", "population": (55, 80), "extra": (0, 4),
        "intro": "Phiếu dành cho lãnh đạo các cơ quan chuyên môn thuộc UBND huyện và UBND xã, "
                 "thị trấn.",
        "sections": [("Đánh giá việc thực hiện nhiệm vụ CCHC trên địa bàn", [
            "Chất lượng các văn bản chỉ đạo CCHC của UBND huyện",
            "Việc bố trí nguồn lực (kinh phí, nhân lực) cho CCHC",
            "Việc ứng dụng công nghệ thông tin trong xử lý công việc",
            "Việc thực hiện cơ chế một cửa, một cửa liên thông",
            "Công tác kiểm tra CCHC của UBND huyện",
        ])],
    },
    {
        "code": "nguoi-dan", "name": "Người dân, tổ chức đã giao dịch tại Bộ phận một cửa",
        "access": "open", "leaf": "8.2.1", "population": (6000, 30000), "extra": (5, 30),
        "intro": "Xin ông/bà cho biết ý kiến về lần giao dịch gần nhất tại Bộ phận tiếp nhận và "
                 "trả kết quả của UBND huyện. Phiếu không ghi tên.",
        "sections": [
            ("Tiếp cận dịch vụ", [
                "Việc niêm yết công khai thủ tục hành chính tại nơi giải quyết",
                "Cơ sở vật chất, trang thiết bị tại Bộ phận một cửa",
            ]),
            ("Thủ tục hành chính và công chức giải quyết", [
                "Thành phần hồ sơ, mức phí, lệ phí phải nộp đúng quy định",
                "Thời gian giải quyết hồ sơ so với giấy hẹn",
                "Thái độ của công chức khi hướng dẫn, tiếp nhận hồ sơ",
                "Công chức không gây phiền hà, nhũng nhiễu",
            ]),
            ("Kết quả giải quyết", [
                "Kết quả nhận được đúng quy định, chính xác",
                "Việc tiếp nhận và xử lý góp ý, phản ánh của người dân",
            ]),
        ],
        "unscored": {"code": "LV", "text": "Lĩnh vực ông/bà đã giao dịch",
                     "options": ["Đất đai", "Tư pháp, hộ tịch", "Xây dựng", "Kinh doanh",
                                 "Lĩnh vực khác"]},
    },
    {
        "code": "doanh-nghiep", "name": "Doanh nghiệp, hộ kinh doanh", "access": "open",
        "leaf": "8.2.2", "population": (150, 400), "extra": (2, 10),
        "intro": "Phiếu dành cho doanh nghiệp, hộ kinh doanh đã giải quyết thủ tục tại UBND "
                 "huyện trong năm.",
        "sections": [("Chất lượng giải quyết thủ tục hành chính", [
            "Thủ tục đăng ký hộ kinh doanh, cấp phép đơn giản, dễ thực hiện",
            "Thời gian giải quyết thủ tục hành chính",
            "Chi phí không chính thức phải bỏ ra",
            "Khả năng tiếp cận thông tin, chính sách của huyện",
            "Tính năng động của lãnh đạo UBND huyện",
        ])],
    },
]

OPTIONS = [
    {"code": "A", "label": "Rất hài lòng", "weight": 1},
    {"code": "B", "label": "Hài lòng", "weight": 0.6},
    {"code": "C", "label": "Chưa hài lòng", "weight": 0.2},
    {"code": "D", "label": "Không hài lòng", "weight": 0},
    {"code": "X", "label": "Không biết / không trả lời"},
]

COMMENTS = [
    "Đề nghị bố trí thêm ghế ngồi chờ.",
    "Cán bộ hướng dẫn nhiệt tình.",
    "Nên tăng cường nộp hồ sơ trực tuyến.",
    "Thời gian chờ còn lâu vào buổi sáng.",
    "Cần niêm yết rõ hơn mức phí.",
]


def margin(population: int, e: Fraction = Fraction(1, 20)) -> int:
    n = Fraction(population) / (1 + population * e * e)
    return -(-n.numerator // n.denominator)


def mix(valid: int, target: int, rng: random.Random) -> dict[str, int]:
    """Counts of A/B/C/D over `valid` answers whose weights (in fifths) sum to `target`, closest
    to a typical mix: few D, some C, the rest A and B."""
    best = None
    shortfall = 1 - Fraction(target, 5 * valid)  # how far the mean is below 100 %
    d0, c0 = float(valid * shortfall) * 0.12, float(valid * shortfall) * 0.45
    for d in range(0, valid + 1):
        base2 = target - 3 * valid + 3 * d  # 2·a = base2 + 2·c
        if base2 % 2:
            continue
        base = base2 // 2
        low, high = max(0, -base), (valid - d - base) // 2
        if low > high:
            continue
        c = min(max(round(c0), low), high)
        cost = abs(c - c0) + 3 * abs(d - d0)
        if best is None or cost < best[0]:
            a = base + c
            best = (cost, {"A": a, "B": valid - a - c - d, "C": c, "D": d})
    if best is None:
        raise ValueError(f"no mix of {valid} answers sums to {target} fifths")
    counts = best[1]
    assert sum(counts.values()) == valid and all(v >= 0 for v in counts.values())
    assert sum(SCORED[k] * v for k, v in counts.items()) == target
    return counts


def design(points: Decimal, maximum: Decimal, questions: int, least: int,
           rng: random.Random) -> tuple[int, list[str]]:
    """(respondents, answers cell by cell) giving exactly `points` of `maximum`."""
    cents = int(points * 100)
    modulus = 20 * int(maximum) // gcd(cents, 20 * int(maximum))  # V must be a multiple
    respondents = least
    while True:
        cells = respondents * questions
        dont_know = cells % modulus
        while dont_know < cells * 0.01 and cells - dont_know - modulus > 0:
            dont_know += modulus
        if dont_know <= cells * 0.08 and cells - dont_know > 0:
            break
        respondents += 1
    valid = cells - dont_know
    target = valid * cents // (20 * int(maximum))
    assert Fraction(target, 5 * valid) * int(maximum) == Fraction(cents, 100)
    counts = mix(valid, target, rng)
    letters = [k for k, v in counts.items() for _ in range(v)] + ["X"] * dont_know
    rng.shuffle(letters)
    return respondents, letters


def read_inputs(directory: Path):
    framework = yaml.safe_load((directory / f"framework-huyen-{YEAR}.yaml").read_text("utf-8"))
    maxes = {}

    def walk(nodes):
        for node in nodes:
            if node.get("rule", {}).get("kind") == "survey":
                maxes[node["code"]] = Decimal(str(node["max"]))
            walk(node.get("children", []))

    walk(framework["nodes"])
    points: dict[str, dict[str, Decimal]] = {}
    with open(directory / f"scores-huyen-{YEAR}.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["stage"] == "appraised" and row["criterion_code"] in maxes:
                points.setdefault(row["unit_code"], {})[row["criterion_code"]] = \
                    Decimal(row["value"])
    return maxes, points


def build(directory: Path) -> None:
    maxes, points = read_inputs(directory)
    units = sorted(points)
    definition = {"name": f"Điều tra xã hội học đánh giá CCHC cấp huyện năm {YEAR}",
                  "margin": 0.05, "options": OPTIONS, "groups": []}
    for group in GROUPS:
        rng = random.Random(f"survey-{YEAR}-{group['code']}")
        populations = {unit: rng.randint(*group["population"]) for unit in units}
        sections, codes = [], []
        prefix = group["code"][0].upper()
        for title, texts in group["sections"]:
            questions = []
            for text in texts:
                code = f"{prefix}{len(codes) + 1}"
                codes.append(code)
                questions.append({"code": code, "text": text, "leaf": group["leaf"]})
            sections.append({"title": title, "questions": questions})
        unscored = group.get("unscored")
        if unscored:
            sections.append({"title": "Thông tin chung", "questions": [{
                "code": unscored["code"], "text": unscored["text"], "required": False,
                "options": [{"code": str(i + 1), "label": label}
                            for i, label in enumerate(unscored["options"])]}]})
        definition["groups"].append({
            "code": group["code"], "name": group["name"], "access": group["access"],
            "intro": group["intro"],
            "units": [{"unit": u, "transactions": populations[u]} for u in units],
            "sections": sections,
        })

        header = ["form_number", "unit_code", *codes]
        if unscored:
            header.append(unscored["code"])
        header.append("comment")
        rows = []
        for unit in units:
            least = min(margin(populations[unit]) + rng.randint(*group["extra"]),
                        populations[unit])
            respondents, letters = design(points[unit][group["leaf"]], maxes[group["leaf"]],
                                          len(codes), least, rng)
            for r in range(respondents):
                row = [f"{unit}-{prefix}{r + 1:04d}", unit,
                       *letters[r * len(codes):(r + 1) * len(codes)]]
                if unscored:
                    row.append(str(rng.randint(1, len(unscored["options"]))))
                row.append(rng.choice(COMMENTS) if rng.random() < 0.03 else "")
                rows.append(row)
        with open(directory / f"survey-{YEAR}-{group['code']}.csv", "w", encoding="utf-8",
                  newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    text = ("# Demo survey of Gia Lai's 2021 district round, written by "
            "`python -m parindex.demo.survey_data`.\n"
            + yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100))
    (directory / f"survey-{YEAR}.yaml").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("examples/gialai")
    build(directory)
    print(f"wrote {directory}/survey-{YEAR}*.yaml/csv")


if __name__ == "__main__":
    main()
