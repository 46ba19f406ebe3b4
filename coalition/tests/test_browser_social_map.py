"""The social map in real Chromium on a 360-px phone, driven by the keyboard only.

A resident filters the map with Tab, typing, Space and Enter, opens an activity and
then the partner list. Every page must pass axe, have one <h1> and fit the screen.
"""

import pytest

from coalition.constants import InitiativeKind
from coalition.models import AgeGroup, Domain, Kern

from .factories import InitiativeFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _focused(page):
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {
            id: el.id, tag: el.tagName, text: (el.innerText || "").trim(), href: el.getAttribute("href"),
            filterSubmit: el.type === "submit" && !!el.closest("form.westland-filter"),
          };
        }"""
    )


def _tab_to(page, matches, limit=60):
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if matches(focused):
            return focused
    raise AssertionError(f"Tab never reached the element on {page.url}; last focus: {_focused(page)}")


def _assert_fits_small_screen(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{page.url} scrolls sideways at 360px: scrollWidth is {scroll_width}"


@pytest.fixture
def social_map(db):
    monster, naaldwijk = Kern.objects.get(code="monster"), Kern.objects.get(code="naaldwijk")
    elderly = AgeGroup.objects.filter(code="ouderen")
    welfare = OrganisationFactory(
        name="Welzijnsorganisatie Westland met een heel lange naam voor kleine schermen",
        domain=Domain.objects.get(code="zorg-en-welzijn"),
        website="https://welzijn.example.nl/",
        public_email="informatie-en-advies@welzijnsorganisatie-westland.example.nl",
    )
    InitiativeFactory(
        title="Koffieochtend in Monster",
        organisation=welfare,
        kernen=[monster],
        age_groups=elderly,
        address="Havenstraat 12, Monster",
        accessibility="Rolstoeltoegankelijk",
        contact_phone="0174 123 456",
    )
    InitiativeFactory(
        title="Koffieochtend met kosten",
        organisation=welfare,
        kernen=[monster],
        age_groups=elderly,
        is_free=False,
        cost="2.50",
    )
    InitiativeFactory(title="Koffieochtend in Naaldwijk", organisation=welfare, kernen=[naaldwijk])
    InitiativeFactory(
        title="Wandelmaatje",
        description="Samen wandelen langs de duinen.",
        organisation=welfare,
        kind=InitiativeKind.BUDDY,
        kernen=[monster],
    )
    return welfare


def test_filter_the_map_by_keyboard_open_an_activity_and_the_partner_list(
    live_server, page, assert_accessible, social_map
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/activiteiten/")
    assert_accessible(page)
    _assert_fits_small_screen(page)
    assert page.locator("#results").inner_text().startswith("4 ")

    # Search for "koffie" in Monster, free of charge only, and submit: all by keyboard.
    _tab_to(page, lambda el: el["id"] == "id_q")
    page.keyboard.type("koffie")
    _tab_to(page, lambda el: el["id"] == "id_kern")
    page.keyboard.type("Monster")
    assert page.locator("#id_kern").input_value() == "monster"
    _tab_to(page, lambda el: el["id"] == "id_free")
    page.keyboard.press("Space")
    assert page.locator("#id_free").is_checked()
    _tab_to(page, lambda el: el["filterSubmit"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/activiteiten/?*")

    assert "q=koffie" in page.url and "kern=monster" in page.url and "free=on" in page.url
    cards = page.locator(".westland-map-card__title")
    assert cards.all_inner_texts() == ["Koffieochtend in Monster"]
    assert page.locator("#results").inner_text().startswith("1 ")
    # The form keeps what was chosen, so the search can be adjusted.
    assert page.locator("#id_q").input_value() == "koffie"
    assert page.locator("#id_kern").input_value() == "monster"
    assert_accessible(page)
    _assert_fits_small_screen(page)

    # Open the activity from the results, still by keyboard.
    _tab_to(page, lambda el: el["tag"] == "A" and el["text"] == "Koffieochtend in Monster")
    page.keyboard.press("Enter")
    page.wait_for_url("**/activiteiten/*/")
    assert page.locator("h1").inner_text() == "Koffieochtend in Monster"
    assert "Havenstraat 12, Monster" in page.locator("main").inner_text()
    assert_accessible(page)
    _assert_fits_small_screen(page)

    # The partner list, from the main navigation.
    _tab_to(page, lambda el: el["href"] == "/partners/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/partners/")
    welfare_domain = page.locator("section[aria-labelledby='domain-zorg-en-welzijn']")
    assert "Welzijnsorganisatie Westland" in welfare_domain.inner_text()
    assert page.locator('a[href="/coalitie/aanmelden/"]').count() == 11
    assert_accessible(page)
    _assert_fits_small_screen(page)


def test_paginated_map_fits_a_phone(live_server, page, assert_accessible, db):
    for number in range(45):
        InitiativeFactory(title=f"Activiteit {number:02d}")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/activiteiten/?free=on&page=2")
    assert page.locator('.utrecht-pagination__page-link[aria-current="page"]').inner_text().endswith("2")
    assert "free=on" in page.locator('a[rel="next"]').get_attribute("href")
    assert_accessible(page)
    _assert_fits_small_screen(page)
