"""The outbox with a real SMTP server of the test's own (aiosmtpd) that refuses, goes away
and comes back: every e-mail is delivered exactly once after recovery, a failure is kept
and visible, and no page answers 500 because mail is down."""

import datetime
import logging
import re

import pytest
from django.core import mail
from django.utils import timezone

from coalition.tests.factories import UserFactory
from common import outbox
from common.models import Email
from common.tasks import retry_due_emails
from westland.tests.spare import SpareSMTP

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = SpareSMTP().start()
    for name, value in server.email_settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


def make_due(*emails):
    """As if the backoff had passed (the retry only takes what is due)."""
    past = timezone.now() - datetime.timedelta(hours=1)
    Email.objects.filter(pk__in=[e.pk for e in emails]).update(next_attempt_at=past, created_at=past)


@pytest.fixture
def queued(django_capture_on_commit_callbacks):
    """Queue an e-mail as a change does; its transaction commits, which hands it to a worker."""

    def _queued(**to):
        with django_capture_on_commit_callbacks(execute=True):
            return outbox.queue("test.hallo", subject="Hallo", body="Een bericht.", **to)

    return _queued


def test_an_email_waits_while_the_server_refuses_and_goes_out_once_when_it_accepts(smtp, celery_eager, queued):
    smtp.refusing = True
    email = queued(address="coordinator@voorbeeld.nl")

    email.refresh_from_db()
    assert email.status == Email.Status.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("SMTPDataError 451")
    assert email.next_attempt_at > timezone.now()
    assert smtp.messages == []

    smtp.refusing = False
    assert retry_due_emails() == 0  # not due yet: the backoff holds
    make_due(email)
    assert retry_due_emails() == 1
    retry_due_emails()  # a second round finds nothing more to send

    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert email.last_error == ""  # cleared by the success
    assert [recipients for recipients, _message in smtp.messages] == [["coordinator@voorbeeld.nl"]]


def test_a_server_that_is_down_keeps_the_email_pending(smtp, celery_eager, queued):
    smtp.stop()
    email = queued(address="iemand@voorbeeld.nl")
    email.refresh_from_db()
    assert email.status == Email.Status.PENDING
    assert email.last_error == "ConnectionRefusedError"

    smtp.start()
    make_due(email)
    retry_due_emails()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(smtp.messages) == 1


def test_after_the_last_attempt_an_email_is_failed_logged_and_shown_to_a_beheerder(
    smtp, celery_eager, settings, caplog, client, administrator, queued, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp.refusing = True
    email = queued(address="iemand@voorbeeld.nl")
    with caplog.at_level(logging.ERROR, logger="common.outbox"):
        for _round in range(5):
            make_due(email)
            retry_due_emails()

    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.attempts == 3
    assert f"E-mail {email.pk} (test.hallo) failed after 3 attempts" in caplog.text

    client.force_login(administrator)
    listing = client.get("/admin/common/email/?status__exact=mislukt").content.decode()
    assert "test.hallo" in listing and "SMTPDataError 451" in listing

    smtp.refusing = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/common/email/", {"action": "send_again", "_selected_action": [email.pk]}, follow=True
        )
    assert "1 e-mail wordt opnieuw verstuurd." in response.content.decode()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(smtp.messages) == 1


def test_a_broker_that_does_not_answer_leaves_the_email_for_the_retry(smtp, settings, celery_eager, queued):
    from westland.celery import app

    app.conf.task_always_eager = False
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        email = queued(address="iemand@voorbeeld.nl")
    finally:
        app.conf.broker_url = previous
        app.conf.task_always_eager = True
    email.refresh_from_db()
    assert email.status == Email.Status.PENDING and email.attempts == 0

    make_due(email)
    retry_due_emails()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(smtp.messages) == 1


def test_an_email_to_a_deactivated_account_is_not_sent(smtp, celery_eager, queued):
    user = UserFactory(is_active=False)
    email = queued(recipient=user)
    email.refresh_from_db()
    assert email.status == Email.Status.CANCELLED
    assert smtp.messages == []


def test_sign_up_while_mail_is_down_answers_and_the_verification_arrives_later(
    smtp, celery_eager, client, django_capture_on_commit_callbacks
):
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "nieuw@voorbeeld.nl",
                "password1": "een-goed-wachtwoord-99",
                "password2": "een-goed-wachtwoord-99",
            },
        )
    assert response.status_code == 302

    email = Email.objects.get(address="nieuw@voorbeeld.nl")
    assert email.status == Email.Status.PENDING
    smtp.start()
    make_due(email)
    retry_due_emails()

    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert email.body == ""  # the verification link is not kept once sent
    [(recipients, message)] = smtp.messages
    assert recipients == ["nieuw@voorbeeld.nl"]
    assert re.search(r"/accounts/confirm-email/\S+", message)


def test_a_password_reset_while_mail_is_down_answers(smtp, celery_eager, client, django_capture_on_commit_callbacks):
    user = UserFactory(email="vergeten@voorbeeld.nl")
    smtp.refusing = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert Email.objects.get(address=user.email).status == Email.Status.PENDING
    assert mail.outbox == []  # nothing went out behind the outbox's back


def test_an_address_that_cannot_be_read_counts_as_a_failed_attempt(smtp, celery_eager, queued):
    email = queued(resolver="no.such.resolver", key="1")
    email.refresh_from_db()
    assert email.status == Email.Status.PENDING
    assert email.attempts == 1 and email.last_error == "LookupError"
    assert smtp.messages == []
