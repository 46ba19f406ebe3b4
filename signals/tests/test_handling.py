"""The follow-up workflow through signals.services: transitions, history, privacy,
retention, routing and the notification outbox."""

import datetime
import secrets
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coalition.constants import Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import InitiativeFactory, MembershipFactory
from common import outbox
from common.models import Email
from common.tasks import retry_due_emails
from signals import routing, services, tasks
from signals.constants import ContactWay, EventKind, NotificationKind, SignalStatus
from signals.models import ContactDetailsView, ContactMoment, Notification, Outcome, Referral, Signal, SignalSettings
from signals.tests.factories import RoutingRuleFactory, SignalFactory, SignalHandlerOrganisationFactory

RESIDENT_DATA = ["Jannie Zwinkels", "0174 123 456", "j.zwinkels@voorbeeld.nl", "Havenstraat", "niemand meer spreekt"]


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
def signal(organisation):
    return SignalFactory(handling_organisation=organisation)


@pytest.fixture
def outcome(db):
    return Outcome.objects.get(code="geen-behoefte")


def in_status(signal, status, handler):
    """Walk a signal through the workflow to ``status`` with the services."""
    if status == SignalStatus.NEW:
        return signal
    services.take(signal_id=signal.pk, actor=handler)
    if status == SignalStatus.IN_PROGRESS:
        return signal
    services.log_contact(signal_id=signal.pk, actor=handler, date=timezone.localdate(), way=ContactWay.PHONE)
    if status == SignalStatus.CONTACTED:
        return signal
    services.refer(signal_id=signal.pk, actor=handler, initiatives=[InitiativeFactory()])
    if status == SignalStatus.REFERRED:
        return signal
    services.close(signal_id=signal.pk, actor=handler, outcome=Outcome.objects.get(code="deelname"))
    return signal


def kinds(signal):
    return list(signal.events.values_list("kind", flat=True))


# Transitions ----------------------------------------------------------------------------


def test_take_puts_a_new_signal_in_progress_for_the_opvolger(signal, handler):
    services.take(signal_id=signal.pk, actor=handler)

    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_PROGRESS
    assert signal.assigned_to == handler
    event = signal.events.get()
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        EventKind.TAKEN,
        handler,
        SignalStatus.NEW,
        SignalStatus.IN_PROGRESS,
    )
    assert not Notification.objects.exists()  # nobody to tell: they took it themselves


def test_take_for_a_colleague_tells_the_colleague(signal, handler, colleague):
    services.take(signal_id=signal.pk, actor=handler, assignee=colleague)

    signal.refresh_from_db()
    assert signal.assigned_to == colleague
    notification = Notification.objects.get()
    assert (notification.kind, notification.recipient, notification.signal) == (
        NotificationKind.ASSIGNED,
        colleague,
        signal,
    )


@pytest.mark.parametrize(
    "status", [SignalStatus.IN_PROGRESS, SignalStatus.CONTACTED, SignalStatus.REFERRED, SignalStatus.CLOSED]
)
def test_take_is_refused_unless_the_signal_is_new(signal, handler, status):
    in_status(signal, status, handler)
    events_before = signal.events.count()

    with pytest.raises(services.TransitionNotAllowed):
        services.take(signal_id=signal.pk, actor=handler)

    signal.refresh_from_db()
    assert signal.status == status
    assert signal.events.count() == events_before


def test_a_signal_of_another_organisation_cannot_be_handled(signal, other_handler, outcome):
    for step in (
        lambda: services.take(signal_id=signal.pk, actor=other_handler),
        lambda: services.assign(signal_id=signal.pk, actor=other_handler, assignee=other_handler),
        lambda: services.close(signal_id=signal.pk, actor=other_handler, outcome=outcome),
        lambda: services.erase_personal_data(signal_id=signal.pk, actor=other_handler),
        lambda: services.export_signal(signal_id=signal.pk, actor=other_handler),
    ):
        with pytest.raises(PermissionDenied):
            step()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.NEW
    assert signal.resident_name
    assert not signal.events.exists()


