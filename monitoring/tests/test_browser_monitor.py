"""The monitor in real Chromium, under the portal's real Content-Security-Policy.

An officer signs in through the login form, opens the dashboard, filters it by age group
and domain, and sees every chart drawn by plotly.js with no console error and no CSP
violation (plotly.js would otherwise write <style> elements: docs/adr/0003); a chart's
CSV downloads. The dashboard and the public progress page pass axe with one <h1>.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from coalition.models import AgeGroup, Domain, Kern
from coalition.tests.factories import PASSWORD, InitiativeFactory, OrganisationFactory, UserFactory
from monitoring.models import Observation, Target
from signals.tests.factories import ReferralFactory, SignalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collected before any page script runs: CSP violations (Chromium also logs them).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def some_data():
    care = Domain.objects.get(code="zorg-en-welzijn")
    library = Domain.objects.get(code="kunst-en-cultuur")
    older, adults = AgeGroup.objects.get(code="ouderen"), AgeGroup.objects.get(code="volwassenen")
    naaldwijk, monster = Kern.objects.get(code="naaldwijk"), Kern.objects.get(code="monster")
    welfare = OrganisationFactory(name="Welzijn Westland", domain=care)
    hairdresser = OrganisationFactory(name="Kapsalon De Schaar", domain=care)
    initiative = InitiativeFactory(organisation=OrganisationFactory(name="Bibliotheek Westland", domain=library))
    today = timezone.localdate()
    for days, age_group, kern in [(3, older, naaldwijk)] * 6 + [(40, adults, monster)] * 2:
        SignalFactory(
            filed_for=hairdresser,
            handling_organisation=welfare,
            age_group=age_group,
            kern=kern,
            created_at=timezone.now() - datetime.timedelta(days=days),
            first_contact_at=today,
        )
    ReferralFactory(
        initiative=initiative,
        signal__filed_for=hairdresser,
        signal__handling_organisation=welfare,
        signal__age_group=adults,
        signal__kern=monster,
    )
    Observation.objects.create(
        target=Target.objects.get(code="ouderen"),
        year=2024,
        value=Decimal("41.0"),
        ci_low=Decimal("37.0"),
        ci_high=Decimal("45.0"),
        respondents=560,
        source="GGD Haaglanden, Gezondheidsmonitor 2024",
    )
    Observation.objects.create(
        target=Target.objects.get(code="volwassenen"),
        year=2024,
        value=Decimal("33.9"),
        respondents=25,
        is_demo=True,
        source="Demo: fictieve meting",
    )
    return care, older


def open_watched_page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors = []

    def console(message):
        # Chromium asks for /favicon.ico by itself; the portal has none (not a page error).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def assert_every_chart_drawn(page):
    containers = page.locator("[data-chart]")
    count = containers.count()
    assert count > 0
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart].js-plotly-plot svg.main-svg').length >= n", arg=count
    )
    for index in range(count):
        container = containers.nth(index)
        assert "js-plotly-plot" in container.get_attribute("class"), container.get_attribute("id")
        assert container.locator("svg.main-svg").count() > 0
        assert container.get_attribute("role") == "img"


def assert_clean(page, errors):
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], violations
    assert errors == [], errors
    # plotly.js wrote no <style> element: its rules came from the static stylesheet.
    assert page.locator("style").count() == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.main-svg')).position") == "absolute"


def test_officer_filters_the_dashboard_and_downloads_a_csv(live_server, browser, assert_accessible, settings):
    settings.PORTAL_ENFORCE_MFA = False
    care, older = some_data()
    officer = UserFactory(is_officer=True)
    page, errors = open_watched_page(browser)
    sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}/monitor/")
    assert_every_chart_drawn(page)
    assert_clean(page, errors)
    assert_accessible(page)
    # Path, baseline, target and the real measurements: the demo figure waits to be asked for.
    demo_target = page.locator("#chart-target-volwassenen .scatterlayer .trace")
    assert demo_target.count() == 4

    page.select_option("#id_age_group", older.code)
    page.select_option("#id_domain", care.code)
    page.check("#id_demo")
    page.click("form.westland-filter button[type=submit]")
    page.wait_for_url(f"**/monitor/?*age_group={older.code}*")
    assert f"domain={care.code}" in page.url
    assert page.locator("#id_age_group").input_value() == older.code  # the filters stay in the form
    assert_every_chart_drawn(page)
    assert_clean(page, errors)
    assert_accessible(page)

    # With demo data asked for, it is a fifth series, apart from the real measurements.
    assert demo_target.count() == 5
    # Six signals of older residents filed by a care partner, in Naaldwijk; the two of
    # adults in Monster are filtered out.
    kern_table = page.locator("#chart-signals-by-kern-figure table")
    assert kern_table.locator("tr", has_text="Naaldwijk").locator("td").text_content() == "6"
    assert kern_table.locator("tr", has_text="Monster").locator("td").text_content() == "0"

    with page.expect_download() as download_info:
        page.locator("#chart-signals-by-kern-figure a[download]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Naaldwijk,6" in text
    assert "Monster,0" in text

    page.goto(f"{live_server.url}/monitor/rapport/")
    assert_every_chart_drawn(page)
    assert_clean(page, errors)
    assert_accessible(page)


def test_public_progress_draws_under_the_csp_and_is_accessible(live_server, browser, assert_accessible):
    some_data()
    page, errors = open_watched_page(browser)
    page.goto(f"{live_server.url}/voortgang/")
    assert_every_chart_drawn(page)
    assert_clean(page, errors)
    assert_accessible(page)
    assert "Demo" not in page.locator("main").inner_text()  # the public page shows real figures only
