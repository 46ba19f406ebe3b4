"""Stub: being written."""

from django.views.generic import TemplateView


class DashboardView(TemplateView):
    template_name = "home.html"


class ChartCSVView(TemplateView):
    template_name = "home.html"


class ReportView(TemplateView):
    template_name = "home.html"
