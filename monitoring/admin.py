from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from common.admin import ReadOnlyHistoryInline, SpreadsheetImportExportMixin

from . import services
from .models import Observation, ObservationChange, Survey, Target
from .resources import ObservationResource


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "baseline_value", "baseline_year", "target_value", "target_year", "source"]
    ordering = ["position"]


class ObservationChangeInline(ReadOnlyHistoryInline):
    model = ObservationChange
    fields = ["changed_at", "changed_by", "changes"]
    verbose_name_plural = _("history")


@admin.register(Observation)
class ObservationAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [ObservationResource]
    list_display = ["target", "year", "kern", "value", "ci_low", "ci_high", "respondents", "source", "is_demo"]
    list_filter = ["target", "year", "is_demo"]
    list_select_related = ["target", "kern"]
    search_fields = ["source", "note"]
    readonly_fields = ["survey", "entered_by", "created_at"]
    inlines = [ObservationChangeInline]

    def save_model(self, request, obj, form, change):
        # Keep the observation's history, as services.save_observation does for officers.
        before = services.snapshot_observation(Observation.objects.select_for_update().get(pk=obj.pk)) if change else {}
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)
        services.remove_demo_duplicates(obj)
        services.record_observation_change(obj, before, request.user)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Imported surveys, read only: an import is made on the officers' upload page or with import_survey."""

    list_display = ["year", "source", "scale", "file_name", "imported_by", "imported_at"]
    list_filter = ["year", "scale"]
    list_select_related = ["imported_by"]
    readonly_fields = ["year", "source", "scale", "file_name", "imported_by", "imported_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
