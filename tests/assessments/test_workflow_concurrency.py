"""Two people saving the same sub-criterion at the same moment, on a real database server:
exactly one save wins and the other is refused with the current value."""

import threading

import pytest
from django.db import connection, connections

from parindex.assessments import services
from parindex.assessments.models import Score
from parindex.history.models import Change
from tests.assessments.cycle import build_cycle, fresh

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs row locks (PostgreSQL, as in CI's second pass)"
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_one_wins_one_is_refused():
    c = build_cycle()
    people = [fresh(c.officer), fresh(c.head)]
    start = threading.Barrier(len(people))
    outcomes = []

    def save(user, value):
        try:
            start.wait()
            services.save_score(user, c.sheet, "1.1", "self", value, "", 0)
            outcomes.append("saved")
        except services.Conflict as conflict:
            outcomes.append(("conflict", conflict.current.value))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(user, value))
               for user, value in zip(people, ("yes", "no"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    score = Score.objects.get()
    assert sorted(map(str, outcomes)) == sorted(["saved", str(("conflict", score.value))])
    assert score.version == 1
    assert Change.objects.filter(action="score").count() == 1