def test_assign_to_a_colleague_takes_a_new_signal_and_tells_them(signal, handler, colleague):
    services.assign(signal_id=signal.pk, actor=handler, assignee=colleague)

    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == (SignalStatus.IN_PROGRESS, colleague)
    event = signal.events.get()
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        EventKind.ASSIGNED,
        handler,
        SignalStatus.NEW,
        SignalStatus.IN_PROGRESS,
    )
    assert Notification.objects.get().recipient == colleague


def test_assign_keeps_the_status_of_a_signal_in_progress(signal, handler, colleague):
    in_status(signal, SignalStatus.CONTACTED, handler)

    services.assign(signal_id=signal.pk, actor=handler, assignee=colleague)

    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == (SignalStatus.CONTACTED, colleague)
    assert signal.events.last().kind == EventKind.ASSIGNED


@pytest.mark.parametrize("who", ["other_handler", "staff_member"])
def test_assign_only_to_an_opvolger_of_the_handling_organisation(signal, handler, who, request):
    outsider = request.getfixturevalue(who)

    with pytest.raises(ValidationError) as error:
        services.assign(signal_id=signal.pk, actor=handler, assignee=outsider)

    assert "assignee" in error.value.error_dict
    signal.refresh_from_db()
    assert (signal.status, signal.assigned_to) == (SignalStatus.NEW, None)
    assert not signal.events.exists()


def test_assign_is_refused_for_a_closed_signal(signal, handler, colleague):
    in_status(signal, SignalStatus.CLOSED, handler)

    with pytest.raises(services.TransitionNotAllowed):
        services.assign(signal_id=signal.pk, actor=handler, assignee=colleague)

    signal.refresh_from_db()
    assert signal.assigned_to == handler


def test_log_contact_is_refused_before_the_signal_is_taken(signal, handler):
    with pytest.raises(services.TransitionNotAllowed):
        services.log_contact(signal_id=signal.pk, actor=handler, date=timezone.localdate(), way=ContactWay.PHONE)

    assert not ContactMoment.objects.exists()


def test_log_contact_records_the_first_contact(signal, handler):
    in_status(signal, SignalStatus.IN_PROGRESS, handler)
    today = timezone.localdate()

    moment = services.log_contact(
        signal_id=signal.pk, actor=handler, date=today, way=ContactWay.VISIT, note="Koffie gedronken."
    )

    signal.refresh_from_db()
    assert signal.status == SignalStatus.CONTACTED
    assert signal.first_contact_at == today
    assert (moment.by, moment.way, moment.note) == (handler, ContactWay.VISIT, "Koffie gedronken.")
    event = signal.events.last()
    assert (event.kind, event.from_status, event.to_status, event.note) == (
        EventKind.CONTACT,
        SignalStatus.IN_PROGRESS,
        SignalStatus.CONTACTED,
        "Koffie gedronken.",
    )


def test_the_first_contact_keeps_its_working_days_since_filing(handler, organisation, time_machine):
    amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    time_machine.move_to(datetime.datetime(2026, 4, 30, 12, tzinfo=amsterdam))
    # Filed late on Friday 24 April 2026; Monday 27 April is King's Day, a public holiday.
    signal = SignalFactory(
        handling_organisation=organisation, created_at=datetime.datetime(2026, 4, 24, 23, 30, tzinfo=amsterdam)
    )
    in_status(signal, SignalStatus.IN_PROGRESS, handler)

    services.log_contact(signal_id=signal.pk, actor=handler, date=datetime.date(2026, 4, 29), way=ContactWay.PHONE)
    signal.refresh_from_db()
    assert signal.working_days_to_first_contact == 2  # Tuesday and Wednesday

    services.log_contact(signal_id=signal.pk, actor=handler, date=datetime.date(2026, 4, 28), way=ContactWay.VISIT)
    signal.refresh_from_db()
    assert (signal.first_contact_at, signal.working_days_to_first_contact) == (datetime.date(2026, 4, 28), 1)

    services.log_contact(signal_id=signal.pk, actor=handler, date=datetime.date(2026, 4, 30), way=ContactWay.PHONE)
    signal.refresh_from_db()
    assert (signal.first_contact_at, signal.working_days_to_first_contact) == (datetime.date(2026, 4, 28), 1)


