"""Encrypt the second-factor secrets that allauth stored in plain text (TOTP keys, the
recovery codes' seeds) with the portal's keys, as coalition.adapters.MFAAdapter now does
for new ones. Written out here (cryptography and the keys in settings), not imported from
the application, so this migration does the same on every database."""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import migrations

# Which value of an authenticator's data is the secret, by type.
SECRET_KEYS = {"totp": "secret", "recovery_codes": "seed"}
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so; a base32 or hex secret never does


def _fernet():
    return MultiFernet(
        [Fernet(key.encode() if isinstance(key, str) else key) for key in settings.FIELD_ENCRYPTION_KEYS]
    )


def _convert(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    fernet = _fernet()
    for authenticator in Authenticator.objects.filter(type__in=SECRET_KEYS).iterator():
        key = SECRET_KEYS[authenticator.type]
        value = authenticator.data.get(key)
        new = change(fernet, value) if value else None
        if new is not None and new != value:
            authenticator.data = {**authenticator.data, key: new}
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor):
    _convert(apps, lambda f, v: v if v.startswith(FERNET_PREFIX) else f.encrypt(v.encode()).decode("ascii"))


def decrypt(apps, schema_editor):
    _convert(apps, lambda f, v: f.decrypt(v.encode("ascii")).decode() if v.startswith(FERNET_PREFIX) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0003_invitation_email_in_the_outbox"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
