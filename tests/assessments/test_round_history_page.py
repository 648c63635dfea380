"""The round's change-history page: newest first, 50 a page, for those who see the whole round."""

import pytest
from django.urls import reverse

from parindex import history
from parindex.assessments import services
from tests.assessments.cycle import build_cycle, fresh


@pytest.fixture
def cycle(db):
    return build_cycle()


def page(client, user, round, **query):
    client.force_login(user)
    return client.get(reverse("assessments:round_history_page", args=[round.code]), query)


def test_the_round_page_links_its_history_for_whole_round_readers(client, cycle):
    url = reverse("assessments:round_history_page", args=[cycle.round.code])
    for person, shown in [(cycle.manager, True), (cycle.viewer, True), (cycle.officer, False)]:
        client.force_login(person)
        html = client.get(reverse("assessments:round", args=[cycle.round.code])).content.decode()
        assert (url in html) == shown


def test_the_history_lists_changes_newest_first_escaped_with_the_export(client, cycle):
    services.save_score(fresh(cycle.officer), cycle.sheet, "1.1", "self", "yes",
                        "<script>alert(1)</script>", 0)
    html = page(client, cycle.manager, cycle.round).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert cycle.officer.username in html
    assert reverse("assessments:round_history", args=[cycle.round.code]) in html
    table = html[html.index('id="history"'):]  # the officer's note is newer than the set-up
    assert table.index(cycle.officer.username) < table.index(cycle.manager.username)


def test_fifty_changes_a_page(client, cycle):
    for n in range(60):
        services.save_score(fresh(cycle.officer), cycle.sheet, "1.1", "self", "yes", f"n{n}", n)
    total = history.about(cycle.round).count()
    first = page(client, cycle.manager, cycle.round).context["changes"]
    last = page(client, cycle.manager, cycle.round, page=2).context["changes"]
    assert len(first) == 50 and len(last) == total - 50
    assert first[0].pk == history.about(cycle.round).first().pk


@pytest.mark.parametrize("person", ["officer", "head", "appraiser", "outsider"])
def test_not_found_for_everyone_else(client, cycle, person):
    assert page(client, getattr(cycle, person), cycle.round).status_code == 404
