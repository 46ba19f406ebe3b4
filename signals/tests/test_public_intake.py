"""The public intake (/signaal-doorgeven/): a resident reports a concern about someone
else, or asks for company for themselves, in three steps without an account; the
signal is then routed, handled, audited and erased like a staff signal."""

import datetime
import re
import secrets
import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coalition.constants import Role
from coalition.models import AgeGroup, Kern
from common import outbox
from common.models import Email
from signals import routing, services
from signals.constants import NotificationKind, SignalStatus, Source
from signals.forms_public import started_token
from signals.models import ContactDetailsView, Notification, ObservedSign, Outcome, Signal, SignalSettings

pytestmark = pytest.mark.django_db

START = reverse("intake:start")
WHISPER = "Mevrouw op nummer 12 zit sinds de dood van haar man alleen thuis."
WHEREABOUTS = "De flat boven de bakker aan de Voorstraat, 2e verdieping"


@pytest.fixture
def opvolger(signaalpunt):
    return signaalpunt.memberships.get(role=Role.HANDLER).user


def hidden(response, name):
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', response.content.decode())
    return match.group(1) if match else None


def opened(client, seconds_ago=60):
    """Open the form; return the hidden fields, with a start time far enough back."""
    response = client.get(START)
    assert response.status_code == 200
    token = hidden(response, "submission_token")
    return {
        "submission_token": token,
        "started": started_token(token, time.time() - seconds_ago),
        "referentie": "",
    }


def concern(**overrides):
    data = {
        "zorg-signs": [
            ObservedSign.objects.get(code="recent-weduwe").pk,
            ObservedSign.objects.get(code="alleen-weinig-contact").pk,
        ],
        "zorg-note": WHISPER,
        "zorg-age_group": AgeGroup.objects.get(code="ouderen").pk,
        "zorg-kern": Kern.objects.get(code="monster").pk,
        "zorg-resident_whereabouts": WHEREABOUTS,
    }
    data.update(overrides)
    return data


def contact(**overrides):
    data = {
        "contact-reporter_name": "Kees van der Berg",
        "contact-reporter_phone": "06 12 34 56 78",
        "contact-reporter_email": "kees@voorbeeld.nl",
    }
    data.update(overrides)
    return data