def test_an_earlier_contact_moves_the_first_contact_date(handler, organisation):
    signal = SignalFactory(handling_organisation=organisation, created_at=timezone.now() - datetime.timedelta(days=10))
    in_status(signal, SignalStatus.CONTACTED, handler)
    earlier = timezone.localdate() - datetime.timedelta(days=5)

    services.log_contact(signal_id=signal.pk, actor=handler, date=earlier, way=ContactWay.PHONE)

    signal.refresh_from_db()
    assert signal.first_contact_at == earlier
    assert signal.status == SignalStatus.CONTACTED
    assert signal.contacts.count() == 2


def test_log_contact_after_a_referral_keeps_the_status(signal, handler):
    in_status(signal, SignalStatus.REFERRED, handler)

    services.log_contact(signal_id=signal.pk, actor=handler, date=timezone.localdate(), way=ContactWay.EMAIL)

    signal.refresh_from_db()
    assert signal.status == SignalStatus.REFERRED


@pytest.mark.parametrize("days", [1, -30])
def test_log_contact_refuses_a_date_in_the_future_or_before_filing(signal, handler, days):
    in_status(signal, SignalStatus.IN_PROGRESS, handler)

    with pytest.raises(ValidationError) as error:
        services.log_contact(
            signal_id=signal.pk,
            actor=handler,
            date=timezone.localdate() + datetime.timedelta(days=days),
            way=ContactWay.PHONE,
        )

    assert "date" in error.value.error_dict
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_PROGRESS
    assert not signal.contacts.exists()


@pytest.mark.parametrize("status", [SignalStatus.NEW, SignalStatus.IN_PROGRESS, SignalStatus.CLOSED])
def test_refer_is_refused_before_contact_and_after_closing(signal, handler, status):
    in_status(signal, status, handler)
    before = Referral.objects.filter(signal=signal).count()

    with pytest.raises(services.TransitionNotAllowed):
        services.refer(signal_id=signal.pk, actor=handler, initiatives=[InitiativeFactory()])

    assert Referral.objects.filter(signal=signal).count() == before
    signal.refresh_from_db()
    assert signal.status == status


def test_refer_creates_referrals_and_tells_the_providers_coordinators(handler, organisation):
    signal = SignalFactory(handling_organisation=organisation, share_with_provider=True)
    in_status(signal, SignalStatus.CONTACTED, handler)
    first, second = InitiativeFactory(), InitiativeFactory()
    coordinator = MembershipFactory(organisation=first.organisation, role=Role.COORDINATOR).user
    MembershipFactory(organisation=first.organisation, role=Role.STAFF)

    referrals = services.refer(signal_id=signal.pk, actor=handler, initiatives=[first, second])

    signal.refresh_from_db()
    assert signal.status == SignalStatus.REFERRED
    assert {r.initiative for r in referrals} == {first, second}
    assert all(r.share_contact for r in referrals)
    event = signal.events.last()
    assert event.kind == EventKind.REFERRED
    assert first.title in event.note and second.title in event.note
    notification = Notification.objects.get(kind=NotificationKind.REFERRAL)
    assert (notification.recipient, notification.referral.initiative) == (coordinator, first)


def test_refer_shares_no_contact_details_without_the_residents_permission(signal, handler):
    in_status(signal, SignalStatus.CONTACTED, handler)

    [referral] = services.refer(signal_id=signal.pk, actor=handler, initiatives=[InitiativeFactory()])

    assert referral.share_contact is False


def test_refer_refuses_initiatives_that_do_not_accept_referrals_and_duplicates(signal, handler):
    in_status(signal, SignalStatus.CONTACTED, handler)
    closed = InitiativeFactory(accepts_referrals=False)
    open_ = InitiativeFactory()

    for initiatives in ([], [closed]):
        with pytest.raises(ValidationError) as error:
            services.refer(signal_id=signal.pk, actor=handler, initiatives=initiatives)
        assert "initiatives" in error.value.error_dict
    services.refer(signal_id=signal.pk, actor=handler, initiatives=[open_])
    with pytest.raises(ValidationError):
        services.refer(signal_id=signal.pk, actor=handler, initiatives=[open_])

    assert list(signal.referrals.values_list("initiative", flat=True)) == [open_.pk]


