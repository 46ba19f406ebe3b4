"""The social map as open data in the shape of Open Referral HSDS 3.0."""

import datetime
import uuid

import pytest
from django.utils import timezone

from coalition.constants import Frequency, InitiativeKind, InitiativeStatus, OrganisationStatus
from coalition.models import AgeGroup, Domain, Kern

from .factories import InitiativeFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/open-data/activiteiten.json"


def fetch(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def by_name(items):
    return {item["name"]: item for item in items}


def test_export_has_the_hsds_collections(client):
    data = fetch(client)
    assert data["hsds_version"] == "3.0"
    for key in ("organizations", "services", "locations", "taxonomies", "taxonomy_terms"):
        assert isinstance(data[key], list), key


def test_only_published_initiatives_and_their_organisations_are_exported(client):
    InitiativeFactory(title="Koffieochtend", organisation__name="Buurthuis")
    InitiativeFactory(title="Concept", status=InitiativeStatus.DRAFT, organisation__name="Buurthuis 2")
    InitiativeFactory(title="Wacht op goedkeuring", organisation__status=OrganisationStatus.PENDING)
    InitiativeFactory(title="Gedeactiveerd", organisation__status=OrganisationStatus.INACTIVE)
    OrganisationFactory(name="Partner zonder activiteiten")

    data = fetch(client)

    assert [service["name"] for service in data["services"]] == ["Koffieochtend"]
    assert [organization["name"] for organization in data["organizations"]] == ["Buurthuis"]
    assert data["services"][0]["organization_id"] == data["organizations"][0]["id"]
    assert data["services"][0]["status"] == "active"


def test_service_carries_the_public_details_of_the_initiative(client):
    initiative = InitiativeFactory(
        title="Maatje voor ouderen",
        description="Een vaste vrijwilliger komt elke week langs.",
        kind=InitiativeKind.BUDDY,
        kernen=[Kern.objects.get(code="monster"), Kern.objects.get(code="poeldijk")],
        age_groups=[AgeGroup.objects.get(code="volwassenen"), AgeGroup.objects.get(code="ouderen")],
        frequency=Frequency.MONTHLY,
        schedule="eerste maandag van de maand",
        start_date=datetime.date(2026, 1, 5),
        is_free=False,
        cost="4.50",
        contact_name="Fatima de Vries",
        contact_email="maatjes@voorbeeld.nl",
        contact_phone="0174 654 321",
    )

    service = fetch(client)["services"][0]

    assert service["name"] == "Maatje voor ouderen"
    assert service["description"] == "Een vaste vrijwilliger komt elke week langs."
    assert service["url"].endswith(f"/activiteiten/{initiative.pk}/")
    assert service["email"] == "maatjes@voorbeeld.nl"
    assert service["minimum_age"] == 19
    assert service["maximum_age"] is None  # 65+ has no upper bound
    assert [area["name"] for area in service["service_areas"]] == ["Monster", "Poeldijk"]
    assert service["contacts"][0]["name"] == "Fatima de Vries"
    assert service["contacts"][0]["phones"][0]["number"] == "0174 654 321"
    assert service["cost_options"] == [
        {"id": service["cost_options"][0]["id"], "service_id": service["id"], "amount": 4.5, "currency": "EUR"}
    ]
    (schedule,) = service["schedules"]
    assert schedule["freq"] == "MONTHLY"
    assert schedule["description"] == "eerste maandag van de maand"
    assert schedule["valid_from"] == "2026-01-05"
    assert service["assured_date"] == timezone.localdate(initiative.updated_at).isoformat()


def test_kind_and_age_groups_are_taxonomy_terms_linked_by_attributes(client):
    InitiativeFactory(kind=InitiativeKind.BUDDY, age_groups=[AgeGroup.objects.get(code="jongeren")])
    OrganisationFactory()

    data = fetch(client)

    taxonomies = {taxonomy["id"] for taxonomy in data["taxonomies"]}
    terms = {term["id"]: term for term in data["taxonomy_terms"]}
    assert all(term["taxonomy_id"] in taxonomies for term in terms.values())
    assert {term["code"] for term in terms.values() if term["taxonomy"] == "kind"} == set(InitiativeKind.values)
    assert {term["code"] for term in terms.values() if term["taxonomy"] == "age_group"} == set(
        AgeGroup.objects.active().values_list("code", flat=True)
    )
    assert {term["code"] for term in terms.values() if term["taxonomy"] == "domain"} == set(
        Domain.objects.active().values_list("code", flat=True)
    )

    service = data["services"][0]
    linked = {
        (attribute["link_type"], terms[attribute["taxonomy_term_id"]]["code"]) for attribute in service["attributes"]
    }
    assert linked == {("kind", InitiativeKind.BUDDY), ("age_group", "jongeren")}
    assert all(attribute["link_id"] == service["id"] for attribute in service["attributes"])
    (domain_attribute,) = data["organizations"][0]["attributes"]
    assert terms[domain_attribute["taxonomy_term_id"]]["code"] == "gemeente"


def test_address_and_online_become_locations(client):
    InitiativeFactory(title="Op locatie", address="Dorpsstraat 1", kernen=[Kern.objects.get(code="de-lier")])
    InitiativeFactory(title="Alleen online", address="", is_online=True)
    InitiativeFactory(title="Beide", address="Markt 5", is_online=True, accessibility="Drempelvrij")

    data = fetch(client)
    services = by_name(data["services"])
    locations = {location["id"]: location for location in data["locations"]}

    def locations_of(name):
        return [locations[link["location_id"]] for link in services[name]["service_at_locations"]]

    (physical,) = locations_of("Op locatie")
    assert physical["location_type"] == "physical"
    assert physical["addresses"][0]["address_1"] == "Dorpsstraat 1"
    assert physical["addresses"][0]["city"] == "De Lier"
    assert physical["addresses"][0]["country"] == "NL"
    assert [location["location_type"] for location in locations_of("Alleen online")] == ["virtual"]
    both = locations_of("Beide")
    assert [location["location_type"] for location in both] == ["physical", "virtual"]
    assert both[0]["accessibility"][0]["description"] == "Drempelvrij"


def test_stale_and_demo_initiatives_are_marked(client):
    InitiativeFactory(title="Oud", updated_at=timezone.now() - datetime.timedelta(days=400))
    InitiativeFactory(title="Proef", is_demo=True, organisation__is_demo=True)

    data = fetch(client)
    services = by_name(data["services"])

    assert services["Oud"]["alert"]
    assert services["Proef"]["alert"] is None
    assert services["Proef"]["x_demo"] is True
    assert services["Oud"]["x_demo"] is False
    assert [organization["x_demo"] for organization in data["organizations"]].count(True) == 1


def test_identifiers_are_uuids_that_stay_the_same(client):
    InitiativeFactory(address="Dorpsstraat 1", contact_phone="0174 111 222")
    first, second = fetch(client), fetch(client)

    def ids(data):
        found = []

        def walk(value):
            if isinstance(value, dict):
                found.extend(v for k, v in value.items() if k == "id" or k.endswith("_id") and v)
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(data)
        return found

    assert ids(first) == ids(second)
    for identifier in ids(first):
        uuid.UUID(identifier)
    own_ids = [
        item["id"] for key in ("organizations", "services", "locations", "taxonomy_terms") for item in first[key]
    ]
    assert len(own_ids) == len(set(own_ids))


def test_no_personal_or_internal_data_is_exported(client):
    organisation = OrganisationFactory(
        name="Kapsalon Knip",
        kvk_number="12345678",
        contribution="Interne toelichting bij de aanmelding",
        public_email="info@knip.example.nl",
    )
    member = MembershipFactory(organisation=organisation, user__email="medewerker@knip.example.nl").user
    InitiativeFactory(organisation=organisation, contact_email="")

    raw = client.get(URL).content.decode()

    assert "info@knip.example.nl" in raw  # the public address is published
    for private in ("12345678", "Interne toelichting", member.email, member.full_name):
        assert private not in raw
    assert "status" not in fetch(client)["organizations"][0]


def test_open_data_may_be_read_from_other_sites(client):
    assert client.get(URL)["Access-Control-Allow-Origin"] == "*"
    assert client.post(URL).status_code == 405
