"""Second-factor secrets are encrypted at rest with the portal's keys (found by a probe:
mfa_authenticator.data held every privileged user's TOTP secret and recovery seed in
plain text, and the admin showed them)."""

import importlib
from io import StringIO

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from coalition.tests.factories import UserFactory, add_totp, sign_in_with_totp
from common.crypto import decrypt

pytestmark = pytest.mark.django_db


def raw_data(authenticator) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        return str(cursor.fetchone()[0])


def test_a_new_totp_secret_and_recovery_seed_are_stored_encrypted_and_still_sign_in(client):
    user = UserFactory()
    totp = add_totp(user)
    codes = RecoveryCodes.activate(user)
    secret = get_mfa_adapter().decrypt(totp.data["secret"])
    seed = get_mfa_adapter().decrypt(codes.instance.data["seed"])
    assert secret not in raw_data(totp) and seed not in raw_data(codes.instance)
    assert totp.data["secret"].startswith("gAAAAA") and codes.instance.data["seed"].startswith("gAAAAA")
    # The second factor works as before: a code of the decrypted secret signs in.
    sign_in_with_totp(client, user)
    assert "_auth_user_id" in client.session
    assert len(codes.get_unused_codes()) == 10


def test_the_migration_encrypts_what_was_stored_in_plain_text_and_nothing_twice(settings):
    user = UserFactory()
    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    authenticator = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": plain})
    migration = importlib.import_module("coalition.migrations.0004_encrypt_second_factor_secrets")

    migration.encrypt(apps, None)
    migration.encrypt(apps, None)  # run again: still one layer of encryption

    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    assert plain not in raw_data(authenticator)
    assert decrypt(stored) == plain
    migration.decrypt(apps, None)
    assert Authenticator.objects.get(pk=authenticator.pk).data["secret"] == plain


def test_rotation_re_encrypts_second_factors_too(client, settings):
    user = UserFactory()
    add_totp(user)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    check = StringIO()
    with pytest.raises(Exception, match="still need an older key"):
        call_command("rotate_encryption", "--check", stdout=check)
    call_command("rotate_encryption", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key gone
    sign_in_with_totp(client, user)
    assert "_auth_user_id" in client.session


def test_the_admin_never_shows_the_secret(client, administrator):
    add_totp(administrator)
    secret = Authenticator.objects.get(user=administrator).data["secret"]
    client.force_login(administrator)
    page = client.get(f"/admin/mfa/authenticator/{Authenticator.objects.get(user=administrator).pk}/change/")
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert 'name="data"' not in page.content.decode()
