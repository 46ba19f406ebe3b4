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
from django.utils import timezone

from coalition.constants import Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import MembershipFactory
from common.models import Email
from signals import services
from signals.constants import EventKind, SignalStatus
from signals.models import Notification, Signal, SignalEvent
from signals.tests.factories import RoutingRuleFactory, SignalFactory
from westland.celery import app as celery_app
from westland.tests.processes import database_url, start_celery, stop, wait_for
from westland.tests.services import require

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_signals_filed_while_the_broker_is_down_are_kept_and_mailed_once_it_answers(monkeypatch):
    require(bool(settings.REDIS_URL), "a Redis broker (set REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    rule = RoutingRuleFactory(is_default=True)
    opvolger = rule.organisation.memberships.get(role=Role.HANDLER).user
    filers = [MembershipFactory(role=Role.STAFF) for _ in range(3)]

    # The broker does not answer (nothing listens on port 1): filing still works, for everyone.
    _use_broker(monkeypatch, "redis://127.0.0.1:1/0")
    started = time.monotonic()
    filed = [_file(filer.user, filer.organisation) for filer in filers]
    assert time.monotonic() - started < 30, "filing hung on the unreachable broker"
    assert Signal.objects.filter(pk__in=[signal.pk for signal in filed]).count() == 3
    pending = Email.objects.filter(notification__signal__in=filed, recipient=opvolger)
    assert pending.count() == 3 and not pending.exclude(status=Email.Status.PENDING).exists()
    assert mail.outbox == []

    # The broker answers again: the periodic retry queues the rows and a real worker sends them.
    _use_broker(monkeypatch, settings.CELERY_BROKER_URL)
    # The retry leaves rows younger than 30 seconds to their own task.
    pending.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=20):
        from common.tasks import retry_due_emails

        assert retry_due_emails() == 3
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and pending.filter(status=Email.Status.PENDING).exists():
            time.sleep(0.2)
    assert not pending.exclude(status=Email.Status.SENT).exists()
    assert [m.to for m in mail.outbox] == [[opvolger.email]] * 3
    assert sorted(signal.number for signal in filed) == sorted(
        next(number for number in (s.number for s in filed) if number in m.subject) for m in mail.outbox
    )
    assert not any("Kees" in m.body or "0174" in m.body for m in mail.outbox)


# A worker killed in the middle of a delivery ---------------------------------------------


class StallingSMTPServer:
    """A minimal SMTP server on localhost that counts the messages it accepted.

    The first session stalls at ``DATA`` (before any of the message is sent), as a mail
    server that hangs would: the worker is then in the middle of the delivery task. Later
    sessions are answered at once. A message counts as accepted once the server replied
    250 to its final dot, as SMTP defines delivery.
    """

    def __init__(self):
        import socket

        self.accepted = []
        self.stalled = threading.Event()
        self.sessions = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self._socket.settimeout(0.5)
        while not self._stop.is_set():
            try:
                connection, _address = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by close()
                return
            self.sessions += 1
            threading.Thread(target=self._session, args=(connection, self.sessions == 1), daemon=True).start()

    def _session(self, connection, stall):
        reader = connection.makefile("rb")

        def reply(line):
            connection.sendall(line.encode() + b"\r\n")

        try:
            reply("220 localhost test SMTP")
            recipients = []
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.decode(errors="replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250 localhost")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip(" <>"))
                    reply("250 OK")
                elif verb == "DATA":
                    if stall:
                        self.stalled.set()
                        self._stop.wait(120)  # hang until the test ends; the worker is killed meanwhile
                        return
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    body = []
                    while (data := reader.readline()) not in (b".\r\n", b""):
                        body.append(data)
                    self.accepted.append((recipients, b"".join(body)))
                    reply("250 OK queued")
                elif verb == "QUIT":
                    reply("221 Bye")
                    return
                else:  # MAIL, RSET, NOOP
                    reply("250 OK")
        except OSError:
            return
        finally:
            connection.close()

    def close(self):
        self._stop.set()
        self._socket.close()


def _start_worker(name, queue, smtp_port):
    """A real ``celery worker`` process (prefork) on the test database, in a process group of its own."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CONN_MAX_AGE": "0",
        "DEBUG": "true",
    }
    arguments = ["worker", "--pool=prefork", "--concurrency=1", "-Q", queue, "-n", f"{name}@%h"]
    arguments += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return start_celery(arguments, env, name)


def test_a_worker_killed_while_delivering_leaves_the_mail_to_the_next_worker_which_sends_it_once():
    require(bool(settings.REDIS_URL), "a Redis broker (set REDIS_URL)")
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    from common.tasks import deliver_emails

    rule = RoutingRuleFactory(is_default=True)
    opvolger = rule.organisation.memberships.get(role=Role.HANDLER).user
    filer = MembershipFactory(role=Role.STAFF)
    queue = f"worker-fault-{os.getpid()}-{time.monotonic_ns()}"
    smtp = StallingSMTPServer()
    workers = []
    try:
        # Filed while nothing reads this queue; the delivery is queued there by hand.
        signal = _file(filer.user, filer.organisation)
        email = Notification.objects.get(signal=signal, recipient=opvolger).email
        deliver_emails.apply_async(([email.pk],), queue=queue)

        workers.append(_start_worker("first", queue, smtp.port))
        assert smtp.stalled.wait(90), "the first worker never reached the mail server"
        stop(workers[0], "SIGKILL")  # the whole worker, main process and pool, mid-delivery
        assert smtp.accepted == []
        assert Email.objects.get(pk=email.pk).status == Email.Status.PENDING

        workers.append(_start_worker("second", queue, smtp.port))
        assert wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT, 90), (
            "the second worker never delivered the mail of the killed one; see /tmp/westland-second.log"
        )
        # Longer than the visibility timeout: a second copy of the task would have run by now.
        time.sleep(8)
    finally:
        for worker in workers:
            stop(worker, "SIGTERM")
        smtp.close()

    assert [recipients for recipients, _body in smtp.accepted] == [[opvolger.email]]
    assert signal.number.encode() in smtp.accepted[0][1]
    assert Email.objects.get(pk=email.pk).attempts == 1
