"""Querysets scoped to a user: every signals view starts from one of these."""

from django.db import models

from coalition.constants import OrganisationStatus, Role


class SignalQuerySet(models.QuerySet):
    def handled_by(self, user):
        """Signals routed to an approved organisation in which the user is an opvolger."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            handling_organisation__status=OrganisationStatus.APPROVED,
            handling_organisation__memberships__user=user,
            handling_organisation__memberships__role=Role.HANDLER,
        )

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
        return self.filter(
            initiative__organisation__status=OrganisationStatus.APPROVED,
            initiative__organisation__memberships__user=user,
            initiative__organisation__memberships__role=Role.COORDINATOR,
        )
