"""Every URL pattern of the portal, for every role: the answer to a GET.

The test walks the project's resolver (our apps, allauth, i18n and the admin) and asks
each URL as each role, filled in with real objects of one small world: a partner with
a medewerker and a coördinator, a Signaalpunt with an opvolger, a signal filed by that
medewerker and referred to the partner's initiative, an officer, an administrator, and
a person who holds every organisation role, but in two OTHER organisations.

Users sign in through allauth's real login form; opvolgers, officers and
administrators (and the other organisation's member, who is an opvolger there) have a
TOTP authenticator and pass the second factor with a real code, while
PORTAL_ENFORCE_MFA is on as in production. What privileged users without TOTP get is
walked separately (test_privileged_users_without_totp_reach_only_the_mfa_setup).

A URL pattern that has no entry in MATRIX fails the test with its name: a new page
cannot be added without saying who may open it. Adding one is one line:

    "app:name": Page(url_builder, row(anonymous, staff, coordinator, handler, officer, administrator, other)),

for example, for the public intake: ``"intake:start": Page(url("intake:start"), everyone(OK)),``.

Admin pages are the admin site's own permission check (``is_staff``) plus each
ModelAdmin's permissions; they are generated per registered model from ADMIN_PAGES
(one line per kind of admin page, with explicit exceptions in ADMIN_EXCEPTIONS), so a
new model is checked at once, and a custom admin URL is an unknown pattern.

Besides the status, every response of the walk is checked for:
- a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' (every HTML answer),
  and no inline script, event handler or style attribute that this policy would block;
- residents' personal data: it shows only to roles that may see it, and never without
  an audit row (ContactDetailsView) written by that very request.

And a POST (empty, CSRF not enforced by the test client) by every role that a page
refuses must be refused the same way, or with 405, and must change no data: so no view
checks access in get() and forgets it in post(). POST-only addresses say who is refused
in ``refused_posts``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coalition.constants import Role
from coalition.models import Invitation, Membership
from coalition.tests.factories import (
    PASSWORD,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    ReachReportFactory,
    UserFactory,
    add_totp,
    sign_in_with_totp,
)
from common.models import Email, ImportJob
from monitoring.models import Survey
from monitoring.tests.factories import ObservationFactory
from signals.constants import SignalStatus
from signals.models import ContactDetailsView, SignalSettings
from signals.tests.factories import (
    ReferralFactory,
    RoutingRuleFactory,
    SignalFactory,
    SignalHandlerOrganisationFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "staff", "coordinator", "handler", "officer", "administrator", "other")
# Roles signed in with a second factor: those that must have one, the coördinator (whom a
# resident's shared contact details ask for one: docs/adr/0009) and another organisation's.
MFA_ROLES = {"handler", "officer", "administrator", "coordinator", "other"}
# Roles that may see a resident's personal data at all (docs/design.md, "Users and roles"): the opvolger
# of the handling organisation, the administrator, and the coördinator of the initiative
# the resident agreed to share their contact details with.
SEES_PERSONAL_DATA = {"handler", "administrator", "coordinator"}


# --- Expected answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a GET must answer: a status, and for a redirect where it leads."""

    status: int
    location: str = ""  # for a redirect: the start of the Location header ('{path}' is the URL asked)
    follow_status: int = 0  # for a redirect: the status of the next hop, when it matters

    def problem(self, response, client, **context) -> str:
        """What is wrong with the response ('' when it is the expected answer)."""
        location = response.headers.get("Location", "")
        actual = f"{response.status_code}" + (f" -> {location}" if location else "")
        expected_location = self.location.format(**context)
        if response.status_code != self.status or not unquote(location).startswith(expected_location):
            return f"expected {self}, got {actual}"
        if self.follow_status:
            next_hop = client.get(location)
            if next_hop.status_code != self.follow_status:
                return f"expected {self}, got {actual} -> {next_hop.status_code}"
        return ""

    def __str__(self):
        text = str(self.status)
        if self.location:
            text += f" -> {self.location}"
        if self.follow_status:
            text += f" -> {self.follow_status}"
        return text


