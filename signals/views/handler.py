"""Stub: being written."""

from django.views.generic import TemplateView


class HandlerQueueView(TemplateView):
    template_name = "home.html"


class SignalDetailView(TemplateView):
    template_name = "home.html"


class TakeView(TemplateView):
    template_name = "home.html"


class AssignView(TemplateView):
    template_name = "home.html"


class LogContactView(TemplateView):
    template_name = "home.html"


class ReferView(TemplateView):
    template_name = "home.html"


class CloseView(TemplateView):
    template_name = "home.html"


class ReopenView(TemplateView):
    template_name = "home.html"


class EraseView(TemplateView):
    template_name = "home.html"


class ExportView(TemplateView):
    template_name = "home.html"
