import datetime

import pytest
from django.core import mail
from django.utils import timezone

from coalition.constants import InitiativeStatus, Role
from coalition.models import Initiative
from coalition.tasks import remind_partners
from coalition.tests.factories import InitiativeFactory, MembershipFactory, ReachReportFactory
from common.periods import Quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(celery_eager, django_capture_on_commit_callbacks):
    """Run the weekly task as beat does: its e-mails leave the outbox when it commits."""

    def _remind():
        with django_capture_on_commit_callbacks(execute=True):
            return remind_partners()

    return _remind


def age(initiative, days):
    Initiative.objects.filter(pk=initiative.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_coordinators_of_stale_initiatives_are_reminded_once_a_week(remind):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    MembershipFactory(organisation=coordinator.organisation, role=Role.STAFF)
    stale = InitiativeFactory(organisation=coordinator.organisation, title="Oude koffieochtend")
    age(stale, 200)
    q = Quarter.of(timezone.localdate()).previous()
    ReachReportFactory(initiative=stale, year=q.year, quarter=q.quarter)
    fresh_org = MembershipFactory(role=Role.COORDINATOR)
    fresh = InitiativeFactory(organisation=fresh_org.organisation)
    ReachReportFactory(initiative=fresh, year=q.year, quarter=q.quarter)

    assert remind() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.user.email]
    assert "Oude koffieochtend" in message.body
    # A second run in the same week (a retried task) sends nothing new.
    assert remind() == 0
    assert len(mail.outbox) == 1


def test_reach_reports_due_after_the_quarter_are_reminded(monkeypatch, remind):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    InitiativeFactory(organisation=coordinator.organisation, title="Maatjesproject")
    InitiativeFactory(organisation=coordinator.organisation, title="Concept", status=InitiativeStatus.DRAFT)
    # Ten days after the end of a quarter.
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 10, 10))
    remind()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Maatjesproject" in body and "2026-Q3" in body
    assert "Concept" not in body


def test_stale_initiatives_are_marked_on_the_social_map(client):
    initiative = InitiativeFactory(title="Jaren oud")
    age(initiative, 400)
    text = client.get("/activiteiten/").content.decode()
    assert "Het afgelopen jaar niet bijgewerkt" in text
