"""While PORTAL_ENFORCE_MFA is on, privileged users reach nothing but MFA setup and logout."""

import pytest
from django.urls import reverse

from coalition.tests.factories import PASSWORD, add_totp

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _enforce(settings):
    settings.PORTAL_ENFORCE_MFA = True


@pytest.mark.parametrize("role", ["handler", "officer", "administrator"])
@pytest.mark.parametrize("path", ["/", "/admin/", "/admin/coalition/organisation/", "/accounts/email/"])
def test_privileged_user_without_totp_is_sent_to_setup(client, request, role, path):
    client.force_login(request.getfixturevalue(role))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


@pytest.mark.parametrize("role", ["handler", "officer", "administrator"])
def test_privileged_user_can_open_setup_and_log_out(client, sign_in, request, role):
    response = sign_in(request.getfixturevalue(role))
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == ACTIVATE
    # allauth asks for the password once more before a second factor is added.
    reauth = client.get(ACTIVATE)
    assert reauth["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reauth["Location"], {"password": PASSWORD})["Location"] == ACTIVATE
    setup = client.get(ACTIVATE)
    assert setup.status_code == 200
    assert b'id="authenticator_secret"' in setup.content
    assert "no-store" in setup["Cache-Control"]  # the secret must not stay in a browser's cache
    logout = client.post(reverse("account_logout"))
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_administrator_with_totp_reaches_admin(client, administrator):
    add_totp(administrator)
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", ["staff_member", "coordinator"])
def test_roles_without_personal_data_are_not_forced(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/").status_code == 200


def test_enforcement_off_lets_officer_through(client, settings, officer):
    settings.PORTAL_ENFORCE_MFA = False
    client.force_login(officer)
    assert client.get("/").status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"].startswith(reverse("account_login"))


def test_non_staff_user_cannot_open_admin(client, staff_member):
    client.force_login(staff_member)
    assert client.get("/admin/", follow=True).status_code == 403
