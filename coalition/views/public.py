"""Public pages: the social map (/activiteiten/) and the partner list (/partners/)."""

from django.views.generic import DetailView, ListView, TemplateView

from .. import selectors
from ..forms_public import InitiativeFilterForm


class InitiativeListView(ListView):
    """The social map, filtered by the GET form; the filters stay in every page link."""

    template_name = "coalition/initiative_list.html"
    context_object_name = "initiatives"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.form = InitiativeFilterForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.search_initiatives(**self.form.filters())

    def paginate_queryset(self, queryset, page_size):
        # A shared link may point past the last page once results have shrunk: show
        # the nearest page instead of a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
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
