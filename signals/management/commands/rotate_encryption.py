"""Re-encrypt residents' personal data and the second-factor secrets of accounts with the
newest key in FIELD_ENCRYPTION_KEYS.

Rotation without a process that cannot read (docs/operations.md, "Rotating the encryption
key"): 1. add the new key *after* the old one in every process and restart them; 2. put
it first and restart; 3. run this command; 4. remove the old key once this command (or
``--check``) says every value reads with the newest key alone.

Values already encrypted with the newest key are left alone, so the command can run again.
A value changed by the portal while this command runs is not overwritten (the update
only applies while the column still holds what was read); the count at the end says
whether anything still needs an older key."""

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from coalition.adapters import MFAAdapter
from signals.fields import EncryptedTextField, fernet
from signals.models import ContactMoment, Signal, SignalEvent

BATCH = 500


def encrypted_columns():
    """(quoted table, quoted column) of every encrypted field."""
    quote = connection.ops.quote_name
    for model in (Signal, SignalEvent, ContactMoment):
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedTextField):
                yield quote(model._meta.db_table), quote(field.column)


def _rows(cursor, table, column):
    """(id, token) of the non-empty values, in batches by id."""
    # Table and column names come from the model and are quoted; values are parameters.
    select = f"SELECT id, {column} FROM {table} WHERE {column} <> '' AND id > %s ORDER BY id LIMIT %s"  # noqa: S608  # nosec B608
    last = 0
    while True:
        cursor.execute(select, [last, BATCH])
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _newest_reads(newest: Fernet, token: str) -> bool:
    try:
        newest.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def _rotate_second_factors(newest: Fernet, *, change: bool) -> tuple[int, int]:
    """The same for the encrypted secret of every second factor (coalition.adapters)."""
    rotated = remaining = 0
    for pk, kind, data in Authenticator.objects.filter(type__in=MFAAdapter.SECRET_KEYS).values_list(
        "pk", "type", "data"
    ):
        key = MFAAdapter.SECRET_KEYS[kind]
        if not data.get(key) or _newest_reads(newest, data[key]):
            continue
        if not change:
            remaining += 1
            continue
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            try:
                authenticator.data[key] = fernet().rotate(authenticator.data[key].encode("ascii")).decode("ascii")
            except InvalidToken as exc:
                raise CommandError(f"The {kind} of authenticator {pk} reads with none of the keys.") from exc
            authenticator.save(update_fields=["data"])
            rotated += 1
    return rotated, remaining


def rotate(*, change: bool) -> tuple[int, int]:
    """Re-encrypt (when ``change``) what the newest key cannot read; returns (re-encrypted,
    values the newest key alone still cannot read)."""
    newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
    rotated = remaining = 0
    for table, column in encrypted_columns():
        update = f"UPDATE {table} SET {column} = %s WHERE id = %s AND {column} = %s"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            for rows in _rows(cursor, table, column):
                with transaction.atomic():
                    for pk, token in rows:
                        if _newest_reads(newest, token):
                            continue
                        if not change:
                            remaining += 1
                            continue
                        try:
                            new = fernet().rotate(token.encode("ascii")).decode("ascii")
                        except InvalidToken as exc:
                            raise CommandError(
                                f"{table}.{column} id {pk} reads with none of the keys in FIELD_ENCRYPTION_KEYS."
                            ) from exc
                        cursor.execute(update, [new, pk, token])
                        rotated += cursor.rowcount
    factors_rotated, factors_remaining = _rotate_second_factors(newest, change=change)
    return rotated + factors_rotated, remaining + factors_remaining


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the newest key; --check only counts what still needs an older one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing: count the values the newest key alone cannot read."
        )

    def handle(self, *args, **options):
        if not options["check"]:
            rotated, _remaining = rotate(change=True)
            self.stdout.write(f"Re-encrypted {rotated} values with the newest key.")
        _rotated, remaining = rotate(change=False)
        if remaining:
            raise CommandError(
                f"{remaining} values still need an older key: keep it in FIELD_ENCRYPTION_KEYS. Make sure every "
                "process has the newest key first, then run rotate_encryption (again)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Every value reads with the newest key alone: older keys may be removed from FIELD_ENCRYPTION_KEYS."
            )
        )
