"""The law as parindex ships it: which level may give which form when, and the "Căn cứ" lines a
decision cites by its date. Written by `services.install_law` (from migration 0007, and by the demo into a database
whose tables were emptied, as the browser tests' are); a province edits it in the admin."""

import datetime

D = datetime.date

# (level, form, from, to, source)
POWERS = [
    ("province", "bang_khen", D(2004, 7, 1), None,
     "Luật Thi đua, Khen thưởng 2003 (Điều 77); Luật Thi đua, khen thưởng 2022"),
    ("department", "giay_khen", D(2004, 7, 1), None,
     "Luật Thi đua, Khen thưởng 2003; Luật Thi đua, khen thưởng 2022"),
    ("district", "giay_khen", D(2004, 7, 1), D(2025, 6, 30),
     "Luật Thi đua, Khen thưởng 2003; Luật Thi đua, khen thưởng 2022; cấp huyện kết thúc 30/6/2025"),
    ("commune", "giay_khen", D(2025, 7, 1), None, "Nghị định số 129/2025/NĐ-CP"),
]

# (position, level or "", from, to, text)
BASES = [
    (10, "", D(2016, 1, 1), D(2020, 6, 30),
     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
    (10, "", D(2020, 7, 1), D(2025, 2, 28),
     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
     "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 "
     "tháng 11 năm 2019;"),
    (10, "", D(2025, 3, 1), D(2025, 6, 30),
     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;"),
    (10, "", D(2025, 7, 1), None,
     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
    (20, "", D(2014, 6, 1), D(2023, 12, 31),
     "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
     "điều của Luật Thi đua, Khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013;"),
    (20, "", D(2024, 1, 1), None, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"),
    (30, "", D(2017, 10, 1), D(2023, 12, 31),
     "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi "
     "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"),
    (30, "", D(2024, 1, 1), None,
     "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
     "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"),
    (40, "commune", D(2025, 7, 1), None,
     "Căn cứ Nghị định số 129/2025/NĐ-CP của Chính phủ quy định phân định thẩm quyền của chính "
     "quyền địa phương 02 cấp trong lĩnh vực quản lý nhà nước của Bộ Nội vụ;"),
]
