"""The read-only API serves published results only, with an OpenAPI schema."""

import re

import pytest

from parindex.assessments.models import Round
from parindex.results import services
from tests import cast
from tests.results import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]


def test_rounds_and_frameworks(client, demo):
    rounds = client.get("/api/rounds").json()
    assert [r["code"] for r in rounds] == [
        "gialai-2025", "gialai-xa-2024", "gialai-2022", "gialai-2021"]  # the demo's present too
    r2021 = client.get("/api/rounds/gialai-2021").json()
    assert r2021["decision_number"] == "197/QĐ-UBND" and r2021["published_on"] == "2022-04-15"
    assert r2021["illustrative"] and "IAGRAI" in r2021["published_units"]
    assert {g["code"] for g in r2021["unit_groups"]} == {"huyen", "so"}
    frameworks = client.get("/api/frameworks").json()
    assert len(frameworks) == 8  # 2021, 2022 (two each), 2024 (communes), 2025 (three)
    code = next(g["framework"] for g in r2021["unit_groups"] if g["code"] == "huyen")
    fw = client.get(f"/api/frameworks/{code}").json()
    assert fw["unit_group"] == "huyen" and fw["bands"] and fw["nodes"][0]["children"]


def test_group_and_unit_results_carry_the_published_numbers(client, demo):
    data = client.get("/api/rounds/gialai-2021/results/huyen").json()
    first = data["results"][0]
    assert (first["unit_code"], first["rank"], first["index"]) == ("IAGRAI", 1, "78.30")
    assert first["fields"]["3"]["achieved"] == "10.26"
    assert data["results"][-1]["index"] == "71.47" and data["version"] == 1
    so = client.get("/api/rounds/gialai-2021/results/so").json()["results"]
    assert (so[0]["unit_code"], so[0]["index"]) == ("STTTT", "95.44")
    assert (so[-1]["unit_code"], so[-1]["rank"], so[-1]["index"]) == ("SYT", 20, "72.48")
    later = client.get("/api/rounds/gialai-2022/results/huyen").json()["results"]
    ia_grai = next(r for r in later if r["unit_code"] == "IAGRAI")
    assert ia_grai["index"] == "80.94" and ia_grai["previous_index"] == "78.30"
    unit = client.get("/api/rounds/gialai-2021/results/huyen/IAGRAI").json()
    assert unit["index"] == "78.30" and unit["points"] and unit["round"] == "gialai-2021"
    assert len(client.get("/api/rounds/gialai-2021/results").json()) == 2


def test_unpublished_results_are_not_served(client):
    draft = f.round_with(3, year=2023, code="draft-2023")
    services.compute_round(cast.administrator(), draft)
    Round.objects.filter(pk=draft.pk).update(published_on=f.PUBLISHED)  # marked, not published
    assert client.get("/api/rounds").json() == []
    assert client.get("/api/frameworks").json() == []
    for url in [
        "/api/rounds/draft-2023",
        "/api/rounds/draft-2023/results",
        "/api/rounds/draft-2023/results/huyen",
        "/api/rounds/draft-2023/results/huyen/U001",
        "/api/frameworks/test-huyen-2023",
    ]:
        assert client.get(url).status_code == 404, url


def test_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "parindex API"
    for path in [
        "/api/rounds",
        "/api/rounds/{code}",
        "/api/frameworks",
        "/api/frameworks/{code}",
        "/api/rounds/{code}/results/{group}",
        "/api/rounds/{code}/results/{group}/{unit}",
    ]:
        assert set(schema["paths"][path]) == {"get"}, path  # read-only


def test_api_query_count_is_constant(client, django_assert_max_num_queries):
    counts = []
    for n, year in [(3, 2020), (30, 2021)]:
        rnd, group = f.published_round(n, year)
        with django_assert_max_num_queries(10) as ctx:
            assert (
                len(client.get(f"/api/rounds/{rnd.code}/results/{group.code}").json()["results"])
                == n
            )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.skipif(
    "ninja" not in __import__("django.conf").conf.settings.INSTALLED_APPS,
    reason="the docs page needs 'ninja' in INSTALLED_APPS (its vendored Swagger UI)",
)
def test_docs_page_is_served_offline(client):
    html = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()


def test_every_lookup_documents_its_404_and_the_body_matches(client):
    schema = client.get("/api/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    lookups = [(path, op) for path, ops in schema["paths"].items() if "{" in path
               for op in ops.values()]
    assert len(lookups) == 7
    for path, op in lookups:
        answer = op["responses"].get("404")
        assert answer, f"{path} does not document 404"
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"}, path
    for url in ["/api/rounds/nope", "/api/frameworks/nope", "/api/rounds/nope/results",
                "/api/rounds/nope/results/huyen", "/api/rounds/nope/results/huyen/X",
                "/api/rounds/nope/robustness/huyen", "/api/rounds/nope/robustness/huyen/X"]:
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.json()
        assert set(body) == set(error["properties"]) == set(error["required"]) == {"detail"}
        assert isinstance(body["detail"], str) and body["detail"]


def numbers(value, path=""):
    """Every (path, value) of a JSON answer that is a string of digits, or a bare number."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from numbers(item, f"{path}[{i}]")
    elif isinstance(value, float | int) and not isinstance(value, bool) or (
        isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value)
    ):
        yield path, value


def test_every_number_has_two_places_as_published(client, demo):
    not_numbers = ("rank", "year", "version", "count", "previous_rank", "code", "missing")
    for url in [
        "/api/rounds/gialai-2021/results/huyen",
        "/api/rounds/gialai-2022/results",
        "/api/rounds/gialai-2021/results/huyen/IAGRAI",
    ]:
        for path, value in numbers(client.get(url).json()):
            if path.rsplit(".", 1)[-1].split("[")[0] in not_numbers:
                continue
            assert isinstance(value, str) and re.fullmatch(r"-?\d+\.\d{2}", value), (url, path)
    data = client.get("/api/rounds/gialai-2021/results/huyen").json()
    assert all(re.fullmatch(r"\d+\.\d{2}", f["max"]) for f in data["fields"])
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    for name, field in [("ResultOut", "max"), ("FieldOut", "index"), ("FieldInfoOut", "max")]:
        described = schema[name]["properties"][field]
        assert described["type"] == "string" and described["pattern"] == r"^-?\d+\.\d{2}$"
    paged = schema["GroupResultsOut"]["properties"]
    assert {"count", "next", "previous", "results"} <= set(paged)
