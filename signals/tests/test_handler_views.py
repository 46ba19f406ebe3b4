"""The Signaalpunt's pages: the queue, one signal in detail, and every workflow step
through the browser's forms (what the opvolger sees, and what is stored)."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coalition.constants import InitiativeKind, Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import InitiativeFactory, MembershipFactory
from signals import services
from signals.constants import ContactWay, EventKind, SignalStatus
from signals.models import ContactDetailsView, ContactMoment, Outcome, Referral, Signal
from signals.tests.factories import SignalFactory, SignalHandlerOrganisationFactory

TODAY = timezone.localdate


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def organisation(handler):
    return handler.memberships.get().organisation


@pytest.fixture
def colleague(organisation):
    return MembershipFactory(organisation=organisation, role=Role.HANDLER).user


@pytest.fixture
def other_handler(db):
    return MembershipFactory(role=Role.HANDLER, organisation=SignalHandlerOrganisationFactory()).user


@pytest.fixture
def signal(organisation, staff_member):
    return SignalFactory(handling_organisation=organisation, filed_by=staff_member)


@pytest.fixture
def opvolger(english, handler):
    english.force_login(handler)
    return english


def numbers(response):
    """The signal numbers in the queue, in the order shown."""
    return re.findall(r'data-number="([^"]+)"', response.content.decode())


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def take(signal, handler):
    services.take(signal_id=signal.pk, actor=handler)


def contacted(signal, handler):
    take(signal, handler)
    services.log_contact(signal_id=signal.pk, actor=handler, date=TODAY(), way=ContactWay.PHONE)


# The queue ------------------------------------------------------------------------------


def test_the_queue_asks_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(reverse("signals:handler_queue"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["staff_member", "coordinator", "officer", "administrator"])
def test_the_queue_is_for_opvolgers_only(client, role, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("signals:handler_queue")).status_code == 403


def test_the_queue_shows_the_organisations_signals_without_personal_data(opvolger, signal, other_handler):
    sign = signal.signs.model.objects.get(code="zegt-eenzaam")
    signal.signs.set([sign])
    elsewhere = SignalFactory(handling_organisation=other_handler.memberships.get().organisation)

    response = opvolger.get(reverse("signals:handler_queue"))

    assert response.status_code == 200
    assert numbers(response) == [signal.number]
    assert elsewhere.number not in response.content.decode()
    html = response.content.decode()
    row = re.search(rf'<tr[^>]*id="signal-{signal.pk}".*?</tr>', html, re.S).group(0)
    for shown in ("Naaldwijk", sign.name, "new", "staff of a partner", reverse("signals:detail", args=[signal.pk])):
        assert shown in row
    for personal in ("Zwinkels", "0174 123 456", "j.zwinkels", "Havenstraat", "niemand meer spreekt"):
        assert personal not in html
    assert not ContactDetailsView.objects.exists()


def test_the_queue_lists_overdue_signals_first_then_by_due_date(opvolger, organisation, handler):
    today = TODAY()

    def make(days, status=SignalStatus.NEW):
        return SignalFactory(
            handling_organisation=organisation, status=status, first_contact_due=today + datetime.timedelta(days=days)
        ).number

    later, overdue, taken_late, soon, most_overdue = (
        make(5),
        make(-2),
        make(-1, SignalStatus.IN_PROGRESS),  # taken up: no longer overdue
        make(1),
        make(-5),
    )
    due_today = make(0)

    response = opvolger.get(reverse("signals:handler_queue"))

    assert numbers(response) == [most_overdue, overdue, taken_late, due_today, soon, later]
    html = response.content.decode()
    assert html.count("westland-badge--overdue") == 2
    assert 'id="overdue-alert"' in html
    assert "2 new signals have passed the deadline" in html


def test_the_queue_counts_signals_per_status(opvolger, organisation):
    for status, count in [
        (SignalStatus.NEW, 3),
        (SignalStatus.IN_PROGRESS, 2),
        (SignalStatus.REFERRED, 1),
        (SignalStatus.CLOSED, 4),
    ]:
        SignalFactory.create_batch(count, handling_organisation=organisation, status=status)

    response = opvolger.get(reverse("signals:handler_queue"))

    counts = dict(
        re.findall(
            r'data-status="([^"]*)"[^>]*>[^<]*\(<span class="westland-count">(\d+)</span>', response.content.decode()
        )
    )
    assert counts == {
        "": "6",
        "nieuw": "3",
        "in_behandeling": "2",
        "contact_gehad": "0",
        "doorverwezen": "1",
        "afgesloten": "4",
        "alle": "10",
    }
    # By default the queue shows the open signals.
    assert len(numbers(response)) == 6
    assert len(numbers(opvolger.get(reverse("signals:handler_queue"), {"status": "afgesloten"}))) == 4
    assert len(numbers(opvolger.get(reverse("signals:handler_queue"), {"status": "alle"}))) == 10


def test_the_queue_filters_by_status_kern_age_group_overdue_and_assignee(opvolger, organisation, handler, colleague):
    monster = Kern.objects.get(code="monster")
    jongeren = AgeGroup.objects.get(code="jongeren")
    yesterday = TODAY() - datetime.timedelta(days=1)
    plain = SignalFactory(handling_organisation=organisation)
    in_monster = SignalFactory(handling_organisation=organisation, kern=monster)
    young = SignalFactory(handling_organisation=organisation, age_group=jongeren)
    overdue = SignalFactory(handling_organisation=organisation, first_contact_due=yesterday)
    mine = SignalFactory(handling_organisation=organisation, status=SignalStatus.IN_PROGRESS, assigned_to=handler)
    theirs = SignalFactory(handling_organisation=organisation, status=SignalStatus.IN_PROGRESS, assigned_to=colleague)
    url = reverse("signals:handler_queue")

    def shown(**params):
        return set(numbers(opvolger.get(url, params)))

    assert shown() == {s.number for s in (plain, in_monster, young, overdue, mine, theirs)}
    assert shown(status="nieuw") == {s.number for s in (plain, in_monster, young, overdue)}
    assert shown(kern="monster") == {in_monster.number}
    assert shown(age_group="jongeren") == {young.number}
    assert shown(overdue="on") == {overdue.number}
    assert shown(mine="on") == {mine.number}
    assert shown(status="in_behandeling", mine="on") == {mine.number}
    assert shown(status="nieuw", mine="on") == set()
    # A link with a value that no longer exists is ignored rather than an error.
    assert shown(kern="atlantis", status="weg") == shown()

    response = opvolger.get(url, {"kern": "monster"})
    assert re.search(r'data-status="nieuw"[^>]*>[^<]*\(<span class="westland-count">1<', response.content.decode())
    assert "Clear all filters" in response.content.decode()


def test_the_queue_is_paginated_and_keeps_its_filters(opvolger, organisation):
    SignalFactory.create_batch(30, handling_organisation=organisation)
    url = reverse("signals:handler_queue")

    first = opvolger.get(url, {"kern": "naaldwijk"})
    second = opvolger.get(url, {"kern": "naaldwijk", "page": 2})
    beyond = opvolger.get(url, {"kern": "naaldwijk", "page": 99})

    assert len(numbers(first)) == 25
    assert len(numbers(second)) == 5
    assert not set(numbers(first)) & set(numbers(second))
    assert "kern=naaldwijk&amp;page=2" in first.content.decode()
    assert numbers(beyond) == numbers(second)


def test_the_queue_runs_a_constant_number_of_queries(opvolger, organisation, handler, colleague):
    signs = list(signal_signs())
    url = reverse("signals:handler_queue")

    def queries_with(count):
        for index in range(count - Signal.objects.count()):
            signal = SignalFactory(
                handling_organisation=organisation,
                assigned_to=(handler, colleague)[index % 2],
                status=SignalStatus.IN_PROGRESS if index % 3 else SignalStatus.NEW,
            )
            signal.signs.set(signs[: index % 4 + 1])
        with CaptureQueriesContext(connection) as context:
            response = opvolger.get(url)
        assert response.status_code == 200
        return len(context.captured_queries)

    assert queries_with(5) == queries_with(30)


def signal_signs():
    from signals.models import ObservedSign

    return ObservedSign.objects.all()


# The detail page ------------------------------------------------------------------------


def test_the_detail_page_shows_everything_to_an_opvolger_and_audits_it(opvolger, signal, handler):
    take(signal, handler)
    url = reverse("signals:detail", args=[signal.pk])

    response = opvolger.get(url)
    opvolger.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        signal.number,
        "Jannie Zwinkels",
        "0174 123 456",
        "j.zwinkels@voorbeeld.nl",
        "Havenstraat 1, 2671 AB Naaldwijk",
        "by phone",
        "s ochtends",
        "niemand meer spreekt",
        "Naaldwijk",
        escape(str(handler)),
    ):
        assert shown in html, shown
    assert re.search(r'id="share-with-provider">\s*no', html)
    assert 'data-kind="opgepakt"' in html
    assert "no-store" in response["Cache-Control"]
    rows = ContactDetailsView.objects.filter(signal=signal, user=handler, purpose="detail")
    assert rows.count() == 2


def test_the_detail_page_of_a_signal_without_personal_data_writes_no_audit_row(opvolger, organisation):
    signal = SignalFactory(handling_organisation=organisation, without_consent=True, note="")

    response = opvolger.get(reverse("signals:detail", args=[signal.pk]))

    assert response.status_code == 200
    assert 'id="no-contact-details"' in response.content.decode()
    assert not ContactDetailsView.objects.exists()


def test_a_free_text_note_alone_is_personal_data_and_its_view_is_audited(opvolger, organisation):
    signal = SignalFactory(handling_organisation=organisation, without_consent=True)
    assert signal.note

    opvolger.get(reverse("signals:detail", args=[signal.pk]))

    assert ContactDetailsView.objects.filter(signal=signal).count() == 1


@pytest.mark.parametrize(
    "step, allowed",
    [
        (SignalStatus.NEW, {"take", "assign", "close"}),
        (SignalStatus.IN_PROGRESS, {"contact", "assign", "close"}),
        (SignalStatus.CONTACTED, {"contact", "refer", "assign", "close"}),
        (SignalStatus.CLOSED, {"reopen"}),
    ],
)
def test_the_detail_page_offers_the_steps_the_status_allows(opvolger, signal, handler, step, allowed):
    if step != SignalStatus.NEW:
        take(signal, handler)
    if step in (SignalStatus.CONTACTED,):
        services.log_contact(signal_id=signal.pk, actor=handler, date=TODAY(), way=ContactWay.PHONE)
    if step == SignalStatus.CLOSED:
        services.close(signal_id=signal.pk, actor=handler, outcome=Outcome.objects.get(code="dubbel"))

    html = opvolger.get(reverse("signals:detail", args=[signal.pk])).content.decode()

    offered = {
        name for name in ("take", "contact", "refer", "assign", "close", "reopen") if f'id="action-{name}"' in html
    }
    assert offered == allowed


def test_signal_pages_ask_an_anonymous_visitor_to_sign_in(client, signal):
    for name in ("detail", "erase", "export"):
        response = client.get(reverse(f"signals:{name}", args=[signal.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("signals:take", args=[signal.pk]))
    assert response.status_code == 302
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


ACTIONS = [
    ("take", {}),
    ("assign", {"assign-assignee": "{handler}"}),
    ("log_contact", {"contact-date": "{today}", "contact-way": "telefoon"}),
    ("refer", {"refer-initiatives": "{initiative}"}),
    ("close", {"close-outcome": "{outcome}"}),
    ("reopen", {"reopen-reason": "Opnieuw"}),
    ("erase", {}),
]


@pytest.mark.parametrize("role", ["officer", "coordinator", "staff_member", "other_handler", "administrator"])
def test_only_opvolgers_of_the_handling_organisation_reach_a_signal(client, role, request, signal, handler):
    """Everyone else gets 404, the filer (staff_member) included: filers have their own queue."""
    client.force_login(request.getfixturevalue(role))
    values = {
        "handler": handler.pk,
        "today": TODAY().isoformat(),
        "initiative": InitiativeFactory().pk,
        "outcome": Outcome.objects.get(code="dubbel").pk,
    }

    for name in ("detail", "erase", "export"):
        assert client.get(reverse(f"signals:{name}", args=[signal.pk])).status_code == 404, name
    for name, data in ACTIONS:
        data = {key: value.format(**values) for key, value in data.items()}
        assert client.post(reverse(f"signals:{name}", args=[signal.pk]), data).status_code == 404, name

    signal = Signal.objects.get(pk=signal.pk)
    assert (signal.status, signal.assigned_to, signal.resident_name) == (SignalStatus.NEW, None, "Jannie Zwinkels")
    assert not signal.events.exists()
    assert not ContactDetailsView.objects.exists()


def test_an_unknown_signal_is_404(opvolger, db):
    assert opvolger.get(reverse("signals:detail", args=[999999])).status_code == 404


# The steps ------------------------------------------------------------------------------


def test_take_through_the_page(opvolger, signal, handler):
    response = opvolger.post(reverse("signals:take", args=[signal.pk]), follow=True)

    assert response.redirect_chain == [(reverse("signals:detail", args=[signal.pk]), 302)]
    assert messages_of(response) == [f"You have taken signal {signal.number}."]
    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == (SignalStatus.IN_PROGRESS, handler)
    assert signal.events.get().kind == EventKind.TAKEN


def test_a_refused_step_shows_its_message_and_changes_nothing(opvolger, signal, handler, colleague):
    services.take(signal_id=signal.pk, actor=colleague)

    response = opvolger.post(reverse("signals:take", args=[signal.pk]), follow=True)

    assert messages_of(response) == ["This step is not possible: the signal is in progress."]
    assert 'class="utrecht-alert utrecht-alert--error"' in response.content.decode()
    signal.refresh_from_db()
    assert signal.assigned_to == colleague
    assert signal.events.count() == 1


def test_a_step_refused_by_the_service_shows_its_message(opvolger, signal, handler, monkeypatch):
    """The status changed between the check and the locked row (a colleague was quicker)."""

    def refuse(**kwargs):
        raise services.TransitionNotAllowed("This step is not possible: the signal is closed.")

    monkeypatch.setattr(services, "take", refuse)
    response = opvolger.post(reverse("signals:take", args=[signal.pk]), follow=True)

    assert messages_of(response) == ["This step is not possible: the signal is closed."]
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


def test_assign_to_a_colleague_through_the_page(opvolger, signal, colleague):
    form = opvolger.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert colleague.email in form

    response = opvolger.post(
        reverse("signals:assign", args=[signal.pk]), {"assign-assignee": colleague.pk}, follow=True
    )

    assert messages_of(response) == [f"Signal {signal.number} is assigned to {colleague.get_full_name()}."]
    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == (SignalStatus.IN_PROGRESS, colleague)
    assert signal.events.get().kind == EventKind.ASSIGNED


@pytest.mark.parametrize("who", ["other_handler", "staff_member", None])
def test_assign_only_to_a_colleague_opvolger(opvolger, signal, who, request):
    value = request.getfixturevalue(who).pk if who else ""

    response = opvolger.post(reverse("signals:assign", args=[signal.pk]), {"assign-assignee": value})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'id="id_assign-assignee_error"' in html
    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == (SignalStatus.NEW, None)
    assert not signal.events.exists()
    # The page shown again is the detail page, with its audit row.
    assert ContactDetailsView.objects.filter(signal=signal).count() == 1


def test_log_contact_through_the_page(opvolger, signal, handler):
    take(signal, handler)
    html = opvolger.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert f'value="{TODAY().isoformat()}"' in html  # the date is today unless changed

    response = opvolger.post(
        reverse("signals:log_contact", args=[signal.pk]),
        {"contact-date": TODAY().isoformat(), "contact-way": ContactWay.VISIT, "contact-note": "Bij haar thuis."},
        follow=True,
    )

    assert messages_of(response) == [f"The contact of {TODAY():%d-%m-%Y} is saved."]
    signal.refresh_from_db()
    assert (signal.status, signal.first_contact_at) == (SignalStatus.CONTACTED, TODAY())
    contact = signal.contacts.get()
    assert (contact.way, contact.note, contact.by) == (ContactWay.VISIT, "Bij haar thuis.", handler)
    assert "Bij haar thuis." in response.content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"contact-way": "telefoon"}, "date", "Enter the date of the contact."),
        ({"contact-date": "morgen", "contact-way": "telefoon"}, "date", "Enter a valid date."),
        ({"contact-date": "2099-01-01", "contact-way": "telefoon"}, "date", "cannot be in the future"),
        ({"contact-date": "2001-01-01", "contact-way": "telefoon"}, "date", "before the signal was filed"),
        ({"contact-date": "{today}"}, "way", "Choose how you had contact."),
    ],
)
def test_log_contact_errors_store_nothing(opvolger, signal, handler, data, field, message):
    take(signal, handler)
    data = {key: value.format(today=TODAY().isoformat()) for key, value in data.items()}

    response = opvolger.post(reverse("signals:log_contact", args=[signal.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(rf'id="id_contact-{field}_error">(.*?)</div>', html, re.S)
    assert error and message in error.group(1)
    assert not ContactMoment.objects.exists()
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.IN_PROGRESS


def test_refer_is_refused_before_contact(opvolger, signal, handler):
    take(signal, handler)
    initiative = InitiativeFactory()

    response = opvolger.post(
        reverse("signals:refer", args=[signal.pk]), {"refer-initiatives": initiative.pk}, follow=True
    )

    assert messages_of(response) == ["This step is not possible: the signal is in progress."]
    assert not Referral.objects.exists()


def test_refer_shows_the_initiatives_that_accept_referrals(opvolger, organisation, handler):
    signal = SignalFactory(handling_organisation=organisation, share_with_provider=True)
    contacted(signal, handler)
    buddy = InitiativeFactory(
        title="Maatjesproject", kind=InitiativeKind.BUDDY, kernen=Kern.objects.filter(code="monster")
    )
    no_referrals = InitiativeFactory(title="Open inloop", accepts_referrals=False)

    html = opvolger.get(reverse("signals:detail", args=[signal.pk])).content.decode()

    section = re.search(r'id="action-refer".*?</form>', html, re.S).group(0)
    assert "Maatjesproject" in section
    assert buddy.organisation.name in section
    assert "buddy" in section and "Monster" in section
    assert no_referrals.title not in section
    assert "the provider receives their name and contact details" in section


def test_refer_through_the_page(opvolger, signal, handler):
    contacted(signal, handler)
    first, second = InitiativeFactory(), InitiativeFactory()
    html = opvolger.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "without name or contact details" in html

    response = opvolger.post(
        reverse("signals:refer", args=[signal.pk]), {"refer-initiatives": [first.pk, second.pk]}, follow=True
    )

    [message] = messages_of(response)
    assert first.title in message and "no name or contact details" in message
    signal.refresh_from_db()
    assert signal.status == SignalStatus.REFERRED
    assert set(signal.referrals.values_list("initiative", flat=True)) == {first.pk, second.pk}
    assert not any(signal.referrals.values_list("share_contact", flat=True))
    # Both are referred to already: nothing else to offer.
    assert "There is no other active initiative that accepts referrals." in response.content.decode()


@pytest.mark.parametrize("choice", ["none", "not_accepting"])
def test_refer_errors_store_nothing(opvolger, signal, handler, choice):
    contacted(signal, handler)
    data = {} if choice == "none" else {"refer-initiatives": InitiativeFactory(accepts_referrals=False).pk}

    response = opvolger.post(reverse("signals:refer", args=[signal.pk]), data)

    assert response.status_code == 200
    assert 'id="id_refer-initiatives_error"' in response.content.decode()
    assert not Referral.objects.exists()
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.CONTACTED


def test_close_through_the_page_and_close_twice_is_refused(opvolger, signal, handler):
    contacted(signal, handler)
    outcome = Outcome.objects.get(code="geen-behoefte")
    url = reverse("signals:close", args=[signal.pk])

    response = opvolger.post(url, {"close-outcome": outcome.pk, "close-note": "Heeft familie."}, follow=True)

    assert messages_of(response) == [f"Signal {signal.number} is closed."]
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, outcome)
    assert signal.events.last().note == "Heeft familie."

    again = opvolger.post(url, {"close-outcome": Outcome.objects.get(code="dubbel").pk}, follow=True)

    assert messages_of(again) == ["This step is not possible: the signal is closed."]
    signal.refresh_from_db()
    assert signal.outcome == outcome
    assert signal.events.filter(kind=EventKind.CLOSED).count() == 1


def test_close_needs_an_active_outcome(opvolger, signal):
    inactive = Outcome.objects.get(code="dubbel")
    inactive.is_active = False
    inactive.save()

    for data in ({}, {"close-outcome": inactive.pk}):
        response = opvolger.post(reverse("signals:close", args=[signal.pk]), data)
        assert response.status_code == 200
        assert "Choose an outcome." in response.content.decode()
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


def test_reopen_through_the_page_needs_a_reason(opvolger, signal, handler):
    services.close(signal_id=signal.pk, actor=handler, outcome=Outcome.objects.get(code="dubbel"))
    url = reverse("signals:reopen", args=[signal.pk])

    response = opvolger.post(url, {"reopen-reason": "   "})

    assert response.status_code == 200
    assert re.search(r'id="id_reopen-reason_error">\s*<p>Give a reason for reopening.</p>', response.content.decode())
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.CLOSED

    response = opvolger.post(url, {"reopen-reason": "Toch geen dubbel signaal."}, follow=True)

    assert messages_of(response) == [f"Signal {signal.number} is reopened."]
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.IN_PROGRESS, None)
    assert signal.events.last().note == "Toch geen dubbel signaal."


@pytest.mark.parametrize(
    "name, status, data",
    [
        ("take", SignalStatus.IN_PROGRESS, {}),
        ("assign", SignalStatus.CLOSED, {"assign-assignee": "{handler}"}),
        ("log_contact", SignalStatus.NEW, {"contact-date": "{today}", "contact-way": "telefoon"}),
        ("refer", SignalStatus.IN_PROGRESS, {"refer-initiatives": "{initiative}"}),
        ("close", SignalStatus.CLOSED, {"close-outcome": "{outcome}"}),
        ("reopen", SignalStatus.REFERRED, {"reopen-reason": "Opnieuw"}),
    ],
)
def test_every_refused_step_changes_nothing(opvolger, organisation, handler, name, status, data):
    """The status does not allow the step (the page was stale): the service's message, nothing stored."""
    signal = SignalFactory(handling_organisation=organisation, status=status, assigned_to=None)
    values = {
        "handler": handler.pk,
        "today": TODAY().isoformat(),
        "initiative": InitiativeFactory().pk,
        "outcome": Outcome.objects.get(code="dubbel").pk,
    }
    data = {key: value.format(**values) for key, value in data.items()}

    response = opvolger.post(reverse(f"signals:{name}", args=[signal.pk]), data, follow=True)

    assert response.redirect_chain == [(reverse("signals:detail", args=[signal.pk]), 302)]
    [message] = messages_of(response)
    assert message.startswith("This step is not possible: the signal is ")
    signal = Signal.objects.get(pk=signal.pk)
    assert (signal.status, signal.assigned_to, signal.outcome) == (status, None, None)
    assert not signal.events.exists()
    assert not signal.contacts.exists()
    assert not signal.referrals.exists()


