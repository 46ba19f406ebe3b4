"""Stub: being written."""

from django.views.generic import TemplateView


class ObservationListView(TemplateView):
    template_name = "home.html"


class ObservationCreateView(TemplateView):
    template_name = "home.html"


class ObservationUpdateView(TemplateView):
    template_name = "home.html"
