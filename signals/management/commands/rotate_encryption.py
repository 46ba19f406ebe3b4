"""Re-encrypt residents' personal data with the newest key in FIELD_ENCRYPTION_KEYS.

Rotation: put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it),
deploy, run this command, then remove the old key."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from signals.fields import EncryptedTextField, fernet
from signals.models import ContactMoment, Signal, SignalEvent


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column with the newest key."

    def handle(self, *args, **options):
        total = 0
        for model in (Signal, SignalEvent, ContactMoment):
            fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            table = connection.ops.quote_name(model._meta.db_table)
            for field in fields:
                column = connection.ops.quote_name(field.column)
                # Table and column names come from the model and are quoted; values are parameters.
                select = f"SELECT id, {column} FROM {table} WHERE {column} <> ''"  # noqa: S608  # nosec B608
                update = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608  # nosec B608
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(select)
                    rows = cursor.fetchall()
                    for pk, token in rows:
                        rotated = fernet().rotate(token.encode("ascii")).decode("ascii")
                        cursor.execute(update, [rotated, pk])
                    total += len(rows)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} values with the newest key."))