def test_close_records_the_outcome_and_tells_the_filer(signal, handler, outcome):
    in_status(signal, SignalStatus.CONTACTED, handler)

    services.close(signal_id=signal.pk, actor=handler, outcome=outcome, note="Wil geen contact meer.")

    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, outcome)
    assert signal.closed_at is not None
    event = signal.events.last()
    assert (event.kind, event.from_status, event.note) == (
        EventKind.CLOSED,
        SignalStatus.CONTACTED,
        "Wil geen contact meer.",
    )
    notification = Notification.objects.get(kind=NotificationKind.CLOSED)
    assert notification.recipient == signal.filed_by


def test_close_twice_is_refused(signal, handler, outcome):
    services.close(signal_id=signal.pk, actor=handler, outcome=outcome)

    with pytest.raises(services.TransitionNotAllowed):
        services.close(signal_id=signal.pk, actor=handler, outcome=Outcome.objects.get(code="dubbel"))

    signal.refresh_from_db()
    assert signal.outcome == outcome
    assert kinds(signal) == [EventKind.CLOSED]


def test_close_needs_an_outcome(signal, handler):
    with pytest.raises(ValidationError) as error:
        services.close(signal_id=signal.pk, actor=handler, outcome=None)

    assert "outcome" in error.value.error_dict
    signal.refresh_from_db()
    assert signal.status == SignalStatus.NEW


def test_reopen_needs_a_reason(signal, handler, outcome):
    services.close(signal_id=signal.pk, actor=handler, outcome=outcome)

    with pytest.raises(ValidationError) as error:
        services.reopen(signal_id=signal.pk, actor=handler, reason="   ")

    assert "reason" in error.value.error_dict
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED


def test_reopen_a_closed_signal(signal, handler, outcome):
    services.close(signal_id=signal.pk, actor=handler, outcome=outcome)

    services.reopen(signal_id=signal.pk, actor=handler, reason=" Dochter belt: toch behoefte. ")

    signal.refresh_from_db()
    assert (signal.status, signal.outcome, signal.closed_at) == (SignalStatus.IN_PROGRESS, None, None)
    assert signal.assigned_to == handler
    event = signal.events.last()
    assert (event.kind, event.from_status, event.to_status, event.note) == (
        EventKind.REOPENED,
        SignalStatus.CLOSED,
        SignalStatus.IN_PROGRESS,
        "Dochter belt: toch behoefte.",
    )


def test_reopen_is_refused_for_an_open_signal(signal, handler):
    with pytest.raises(services.TransitionNotAllowed):
        services.reopen(signal_id=signal.pk, actor=handler, reason="Waarom niet")

    assert not signal.events.exists()


def test_every_change_writes_a_history_row(signal, handler, colleague, outcome):
    in_status(signal, SignalStatus.REFERRED, handler)
    services.assign(signal_id=signal.pk, actor=handler, assignee=colleague)
    services.close(signal_id=signal.pk, actor=colleague, outcome=outcome)
    services.reopen(signal_id=signal.pk, actor=colleague, reason="Opnieuw")
    services.erase_personal_data(signal_id=signal.pk, actor=colleague)

    assert kinds(signal) == [
        EventKind.TAKEN,
        EventKind.CONTACT,
        EventKind.REFERRED,
        EventKind.ASSIGNED,
        EventKind.CLOSED,
        EventKind.REOPENED,
        EventKind.ERASED,
    ]
    assert all(event.actor in (handler, colleague) for event in signal.events.all())


# Privacy --------------------------------------------------------------------------------


def test_a_view_of_contact_details_is_audited(signal, handler):
    services.record_contact_view(user=handler, signal=signal, purpose="detail")

    row = ContactDetailsView.objects.get()
    assert (row.user, row.signal, row.purpose) == (handler, signal, "detail")


def test_no_audit_row_for_a_signal_without_personal_data(handler, organisation):
    signal = SignalFactory(handling_organisation=organisation, without_consent=True, note="")

    services.record_contact_view(user=handler, signal=signal, purpose="detail")

    assert not ContactDetailsView.objects.exists()


