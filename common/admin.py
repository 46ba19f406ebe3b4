"""Admin building blocks every app's admin uses (spreadsheet import and export, read-only
history inlines), and the outbox, where a beheerder sees what was not delivered."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm
from import_export.tmp_storages import CacheStorage

from . import outbox
from .admin_imports import BackgroundImportMixin, file_error_message, rows_with_errors
from .models import Email, ImportJob
from .spreadsheets import SPREADSHEET_FORMATS
from .uploads import check_upload_size, upload_help_text

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


class SpreadsheetImportExportMixin(BackgroundImportMixin):
    """Import and export as CSV or XLSX (each app's ``resources.py``, built on ``common.spreadsheets``).

    Set here rather than in settings, so that these admins keep their rules whatever
    the global django-import-export settings are. A file of more than
    PORTAL_BACKGROUND_IMPORT_ROWS rows is checked and imported by a worker
    (``common.admin_imports``).
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
        if request.method == "POST" and self.has_import_permission(request):
            started = self.start_background_import(request)
            if started is not None:
                return started
        response = super().import_action(request, **kwargs)
        # An error of the whole file (missing columns) is shown by the library under a bare
        # heading, with a traceback: show its message beside the file field instead.
        context = getattr(response, "context_data", None) or {}
        result, form = context.get("result"), context.get("form")
        if result is not None and form is not None and result.base_errors:
            for error in result.base_errors:
                form.add_error("import_file", file_error_message(error.error))
            result.base_errors = []
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The resource rolled every row back; the library would still say "Import finished".
            rows = rows_with_errors(result)
            if rows:
                message = ngettext(
                    "Nothing was imported: row %(rows)s has errors. Upload the file again to see them.",
                    "Nothing was imported: rows %(rows)s have errors. Upload the file again to see them.",
                    len(rows),
                ) % {"rows": ", ".join(map(str, rows))}
            else:
                # A batch the database refused (bulk imports): no row to name.
                message = gettext("Nothing was imported: the database refused the file's rows. Try again later.")
            messages.error(request, message)
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)


class ReadOnlyHistoryInline(admin.TabularInline):
    """Append-only history: shown, never added, changed or deleted here."""

    # The columns of a change record (who changed which fields when); an inline of another
    # kind of history names its own.
    fields = ["changed_at", "changed_by", "changes"]
    verbose_name_plural = _("history")
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


class RecordAdmin(admin.ModelAdmin):
    """A record of what the portal did (an e-mail, a background import), listed newest
    first by status and kind: a beheerder reads it, nobody adds or edits one here."""

    list_filter = ["status", "kind"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Email)
class EmailAdmin(RecordAdmin):
    """The outbox, read only: what waits, what failed and why, and "send again"."""

    list_display = ["created_at", "kind", "to", "status", "attempts", "last_error", "sent_at"]
    search_fields = ["kind", "recipient__email", "address"]
    list_select_related = ["recipient"]
    fields = [
        "kind",
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("to"))
    def to(self, email):
        if email.recipient_id:
            return email.recipient.email
        if email.address:
            return email.address
        # A resident's address is never stored here, so never shown either.
        return _("the reporter (address kept with the signal)")

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail will be sent again.", "%(count)d e-mails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ImportJob)
class ImportJobAdmin(RecordAdmin):
    """Large imports run by a worker, read only: what is running, what was refused or failed and why."""

    list_display = ["created_at", "label", "started_by", "status", "done", "total", "error", "finished_at"]
    search_fields = ["label", "file_name", "started_by__email"]
    list_select_related = ["started_by"]
    fields = [
        "label",
        "kind",
        "file_name",
        "started_by",
        "status",
        "dry_run",
        "done",
        "total",
        "error",
        "result",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
