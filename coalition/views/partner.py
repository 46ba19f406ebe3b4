"""The partner area (/coalitie/): a user's organisations, members, invitations,
initiatives and reach reports. Every view starts from a queryset scoped to the user,
so another organisation's id gives 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from common.forms import add_form_errors

from .. import permissions, services
from ..constants import OrganisationStatus, Role
from ..forms import InitiativeForm, InvitationForm, OrganisationForm, ReachReportForm, RoleForm
from ..models import Initiative, Invitation, Membership, Organisation, ReachReport


def _with_due_reach(initiatives):
    for initiative in initiatives:
        reported = {(r.year, r.quarter) for r in initiative.reach_reports.all()}
        initiative.reach_due = services.reach_due(initiative, reported)
    return initiatives


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "coalition/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = (
            Membership.objects.filter(user=user)
            .select_related("organisation__domain")
            .annotate(
                initiative_count=Count("organisation__initiatives", distinct=True),
                member_count=Count("organisation__memberships", distinct=True),
            )
            .order_by("organisation__name")
        )
        managed = Initiative.objects.managed_by(user).select_related("organisation").prefetch_related("reach_reports")
        context = super().get_context_data(**kwargs)
        context["memberships"] = memberships
        context["reach_due"] = [i for i in _with_due_reach(managed.order_by("title")) if i.reach_due]
        context["is_officer"] = permissions.is_officer(user)
        if context["is_officer"]:
            context["pending_count"] = Organisation.objects.filter(status=OrganisationStatus.PENDING).count()
        return context


class RegisterOrganisationView(LoginRequiredMixin, CreateView):
    form_class = OrganisationForm
    template_name = "coalition/organisation_form.html"
    extra_context = {"registering": True}

    def form_valid(self, form):
        organisation = services.register_organisation(user=self.request.user, data=form.cleaned_data)
        messages.success(
            self.request,
            _("Thank you. %(name)s is registered; a municipality officer will review it soon.")
            % {"name": organisation.name},
        )
        return redirect("coalition:organisation", pk=organisation.pk)


class OrganisationMixin(LoginRequiredMixin):
    """The organisation from the URL, if the user belongs to it (404 otherwise)."""

    def get_organisation(self, manage=False):
        queryset = (
            Organisation.objects.managed_by(self.request.user)
            if manage
            else Organisation.objects.for_user(self.request.user)
        )
        return get_object_or_404(queryset.select_related("domain"), pk=self.kwargs["pk"])


class OrganisationDetailView(OrganisationMixin, DetailView):
    template_name = "coalition/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return self.get_organisation()

    def get_context_data(self, **kwargs):
        organisation = self.object
        user = self.request.user
        # A coordinator of a pending or rejected organisation sees its state and history too.
        is_coordinator = organisation.memberships.filter(user=user, role=Role.COORDINATOR).exists()
        initiatives = _with_due_reach(
            organisation.initiatives.prefetch_related("reach_reports", "kernen", "age_groups").order_by("title")
        )
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "is_coordinator": is_coordinator,
                "can_manage": is_coordinator and organisation.is_approved,
                "initiatives": initiatives,
                "memberships": organisation.memberships.select_related("user").order_by("user__email"),
                "invitations": organisation.invitations.open().select_related("message") if is_coordinator else [],
                "roles": services.allowed_roles(organisation),
                "events": organisation.events.select_related("actor")[:10] if is_coordinator else [],
            }
        )
        return context


class OrganisationUpdateView(OrganisationMixin, UpdateView):
    form_class = OrganisationForm
    template_name = "coalition/organisation_form.html"

    def get_object(self, queryset=None):
        return self.get_organisation(manage=True)

    def form_valid(self, form):
        services.save_organisation(
            user=self.request.user, data=form.cleaned_data, organisation=form.instance, cleaned=True
        )
        messages.success(self.request, _("The details of %(name)s are saved.") % {"name": form.instance.name})
        return redirect("coalition:organisation", pk=form.instance.pk)


class InviteView(OrganisationMixin, FormView):
    form_class = InvitationForm
    template_name = "coalition/invite_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = self.get_organisation(manage=True)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "roles": services.allowed_roles(self.organisation)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organisation": self.organisation}

    def form_valid(self, form):
        try:
            invitation = services.invite_member(
                organisation=self.organisation,
                inviter=self.request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
        return redirect("coalition:organisation", pk=self.organisation.pk)


class RevokeInvitationView(LoginRequiredMixin, View):
    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.for_user(request.user), pk=pk)
        services.revoke_invitation(invitation_id=invitation.pk, actor=request.user)
        messages.success(request, _("The invitation for %(email)s is withdrawn.") % {"email": invitation.email})
        return redirect("coalition:organisation", pk=invitation.organisation_id)


class AcceptInvitationView(LoginRequiredMixin, TemplateView):
    """The link from the invitation e-mail: after signing up or in, the invitee joins."""

    template_name = "coalition/accept_invitation.html"

    def get_invitation(self):
        invitation = Invitation.objects.select_related("organisation").filter(token=self.kwargs["token"]).first()
        if invitation is None:
            raise Http404
        return invitation

    def get_context_data(self, **kwargs):
        invitation = self.get_invitation()
        return {
            **super().get_context_data(**kwargs),
            "invitation": invitation,
            "wrong_address": invitation.email.lower() != self.request.user.email.lower(),
        }

    def post(self, request, token):
        try:
            membership = services.accept_invitation(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("coalition:accept_invitation", token=token)
        messages.success(
            request,
            _("Welcome to %(organisation)s. You are now %(role)s.")
            % {"organisation": membership.organisation.name, "role": membership.get_role_display()},
        )
        return redirect("coalition:organisation", pk=membership.organisation_id)


class MembershipActionView(LoginRequiredMixin, View):
    def get_membership(self):
        coordinated = Organisation.objects.managed_by(self.request.user)
        return get_object_or_404(
            Membership.objects.select_related("organisation", "user").filter(organisation__in=coordinated),
            pk=self.kwargs["pk"],
        )


class ChangeRoleView(MembershipActionView):
    def post(self, request, pk):
        membership = self.get_membership()
        form = RoleForm(request.POST, roles=services.allowed_roles(membership.organisation))
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose one of the roles."))
            services.change_role(membership_id=membership.pk, actor=request.user, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role of %(user)s is changed.") % {"user": membership.user.email})
        return redirect("coalition:organisation", pk=membership.organisation_id)


class RemoveMemberView(MembershipActionView):
    def post(self, request, pk):
        membership = self.get_membership()
        try:
            services.remove_member(membership_id=membership.pk, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(user)s is no longer a member.") % {"user": membership.user.email})
        return redirect("coalition:organisation", pk=membership.organisation_id)


class InitiativeFormMixin(LoginRequiredMixin):
    form_class = InitiativeForm
    template_name = "coalition/initiative_form.html"

    def form_valid(self, form):
        try:
            initiative = services.save_initiative(
                user=self.request.user,
                data=form.cleaned_data,
                initiative=form.instance,
                organisation=getattr(self, "organisation", None),
                cleaned=True,
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The initiative “%(title)s” is saved.") % {"title": initiative.title})
        return redirect("coalition:organisation", pk=initiative.organisation_id)


class InitiativeCreateView(InitiativeFormMixin, OrganisationMixin, CreateView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = self.get_organisation(manage=True)
        if not self.organisation.is_approved:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"contact_email": self.organisation.public_email, "contact_phone": self.organisation.public_phone}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organisation": self.organisation}


class InitiativeUpdateView(InitiativeFormMixin, UpdateView):
    def get_queryset(self):
        return Initiative.objects.managed_by(self.request.user).select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.object.organisation
        context["changes"] = self.object.changes.select_related("changed_by")[:10]
        return context


class ReachReportView(LoginRequiredMixin, FormView):
    """Create or correct one quarter's reach report of an initiative."""

    form_class = ReachReportForm
    template_name = "coalition/reach_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.initiative = get_object_or_404(
            Initiative.objects.managed_by(request.user).select_related("organisation"), pk=kwargs["pk"]
        )
        if kwargs["quarter"] not in (1, 2, 3, 4):
            raise Http404
        self.quarter = services.Quarter(kwargs["year"], kwargs["quarter"])
        self.report = (
            ReachReport.objects.filter(initiative=self.initiative, year=self.quarter.year, quarter=self.quarter.quarter)
            .prefetch_related(Prefetch("counts"))
            .first()
        )
        self.editable = services.reach_editable(self.quarter)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.report}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "initiative": self.initiative,
            "quarter": self.quarter,
            "editable": self.editable,
        }

    def post(self, request, *args, **kwargs):
        if not self.editable:
            messages.error(request, _("This quarter can no longer be changed."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.save_reach_report(
                form=form, user=self.request.user, initiative=self.initiative, quarter=self.quarter
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The reach of “%(title)s” in %(quarter)s is saved.")
            % {"title": self.initiative.title, "quarter": self.quarter},
        )
        return redirect(reverse("coalition:organisation", args=[self.initiative.organisation_id]))
