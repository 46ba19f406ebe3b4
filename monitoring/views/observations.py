"""Officers add and correct measurements (observations); each change is kept in its history."""

from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, UpdateView

from coalition.permissions import OfficerRequiredMixin
from common.pagination import ForgivingPaginationMixin

from .. import services
from ..forms import ObservationForm
from ..models import Observation, Target


def history_rows(observation):
    """The observation's history with field labels, for the template."""
    labels = {name: Observation._meta.get_field(name).verbose_name for name in services.HISTORY_FIELDS}
    return [
        {
            "changed_at": change.changed_at,
            "changed_by": change.changed_by,
            "fields": [
                {"label": labels.get(name, name), "old": old, "new": new} for name, (old, new) in change.changes.items()
            ],
        }
        for change in observation.changes.select_related("changed_by")
    ]


class ObservationListView(ForgivingPaginationMixin, OfficerRequiredMixin, ListView):
    template_name = "monitoring/observation_list.html"
    context_object_name = "observations"
    paginate_by = 50

    def get_queryset(self):
        # The whole municipality (no village) first, on PostgreSQL as on SQLite.
        queryset = Observation.objects.select_related("target", "kern", "survey").order_by(
            "target__position", "-year", F("kern__position").asc(nulls_first=True), "kern__name", "pk"
        )
        self.target = Target.objects.filter(code=self.request.GET.get("target", "")).first()
        if self.target:
            queryset = queryset.filter(target=self.target)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["targets"] = Target.objects.all()
        context["current_target"] = self.target
        return context


class ObservationFormMixin(OfficerRequiredMixin):
    form_class = ObservationForm
    template_name = "monitoring/observation_form.html"

    def form_valid(self, form):
        observation = services.save_observation(
            user=self.request.user, data=form.cleaned_data, observation=form.instance, cleaned=True
        )
        messages.success(
            self.request,
            _("The measurement of %(year)s for “%(target)s” is saved.")
            % {"year": observation.year, "target": observation.target.title},
        )
        return redirect(f"{reverse('monitoring:observations')}?target={observation.target.code}")


class ObservationCreateView(ObservationFormMixin, CreateView):
    def get_initial(self):
        target = Target.objects.filter(code=self.request.GET.get("target", "")).first()
        return {"target": target} if target else {}


class ObservationUpdateView(ObservationFormMixin, UpdateView):
    context_object_name = "observation"

    def get_queryset(self):
        return Observation.objects.select_related("target", "kern", "survey")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "history": history_rows(self.object)}
