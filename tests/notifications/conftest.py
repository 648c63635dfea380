"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a local aiosmtpd server; yields its received mail."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox.messages
    finally:
        controller.stop()


def with_emails(*people):
    """Give the cast's people an address (the cast makes them without one)."""
    from django.contrib.auth import get_user_model

    for user in people:
        get_user_model().objects.filter(pk=user.pk).update(email=f"{user.username}@example.vn")
        user.email = f"{user.username}@example.vn"


from tests.awards.conftest import (  # noqa: E402,F401 (a district, its people, a campaign)
    campaign,
    council,
    district,
    districts,
    group,
    officer,
    province,
)
