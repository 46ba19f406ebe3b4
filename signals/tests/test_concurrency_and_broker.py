"""Two opvolgers at the same moment, and a broker that does not answer: with the real
PostgreSQL and Redis (CI). Locally, without them, these tests say why they skip."""

import datetime
import os
import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections

from coalition.constants import Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import MembershipFactory
from signals import services
from signals.constants import EventKind, SignalStatus
from signals.models import Notification, Signal, SignalEvent
from signals.tests.factories import RoutingRuleFactory, SignalFactory
from westland.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition, what):
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must run this test with {what}")
        pytest.skip(f"needs {what}")


def test_two_opvolgers_taking_one_signal_cannot_both_win():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    signal = SignalFactory()
    first = MembershipFactory(organisation=signal.handling_organisation, role=Role.HANDLER).user
    second = MembershipFactory(organisation=signal.handling_organisation, role=Role.HANDLER).user
    first_has_lock = threading.Event()
    results = {}

    def take_and_hold():
        from django.db import transaction

        try:
            with transaction.atomic():
                services.take(signal_id=signal.pk, actor=first)
                first_has_lock.set()
                time.sleep(1.0)  # hold the row lock while the other tries
            results["first"] = "won"
        except Exception as exc:  # recorded, asserted below
            results["first"] = repr(exc)
        finally:
            connections.close_all()

    def take_second():
        first_has_lock.wait(10)
        started = time.monotonic()
        try:
            services.take(signal_id=signal.pk, actor=second)
            results["second"] = "won"
        except services.TransitionNotAllowed:
            results["second"] = "refused"
        results["second_waited"] = time.monotonic() - started
        connections.close_all()

    threads = [threading.Thread(target=take_and_hold), threading.Thread(target=take_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert results["first"] == "won"
    assert results["second"] == "refused"
    assert results["second_waited"] > 0.5, "the second opvolger did not wait for the row lock"
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_PROGRESS
    assert signal.assigned_to == first
    assert SignalEvent.objects.filter(signal=signal, kind=EventKind.TAKEN).count() == 1


def _file(user, organisation):
    return services.file_signal(
        cleaned_data={
            "submission_token": f"token-{time.monotonic_ns()}",
            "age_group": AgeGroup.objects.get(code="ouderen"),
            "kern": Kern.objects.get(code="monster"),
            "note": "Zegt dat ze niemand meer ziet.",
            "consent": True,
            "resident_name": "Kees de Graaf",
            "resident_phone": "0174 111 222",
        },
        signs=[],
        user=user,
        organisation=organisation,
    )


def _use_broker(monkeypatch, url):
    """Point the app at another broker URL and drop the connections made to the old one."""
    monkeypatch.setattr(celery_app.conf, "broker_url", url)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_a_signal_filed_while_the_broker_is_down_is_kept_and_mailed_once_it_answers(monkeypatch):
    require(bool(settings.REDIS_URL), "a Redis broker (set REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    rule = RoutingRuleFactory(is_default=True)
    opvolger = MembershipFactory(organisation=rule.organisation, role=Role.HANDLER).user
    filer = MembershipFactory(role=Role.STAFF)

    # The broker does not answer (nothing listens on port 1): filing still works.
    _use_broker(monkeypatch, "redis://127.0.0.1:1/0")
    started = time.monotonic()
    signal = _file(filer.user, filer.organisation)
    assert time.monotonic() - started < 10, "filing hung on the unreachable broker"
    assert Signal.objects.filter(pk=signal.pk).exists()
    pending = Notification.objects.get(signal=signal, recipient=opvolger)
    assert pending.sent_at is None
    assert mail.outbox == []

    # The broker answers again: the periodic retry queues the row and a real worker sends it.
    _use_broker(monkeypatch, settings.CELERY_BROKER_URL)
    # The retry leaves rows younger than 30 seconds to their own task.
    Notification.objects.filter(pk=pending.pk).update(created_at=pending.created_at - datetime.timedelta(minutes=5))
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=20):
        from signals.tasks import retry_pending_notifications

        assert retry_pending_notifications() == 1
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Notification.objects.get(pk=pending.pk).sent_at:
            time.sleep(0.2)
    pending.refresh_from_db()
    assert pending.sent_at is not None
    assert [m.to for m in mail.outbox] == [[opvolger.email]]
    assert "Kees" not in mail.outbox[0].body and "0174" not in mail.outbox[0].body
    assert signal.number in mail.outbox[0].subject
