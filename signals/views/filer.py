"""The filer's side of signals: the staff form, the receipt and the filer's own list.

A filer sees the status of their signals only as constants.FILER_STATUS words it; never
the handler's notes and, once filed, never the resident's contact details again."""

import secrets

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView

from coalition import permissions
from coalition.constants import Role
from coalition.models import Initiative, Organisation
from common.pagination import ForgivingPaginationMixin

from .. import services
from ..constants import FILER_STATUS
from ..forms import SignalForm
from ..models import Signal, SignalSettings

# What the filer's pages read from a signal: no note, no contact field is ever decrypted.
FILER_FIELDS = [
    "number",
    "created_at",
    "status",
    "consent",
    "first_contact_due",
    "kern__name",
    "age_group__name",
    "handling_organisation__name",
]


class SignalCreateView(LoginRequiredMixin, UserPassesTestMixin, FormView):
    """/signalen/nieuw/: members of approved partners file a signal."""

    form_class = SignalForm
    template_name = "signals/signal_form.html"

    def test_func(self):
        return permissions.may_file_signals(self.request.user)

    @cached_property
    def organisations(self):
        """The approved organisations the user may file for."""
        return Organisation.objects.approved().filter(memberships__user=self.request.user).order_by("name")

    def get_initial(self):
        # One token per opened form: a second submit of the same form files nothing new.
        return {"submission_token": secrets.token_urlsafe(24)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "crisis_text": SignalSettings.current().crisis_text}

    def form_valid(self, form):
        organisation = form.cleaned_data.get("organisation") or self.organisations.first()
        signal = services.file_signal(
            cleaned_data=form.cleaned_data,
            signs=form.cleaned_data["signs"],
            user=self.request.user,
            organisation=organisation,
        )
        return redirect("signals:receipt", pk=signal.pk)


class FiledSignalsMixin:
    """The signals this user filed, with only what the filer may see of them."""

    def get_queryset(self):
        return (
            Signal.objects.filed_by_user(self.request.user)
            .select_related("kern", "age_group", "handling_organisation")
            .only(*FILER_FIELDS)
        )


class ReceiptView(LoginRequiredMixin, FiledSignalsMixin, DetailView):
    """The filer's receipt: the number and what happens next. Anyone else gets 404."""

    template_name = "signals/receipt.html"
    context_object_name = "signal"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filer_status"] = FILER_STATUS[self.object.status]
        return context


class QueueView(ForgivingPaginationMixin, LoginRequiredMixin, FiledSignalsMixin, ListView):
    """/signalen/: the signals this user filed, and the way to the other signal pages
    their roles open."""

    template_name = "signals/queue.html"
    context_object_name = "signals"
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        signals = list(context["signals"])
        for signal in signals:
            signal.filer_status = FILER_STATUS[signal.status]
        roles = permissions.roles_of(user)
        context.update(
            {
                "signals": signals,
                "object_list": signals,
                "may_file": bool(roles),
                "is_handler": Role.HANDLER in roles,
                "is_provider": Role.COORDINATOR in roles and Initiative.objects.managed_by(user).exists(),
            }
        )
        return context
