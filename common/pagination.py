"""Pagination shared by every list of the portal."""


class ForgivingPaginationMixin:
    """For a ListView: a link past the last page (a shared or bookmarked search whose
    results have shrunk) shows the nearest page instead of a 404, and the template gets
    ``page_range``, the page numbers with gaps that includes/pagination.html draws."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        return context