def test_erase_leaves_an_anonymous_record(handler, organisation):
    signal = SignalFactory(handling_organisation=organisation, share_with_provider=True)
    in_status(signal, SignalStatus.IN_PROGRESS, handler)
    services.log_contact(
        signal_id=signal.pk, actor=handler, date=timezone.localdate(), way=ContactWay.PHONE, note="Belt terug."
    )
    services.refer(signal_id=signal.pk, actor=handler, initiatives=[InitiativeFactory()])

    services.erase_personal_data(signal_id=signal.pk, actor=handler)

    signal = Signal.objects.get(pk=signal.pk)
    for field in services.PERSONAL_FIELDS:
        assert getattr(signal, field) == "", field
    assert (signal.preferred_contact, signal.share_with_provider) == ("", False)
    assert signal.personal_data_erased_at is not None
    assert not signal.has_contact_details
    # The anonymous record remains for the monitor.
    assert (signal.status, signal.kern.code, signal.age_group.code) == (SignalStatus.REFERRED, "naaldwijk", "ouderen")
    assert signal.contacts.get().note == ""
    assert not signal.referrals.get().share_contact
    assert list(signal.events.exclude(note="")) == []
    erased = signal.events.last()
    assert (erased.kind, erased.actor) == (EventKind.ERASED, handler)


def test_export_holds_everything_about_the_signal_and_is_audited(signal, handler):
    in_status(signal, SignalStatus.IN_PROGRESS, handler)
    services.log_contact(
        signal_id=signal.pk, actor=handler, date=timezone.localdate(), way=ContactWay.PHONE, note="Belt terug."
    )

    data = services.export_signal(signal_id=signal.pk, actor=handler)

    assert data["number"] == signal.number
    assert (data["name"], data["phone"], data["email"]) == (
        "Jannie Zwinkels",
        "0174 123 456",
        "j.zwinkels@voorbeeld.nl",
    )
    assert data["note"] == signal.note
    assert data["contacts"][0]["note"] == "Belt terug."
    assert len(data["history"]) == 2
    row = ContactDetailsView.objects.get()
    assert (row.user, row.signal, row.purpose) == (handler, signal, "export")


# Retention ------------------------------------------------------------------------------


def test_erase_expired_erases_only_signals_closed_longer_than_the_retention_period(handler, organisation, outcome):
    settings_row = SignalSettings.current()
    settings_row.retention_days = 30
    settings_row.save()
    now = timezone.now()
    old, young, still_open = (SignalFactory(handling_organisation=organisation) for _ in range(3))
    for signal in (old, young):
        services.close(signal_id=signal.pk, actor=handler, outcome=outcome, note="Niet meer nodig.")
    Signal.objects.filter(pk=old.pk).update(closed_at=now - datetime.timedelta(days=31))
    Signal.objects.filter(pk=young.pk).update(closed_at=now - datetime.timedelta(days=29))
    Signal.objects.filter(pk=still_open.pk).update(created_at=now - datetime.timedelta(days=400))

    assert services.erase_expired(now=now) == 1
    assert services.erase_expired(now=now) == 0  # already erased: nothing left to do

    old.refresh_from_db()
    assert old.resident_name == "" and old.note == ""
    assert old.personal_data_erased_at is not None
    assert old.events.last().kind == EventKind.ERASED
    assert old.events.last().actor is None
    assert old.events.get(kind=EventKind.CLOSED).note == ""
    for signal in (young, still_open):
        signal.refresh_from_db()
        assert signal.resident_name == "Jannie Zwinkels"
        assert signal.personal_data_erased_at is None


def test_the_daily_task_uses_the_retention_setting(handler, organisation, outcome):
    signal = SignalFactory(handling_organisation=organisation)
    services.close(signal_id=signal.pk, actor=handler, outcome=outcome)
    Signal.objects.filter(pk=signal.pk).update(closed_at=timezone.now() - datetime.timedelta(days=181))

    assert tasks.erase_expired_personal_data() == 1

    signal.refresh_from_db()
    assert signal.resident_phone == ""


# Routing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (datetime.date(2026, 3, 4), 3, datetime.date(2026, 3, 9)),  # Wednesday → across a weekend → Monday
        (datetime.date(2026, 3, 6), 1, datetime.date(2026, 3, 9)),  # Friday → Monday
        (datetime.date(2026, 4, 24), 1, datetime.date(2026, 4, 28)),  # Friday; Monday 27 April is King's Day
        (datetime.date(2026, 4, 23), 3, datetime.date(2026, 4, 29)),  # Thursday → Fri, (weekend, King's Day), Tue, Wed
        (datetime.date(2025, 12, 24), 1, datetime.date(2025, 12, 29)),  # Christmas, Boxing Day, weekend
        (datetime.date(2025, 12, 23), 3, datetime.date(2025, 12, 30)),
    ],
)
def test_add_working_days_skips_weekends_and_dutch_public_holidays(start, days, expected):
    assert routing.add_working_days(start, days) == expected


