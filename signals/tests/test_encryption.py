"""Residents' personal data never reaches the database as plain text."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from signals.models import Signal
from signals.tests.factories import SignalFactory

pytestmark = pytest.mark.django_db


def raw(signal, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM signals_signal WHERE id = %s", [signal.pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("column", "plain"),
    [
        ("resident_name", "Jannie Zwinkels"),
        ("resident_phone", "0174 123 456"),
        ("resident_email", "j.zwinkels@voorbeeld.nl"),
        ("resident_address", "Havenstraat 1, 2671 AB Naaldwijk"),
        ("note", "niemand meer spreekt"),
    ],
)
def test_column_holds_no_plain_text_and_reads_back(column, plain):
    signal = SignalFactory()
    stored = raw(signal, column)
    assert plain not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert plain in getattr(Signal.objects.get(pk=signal.pk), column)


def test_keys_rotate_without_losing_data(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    signal = SignalFactory()
    before = raw(signal, "resident_name")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_encryption", stdout=out)
    assert "Re-encrypted 6 values" in out.getvalue()
    after = raw(signal, "resident_name")
    assert after != before
    # Only the new key is needed from now on.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Signal.objects.get(pk=signal.pk).resident_name == "Jannie Zwinkels"


def read_all(keys, settings):
    """What a process configured with ``keys`` reads of every signal's name."""
    settings.FIELD_ENCRYPTION_KEYS = keys
    return sorted(Signal.objects.values_list("resident_name", flat=True))


def test_keys_rotate_in_four_steps_while_every_process_keeps_reading(settings):
    """docs/operations.md: 1. add the new key after the old one everywhere; 2. put it first;
    3. rotate_encryption; 4. remove the old key. At each step every process, restarted or
    not yet, reads every value."""
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    SignalFactory(resident_name="Voor de wissel")

    # 1. The new key decrypts, the old one still encrypts: processes not yet restarted
    #    (old key only) read whatever the restarted ones write.
    settings.FIELD_ENCRYPTION_KEYS = [old, new]
    SignalFactory(resident_name="Stap een")
    assert read_all([old], settings) == ["Stap een", "Voor de wissel"]

    # 2. The new key encrypts; a process still at step 1 reads what it writes.
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    SignalFactory(resident_name="Stap twee")
    assert read_all([old, new], settings) == ["Stap een", "Stap twee", "Voor de wissel"]
    # (Without step 1, a process with the old key alone could not: the old procedure broke it.)
    settings.FIELD_ENCRYPTION_KEYS = [old]
    with pytest.raises(InvalidToken):
        list(Signal.objects.values_list("resident_name", flat=True))

    # 3. Re-encrypt: two signals of six values each were on the old key.
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_encryption", stdout=out)
    assert "Re-encrypted 12 values" in out.getvalue()
    assert "older keys may be removed" in out.getvalue()

    # 4. The old key is gone; everything reads.
    assert read_all([new], settings) == ["Stap een", "Stap twee", "Voor de wissel"]


def test_the_check_refuses_while_a_value_still_needs_the_old_key(settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption", stdout=StringIO())
    # A process that still encrypts with the old key (step 2 not finished everywhere) writes.
    settings.FIELD_ENCRYPTION_KEYS = [old, new]
    signal = SignalFactory(resident_name="Laat geschreven")
    before = raw(signal, "resident_name")

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with pytest.raises(CommandError, match="6 values still need an older key"):
        call_command("rotate_encryption", "--check", stdout=StringIO())
    assert raw(signal, "resident_name") == before  # --check changes nothing

    out = StringIO()
    call_command("rotate_encryption", stdout=out)
    assert "Re-encrypted 6 values" in out.getvalue()
    call_command("rotate_encryption", "--check", stdout=StringIO())
    assert read_all([new], settings) == ["Laat geschreven"]
