"""Filing a signal through the staff form, the receipt and the filer's own list, as a
frontline worker uses them. New user-facing text is asserted in English (the Dutch
catalogue follows); data and HTML ids are asserted directly."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from coalition.constants import OrganisationStatus, Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import InitiativeFactory, MembershipFactory, OrganisationFactory, UserFactory
from signals import routing, services
from signals.constants import ContactWay, EventKind, SignalStatus
from signals.models import ObservedSign, Outcome, Signal, SignalSettings

from .factories import SignalFactory

pytestmark = pytest.mark.django_db

NEW = reverse("signals:new")
QUEUE = reverse("signals:queue")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def filer(client, staff_member, signaalpunt):
    client.force_login(staff_member)
    return staff_member


def token_of(response):
    return re.search(r'name="submission_token" value="([^"]+)"', response.content.decode()).group(1)


def form_data(client, **overrides):
    data = {
        "submission_token": token_of(client.get(NEW)),
        "age_group": AgeGroup.objects.get(code="ouderen").pk,
        "kern": Kern.objects.get(code="monster").pk,
        "signs": [ObservedSign.objects.get(code="recent-weduwe").pk, ObservedSign.objects.get(code="zegt-eenzaam").pk],
        "note": "Komt elke ochtend voor een praatje, lijkt de hele dag alleen.",
        "consent": "ja",
        "resident_name": "Jannie Zwinkels",
        "resident_phone": "0174 555 123",
        "resident_email": "jannie@voorbeeld.nl",
        "resident_address": "Havenstraat 12, Monster",
        "preferred_contact": "telefoon",
        "preferred_time": "dinsdagochtend",
        "share_with_provider": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_error(response, name):
    match = re.search(rf'id="id_{name}_error">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else ""


# The form ------------------------------------------------------------------------------


def test_form_shows_the_crisis_lines_before_the_form(english, filer):
    settings_row = SignalSettings.current()
    settings_row.crisis_text = "Direct gevaar? Bel 112.\nVeilig Thuis: 0800-2000."
    settings_row.save()

    html = english.get(NEW).content.decode()

    assert html.index('id="crisis-lines"') < html.index('<form class="westland-form westland-signal-form"')
    assert "Direct gevaar? Bel 112." in html and "Veilig Thuis: 0800-2000." in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_form_lists_the_active_signs_and_is_made_for_a_phone(english, filer):
    ObservedSign.objects.filter(code="taalbarriere").update(is_active=False)

    html = english.get(NEW).content.decode()

    assert "Recent weduwe of weduwnaar geworden" in html
    assert "Taalbarrière" not in html
    assert re.search(r'<input type="tel"[^>]*name="resident_phone"[^>]*inputmode="tel"', html)
    assert re.search(r'<input type="email"[^>]*name="resident_email"[^>]*inputmode="email"', html)
    assert 'name="age_group" value=' in html and 'type="radio"' in html
    assert "Only if the resident agreed to be contacted." in html
    # Strict CSP: the script is a static file, no inline script or style.
    assert re.search(r'<script src="/static/js/signal_form\.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client, signaalpunt):
    signal = SignalFactory()
    for url in (NEW, QUEUE, reverse("signals:receipt", args=[signal.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_only_members_of_approved_partners_may_file(client, signaalpunt):
    outsider = UserFactory()
    pending = MembershipFactory(organisation__status=OrganisationStatus.PENDING).user
    for user in (outsider, pending):
        client.force_login(user)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, {"consent": "nee"}).status_code == 403
    assert not Signal.objects.exists()


# Filing --------------------------------------------------------------------------------


def test_filing_with_consent_stores_the_contact_details_encrypted(english, filer, signaalpunt):
    response = english.post(NEW, form_data(english))

    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("signals:receipt", args=[signal.pk])
    assert signal.filed_by == filer
    assert signal.filed_for == filer.memberships.get().organisation
    assert signal.consent and signal.share_with_provider
    assert signal.resident_name == "Jannie Zwinkels"
    assert signal.resident_phone == "0174 555 123"
    assert signal.resident_email == "jannie@voorbeeld.nl"
    assert signal.preferred_contact == "telefoon"
    assert {s.code for s in signal.signs.all()} == {"recent-weduwe", "zegt-eenzaam"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT resident_name, resident_phone, resident_email, resident_address, preferred_time, note "
            "FROM signals_signal WHERE id = %s",
            [signal.pk],
        )
        raw = cursor.fetchone()
    assert all(raw), "every typed value is stored"
    stored = " ".join(raw)
    for plain in ("Jannie", "Zwinkels", "555 123", "jannie@voorbeeld.nl", "Havenstraat", "dinsdagochtend", "praatje"):
        assert plain not in stored


def test_the_receipt_says_who_handles_the_signal_and_by_when(english, filer, signaalpunt):
    response = english.post(NEW, form_data(english), follow=True)

    signal = Signal.objects.get()
    due = routing.add_working_days(timezone.localtime(signal.created_at).date(), 3)
    assert signal.handling_organisation == signaalpunt
    assert signal.first_contact_due == due
    html = response.content.decode()
    assert signal.number in html
    handled_by = re.search(r'id="handled-by">(.*?)</p>', html, re.S).group(1)
    assert "Signaalpunt Westland" in handled_by
    with translation.override("en"):
        assert formats.date_format(due, "l j F Y") in handled_by
    assert re.search(r'id="signal-status">received<', html)
    # The filer is not shown the contact details again.
    assert "Jannie" not in html and "0174 555 123" not in html


def test_without_consent_nothing_about_the_resident_is_kept(english, filer, signaalpunt):
    # Typed before the filer chose "no", including a phone number that is not valid:
    # the form does not complain about fields it will not keep.
    data = form_data(english, consent="nee", resident_phone="bel maar", resident_email="geen-adres")
    response = english.post(NEW, data, follow=True)

    signal = Signal.objects.get()
    assert not signal.consent
    assert (signal.resident_name, signal.resident_phone, signal.resident_email, signal.resident_address) == (
        "",
        "",
        "",
        "",
    )
    assert (signal.preferred_contact, signal.preferred_time, signal.share_with_provider) == ("", "", False)
    assert signal.status == SignalStatus.CLOSED
    html = response.content.decode()
    assert 'id="no-consent"' in html
    assert 'id="conversation-tips"' in html
    assert "Tips for starting the conversation" in html
    assert f'href="{reverse("coalition:initiative_list")}"' in html
    assert "Jannie" not in html


def test_a_replayed_form_files_one_signal(english, filer, signaalpunt):
    data = form_data(english)

    first = english.post(NEW, data)
    second = english.post(NEW, data)

    assert Signal.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("signals:receipt", args=[Signal.objects.get().pk])


def test_every_opened_form_gets_its_own_token(english, filer):
    assert token_of(english.get(NEW)) != token_of(english.get(NEW))


# Validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"resident_phone": "bel me"},
            "resident_phone",
            "Enter a phone number, for example 0174 123 456 or +31 174 123 456.",
        ),
        ({"resident_email": "jannie@"}, "resident_email", "Enter an e-mail address, for example name@example.nl."),
        (
            {"resident_phone": "", "resident_email": "", "resident_address": "", "preferred_contact": ""},
            "resident_phone",
            "Give a phone number, an e-mail address or an address, so the Signaalpunt can reach the resident.",
        ),
        ({"resident_name": ""}, "resident_name", "Give the resident&#x27;s name"),
        ({"consent": ""}, "consent", "Answer whether the resident agreed to be contacted."),
        ({"kern": ""}, "kern", "Choose the village where the resident lives."),
        ({"note": "x" * 1001}, "note", "at most 1000 characters"),
    ],
)
def test_errors_show_beside_the_field_and_keep_what_was_typed(english, filer, overrides, field, message):
    data = form_data(english, **overrides)

    response = english.post(NEW, data)

    assert response.status_code == 200
    assert not Signal.objects.exists()
    html = response.content.decode()
    assert message in field_error(response, field)
    assert 'id="error-summary"' in html and f'href="#id_{field}' in html
    assert 'value="Havenstraat 12, Monster"' in html or overrides.get("resident_address") == ""
    assert data["note"] in html
    assert re.search(r'value="ja"[^>]*checked', html) or field == "consent"
    assert f'value="{data["submission_token"]}"' in html


def test_errors_are_in_dutch_by_default(client, filer):
    response = client.post(NEW, form_data(client, resident_phone="bel me"))

    assert "Vul een telefoonnummer in" in field_error(response, "resident_phone")


def test_the_preferred_way_needs_its_contact_detail(english, filer):
    response = english.post(NEW, form_data(english, preferred_contact="email", resident_email=""))

    assert "You chose “by e-mail”: give an e-mail address." in field_error(response, "resident_email")


# On behalf of which organisation --------------------------------------------------------


def test_a_member_of_several_organisations_chooses_one(english, filer, signaalpunt):
    first = filer.memberships.get().organisation
    second = MembershipFactory(user=filer, organisation__name="Kapsalon Els").organisation
    pending = MembershipFactory(user=filer, organisation__status=OrganisationStatus.PENDING).organisation

    html = english.get(NEW).content.decode()
    options = re.search(r'<select name="organisation".*?</select>', html, re.S).group(0)
    assert first.name in options and second.name in options and pending.name not in options

    response = english.post(NEW, form_data(english))
    assert "Choose the organisation you file this signal for." in field_error(response, "organisation")

    english.post(NEW, form_data(english, organisation=second.pk))
    assert Signal.objects.get().filed_for == second


def test_a_member_of_one_organisation_is_not_asked(english, filer):
    assert 'name="organisation"' not in english.get(NEW).content.decode()


# The receipt and the filer's list ------------------------------------------------------


def test_only_the_filer_sees_the_receipt(client, filer, signaalpunt):
    signal = SignalFactory(filed_by=filer, handling_organisation=signaalpunt)
    colleague = MembershipFactory(organisation=filer.memberships.get().organisation).user

    assert client.get(reverse("signals:receipt", args=[signal.pk])).status_code == 200
    client.force_login(colleague)
    assert client.get(reverse("signals:receipt", args=[signal.pk])).status_code == 404


def test_the_filer_follows_the_status_but_never_sees_the_handling(english, filer, signaalpunt):
    handler = MembershipFactory(organisation=signaalpunt, role=Role.HANDLER).user
    english.post(NEW, form_data(english))
    signal = Signal.objects.get()
    someone_elses = SignalFactory(number="S-2026-999999")

    def status_on_queue():
        html = english.get(QUEUE).content.decode()
        row = re.search(rf'id="signal-{signal.pk}">(.*?)</tr>', html, re.S).group(1)
        return html, re.search(r'class="westland-status">([^<]+)<', row).group(1)

    html, status = status_on_queue()
    assert status == "received"
    assert signal.number in html and "Monster" in html
    assert someone_elses.number not in html

    services.take(signal_id=signal.pk, actor=handler)
    services.log_contact(
        signal_id=signal.pk,
        actor=handler,
        date=timezone.localdate(),
        way=ContactWay.PHONE,
        note="Dochter woont in Canada, belt zelden.",
    )
    assert status_on_queue()[1] == "taken up"

    services.close(
        signal_id=signal.pk, actor=handler, outcome=Outcome.objects.get(code="deelname"), note="Gaat naar de soos."
    )
    html, status = status_on_queue()
    assert status == "completed"
    for secret in ("Dochter woont in Canada", "Gaat naar de soos", "Jannie", "0174 555 123", "praatje"):
        assert secret not in html
    assert "contact_gehad" not in html and "afgesloten" not in html
    assert signal.events.filter(kind=EventKind.CLOSED).exists()


def test_the_queue_links_to_the_other_signal_pages_a_user_may_use(client, signaalpunt):
    staff = MembershipFactory(role=Role.STAFF).user
    handler = MembershipFactory(role=Role.HANDLER, organisation=signaalpunt).user
    provider = MembershipFactory(role=Role.COORDINATOR).user
    InitiativeFactory(organisation=provider.memberships.get().organisation)
    coordinator_without_initiatives = MembershipFactory(role=Role.COORDINATOR).user

    def page_of(user):
        client.force_login(user)
        return client.get(QUEUE).content.decode()

    html = page_of(staff)
    assert 'id="new-signal-link"' in html
    assert 'id="handler-queue-link"' not in html and 'id="referrals-link"' not in html
    assert f'href="{reverse("signals:handler_queue")}"' in page_of(handler)
    assert f'href="{reverse("signals:referrals")}"' in page_of(provider)
    assert 'id="referrals-link"' not in page_of(coordinator_without_initiatives)
    assert 'id="new-signal-link"' not in page_of(UserFactory())


def test_the_queue_takes_the_same_number_of_queries_for_many_signals(client, filer, signaalpunt):
    SignalFactory(filed_by=filer, handling_organisation=signaalpunt)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(15):
        SignalFactory(filed_by=filer, handling_organisation=signaalpunt, kern=Kern.objects.order_by("?").first())
    assert queries() == few


def test_the_queue_is_paginated(client, filer, signaalpunt):
    SignalFactory.create_batch(25, filed_by=filer, handling_organisation=signaalpunt)

    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE, {"page": 2}).content.decode()

    assert first.count('<tr class="utrecht-table__row" id="signal-') == 20
    assert second.count('<tr class="utrecht-table__row" id="signal-') == 5
    assert client.get(QUEUE, {"page": 99}).status_code == 200


def test_a_deactivated_organisation_no_longer_files(client, filer):
    organisation = filer.memberships.get().organisation
    organisation.status = OrganisationStatus.INACTIVE
    organisation.save()
    assert client.get(NEW).status_code == 403


def test_filing_without_a_routing_rule_still_files(english, staff_member):
    # No default rule yet (a fresh installation): the signal is kept, the receipt says the Signaalpunt follows up.
    OrganisationFactory()
    english.force_login(staff_member)
    response = english.post(NEW, form_data(english), follow=True)

    signal = Signal.objects.get()
    assert signal.handling_organisation is None
    assert "The Signaalpunt follows up your signal" in response.content.decode()
