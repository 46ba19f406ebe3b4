"""Accounts nobody used for two years are closed and their personal data erased."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from coalition import tasks
from coalition.constants import Role
from coalition.models import Membership, User
from coalition.tests.factories import PASSWORD, MembershipFactory, UserFactory, add_totp
from signals.models import ContactDetailsView
from signals.tests.factories import SignalFactory

pytestmark = pytest.mark.django_db


def last_seen(user, days_ago, *, signed_in=True):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    fields = {"last_login": moment, "date_joined": moment} if signed_in else {"last_login": None, "date_joined": moment}
    User.objects.filter(pk=user.pk).update(**fields)


def test_an_account_unused_for_two_years_is_closed_and_erased(client, settings):
    assert settings.PORTAL_ACCOUNT_RETENTION_DAYS == 730
    membership = MembershipFactory(role=Role.HANDLER, user__full_name="Pieter de Vries")
    user = membership.user
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    add_totp(user)
    audit = ContactDetailsView.objects.create(user=user, signal=SignalFactory(), purpose="detail")
    old_email = user.email
    last_seen(user, 731)

    assert tasks.close_unused_accounts() == 1

    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.full_name == "" and old_email not in user.email and user.email.endswith(".invalid")
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert ContactDetailsView.objects.get(pk=audit.pk).user == user  # the audit log still says who
    assert client.post("/accounts/login/", {"login": old_email, "password": PASSWORD}).status_code == 200


def test_accounts_in_use_and_the_last_superuser_stay():
    in_use = UserFactory()
    last_seen(in_use, 700)
    never_signed_in_recently_joined = UserFactory()
    last_seen(never_signed_in_recently_joined, 100, signed_in=False)
    never_signed_in_long_ago = UserFactory()
    last_seen(never_signed_in_long_ago, 800, signed_in=False)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    last_seen(superuser, 900)

    assert tasks.close_unused_accounts() == 1

    assert User.objects.get(pk=never_signed_in_long_ago.pk).is_active is False
    assert (
        User.objects.filter(
            pk__in=[in_use.pk, never_signed_in_recently_joined.pk, superuser.pk], is_active=True
        ).count()
        == 3
    )
