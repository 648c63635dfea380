"""Jobs run by the real worker loop (`parindex worker --batch`), on committed rows: these tests
use transactional databases, as the worker reads what another request wrote."""

import pytest
from django.core.management import call_command


def run_worker() -> None:
    """What the worker of `make demo` does, until the queue is empty."""
    call_command("worker", "--batch", verbosity=0)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


from tests.surveys.conftest import (  # noqa: E402,F401 (the survey's round and its manager)
    citizens,
    round_,
    staff,
    staff_client,
    survey,
)
