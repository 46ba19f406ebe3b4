"""A deactivated coördinator receives neither the weekly reminder nor an officer's decision."""

import pytest
from django.core import mail
from django.utils import timezone

from coalition import services
from coalition.constants import OrganisationStatus, Role
from coalition.models import Initiative
from coalition.tasks import remind_partners
from coalition.tests.factories import InitiativeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_deactivated_coordinator_gets_no_reminder(celery_eager, django_capture_on_commit_callbacks):
    active = MembershipFactory(role=Role.COORDINATOR)
    gone = MembershipFactory(organisation=active.organisation, role=Role.COORDINATOR, user__is_active=False)
    stale = InitiativeFactory(organisation=active.organisation)
    Initiative.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timezone.timedelta(days=400))

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_partners() == 1

    assert [message.to for message in mail.outbox] == [[active.user.email]]
    assert gone.user.email not in mail.outbox[0].to


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_deactivated_coordinator_gets_no_decision(
    officer, celery_eager, django_capture_on_commit_callbacks, decision
):
    active = MembershipFactory(role=Role.COORDINATOR, organisation__status=OrganisationStatus.PENDING)
    MembershipFactory(organisation=active.organisation, role=Role.COORDINATOR, user__is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_organisation(
            organisation_id=active.organisation_id, officer=officer, decision=decision, reason="Geen partner."
        )

    assert [message.to for message in mail.outbox] == [[active.user.email]]
