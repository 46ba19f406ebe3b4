"""One way to write each record with a history: the partner forms, the admin and the
spreadsheet import all save through coalition.services, under one rule for the history:
a new record records every field, a change records only what changed (nothing, no row)."""

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from coalition import services
from coalition.constants import OrganisationStatus, Role
from coalition.models import Initiative, InitiativeChange, Kern, OrganisationEvent
from coalition.resources import InitiativeResource, OrganisationResource
from coalition.tests.factories import InitiativeFactory, MembershipFactory, OrganisationFactory
from coalition.tests.test_partner_journey import initiative_data, registration_data

pytestmark = pytest.mark.django_db


def test_a_partner_saving_an_unchanged_initiative_writes_no_history_row(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    client.post(reverse("coalition:initiative_create", args=[coordinator.organisation_id]), initiative_data())
    initiative = Initiative.objects.get()
    [created] = InitiativeChange.objects.filter(initiative=initiative)
    assert created.changes["title"] == [None, "Koffie in de Buurtkamer"]

    response = client.post(reverse("coalition:initiative_edit", args=[initiative.pk]), initiative_data())

    assert response.status_code == 302
    assert InitiativeChange.objects.filter(initiative=initiative).count() == 1


def test_an_import_and_the_service_write_the_same_history(administrator):
    initiative = InitiativeFactory(title="Oud")
    dataset = tablib.Dataset([initiative.pk, "Nieuw"], headers=["id", "title"])

    result = InitiativeResource().import_data(dataset, dry_run=False, user=administrator)

    assert not result.has_errors() and not result.has_validation_errors()
    change = InitiativeChange.objects.get(initiative=initiative)
    assert (change.changes, change.changed_by) == ({"title": ["Oud", "Nieuw"]}, administrator)


def test_only_approved_partners_receive_initiatives_whoever_saves(administrator):
    pending = OrganisationFactory(status=OrganisationStatus.PENDING)
    initiative = InitiativeFactory()

    with pytest.raises(ValidationError) as error:
        services.save_initiative(user=administrator, data={"organisation": pending}, initiative=initiative)
    assert "organisation" in error.value.error_dict

    dataset = tablib.Dataset([initiative.pk, pending.name], headers=["id", "organisation"])
    result = InitiativeResource().import_data(dataset, dry_run=True, user=administrator)
    [row] = result.invalid_rows
    assert "goedgekeurde partner" in str(row.error_dict["organisation"])


def test_a_coordinator_changing_the_details_leaves_a_history_row(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    organisation = coordinator.organisation
    client.force_login(coordinator.user)
    data = registration_data(name=organisation.name, description="Nieuwe omschrijving.")

    response = client.post(reverse("coalition:organisation_edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    event = OrganisationEvent.objects.get(organisation=organisation)
    assert event.actor == coordinator.user
    assert event.changes["description"][1] == "Nieuwe omschrijving."
    assert event.from_status == event.to_status == OrganisationStatus.APPROVED

    client.post(reverse("coalition:organisation_edit", args=[organisation.pk]), data)
    assert OrganisationEvent.objects.filter(organisation=organisation).count() == 1  # nothing changed, no row


def test_an_import_changes_the_details_with_the_same_history(administrator):
    organisation = OrganisationFactory(name="Kapsalon Knip", description="Oud")
    organisation.kernen.set([Kern.objects.get(code="monster")])
    dataset = tablib.Dataset(
        [organisation.name, "Nieuw", "monster,naaldwijk"], headers=["name", "description", "kernen"]
    )

    result = OrganisationResource().import_data(dataset, dry_run=False, user=administrator)

    assert not result.has_errors() and not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    event = OrganisationEvent.objects.get(organisation=organisation)
    assert event.actor == administrator
    assert event.changes["description"] == ["Oud", "Nieuw"]
    assert event.changes["kernen"] == [["Monster"], ["Monster", "Naaldwijk"]]