def complete(meta, about="ander", **overrides):
    """Everything the three steps post, as the last step sends it."""
    data = {**meta, "wie-about": about, **concern(), **contact(), "step": "3", "action": "send"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_error(response, name):
    match = re.search(rf'id="id_{re.escape(name)}_error">(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


# The three steps -------------------------------------------------------------------------


def test_the_form_opens_without_an_account_with_the_crisis_lines_first(client):
    response = client.get(START)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert html.index('id="crisis-lines"') < html.index('name="wie-about"')
    assert "113" in html and "0800-2000" in html
    assert "Stap 1 van 3" in html
    assert 'aria-current="step"' in html


def test_the_home_page_and_the_social_map_link_to_the_form(client):
    for page in ("/", reverse("coalition:initiative_list")):
        assert f'href="{START}"' in client.get(page).content.decode()


def test_the_steps_go_forward_and_back_keeping_every_answer(client, signaalpunt):
    meta = opened(client)
    step2 = client.post(START, {**meta, "wie-about": "ander", "step": "1", "action": "next"})
    assert step2.status_code == 200
    assert "Stap 2 van 3" in step2.content.decode()
    assert 'name="zorg-resident_whereabouts"' in step2.content.decode()
    step3 = client.post(START, {**meta, "wie-about": "ander", **concern(), "step": "2", "action": "next"})
    html = step3.content.decode()
    assert "Stap 3 van 3" in html
    # The answers of the earlier steps travel along as hidden fields.
    assert f'type="hidden" name="zorg-note" value="{WHISPER}"' in html
    assert 'type="hidden" name="wie-about" value="ander"' in html
    assert 'id="privacy-statement"' in html
    back = client.post(
        START, {**meta, "wie-about": "ander", **concern(), **contact(), "step": "3", "action": "back"}
    ).content.decode()
    assert "Stap 2 van 3" in back
    assert WHISPER in back  # shown again in the textarea
    assert 'type="hidden" name="contact-reporter_name" value="Kees van der Berg"' in back
    assert Signal.objects.count() == 0  # nothing is stored before the last step


def test_a_step_is_not_passed_with_a_missing_answer(client):
    meta = opened(client)
    response = client.post(START, {**meta, "step": "1", "action": "next"})
    assert response.status_code == 400
    assert "Stap 1 van 3" in response.content.decode()
    assert field_error(response, "wie-about") == "Kies of het over iemand anders gaat of over uzelf."
    response = client.post(START, {**meta, "wie-about": "ander", **concern(**{"zorg-kern": ""}), "step": "2"})
    assert response.status_code == 400
    assert field_error(response, "zorg-kern") == "Kies de kern."


# Someone else ----------------------------------------------------------------------------


def test_a_concern_about_someone_else_is_stored_routed_and_open(client, signaalpunt, opvolger):
    response = client.post(START, complete(opened(client)))
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.source == Source.RESIDENT_OTHER
    assert signal.filed_by is None and signal.filed_for is None
    assert signal.consent is False
    # The resident was not asked: nothing is stored as their contact details.
    assert (signal.resident_name, signal.resident_phone, signal.resident_email, signal.resident_address) == (
        "",
        "",
        "",
        "",
    )
    assert signal.reporter_name == "Kees van der Berg"
    assert signal.reporter_phone == "06 12 34 56 78"
    assert signal.reporter_email == "kees@voorbeeld.nl"
    assert signal.resident_whereabouts == WHEREABOUTS
    assert signal.note == WHISPER
    assert set(signal.signs.values_list("code", flat=True)) == {"recent-weduwe", "alleen-weinig-contact"}
    # Routed and deadlined like a staff signal, and not closed as "registration only".
    assert signal.status == SignalStatus.NEW
    assert signal.handling_organisation == signaalpunt
    days = SignalSettings.current().first_contact_working_days
    assert signal.first_contact_due == routing.add_working_days(timezone.localdate(), days)
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == sorted([NotificationKind.NEW_SIGNAL, NotificationKind.RECEIPT])
    assert Notification.objects.get(kind=NotificationKind.NEW_SIGNAL).recipient == opvolger


def test_the_confirmation_says_what_happens_next_and_links_to_the_social_map(client, signaalpunt):
    response = client.post(START, complete(opened(client)), follow=True)
    html = response.content.decode()
    signal = Signal.objects.get()
    assert signal.number in html
    assert "Wat gebeurt er nu" in html
    assert f'href="{reverse("coalition:initiative_list")}"' in html
    assert WHISPER not in html and "Kees" not in html


def test_the_confirmation_page_cannot_be_forged(client):
    response = client.get(reverse("intake:sent"), {"ref": "S-2026-000001"})
    assert response.status_code == 302
    assert response["Location"] == START


@pytest.fixture
def delivered(celery_eager, django_capture_on_commit_callbacks):
    """Run what is queued on commit (the outbox delivery) inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_reporters_receipt_carries_nothing_of_the_resident(client, signaalpunt, opvolger, delivered):
    with delivered():
        client.post(START, complete(opened(client)))
    signal = Signal.objects.get()
    receipts = [message for message in mail.outbox if message.to == ["kees@voorbeeld.nl"]]
    assert len(receipts) == 1
    receipt = receipts[0]
    text = receipt.subject + receipt.body
    assert signal.number in text
    for detail in (WHISPER, WHEREABOUTS, "Monster", "weduw", "Kees", "06 12 34 56 78", "Ouderen"):
        assert detail not in text
    assert reverse("coalition:initiative_list") in receipt.body
    # The outbox row names no address: the task reads it from the encrypted signal.
    assert Notification.objects.get(kind=NotificationKind.RECEIPT).recipient is None
    # The opvolger's notification carries no personal data either.
    handler_mail = [message for message in mail.outbox if message.to == [opvolger.email]]
    assert len(handler_mail) == 1
    assert WHISPER not in handler_mail[0].body and "Kees" not in handler_mail[0].body


def test_without_an_e_mail_address_no_receipt_is_sent(client, signaalpunt, opvolger, delivered):
    with delivered():
        client.post(START, complete(opened(client), **{"contact-reporter_email": ""}))
    assert Signal.objects.get().reporter_phone == "06 12 34 56 78"
    assert not Notification.objects.filter(kind=NotificationKind.RECEIPT).exists()
    assert [message.to for message in mail.outbox] == [[opvolger.email]]


def test_a_receipt_for_an_erased_signal_is_not_sent(client, signaalpunt, opvolger):
    client.post(START, complete(opened(client)))
    signal = Signal.objects.get()
    services.erase_personal_data(signal_id=signal.pk, actor=opvolger)

    receipt = Notification.objects.get(kind=NotificationKind.RECEIPT)
    assert outbox.deliver(receipt.email_id) is False
    receipt.email.refresh_from_db()
    assert receipt.email.status == Email.Status.CANCELLED
    assert not [message for message in mail.outbox if message.to == ["kees@voorbeeld.nl"]]


# Myself ----------------------------------------------------------------------------------


def test_asking_for_company_for_yourself_stores_your_details_as_the_residents(client, signaalpunt, delivered):
    data = complete(opened(client), about="zelf", **{"contact-share_with_provider": "on"})
    with delivered():
        response = client.post(START, data)
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.source == Source.RESIDENT_SELF
    assert signal.consent is True
    assert signal.share_with_provider is True
    assert signal.resident_name == "Kees van der Berg"
    assert signal.resident_phone == "06 12 34 56 78"
    assert signal.resident_email == "kees@voorbeeld.nl"
    # About yourself there is no description of someone's home, even if one is posted.
    assert signal.resident_whereabouts == ""
    assert (signal.reporter_name, signal.reporter_phone, signal.reporter_email) == ("", "", "")
    assert signal.status == SignalStatus.NEW and signal.handling_organisation == signaalpunt
    receipts = [message for message in mail.outbox if message.to == ["kees@voorbeeld.nl"]]
    assert len(receipts) == 1 and WHISPER not in receipts[0].body


def test_the_self_form_asks_in_the_first_person_and_has_no_whereabouts(client):
    meta = opened(client)
    html = client.post(START, {**meta, "wie-about": "zelf", "step": "1", "action": "next"}).content.decode()
    assert "Hoe oud bent u?" in html
    assert "zorg-resident_whereabouts" not in html


# Bad input -------------------------------------------------------------------------------


def test_a_way_to_reach_the_reporter_is_required(client, signaalpunt):
    data = complete(opened(client), **{"contact-reporter_phone": "", "contact-reporter_email": ""})
    response = client.post(START, data)
    assert response.status_code == 400
    assert "Stap 3 van 3" in response.content.decode()
    assert field_error(response, "contact-reporter_phone") == (
        "Geef een telefoonnummer of een e-mailadres, zodat het Signaalpunt u kan bereiken."
    )
    assert 'value="Kees van der Berg"' in response.content.decode()  # the input is kept
    assert Signal.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact-reporter_phone", "bel me maar", "Vul een telefoonnummer in, bijvoorbeeld 0174 123 456"),
        ("contact-reporter_email", "kees@", "Vul een e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        ("contact-reporter_name", "   ", "Geef uw naam, zodat het Signaalpunt weet met wie het contact opneemt."),
    ],
)
def test_a_reporter_contact_that_cannot_be_right_is_refused(client, signaalpunt, field, value, message):
    response = client.post(START, complete(opened(client), **{field: value}))
    assert response.status_code == 400
    assert field_error(response, field).startswith(message)
    assert Signal.objects.count() == 0


def test_script_laden_text_is_stored_as_text_and_shown_escaped(client, signaalpunt, opvolger):
    script = "<script>alert('x')</script> " + "lang verhaal " * 70
    client.post(START, complete(opened(client), **{"zorg-note": script[:1000]}))
    signal = Signal.objects.get()
    assert signal.note == script[:1000].strip()
    client.force_login(opvolger)
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert(" not in html


def test_too_long_text_gets_a_dutch_error_and_nothing_is_stored(client, signaalpunt):
    response = client.post(START, complete(opened(client), **{"zorg-note": "x" * 1001}))
    assert response.status_code == 400
    assert "Stap 2 van 3" in response.content.decode()
    assert field_error(response, "zorg-note") == "Houd het bij hoogstens 1000 tekens (het zijn er nu 1001)."
    assert Signal.objects.count() == 0


def test_a_tampered_choice_sends_the_person_back_to_that_step(client, signaalpunt):
    response = client.post(START, complete(opened(client), **{"wie-about": "de buurman"}))
    assert response.status_code == 400
    assert "Stap 1 van 3" in response.content.decode()
    assert Signal.objects.count() == 0


def test_a_replayed_post_files_nothing_new(client, signaalpunt):
    data = complete(opened(client))
    first = client.post(START, data)
    second = client.post(START, data)
    assert Signal.objects.count() == 1
    assert first["Location"] == second["Location"]


# Abuse, without hurting people -----------------------------------------------------------


def test_a_filled_honeypot_files_nothing(client, signaalpunt):
    response = client.post(START, complete(opened(client), referentie="https://spam.example"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Uw melding kon niet worden verstuurd" in html
    assert "<title>Fout:" in html
    # Shown again with the honeypot empty, so a person whose browser filled it can send again.
    assert "spam.example" not in html
    assert 'value="Kees van der Berg"' in html
    assert Signal.objects.count() == 0


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(START).content.decode()
    assert re.search(r'<div class="westland-hp">.*?name="referentie"', html, re.S)
    assert ".westland-hp { display: none; }" in (settings.BASE_DIR / "static/css/westland.css").read_text()


def test_a_report_sent_faster_than_a_person_can_is_refused_and_kept_on_the_page(client, signaalpunt):
    meta = opened(client, seconds_ago=0)
    response = client.post(START, complete(meta))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Uw melding is niet verstuurd" in html
    assert 'value="Kees van der Berg"' in html
    assert Signal.objects.count() == 0
    # The same answers sent again after the minimum time go through.
    later = {
        **meta,
        "started": started_token(meta["submission_token"], time.time() - settings.PUBLIC_INTAKE_MIN_SECONDS - 1),
    }
    assert client.post(START, complete(later)).status_code == 302
    assert Signal.objects.count() == 1


def test_a_forged_start_time_counts_as_too_fast(client, signaalpunt):
    response = client.post(START, complete(opened(client), started="1700000000"))
    assert response.status_code == 400
    assert Signal.objects.count() == 0


def test_one_opened_form_serves_one_report_only(client, signaalpunt):
    # Found by a probe: one form's signed start time served twelve posts.
    meta = opened(client)
    assert client.post(START, complete(meta)).status_code == 302
    for _replay in range(11):
        replay = {**meta, "submission_token": secrets.token_urlsafe(24)}
        response = client.post(START, complete(replay))
        assert response.status_code == 400
        assert "te lang geleden geopend" in response.content.decode()
    assert Signal.objects.count() == 1


def test_a_form_open_longer_than_a_day_is_refused_with_a_fresh_one(client, signaalpunt, settings):
    meta = opened(client, seconds_ago=settings.PUBLIC_INTAKE_MAX_AGE_SECONDS + 1)
    response = client.post(START, complete(meta))
    assert response.status_code == 400
    html = response.content.decode()
    assert "te lang geleden geopend" in html
    assert 'value="Kees van der Berg"' in html  # the answers stay on the page
    assert Signal.objects.count() == 0
    # The page carries a new form of its own: sent again (a person reads first), it goes through.
    fresh = {"submission_token": hidden(response, "submission_token"), "referentie": ""}
    assert fresh["submission_token"] != meta["submission_token"]
    fresh["started"] = started_token(fresh["submission_token"], time.time() - settings.PUBLIC_INTAKE_MIN_SECONDS - 1)
    assert client.post(START, complete(fresh)).status_code == 302
    assert Signal.objects.count() == 1


def test_reports_are_limited_per_ip_address(client, signaalpunt, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "public_intake": "2/h/ip"}
    for _attempt in range(2):
        assert client.post(START, complete(opened(client)), REMOTE_ADDR="192.0.2.10").status_code == 302
    refused = client.post(START, complete(opened(client)), REMOTE_ADDR="192.0.2.10")
    assert refused.status_code == 429
    assert "Probeer het later opnieuw" in refused.content.decode()
    assert 'value="Kees van der Berg"' in refused.content.decode()
    assert Signal.objects.count() == 2
    # Another address is not affected.
    assert client.post(START, complete(opened(client)), REMOTE_ADDR="192.0.2.11").status_code == 302
    assert Signal.objects.count() == 3


# Afterwards: the same signal as any other -------------------------------------------------


@pytest.fixture
def public_signal(client, signaalpunt):
    client.post(START, complete(opened(client)))
    return Signal.objects.get()


def test_only_the_handling_organisations_opvolgers_see_a_public_signal(
    client, public_signal, opvolger, staff_member, coordinator, officer, handler
):
    detail = reverse("signals:detail", args=[public_signal.pk])
    client.force_login(opvolger)
    html = client.get(detail).content.decode()
    assert "Kees van der Berg" in html and WHEREABOUTS in html
    assert "inwoner, over iemand anders" in html
    assert public_signal.number in client.get(reverse("signals:handler_queue")).content.decode()
    # handler: an opvolger of another Signaalpunt; the others have no access at all.
    for other in (handler, staff_member, coordinator, officer):
        client.force_login(other)
        assert client.get(detail).status_code == 404, other
        assert public_signal.number not in client.get(reverse("signals:queue")).content.decode()
    client.logout()
    assert client.get(detail).status_code == 302


def test_viewing_the_reporters_details_is_audited(client, public_signal, opvolger):
    client.force_login(opvolger)
    client.get(reverse("signals:detail", args=[public_signal.pk]))
    assert ContactDetailsView.objects.filter(user=opvolger, signal=public_signal).count() == 1


def test_an_opvolger_can_close_a_public_signal_as_misuse(client, public_signal, opvolger):
    misuse = Outcome.objects.get(code="misbruik")
    client.force_login(opvolger)
    response = client.post(reverse("signals:close", args=[public_signal.pk]), {"close-outcome": misuse.pk})
    assert response.status_code == 302
    public_signal.refresh_from_db()
    assert public_signal.status == SignalStatus.CLOSED
    assert public_signal.outcome == misuse


def test_erasure_removes_the_reporter_and_the_whereabouts(public_signal, opvolger):
    services.close(signal_id=public_signal.pk, actor=opvolger, outcome=Outcome.objects.get(code="geen-behoefte"))
    days = SignalSettings.current().retention_days
    assert services.erase_expired(timezone.now() + datetime.timedelta(days=days + 1)) == 1
    public_signal.refresh_from_db()
    assert (public_signal.reporter_name, public_signal.reporter_phone, public_signal.reporter_email) == ("", "", "")
    assert public_signal.resident_whereabouts == "" and public_signal.note == ""
    assert public_signal.personal_data_erased_at is not None


def test_the_residents_access_export_never_names_the_reporter(public_signal, opvolger):
    exported = services.export_signal(signal_id=public_signal.pk, actor=opvolger)
    assert exported["whereabouts"] == WHEREABOUTS  # about the resident: theirs to see
    assert exported["source"] == "inwoner, over iemand anders"
    text = repr(exported)
    for reporter in ("Kees", "06 12 34 56 78", "kees@voorbeeld.nl"):
        assert reporter not in text


def test_the_dashboard_counts_signals_by_source(client, signaalpunt, officer, staff_member):
    def public(n, about_self):
        for index in range(n):
            services.file_public_signal(
                cleaned_data={
                    "submission_token": f"bron-{about_self}-{index}-0123456789",
                    "age_group": AgeGroup.objects.get(code="volwassenen"),
                    "kern": Kern.objects.get(code="naaldwijk"),
                    "reporter_name": "Anna",
                    "reporter_phone": "0174 111 222",
                },
                signs=[],
                about_self=about_self,
            )

    public(6, about_self=False)
    public(7, about_self=True)
    client.force_login(officer)
    chart = client.get("/monitor/").context["dashboard"].chart("signals-by-source")
    rows = {row[0]: row[1] for row in chart.table.rows}
    assert rows["inwoner, over iemand anders"] == 6
    assert rows["inwoner, over zichzelf"] == 7
    assert rows["medewerker van een partner"] == 0


def test_behind_the_load_balancer_the_limit_counts_the_residents_address(client, signaalpunt, settings):
    """Every request arrives from the proxy's address: the limit must use the client's."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "public_intake": "1/h/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = client.post(START, complete(opened(client)), HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    other = client.post(START, complete(opened(client)), HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    again = client.post(START, complete(opened(client)), HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


def test_without_a_declared_proxy_a_made_up_forwarded_address_changes_nothing(client, signaalpunt, settings):
    # Found by a probe: with a proxy trusted by default, reports were stored after the limit
    # had answered 429, each with another made-up X-Forwarded-For.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "public_intake": "1/h/ip"}
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # the default
    first = client.post(START, complete(opened(client)), HTTP_X_FORWARDED_FOR="198.51.100.7")
    spoofed = [client.post(START, complete(opened(client)), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(3)]
    assert first.status_code == 302
    assert [response.status_code for response in spoofed] == [429, 429, 429]
    assert Signal.objects.count() == 1


def test_switching_to_myself_drops_the_description_of_someones_home(client, signaalpunt):
    meta = opened(client)
    # Step 2 was filled in for someone else; then the person goes back and chooses "myself".
    step2 = client.post(START, {**meta, "wie-about": "zelf", **concern(), "step": "1", "action": "next"})
    assert WHEREABOUTS not in step2.content.decode()
    client.post(START, complete(meta, about="zelf"))
    assert Signal.objects.get().resident_whereabouts == ""


def test_a_tampered_or_missing_step_or_action_never_fails(client, signaalpunt):
    meta = opened(client)
    for step in ("99", "-3", "drie", ""):
        response = client.post(START, {**meta, "wie-about": "ander", "step": step, "action": "next"})
        assert response.status_code in (200, 400), step
    # The last step without the send button shows the last step again and files nothing.
    response = client.post(START, complete(meta, action=None))
    assert response.status_code == 200 and "Stap 3 van 3" in response.content.decode()
    assert Signal.objects.count() == 0
    # Without the hidden fields of our own page the person starts again.
    response = client.post(START, {"wie-about": "ander", "step": "1", "action": "next"})
    assert "Het formulier was niet compleet" in response.content.decode()
    assert "Stap 1 van 3" in response.content.decode()


def test_a_concern_about_someone_else_must_say_something(client, signaalpunt):
    data = complete(opened(client), **{"zorg-signs": None, "zorg-note": "  "})
    response = client.post(START, data)
    assert response.status_code == 400
    assert field_error(response, "zorg-note") == (
        "Vink aan wat u opviel, of schrijf in een paar woorden op waar u zich zorgen over maakt."
    )
    assert Signal.objects.count() == 0
    # Asking for company for yourself needs no explanation.
    quiet = complete(opened(client), about="zelf", **{"zorg-signs": None, "zorg-note": ""})
    assert client.post(START, quiet).status_code == 302


def test_a_refused_receipt_leaves_no_address_in_the_outbox(client, signaalpunt, settings, caplog):
    """The mail server's error text names the address: neither the outbox nor the log keeps it."""
    client.post(START, complete(opened(client)))
    receipt = Notification.objects.get(kind=NotificationKind.RECEIPT)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    assert outbox.deliver(receipt.email_id) is False
    email = Email.objects.get(pk=receipt.email_id)
    assert email.status == Email.Status.PENDING and email.attempts == 1
    assert email.last_error == "ConnectionRefusedError"
    assert "kees@voorbeeld.nl" not in caplog.text


def test_the_outbox_never_holds_the_reporters_address(client, signaalpunt):
    client.post(START, complete(opened(client)))
    receipt = Email.objects.get(kind="signals.ontvangstbevestiging")
    assert receipt.address == "" and receipt.recipient is None
    assert receipt.address_resolver == "signals.reporter"
    stored = " ".join(str(value) for value in Email.objects.values_list("subject", "body", "address", "address_key"))
    assert "kees" not in stored.lower() and "Kees" not in stored
    assert WHISPER not in stored


def test_misuse_is_offered_for_public_reports_only_and_erases_at_once(client, public_signal, opvolger):
    from django.core.exceptions import ValidationError

    from .factories import SignalFactory

    misuse = Outcome.objects.get(code="misbruik")
    staff_signal = SignalFactory(handling_organisation=public_signal.handling_organisation)
    client.force_login(opvolger)
    public_page = client.get(reverse("signals:detail", args=[public_signal.pk])).content.decode()
    staff_page = client.get(reverse("signals:detail", args=[staff_signal.pk])).content.decode()
    assert "Misbruik (geen echte melding)" in public_page
    assert "Misbruik (geen echte melding)" not in staff_page
    with pytest.raises(ValidationError):
        services.close(signal_id=staff_signal.pk, actor=opvolger, outcome=misuse)
    services.close(signal_id=public_signal.pk, actor=opvolger, outcome=misuse)
    public_signal.refresh_from_db()
    assert public_signal.personal_data_erased_at is not None
    assert (public_signal.reporter_name, public_signal.note, public_signal.resident_whereabouts) == ("", "", "")


def test_pranks_count_only_among_the_outcomes(client, signaalpunt, opvolger, officer):
    for _index in range(6):
        client.post(START, complete(opened(client)))
    misuse = Outcome.objects.get(code="misbruik")
    services.close(signal_id=Signal.objects.first().pk, actor=opvolger, outcome=misuse)
    client.force_login(officer)
    dashboard = client.get("/monitor/").context["dashboard"]
    by_source = {row[0]: row[1] for row in dashboard.chart("signals-by-source").table.rows}
    assert by_source["inwoner, over iemand anders"] == 5
    # Among the outcomes the prank stands as itself (the page shows it as "<5").
    from monitoring import selectors

    assert selectors.signals(selectors.Filters.default()).outcomes == {misuse.pk: 1, None: 5}


def test_consent_is_counted_over_staff_signals_only(client, signaalpunt, officer):
    from .factories import SignalFactory

    for _index in range(5):
        SignalFactory(without_consent=True)
    for index in range(6):
        client.post(START, complete(opened(client), about="zelf" if index % 2 else "ander"))
    client.force_login(officer)
    table = client.get("/monitor/").context["dashboard"].chart("consent").table
    assert table.total[1:4] == [0, 5, 5]  # with consent, without, signals: the staff signals alone
