"""Factories for signals. ``SignalFactory`` builds a signal that is already routed, with
plain model fields (no workflow): use ``services.file_signal`` when a test is about filing."""

import datetime

import factory
from django.utils import timezone

from coalition.constants import Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import InitiativeFactory, MembershipFactory, OrganisationFactory, UserFactory
from signals.constants import PreferredContact, SignalStatus, Source
from signals.models import Referral, RoutingRule, Signal
from signals.routing import working_days_between


class SignalHandlerOrganisationFactory(OrganisationFactory):
    class Meta:
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Signaalpunt {n}")
    is_signal_handler = True

    @factory.post_generation
    def opvolgers(self, create, extracted, **kwargs):
        """``opvolgers=N``: that many active opvolgers (routing only sends signals to a staffed Signaalpunt)."""
        if create and extracted:
            MembershipFactory.create_batch(extracted, organisation=self, role=Role.HANDLER)


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    organisation = factory.SubFactory(SignalHandlerOrganisationFactory, opvolgers=1)
    position = factory.Sequence(lambda n: n)
    is_default = False


class SignalFactory(factory.django.DjangoModelFactory):
    """A routed signal with the resident's consent and contact details."""

    class Meta:
        model = Signal
        skip_postgeneration_save = True

    # Far above the ids a test files through the services (S-YYYY-<id>), so they never collide.
    number = factory.Sequence(lambda n: f"S-{timezone.now():%Y}-{n + 900_001:06d}")
    source = Source.PARTNER_STAFF
    filed_by = factory.SubFactory(UserFactory)
    filed_for = factory.SubFactory(OrganisationFactory)
    age_group = factory.LazyFunction(lambda: AgeGroup.objects.get(code="ouderen"))
    kern = factory.LazyFunction(lambda: Kern.objects.get(code="naaldwijk"))
    note = "Mevrouw komt elke dag, zegt dat ze niemand meer spreekt."
    consent = True
    share_with_provider = False
    resident_name = "Jannie Zwinkels"
    resident_phone = "0174 123 456"
    resident_email = "j.zwinkels@voorbeeld.nl"
    resident_address = "Havenstraat 1, 2671 AB Naaldwijk"
    preferred_contact = PreferredContact.PHONE
    preferred_time = "'s ochtends"
    status = SignalStatus.NEW
    handling_organisation = factory.SubFactory(SignalHandlerOrganisationFactory)
    first_contact_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    created_at = factory.LazyFunction(timezone.now)
    first_contact_at = None
    # What services.log_contact stores with a first contact.
    working_days_to_first_contact = factory.LazyAttribute(
        lambda signal: (
            working_days_between(timezone.localtime(signal.created_at).date(), signal.first_contact_at)
            if signal.first_contact_at
            else None
        )
    )

    class Params:
        # SignalFactory(without_consent=True): a signal for the monitor only.
        without_consent = factory.Trait(
            consent=False,
            share_with_provider=False,
            resident_name="",
            resident_phone="",
            resident_email="",
            resident_address="",
            preferred_contact="",
            preferred_time="",
        )

    @factory.post_generation
    def signs(self, create, extracted, **kwargs):
        if create and extracted:
            self.signs.set(extracted)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    signal = factory.SubFactory(SignalFactory, status=SignalStatus.REFERRED)
    initiative = factory.SubFactory(InitiativeFactory)
    share_contact = False
