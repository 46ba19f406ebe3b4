import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from coalition import permissions
from coalition.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def run_loaddemo():
    from io import StringIO

    out = StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def test_loaddemo_is_idempotent_and_prints_one_account_per_role(settings):
    settings.DEBUG = True
    first = run_loaddemo()
    counts = (get_user_model().objects.count(), Organisation.objects.count(), Membership.objects.count())
    second = run_loaddemo()
    assert counts == (get_user_model().objects.count(), Organisation.objects.count(), Membership.objects.count())
    assert first == second
    for email in ["medewerker@", "coordinator@", "opvolger@", "beleid@", "beheer@"]:
        assert email in first
    assert "westland-demo-2028" in first


def test_demo_accounts_hold_each_role_and_demo_data_is_labelled(settings):
    settings.DEBUG = True
    run_loaddemo()
    users = {u.email.split("@")[0]: u for u in get_user_model().objects.all()}
    assert permissions.may_file_signals(users["medewerker"])
    assert not permissions.sees_personal_data(users["medewerker"])
    assert Organisation.objects.managed_by(users["coordinator"]).exists()
    assert permissions.sees_personal_data(users["opvolger"])
    assert permissions.is_officer(users["beleid"])
    assert permissions.is_administrator(users["beheer"])
    assert all(o.is_demo and "(demo)" in o.name for o in Organisation.objects.all())
    assert users["medewerker"].check_password("westland-demo-2028")


def test_loaddemo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("loaddemo")
    assert not get_user_model().objects.exists()


def test_demo_coalition_fills_most_domains_and_leaves_one_empty(settings):
    from coalition.models import Domain, Initiative, ReachReport

    settings.DEBUG = True
    run_loaddemo()
    counts = (Initiative.objects.count(), ReachReport.objects.count())
    run_loaddemo()
    assert counts == (Initiative.objects.count(), ReachReport.objects.count())

    empty = Domain.objects.filter(organisations__isnull=True)
    assert 1 <= empty.count() <= 2
    initiatives = Initiative.objects.published()
    assert initiatives.count() >= 10
    assert all(i.is_demo and i.title.endswith("(demo)") for i in initiatives)
    assert initiatives.values("kernen").distinct().count() >= 8
    assert initiatives.values("age_groups").distinct().count() == 3
    reports = ReachReport.objects.all()
    assert reports.values("year", "quarter").distinct().count() == 4
    assert all(r.is_demo for r in reports)
    for report in reports.prefetch_related("counts"):
        assert sum(c.participants for c in report.counts.all()) <= report.participants
        assert report.new_participants <= report.participants


def test_demo_signals_in_every_state_with_and_without_consent(settings, django_capture_on_commit_callbacks):
    from signals.constants import SignalStatus, Source
    from signals.models import RoutingRule, Signal

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=False):
        run_loaddemo()
        run_loaddemo()
    signals = Signal.objects.all()
    assert set(signals.values_list("status", flat=True)) == set(SignalStatus.values)
    assert signals.filter(consent=False).exists() and signals.filter(consent=True).exists()
    assert all(s.is_demo for s in signals)
    assert signals.count() == 9  # seven from staff, one of each kind from the public intake
    assert set(signals.values_list("source", flat=True)) == set(Source.values)
    assert RoutingRule.objects.filter(is_default=True, organisation__name="Welzijn Westland (demo)").exists()


def test_demo_observations_are_labelled_and_never_mixed_into_the_real_series(settings):
    from monitoring.models import Observation

    settings.DEBUG = True
    real_before = set(Observation.objects.filter(is_demo=False).values_list("target__code", "year", "value"))
    run_loaddemo()
    run_loaddemo()
    demo = Observation.objects.filter(is_demo=True)
    assert demo.exists()
    assert all("demo" in o.source.lower() for o in demo)
    assert set(Observation.objects.filter(is_demo=False).values_list("target__code", "year", "value")) == real_before
    real_keys = set(Observation.objects.filter(is_demo=False).values_list("target_id", "year", "kern_id"))
    assert not real_keys & set(demo.values_list("target_id", "year", "kern_id"))
