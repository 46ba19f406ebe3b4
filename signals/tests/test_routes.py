"""A signal never goes to nobody (docs/adr/0008): routing only chooses a Signaalpunt with an
active opvolger; otherwise the signal waits unrouted, beheerders and officers are told at
once and daily, and saving a routing rule routes it. Deactivating an organisation hands
its open work over in the same transaction."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from coalition import services as coalition_services
from coalition.constants import OrganisationStatus, Role
from coalition.models import Kern
from coalition.tests.factories import InitiativeFactory, MembershipFactory, UserFactory
from signals import routing, tasks
from signals.constants import EventKind, NotificationKind, ReferralStatus, SignalStatus, Source
from signals.models import Notification, Referral, RoutingRule, Signal, SignalEvent
from signals.services import routes
from signals.tests.factories import RoutingRuleFactory, SignalFactory, SignalHandlerOrganisationFactory
from signals.tests.test_public_intake import complete, opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def keepers(db):
    """Who must hear of a signal without a route: a beheerder and an officer (active ones only)."""
    beheerder = UserFactory(is_staff=True, is_superuser=True)
    officer = UserFactory(is_officer=True)
    UserFactory(is_officer=True, is_active=False)
    return beheerder, officer


@pytest.fixture
def sent(celery_eager, django_capture_on_commit_callbacks):
    """Run what a change queues on commit (the outbox's delivery) inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def report(client):
    response = client.post("/signaal-doorgeven/", complete(opened(client)))
    assert response.status_code == 302
    return Signal.objects.latest("pk")


def test_an_empty_routing_table_keeps_the_report_and_tells_beheerders_and_officers(client, keepers, sent):
    with sent():
        signal = report(client)

    assert signal.source == Source.RESIDENT_OTHER
    assert signal.status == SignalStatus.NEW
    assert signal.handling_organisation is None
    assert signal.first_contact_due is not None  # the deadline runs from filing all the same
    assert SignalEvent.objects.filter(signal=signal, kind=EventKind.UNROUTED).exists()
    told = sorted(message.to[0] for message in mail.outbox if "route" in message.subject)
    assert told == sorted(user.email for user in keepers)
    for message in mail.outbox:
        assert "Mevrouw" not in message.body and "kees" not in message.body.lower()


def test_a_signaalpunt_without_an_active_opvolger_is_passed_over(client, keepers, sent):
    empty = SignalHandlerOrganisationFactory(name="Signaalpunt zonder mensen")
    MembershipFactory(organisation=empty, role=Role.HANDLER, user__is_active=False)
    RoutingRuleFactory(organisation=empty, kern=Kern.objects.get(code="monster"), position=0)
    staffed = RoutingRuleFactory(is_default=True).organisation

    assert routing.find_rule(Kern.objects.get(code="monster").pk, None).organisation == staffed
    with sent():
        signal = report(client)
    assert signal.handling_organisation == staffed


def test_saving_a_routing_rule_routes_what_waited_and_tells_its_opvolgers(client, keepers, sent, administrator):
    with sent():
        signal = report(client)
    assert signal.handling_organisation is None
    signaalpunt = SignalHandlerOrganisationFactory(opvolgers=1)
    opvolger = signaalpunt.memberships.get().user
    mail.outbox.clear()

    client.force_login(administrator)
    with sent():
        response = client.post(
            "/admin/signals/routingrule/add/", {"organisation": signaalpunt.pk, "position": 0, "is_default": "on"}
        )
    assert response.status_code == 302
    assert RoutingRule.objects.filter(organisation=signaalpunt, is_default=True).exists()

    signal.refresh_from_db()
    assert signal.handling_organisation == signaalpunt
    assert [message.to for message in mail.outbox] == [[opvolger.email]]
    assert routes.unrouted().count() == 0


def test_the_daily_digest_names_what_still_waits_once_a_day(client, keepers, sent):
    with sent():
        report(client)
        report(client)
    mail.outbox.clear()

    with sent():
        tasks.send_overdue_digest()
        tasks.send_overdue_digest()  # a second run the same day tells nobody again

    digests = [message for message in mail.outbox if "2 signalen wachten op een route" in message.subject]
    assert sorted(message.to[0] for message in digests) == sorted(user.email for user in keepers)
    assert len(mail.outbox) == 2


def test_deactivating_an_organisation_hands_its_open_signals_and_referrals_over(officer, sent):
    leaving = SignalHandlerOrganisationFactory(name="Welzijn dat stopt", opvolgers=1)
    RoutingRuleFactory(organisation=leaving, position=0, kern=Kern.objects.get(code="monster"))
    other = RoutingRuleFactory(is_default=True).organisation
    other_opvolger = other.memberships.get().user
    leaving_opvolger = leaving.memberships.get().user
    open_signal = SignalFactory(
        handling_organisation=leaving, status=SignalStatus.IN_PROGRESS, assigned_to=leaving_opvolger
    )
    closed_signal = SignalFactory(handling_organisation=leaving, status=SignalStatus.CLOSED)
    # A referral of another Signaalpunt's signal to an activity of the leaving organisation.
    activity = InitiativeFactory(organisation=leaving)
    referred = SignalFactory(handling_organisation=other, status=SignalStatus.REFERRED)
    referral = Referral.objects.create(signal=referred, initiative=activity, status=ReferralStatus.PROPOSED)

    with sent():
        coalition_services.decide_organisation(
            organisation_id=leaving.pk, officer=officer, decision="deactivate", reason="Gestopt per 1 december"
        )

    leaving.refresh_from_db()
    assert leaving.status == OrganisationStatus.INACTIVE
    open_signal.refresh_from_db()
    assert open_signal.handling_organisation == other
    assert open_signal.assigned_to is None
    assert open_signal.status == SignalStatus.IN_PROGRESS  # its history goes on
    assert open_signal.events.filter(kind=EventKind.HANDED_OVER).exists()
    closed_signal.refresh_from_db()
    assert closed_signal.handling_organisation == leaving  # closed work stays where it was
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NOT_STARTED
    kinds = set(Notification.objects.filter(recipient=other_opvolger).values_list("kind", flat=True))
    assert kinds == {NotificationKind.NEW_SIGNAL, NotificationKind.REFERRAL_ENDED}
    assert not Notification.objects.filter(recipient=leaving_opvolger).exists()


def test_the_new_opvolgers_can_work_and_erase_a_handed_over_signal(client, officer, sent):
    from signals import services

    leaving = SignalHandlerOrganisationFactory(opvolgers=1)
    other = RoutingRuleFactory(is_default=True).organisation
    signal = SignalFactory(handling_organisation=leaving, resident_name="Jannie Zwinkels")
    coalition_services.decide_organisation(
        organisation_id=leaving.pk, officer=officer, decision="deactivate", reason="Gestopt"
    )

    new_opvolger = other.memberships.get().user
    client.force_login(new_opvolger)
    assert client.get(f"/signalen/{signal.pk}/").status_code == 200
    services.erase_personal_data(signal_id=signal.pk, actor=new_opvolger)
    signal.refresh_from_db()
    assert signal.resident_name == "" and signal.personal_data_erased_at is not None


def test_retention_erases_closed_signals_of_a_deactivated_organisation(officer):
    from signals import services
    from signals.models import Outcome, SignalSettings

    leaving = SignalHandlerOrganisationFactory(opvolgers=1)
    RoutingRuleFactory(is_default=True)
    days = SignalSettings.current().retention_days
    closed = SignalFactory(
        handling_organisation=leaving,
        status=SignalStatus.CLOSED,
        outcome=Outcome.objects.get(code="geen-behoefte"),
        closed_at=timezone.now() - datetime.timedelta(days=days + 1),
        resident_name="Jannie Zwinkels",
    )
    coalition_services.decide_organisation(
        organisation_id=leaving.pk, officer=officer, decision="deactivate", reason="x"
    )

    assert services.erase_expired() == 1
    closed.refresh_from_db()
    assert closed.resident_name == ""