OK = Answer(200)
FORBIDDEN = Answer(403)
NOT_FOUND = Answer(404)
NOT_ALLOWED = Answer(405)  # a POST-only address asked with GET
LOGIN = Answer(302, "/accounts/login/?next={path}")
# The admin sends whoever is not staff to its login page, which is allauth's login for an
# anonymous visitor and a 403 for anyone signed in (allauth's secure_admin_login).
ADMIN_LOGIN_ANONYMOUS = Answer(302, "/admin/login/?next={path}", 302)
ADMIN_DENIED = Answer(302, "/admin/login/?next={path}", 403)


REFUSALS = {LOGIN, FORBIDDEN, NOT_FOUND, ADMIN_LOGIN_ANONYMOUS, ADMIN_DENIED}


def to(location: str) -> Answer:
    return Answer(302, location)


def row(*answers: Answer) -> dict[str, Answer]:
    """Answers in ROLES order: anonymous, staff, coordinator, handler, officer, administrator, other."""
    assert len(answers) == len(ROLES), answers
    return dict(zip(ROLES, answers, strict=True))


def everyone(answer: Answer) -> dict[str, Answer]:
    return dict.fromkeys(ROLES, answer)


def signed_in(anonymous: Answer, answer: Answer) -> dict[str, Answer]:
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], answer)}


def refused_all_but(role: str) -> dict[str, Answer]:
    """POST-only addresses of one role's objects: anyone else is sent to sign in or gets 404."""
    return {"anonymous": LOGIN, **{other: NOT_FOUND for other in ROLES[1:] if other != role}}


def admin_only(answer: Answer) -> dict[str, Answer]:
    """An admin page: the administrator gets ``answer``, nobody else gets in."""
    return {
        "anonymous": ADMIN_LOGIN_ANONYMOUS,
        **dict.fromkeys(ROLES[1:], ADMIN_DENIED),
        "administrator": answer,
    }


@dataclass(frozen=True)
class Page:
    url: Callable[[World], str]
    answers: dict[str, Answer]
    # A POST by a role whose GET is refused must be refused the same way (and change
    # nothing). Addresses that only take POSTs say here which roles are refused, and how.
    refused_posts: dict[str, Answer] | None = None


def refused_post_answers(page: Page) -> dict[str, Answer]:
    if page.refused_posts is not None:
        return page.refused_posts
    return {role: answer for role, answer in page.answers.items() if answer in REFUSALS}


# --- The world the URLs are filled in with -----------------------------------------------


@dataclass
class World:
    users: dict
    organisation: object
    signaalpunt: object
    initiative: object
    reach_report: object
    invitation: object
    coordinator_membership: object
    signal: object
    referral: object
    observation: object
    objects: dict  # one instance per admin-registered model
    survey_job: object = None  # a large survey upload of the officer, imported by a worker


def build_world() -> World:
    organisation = OrganisationFactory(name="Kapsalon De Schaar")
    signaalpunt = SignalHandlerOrganisationFactory(name="Welzijn Westland")
    staff = MembershipFactory(organisation=organisation, role=Role.STAFF).user
    coordinator_membership = MembershipFactory(organisation=organisation, role=Role.COORDINATOR)
    handler = MembershipFactory(organisation=signaalpunt, role=Role.HANDLER).user
    officer = UserFactory(is_officer=True)
    administrator = UserFactory(is_staff=True, is_superuser=True)
    # Every organisation role, in other organisations: the strongest test of object scoping.
    other = MembershipFactory(role=Role.COORDINATOR).user
    MembershipFactory(user=other, organisation=SignalHandlerOrganisationFactory(), role=Role.HANDLER)
    users = {
        "staff": staff,
        "coordinator": coordinator_membership.user,
        "handler": handler,
        "officer": officer,
        "administrator": administrator,
        "other": other,
    }
    for role in MFA_ROLES:
        add_totp(users[role])

    initiative = InitiativeFactory(organisation=organisation)
    reach_report = ReachReportFactory(initiative=initiative)
    invitation = Invitation.objects.create(
        organisation=organisation, email="nieuwe.collega@voorbeeld.nl", invited_by=coordinator_membership.user
    )
    signal = SignalFactory(
        filed_by=staff,
        filed_for=organisation,
        handling_organisation=signaalpunt,
        status=SignalStatus.REFERRED,
        share_with_provider=True,
    )
    referral = ReferralFactory(signal=signal, initiative=initiative, share_contact=True)
    observation = ObservationFactory()
    RoutingRuleFactory(organisation=signaalpunt, is_default=True)
    SignalSettings.current()
    Group.objects.create(name="Redactie")
    Survey.objects.create(year=2025, source="GGD Haaglanden", scale=11, imported_by=officer)
    ContactDetailsView.objects.create(user=handler, signal=signal, purpose="detail")
    Email.objects.create(kind="coalition.invitation", address="nieuw@voorbeeld.nl", subject="Uitnodiging", body="…")
    survey_job = ImportJob.objects.create(
        kind="survey", label="Enquête 2025", started_by=officer, total=300, status="klaar", result={"stored": 4}
    )

    objects = {}
    for model in admin.site._registry:
        preferred = {"Signal": signal, "User": staff, "Organisation": organisation, "Membership": None}
        instance = preferred.get(model.__name__) or model._default_manager.order_by("pk").first()
        assert instance is not None, f"the world has no {model.__name__} to open in the admin"
        objects[model] = instance
    objects[Membership] = coordinator_membership
    return World(
        users=users,
        organisation=organisation,
        signaalpunt=signaalpunt,
        initiative=initiative,
        reach_report=reach_report,
        invitation=invitation,
        coordinator_membership=coordinator_membership,
        signal=signal,
        referral=referral,
        observation=observation,
        objects=objects,
        survey_job=survey_job,
    )


