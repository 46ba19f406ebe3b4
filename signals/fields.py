"""Encryption at rest for residents' personal data.

A small text field on the portal's MultiFernet (common.crypto): the database column only
ever holds Fernet tokens. Keys come from settings.FIELD_ENCRYPTION_KEYS: the first encrypts, every
one decrypts. A key is rotated in four steps (docs/operations.md): the new one is added
after the old, then put first, the rows are re-encrypted (``manage.py rotate_encryption``)
and only then is the old key dropped.
"""

from django.db import models

from common.crypto import decrypt, encrypt, fernet

__all__ = ["EncryptedTextField", "decrypt", "encrypt", "fernet"]


class EncryptedTextField(models.TextField):
    """Stores text encrypted; an empty value stays empty (nothing to protect, and it
    lets "has this been erased" be answered without a key)."""

    description = "Text encrypted at rest (Fernet)"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_internal_type(self):
        return "TextField"
