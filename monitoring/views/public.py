"""Public progress toward the 2028 targets (/voortgang/), for everyone."""

from django.views.generic import TemplateView

from ..dashboard import assembly


class ProgressView(TemplateView):
    """The four targets in plain words and the coalition by domain. Real figures only,
    never demo data; nothing about signals (by village they could point at residents of
    a small village)."""

    template_name = "monitoring/progress.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "progress": assembly.public_progress()}
