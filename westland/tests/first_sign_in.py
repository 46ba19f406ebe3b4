"""The people's part of a first deployment, run as a process of its own with the production
settings the test gives it (test_first_deployment.py): the beheerder and the opvolger
choose a password through their one-time link and sign in through the real login, setting
up TOTP as the portal enforces; a staff member of a partner files a signal; the opvolger
finds it in the Signaalpunt's queue. Prints what it saw as JSON on its last line.

    python -m westland.tests.first_sign_in BEHEERDER_LINK OPVOLGER_LINK
"""

import json
import re
import sys
import time

ACTIVATE = "/accounts/2fa/totp/activate/"
PASSWORD = "Een-sterk-wachtwoord-voor-2028"


def choose_password(client, link: str) -> None:
    """Open the e-mailed link and choose a password (allauth's reset from key)."""
    opened = client.get(link)
    assert opened.status_code == 302, f"the link answered {opened.status_code}"
    chosen = client.post(opened["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert chosen.status_code == 302, chosen.content[:2000]


def sign_in_and_set_up_totp(client, email: str) -> list[str]:
    """Sign in through the login form; the portal sends the person to set up TOTP first,
    which they do with a code from their authenticator (pyotp). Returns where they were sent."""
    import pyotp

    seen = []
    signed_in = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content[:2000]
    seen.append(client.get("/")["Location"])
    setup = client.get(ACTIVATE)
    if setup.status_code == 302:  # allauth asks for the password again before adding a factor
        seen.append(setup["Location"].split("?")[0])
        assert client.post(setup["Location"], {"password": PASSWORD}).status_code == 302
        setup = client.get(ACTIVATE)
    html = setup.content.decode()
    secret = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', html).group(0)
    secret = re.search(r'value="([A-Z2-7]+)"', secret).group(1)
    totp = pyotp.TOTP(secret)
    if totp.interval - time.time() % totp.interval < 3:  # never type a code about to expire
        time.sleep(3.5)
    activated = client.post(ACTIVATE, {"code": totp.now()})
    assert activated.status_code == 302, activated.content[:2000]
    return seen


def file_a_signal(client) -> str:
    """A staff member of an approved partner files a signal through the staff form."""
    from coalition.constants import Role
    from coalition.models import AgeGroup, Kern
    from coalition.tests.factories import PASSWORD as STAFF_PASSWORD
    from coalition.tests.factories import MembershipFactory
    from signals.models import ObservedSign, Signal

    staff = MembershipFactory(role=Role.STAFF, organisation__name="Kapsalon De Schaar").user
    assert client.post("/accounts/login/", {"login": staff.email, "password": STAFF_PASSWORD}).status_code == 302
    form = client.get("/signalen/nieuw/").content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', form).group(1)
    filed = client.post(
        "/signalen/nieuw/",
        {
            "submission_token": token,
            "age_group": AgeGroup.objects.get(code="ouderen").pk,
            "kern": Kern.objects.get(code="monster").pk,
            "signs": [ObservedSign.objects.get(code="zegt-eenzaam").pk],
            "note": "Komt elke ochtend voor een praatje, lijkt de hele dag alleen.",
            "consent": "ja",
            "resident_name": "Jannie Zwinkels",
            "resident_phone": "0174 555 123",
            "preferred_contact": "telefoon",
        },
    )
    assert filed.status_code == 302, filed.content[:3000]
    return Signal.objects.get(filed_by=staff).number


def main(admin_link: str, opvolger_link: str) -> dict:
    from django.test import Client

    from signals.models import Signal

    beheerder = Client()
    choose_password(beheerder, admin_link)
    from coalition.models import User

    admin = User.objects.get(is_staff=True)
    admin_sent_to = sign_in_and_set_up_totp(beheerder, admin.email)
    admin_page = beheerder.get("/admin/")

    number = file_a_signal(Client())

    opvolger = Client()
    choose_password(opvolger, opvolger_link)
    handler = User.objects.get(memberships__role="opvolger")
    sign_in_and_set_up_totp(opvolger, handler.email)
    queue = opvolger.get("/signalen/behandelen/")
    signal = Signal.objects.select_related("handling_organisation").get(number=number)
    detail = opvolger.get(f"/signalen/{signal.pk}/")
    return {
        "admin_sent_to": admin_sent_to,
        "admin_page": admin_page.status_code,
        "admin_totp": admin.authenticator_set.filter(type="totp").exists(),
        "signal": number,
        "handled_by": signal.handling_organisation.name if signal.handling_organisation else None,
        "queue": queue.status_code,
        "in_queue": number in queue.content.decode(),
        "detail_shows_resident": "Jannie Zwinkels" in detail.content.decode(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(main(*sys.argv[1:3])))
