"""Logs never carry a resident's personal data: filing a signal (staff form and public
intake), its e-mails failing for good, and the opvolger reading it, all with the portal's
own log configuration at DEBUG (and Django's DEBUG on, as ``make run`` has it)."""

import logging

import pytest
from django.urls import reverse

from coalition.constants import Role
from common.models import Email
from signals.models import Signal
from westland.tests.logcapture import captured_log
from westland.tests.spare import SpareSMTP

from .test_filing import NEW, form_data
from .test_public_intake import START, WHEREABOUTS, WHISPER, complete, contact, opened

pytestmark = pytest.mark.django_db

STAFF_SIGNAL = {
    "resident_name": "Jannie Zwinkels",
    "resident_phone": "0174 555 123",
    "resident_email": "jannie@voorbeeld.nl",
    "resident_address": "Havenstraat 12, Monster",
    "note": "Komt elke ochtend voor een praatje, lijkt de hele dag alleen.",
    "preferred_time": "dinsdagochtend",
}
PUBLIC_REPORT = {**{value: value for value in contact().values()}, WHISPER: WHISPER, WHEREABOUTS: WHEREABOUTS}


def assert_not_in(log, values):
    assert log.lines, "nothing was logged: the capture did not work"
    for value in values:
        for line in log.lines:
            assert value not in line, f"{value!r} is in the log line {line!r}"


@pytest.fixture
def failing_mail(settings, celery_eager):
    """A real mail server that refuses every message; one attempt, so each e-mail fails for good (ERROR)."""
    # The test's own mail server (aiosmtpd, in this process) logs the envelopes it gets: not the portal's log.
    smtp_log = logging.getLogger("mail.log")
    level = smtp_log.level
    smtp_log.setLevel(logging.WARNING)
    server = SpareSMTP().start()
    for name, value in server.email_settings().items():
        setattr(settings, name, value)
    server.refusing = True
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.DEBUG = True
    yield server
    server.stop()
    smtp_log.setLevel(level)


def test_a_staff_signal_its_failed_mail_and_the_opvolgers_reading_log_nothing_of_the_resident(
    client, staff_member, signaalpunt, failing_mail, django_capture_on_commit_callbacks
):
    client.force_login(staff_member)
    data = form_data(client, **STAFF_SIGNAL)
    with captured_log("plain", "DEBUG") as log, django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, data)
        assert response.status_code == 302
        opvolger = signaalpunt.memberships.get(role=Role.HANDLER).user
        client.force_login(opvolger)
        signal = Signal.objects.get()
        assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 200

    assert failing_mail.refused >= 1
    assert Email.objects.filter(status=Email.Status.FAILED).exists()
    assert any(" ERROR common.outbox " in line and "failed after 1 attempts" in line for line in log.lines), log.text
    assert_not_in(log, STAFF_SIGNAL.values())


def test_a_public_report_and_its_failed_receipt_log_nothing_of_the_resident_or_the_reporter(
    client, signaalpunt, failing_mail, django_capture_on_commit_callbacks
):
    with captured_log("json", "DEBUG") as log, django_capture_on_commit_callbacks(execute=True):
        response = client.post(START, complete(opened(client)))
    assert response.status_code == 302

    receipt = Email.objects.get(kind="signals.ontvangstbevestiging")
    assert receipt.status == Email.Status.FAILED
    assert any(record["level"] == "ERROR" and record["logger"] == "common.outbox" for record in log.records())
    assert_not_in(log, PUBLIC_REPORT)
