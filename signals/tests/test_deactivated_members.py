"""A deactivated account is no longer an opvolger or coördinator for the portal's e-mails:
whoever held the role, only active accounts are told (``Membership.objects.with_role``)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coalition.constants import Role
from coalition.tests.factories import MembershipFactory
from signals import services
from signals.models import Signal
from signals.tasks import send_overdue_digest
from signals.tests.factories import SignalFactory
from signals.tests.test_filing import NEW, form_data


@pytest.fixture
def opvolgers(signaalpunt):
    active = signaalpunt.memberships.get(role=Role.HANDLER).user  # the fixture's own opvolger
    gone = MembershipFactory(organisation=signaalpunt, role=Role.HANDLER, user__is_active=False).user
    return active, gone


def test_a_deactivated_opvolger_gets_no_overdue_digest(
    signaalpunt, opvolgers, celery_eager, django_capture_on_commit_callbacks
):
    active, gone = opvolgers
    SignalFactory(
        handling_organisation=signaalpunt, first_contact_due=timezone.localdate() - datetime.timedelta(days=2)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_digest() == 1

    assert [message.to for message in mail.outbox] == [[active.email]]


def test_a_deactivated_opvolger_is_not_told_about_a_new_signal(
    client, staff_member, signaalpunt, opvolgers, celery_eager, django_capture_on_commit_callbacks
):
    active, gone = opvolgers
    client.force_login(staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(NEW, form_data(client)).status_code == 302

    assert Signal.objects.count() == 1
    assert [message.to for message in mail.outbox] == [[active.email]]


def test_a_deactivated_opvolger_cannot_be_assigned(signaalpunt, opvolgers):
    active, gone = opvolgers
    signal = SignalFactory(handling_organisation=signaalpunt)

    with pytest.raises(ValidationError):
        services.take(signal_id=signal.pk, actor=active, assignee=gone)