def test_reopen_an_open_signal_is_refused(opvolger, signal):
    response = opvolger.post(reverse("signals:reopen", args=[signal.pk]), {"reopen-reason": "Waarom"}, follow=True)

    assert messages_of(response) == ["This step is not possible: the signal is new."]
    assert not signal.events.exists()


def test_opening_a_step_address_leads_back_to_the_signal(opvolger, signal):
    response = opvolger.get(reverse("signals:close", args=[signal.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("signals:detail", args=[signal.pk])


def test_the_history_shows_who_did_what(opvolger, signal, handler, colleague):
    take(signal, handler)
    services.assign(signal_id=signal.pk, actor=handler, assignee=colleague)
    services.log_contact(signal_id=signal.pk, actor=colleague, date=TODAY(), way=ContactWay.PHONE, note="Gebeld.")

    html = opvolger.get(reverse("signals:detail", args=[signal.pk])).content.decode()

    history = re.search(r'id="history".*?</table>', html, re.S).group(0)
    rows = re.findall(r'data-kind="([^"]+)"(.*?)</tr>', history, re.S)
    assert [kind for kind, _row in rows] == [EventKind.TAKEN, EventKind.ASSIGNED, EventKind.CONTACT]
    assert escape(str(handler)) in rows[0][1]
    assert escape(str(colleague)) in rows[2][1] and "Gebeld." in rows[2][1]
    assert "new → in progress" in rows[0][1]


# The resident's rights ------------------------------------------------------------------


def test_erase_asks_for_confirmation_first(opvolger, signal):
    response = opvolger.get(reverse("signals:erase", args=[signal.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "What is erased" in html and "What remains" in html
    assert "Zwinkels" not in html
    assert Signal.objects.get(pk=signal.pk).resident_name == "Jannie Zwinkels"
    assert not ContactDetailsView.objects.exists()


def test_erase_through_the_page(opvolger, signal, handler):
    contacted(signal, handler)
    services.log_contact(signal_id=signal.pk, actor=handler, date=TODAY(), way=ContactWay.PHONE, note="Gebeld.")

    response = opvolger.post(reverse("signals:erase", args=[signal.pk]), follow=True)

    assert response.redirect_chain == [(reverse("signals:detail", args=[signal.pk]), 302)]
    assert messages_of(response)[0].startswith(f"The personal data of signal {signal.number} are erased.")
    html = response.content.decode()
    assert 'id="erased-notice"' in html
    for personal in ("Zwinkels", "0174 123 456", "j.zwinkels", "Havenstraat", "niemand meer spreekt", "Gebeld."):
        assert personal not in html
    signal = Signal.objects.get(pk=signal.pk)
    assert all(getattr(signal, field) == "" for field in services.PERSONAL_FIELDS)
    assert signal.events.last().kind == EventKind.ERASED
    assert not signal.events.exclude(note="").exists()
    assert signal.contacts.count() == 2  # the anonymous record remains
    assert signal.status == SignalStatus.CONTACTED


def test_export_downloads_everything_as_json_and_is_audited(opvolger, signal, handler):
    take(signal, handler)

    response = opvolger.get(reverse("signals:export", args=[signal.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="signaal-{signal.number}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert (data["number"], data["name"], data["email"]) == (
        signal.number,
        "Jannie Zwinkels",
        "j.zwinkels@voorbeeld.nl",
    )
    assert data["source"] == "staff of a partner"
    assert [entry["what"] for entry in data["history"]] == ["taken"]
    row = ContactDetailsView.objects.get()
    assert (row.user, row.signal, row.purpose) == (handler, signal, "export")
