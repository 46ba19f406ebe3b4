from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm
from import_export.tmp_storages import CacheStorage

from westland.uploads import check_upload_size, upload_help_text

from .models import (
    AgeGroup,
    Domain,
    Initiative,
    InitiativeChange,
    Kern,
    Membership,
    Organisation,
    OrganisationEvent,
    ReachCount,
    ReachReport,
    User,
)
from .resources import (
    SPREADSHEET_FORMATS,
    InitiativeResource,
    OrganisationResource,
    ReachReportResource,
    record_initiative_change,
    snapshot_initiative,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_officer", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_officer", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name"]}),
        (_("Global roles"), {"fields": ["is_officer", "is_staff", "is_superuser", "is_active"]}),
        (_("Permissions"), {"fields": ["groups", "user_permissions"], "classes": ["collapse"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


# django-import-export's Dutch catalogue leaves these messages of the import and export
# pages untranslated. The portal's catalogue translates them (LOCALE_PATHS come before an
# app's catalogue); they are listed here so that makemessages keeps them.
LIBRARY_MESSAGES = (
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop("The following fields are declared in 'import_id_fields' but are not present in the file headers: %s"),
    gettext_noop("Value could not be parsed."),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Resource"),
)


class SizeLimitedImportForm(ImportForm):
    """The library's import form, refusing a file above PORTAL_MAX_UPLOAD_MB beside the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = upload_help_text()

    def clean_import_file(self):
        return check_upload_size(self.cleaned_data["import_file"])


class SpreadsheetImportExportMixin:
    """Import and export as CSV or XLSX (resources in ``coalition/resources.py``).

    Set here rather than in settings, so that these admins keep their rules whatever
    the global django-import-export settings are.
    """

    formats = SPREADSHEET_FORMATS
    import_form_class = SizeLimitedImportForm
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    # Imported rows appear in the admin's history, like any other change.
    skip_admin_log = False
    # The uploaded file waits for the confirm step in the cache (Redis in production),
    # not in one machine's /tmp: the confirm may reach another web process, and an
    # abandoned preview expires instead of staying on disk.
    tmp_storage_class = CacheStorage
    # Row numbers and messages only: no tracebacks, no cell values echoed back.
    import_error_display = ("message",)

    def has_import_permission(self, request):
        # django-import-export lets any staff user import unless a global setting says
        # otherwise; an import adds and changes rows, so it needs both permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # An error of the whole file (missing columns) is shown by the library under a bare
        # heading, with a traceback: show its message beside the file field instead.
        context = getattr(response, "context_data", None) or {}
        result, form = context.get("result"), context.get("form")
        if result is not None and form is not None and result.base_errors:
            for error in result.base_errors:
                form.add_error("import_file", _file_error_message(error.error))
            result.base_errors = []
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The resource rolled every row back; the library would still say "Import finished".
            rows = sorted(
                {number for number, _errors in result.row_errors()} | {row.number for row in result.invalid_rows}
            )
            messages.error(
                request,
                ngettext(
                    "Nothing was imported: row %(rows)s has errors. Upload the file again to see them.",
                    "Nothing was imported: rows %(rows)s have errors. Upload the file again to see them.",
                    len(rows),
                )
                % {"rows": ", ".join(map(str, rows))},
            )
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)


def _file_error_message(error):
    if isinstance(error, ValidationError):
        return error.messages
    # Anything else (a database error) is no message for an administrator; it is logged.
    return gettext("The file could not be imported. Check its columns and values, and try again.")


class ReadOnlyHistoryInline(admin.TabularInline):
    """Append-only history: shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationEventInline(ReadOnlyHistoryInline):
    model = OrganisationEvent
    fields = ["created_at", "actor", "from_status", "to_status", "note", "notified_at"]
    verbose_name_plural = _("history")


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "domain", "status", "is_signal_handler", "is_demo"]
    list_filter = ["status", "domain", "is_signal_handler", "is_demo"]
    list_select_related = ["domain"]
    search_fields = ["name", "kvk_number"]
    filter_horizontal = ["kernen"]
    # Status and the Signaalpunt role change through an officer's decision
    # (services.decide_organisation / set_signal_handler), never by editing the row.
    readonly_fields = ["status", "is_signal_handler", "decision", "reminded_at", "created_at", "updated_at"]
    inlines = [MembershipInline, OrganisationEventInline]

    @admin.display(description=_("approval"))
    def decision(self, obj):
        if obj is None or obj.pk is None:
            return gettext("A new organisation starts as pending; an officer decides in the partner area.")
        return format_html(
            '<a href="{}">{}</a>', reverse("coalition:review", args=[obj.pk]), gettext("Decide in the partner area")
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            OrganisationEvent.objects.create(
                organisation=obj, actor=request.user, to_status=obj.status, note=gettext("Added in the admin")
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Domain, Kern, AgeGroup)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]


class InitiativeChangeInline(ReadOnlyHistoryInline):
    model = InitiativeChange
    fields = ["changed_at", "changed_by", "changes"]
    verbose_name_plural = _("history")


@admin.register(Initiative)
class InitiativeAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [InitiativeResource]
    list_display = [
        "title",
        "organisation",
        "kind",
        "frequency",
        "status",
        "accepts_referrals",
        "updated_at",
        "is_demo",
    ]
    list_filter = [
        "status",
        "kind",
        "frequency",
        "accepts_referrals",
        "is_online",
        "is_free",
        "age_groups",
        "kernen",
        "organisation__domain",
        "is_demo",
    ]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name", "contact_name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["age_groups", "kernen"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    inlines = [InitiativeChangeInline]

    def save_model(self, request, obj, form, change):
        # Keep the initiative's history, as services.save_initiative does for partners.
        obj._history_before = (
            snapshot_initiative(Initiative.objects.select_for_update().get(pk=obj.pk)) if change else {}
        )
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_initiative_change(form.instance, form.instance._history_before, request.user)


class ReachCountInline(admin.TabularInline):
    model = ReachCount
    extra = 0


@admin.register(ReachReport)
class ReachReportAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [ReachReportResource]
    list_display = [
        "initiative",
        "organisation",
        "year",
        "quarter",
        "participants",
        "new_participants",
        "volunteers",
        "meetings",
        "is_demo",
    ]
    list_filter = ["year", "quarter", "initiative__organisation__domain", "is_demo"]
    list_select_related = ["initiative__organisation"]
    search_fields = ["initiative__title", "initiative__organisation__name"]
    autocomplete_fields = ["initiative"]
    readonly_fields = ["reported_by", "created_at", "updated_at"]
    inlines = [ReachCountInline]

    @admin.display(description=_("organisation"), ordering="initiative__organisation__name")
    def organisation(self, obj):
        return obj.initiative.organisation

    def save_model(self, request, obj, form, change):
        obj.reported_by = request.user
        super().save_model(request, obj, form, change)
