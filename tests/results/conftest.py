import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The Gia Lai demo with its 2021 and 2022 rounds stored and published as snapshots."""
    call_command("demo", stdout=open("/dev/null", "w"))
