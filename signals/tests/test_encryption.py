"""Residents' personal data never reaches the database as plain text."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
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
