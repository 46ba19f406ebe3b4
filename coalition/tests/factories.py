import time

import factory
import pyotp
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.urls import reverse

from coalition.constants import Frequency, InitiativeKind, InitiativeStatus, OrganisationStatus, Role
from coalition.models import AgeGroup, Domain, Initiative, Kern, Membership, Organisation, ReachReport

PASSWORD = "een-lang-wachtwoord-2028"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@voorbeeld.nl")
    full_name = factory.Faker("name", locale="nl_NL")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner {n}")
    domain = factory.LazyFunction(lambda: Domain.objects.order_by("position").first())
    status = OrganisationStatus.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF


def add_totp(user):
    """Give a user a TOTP authenticator the way allauth stores one after activation."""
    TOTP.activate(user, generate_totp_secret())
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def sign_in_with_totp(client, user):
    """Sign in through allauth's pages with the password and a code of the user's TOTP
    (added first if the user has none), as a person with an authenticator app would."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first() or add_totp(user)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"), response
    totp = pyotp.TOTP(get_mfa_adapter().decrypt(authenticator.data["secret"]))
    if totp.interval - time.time() % totp.interval < 3:  # never type a code about to expire
        time.sleep(3.5)
    response = client.post(reverse("mfa_authenticate"), {"code": totp.now()})
    assert response.status_code == 302, response.content[:500]
    return response


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Koffieochtend {n}")
    description = "Elke week samen koffie drinken en een praatje maken."
    kind = InitiativeKind.MEETING
    frequency = Frequency.WEEKLY
    schedule = "dinsdag 10:00–12:00"
    contact_name = "Fatima de Vries"
    contact_email = "activiteiten@voorbeeld.nl"
    status = InitiativeStatus.ACTIVE
    accepts_referrals = True

    @factory.post_generation
    def kernen(self, create, extracted, **kwargs):
        if create:
            self.kernen.set(extracted if extracted is not None else Kern.objects.filter(code="naaldwijk"))

    @factory.post_generation
    def age_groups(self, create, extracted, **kwargs):
        if create:
            self.age_groups.set(extracted if extracted is not None else AgeGroup.objects.filter(code="ouderen"))


class ReachReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachReport

    initiative = factory.SubFactory(InitiativeFactory)
    year = 2026
    quarter = 3
    participants = 20
    new_participants = 5
    volunteers = 3
    meetings = 12
