"""The inbox (newest first, paginated, mark read: anyone else's is "not found"), the header
count and the preferences page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.notifications.models import Notification, Preference
from tests.assessments.cycle import build_cycle

pytestmark = pytest.mark.django_db


def test_inbox_header_count_and_marking_read(client):
    c = build_cycle()
    mine = Notification.objects.get(recipient=c.officer)
    theirs = Notification.objects.get(recipient=c.other_officer)
    client.force_login(c.officer)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert 'id="unread-count"' in body and "Kỳ đánh giá r2023" in body
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    client.post(reverse("notifications:read", args=[mine.pk]))
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notifications:inbox")).content.decode()
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405


def test_inbox_is_paginated_newest_first(client):
    c = build_cycle()
    Notification.objects.bulk_create([
        Notification(recipient=c.officer, kind="round_approved", params={"round": f"R{i}"})
        for i in range(25)
    ])
    client.force_login(c.officer)
    first = client.get(reverse("notifications:inbox")).context["page"]
    assert len(first) == 20 and first.paginator.count == 26
    second = client.get(reverse("notifications:inbox"), {"page": 2}).context["page"]
    assert second[len(second) - 1].kind == "round_opened"  # the oldest, last
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=c.officer, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=c.head, read_at__isnull=True).exists()


def test_preferences_default_to_the_digest_and_are_saved(client):
    c = build_cycle()
    client.force_login(c.head)
    url = reverse("notifications:preferences")
    assert client.get(url).context["form"].initial["delivery"] == "digest"
    client.post(url, {"delivery": "immediate", "language": "en"})
    assert Preference.objects.filter(user=c.head, delivery="immediate", language="en").exists()
    client.post(url, {"delivery": "bogus"})
    assert Preference.objects.get(user=c.head).delivery == "immediate"
    client.logout()
    assert client.get(url).status_code == 302
