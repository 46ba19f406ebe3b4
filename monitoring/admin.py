from django.contrib import admin
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
        # As the officers' form: the model form ran Observation.clean(); the service saves
        # and keeps the history.
        services.save_observation(user=request.user, data=form.cleaned_data, observation=obj, cleaned=True)


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
