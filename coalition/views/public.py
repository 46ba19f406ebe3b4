"""Public pages: the social map (/activiteiten/) and the partner list (/partners/)."""

from django.views.generic import DetailView, ListView, TemplateView

from ..models import Initiative


class InitiativeListView(ListView):
    template_name = "coalition/initiative_list.html"

    def get_queryset(self):
        return Initiative.objects.published()


class InitiativeDetailView(DetailView):
    template_name = "coalition/initiative_detail.html"

    def get_queryset(self):
        return Initiative.objects.published()


class PartnerListView(TemplateView):
    template_name = "coalition/partner_list.html"
