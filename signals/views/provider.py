"""The provider's side of signals: a coordinator sees the referrals to their organisation's
initiatives, with only what the resident agreed to share, and reports what became of them.
Every view starts from Referral.objects.for_provider(user): another organisation's referral is 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from coalition.permissions import signed_in_with_second_factor
from common.forms import add_form_errors
from common.pagination import ForgivingPaginationMixin

from .. import services
from ..constants import ReferralStatus
from ..forms import ReferralStatusForm
from ..models import Referral

# What a provider may read of a signal; the note and the history are never loaded.
PROVIDER_FIELDS = [
    "status",
    "share_contact",
    "created_at",
    "updated_at",
    "initiative__title",
    "initiative__organisation_id",
    "signal__kern__name",
    "signal__age_group__name",
]
CONTACT_FIELDS = [
    "signal__resident_name",
    "signal__resident_phone",
    "signal__resident_email",
    "signal__resident_address",
    "signal__preferred_contact",
    "signal__preferred_time",
]


class ReferralListView(ForgivingPaginationMixin, LoginRequiredMixin, ListView):
    template_name = "signals/referral_list.html"
    context_object_name = "referrals"
    paginate_by = 20

    def get_queryset(self):
        return (
            Referral.objects.for_provider(self.request.user)
            .select_related("initiative", "signal__kern", "signal__age_group")
            .only(*PROVIDER_FIELDS)
            .order_by("-created_at", "-pk")
        )


class ReferralDetailView(LoginRequiredMixin, DetailView):
    """One referral. The resident's contact details show only when they agreed to share
    them with a provider, and every time they show, the audit log says so."""

    template_name = "signals/referral_detail.html"
    context_object_name = "referral"

    def get_queryset(self):
        return (
            Referral.objects.for_provider(self.request.user)
            .select_related("initiative", "signal__kern", "signal__age_group")
            .only(*PROVIDER_FIELDS, *CONTACT_FIELDS)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referral = self.object
        if "form" not in context:
            context["form"] = ReferralStatusForm(initial={"status": referral.status})
        signal = referral.signal
        context["shares_contact"] = referral.share_contact
        if referral.share_contact and signal.has_contact_details:
            if signed_in_with_second_factor(self.request):
                services.record_contact_view(user=self.request.user, signal=signal, purpose="referral")
                context["contact"] = signal
            else:
                context["needs_second_factor"] = True
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ReferralStatusForm(request.POST)
        if form.is_valid():
            try:
                services.update_referral(
                    referral_id=self.object.pk, actor=request.user, status=form.cleaned_data["status"]
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The referral to “%(title)s” is now: %(status)s.")
                    % {
                        "title": self.object.initiative.title,
                        "status": ReferralStatus(form.cleaned_data["status"]).label,
                    },
                )
                return redirect("signals:referral", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))
