"""A provider's coordinator and the referrals to their initiatives: only what the resident
agreed to share, every view of contact details audited, status reported back."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse

from coalition.constants import OrganisationStatus, Role
from coalition.tests.factories import PASSWORD, InitiativeFactory, MembershipFactory, UserFactory, sign_in_with_totp
from signals.constants import EventKind, ReferralStatus
from signals.models import ContactDetailsView, SignalEvent

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db

REFERRALS = reverse("signals:referrals")
NOTE = "Mevrouw huilde bij de kassa."
HANDLER_NOTE = "Zoon is vorig jaar overleden."


def detail(referral):
    return reverse("signals:referral", args=[referral.pk])


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def provider(client, coordinator):
    """The coördinator, signed in with a second factor (contact details ask for one)."""
    sign_in_with_totp(client, coordinator)
    return coordinator


@pytest.fixture
def initiative(provider):
    return InitiativeFactory(organisation=provider.memberships.get().organisation, title="Koffie in De Kreek")


def referral_to(initiative, *, shared):
    referral = ReferralFactory(
        initiative=initiative,
        share_contact=shared,
        signal__share_with_provider=shared,
        signal__note=NOTE,
    )
    SignalEvent.objects.create(signal=referral.signal, kind=EventKind.CONTACT, note=HANDLER_NOTE)
    return referral


def test_the_list_shows_referrals_to_the_coordinators_initiatives_only(english, initiative):
    mine = referral_to(initiative, shared=True)
    elsewhere = referral_to(InitiativeFactory(title="Wandelclub Maasdijk"), shared=True)

    html = english.get(REFERRALS).content.decode()

    assert f'id="referral-{mine.pk}"' in html and "Koffie in De Kreek" in html
    assert f'id="referral-{elsewhere.pk}"' not in html and "Wandelclub Maasdijk" not in html
    assert "Ouderen (65+)" in html and "Naaldwijk" in html and "proposed" in html
    for private in (NOTE, HANDLER_NOTE, "Jannie", "0174 123 456", mine.signal.number):
        assert private not in html


def test_shared_contact_details_show_and_the_view_is_audited(english, provider, initiative):
    referral = referral_to(initiative, shared=True)

    html = english.get(detail(referral)).content.decode()

    assert 'id="contact-details"' in html
    assert "Jannie Zwinkels" in html and "0174 123 456" in html and "j.zwinkels@voorbeeld.nl" in html
    assert NOTE not in html and HANDLER_NOTE not in html
    audit = ContactDetailsView.objects.get()
    assert (audit.user, audit.signal, audit.purpose) == (provider, referral.signal, "referral")


def test_shared_contact_details_wait_for_a_second_factor(client, coordinator, initiative):
    # Found by a probe: a coördinator saw shared contact details with a password alone.
    client.logout()
    Authenticator.objects.filter(user=coordinator).delete()  # no authenticator app yet
    assert client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})["Location"] == "/"
    referral = referral_to(initiative, shared=True)

    html = client.get(detail(referral)).content.decode()

    assert 'id="needs-second-factor"' in html and 'id="contact-details"' not in html
    assert "Jannie" not in html and "0174 123 456" not in html and "j.zwinkels" not in html
    assert reverse("mfa_activate_totp") in html
    assert not ContactDetailsView.objects.exists()
    # With an authenticator app and its code at sign-in, the details show (and are audited).
    client.logout()
    sign_in_with_totp(client, coordinator)
    html = client.get(detail(referral)).content.decode()
    assert "Jannie Zwinkels" in html
    assert ContactDetailsView.objects.count() == 1


def test_without_share_contact_no_contact_details_and_no_audit(english, initiative):
    referral = referral_to(initiative, shared=False)

    response = english.get(detail(referral))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="no-contact"' in html and 'id="contact-details"' not in html
    assert "Jannie" not in html and "0174 123 456" not in html and "j.zwinkels" not in html
    assert not ContactDetailsView.objects.exists()


def test_anyone_but_the_coordinator_gets_404(client, initiative):
    referral = referral_to(initiative, shared=True)
    organisation = initiative.organisation
    others = [
        MembershipFactory(role=Role.COORDINATOR).user,  # another organisation's coordinator
        MembershipFactory(role=Role.STAFF, organisation=organisation).user,  # a colleague, not coordinator
        MembershipFactory(role=Role.HANDLER, organisation__is_signal_handler=True).user,
        UserFactory(is_officer=True),
    ]
    for user in others:
        client.force_login(user)
        assert client.get(detail(referral)).status_code == 404
        assert client.post(detail(referral), {"status": ReferralStatus.STARTED}).status_code == 404
        assert f'id="referral-{referral.pk}"' not in client.get(REFERRALS).content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PROPOSED
    assert not ContactDetailsView.objects.exists()


def test_a_coordinator_of_an_organisation_no_longer_approved_gets_404(client, provider, initiative):
    referral = referral_to(initiative, shared=True)
    initiative.organisation.status = OrganisationStatus.INACTIVE
    initiative.organisation.save()

    assert client.get(detail(referral)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    referral = ReferralFactory()
    for url in (REFERRALS, detail(referral)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("status", [ReferralStatus.REGISTERED, ReferralStatus.STARTED, ReferralStatus.NOT_STARTED])
def test_the_coordinator_reports_what_became_of_the_referral(english, provider, initiative, status):
    referral = referral_to(initiative, shared=False)

    response = english.post(detail(referral), {"status": status}, follow=True)

    referral.refresh_from_db()
    assert referral.status == status
    event = referral.signal.events.get(kind=EventKind.REFERRAL_UPDATED)
    assert event.actor == provider
    assert response.redirect_chain[-1][0] == detail(referral)
    assert f'id="referral-status">{status.label}<' in response.content.decode()


def test_a_referral_cannot_be_set_back_to_proposed(english, initiative):
    referral = referral_to(initiative, shared=False)
    referral.status = ReferralStatus.STARTED
    referral.save()

    response = english.post(detail(referral), {"status": ReferralStatus.PROPOSED})

    assert response.status_code == 200
    assert 'id="id_status_error"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.STARTED
