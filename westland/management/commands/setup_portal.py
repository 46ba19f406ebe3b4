"""First deployment in one command: the first beheerder, the Signaalpunt, the default route
and (optionally) its first opvolger. Idempotent: what exists is left as it is, and said.

Nobody gets a password from this command. Each new account gets a one-time link to choose
one, by e-mail through the outbox (``common.outbox``: a mail server that is not there yet
delays it, never loses it) or, with ``--print-link``, on this terminal for a portal whose
mail is not set up yet. The link is Django's password-reset token: it works once (it is
bound to the password it replaces) and expires after ``PASSWORD_RESET_TIMEOUT``; it is not
stored anywhere (the outbox forgets an e-mail's text once sent).
"""

import os

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from coalition import services as coalition_services
from coalition.constants import Role
from coalition.models import Domain, Kern, Membership, Organisation, User
from common import outbox
from signals.models import RoutingRule
from signals.services import routes

SIGNAALPUNT_DOMAIN = "zorg-en-welzijn"


def password_link(user) -> str:
    """A one-time link to choose a password (allauth's password reset from key)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


class Command(BaseCommand):
    help = (
        "First deployment: create the first beheerder, the Signaalpunt, its default route and optionally "
        "its first opvolger. Idempotent: run it again to add an opvolger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", help="E-mail address of the first beheerder (or PORTAL_ADMIN_EMAIL).")
        parser.add_argument(
            "--handler-email", help="E-mail address of the Signaalpunt's first opvolger (or PORTAL_HANDLER_EMAIL)."
        )
        parser.add_argument(
            "--organisation",
            help="Name of the Signaalpunt (or PORTAL_SIGNAALPUNT_NAME; default: Signaalpunt Westland).",
        )
        parser.add_argument(
            "--print-link",
            action="store_true",
            help="Print each new account's one-time password link here instead of e-mailing it.",
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Ask nothing; fail if needed."
        )

    def handle(self, *args, **options):
        self.interactive = options["interactive"]
        self.print_link = options["print_link"]
        admin_email = self._address(options["email"], "PORTAL_ADMIN_EMAIL", "E-mail address of the first beheerder")
        name = options["organisation"] or os.environ.get("PORTAL_SIGNAALPUNT_NAME") or "Signaalpunt Westland"
        # Everything is asked before the transaction starts: no transaction waits for a person.
        handler_email = self._address(
            options["handler_email"],
            "PORTAL_HANDLER_EMAIL",
            "E-mail address of the first opvolger (empty: add one later)",
            required=False,
            ask=not Membership.objects.with_role(Role.HANDLER).filter(organisation__name=name).exists(),
        )
        self.changed = False
        self.links = []
        with transaction.atomic():
            admin = self._beheerder(admin_email)
            signaalpunt = self._signaalpunt(name, admin)
            self._default_route(signaalpunt)
            if handler_email:
                self._opvolger(handler_email, signaalpunt)
            routed = routes.route_waiting(note=_("Routed when the portal was set up")) if self.changed else 0
        # The e-mails went to the outbox when the transaction committed; the links are printed after it.
        for email, link in self.links:
            self.stdout.write(f"One-time link for {email} to choose a password (works once): {link}")
        if routed:
            self.stdout.write(f"{routed} signal(s) that waited for a route were routed.")
        if not self.changed:
            self.stdout.write(self.style.SUCCESS("Nothing changed: the portal was already set up."))
        self._next_steps(admin, signaalpunt)

    def _address(self, value, variable, question, *, required=True, ask=True):
        value = (value or os.environ.get(variable) or "").strip()
        if not value and self.interactive and ask:
            value = input(f"{question}: ").strip()
        if not value:
            if required:
                raise CommandError(f"Give the address with --email or {variable}.")
            return ""
        try:
            validate_email(value)
        except ValidationError as exc:
            raise CommandError(f"Not an e-mail address: {value!r}") from exc
        return value.lower()

    def _report(self, created: bool, what: str) -> None:
        self.changed |= created
        self.stdout.write(f"{'Created' if created else 'Already there, unchanged'}: {what}")

    def _account(self, email: str, *, role_label: str, **flags) -> tuple[User, bool]:
        """The account with this address (made with no usable password, its address verified,
        and a one-time link to choose a password), and whether it was new."""
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user, False
        user = User.objects.create_user(email=email, password=None, **flags)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        link = password_link(user)
        if self.print_link:
            self.links.append((email, link))
        else:
            days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
            context = {"role": role_label, "url": link, "days": days, "site_url": settings.SITE_URL}
            # The text holds a link that signs a person in: kept only until it is sent.
            outbox.queue_rendered(
                "account.setup", "westland/email/account_setup", context, recipient=user, forget_body=True
            )
        return user, True

    def _beheerder(self, email: str) -> User:
        user, created = self._account(email, role_label=_("administrator"), is_staff=True, is_superuser=True)
        promoted = not created and not (user.is_staff and user.is_superuser)
        if promoted:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        note = " (an existing account, now beheerder)" if promoted else ""
        self._report(created or promoted, f"beheerder {email}{note}")
        return user

    def _signaalpunt(self, name: str, admin: User) -> Organisation:
        organisation = Organisation.objects.filter(name=name).first()
        created = organisation is None
        if created:
            data = {
                "name": name,
                "domain": Domain.objects.get(code=SIGNAALPUNT_DOMAIN),
                "kernen": list(Kern.objects.active()),
                "contribution": _("Follows up the signals of the coalition's partners and residents."),
            }
            organisation = coalition_services.create_signaalpunt(user=admin, data=data)
        elif not Organisation.objects.signal_handlers().filter(pk=organisation.pk).exists():
            raise CommandError(
                f"The organisation {name!r} exists but is not an approved Signaalpunt: choose another name with "
                "--organisation, or let a beleidsmedewerker approve it and mark it as Signaalpunt."
            )
        self._report(created, f"Signaalpunt {name} (approved, handles signals)")
        return organisation

    def _default_route(self, signaalpunt: Organisation) -> None:
        rule = RoutingRule.objects.filter(is_default=True).select_related("organisation").first()
        created = rule is None
        if created:
            rule = RoutingRule.objects.create(organisation=signaalpunt, is_default=True, position=0)
        self._report(created, f"default route to {rule.organisation.name}")

    def _opvolger(self, email: str, signaalpunt: Organisation) -> None:
        user, _created = self._account(
            email, role_label=_("signal handler at %(organisation)s") % {"organisation": signaalpunt.name}
        )
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=signaalpunt, defaults={"role": Role.HANDLER}
        )
        changed = created or membership.role != Role.HANDLER
        if changed:
            Membership.objects.filter(pk=membership.pk).update(role=Role.HANDLER)
        self._report(changed, f"opvolger {email} at {signaalpunt.name}")

    def _next_steps(self, admin: User, signaalpunt: Organisation) -> None:
        write = self.stdout.write
        write("\nNext steps:")
        if admin.has_usable_password():
            write(f"  1. {admin.email} signs in at {settings.SITE_URL}/accounts/login/.")
        else:
            write(
                f"  1. {admin.email} opens the one-time link (e-mailed, or printed with --print-link), "
                f"chooses a password and signs in at {settings.SITE_URL}/accounts/login/"
            )
            write("     (an expired link: 'Forgot your password?' on the sign-in page sends a new one).")
        write("     The portal then asks them to set up an authenticator app (TOTP) before anything else.")
        problems = routes.routing_problems()
        if problems:
            write(self.style.WARNING(f"  2. Signals would reach nobody yet: {'; '.join(problems)}."))
            write(
                f"     Add an opvolger to {signaalpunt.name}: python manage.py setup_portal --email {admin.email} "
                "--handler-email ADDRESS"
            )
        else:
            write("  2. New signals reach a Signaalpunt with an active opvolger (who sets up TOTP too).")
        write("  3. python manage.py check --deploy   (passes once a signal would reach someone)")
        write(f"  4. {settings.SITE_URL}/healthz answers 200 while database, cache and broker answer; its")
        write('     "routing" part says whether a new signal reaches someone.')
