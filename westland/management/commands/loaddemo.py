"""Idempotent demo data: each app's fictitious data and one demo account per role.

Everything created here is marked as demo (``is_demo`` and "(demo)" in names), so it
can never be mistaken for a real partner or a real measurement.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coalition import demo as coalition_demo
from coalition.constants import Role
from coalition.models import Membership
from monitoring import demo as monitoring_demo
from signals import demo as signals_demo

DEMO_PASSWORD = "westland-demo-2028"

# e-mail, description, global flags, memberships (organisation name, role)
ACCOUNTS = [
    ("medewerker@demo.westland.example", "medewerker (kapsalon)", {}, [("Kapsalon De Schaar (demo)", Role.STAFF)]),
    (
        "coordinator@demo.westland.example",
        "coördinator (bibliotheek)",
        {},
        [("Bibliotheek Westland (demo)", Role.COORDINATOR)],
    ),
    ("opvolger@demo.westland.example", "opvolger (Signaalpunt)", {}, [("Welzijn Westland (demo)", Role.HANDLER)]),
    ("beleid@demo.westland.example", "beleidsmedewerker (gemeente)", {"is_officer": True}, []),
    ("beheer@demo.westland.example", "beheerder", {"is_staff": True, "is_superuser": True}, []),
]


class Command(BaseCommand):
    help = "Load idempotent demo data (fictitious partners and one demo account per role) and print the accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load demo accounts even though DEBUG is off (load tests, acceptance environments).",
        )

    def handle(self, *args, **options):
        # The demo's notifications go out when the transaction commits (on the console in
        # development): print the accounts after them, where whoever ran `make run` sees them.
        with transaction.atomic():
            rows = self._load(options)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Demo accounts (password: {DEMO_PASSWORD}):"))
        for description, email in rows:
            self.stdout.write(f"  {description:<32} {email}")
        self.stdout.write("Opvolger, beleidsmedewerker and beheerder set up an authenticator app at first sign-in")
        self.stdout.write("when PORTAL_ENFORCE_MFA is on.")

    def _load(self, options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo accounts have a published password: refusing to load them with DEBUG off.")
        User = get_user_model()
        organisations = coalition_demo.load()
        monitoring_demo.load()

        rows = []
        for email, description, flags, memberships in ACCOUNTS:
            user, created = User.objects.get_or_create(email=email, defaults={"full_name": f"Demo {description}"})
            for flag, value in flags.items():
                setattr(user, flag, value)
            if created:
                user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            for organisation_name, role in memberships:
                Membership.objects.update_or_create(
                    user=user, organisation=organisations[organisation_name], defaults={"role": role}
                )
            rows.append((description, email))

        users = {email.split("@")[0]: User.objects.get(email=email) for email, *_rest in ACCOUNTS}
        signals_demo.load(
            filer=users["medewerker"],
            filer_organisation=organisations["Kapsalon De Schaar (demo)"],
            handler_user=users["opvolger"],
            handler_organisation=organisations["Welzijn Westland (demo)"],
        )

        return rows
