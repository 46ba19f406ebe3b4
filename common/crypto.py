"""Encryption at rest with the portal's keys (settings.FIELD_ENCRYPTION_KEYS).

cryptography's MultiFernet: the first key encrypts, every key decrypts. Residents'
personal data (signals.fields.EncryptedTextField) and the second-factor secrets of
accounts (coalition.adapters.MFAAdapter) use these same keys, so one rotation
(``manage.py rotate_encryption``, docs/operations.md) covers both.
"""

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode("ascii")).decode("utf-8")
