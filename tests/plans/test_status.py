"""A task's status follows from its dates alone (no database)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from parindex.plans.models import Task, task_status

S = Task.Status
days = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2028, 12, 31))


@given(deadline=days, completed=st.none() | days, today=days)
def test_the_status_is_decided_by_the_dates(deadline, completed, today):
    status = task_status(deadline, completed, 2026, today)
    if completed is not None:
        assert status == (S.ON_TIME if completed <= deadline else S.LATE)
    elif deadline.year > 2026:
        assert status == S.CARRIED_OVER
    else:
        assert status == (S.NOT_DONE if today > deadline else S.OPEN)


def test_the_deadline_day_itself_is_on_time():
    day = datetime.date(2026, 3, 31)
    assert task_status(day, day, 2026, day) == S.ON_TIME
    assert task_status(day, None, 2026, day) == S.OPEN
    assert task_status(day, None, 2026, day + datetime.timedelta(days=1)) == S.NOT_DONE
