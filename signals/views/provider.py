"""Stub: being written."""

from django.views.generic import TemplateView


class ReferralListView(TemplateView):
    template_name = "home.html"


class ReferralDetailView(TemplateView):
    template_name = "home.html"
