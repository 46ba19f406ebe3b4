"""Stub: being written."""

from django.views.generic import TemplateView


class QueueView(TemplateView):
    template_name = "home.html"


class SignalCreateView(TemplateView):
    template_name = "home.html"


class ReceiptView(TemplateView):
    template_name = "home.html"
