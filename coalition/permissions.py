"""The one place that answers "may this user do this here".

Views call these functions (or the ``for_user`` managers) instead of checking roles
themselves, so that a rule changes in one place.
"""

from allauth.account.authentication import get_authentication_records
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from .constants import OrganisationStatus, Role
from .models import Membership


def is_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_officer)


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def roles_of(user) -> set[str]:
    """Organisation roles the user holds in approved organisations."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, organisation__status=OrganisationStatus.APPROVED).values_list(
                "role", flat=True
            )
        )
        user._portal_roles = cached
    return cached


def has_role(user, role: str, organisation=None) -> bool:
    if organisation is None:
        return role in roles_of(user)
    return Membership.objects.with_role(role, organisation).filter(user=user).exists()


def sees_personal_data(user) -> bool:
    """Opvolgers and administrators see residents' personal data (docs/design.md, "Users and roles")."""
    return is_administrator(user) or Role.HANDLER in roles_of(user)


def requires_mfa(user) -> bool:
    """Roles that see residents' personal data or approve partners need a second factor."""
    return bool(user.is_authenticated) and (sees_personal_data(user) or is_officer(user))


def signed_in_with_second_factor(request) -> bool:
    """Whether this session's sign-in included a second factor (allauth's records of it).

    A resident's contact details show only then, to every role (docs/adr/0009): opvolgers,
    officers and administrators cannot sign in without one; a coördinator is asked for one
    only when a resident shared contact details with their organisation."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def has_short_session(user) -> bool:
    """Roles that may see personal data (residents', or partner members' for officers) are
    signed out after a short idle time: opvolgers, coördinators, officers and administrators.
    A medewerker sees nothing of a resident once a signal is filed, so keeps the normal session."""
    return bool(user.is_authenticated) and (requires_mfa(user) or Role.COORDINATOR in roles_of(user))


def may_file_signals(user) -> bool:
    """Members of approved partners may file signals."""
    return bool(roles_of(user))


def may_manage_organisation(user, organisation) -> bool:
    return is_officer(user) or (organisation.is_approved and has_role(user, Role.COORDINATOR, organisation))


class OfficerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """For a view of officers (beleidsmedewerkers): anonymous visitors go to the sign-in
    page, everyone else gets 403."""

    def test_func(self):
        return is_officer(self.request.user)
