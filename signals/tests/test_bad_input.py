"""Hostile input to the staff form and the Signaalpunt's forms: never a server error, a
refusal in Dutch beside the field, and nothing stored from a refused submission.

See ``westland/tests/bad_input.py`` for the properties and how to add a form."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coalition.constants import Role
from coalition.models import AgeGroup, Kern
from coalition.tests.factories import InitiativeFactory, MembershipFactory
from signals import services
from signals.constants import ContactWay
from signals.models import ContactMoment, ObservedSign, Outcome, Referral, Signal, SignalEvent
from signals.tests.factories import RoutingRuleFactory, SignalFactory, SignalHandlerOrganisationFactory
from westland.tests.bad_input import FormCase, assert_valid_is_accepted, check_submission
from westland.tests.strategies import hostile_changes, hostile_payload, hostile_text, merge

pytestmark = pytest.mark.django_db

# The fixtures build users and signals once per test; every example then runs inside a
# savepoint that is rolled back (check_submission), so sharing them is safe.
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


# The staff form -----------------------------------------------------------------------

NEW = reverse("signals:new")


@pytest.fixture
def staff_form(client):
    organisation = SignalHandlerOrganisationFactory()
    RoutingRuleFactory(organisation=organisation, is_default=True)
    filer = MembershipFactory(role=Role.STAFF)
    client.force_login(filer.user)
    valid = {
        "age_group": AgeGroup.objects.get(code="ouderen").pk,
        "kern": Kern.objects.get(code="monster").pk,
        "signs": [ObservedSign.objects.get(code="zegt-eenzaam").pk],
        "note": "Lijkt de hele dag alleen.",
        "consent": "ja",
        "resident_name": "Jannie Zwinkels",
        "resident_phone": "0174 555 123",
        "resident_email": "jannie@voorbeeld.nl",
        "resident_address": "Havenstraat 12, Monster",
        "preferred_contact": "telefoon",
        "preferred_time": "dinsdagochtend",
        "share_with_provider": "on",
    }

    def with_fresh_token(data):
        # Every opened form has its own token; a replayed one files nothing new.
        if "submission_token" not in data:
            return data
        page = client.get(NEW).content.decode()
        token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
        return {**data, "submission_token": token} if data["submission_token"] == "fresh" else data

    return FormCase(
        url=NEW,
        client=client,
        valid={**valid, "submission_token": "fresh"},
        fields=[*valid, "submission_token"],
        snapshot=lambda: (Signal.objects.count(), SignalEvent.objects.count()),
        prepare=with_fresh_token,
    )


STAFF_FORM_FIELDS = [
    "age_group",
    "kern",
    "signs",
    "note",
    "consent",
    "resident_name",
    "resident_phone",
    "resident_email",
    "resident_address",
    "preferred_contact",
    "preferred_time",
    "share_with_provider",
    "submission_token",
]


@given(changes=hostile_changes(STAFF_FORM_FIELDS))
# Found by `make fuzz`: an id no integer column holds reached SQLite as an OverflowError
# (a server error); now "not one of the choices" beside the field (westland/lookups.py).
@example(changes={"signs": "9" * 40})
@example(changes={"signs": ["1", "9" * 40]})
@PROPERTY
def test_the_staff_form_survives_hostile_input(staff_form, changes):
    assert staff_form.fields == STAFF_FORM_FIELDS
    assert_valid_is_accepted(staff_form)
    check_submission(staff_form, merge(staff_form.valid, changes))


@given(note=hostile_text, name=hostile_text)
@PROPERTY
def test_text_the_staff_form_accepts_is_stored_as_typed(staff_form, note, name):
    data = staff_form.prepare({**staff_form.valid, "note": note, "resident_name": name})
    response = staff_form.client.post(NEW, data)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        signal = Signal.objects.order_by("-pk").first()
        # Django's form fields strip surrounding whitespace; the rest is kept, markup included.
        assert signal.note == note.strip()
        assert signal.resident_name == name.strip()
        signal.delete()


# The Signaalpunt's forms --------------------------------------------------------------


@pytest.fixture
def opvolger(client):
    handler = MembershipFactory(role=Role.HANDLER, organisation=SignalHandlerOrganisationFactory())
    MembershipFactory(role=Role.HANDLER, organisation=handler.organisation)  # a colleague to assign to
    client.force_login(handler.user)
    return client, handler


def _signal(handler, state):
    signal = SignalFactory(handling_organisation=handler.organisation)
    if state in ("taken", "contacted", "closed"):
        services.take(signal_id=signal.pk, actor=handler.user)
    if state in ("contacted", "closed"):
        services.log_contact(signal_id=signal.pk, actor=handler.user, date=timezone.localdate(), way=ContactWay.PHONE)
    if state == "closed":
        services.close(signal_id=signal.pk, actor=handler.user, outcome=Outcome.objects.get(code="deelname"))
    return signal


def _signal_state(signal):
    signal.refresh_from_db()
    return (
        signal.status,
        signal.assigned_to_id,
        signal.outcome_id,
        SignalEvent.objects.filter(signal=signal).count(),
        ContactMoment.objects.filter(signal=signal).count(),
        Referral.objects.filter(signal=signal).count(),
    )


def handler_case(opvolger, step, state, valid):
    client, handler = opvolger
    signal = _signal(handler, state)
    data = valid(signal, handler)
    return FormCase(
        url=reverse(f"signals:{step}", args=[signal.pk]),
        client=client,
        valid=data,
        fields=list(data),
        snapshot=lambda: _signal_state(signal),
    )


HANDLER_FORMS = {
    "assign": (
        "new",
        lambda signal, handler: {
            "assign-assignee": handler.organisation.memberships.exclude(user=handler.user).get().user_id
        },
    ),
    "log_contact": (
        "taken",
        lambda signal, handler: {
            "contact-date": timezone.localdate().isoformat(),
            "contact-way": ContactWay.PHONE,
            "contact-note": "Gebeld, komt langs.",
        },
    ),
    "refer": (
        "contacted",
        lambda signal, handler: {"refer-initiatives": [InitiativeFactory(accepts_referrals=True).pk]},
    ),
    "close": (
        "contacted",
        lambda signal, handler: {"close-outcome": Outcome.objects.get(code="deelname").pk, "close-note": "Doet mee."},
    ),
    "reopen": ("closed", lambda signal, handler: {"reopen-reason": "Toch nog contact nodig."}),
}


@pytest.mark.parametrize("step", list(HANDLER_FORMS))
def test_the_signaalpunt_forms_survive_hostile_input(opvolger, step):
    state, valid = HANDLER_FORMS[step]
    case = handler_case(opvolger, step, state, valid)

    assert_valid_is_accepted(case)

    @given(data=st.data())
    @PROPERTY
    def run(data):
        check_submission(case, data.draw(hostile_payload(case.valid, case.fields)))

    run()


FILTERS = st.dictionaries(
    st.sampled_from(["status", "kern", "age_group", "overdue", "mine", "page"]), hostile_text, max_size=4
)


@given(params=FILTERS)
@PROPERTY
def test_the_queues_survive_hostile_filters(client, params):
    handler = MembershipFactory(role=Role.HANDLER, organisation=SignalHandlerOrganisationFactory()).user
    staff = MembershipFactory(role=Role.STAFF).user
    for user, url in ((handler, reverse("signals:handler_queue")), (staff, reverse("signals:queue"))):
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200, url


# The public intake ----------------------------------------------------------------------

INTAKE = reverse("intake:start")


@pytest.fixture
def intake_form(client, settings):
    """The last step of the public form as it is sent, with the answers of all three steps."""
    from signals.forms_public import started_token

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "public_intake": "100000/h/ip"}
    RoutingRuleFactory(organisation=SignalHandlerOrganisationFactory(), is_default=True)
    valid = {
        "wie-about": "ander",
        "zorg-signs": [ObservedSign.objects.get(code="zegt-eenzaam").pk],
        "zorg-note": "Buurvrouw lijkt de hele dag alleen.",
        "zorg-age_group": AgeGroup.objects.get(code="ouderen").pk,
        "zorg-kern": Kern.objects.get(code="monster").pk,
        "zorg-resident_whereabouts": "Boven de bakker",
        "contact-reporter_name": "Kees van der Berg",
        "contact-reporter_phone": "06 12 34 56 78",
        "contact-reporter_email": "kees@voorbeeld.nl",
        "referentie": "",
    }

    def opened(data):
        # Every example is a newly opened page, opened long enough ago for a person.
        page = client.get(INTAKE).content.decode()
        token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
        meta = {"submission_token": token, "started": started_token(token, timezone.now().timestamp() - 60)}
        return {**meta, **data, "step": "3", "action": "send"}

    return FormCase(
        url=INTAKE,
        client=client,
        valid=valid,
        fields=list(valid),
        snapshot=lambda: (Signal.objects.count(), SignalEvent.objects.count()),
        prepare=opened,
    )


@given(data=st.data())
@PROPERTY
def test_the_public_intake_survives_hostile_input(intake_form, data):
    assert_valid_is_accepted(intake_form)
    check_submission(intake_form, data.draw(hostile_payload(intake_form.valid, intake_form.fields)))
