"""Hostile input to the partner area's forms (registration, organisation, invitations,
initiatives, reach, roles, the officers' decisions) and to the public filters: never a
server error, a refusal in Dutch, nothing stored from a refused submission.

See ``westland/tests/bad_input.py`` for the properties and how to add a form."""

from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.constants import InitiativeStatus, OrganisationStatus, Role
from coalition.models import (
    AgeGroup,
    Domain,
    Initiative,
    InitiativeChange,
    Invitation,
    Kern,
    Membership,
    Organisation,
    OrganisationEvent,
    ReachCount,
    ReachReport,
)
from coalition.tests.factories import InitiativeFactory, MembershipFactory, OrganisationFactory, UserFactory
from common.periods import Quarter
from westland.tests.bad_input import FormCase, assert_valid_is_accepted, check_submission
from westland.tests.strategies import hostile_payload, hostile_text

pytestmark = pytest.mark.django_db

# Users and rows are made once per test; each example runs in a savepoint that is
# rolled back (check_submission), so sharing them between examples is safe.
PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def organisation_data():
    return {
        "name": "Buurtkamer De Lier",
        "domain": Domain.objects.get(code="zorg-en-welzijn").pk,
        "kernen": [Kern.objects.get(code="de-lier").pk],
        "description": "Een huiskamer in de wijk.",
        "contribution": "Wekelijkse ontmoeting.",
        "website": "https://buurtkamer.example",
        "public_email": "info@buurtkamer.example",
        "public_phone": "0174 123 456",
        "kvk_number": "12345678",
    }


def initiative_data():
    return {
        "title": "Koffie in de Buurtkamer",
        "description": "Elke dinsdag koffie en een praatje.",
        "kind": "ontmoeting",
        "age_groups": [AgeGroup.objects.get(code="ouderen").pk],
        "kernen": [Kern.objects.get(code="de-lier").pk],
        "address": "Hoofdstraat 1, De Lier",
        "frequency": "wekelijks",
        "schedule": "dinsdag 10:00–12:00",
        "cost": "2.50",
        "contact_name": "Anja Bakker",
        "contact_email": "anja@buurtkamer.example",
        "contact_phone": "0174 123 456",
        "start_date": "2026-01-05",
        "end_date": "",
        "status": InitiativeStatus.ACTIVE,
        "accepts_referrals": "on",
    }


def rows(*models):
    return tuple(model.objects.count() for model in models)


def values(instance):
    instance.refresh_from_db()
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.name not in ("updated_at", "last_login")
    }


@pytest.fixture
def coordinator(client):
    membership = MembershipFactory(role=Role.COORDINATOR)
    client.force_login(membership.user)
    return client, membership


def _register(client, coordinator):
    user = UserFactory()
    client.force_login(user)
    return FormCase(
        url=reverse("coalition:register"),
        client=client,
        valid=organisation_data(),
        fields=list(organisation_data()),
        snapshot=lambda: rows(Organisation, Membership, OrganisationEvent),
    )


def _edit_organisation(client, coordinator):
    organisation = coordinator.organisation
    return FormCase(
        url=reverse("coalition:organisation_edit", args=[organisation.pk]),
        client=client,
        valid=organisation_data(),
        fields=list(organisation_data()),
        snapshot=lambda: (values(organisation), list(organisation.kernen.values_list("pk", flat=True))),
    )


def _invite(client, coordinator):
    valid = {"email": "collega@voorbeeld.nl", "role": Role.STAFF}
    return FormCase(
        url=reverse("coalition:invite", args=[coordinator.organisation_id]),
        client=client,
        valid=valid,
        fields=list(valid),
        snapshot=lambda: rows(Invitation, Membership),
    )


def _create_initiative(client, coordinator):
    return FormCase(
        url=reverse("coalition:initiative_create", args=[coordinator.organisation_id]),
        client=client,
        valid=initiative_data(),
        fields=list(initiative_data()),
        snapshot=lambda: rows(Initiative, InitiativeChange),
    )


def _edit_initiative(client, coordinator):
    initiative = InitiativeFactory(organisation=coordinator.organisation)
    return FormCase(
        url=reverse("coalition:initiative_edit", args=[initiative.pk]),
        client=client,
        valid=initiative_data(),
        fields=list(initiative_data()),
        snapshot=lambda: (values(initiative), rows(InitiativeChange)),
    )