def test_kings_day_and_christmas_are_no_working_days():
    assert not routing.is_working_day(datetime.date(2026, 4, 27))
    assert not routing.is_working_day(datetime.date(2025, 12, 25))
    assert not routing.is_working_day(datetime.date(2025, 12, 26))
    assert routing.is_working_day(datetime.date(2026, 4, 28))
    assert routing.working_days_between(datetime.date(2026, 4, 24), datetime.date(2026, 4, 28)) == 1


@pytest.fixture
def rules(db):
    naaldwijk, monster = Kern.objects.get(code="naaldwijk"), Kern.objects.get(code="monster")
    ouderen = AgeGroup.objects.get(code="ouderen")
    return {
        # Created out of order: the position decides, not the primary key.
        "naaldwijk": RoutingRuleFactory(position=2, kern=naaldwijk),
        "naaldwijk_ouderen": RoutingRuleFactory(position=1, kern=naaldwijk, age_group=ouderen),
        "ouderen": RoutingRuleFactory(position=3, age_group=ouderen),
        "default": RoutingRuleFactory(position=0, is_default=True),
        "kernen": (naaldwijk, monster),
    }


def test_find_rule_takes_the_first_matching_rule_in_order_then_the_default(rules):
    naaldwijk, monster = rules["kernen"]
    ouderen = AgeGroup.objects.get(code="ouderen")
    jongeren = AgeGroup.objects.get(code="jongeren")

    assert routing.find_rule(naaldwijk.pk, ouderen.pk) == rules["naaldwijk_ouderen"]
    assert routing.find_rule(naaldwijk.pk, jongeren.pk) == rules["naaldwijk"]
    assert routing.find_rule(monster.pk, ouderen.pk) == rules["ouderen"]
    assert routing.find_rule(monster.pk, jongeren.pk) == rules["default"]


def test_find_rule_skips_organisations_that_no_longer_handle_signals(rules):
    naaldwijk, _monster = rules["kernen"]
    ouderen = AgeGroup.objects.get(code="ouderen")
    organisation = rules["naaldwijk_ouderen"].organisation
    organisation.is_signal_handler = False
    organisation.save()

    assert routing.find_rule(naaldwijk.pk, ouderen.pk) == rules["naaldwijk"]


def test_find_rule_without_a_default_finds_nothing(db):
    assert routing.find_rule(Kern.objects.get(code="monster").pk, AgeGroup.objects.get(code="jongeren").pk) is None


# Notifications --------------------------------------------------------------------------


def file(**extra):
    cleaned_data = {
        "submission_token": secrets.token_urlsafe(24),
        "age_group": AgeGroup.objects.get(code="ouderen"),
        "kern": Kern.objects.get(code="naaldwijk"),
        "note": "Mevrouw komt elke dag, zegt dat ze niemand meer spreekt.",
        "consent": True,
        "resident_name": "Jannie Zwinkels",
        "resident_phone": "0174 123 456",
        "resident_email": "j.zwinkels@voorbeeld.nl",
        "resident_address": "Havenstraat 1, 2671 AB Naaldwijk",
        **extra,
    }
    filer = MembershipFactory(role=Role.STAFF)
    return services.file_signal(cleaned_data=cleaned_data, signs=[], user=filer.user, organisation=filer.organisation)


def assert_no_resident_data(message):
    for text in RESIDENT_DATA:
        assert text not in message.subject
        assert text not in message.body


def test_a_new_signal_is_routed_and_each_opvolger_gets_one_email(
    handler, organisation, colleague, celery_eager, django_capture_on_commit_callbacks
):
    RoutingRuleFactory(organisation=organisation, is_default=True)
    MembershipFactory(organisation=organisation, role=Role.STAFF)  # not an opvolger: no e-mail

    with django_capture_on_commit_callbacks(execute=True):
        signal = file()

    assert signal.handling_organisation == organisation
    assert signal.first_contact_due == routing.add_working_days(timezone.localdate(), 3)
    rows = Notification.objects.filter(kind=NotificationKind.NEW_SIGNAL)
    assert {row.recipient for row in rows} == {handler, colleague}
    assert all(row.email.status == Email.Status.SENT for row in rows)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([handler.email, colleague.email])
    for message in mail.outbox:
        assert signal.number in message.subject
        assert_no_resident_data(message)


