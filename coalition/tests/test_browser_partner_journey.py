"""The coalition journey in real Chromium: register an organisation, an officer approves it,
the coordinator invites a colleague who joins, and an initiative reaches the social map.

Every page on the way passes axe (no serious or critical violation) with one <h1>.
"""

import re

import pytest
from django.core import mail

from coalition.models import Organisation
from coalition.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main form.westland-form button[type=submit]"


def sign_in(browser, live_server, user, assert_accessible):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_register_approve_invite_publish(live_server, browser, assert_accessible, celery_eager, settings):
    settings.PORTAL_ENFORCE_MFA = False
    founder = UserFactory(email="anja@buurtkamer.example")
    officer = UserFactory(email="beleid@westland.example", is_officer=True)
    colleague = UserFactory(email="piet@buurtkamer.example")

    # 1. A partner registers its organisation.
    page = sign_in(browser, live_server, founder, assert_accessible)
    page.goto(f"{live_server.url}/coalitie/")
    assert_accessible(page)
    page.get_by_role("link", name="Organisatie aanmelden").click()
    assert_accessible(page)
    page.click(SUBMIT)  # empty: the error summary lists what is missing
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_name", "Buurtkamer De Lier")
    page.select_option("#id_domain", label="Zorg en welzijn")
    page.get_by_label("De Lier").check()
    page.fill("#id_description", "Een huiskamer in de wijk.")
    page.fill("#id_public_email", "info@buurtkamer.example")
    page.fill("#id_kvk_number", "12345678")
    page.click(SUBMIT)
    page.wait_for_url(re.compile(r"/coalitie/organisaties/\d+/$"))
    assert "aangemeld" in page.content()
    assert_accessible(page)
    organisation = Organisation.objects.get(name="Buurtkamer De Lier")

    # 2. An officer approves it.
    officer_page = sign_in(browser, live_server, officer, assert_accessible)
    officer_page.goto(f"{live_server.url}/coalitie/beoordelen/")
    assert_accessible(officer_page)
    officer_page.get_by_role("link", name="Buurtkamer De Lier").click()
    assert_accessible(officer_page)
    officer_page.get_by_role("button", name="Goedkeuren").click()
    officer_page.wait_for_load_state()
    assert "goedgekeurd" in officer_page.content()
    assert_accessible(officer_page)
    assert any("goedgekeurd" in message.subject for message in mail.outbox)

    # 3. The coordinator invites a colleague, who joins through the link in the e-mail.
    page.goto(f"{live_server.url}/coalitie/organisaties/{organisation.pk}/")
    page.get_by_role("link", name="Collega uitnodigen").click()
    assert_accessible(page)
    page.fill("#id_email", colleague.email)
    page.get_by_label("medewerker").check()
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/coalitie/organisaties/{organisation.pk}/")
    assert_accessible(page)
    invitation_mail = next(m for m in mail.outbox if m.to == [colleague.email])
    link = re.search(r"http\S+/coalitie/uitnodiging/\S+/", invitation_mail.body).group(0)
    colleague_page = sign_in(browser, live_server, colleague, assert_accessible)
    colleague_page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert_accessible(colleague_page)
    colleague_page.get_by_role("button", name="Uitnodiging aannemen").click()
    colleague_page.wait_for_url(f"{live_server.url}/coalitie/organisaties/{organisation.pk}/")
    assert "Welkom bij Buurtkamer De Lier" in colleague_page.content()
    assert_accessible(colleague_page)

    # 4. The coordinator publishes an initiative; residents find it on the social map.
    page.goto(f"{live_server.url}/coalitie/organisaties/{organisation.pk}/initiatieven/nieuw/")
    assert_accessible(page)
    page.fill("#id_title", "Koffie in de Buurtkamer")
    page.fill("#id_description", "Elke dinsdag koffie en een praatje.")
    page.get_by_label("ontmoeting").check()
    page.get_by_label("Ouderen (65+)").check()
    page.locator("#id_kernen").get_by_label("De Lier").check()
    page.fill("#id_address", "Hoofdstraat 1, De Lier")
    page.get_by_label("wekelijks").check()
    page.fill("#id_contact_name", "Anja Bakker")
    page.get_by_label("actief").check()
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/coalitie/organisaties/{organisation.pk}/")

    visitor = browser.new_context(locale="nl-NL").new_page()
    visitor.goto(f"{live_server.url}/activiteiten/")
    assert_accessible(visitor)
    visitor.get_by_role("link", name="Koffie in de Buurtkamer").click()
    assert "Buurtkamer De Lier" in visitor.content()
    assert_accessible(visitor)
