"""Public pages: the social map (/activiteiten/) and the partner list (/partners/)."""

from django.views.generic import DetailView, ListView, TemplateView

from common.pagination import ForgivingPaginationMixin

from .. import selectors
from ..forms_public import InitiativeFilterForm


class InitiativeListView(ForgivingPaginationMixin, ListView):
    """The social map, filtered by the GET form; the filters stay in every page link."""

    template_name = "coalition/initiative_list.html"
    context_object_name = "initiatives"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.form = InitiativeFilterForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.search_initiatives(**self.form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        return context


class InitiativeDetailView(DetailView):
    """One initiative of the social map; anything not published answers 404."""

    template_name = "coalition/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self):
        return selectors.published_initiatives()


class PartnerListView(TemplateView):
    """Approved partners by domain; an empty domain invites organisations to join."""

    template_name = "coalition/partner_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        domains = list(selectors.partners_by_domain())
        context["domains"] = domains
        context["partner_count"] = sum(len(domain.partners) for domain in domains)
        context["empty_domain_count"] = sum(1 for domain in domains if not domain.partners)
        return context
