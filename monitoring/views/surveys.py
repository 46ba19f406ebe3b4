"""Stub: being written."""

from django.views.generic import TemplateView


class SurveyUploadView(TemplateView):
    template_name = "home.html"


class SurveyPreviewView(TemplateView):
    template_name = "home.html"
