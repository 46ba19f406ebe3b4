from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from .models import Observation, Target


class ObservationResource(resources.ModelResource):
    class Meta:
        model = Observation
        fields = [
            "id",
            "target",
            "year",
            "kern",
            "value",
            "ci_low",
            "ci_high",
            "respondents",
            "left_out",
            "source",
            "note",
        ]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "baseline_value", "baseline_year", "target_value", "target_year", "source"]
    ordering = ["position"]


@admin.register(Observation)
class ObservationAdmin(ImportExportModelAdmin):
    resource_classes = [ObservationResource]
    formats = [CSV, XLSX]
    list_display = ["target", "year", "kern", "value", "ci_low", "ci_high", "respondents", "source", "is_demo"]
    list_filter = ["target", "year", "is_demo"]
    list_select_related = ["target", "kern"]
