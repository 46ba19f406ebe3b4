"""The audit log of views of contact details is kept two years, then deleted."""

import datetime

import pytest
from django.utils import timezone

from coalition.tests.factories import UserFactory
from signals import tasks
from signals.models import ContactDetailsView
from signals.tests.factories import SignalFactory

pytestmark = pytest.mark.django_db


def viewed(days_ago):
    row = ContactDetailsView.objects.create(user=UserFactory(), signal=SignalFactory(), purpose="detail")
    ContactDetailsView.objects.filter(pk=row.pk).update(viewed_at=timezone.now() - datetime.timedelta(days=days_ago))
    return row


def test_audit_rows_older_than_the_retention_period_are_deleted_by_the_daily_task(settings):
    assert settings.PORTAL_AUDIT_RETENTION_DAYS == 730
    old, recent = viewed(731), viewed(729)

    assert tasks.erase_old_audit_rows() == 1

    assert list(ContactDetailsView.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ContactDetailsView.objects.filter(pk=old.pk).exists()


def test_the_retention_period_is_a_setting(settings):
    settings.PORTAL_AUDIT_RETENTION_DAYS = 30
    viewed(31)
    viewed(29)
    assert tasks.erase_old_audit_rows() == 1
    assert ContactDetailsView.objects.count() == 1
