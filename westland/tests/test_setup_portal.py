"""``manage.py setup_portal``: the first beheerder, the Signaalpunt and its default route in
one idempotent command; nobody is given a password. The whole first deployment, from an
empty database to a signal in the opvolger's queue, is test_first_deployment.py."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coalition.constants import OrganisationStatus, Role
from coalition.models import Membership, Organisation, User
from coalition.tests.factories import PASSWORD, OrganisationFactory, UserFactory
from common.models import Email
from signals import routing
from signals.models import RoutingRule
from signals.services import routes

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://\S+/accounts/password/reset/key/\S+/")


def setup_portal(*args, **env):
    out = StringIO()
    call_command("setup_portal", "--noinput", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_beheerder_the_signaalpunt_and_the_default_route():
    output = setup_portal("--email", "Beheer@Westland.example")

    admin = User.objects.get(email="beheer@westland.example")
    assert admin.is_staff and admin.is_superuser
    assert not admin.has_usable_password()
    point = Organisation.objects.get(name="Signaalpunt Westland")
    assert point.status == OrganisationStatus.APPROVED and point.is_signal_handler
    assert sorted(point.events.values_list("to_status", flat=True)) == sorted(
        [OrganisationStatus.PENDING, OrganisationStatus.APPROVED]
    )
    assert RoutingRule.objects.get(is_default=True).organisation == point
    # The beheerder gets a one-time link to choose a password, through the outbox, forgotten once sent.
    email = Email.objects.get(recipient=admin)
    assert email.kind == "account.setup" and email.forget_body
    assert LINK.search(email.body)
    assert "Created: beheerder beheer@westland.example" in output
    # Without an opvolger a signal reaches nobody yet, and the command says what to do.
    assert "Signals would reach nobody yet" in output
    assert "--handler-email" in output


def test_a_second_run_changes_nothing_and_says_so():
    first = setup_portal("--email", "beheer@westland.example", "--handler-email", "opvolger@westland.example")
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count(), Email.objects.count())

    second = setup_portal("--email", "beheer@westland.example", "--handler-email", "opvolger@westland.example")

    assert counts == (User.objects.count(), Organisation.objects.count(), Membership.objects.count(), 2)
    assert "Nothing changed" not in first
    assert "Nothing changed: the portal was already set up." in second
    assert second.count("Already there, unchanged") == 4
    assert "Created" not in second


def test_the_first_opvolger_makes_the_signaalpunt_one_a_signal_reaches():
    setup_portal("--email", "beheer@westland.example")
    assert routes.routing_problems()

    output = setup_portal("--email", "beheer@westland.example", "--handler-email", "opvolger@westland.example")

    point = Organisation.objects.get(name="Signaalpunt Westland")
    assert Membership.objects.get(user__email="opvolger@westland.example").role == Role.HANDLER
    assert list(routing.staffed_signaalpunten()) == [point]
    assert routes.routing_problems() == []
    assert "Created: opvolger opvolger@westland.example at Signaalpunt Westland" in output
    assert "Signals would reach nobody" not in output


def test_addresses_come_from_the_environment_without_input(monkeypatch):
    monkeypatch.setenv("PORTAL_ADMIN_EMAIL", "it@westland.example")
    monkeypatch.setenv("PORTAL_SIGNAALPUNT_NAME", "Welzijn Westland, Signaalpunt")
    setup_portal()
    assert User.objects.get(email="it@westland.example").is_staff
    assert Organisation.objects.signal_handlers().get().name == "Welzijn Westland, Signaalpunt"


def test_without_an_address_and_without_input_it_refuses(monkeypatch):
    monkeypatch.delenv("PORTAL_ADMIN_EMAIL", raising=False)
    with pytest.raises(CommandError, match="--email"):
        setup_portal()
    with pytest.raises(CommandError, match="Not an e-mail address"):
        setup_portal("--email", "beheerder")
    assert not User.objects.exists()


def test_it_asks_for_the_addresses_when_interactive(monkeypatch):
    monkeypatch.delenv("PORTAL_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("PORTAL_HANDLER_EMAIL", raising=False)
    answers = iter(["beheer@westland.example", "opvolger@westland.example"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    call_command("setup_portal", stdout=StringIO())
    assert User.objects.get(email="beheer@westland.example").is_staff
    assert Membership.objects.filter(user__email="opvolger@westland.example", role=Role.HANDLER).exists()


def test_an_organisation_of_that_name_that_is_no_signaalpunt_is_refused():
    OrganisationFactory(name="Signaalpunt Westland", status=OrganisationStatus.PENDING)
    with pytest.raises(CommandError, match="not an approved Signaalpunt"):
        setup_portal("--email", "beheer@westland.example")
    assert not User.objects.exists()  # nothing half done


def test_print_link_prints_a_link_that_works_once_and_sends_nothing(client):
    output = setup_portal("--email", "beheer@westland.example", "--print-link")
    assert not Email.objects.exists()
    link = LINK.search(output).group(0)

    set_password = client.get(link)
    assert set_password.status_code == 302
    done = client.post(
        set_password["Location"], {"password1": "Een-sterk-wachtwoord-2028", "password2": "Een-sterk-wachtwoord-2028"}
    )
    assert done.status_code == 302
    assert User.objects.get(email="beheer@westland.example").check_password("Een-sterk-wachtwoord-2028")

    # Used once: the same link no longer sets a password.
    client.logout()
    again = client.get(link, follow=True)
    assert b'name="password1"' not in again.content


def test_an_existing_account_is_made_beheerder_and_keeps_its_password():
    person = UserFactory(email="beheer@westland.example")
    output = setup_portal("--email", "beheer@westland.example")
    person.refresh_from_db()
    assert person.is_staff and person.is_superuser
    assert person.check_password(PASSWORD)
    assert not Email.objects.filter(recipient=person).exists()  # they sign in as before
    assert "Created: beheerder beheer@westland.example (an existing account, now beheerder)" in output
    assert "signs in at" in output
