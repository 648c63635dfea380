from decimal import Decimal

import pytest

from parindex.engine.framework import FrameworkError, framework_from_dict, framework_to_dict
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import engine_framework
from parindex.frameworks.services import import_framework
from parindex.units.models import UnitGroup
from tests import cast

from .factories import mini_framework, mini_framework_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def huyen():
    return UnitGroup.objects.create(code="huyen", name="UBND cấp huyện")


def test_nodes_are_stored_in_document_order_with_depth_parent_and_sums(huyen):
    model = import_framework(cast.administrator(), mini_framework())

    nodes = list(model.nodes.order_by("position"))
    assert [n.code for n in nodes] == [n.code for n in mini_framework().iter_nodes()]
    assert [n.position for n in nodes] == list(range(len(nodes)))
    by_code = {n.code: n for n in nodes}
    assert by_code["1"].depth == 0 and by_code["1"].parent is None
    assert by_code["1.3.1"].depth == 2 and by_code["1.3.1"].parent == by_code["1.3"]
    assert by_code["1.3"].max_points == Decimal("3.75")
    assert by_code["1"].max_points == Decimal("6.75")
    assert by_code["1"].rule is None and not by_code["1"].is_leaf
    assert by_code["T"].kind == "bonus" and by_code["P"].kind == "penalty"
    assert by_code["1.1"].guide == "Có kế hoạch trước 31/12"
    # The rule is the YAML's dict, numbers as numbers.
    assert by_code["1.3.1"].rule == {
        "kind": "ratio",
        "bands": [
            {"min": 1, "fraction": 1},
            {"min": 0.95, "fraction": 0.5},
            {"min": 0, "fraction": 0},
        ],
    }
    assert by_code["T.1"].rule == {"kind": "count", "per_item": 0.5}
    assert model.unit_group == huyen and model.year == 2021
    assert model.bands[0] == {"code": "tot", "label": "Tốt", "min": 80}


def test_engine_framework_rebuilds_the_same_structure_in_two_queries(
    huyen, django_assert_max_num_queries
):
    original = mini_framework()
    model = Framework.objects.get(pk=import_framework(cast.administrator(), original).pk)
    with django_assert_max_num_queries(2):
        rebuilt = engine_framework(model)
    assert rebuilt == original
    assert framework_to_dict(rebuilt) == framework_to_dict(original)


def test_import_takes_a_constant_number_of_queries(huyen, django_assert_max_num_queries):
    # 2 fields → 16 nodes; 12 fields → 56 nodes (below SQLite's 99-row insert batch).
    admin = cast.administrator()
    with django_assert_max_num_queries(12) as small:
        import_framework(admin, mini_framework(code="small", fields=2))
    with django_assert_max_num_queries(12) as large:
        import_framework(admin, mini_framework(code="large", fields=12))
    assert Node.objects.filter(framework__code="large").count() == 12 * 6 + 4
    assert len(large.captured_queries) == len(small.captured_queries)


def test_unknown_unit_group_is_an_error(db):
    with pytest.raises(FrameworkError, match="unit group 'huyen' does not exist"):
        import_framework(cast.administrator(), mini_framework())
    assert not Framework.objects.exists()


def test_existing_code_needs_replace(huyen):
    first = import_framework(cast.administrator(), mini_framework())
    with pytest.raises(FrameworkError, match="exists"):
        import_framework(cast.administrator(), mini_framework())
    data = mini_framework_dict()
    data["name"] = "Đổi tên"
    data["nodes"] = data["nodes"][:1]
    replaced = import_framework(cast.administrator(), framework_from_dict(data), replace=True)
    assert replaced.pk == first.pk
    assert replaced.name == "Đổi tên"
    assert Node.objects.filter(framework=replaced).count() == 6


def test_replace_is_refused_while_scores_use_the_framework(huyen):
    from parindex.assessments.models import Round, Score
    from parindex.units.models import Unit

    model = import_framework(cast.administrator(), mini_framework())
    unit = Unit.objects.create(code="H01", name="Huyện 1", group=huyen)
    round = Round.objects.create(code="r", name="r", year=2021)
    Score.objects.create(round=round, unit=unit, node=model.nodes.get(code="1.1"), value="yes",
                         field=model.nodes.get(code="1"))
    before = list(Node.objects.values_list("pk", "code", "max_points"))

    with pytest.raises(FrameworkError, match="scores already use"):
        import_framework(cast.administrator(), mini_framework(), replace=True)
    assert list(Node.objects.values_list("pk", "code", "max_points")) == before


def test_a_leafs_source_is_stored_and_read_back(huyen, tmp_path):
    from parindex.engine.io import write_framework_xlsx
    from tests.plans.conftest import sourced_framework

    engine = framework_from_dict(sourced_framework())
    path = tmp_path / "nguon.xlsx"
    write_framework_xlsx(engine, path)  # the XLSX's column source, read back by the import
    model = import_framework(cast.administrator(), path)
    assert Node.objects.get(framework=model, code="2.1").source == {
        "kind": "service_ratio", "denominator": "received", "numerator": "online"}
    assert Node.objects.get(framework=model, code="1.4").source is None
    assert engine_framework(model) == engine


def test_sources_are_declared_on_a_scored_framework_by_an_administrator_only(huyen):
    from django.core.exceptions import PermissionDenied

    from parindex.frameworks.services import set_sources
    from parindex.history.models import Change

    model = import_framework(cast.administrator(), mini_framework())
    with pytest.raises(PermissionDenied):
        set_sources(cast.outsider(), model, {"1.1": {"kind": "plan_issued_by",
                                                     "by": "2021-01-31"}})
    with pytest.raises(FrameworkError):  # a yes/no leaf cannot take a ratio
        set_sources(cast.administrator(), model, {"1.1": {"kind": "plan_tasks_on_time"}})
    assert Node.objects.get(framework=model, code="1.1").source is None
    set_sources(cast.administrator(), model, {"1.1": {"kind": "plan_issued_by",
                                                      "by": "2021-01-31"}})
    assert engine_framework(model).leaves()["1.1"].source.get("by") == "2021-01-31"
    assert Change.objects.filter(action="update", after__sources__isnull=False).exists()
