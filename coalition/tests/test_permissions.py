import pytest

from coalition import permissions
from coalition.constants import OrganisationStatus, Role
from coalition.models import Membership, Organisation
from coalition.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "personal_data", "mfa"),
    [
        ("staff_member", False, False),
        ("coordinator", False, False),
        ("handler", True, True),
        ("officer", False, True),
        ("administrator", True, True),
    ],
)
def test_roles_as_design_names_them(request, role, personal_data, mfa):
    user = request.getfixturevalue(role)
    assert permissions.sees_personal_data(user) is personal_data
    assert permissions.requires_mfa(user) is mfa


def test_role_in_a_pending_organisation_counts_for_nothing():
    user = MembershipFactory(role=Role.HANDLER, organisation__status=OrganisationStatus.PENDING).user
    assert not permissions.sees_personal_data(user)
    assert not permissions.may_file_signals(user)


def test_a_person_can_belong_to_several_organisations():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.STAFF)
    MembershipFactory(user=user, role=Role.COORDINATOR)
    assert permissions.roles_of(user) == {Role.STAFF, Role.COORDINATOR}
    assert Organisation.objects.for_user(user).count() == 2


def test_organisations_scoped_to_the_user():
    mine = MembershipFactory(role=Role.COORDINATOR)
    other = OrganisationFactory()
    assert list(Organisation.objects.for_user(mine.user)) == [mine.organisation]
    assert list(Organisation.objects.managed_by(mine.user)) == [mine.organisation]
    assert other not in Organisation.objects.for_user(mine.user)
    assert permissions.may_manage_organisation(mine.user, mine.organisation)
    assert not permissions.may_manage_organisation(mine.user, other)


def test_memberships_scoped_to_the_user():
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    colleague = MembershipFactory(organisation=coordinator.organisation)
    stranger = MembershipFactory()
    visible = set(Membership.objects.for_user(coordinator.user))
    assert visible == {coordinator, colleague}
    assert set(Membership.objects.for_user(colleague.user)) == {colleague}
    assert stranger not in visible


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    OrganisationFactory()
    assert not Organisation.objects.for_user(AnonymousUser()).exists()
    assert not permissions.requires_mfa(AnonymousUser())