def test_a_signal_without_consent_tells_nobody_and_closes_at_once(handler, organisation):
    RoutingRuleFactory(organisation=organisation, is_default=True)

    signal = file(consent=False)

    assert signal.status == SignalStatus.CLOSED
    assert signal.outcome.code == services.REGISTRATION_ONLY
    assert signal.resident_name == ""
    assert not Notification.objects.exists()


def test_assignment_referral_and_closing_each_send_one_email_without_resident_data(
    signal, handler, colleague, outcome, celery_eager, django_capture_on_commit_callbacks
):
    initiative = InitiativeFactory()
    provider = MembershipFactory(organisation=initiative.organisation, role=Role.COORDINATOR).user

    with django_capture_on_commit_callbacks(execute=True):
        services.take(signal_id=signal.pk, actor=handler, assignee=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        services.log_contact(signal_id=signal.pk, actor=colleague, date=timezone.localdate(), way=ContactWay.PHONE)
        services.refer(signal_id=signal.pk, actor=colleague, initiatives=[initiative])
    with django_capture_on_commit_callbacks(execute=True):
        services.close(signal_id=signal.pk, actor=colleague, outcome=outcome)

    sent = {(row.kind, row.recipient) for row in Notification.objects.all()}
    assert sent == {
        (NotificationKind.ASSIGNED, colleague),
        (NotificationKind.REFERRAL, provider),
        (NotificationKind.CLOSED, signal.filed_by),
    }
    assert not Notification.objects.exclude(email__status=Email.Status.SENT).exists()
    assert [message.to for message in mail.outbox] == [[colleague.email], [provider.email], [signal.filed_by.email]]
    for message in mail.outbox:
        assert_no_resident_data(message)


def test_a_notification_is_delivered_once(signal, handler, colleague, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.take(signal_id=signal.pk, actor=handler, assignee=colleague)
    notification = Notification.objects.get()

    # The task runs again (acks_late, or the periodic retry racing the first delivery).
    assert outbox.deliver(notification.email_id) is False

    assert len(mail.outbox) == 1
    notification.email.refresh_from_db()
    assert notification.email.attempts == 1


def test_an_email_the_broker_never_got_is_delivered_by_the_retry(signal, handler, colleague, celery_eager):
    # No commit callbacks run here: as if the broker had not answered after the commit.
    services.take(signal_id=signal.pk, actor=handler, assignee=colleague)
    notification = Notification.objects.get()
    assert notification.email.status == Email.Status.PENDING
    assert mail.outbox == []

    Email.objects.filter(pk=notification.email_id).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5), next_attempt_at=timezone.now()
    )
    assert retry_due_emails() == 1

    notification.email.refresh_from_db()
    assert notification.email.status == Email.Status.SENT
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    assert retry_due_emails() == 0


def test_a_failing_mail_server_keeps_the_email_pending(
    signal, handler, colleague, celery_eager, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(outbox, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.take(signal_id=signal.pk, actor=handler, assignee=colleague)

    email = Notification.objects.get().email
    assert email.status == Email.Status.PENDING
    assert email.attempts == 1
    assert email.last_error == "ConnectionRefusedError"  # the type only: an SMTP text names addresses


def test_daily_digest_tells_opvolgers_about_overdue_signals_once_a_day(
    signal, handler, colleague, celery_eager, django_capture_on_commit_callbacks
):
    from signals.tasks import send_overdue_digest

    Signal.objects.filter(pk=signal.pk).update(first_contact_due=timezone.localdate() - datetime.timedelta(days=1))
    fresh = SignalFactory(handling_organisation=SignalHandlerOrganisationFactory())  # not overdue: not told
    MembershipFactory(organisation=fresh.handling_organisation, role=Role.HANDLER)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_digest() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([handler.email, colleague.email])
    for message in mail.outbox:
        for data in RESIDENT_DATA:
            assert data not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_digest() == 0  # a second run the same day sends nothing new
    assert len(mail.outbox) == 2
