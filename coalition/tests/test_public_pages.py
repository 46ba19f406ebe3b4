"""The public pages: the social map, an initiative's page and the partner list.

Texts are checked in English (the source strings), so that the tests keep passing
when the Dutch catalogue is filled in.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coalition import services
from coalition.constants import InitiativeKind, InitiativeStatus, OrganisationStatus
from coalition.models import AgeGroup, Domain, Kern

from .factories import InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MAP = "/activiteiten/"
PARTNERS = "/partners/"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text_of(response):
    assert response.status_code == 200
    return response.content.decode()


def titles(response):
    """The initiatives on the page, as a visitor reads the card headings."""
    return re.findall(r'<h3 class="[^"]*westland-map-card__title[^"]*"[^>]*><a[^>]*>([^<]+)</a>', text_of(response))


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def domain(code):
    return Domain.objects.get(code=code)


def kern(code):
    return Kern.objects.get(code=code)


def age_group(code):
    return AgeGroup.objects.get(code=code)


# The social map --------------------------------------------------------------------


def test_map_shows_only_active_initiatives_of_approved_partners(english):
    InitiativeFactory(title="Koffieochtend Naaldwijk")
    InitiativeFactory(title="Nog een concept", status=InitiativeStatus.DRAFT)
    InitiativeFactory(title="Even gepauzeerd", status=InitiativeStatus.PAUSED)
    InitiativeFactory(title="Al beëindigd", status=InitiativeStatus.ENDED)
    InitiativeFactory(title="Van een aanmelding", organisation__status=OrganisationStatus.PENDING)
    InitiativeFactory(title="Van een afgewezen partner", organisation__status=OrganisationStatus.REJECTED)

    response = english.get(MAP)

    assert titles(response) == ["Koffieochtend Naaldwijk"]
    assert "1 activity found" in text_of(response)
    assert h1_count(response) == 1


def test_card_shows_organisation_kind_villages_age_groups_and_links_to_the_detail_page(english):
    initiative = InitiativeFactory(
        title="Wandelgroep",
        organisation__name="Sportvereniging Monster",
        kind=InitiativeKind.ACTIVITY,
        kernen=[kern("monster"), kern("ter-heijde")],
        age_groups=[age_group("volwassenen"), age_group("ouderen")],
        schedule="zaterdag 9:30",
        is_free=True,
    )
    text = text_of(english.get(MAP))
    assert f'href="/activiteiten/{initiative.pk}/"' in text
    assert "Sportvereniging Monster · activity or course" in text
    assert "Monster, Ter Heijde" in text
    assert "Volwassenen (19–64), Ouderen (65+)" in text
    assert "zaterdag 9:30" in text
    assert "Free of charge" in text
    assert "Accepts referrals" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kern": "monster"}, ["In Monster"]),
        ({"age_group": "jongeren"}, ["Voor jongeren"]),
        ({"kind": InitiativeKind.BUDDY}, ["Maatjesproject"]),
        ({"domain": "sport-en-bewegen"}, ["Van de sportclub"]),
        ({"q": "maatjes"}, ["Maatjesproject"]),  # title
        ({"q": "schaakbord"}, ["Voor jongeren"]),  # description
        ({"q": "SPORTCLUB de"}, ["Van de sportclub"]),  # organisation name, any case
        ({"free": "on"}, ["In Monster", "Maatjesproject", "Van de sportclub"]),
        ({"referrals": "on"}, ["Maatjesproject", "Van de sportclub", "Voor jongeren"]),
        ({"kern": "monster", "free": "on"}, ["In Monster"]),
        ({"kern": "monster", "kind": InitiativeKind.BUDDY}, []),
    ],
)
def test_filters_narrow_the_map(english, query, expected):
    InitiativeFactory(title="In Monster", kernen=[kern("monster")], accepts_referrals=False)
    InitiativeFactory(
        title="Voor jongeren",
        description="Samen aan het schaakbord.",
        age_groups=[age_group("jongeren")],
        is_free=False,
        cost=2,
    )
    InitiativeFactory(title="Maatjesproject", kind=InitiativeKind.BUDDY)
    InitiativeFactory(
        title="Van de sportclub",
        organisation__name="Sportclub De Lier",
        organisation__domain=domain("sport-en-bewegen"),
    )

    response = english.get(MAP, query)

    assert titles(response) == expected
    count = len(expected)
    assert f"{count} {'activity' if count == 1 else 'activities'} found" in text_of(response)


def test_filter_form_is_a_labelled_get_form_that_keeps_its_values(english):
    text = text_of(english.get(MAP, {"q": "koffie", "kern": "de-lier", "free": "on"}))
    assert re.search(r'<form class="westland-filter" method="get"[^>]*role="search"', text)
    for field, label in [
        ("id_q", "Search"),
        ("id_kern", "Village"),
        ("id_age_group", "Age group"),
        ("id_kind", "Kind of activity"),
        ("id_domain", "Domain of the organisation"),
        ("id_free", "free of charge"),
        ("id_referrals", "open to referrals"),
    ]:
        assert re.search(rf'<label[^>]*for="{field}"[^>]*>{label}', text), field
    assert 'value="koffie"' in text
    assert '<option value="de-lier" selected>' in text
    assert re.search(r'name="free"[^>]*checked', text)
    assert "Clear all filters" in text


def test_unknown_filter_value_is_reported_and_ignored(english):
    InitiativeFactory(title="Koffieochtend")
    response = english.get(MAP, {"kern": "atlantis"})
    text = text_of(response)
    assert titles(response) == ["Koffieochtend"]
    assert 'id="error-summary"' in text
    assert "Select a valid choice" in text


def test_map_paginates_by_twenty_and_page_links_keep_the_filters(english):
    for number in range(25):
        InitiativeFactory(title=f"Activiteit {number:02d}", kernen=[kern("wateringen")])
    InitiativeFactory(title="Elders", kernen=[kern("heenweg")])

    first = english.get(MAP, {"kern": "wateringen", "free": "on"})
    assert len(titles(first)) == 20
    assert "25 activities found" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    assert 'href="?kern=wateringen&amp;free=on&amp;page=2#results"' in text_of(first)

    second = english.get(MAP, {"kern": "wateringen", "free": "on", "page": 2})
    assert titles(second) == [f"Activiteit {number:02d}" for number in range(20, 25)]
    assert 'href="?kern=wateringen&amp;free=on&amp;page=1#results"' in text_of(second)
    assert 'aria-current="page"' in text_of(second)

    # An old link past the last page shows the last page rather than an error.
    assert titles(english.get(MAP, {"kern": "wateringen", "page": 9})) == titles(second)


def test_map_marks_initiatives_not_updated_for_a_year(english):
    InitiativeFactory(title="Oud nieuws", updated_at=timezone.now() - datetime.timedelta(days=366))
    InitiativeFactory(title="Vers", updated_at=timezone.now() - datetime.timedelta(days=300))

    text = text_of(english.get(MAP))

    cards = dict(re.findall(r">(Oud nieuws|Vers)</a></h3>(.*?)</article>", text, flags=re.S))
    assert "Not updated in the past year" in cards["Oud nieuws"]
    assert "Not updated in the past year" not in cards["Vers"]


def test_demo_initiative_is_labelled(english):
    InitiativeFactory(title="Proefactiviteit", is_demo=True)
    assert "Demo data: not a real activity" in text_of(english.get(MAP))


def test_deactivated_partner_disappears_from_the_map(english, officer):
    initiative = InitiativeFactory(title="Zangkoor", organisation__status=OrganisationStatus.PENDING)
    assert titles(english.get(MAP)) == []

    services.decide_organisation(organisation_id=initiative.organisation_id, officer=officer, decision="approve")
    assert titles(english.get(MAP)) == ["Zangkoor"]
    assert english.get(f"/activiteiten/{initiative.pk}/").status_code == 200

    services.decide_organisation(
        organisation_id=initiative.organisation_id, officer=officer, decision="deactivate", reason="Gestopt"
    )
    assert titles(english.get(MAP)) == []
    assert english.get(f"/activiteiten/{initiative.pk}/").status_code == 404


def test_rejected_registration_never_reaches_the_map(english, officer):
    initiative = InitiativeFactory(title="Onbekende club", organisation__status=OrganisationStatus.PENDING)
    services.decide_organisation(
        organisation_id=initiative.organisation_id, officer=officer, decision="reject", reason="Geen partner"
    )
    assert titles(english.get(MAP)) == []
    assert english.get(f"/activiteiten/{initiative.pk}/").status_code == 404


def test_empty_map_says_so(english):
    assert "There are no activities on the social map yet." in text_of(english.get(MAP))
    assert "No activity matches your search" in text_of(english.get(MAP, {"q": "niets"}))


# An initiative's page --------------------------------------------------------------


def test_detail_page_shows_everything_public(english):
    initiative = InitiativeFactory(
        title="Maatje voor ouderen",
        description="Een vaste vrijwilliger komt elke week langs.",
        kind=InitiativeKind.BUDDY,
        organisation__name="Welzijn Westland",
        organisation__domain=domain("zorg-en-welzijn"),
        organisation__website="https://welzijn.example.nl/",
        organisation__public_phone="0174 123 456",
        kernen=[kern("s-gravenzande")],
        age_groups=[age_group("ouderen")],
        address="Langestraat 1, 's-Gravenzande",
        is_online=True,
        schedule="op afspraak",
        is_free=False,
        cost="12.50",
        max_participants=8,
        accessibility="Rolstoeltoegankelijk, ringleiding aanwezig.",
        accepts_referrals=True,
        contact_name="Fatima de Vries",
        contact_email="maatjes@welzijn.example.nl",
        contact_phone="0174 654 321",
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2027, 12, 31),
    )

    response = english.get(f"/activiteiten/{initiative.pk}/")
    text = text_of(response)

    assert h1_count(response) == 1
    assert '<h1 class="utrecht-heading-1">Maatje voor ouderen</h1>' in text
    for expected in [
        "Buddy, by Welzijn Westland",
        "Een vaste vrijwilliger komt elke week langs.",
        "Ouderen (65+)",
        "&#x27;s-Gravenzande",
        "Langestraat 1",
        "online or by phone",
        "op afspraak",
        "from 6 January 2025 until 31 December 2027",
        "€&nbsp;12.50",
        "Maximum number of participants",
        "Rolstoeltoegankelijk, ringleiding aanwezig.",
        "Accepts referrals from the Signaalpunt and other partners",
        "Fatima de Vries",
        'href="mailto:maatjes@welzijn.example.nl"',
        'href="tel:0174654321"',
        "Zorg en welzijn",
        'href="https://welzijn.example.nl/"',
        "Last updated on",
    ]:
        assert expected in text, expected
    assert "Not updated in the past year" not in text


def test_detail_page_marks_a_stale_initiative(english):
    initiative = InitiativeFactory(updated_at=timezone.now() - datetime.timedelta(days=400))
    assert "Not updated in the past year" in text_of(english.get(f"/activiteiten/{initiative.pk}/"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": InitiativeStatus.DRAFT},
        {"status": InitiativeStatus.PAUSED},
        {"status": InitiativeStatus.ENDED},
        {"organisation__status": OrganisationStatus.PENDING},
        {"organisation__status": OrganisationStatus.REJECTED},
        {"organisation__status": OrganisationStatus.INACTIVE},
    ],
)
def test_detail_page_of_an_unpublished_initiative_is_not_found(client, kwargs):
    initiative = InitiativeFactory(**kwargs)
    assert client.get(f"/activiteiten/{initiative.pk}/").status_code == 404


def test_detail_page_of_an_unknown_initiative_is_not_found(client):
    assert client.get("/activiteiten/999999/").status_code == 404


# The partner list ------------------------------------------------------------------


def test_partner_list_groups_approved_partners_by_domain_in_order(english):
    OrganisationFactory(name="Bibliotheek Westland", domain=domain("kunst-en-cultuur"), description="Boeken en meer.")
    OrganisationFactory(name="Kapsalon Knip", domain=domain("ondernemers"))
    OrganisationFactory(name="Bakkerij Bol", domain=domain("ondernemers"))
    OrganisationFactory(name="Nog in beoordeling", domain=domain("ondernemers"), status=OrganisationStatus.PENDING)
    OrganisationFactory(name="Gestopte partner", domain=domain("wonen"), status=OrganisationStatus.INACTIVE)

    response = english.get(PARTNERS)
    text = text_of(response)

    assert h1_count(response) == 1
    headings = re.findall(r'<h2 class="utrecht-heading-2" id="domain-[^"]+"[^>]*>([^<]+)</h2>', text)
    assert headings == [d.name for d in Domain.objects.active().order_by("position")]
    partners = re.findall(r'id="partner-\d+">([^<]+)</h3>', text)
    assert partners == ["Bakkerij Bol", "Kapsalon Knip", "Bibliotheek Westland"]
    assert "Boeken en meer." in text
    assert "Nog in beoordeling" not in text
    assert "Gestopte partner" not in text
    assert "3 partners so far." in text


def test_empty_domain_invites_organisations_to_join(english):
    OrganisationFactory(name="Kapsalon Knip", domain=domain("ondernemers"))
    text = text_of(english.get(PARTNERS))

    section = re.search(r'id="domain-wonen".*?</section>', text, flags=re.S).group(0)
    assert "No organisation from the domain Wonen has joined yet." in section
    assert 'href="/coalitie/aanmelden/"' in section
    assert "11 domains still have no partner: join us!" in text

    taken = re.search(r'id="domain-ondernemers".*?</section>', text, flags=re.S).group(0)
    assert "Kapsalon Knip" in taken
    assert "/coalitie/aanmelden/" not in taken


def test_partner_list_counts_each_partners_activities_on_the_map(english):
    organisation = OrganisationFactory(name="Buurthuis De Kern")
    InitiativeFactory.create_batch(2, organisation=organisation)
    InitiativeFactory(organisation=organisation, status=InitiativeStatus.DRAFT)
    OrganisationFactory(name="Zonder activiteiten")

    text = text_of(english.get(PARTNERS))

    card = re.search(r">Buurthuis De Kern</h3>.*?</article>", text, flags=re.S).group(0)
    assert "2 activities on the social map" in card
    empty = re.search(r">Zonder activiteiten</h3>.*?</article>", text, flags=re.S).group(0)
    assert "0 activities on the social map" in empty


# Navigation and performance --------------------------------------------------------


def test_main_navigation_offers_activities_and_partners_to_everyone(english):
    text = text_of(english.get("/"))
    nav = re.search(r'<nav class="westland-nav".*?</nav>', text, flags=re.S).group(0)
    assert '<a class="westland-nav__link" href="/activiteiten/">Activities</a>' in nav
    assert '<a class="westland-nav__link" href="/partners/">Partners</a>' in nav
    assert re.search(r'href="/activiteiten/" aria-current="page"', text_of(english.get(MAP)))


def _create_initiatives(count, start=0):
    domains = list(Domain.objects.active())
    kernen = list(Kern.objects.active())
    age_groups = list(AgeGroup.objects.active())
    for number in range(start, start + count):
        InitiativeFactory(
            organisation__domain=domains[number % len(domains)],
            kernen=kernen[number % 3 : number % 3 + 2],
            age_groups=age_groups[number % 2 : number % 2 + 2],
        )


def _queries(client, path, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200
    if path == MAP:
        assert titles(response), "the query count is only meaningful when cards are shown"
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (MAP, {}),
        (MAP, {"q": "koffie", "kern": "naaldwijk", "age_group": "volwassenen", "domain": "gemeente", "free": "on"}),
        (MAP, {"page": 2}),
        (PARTNERS, {}),
        ("/open-data/activiteiten.json", {}),
    ],
)
def test_public_pages_answer_in_the_same_number_of_queries_for_5_and_50_initiatives(client, path, params):
    _create_initiatives(5)
    with_5 = _queries(client, path, **params)
    _create_initiatives(45, start=5)
    with_50 = _queries(client, path, **params)
    assert with_5 == with_50, f"{path}: {with_5} queries with 5 initiatives, {with_50} with 50"
    assert with_50 <= 10
