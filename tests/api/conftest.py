import pytest
from django.core.management import call_command

from parindex.results.services import publish_demo_rounds


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open("/dev/null", "w"))
    publish_demo_rounds()
