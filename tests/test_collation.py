"""Vietnamese order: the helper, and the same order in the database."""

import unicodedata

import pytest
from django.db import connection

from parindex.collation import collated, sort_key, sorted_vi
from parindex.units.models import Unit, UnitGroup

GIA_LAI = ["Phú Thiện", "Đak Đoa", "Chư Prông", "Chư Păh", "Ayun Pa", "Đức Cơ", "Ia Grai",
           "Ia Pa"]
IN_ORDER = ["Ayun Pa", "Chư Păh", "Chư Prông", "Đak Đoa", "Đức Cơ", "Ia Grai", "Ia Pa",
            "Phú Thiện"]
# Letters, then tones (none, huyền, hỏi, ngã, sắc, nặng), then case; ă â đ ê ô ơ ư are letters.
TRICKY = ["a", "A", "à", "ả", "ã", "á", "ạ", "az", "ă", "ằ", "ăn", "â", "ân", "b", "Duc", "Dục",
          "đ", "Đ", "Đắk Đoa", "Đăk Pơ", "e", "ê", "ia ba", "Ia Ba", "Ia Bă", "o", "ô", "ơ", "ờ",
          "ợ", "Phường 10", "Phường 2", "Sở Tài chính", "Sở Tư pháp", "u", "uz", "ư", "ưa"]


def test_district_names_sort_in_vietnamese_order():
    assert sorted_vi(GIA_LAI) == IN_ORDER
    assert sorted_vi(reversed(IN_ORDER)) == IN_ORDER
    assert sorted_vi(GIA_LAI, reverse=True) == IN_ORDER[::-1]


def test_letters_then_tones_then_case():
    assert sorted_vi(reversed(TRICKY)) == TRICKY
    assert sort_key("Chư Păh") == sort_key(unicodedata.normalize("NFD", "Chư Păh"))


@pytest.mark.django_db
def test_the_database_sorts_unit_names_the_same_way():
    """On PostgreSQL, ICU's vi; on SQLite, the collation registered with the same key."""
    group = UnitGroup.objects.create(code="g", name="G")
    names = [*GIA_LAI, *TRICKY]
    Unit.objects.bulk_create(
        Unit(code=f"U{i:03d}", name=name, group=group) for i, name in enumerate(names)
    )
    in_db = list(Unit.objects.order_by(collated("name"), "code").values_list("name", flat=True))
    assert in_db == sorted_vi(names), connection.vendor
