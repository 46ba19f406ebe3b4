"""Managers that scope data to a user: every view starts from one of these."""

from django.contrib.auth.base_user import BaseUserManager
from django.db import models

from .constants import OrganisationStatus, Role


def in_approved_organisation(via: str, user, role) -> models.Q:
    """Rows whose organisation (reached by the lookup path ``via``) is approved and has
    ``user`` as a member in ``role``: one condition, so both apply to one membership."""
    return models.Q(
        **{
            f"{via}__status": OrganisationStatus.APPROVED,
            f"{via}__memberships__user": user,
            f"{via}__memberships__role": role,
        }
    )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def active_members(self, role: str, organisation=None, *, approved_only: bool = True):
        """Users behind ``Membership.objects.with_role(...)``: active accounts holding the role."""
        membership = self.model._meta.get_field("memberships").related_model
        holders = membership.objects.with_role(role, organisation, approved_only=approved_only).values("user_id")
        return self.get_queryset().filter(pk__in=holders)


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=OrganisationStatus.APPROVED)

    def signal_handlers(self):
        return self.approved().filter(is_signal_handler=True)

    def for_user(self, user):
        """Organisations this user may see inside the partner area."""
        if not user.is_authenticated:
            return self.none()
        if user.is_officer or user.is_staff:
            return self.all()
        return self.filter(memberships__user=user).distinct()

    def managed_by(self, user):
        """Organisations whose settings, members and initiatives this user manages."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.COORDINATOR).distinct()


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        """Memberships visible to the user: their own, and those of organisations they coordinate."""
        if not user.is_authenticated:
            return self.none()
        if user.is_officer or user.is_staff:
            return self.all()
        coordinated = self.filter(user=user, role=Role.COORDINATOR).values("organisation")
        return self.filter(models.Q(user=user) | models.Q(organisation__in=coordinated))

    def active(self):
        return self.filter(organisation__status=OrganisationStatus.APPROVED)

    def with_role(self, role: str, organisation=None, *, approved_only: bool = True):
        """The one answer to "the active members of an organisation with this role".

        Deactivated accounts never count: they receive no e-mail and cannot be chosen.
        A role counts only while its organisation is approved (``approved_only``); the
        e-mail that tells coordinators about a rejection or deactivation passes False.
        ``organisation`` is an organisation or its id; None means every organisation.
        """
        queryset = self.filter(role=role, user__is_active=True)
        if approved_only:
            queryset = queryset.active()
        if organisation is not None:
            queryset = queryset.filter(organisation_id=getattr(organisation, "pk", organisation))
        return queryset


class InvitationQuerySet(models.QuerySet):
    def open(self):
        from django.utils import timezone

        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_user(self, user):
        """Invitations of the organisations the user coordinates."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user, organisation__memberships__role=Role.COORDINATOR)


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        """What the public social map shows: active initiatives of approved partners."""
        from .constants import InitiativeStatus

        return self.filter(status=InitiativeStatus.ACTIVE, organisation__status=OrganisationStatus.APPROVED)

    def for_user(self, user):
        """Initiatives the user may see in the partner area: those of their organisations."""
        if not user.is_authenticated:
            return self.none()
        if user.is_officer or user.is_staff:
            return self.all()
        return self.filter(organisation__memberships__user=user).distinct()

    def managed_by(self, user):
        """Initiatives the user may edit: those of approved organisations they coordinate."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(in_approved_organisation("organisation", user, Role.COORDINATOR)).distinct()


class ReachReportQuerySet(models.QuerySet):
    def managed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(in_approved_organisation("initiative__organisation", user, Role.COORDINATOR)).distinct()
