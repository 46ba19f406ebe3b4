"""The signal journey in real Chromium: a hairdresser files a signal on a phone, the
Signaalpunt takes it, logs contact and refers the resident, the provider's coordinator
registers them, the opvolger closes the signal and the filer sees "afgerond".

Every page on the way passes axe (no serious or critical violation) with one <h1>.
"""

import re
import time

import pyotp
import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator

from coalition.constants import Role
from coalition.tests.factories import PASSWORD, InitiativeFactory, MembershipFactory, add_totp
from signals.constants import SignalStatus
from signals.models import ContactDetailsView, Signal
from signals.tests.factories import RoutingRuleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def sign_in(browser, live_server, user, assert_accessible, viewport=None):
    context = browser.new_context(locale="nl-NL", viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator:  # the second step: a code from the authenticator app
        page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
        assert_accessible(page)
        totp = pyotp.TOTP(get_mfa_adapter().decrypt(authenticator.data["secret"]))
        if totp.interval - time.time() % totp.interval < 3:  # never type a code about to expire
            time.sleep(3.5)
        page.fill("#id_code", totp.now())
        page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


def test_file_take_contact_refer_register_close(live_server, browser, assert_accessible, celery_eager, settings):
    settings.PORTAL_ENFORCE_MFA = False
    rule = RoutingRuleFactory(is_default=True, organisation__name="Welzijn Westland")
    opvolger = MembershipFactory(organisation=rule.organisation, role=Role.HANDLER).user
    filer = MembershipFactory(role=Role.STAFF, organisation__name="Kapsalon De Schaar").user
    provider = MembershipFactory(role=Role.COORDINATOR, organisation__name="Bibliotheek Westland")
    InitiativeFactory(organisation=provider.organisation, title="Koffie & Krant", accepts_referrals=True)

    # 1. The hairdresser files a signal on a phone.
    page = sign_in(browser, live_server, filer, assert_accessible, viewport=PHONE)
    page.goto(f"{live_server.url}/signalen/nieuw/")
    assert "112" in page.locator("main").inner_text().split("Over de inwoner")[0]  # crisis lines first
    assert_accessible(page)
    no_horizontal_scroll(page)
    page.get_by_label("Ouderen (65+)").check()
    page.select_option("#id_kern", label="Naaldwijk")
    page.get_by_label("Recent weduwe of weduwnaar geworden").check()
    page.fill("#id_note", "Mevrouw komt elke week, zegt dat ze niemand meer spreekt.")
    page.get_by_label("Ja, de inwoner gaf toestemming voor contact").check()
    page.fill("#id_resident_name", "Jannie Zwinkels")
    page.fill("#id_resident_phone", "0174 123 456")
    page.get_by_label(
        "De inwoner vindt het goed dat de aanbieder van een activiteit deze contactgegevens krijgt"
    ).check()
    page.get_by_role("button", name="Signaal doorgeven").click()
    page.wait_for_url(re.compile(r"/signalen/\d+/ontvangen/$"))
    signal = Signal.objects.get()
    assert signal.number in page.content()
    assert "Welzijn Westland" in page.content()
    assert_accessible(page)
    no_horizontal_scroll(page)

    # 2. The opvolger takes it, logs the contact and refers the resident.
    handler_page = sign_in(browser, live_server, opvolger, assert_accessible)
    handler_page.goto(f"{live_server.url}/signalen/behandelen/")
    assert_accessible(handler_page)
    handler_page.get_by_role("link", name=signal.number).click()
    assert "Jannie Zwinkels" in handler_page.content()
    assert_accessible(handler_page)
    handler_page.get_by_role("button", name="Zelf oppakken").click()
    handler_page.wait_for_load_state()
    assert_accessible(handler_page)
    handler_page.get_by_label("telefoon", exact=True).check()
    handler_page.fill("#id_contact-note", "Gebeld, mevrouw wil graag koffie drinken in de bibliotheek.")
    handler_page.get_by_role("button", name="Contact opslaan").click()
    handler_page.wait_for_load_state()
    assert_accessible(handler_page)
    handler_page.get_by_label(re.compile("Koffie & Krant")).check()
    handler_page.get_by_role("button", name="Doorverwijzen").click()
    handler_page.wait_for_load_state()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.REFERRED
    assert_accessible(handler_page)

    # 3. The provider's coordinator, signed in with an authenticator app's code (shared contact
    #    details ask for a second factor), sees them and registers the resident.
    add_totp(provider.user)
    provider_page = sign_in(browser, live_server, provider.user, assert_accessible)
    provider_page.goto(f"{live_server.url}/signalen/doorverwijzingen/")
    assert_accessible(provider_page)
    provider_page.get_by_role("link", name=re.compile("Koffie & Krant")).first.click()
    assert "Jannie Zwinkels" in provider_page.content()
    assert "niemand meer spreekt" not in provider_page.content()  # never the filer's note
    assert_accessible(provider_page)
    provider_page.get_by_label("aangemeld", exact=True).check()
    provider_page.get_by_role("button", name="Status opslaan").click()
    provider_page.wait_for_load_state()
    assert_accessible(provider_page)
    assert ContactDetailsView.objects.filter(user=provider.user, signal=signal).exists()

    # 4. The opvolger closes the signal.
    handler_page.goto(f"{live_server.url}/signalen/{signal.pk}/")
    handler_page.get_by_label("Neemt deel aan een activiteit").check()
    handler_page.get_by_role("button", name="Signaal afsluiten").click()
    handler_page.wait_for_load_state()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED
    assert_accessible(handler_page)

    # 5. The filer sees "afgerond", and nothing of the handler's notes.
    page.goto(f"{live_server.url}/signalen/")
    row = page.locator("tr", has_text=signal.number)
    assert "afgerond" in row.inner_text()
    assert "koffie drinken" not in page.content()  # the opvolger's contact note
    assert "Koffie & Krant" not in page.content()  # nor where the resident was referred
    assert_accessible(page)
    no_horizontal_scroll(page)
