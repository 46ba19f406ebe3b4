"""Seed the load-test database: the demo content (partners, initiatives, routing to the
Signaalpunt) plus one account per simulated person, written to a JSON file for locust.

Run by ``benchmarks/load/run.py`` with the project's Python against the load database
only (``westland_load``): the accounts have a published password and known TOTP secrets.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "westland.settings")

PASSWORD = "load-test-westland-2028"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--filers", type=int, required=True)
    parser.add_argument("--officers", type=int, required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()

    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from coalition.constants import Role
    from coalition.models import Membership, Organisation, User

    name = connection.settings_dict["NAME"]
    if "load" not in name:
        sys.exit(f"Refusing to seed database {name!r}: the load test only seeds a database named *load*.")
    assert not settings.DEBUG

    call_command("loaddemo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    organisation = Organisation.objects.get(name="Kapsalon De Schaar (demo)")
    accounts = {"filers": [], "officers": []}
    with transaction.atomic():
        for number in range(1, options.filers + 1):
            user = _user(User, EmailAddress, f"medewerker-{number:03d}@load.westland.example")
            Membership.objects.update_or_create(user=user, organisation=organisation, defaults={"role": Role.STAFF})
            accounts["filers"].append({"email": user.email, "password": PASSWORD})
        for number in range(1, options.officers + 1):
            user = _user(User, EmailAddress, f"beleid-{number:03d}@load.westland.example", is_officer=True)
            user.authenticator_set.all().delete()
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            accounts["officers"].append({"email": user.email, "password": PASSWORD, "totp_secret": secret})
    Path(options.out).write_text(json.dumps(accounts, indent=2))
    print(f"Seeded {options.filers} medewerkers and {options.officers} beleidsmedewerkers (with TOTP) in {name}.")


def _user(User, EmailAddress, email, **flags):
    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": email.split("@")[0]})
    for flag, value in flags.items():
        setattr(user, flag, value)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


if __name__ == "__main__":
    main()
