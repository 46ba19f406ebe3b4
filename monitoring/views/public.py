"""Stub: being written."""

from django.views.generic import TemplateView


class ProgressView(TemplateView):
    template_name = "home.html"
