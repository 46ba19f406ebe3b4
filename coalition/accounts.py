"""Retention of accounts: an account nobody has used for PORTAL_ACCOUNT_RETENTION_DAYS
(two years by default) is closed and its personal data erased (docs/security.md).

Closing keeps the row (the audit log and the histories name it, and must keep doing so
as "a closed account") but removes what identifies the person: name, e-mail address,
password, second factors and e-mail addresses of allauth; memberships end with it."""

import datetime
import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Membership, User

logger = logging.getLogger(__name__)

CLOSED_EMAIL_DOMAIN = "gesloten.invalid"  # a reserved domain: no mail can ever reach it


def unused_accounts(now=None):
    """Active accounts not signed in to (or, never signed in, not joined) within the period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.PORTAL_ACCOUNT_RETENTION_DAYS)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def close_unused_accounts(now=None) -> int:
    """Close every unused account, except the last active superuser (someone must be able
    to administer the portal; an unused one is logged as a warning instead)."""
    closed = 0
    for pk in unused_accounts(now).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=pk)
            if user.is_superuser and not User.objects.filter(is_active=True, is_superuser=True).exclude(pk=pk).exists():
                logger.warning("Account %s is unused but is the last active superuser: kept.", pk)
                continue
            close_account(user)
            closed += 1
    return closed


def close_account(user: User) -> None:
    """Deactivate the account and erase what identifies the person."""
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    user.email = f"account-{user.pk}@{CLOSED_EMAIL_DOMAIN}"
    user.full_name = ""
    user.is_active = user.is_staff = user.is_superuser = user.is_officer = False
    user.set_unusable_password()
    user.save()
    logger.info("Unused account %s closed and its personal data erased.", user.pk)
