"""Officers (beleidsmedewerkers) admit partners: approve, reject, deactivate, and mark
signal-handling organisations. Every change goes through coalition.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from common.forms import add_form_errors

from .. import services
from ..constants import OrganisationStatus
from ..forms import DecisionForm
from ..models import Organisation
from ..permissions import OfficerRequiredMixin


class OrganisationReviewListView(OfficerRequiredMixin, ListView):
    template_name = "coalition/review_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        queryset = (
            Organisation.objects.for_user(self.request.user)
            .select_related("domain")
            .annotate(member_count=Count("memberships", distinct=True))
            .order_by("name")
        )
        status = self.request.GET.get("status", OrganisationStatus.PENDING)
        if status in OrganisationStatus.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        counts = dict(Organisation.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        current = self.request.GET.get("status", OrganisationStatus.PENDING)
        tabs = [
            {"value": value, "label": label, "count": counts.get(value, 0), "current": value == current}
            for value, label in OrganisationStatus.choices
        ]
        return {**super().get_context_data(**kwargs), "tabs": tabs}


class OrganisationReviewView(OfficerRequiredMixin, DetailView):
    template_name = "coalition/review.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return (
            Organisation.objects.for_user(self.request.user)
            .select_related("domain")
            .prefetch_related("kernen", "memberships__user")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DecisionForm())
        context["events"] = self.object.events.select_related("actor")
        context["transitions"] = {
            decision: self.object.status in allowed for decision, (allowed, _to) in services.TRANSITIONS.items()
        }
        return context

    def post(self, request, pk):
        self.object = organisation = get_object_or_404(self.get_queryset(), pk=pk)
        if "signal_handler" in request.POST:
            try:
                services.set_signal_handler(
                    organisation_id=organisation.pk,
                    officer=request.user,
                    is_handler=request.POST["signal_handler"] == "on",
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Saved."))
            return redirect("coalition:review", pk=organisation.pk)

        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                event = services.decide_organisation(
                    organisation_id=organisation.pk,
                    officer=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is now %(status)s. The coordinators receive an e-mail.")
                    % {"name": organisation.name, "status": event.get_to_status_display()},
                )
                return redirect("coalition:review", pk=organisation.pk)
        return self.render_to_response(self.get_context_data(form=form))
