"""Querysets scoped to a user: every signals view starts from one of these."""

import datetime

from django.db import models
from django.utils import timezone

from coalition.constants import Role
from coalition.managers import in_approved_organisation


def overdue(today: datetime.date | None = None) -> models.Q:
    """The one definition of "overdue" (docs/design.md): still new, nobody took it, after
    the first-contact due date. A condition for filters, counts and the queue's order;
    :func:`is_overdue` is the same rule for one signal in memory."""
    from .constants import SignalStatus

    return models.Q(status=SignalStatus.NEW, first_contact_due__lt=today or timezone.localdate())


def is_overdue(status: str, first_contact_due: datetime.date | None, today: datetime.date | None = None) -> bool:
    """:func:`overdue` for one signal's values, without a query."""
    from .constants import SignalStatus

    return (
        status == SignalStatus.NEW
        and first_contact_due is not None
        and first_contact_due < (today or timezone.localdate())
    )


class SignalQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        return self.filter(overdue(today))

    def handled_by(self, user):
        """Signals routed to an approved organisation in which the user is an opvolger."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(in_approved_organisation("handling_organisation", user, Role.HANDLER))

    def filed_by_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(filed_by=user)

    def open(self):
        from .constants import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class ReferralQuerySet(models.QuerySet):
    def for_provider(self, user):
        """Referrals to initiatives of approved organisations the user coordinates."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(in_approved_organisation("initiative__organisation", user, Role.COORDINATOR))
