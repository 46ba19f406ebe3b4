"""The officers' dashboard (/monitor/), its CSV downloads and the council report.

Filters travel in the URL (a GET form), so that a view can be bookmarked and shared and
every CSV link carries the same filters as the page it is on.
"""

import csv
import hashlib
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coalition.permissions import OfficerRequiredMixin
from common.spreadsheets import escape_formula

from .. import selectors
from ..dashboard import assembly
from ..dashboard.cache import cached
from ..selectors import Filters, add_months, first_of_month

MAX_MONTHS = 120


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class PeriodForm(forms.Form):
    """A period of whole months; without one, the last twelve months."""

    hide_optional = True

    start = MonthField(label=gettext_lazy("From (month)"), help_text=gettext_lazy("Year and month, e.g. 2026-01."))
    end = MonthField(label=gettext_lazy("Up to and including (month)"))

    def __init__(self, data=None, **kwargs):
        default = Filters.default()
        data = data.copy() if data is not None else {}
        for name, month in (("start", default.start), ("end", default.end)):
            if not data.get(name):
                data[name] = f"{month:%Y-%m}"
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The last month comes before the first."))
            elif add_months(first_of_month(start), MAX_MONTHS) <= first_of_month(end):
                self.add_error("end", _("Choose a period of at most %(count)s months.") % {"count": MAX_MONTHS})
        return data

    def filters(self) -> Filters:
        """The filters to show: what validated, the defaults for the rest."""
        self.is_valid()
        data, default = self.cleaned_data, Filters.default()
        start, end = first_of_month(data.get("start") or default.start), first_of_month(data.get("end") or default.end)
        if "end" in self.errors or "start" in self.errors:
            start, end = default.start, default.end
        return Filters(start=start, end=end, **self.extra_filters(data))

    def extra_filters(self, data) -> dict:
        return {}

    def querystring(self) -> str:
        """The filters as they apply, for links (CSV) that must show the same."""
        filters = self.filters()
        params = {"start": f"{filters.start:%Y-%m}", "end": f"{filters.end:%Y-%m}"}
        for name in ("domain", "age_group", "kern"):
            value = self.cleaned_data.get(name)
            if value is not None:
                params[name] = value.code
        if self.cleaned_data.get("demo"):
            params["demo"] = "on"
        return urlencode(params)


class ReferenceChoiceField(forms.ChoiceField):
    """A choice of one of the monitor's reference lists (``selectors.Reference``), by code.
    The dashboard reads these lists anyway (cached): its filter form need not load them
    from the database a second time, nor look the chosen one up. Cleans to the
    ``selectors.Item`` chosen, or None."""

    def __init__(self, *, items: str, empty_label, **kwargs):
        self.items_name = items
        self.empty_label = empty_label
        self.items = {}
        super().__init__(choices=(), **kwargs)

    def use(self, reference: selectors.Reference):
        self.items = {item.code: item for item in getattr(reference, self.items_name)}
        self.choices = [("", self.empty_label), *((code, item.name) for code, item in self.items.items())]

    def clean(self, value):
        value = super().clean(value)
        return self.items.get(value) if value else None


class DashboardFilterForm(PeriodForm):
    domain = ReferenceChoiceField(
        label=gettext_lazy("Domain"), items="domains", required=False, empty_label=gettext_lazy("All domains")
    )
    age_group = ReferenceChoiceField(
        label=gettext_lazy("Age group"),
        items="age_groups",
        required=False,
        empty_label=gettext_lazy("All age groups"),
    )
    kern = ReferenceChoiceField(
        label=gettext_lazy("Village"), items="kernen", required=False, empty_label=gettext_lazy("All villages")
    )
    demo = forms.BooleanField(label=gettext_lazy("Include demo data (not real)"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        reference = selectors.reference()
        for name in ("domain", "age_group", "kern"):
            self.fields[name].use(reference)

    def extra_filters(self, data) -> dict:
        def pk(name):
            value = data.get(name)
            return value.id if value is not None else None

        return {
            "domain": pk("domain"),
            "age_group": pk("age_group"),
            "kern": pk("kern"),
            "include_demo": bool(data.get("demo")),
        }


class DashboardView(OfficerRequiredMixin, TemplateView):
    """The dashboard. Its content (filters, figures, tables) is the same for every officer
    who asks for the same filters, so it is cached rendered, under the data version that
    every change to the figures bumps: a warm request costs what any signed-in page costs,
    with no form, no aggregate and no chart to build."""

    template_name = "monitoring/dashboard.html"
    content_template_name = "monitoring/includes/dashboard_content.html"
    form_class = DashboardFilterForm
    FILTER_PARAMS = ("start", "end", "domain", "age_group", "kern", "demo")

    def content_key(self) -> str:
        """The filters as asked for, in the active language, this month (the default period)."""
        params = [(name, value[:40]) for name in self.FILTER_PARAMS for value in self.request.GET.getlist(name)[:2]]
        raw = f"{translation.get_language()}:{timezone.localdate():%Y-%m}:{urlencode(params)}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def render_content(self) -> str:
        form = self.form_class(self.request.GET)
        filters = form.filters()
        context = {
            "form": form,
            "filters": filters,
            "dashboard": assembly.dashboard(filters),
            "query": form.querystring(),
            "is_filtered": any(self.request.GET.get(name) for name in ("domain", "age_group", "kern", "demo")),
        }
        return render_to_string(self.content_template_name, context)

    def get_context_data(self, **kwargs):
        content = cached("dashboard-page", self.content_key(), self.render_content)
        return {**super().get_context_data(**kwargs), "content": mark_safe(content)}  # noqa: S308  # nosec: our autoescaped template


class ChartCSVView(OfficerRequiredMixin, View):
    """One chart's table as CSV, for the same filters as the page it was linked from."""

    def get(self, request, chart):
        form = DashboardFilterForm(request.GET)
        filters = form.filters()
        found = assembly.dashboard(filters).chart(chart)
        if found is None:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"{slugify(found.title) or found.slug}-{filters.start:%Y-%m}-{filters.end:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(response)
        for row in found.table.csv_rows():
            # Text that a spreadsheet would run as a formula is escaped; numbers stay numbers.
            writer.writerow([escape_formula(value) if isinstance(value, str) else value for value in row])
        return response


class ReportView(OfficerRequiredMixin, TemplateView):
    """A printable report for the council: targets, the coalition and signals in a period."""

    template_name = "monitoring/report.html"

    def get_context_data(self, **kwargs):
        form = PeriodForm(self.request.GET)
        filters = form.filters()
        dashboard = assembly.dashboard(filters)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "filters": filters,
            "dashboard": dashboard,
            "tables": {chart.slug: chart for chart in dashboard.coalition + dashboard.signals},
            "today": timezone.localdate(),
        }
