"""The public intake in real Chromium on a 360-pixel phone: a neighbour reports a concern
about someone with the keyboard only, and a resident asks for company for themselves.
Every step passes axe (no serious or critical violation) with one <h1>, and nothing
scrolls sideways."""

import re

import pytest

from signals.constants import SignalStatus, Source
from signals.models import Signal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def quick_enough(settings):
    # A browser fills the form faster than a person: a short minimum keeps the check in play.
    settings.PUBLIC_INTAKE_MIN_SECONDS = 1


def checked_page(page, assert_accessible):
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def tab_to(page, selector, limit=60):
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def test_a_concern_about_someone_else_with_the_keyboard_only(live_server, phone, signaalpunt, assert_accessible):
    page = phone
    page.goto(f"{live_server.url}/")
    tab_to(page, "main a[href='/signaal-doorgeven/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/signaal-doorgeven/")
    main = page.locator("main").inner_text()
    assert main.index("112") < main.index("Over wie gaat het?")  # the crisis lines stand first
    checked_page(page, assert_accessible)

    # Step 1: someone else.
    tab_to(page, "input[name='wie-about'][value='ander']")
    page.keyboard.press("Space")
    tab_to(page, "#intake-next")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Stap 2 van 3")
    checked_page(page, assert_accessible)

    # Step 2: what worries you, age group, village, where the person lives.
    tab_to(page, "input[name='zorg-signs']")
    page.keyboard.press("Space")  # the first sign: recently widowed
    tab_to(page, "#id_zorg-note")
    page.keyboard.type("De buurvrouw zit sinds de dood van haar man alleen thuis.")
    tab_to(page, "input[name='zorg-age_group']")
    ouderen = page.locator("input[name='zorg-age_group']").evaluate_all(
        "(inputs) => inputs.findIndex((i) => i.labels[0].textContent.includes('65+'))"
    )
    page.keyboard.press("Space")  # the first age group, then down to 65+
    for _ in range(ouderen):
        page.keyboard.press("ArrowDown")
    tab_to(page, "#id_zorg-kern")
    page.keyboard.type("Monster")
    tab_to(page, "#id_zorg-resident_whereabouts")
    page.keyboard.type("Voorstraat 12, boven de bakker")
    tab_to(page, "#intake-next")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Stap 3 van 3")
    checked_page(page, assert_accessible)

    # Step 3: a phone number that cannot be right is refused beside the field.
    tab_to(page, "#id_contact-reporter_name")
    page.keyboard.type("Kees van der Berg")
    tab_to(page, "#id_contact-reporter_phone")
    page.keyboard.type("bel me maar")
    tab_to(page, "#intake-send")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_contact-reporter_phone_error")
    assert "telefoonnummer" in page.locator("#id_contact-reporter_phone_error").inner_text()
    assert page.locator("#id_contact-reporter_name").input_value() == "Kees van der Berg"
    checked_page(page, assert_accessible)
    assert Signal.objects.count() == 0

    tab_to(page, "#id_contact-reporter_phone")
    page.keyboard.press("Control+A")
    page.keyboard.type("06 12 34 56 78")
    tab_to(page, "#id_contact-reporter_email")
    page.keyboard.type("kees@voorbeeld.nl")
    tab_to(page, "#intake-send")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/signaal-doorgeven/verstuurd/\?ref="))
    signal = Signal.objects.get()
    assert signal.number in page.locator("main").inner_text()
    checked_page(page, assert_accessible)

    assert signal.source == Source.RESIDENT_OTHER
    assert signal.status == SignalStatus.NEW
    assert signal.handling_organisation == signaalpunt
    assert signal.kern.name == "Monster" and signal.age_group.code == "ouderen"
    assert list(signal.signs.values_list("code", flat=True)) == ["recent-weduwe"]
    assert signal.reporter_phone == "06 12 34 56 78"
    assert signal.resident_whereabouts == "Voorstraat 12, boven de bakker"
    assert signal.note == "De buurvrouw zit sinds de dood van haar man alleen thuis."

    # The confirmation leads on to the social map.
    page.get_by_role("link", name="Bekijk de activiteiten op de sociale kaart").click()
    page.wait_for_url(f"{live_server.url}/activiteiten/")


def test_asking_for_company_for_yourself(live_server, phone, signaalpunt, assert_accessible):
    page = phone
    page.goto(f"{live_server.url}/activiteiten/")
    page.get_by_role("link", name="Geef een zorg door aan het Signaalpunt").click()
    page.get_by_label("Mijzelf: ik wil graag meer contact met anderen").check()
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_selector("text=Stap 2 van 3")
    assert page.locator("#id_zorg-resident_whereabouts").count() == 0
    page.get_by_label("Recent verhuisd").check()
    page.get_by_label("Volwassenen (19–64)").check()
    page.select_option("#id_zorg-kern", label="De Lier")
    page.fill("#id_zorg-note", "Ik zou af en toe met iemand willen wandelen.")
    checked_page(page, assert_accessible)
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_selector("text=Stap 3 van 3")

    # Back to step 2 and forward again: nothing typed is lost.
    page.fill("#id_contact-reporter_name", "Anna de Vries")
    page.get_by_role("button", name="Vorige stap").click()
    page.wait_for_selector("text=Stap 2 van 3")
    assert page.locator("#id_zorg-note").input_value() == "Ik zou af en toe met iemand willen wandelen."
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_selector("text=Stap 3 van 3")
    assert page.locator("#id_contact-reporter_name").input_value() == "Anna de Vries"

    page.fill("#id_contact-reporter_email", "anna@voorbeeld.nl")
    page.get_by_label("De organisator van een activiteit mag mijn naam en contactgegevens krijgen").check()
    assert page.locator("#privacy-statement").is_visible()
    checked_page(page, assert_accessible)
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url(re.compile(r"/signaal-doorgeven/verstuurd/\?ref="))
    checked_page(page, assert_accessible)

    signal = Signal.objects.get()
    assert signal.source == Source.RESIDENT_SELF
    assert signal.consent and signal.share_with_provider
    assert (signal.resident_name, signal.resident_email) == ("Anna de Vries", "anna@voorbeeld.nl")
    assert signal.kern.name == "De Lier"