def personal_data(signal) -> list[str]:
    """What of a resident a page may show only to SEES_PERSONAL_DATA, and only with an audit row."""
    return [
        signal.resident_name,
        signal.resident_phone,
        signal.resident_email,
        signal.resident_address,
        signal.note,
    ]


# --- The matrix ------------------------------------------------------------------------
# Columns: anonymous, staff, coordinator, handler, officer, administrator, other.


def url(name, *attrs, **kwargs):
    """A builder: reverse(name) with the primary keys of world attributes (or literal values)."""

    def build(world):
        args = [getattr(world, a).pk if isinstance(a, str) and hasattr(world, a) else a for a in attrs]
        return reverse(name, args=args or None, kwargs=kwargs or None)

    return build


def literal(path):
    return lambda world: path


REAUTHENTICATE = "/accounts/reauthenticate/?next={path}"
STEP_GET = signed_in(LOGIN, to("/signalen/{signal}/"))

# Columns: anonymous, staff, coordinator, handler, officer, administrator, other.
MATRIX: dict[str, Page] = {
    # Public pages.
    "home": Page(url("home"), everyone(OK)),
    "healthz": Page(url("healthz"), everyone(OK)),
    "coalition:initiative_list": Page(url("coalition:initiative_list"), everyone(OK)),
    "coalition:initiative_detail": Page(url("coalition:initiative_detail", "initiative"), everyone(OK)),
    "coalition:partner_list": Page(url("coalition:partner_list"), everyone(OK)),
    "coalition:open_data_initiatives": Page(url("coalition:open_data_initiatives"), everyone(OK)),
    "monitoring:progress": Page(url("monitoring:progress"), everyone(OK)),
    # Partner area: another organisation's objects are 404, officers and administrators see every organisation.
    "coalition:home": Page(url("coalition:home"), signed_in(LOGIN, OK)),
    "coalition:register": Page(url("coalition:register"), signed_in(LOGIN, OK)),
    "coalition:organisation": Page(
        url("coalition:organisation", "organisation"), row(LOGIN, OK, OK, NOT_FOUND, OK, OK, NOT_FOUND)
    ),
    "coalition:organisation_edit": Page(
        url("coalition:organisation_edit", "organisation"),
        row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "coalition:invite": Page(
        url("coalition:invite", "organisation"), row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    "coalition:revoke_invitation": Page(
        url("coalition:revoke_invitation", "invitation"),
        signed_in(LOGIN, NOT_ALLOWED),
        refused_all_but("coordinator"),
    ),
    # The token in the address is the secret: whoever holds it may open the page (and is told when it is not theirs).
    "coalition:accept_invitation": Page(
        lambda w: reverse("coalition:accept_invitation", args=[w.invitation.token]), signed_in(LOGIN, OK)
    ),
    "coalition:change_role": Page(
        url("coalition:change_role", "coordinator_membership"),
        signed_in(LOGIN, NOT_ALLOWED),
        refused_all_but("coordinator"),
    ),
    "coalition:remove_member": Page(
        url("coalition:remove_member", "coordinator_membership"),
        signed_in(LOGIN, NOT_ALLOWED),
        refused_all_but("coordinator"),
    ),
    "coalition:initiative_create": Page(
        url("coalition:initiative_create", "organisation"),
        row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "coalition:initiative_edit": Page(
        url("coalition:initiative_edit", "initiative"),
        row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "coalition:reach_report": Page(
        url("coalition:reach_report", "initiative", 2026, 3),
        row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "coalition:review_list": Page(
        url("coalition:review_list"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    "coalition:review": Page(
        url("coalition:review", "organisation"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    # The public intake: any resident, no account; the confirmation needs its signed link.
    "intake:start": Page(url("intake:start"), everyone(OK)),
    "intake:sent": Page(url("intake:sent"), everyone(to("/signaal-doorgeven/"))),
    # Signals: the filer's pages, the Signaalpunt's pages, the provider's pages.
    "signals:queue": Page(url("signals:queue"), signed_in(LOGIN, OK)),
    "signals:new": Page(url("signals:new"), row(LOGIN, OK, OK, OK, FORBIDDEN, FORBIDDEN, OK)),
    "signals:receipt": Page(
        url("signals:receipt", "signal"), row(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    "signals:handler_queue": Page(
        url("signals:handler_queue"), row(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK)
    ),
    "signals:detail": Page(
        url("signals:detail", "signal"), row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    # Workflow steps are POST-only; a GET (a reload after a form error) leads back to the
    # detail page, which does the access check (so the same answer for any signal number).
    "signals:take": Page(url("signals:take", "signal"), STEP_GET, refused_all_but("handler")),
    "signals:assign": Page(url("signals:assign", "signal"), STEP_GET, refused_all_but("handler")),
    "signals:log_contact": Page(url("signals:log_contact", "signal"), STEP_GET, refused_all_but("handler")),
    "signals:refer": Page(url("signals:refer", "signal"), STEP_GET, refused_all_but("handler")),
    "signals:close": Page(url("signals:close", "signal"), STEP_GET, refused_all_but("handler")),
    "signals:reopen": Page(url("signals:reopen", "signal"), STEP_GET, refused_all_but("handler")),
    "signals:erase": Page(
        url("signals:erase", "signal"), row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    "signals:export": Page(
        url("signals:export", "signal"), row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    "signals:referrals": Page(url("signals:referrals"), signed_in(LOGIN, OK)),
    "signals:referral": Page(
        url("signals:referral", "referral"), row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    ),
    # Monitoring: officers only.
    "monitoring:dashboard": Page(
        url("monitoring:dashboard"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    "monitoring:chart_csv": Page(
        url("monitoring:chart_csv", "partners-by-domain"),
        row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ),
    "monitoring:report": Page(
        url("monitoring:report"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    "monitoring:observations": Page(
        url("monitoring:observations"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    "monitoring:observation_create": Page(
        url("monitoring:observation_create"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    "monitoring:observation_edit": Page(
        url("monitoring:observation_edit", "observation"),
        row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ),
    "monitoring:survey_upload": Page(
        url("monitoring:survey_upload"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)
    ),
    # Without an upload waiting, the preview sends the officer back to the upload form.
    "monitoring:survey_preview": Page(
        url("monitoring:survey_preview"),
        row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, to("/monitor/enquetes/"), FORBIDDEN, FORBIDDEN),
    ),
    # A large upload's page (another officer's job is a 404: monitoring/tests/test_survey_jobs.py).
    "monitoring:survey_job": Page(
        url("monitoring:survey_job", "survey_job"),
        row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ),
    "monitoring:survey_job_status": Page(
        url("monitoring:survey_job_status", "survey_job"),
        row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ),
    # Accounts (allauth). Pages for signing in or up send a signed-in user home.
    "account_login": Page(url("account_login"), signed_in(OK, to("/"))),
    "account_logout": Page(url("account_logout"), signed_in(to("/"), OK)),  # a GET asks; only a POST signs out
    "account_inactive": Page(url("account_inactive"), everyone(OK)),
    "account_signup": Page(url("account_signup"), signed_in(OK, to("/"))),
    "account_reauthenticate": Page(url("account_reauthenticate"), signed_in(LOGIN, OK)),
    "account_request_reauthentication_code": Page(url("account_request_reauthentication_code"), signed_in(LOGIN, OK)),
    "account_confirm_reauthentication_code": Page(
        url("account_confirm_reauthentication_code"), signed_in(LOGIN, to("/accounts/reauthenticate/code/"))
    ),
    "account_email": Page(url("account_email"), signed_in(LOGIN, OK)),
    "account_email_verification_sent": Page(url("account_email_verification_sent"), everyone(OK)),
    "account_change_password": Page(url("account_change_password"), signed_in(LOGIN, OK)),
    "account_set_password": Page(url("account_set_password"), signed_in(LOGIN, to("/accounts/password/change/"))),
    "account_reset_password": Page(url("account_reset_password"), everyone(OK)),
    "account_confirm_login_code": Page(url("account_confirm_login_code"), signed_in(to("/accounts/login/"), to("/"))),
    # An unknown key shows allauth's "invalid or expired link" page.
    "account_confirm_email": Page(url("account_confirm_email", key="ongeldige-sleutel"), everyone(OK)),
    "account_reset_password_from_key_done": Page(url("account_reset_password_from_key_done"), everyone(OK)),
    "account_reset_password_from_key": Page(
        url("account_reset_password_from_key", uidb36="1", key="ongeldig"), everyone(OK)
    ),
    "account_reset_password_done": Page(url("account_reset_password_done"), everyone(OK)),
    # Second factor. Adding or removing one always asks for the password again (allauth).
    "mfa_index": Page(url("mfa_index"), signed_in(LOGIN, OK)),
    "mfa_authenticate": Page(url("mfa_authenticate"), signed_in(to("/accounts/login/"), to("/"))),
    "mfa_reauthenticate": Page(
        url("mfa_reauthenticate"),
        row(LOGIN, to("/accounts/reauthenticate/"), OK, OK, OK, OK, OK),
    ),
    "mfa_activate_totp": Page(url("mfa_activate_totp"), signed_in(LOGIN, to(REAUTHENTICATE))),
    "mfa_deactivate_totp": Page(
        url("mfa_deactivate_totp"),
        row(
            LOGIN,
            NOT_FOUND,
            to(REAUTHENTICATE),
            to(REAUTHENTICATE),
            to(REAUTHENTICATE),
            to(REAUTHENTICATE),
            to(REAUTHENTICATE),
        ),
    ),
    "mfa_view_recovery_codes": Page(url("mfa_view_recovery_codes"), signed_in(LOGIN, NOT_FOUND)),  # none generated yet
    "mfa_generate_recovery_codes": Page(url("mfa_generate_recovery_codes"), signed_in(LOGIN, to(REAUTHENTICATE))),
    "mfa_download_recovery_codes": Page(url("mfa_download_recovery_codes"), signed_in(LOGIN, NOT_FOUND)),
    "set_language": Page(url("set_language"), everyone(to("/"))),  # a GET changes nothing
    # The admin site's own pages (the model pages follow from ADMIN_PAGES below).
    "admin:index": Page(url("admin:index"), admin_only(OK)),
    "admin:login": Page(
        url("admin:login"), row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, to("/admin/"), FORBIDDEN)
    ),
    "admin:logout": Page(url("admin:logout"), {**everyone(to("/admin/")), "administrator": NOT_ALLOWED}),
    # Django's own password form, beside allauth's: reachable for administrators only.
    # allauth's password change (rate limited), not the admin's own.
    "admin:password_change": Page(url("admin:password_change"), admin_only(to("/accounts/password/change/"))),
    "admin:password_change_done": Page(url("admin:password_change_done"), admin_only(OK)),
    "admin:autocomplete": Page(url("admin:autocomplete"), admin_only(FORBIDDEN)),  # no field named
    "admin:jsi18n": Page(url("admin:jsi18n"), admin_only(OK)),
    # No model has get_absolute_url, so "view on site" finds nothing.
    "admin:view_on_site": Page(
        lambda w: reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(w.signal).pk, w.signal.pk]),
        admin_only(NOT_FOUND),
    ),
    "admin:app_list": Page(url("admin:app_list", app_label="signals"), admin_only(OK)),
    "admin:auth_user_password_change": Page(
        lambda w: reverse("admin:auth_user_password_change", args=[w.users["staff"].pk]), admin_only(OK)
    ),
    "admin/(?P<url>.*)$": Page(literal("/admin/bestaat-niet/"), admin_only(NOT_FOUND)),
}


# --- Walking the resolver ----------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name with its namespace, or the route for an unnamed pattern
    route: str
    callback: object


def walk(patterns=None, prefix="", namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield Pattern(key, route, pattern.callback)


def all_patterns() -> list[Pattern]:
    return list(walk())


def matrix_entries() -> dict[str, Page]:
    return {**MATRIX, **admin_entries()}


def _admin_url(kind, with_pk=False, suffix=""):
    def build(world, obj):
        if suffix:  # an unnamed pattern
            return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/"
        name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{kind}"
        return reverse(name, args=[obj.pk] if with_pk else None)

    return build


def _admin_job_url(kind):
    """A large import's page, of a job the administrator started (another's job is a 404:
    common/tests/test_import_jobs.py)."""

    def build(world, obj):
        job, _created = ImportJob.objects.get_or_create(
            kind=f"admin:{obj._meta.label_lower}",
            started_by=world.users["administrator"],
            defaults={"label": "x", "total": 300, "status": "klaar", "result": {"totals": {"new": 300}}},
        )
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{kind}", args=[job.pk])

    return build


# One line per kind of admin page of a registered model: its pattern key, how to build the
# URL from one object of the model, and the administrator's answer (nobody else gets in).
ADMIN_PAGES = {
    "changelist": ("admin:{app}_{model}_changelist", _admin_url("changelist"), OK),
    "add": ("admin:{app}_{model}_add", _admin_url("add"), OK),
    "history": ("admin:{app}_{model}_history", _admin_url("history", with_pk=True), OK),
    "delete": ("admin:{app}_{model}_delete", _admin_url("delete", with_pk=True), OK),  # the confirmation page
    "change": ("admin:{app}_{model}_change", _admin_url("change", with_pk=True), OK),
    "object": ("admin/{app}/{model}/<path:object_id>/", _admin_url("object", suffix="/"), to("{path}change/")),
    # django-import-export, on the models that offer CSV/XLSX imports and exports.
    "import": ("admin:{app}_{model}_import", _admin_url("import"), OK),
    "process_import": ("admin:{app}_{model}_process_import", _admin_url("process_import"), NOT_ALLOWED),
    "export": ("admin:{app}_{model}_export", _admin_url("export"), OK),
    "import_job": ("admin:{app}_{model}_import_job", _admin_job_url("import_job"), OK),
    "import_job_status": ("admin:{app}_{model}_import_job_status", _admin_job_url("import_job_status"), OK),
}
# Where a ModelAdmin refuses the administrator too.
ADMIN_EXCEPTIONS = {
    # Signals and the audit log are read-only: made by the workflow, never by hand.
    "admin:signals_signal_add": FORBIDDEN,
    "admin:signals_signal_delete": FORBIDDEN,
    "admin:signals_contactdetailsview_add": FORBIDDEN,
    "admin:signals_contactdetailsview_delete": FORBIDDEN,
    # One settings row, which is never deleted.
    "admin:signals_signalsettings_add": FORBIDDEN,
    "admin:signals_signalsettings_delete": FORBIDDEN,
    # Surveys come in through the officers' upload only.
    "admin:monitoring_survey_add": FORBIDDEN,
    # The outbox is written by the portal's changes, never by hand.
    "admin:common_email_add": FORBIDDEN,
    # Background imports are made by the import pages, never by hand.
    "admin:common_importjob_add": FORBIDDEN,
    # A second factor is set up by its owner (allauth), never added by a beheerder.
    "admin:mfa_authenticator_add": FORBIDDEN,
}


def admin_entries() -> dict[str, Page]:
    entries = {}
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        for pattern, build, answer in ADMIN_PAGES.values():
            key = pattern.format(app=app, model=name)

            def builder(world, model=model, build=build):
                return build(world, world.objects[model])

            entries[key] = Page(builder, admin_only(ADMIN_EXCEPTIONS.get(key, answer)))
    return entries


def sign_in(client: Client, user, role: str):
    if role in MFA_ROLES:
        sign_in_with_totp(client, user)
    else:
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
    assert "_auth_user_id" in client.session


@pytest.fixture
def world(settings):
    settings.PORTAL_ENFORCE_MFA = True
    # A running portal: its worker and beat work, so /healthz answers 200 without eager Celery too.
    from common import heartbeat

    heartbeat.record(heartbeat.WORKER)
    heartbeat.record(heartbeat.BEAT)
    return build_world()


def unknown_patterns() -> list[str]:
    entries = matrix_entries()
    return [f"{p.key}  ({p.route}, {p.callback.__module__})" for p in all_patterns() if p.key not in entries]


def test_every_url_pattern_has_an_entry_in_the_matrix():
    unknown = unknown_patterns()
    assert not unknown, (
        "These URL patterns have no entry in westland/tests/test_permission_matrix.py MATRIX; "
        "add one line each saying what every role gets:\n" + "\n".join(unknown)
    )
    keys = {pattern.key for pattern in all_patterns()}
    stale = sorted(set(MATRIX) - keys)
    assert not stale, f"MATRIX has entries for patterns that no longer exist: {stale}"
    assert set(ADMIN_EXCEPTIONS) <= set(admin_entries()), set(ADMIN_EXCEPTIONS) - set(admin_entries())


def test_an_unknown_pattern_is_named_in_the_failure(monkeypatch):
    """The guard itself: a pattern added without an entry is reported by its name."""
    extra = Pattern("signals:public_intake", "signaal-doorgeven/", test_an_unknown_pattern_is_named_in_the_failure)
    monkeypatch.setattr(sys.modules[__name__], "all_patterns", lambda: [*walk(), extra])
    assert any(line.startswith("signals:public_intake ") for line in unknown_patterns())


def csp_problem(response) -> str:
    policy = response.headers.get("Content-Security-Policy", "")
    if not policy:
        return "no Content-Security-Policy header"
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        return f"unsafe Content-Security-Policy: {policy}"
    if "default-src 'self'" not in policy or "script-src 'self'" not in policy:
        return f"Content-Security-Policy lacks default-src/script-src 'self': {policy}"
    return ""


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_HANDLER_OR_STYLE = re.compile(r"\s(?:on[a-z]+|style)=[\"']")
# django-import-export's export form has an inline onchange handler and style attributes:
# under the CSP its "select all" toggle does nothing (the export itself works).
INLINE_KNOWN = ("_export",)


def blocked_by_csp(html: str) -> list[str]:
    """Inline scripts, event handlers and style attributes: a CSP without 'unsafe-inline' blocks them."""
    return INLINE_SCRIPT.findall(html)[:2] + [m.group(0).strip() for m in INLINE_HANDLER_OR_STYLE.finditer(html)][:2]


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(world, role):
    """One walk per role over every URL pattern: status, redirect target, CSP, personal data."""
    assert not unknown_patterns(), "see test_every_url_pattern_has_an_entry_in_the_matrix"
    client = Client()
    if role != "anonymous":
        sign_in(client, world.users[role], role)
    entries = matrix_entries()
    secrets = personal_data(world.signal)
    problems = []
    html_pages = 0
    showed_personal_data = []
    for pattern in all_patterns():
        page = entries[pattern.key]
        path = page.url(world)
        audit_rows = ContactDetailsView.objects.count()
        response = client.get(path)
        where = f"{pattern.key} GET {path} as {role}"
        problem = page.answers[role].problem(response, client, path=path, signal=world.signal.pk)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        if response.get("Content-Type", "").startswith("text/html"):
            html_pages += response.status_code == 200
            if csp := csp_problem(response):
                problems.append(f"{where}: {csp}")
            if (inline := blocked_by_csp(body_of(response))) and not pattern.key.endswith(INLINE_KNOWN):
                problems.append(f"{where}: inline code the CSP blocks, so the page would not work: {inline}")
        shown = [secret for secret in secrets if secret in body_of(response)]
        if shown:
            showed_personal_data.append(pattern.key)
        if (shown or role != "anonymous") and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{where}: no 'Cache-Control: no-store', so a browser or proxy may keep the page")
        if shown and role not in SEES_PERSONAL_DATA:
            problems.append(f"{where}: shows a resident's personal data {shown} to a role that must not see it")
        elif shown and ContactDetailsView.objects.count() == audit_rows:
            problems.append(f"{where}: shows a resident's personal data {shown} without an audit row")
    assert not problems, f"{len(problems)} answers differ from the matrix:\n" + "\n".join(problems)
    assert html_pages >= 10, "the walk reached too few pages to mean anything"
    assert "_auth_user_id" in client.session or role == "anonymous", "the walk signed the user out"
    # The personal-data check above is not vacuous: the roles that may see it did, where expected.
    assert set(showed_personal_data) == EXPECTED_PERSONAL_DATA_PAGES.get(role, set()), showed_personal_data


# Where each role sees the resident of the world's signal (always with an audit row).
EXPECTED_PERSONAL_DATA_PAGES = {
    "handler": {"signals:detail", "signals:export"},
    "coordinator": {"signals:referral"},  # the resident agreed to share contact details with the initiative
    "administrator": {"admin:signals_signal_change"},
}


# What a privileged user without a second factor may still open (westland.middleware).
MFA_EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/i18n/setlang/", "/healthz")


@pytest.mark.parametrize("role", ["handler", "officer", "administrator"])
def test_privileged_users_without_totp_reach_only_the_mfa_setup(world, role):
    user = world.users[role]
    Authenticator.objects.filter(user=user).delete()
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    entries = matrix_entries()
    problems = []
    for pattern in all_patterns():
        path = entries[pattern.key].url(world)
        response = client.get(path)
        sent_to_setup = response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
        if path.startswith(MFA_EXEMPT_PREFIXES) == sent_to_setup:
            problems.append(f"{pattern.key} GET {path}: {response.status_code} {response.get('Location', '')}")
    assert not problems, "answers that break MFA enforcement:\n" + "\n".join(problems)


def fingerprint() -> tuple:
    """What a refused POST must leave as it was: row counts, and the states a POST could change."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from coalition.models import Initiative, Organisation
    from monitoring.models import Observation
    from signals.models import Referral, Signal

    labels = ("coalition", "signals", "monitoring", "account", "mfa", "auth")
    counts = [
        (m._meta.label, m._default_manager.count()) for label in labels for m in apps.get_app_config(label).get_models()
    ]
    states = [
        Signal.objects.values_list("pk", "status", "assigned_to", "personal_data_erased_at"),
        Referral.objects.values_list("pk", "status"),
        Invitation.objects.values_list("pk", "revoked_at", "accepted_at"),
        Membership.objects.values_list("pk", "role"),
        Organisation.objects.values_list("pk", "status", "is_signal_handler", "name"),
        Initiative.objects.values_list("pk", "status", "title"),
        Observation.objects.values_list("pk", "value"),
        get_user_model().objects.values_list("pk", "email", "is_active", "password"),
    ]
    return tuple(counts), tuple(tuple(queryset.order_by("pk")) for queryset in states)


@pytest.mark.parametrize("role", ROLES)
def test_a_post_by_a_role_refused_on_the_page_is_refused_too_and_changes_nothing(world, role):
    """No view lets through with POST what it refuses with GET (a forgotten check in post())."""
    client = Client()
    if role != "anonymous":
        sign_in(client, world.users[role], role)
    problems = []
    posts = 0
    before = fingerprint()
    for pattern in all_patterns():
        page = matrix_entries()[pattern.key]
        expected = refused_post_answers(page).get(role)
        if expected is None:
            continue
        path = page.url(world)
        response = client.post(path, {})
        posts += 1
        if response.status_code == 405:  # a page that takes no POST at all refuses it too
            continue
        if problem := expected.problem(response, client, path=path, signal=world.signal.pk):
            problems.append(f"{pattern.key} POST {path} as {role}: {problem}")
    assert not problems, f"{len(problems)} POSTs not refused as they should be:\n" + "\n".join(problems)
    assert posts >= 10, posts
    after = fingerprint()
    changed = [(old, new) for old, new in zip(before[0] + before[1], after[0] + after[1], strict=True) if old != new]
    assert not changed, f"refused POSTs as {role} changed data: {changed}"
