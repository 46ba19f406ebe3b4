"""Registration → approval → invitation → initiative → reach, through the pages a partner uses."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coalition.constants import InitiativeStatus, OrganisationStatus, Role
from coalition.models import (
    Domain,
    Initiative,
    InitiativeChange,
    Invitation,
    Kern,
    Membership,
    Organisation,
    OrganisationEvent,
    ReachReport,
)
from coalition.tests.factories import InitiativeFactory, MembershipFactory, OrganisationFactory, UserFactory
from common.periods import Quarter

pytestmark = pytest.mark.django_db


def registration_data(**overrides):
    data = {
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
    data.update(overrides)
    return data


def initiative_data(**overrides):
    data = {
        "title": "Koffie in de Buurtkamer",
        "description": "Elke dinsdag koffie en een praatje.",
        "kind": "ontmoeting",
        "age_groups": [],
        "kernen": [Kern.objects.get(code="de-lier").pk],
        "address": "Hoofdstraat 1, De Lier",
        "frequency": "wekelijks",
        "schedule": "dinsdag 10:00–12:00",
        "is_free": "on",
        "contact_name": "Anja Bakker",
        "contact_email": "anja@buurtkamer.example",
        "status": InitiativeStatus.ACTIVE,
        "accepts_referrals": "on",
    }
    from coalition.models import AgeGroup

    data["age_groups"] = [AgeGroup.objects.get(code="ouderen").pk]
    data.update(overrides)
    return data


def test_registration_stores_a_pending_organisation_with_its_coordinator(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("coalition:register"), registration_data())
    organisation = Organisation.objects.get(name="Buurtkamer De Lier")
    assert response["Location"] == reverse("coalition:organisation", args=[organisation.pk])
    assert organisation.status == OrganisationStatus.PENDING
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == Role.COORDINATOR
    page = client.get(response["Location"]).content.decode()
    assert "aangemeld" in page
    assert "beoordeelt uw aanmelding" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kvk_number", "1234567", "precies acht cijfers"),
        ("kvk_number", "1234567a", "precies acht cijfers"),
        ("public_email", "geen-adres", "geldig e-mailadres"),
        ("public_phone", "bel mij", "telefoonnummer"),
        ("kernen", [], "ten minste één kern"),
        ("name", "", "Dit veld is verplicht"),
    ],
)
def test_bad_registration_is_refused_in_dutch_and_stores_nothing(client, field, value, message):
    client.force_login(UserFactory())
    data = registration_data(**{field: value})
    response = client.post(reverse("coalition:register"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert 'id="error-summary"' in text
    assert f'id="id_{field}_error"' in text or field == "kernen"
    # What was typed stays in the form.
    assert "Een huiskamer in de wijk." in text
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_duplicate_name_is_refused(client):
    OrganisationFactory(name="Buurtkamer De Lier")
    client.force_login(UserFactory())
    response = client.post(reverse("coalition:register"), registration_data(name="buurtkamer de lier"))
    assert "Er is al een organisatie met deze naam aangemeld." in response.content.decode()
    assert Organisation.objects.count() == 1


def test_officer_approves_and_the_coordinator_is_emailed(
    client, officer, celery_eager, django_capture_on_commit_callbacks
):
    coordinator = MembershipFactory(role=Role.COORDINATOR, organisation__status=OrganisationStatus.PENDING)
    organisation = coordinator.organisation
    client.force_login(officer)
    listing = client.get(reverse("coalition:review_list")).content.decode()
    assert organisation.name in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coalition:review", args=[organisation.pk]), {"decision": "approve"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    event = OrganisationEvent.objects.get(organisation=organisation, to_status=OrganisationStatus.APPROVED)
    assert event.actor == officer and event.from_status == OrganisationStatus.PENDING
    assert [m.to for m in mail.outbox] == [[coordinator.user.email]]
    assert "goedgekeurd" in mail.outbox[0].subject
    assert event.notified_at is not None


def test_decision_email_is_sent_once_even_if_delivery_runs_twice(
    officer, celery_eager, django_capture_on_commit_callbacks
):
    from coalition import services
    from common import outbox
    from common.models import Email

    membership = MembershipFactory(role=Role.COORDINATOR, organisation__status=OrganisationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_organisation(organisation_id=membership.organisation_id, officer=officer, decision="approve")
    email = Email.objects.get(kind="coalition.decision")
    # The task runs again (acks_late, or the periodic retry racing the first delivery).
    assert outbox.deliver(email.pk) is False
    assert len(mail.outbox) == 1


def test_rejection_needs_a_reason_and_hides_the_organisation(
    client, officer, celery_eager, django_capture_on_commit_callbacks
):
    organisation = MembershipFactory(
        role=Role.COORDINATOR, organisation__status=OrganisationStatus.PENDING
    ).organisation
    client.force_login(officer)
    url = reverse("coalition:review", args=[organisation.pk])
    response = client.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "Geef een reden" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "Geen activiteiten in Westland."})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED
    assert "Geen activiteiten in Westland." in mail.outbox[0].body
    client.logout()
    assert organisation.name not in client.get(reverse("coalition:partner_list")).content.decode()


def test_deactivation_takes_initiatives_off_the_map_and_deletes_nothing(client, officer, celery_eager):
    initiative = InitiativeFactory(title="Wandelclub Monster")
    assert "Wandelclub Monster" in client.get(reverse("coalition:initiative_list")).content.decode()
    client.force_login(officer)
    client.post(
        reverse("coalition:review", args=[initiative.organisation_id]), {"decision": "deactivate", "reason": "Gestopt."}
    )
    client.logout()
    assert "Wandelclub Monster" not in client.get(reverse("coalition:initiative_list")).content.decode()
    assert client.get(reverse("coalition:initiative_detail", args=[initiative.pk])).status_code == 404
    assert Initiative.objects.filter(pk=initiative.pk).exists()


def test_a_transition_that_is_not_allowed_changes_nothing(client, officer):
    organisation = OrganisationFactory(status=OrganisationStatus.REJECTED)
    client.force_login(officer)
    response = client.post(
        reverse("coalition:review", args=[organisation.pk]), {"decision": "deactivate", "reason": "x"}
    )
    assert response.status_code == 200
    assert "kan niet op deze manier" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED


def test_officer_marks_a_signal_handler(client, officer):
    organisation = OrganisationFactory()
    client.force_login(officer)
    client.post(reverse("coalition:review", args=[organisation.pk]), {"signal_handler": "on"})
    organisation.refresh_from_db()
    assert organisation.is_signal_handler


@pytest.mark.parametrize("role", ["staff_member", "coordinator", "handler"])
def test_only_officers_review(client, request, role):
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("coalition:review_list")).status_code == 403
    assert client.post(reverse("coalition:review", args=[organisation.pk]), {"decision": "approve"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def invite(client, organisation, email, role=Role.STAFF):
    return client.post(reverse("coalition:invite", args=[organisation.pk]), {"email": email, "role": role})


def test_invitation_link_lets_a_colleague_join_once(client, celery_eager, django_capture_on_commit_callbacks):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, coordinator.organisation, "Collega@Voorbeeld.nl")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "collega@voorbeeld.nl"
    assert len(mail.outbox) == 1
    link = reverse("coalition:accept_invitation", args=[invitation.token])
    assert link in mail.outbox[0].body

    colleague = UserFactory(email="collega@voorbeeld.nl")
    client.force_login(colleague)
    assert coordinator.organisation.name in client.get(link).content.decode()
    client.post(link)
    assert Membership.objects.get(user=colleague).role == Role.STAFF
    # Single use.
    other = UserFactory(email="collega2@voorbeeld.nl")
    client.force_login(other)
    client.post(link)
    assert not Membership.objects.filter(user=other).exists()


def test_anonymous_invitee_is_asked_to_sign_in_first(client):
    invitation = Invitation.objects.create(organisation=OrganisationFactory(), email="nieuw@voorbeeld.nl")
    response = client.get(reverse("coalition:accept_invitation", args=[invitation.token]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_expired_or_misaddressed_invitation_does_not_work(client):
    organisation = OrganisationFactory()
    expired = Invitation.objects.create(
        organisation=organisation, email="a@voorbeeld.nl", expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(UserFactory(email="a@voorbeeld.nl"))
    client.post(reverse("coalition:accept_invitation", args=[expired.token]))
    valid = Invitation.objects.create(organisation=organisation, email="b@voorbeeld.nl")
    response = client.post(reverse("coalition:accept_invitation", args=[valid.token]), follow=True)
    assert "ander e-mailadres" in response.content.decode()
    assert not Membership.objects.exists()


def test_handler_role_only_in_a_signal_handling_organisation(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    response = invite(client, coordinator.organisation, "x@voorbeeld.nl", Role.HANDLER)
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not Invitation.objects.exists()
    coordinator.organisation.is_signal_handler = True
    coordinator.organisation.save()
    assert invite(client, coordinator.organisation, "x@voorbeeld.nl", Role.HANDLER).status_code == 302


def test_an_organisation_keeps_at_least_one_coordinator(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    colleague = MembershipFactory(organisation=coordinator.organisation, role=Role.STAFF)
    client.force_login(coordinator.user)
    response = client.post(reverse("coalition:change_role", args=[coordinator.pk]), {"role": Role.STAFF}, follow=True)
    assert "ten minste één coördinator" in response.content.decode()
    client.post(reverse("coalition:remove_member", args=[coordinator.pk]))
    coordinator.refresh_from_db()
    assert coordinator.role == Role.COORDINATOR

    client.post(reverse("coalition:change_role", args=[colleague.pk]), {"role": Role.COORDINATOR})
    colleague.refresh_from_db()
    assert colleague.role == Role.COORDINATOR
    client.post(reverse("coalition:remove_member", args=[coordinator.pk]))
    assert not Membership.objects.filter(pk=coordinator.pk).exists()


def test_staff_member_cannot_manage_members_or_initiatives(client):
    staff = MembershipFactory(role=Role.STAFF)
    initiative = InitiativeFactory(organisation=staff.organisation)
    client.force_login(staff.user)
    assert client.get(reverse("coalition:organisation", args=[staff.organisation_id])).status_code == 200
    assert client.get(reverse("coalition:invite", args=[staff.organisation_id])).status_code == 404
    assert client.get(reverse("coalition:initiative_edit", args=[initiative.pk])).status_code == 404
    assert client.post(reverse("coalition:change_role", args=[staff.pk]), {"role": Role.COORDINATOR}).status_code == 404


def test_member_of_another_organisation_gets_404_everywhere(client):
    mine = MembershipFactory(role=Role.COORDINATOR)
    theirs = MembershipFactory(role=Role.COORDINATOR)
    initiative = InitiativeFactory(organisation=theirs.organisation)
    invitation = Invitation.objects.create(organisation=theirs.organisation, email="z@voorbeeld.nl")
    client.force_login(mine.user)
    q = Quarter.of(timezone.localdate()).previous()
    for url in [
        reverse("coalition:organisation", args=[theirs.organisation_id]),
        reverse("coalition:organisation_edit", args=[theirs.organisation_id]),
        reverse("coalition:invite", args=[theirs.organisation_id]),
        reverse("coalition:initiative_create", args=[theirs.organisation_id]),
        reverse("coalition:initiative_edit", args=[initiative.pk]),
        reverse("coalition:reach_report", args=[initiative.pk, q.year, q.quarter]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("coalition:change_role", args=[theirs.pk]),
        reverse("coalition:remove_member", args=[theirs.pk]),
        reverse("coalition:revoke_invitation", args=[invitation.pk]),
    ]:
        assert client.post(url, {"role": Role.STAFF}).status_code == 404, url
    assert Membership.objects.filter(pk=theirs.pk, role=Role.COORDINATOR).exists()


def test_coordinator_publishes_an_initiative_with_history(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    response = client.post(
        reverse("coalition:initiative_create", args=[coordinator.organisation_id]), initiative_data()
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.organisation == coordinator.organisation
    assert "Koffie in de Buurtkamer" in client.get(reverse("coalition:initiative_list")).content.decode()

    client.post(reverse("coalition:initiative_edit", args=[initiative.pk]), initiative_data(title="Koffie-uurtje"))
    changes = list(InitiativeChange.objects.filter(initiative=initiative).order_by("changed_at", "id"))
    assert len(changes) == 2
    assert changes[1].changes["title"] == ["Koffie in de Buurtkamer", "Koffie-uurtje"]
    assert changes[1].changed_by == coordinator.user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"address": "", "is_online": ""}, "address", "Geef een adres"),
        ({"is_free": "", "cost": ""}, "cost", "Geef de kosten"),
        ({"is_free": "", "cost": "-3"}, "cost", "minstens 0"),
        ({"contact_email": "", "contact_phone": ""}, "contact_email", "e-mailadres of een telefoonnummer"),
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date", "niet voor de begindatum"),
        ({"age_groups": []}, "age_groups", "ten minste één leeftijdsgroep"),
        ({"kind": "disco"}, "kind", "Selecteer een geldige keuze"),
    ],
)
def test_bad_initiative_is_refused_beside_the_field(client, overrides, field, message):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    client.force_login(coordinator.user)
    response = client.post(
        reverse("coalition:initiative_create", args=[coordinator.organisation_id]), initiative_data(**overrides)
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert f'id="id_{field}_error"' in text
    assert "Elke dinsdag koffie en een praatje." in text
    assert not Initiative.objects.exists()


def test_pending_organisation_cannot_publish(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR, organisation__status=OrganisationStatus.PENDING)
    client.force_login(coordinator.user)
    url = reverse("coalition:initiative_create", args=[coordinator.organisation_id])
    assert client.post(url, initiative_data()).status_code == 404
    assert not Initiative.objects.exists()


def reach_data(**overrides):
    data = {
        "participants": 20,
        "new_participants": 4,
        "volunteers": 3,
        "meetings": 12,
        "age_jongeren": "",
        "age_volwassenen": 5,
        "age_ouderen": 15,
    }
    data.update(overrides)
    return data


def test_reach_report_for_the_last_quarter(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    initiative = InitiativeFactory(organisation=coordinator.organisation)
    q = Quarter.of(timezone.localdate()).previous()
    client.force_login(coordinator.user)
    detail = client.get(reverse("coalition:organisation", args=[coordinator.organisation_id])).content.decode()
    url = reverse("coalition:reach_report", args=[initiative.pk, q.year, q.quarter])
    assert url in detail  # shown as due
    assert client.post(url, reach_data()).status_code == 302
    report = ReachReport.objects.get()
    assert (report.year, report.quarter, report.participants) == (q.year, q.quarter, 20)
    assert {c.age_group.code: c.participants for c in report.counts.all()} == {"volwassenen": 5, "ouderen": 15}
    # The counts carry the report's quarter and initiative for the monitor.
    assert {(c.initiative_id, c.year, c.quarter, c.is_demo) for c in report.counts.all()} == {
        (initiative.pk, q.year, q.quarter, False)
    }
    # Editing the same quarter changes the one report.
    client.post(url, reach_data(participants=25))
    assert ReachReport.objects.get().participants == 25
    detail = client.get(reverse("coalition:organisation", args=[coordinator.organisation_id])).content.decode()
    assert url not in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"participants": -1}, "0 of meer"),
        ({"new_participants": 21}, "niet meer zijn dan het totaal"),
        ({"age_ouderen": 30}, "meer dan het totaal van 20"),
        ({"meetings": "veel"}, "Voer een geheel getal in"),
    ],
)
def test_bad_reach_report_stores_nothing(client, overrides, message):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    initiative = InitiativeFactory(organisation=coordinator.organisation)
    q = Quarter.of(timezone.localdate()).previous()
    client.force_login(coordinator.user)
    response = client.post(
        reverse("coalition:reach_report", args=[initiative.pk, q.year, q.quarter]), reach_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReachReport.objects.exists()


def test_reach_report_closes_after_the_next_quarter(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    initiative = InitiativeFactory(organisation=coordinator.organisation)
    old = Quarter.of(timezone.localdate()).previous().previous()
    client.force_login(coordinator.user)
    url = reverse("coalition:reach_report", args=[initiative.pk, old.year, old.quarter])
    assert "niet meer worden gewijzigd" in client.get(url).content.decode()
    client.post(url, reach_data())
    assert not ReachReport.objects.exists()


def test_quarter_arithmetic():
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter(2026, 2).start == datetime.date(2026, 4, 1)
    assert Quarter(2026, 2).end == datetime.date(2026, 6, 30)
    assert Quarter.of(datetime.date(2026, 11, 28)) == Quarter(2026, 4)


def test_partner_area_lists_due_reach_reports(client):
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    initiative = InitiativeFactory(organisation=coordinator.organisation, title="Maatjes")
    q = Quarter.of(timezone.localdate()).previous()
    client.force_login(coordinator.user)
    text = client.get(reverse("coalition:home")).content.decode()
    assert f"Maatjes: bereik in {q}" in text
    assert reverse("coalition:reach_report", args=[initiative.pk, q.year, q.quarter]) in text
