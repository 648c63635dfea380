"""The date of an official document, written as Decree 30/2020/NĐ-CP wants it."""

from __future__ import annotations

import datetime


def long_date(day: datetime.date) -> str:
    """"ngày 15 tháng 4 năm 2022", "ngày 05 tháng 02 năm 2022": Decree 30/2020 (Appendix I)
    puts a leading zero only before a day below 10 and before months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
