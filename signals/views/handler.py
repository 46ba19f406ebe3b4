"""The Signaalpunt (opvolgers) follows signals up: a queue, one signal in detail, and one
small POST view per workflow step. Every view starts from ``Signal.objects.handled_by``,
so a signal of another organisation answers 404; every step goes through
signals.services, which checks the transition and writes the history."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from coalition import permissions
from coalition.constants import Role
from common.forms import add_form_errors
from common.pagination import ForgivingPaginationMixin

from .. import services
from ..constants import OPEN_STATUSES, SignalStatus
from ..forms_handler import (
    STATUS_ALL,
    STATUS_OPEN,
    AssignForm,
    CloseForm,
    LogContactForm,
    QueueFilterForm,
    ReferForm,
    ReopenForm,
)
from ..managers import overdue
from ..models import Signal


class HandlerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Opvolgers of an approved organisation; anyone else signed in gets 403."""

    def test_func(self):
        return Role.HANDLER in permissions.roles_of(self.request.user)


class HandlerQueueView(ForgivingPaginationMixin, HandlerRequiredMixin, ListView):
    """The signals of the user's organisation(s): overdue first, then by due date.

    Shows no name or contact detail of a resident: the queue is a worklist, the detail
    page (with its audit row) is where contact details are seen."""

    template_name = "signals/handler_queue.html"
    context_object_name = "signals"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        self.form = QueueFilterForm(request.GET or None)
        self.filters = self.form.filters()
        self.today = timezone.localdate()
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        """Every filter except the status: the status tabs count within this selection."""
        queryset = Signal.objects.handled_by(self.request.user)
        if self.filters["kern"]:
            queryset = queryset.filter(kern=self.filters["kern"])
        if self.filters["age_group"]:
            queryset = queryset.filter(age_group=self.filters["age_group"])
        if self.filters["overdue"]:
            queryset = queryset.filter(overdue(self.today))
        if self.filters["mine"]:
            queryset = queryset.filter(assigned_to=self.request.user)
        return queryset

    def get_queryset(self):
        queryset = self.get_base_queryset()
        status = self.filters["status"]
        if status == STATUS_OPEN:
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        elif status != STATUS_ALL:
            queryset = queryset.filter(status=status)
        return queryset.annotate(
            overdue_rank=Case(When(overdue(self.today), then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("overdue_rank", F("first_contact_due").asc(nulls_last=True), "created_at", "pk")

    def paginate_queryset(self, queryset, page_size):
        """Order and cut the page on ids alone (read from signal_queue_order_idx, however
        many signals are open), then load only the page's signals with what a row shows."""
        paginator, page, ids, is_paginated = super().paginate_queryset(queryset.values_list("pk", flat=True), page_size)
        ids = list(ids)
        signals = (
            Signal.objects.filter(pk__in=ids)
            # The queue never shows personal data, so it does not even load (and decrypt) it.
            .defer(*services.PERSONAL_FIELDS)
            .select_related("kern", "age_group", "assigned_to")
            .prefetch_related("signs")
            .in_bulk()
        )
        page.object_list = [signals[pk] for pk in ids]
        return paginator, page, page.object_list, is_paginated

    def get_status_counts(self):
        """Counts per status in one query (conditional aggregation in the database)."""
        aggregates = {status: Count("pk", filter=Q(status=status)) for status in SignalStatus.values}
        aggregates["overdue_count"] = Count("pk", filter=overdue(self.today))
        return self.get_base_queryset().order_by().aggregate(**aggregates)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.get_status_counts()
        current = self.filters["status"]
        tabs = [
            {
                "value": STATUS_OPEN,
                "label": _("Open"),
                "count": sum(counts[status] for status in OPEN_STATUSES),
            },
            *({"value": value, "label": label, "count": counts[value]} for value, label in SignalStatus.choices),
            {"value": STATUS_ALL, "label": _("All"), "count": sum(counts[status] for status in SignalStatus.values)},
        ]
        for tab in tabs:
            tab["current"] = tab["value"] == current
        context.update(
            {
                "form": self.form,
                "tabs": tabs,
                "overdue_count": counts["overdue_count"],
            }
        )
        return context


class SignalMixin(LoginRequiredMixin):
    """The signal from the URL if the user is an opvolger of its handling organisation;
    404 for everyone else (officers, filers, other organisations)."""

    @method_decorator(never_cache)  # pages with personal data stay out of browser caches
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_signal(self):
        queryset = Signal.objects.handled_by(self.request.user).select_related(
            "kern", "age_group", "assigned_to", "outcome", "handling_organisation", "filed_for"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def detail_url(self, signal):
        return reverse("signals:detail", args=[signal.pk])

    def render_detail(self, signal, **forms):
        """The detail page, with the forms given (bound, with errors) or fresh ones."""
        user = self.request.user
        forms.setdefault("assign_form", AssignForm(signal=signal))
        forms.setdefault("contact_form", LogContactForm())
        forms.setdefault("refer_form", ReferForm(signal=signal))
        forms.setdefault("close_form", CloseForm(signal=signal))
        forms.setdefault("reopen_form", ReopenForm())
        # Audit: this render shows the resident's contact details (no row if there are none).
        services.record_contact_view(user=user, signal=signal, purpose="detail")
        context = {
            "signal": signal,
            "signs": signal.signs.all(),
            "events": signal.events.select_related("actor"),
            "contacts": signal.contacts.select_related("by"),
            "referrals": signal.referrals.select_related("initiative__organisation"),
            "actions": {step: signal.status in allowed for step, allowed in services.ALLOWED_FROM.items()},
            **forms,
        }
        return TemplateResponse(self.request, "signals/detail.html", context)


class SignalDetailView(SignalMixin, View):
    def get(self, request, pk):
        return self.render_detail(self.get_signal())


class SignalActionView(SignalMixin, View):
    """One workflow step: validate the small form, call the service, redirect back with a
    message. On a field error the detail page shows the form again and nothing is stored.
    A step the current status does not allow (a stale page) is refused before the form is
    looked at, with the message the service gives; the service checks again under lock."""

    step = ""
    form_class = None
    form_name = ""
    form_takes_signal = False  # the form's choices depend on the signal

    def get(self, request, pk):
        # Reloading the address of a form shown with errors lands on the detail page.
        return redirect("signals:detail", pk=pk)

    def get_form(self, signal):
        if self.form_takes_signal:
            return self.form_class(self.request.POST, signal=signal)
        return self.form_class(self.request.POST)

    def perform(self, signal, data):
        raise NotImplementedError

    def success_message(self, signal, result):
        raise NotImplementedError

    def check_step(self, signal):
        services.check_step(signal, self.step)

    def post(self, request, pk):
        signal = self.get_signal()
        form = self.get_form(signal) if self.form_class else None
        try:
            self.check_step(signal)
            if form is None or form.is_valid():
                result = self.perform(signal, form.cleaned_data if form else {})
                messages.success(request, self.success_message(signal, result))
                return redirect(self.detail_url(signal))
        except PermissionDenied:
            raise Http404 from None
        except services.TransitionNotAllowed as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.detail_url(signal))
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect(self.detail_url(signal))
            add_form_errors(form, error)
        return self.render_detail(signal, **{self.form_name: form})


class TakeView(SignalActionView):
    step = "take"

    def perform(self, signal, data):
        return services.take(signal_id=signal.pk, actor=self.request.user)

    def success_message(self, signal, result):
        return _("You have taken signal %(number)s.") % {"number": signal.number}


class AssignView(SignalActionView):
    step = "assign"
    form_class = AssignForm
    form_name = "assign_form"
    form_takes_signal = True

    def perform(self, signal, data):
        return services.assign(signal_id=signal.pk, actor=self.request.user, assignee=data["assignee"])

    def success_message(self, signal, result):
        return _("Signal %(number)s is assigned to %(name)s.") % {
            "number": signal.number,
            "name": result.assigned_to.get_full_name(),
        }


class LogContactView(SignalActionView):
    step = "log_contact"
    form_class = LogContactForm
    form_name = "contact_form"

    def perform(self, signal, data):
        return services.log_contact(
            signal_id=signal.pk, actor=self.request.user, date=data["date"], way=data["way"], note=data["note"]
        )

    def success_message(self, signal, result):
        return _("The contact of %(date)s is saved.") % {"date": result.date.strftime("%d-%m-%Y")}


class ReferView(SignalActionView):
    step = "refer"
    form_class = ReferForm
    form_name = "refer_form"
    form_takes_signal = True

    def perform(self, signal, data):
        return services.refer(signal_id=signal.pk, actor=self.request.user, initiatives=data["initiatives"])

    def success_message(self, signal, result):
        titles = ", ".join(referral.initiative.title for referral in result)
        if result and result[0].share_contact:
            return _("Referred to %(titles)s. The provider receives the resident's contact details.") % {
                "titles": titles
            }
        return _("Referred to %(titles)s. The provider receives no name or contact details.") % {"titles": titles}


class CloseView(SignalActionView):
    step = "close"
    form_class = CloseForm
    form_name = "close_form"
    form_takes_signal = True

    def perform(self, signal, data):
        return services.close(signal_id=signal.pk, actor=self.request.user, outcome=data["outcome"], note=data["note"])

    def success_message(self, signal, result):
        if result.personal_data_erased_at:
            return _("Signal %(number)s is closed as misuse; its personal data are erased.") % {"number": signal.number}
        return _("Signal %(number)s is closed.") % {"number": signal.number}


class ReopenView(SignalActionView):
    step = "reopen"
    form_class = ReopenForm
    form_name = "reopen_form"

    def perform(self, signal, data):
        return services.reopen(signal_id=signal.pk, actor=self.request.user, reason=data["reason"])

    def success_message(self, signal, result):
        return _("Signal %(number)s is reopened.") % {"number": signal.number}


class EraseView(SignalMixin, TemplateView):
    """Right to erasure: a confirmation page, then the personal data are erased at once."""

    template_name = "signals/erase_confirm.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signal": self.get_signal()}

    def post(self, request, pk):
        signal = self.get_signal()
        try:
            services.erase_personal_data(signal_id=signal.pk, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request,
            _("The personal data of signal %(number)s are erased. The anonymous record remains.")
            % {"number": signal.number},
        )
        return redirect(self.detail_url(signal))


class ExportView(SignalMixin, View):
    """Right of access: everything held about the signal as a JSON download (audited)."""

    def get(self, request, pk):
        try:
            data = services.export_signal(signal_id=pk, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="signaal-{data["number"]}.json"'
        return response