def _reach(client, coordinator):
    initiative = InitiativeFactory(organisation=coordinator.organisation)
    quarter = Quarter.of(timezone.localdate()).previous()
    valid = {
        "participants": "20",
        "new_participants": "4",
        "volunteers": "3",
        "meetings": "12",
        "age_jongeren": "",
        "age_volwassenen": "5",
        "age_ouderen": "15",
    }
    return FormCase(
        url=reverse("coalition:reach_report", args=[initiative.pk, quarter.year, quarter.quarter]),
        client=client,
        valid=valid,
        fields=list(valid),
        snapshot=lambda: rows(ReachReport, ReachCount),
    )


def _change_role(client, coordinator):
    colleague = MembershipFactory(organisation=coordinator.organisation, role=Role.STAFF)
    valid = {"role": Role.COORDINATOR}
    return FormCase(
        url=reverse("coalition:change_role", args=[colleague.pk]),
        client=client,
        valid=valid,
        fields=list(valid),
        snapshot=lambda: list(Membership.objects.order_by("pk").values_list("pk", "role")),
    )


def _review(client, coordinator):
    officer = UserFactory(is_officer=True)
    client.force_login(officer)
    pending = OrganisationFactory(status=OrganisationStatus.PENDING)
    valid = {"decision": "reject", "reason": "Geen activiteiten in Westland."}
    return FormCase(
        url=reverse("coalition:review", args=[pending.pk]),
        client=client,
        valid=valid,
        fields=[*valid, "signal_handler"],
        snapshot=lambda: (values(pending), rows(OrganisationEvent)),
    )


FORMS = {
    "register": _register,
    "organisation_edit": _edit_organisation,
    "invite": _invite,
    "initiative_create": _create_initiative,
    "initiative_edit": _edit_initiative,
    "reach_report": _reach,
    "change_role": _change_role,
    "review": _review,
}


@pytest.mark.parametrize("form", list(FORMS))
def test_the_partner_forms_survive_hostile_input(coordinator, form):
    client, membership = coordinator
    case = FORMS[form](client, membership)

    assert_valid_is_accepted(case)

    @given(data=st.data())
    @PROPERTY
    def run(data):
        check_submission(case, data.draw(hostile_payload(case.valid, case.fields)))

    run()


PUBLIC_FILTERS = st.dictionaries(
    st.sampled_from(["q", "kern", "age_group", "kind", "domain", "free", "referrals", "page"]), hostile_text, max_size=4
)


@given(params=PUBLIC_FILTERS)
@PROPERTY
def test_the_public_pages_survive_hostile_filters(client, params):
    # A NUL byte in a query string is refused as a bad request before any view (westland.middleware).
    expected = 400 if any("\x00" in key + value for key, value in params.items()) else 200
    for url in ("/activiteiten/", "/partners/", "/open-data/activiteiten.json"):
        response = client.get(url, params)
        assert response.status_code == expected, url


@given(token=hostile_text)
@PROPERTY
def test_an_invitation_link_with_a_hostile_token_is_refused(coordinator, token):
    client, _membership = coordinator
    before = rows(Membership)
    for method in (client.get, client.post):
        response = method(f"/coalitie/uitnodiging/{quote(token, safe='')}/")
        # 400: a NUL byte in the path, refused before any view (westland.middleware).
        assert response.status_code in ((400,) if "\x00" in token else (200, 302, 404))
    assert rows(Membership) == before


# Exports ------------------------------------------------------------------------------

STORED_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60
)  # PostgreSQL keeps no NUL


@given(text=STORED_TEXT, prefix=st.sampled_from(["", "=", "+", "-", "@", "\t", "\r"]))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_admin_exports_neutralise_formulas_and_survive_control_characters(client, text, prefix):
    import csv
    import io

    import openpyxl

    from coalition.resources import OrganisationResource
    from common.spreadsheets import FORMULA_PREFIXES

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with transaction.atomic():
        OrganisationFactory(name=(prefix + text)[:200] or "x", description=prefix + text, contribution=text)
        fields = {f"organisationresource_{name}": "on" for name in OrganisationResource().get_export_order()}
        for file_format in ("0", "1"):
            response = client.post(
                "/admin/coalition/organisation/export/", {"resource": "0", "format": file_format, **fields}
            )
            assert response.status_code == 200
            if file_format == "0":
                cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
            else:
                sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
                cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
            assert cells
            for cell in cells:
                assert not cell.startswith(FORMULA_PREFIXES), cell
        transaction.set_rollback(True)
