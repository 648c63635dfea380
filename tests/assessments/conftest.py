"""Shared settings for the assessment tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read messages in English; the Vietnamese default is covered by the i18n tests
    and the browser test of the whole cycle."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
