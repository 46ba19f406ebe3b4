"""Large admin imports in the background (``common.import_jobs``), with the library's two steps.

A file of more than PORTAL_BACKGROUND_IMPORT_ROWS rows is not checked inside the
request: the import page stores it in a job and sends the beheerder to the job's page,
which shows a progress bar (htmx polls the status view) and then the preview — counts,
the first rows as the library's preview shows them, or the rows' errors — with
"Confirm import". Confirming runs the import in the worker too; the page then shows
what was added, updated and skipped. Smaller files keep the library's pages as they were.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import RowResult
from import_export.signals import post_import

from . import import_jobs
from .models import ImportJob

RUNNER = "common.admin_imports.run_admin_import"
# Rows of the preview shown on the page (the counts cover every row).
PREVIEW_ROWS = 100
# Rows with errors listed on the page (the message names every row number).
ERROR_ROWS = 100
COUNTED = (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)


def file_error_message(error) -> list[str]:
    """An error of the whole file as the person should read it (no traceback)."""
    if isinstance(error, ValidationError):
        return error.messages
    # Anything else (a database error) is no message for an administrator; it is logged.
    return [_("The file could not be imported. Check its columns and values, and try again.")]


def rows_with_errors(result) -> list[int]:
    return sorted({number for number, _errors in result.row_errors()} | {row.number for row in result.invalid_rows})


def _row_errors(result) -> list[dict]:
    """Each row with errors and its messages, by column (at most ERROR_ROWS rows)."""
    rows = {}
    for row in result.invalid_rows:
        rows[row.number] = [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in row.error_dict.items()
            for message in messages
        ]
    for number, errors in result.row_errors():
        rows.setdefault(number, []).extend(message for error in errors for message in file_error_message(error.error))
    return [{"row": number, "errors": rows[number]} for number in sorted(rows)[:ERROR_ROWS]]


def _dataset(job: ImportJob):
    input_format = import_string(job.options["format"])(encoding=job.options.get("encoding"))
    data = bytes(job.data)
    if not input_format.is_binary():
        data = data.decode(job.options.get("encoding") or "utf-8-sig")
    return input_format.create_dataset(data)


def run_admin_import(job: ImportJob, progress: import_jobs.Progress) -> dict:
    """The runner of an admin import job: the library's import_data, all or nothing."""
    resource = import_string(job.options["resource"])()
    resource.progress = progress
    result = resource.import_data(
        _dataset(job),
        dry_run=job.dry_run,
        raise_errors=False,
        file_name=job.file_name,
        user=job.started_by,
        retain_instance_in_row_result=not job.dry_run,
    )
    for error in result.base_errors:
        if not isinstance(error.error, ValidationError):
            # The database refused a batch (or worse): a failure, logged for the beheerder.
            raise RuntimeError(f"the import of job {job.pk} stopped") from error.error
    if result.base_errors:
        raise import_jobs.Refused(" ".join(m for e in result.base_errors for m in file_error_message(e.error)))
    if result.has_errors() or result.has_validation_errors():
        numbers = rows_with_errors(result)
        raise import_jobs.Refused(
            ngettext(
                "Nothing was imported: row %(rows)s has errors.",
                "Nothing was imported: rows %(rows)s have errors.",
                len(numbers),
            )
            % {"rows": ", ".join(map(str, numbers))},
            {"errors": _row_errors(result)},
        )
    totals = {kind: result.totals[kind] for kind in COUNTED}
    if job.dry_run:
        return {
            "totals": totals,
            "headers": result.diff_headers,
            # The library's diff, as HTML it escaped itself (diff_match_patch's prettyHtml).
            "rows": [{"type": row.import_type, "diff": list(row.diff or [])} for row in result.valid_rows()][
                :PREVIEW_ROWS
            ],
        }
    model = apps.get_model(job.options["model"])
    model_admin = admin.site._registry.get(model)
    if model_admin is not None:
        # Imported rows appear in the admin's history, as after an import in the request.
        model_admin.generate_log_entries(result, SimpleNamespace(user=job.started_by))
    post_import.send(sender=None, model=model)
    return {"totals": totals}


class BackgroundImportMixin:
    """For an ImportMixin admin: files above PORTAL_BACKGROUND_IMPORT_ROWS rows go to a worker."""

    import_job_template_name = "admin/common/import_job.html"
    import_job_status_template_name = "admin/common/import_job_status.html"

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path(
                "import/taak/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{app_label}_{model_name}_import_job",
            ),
            path(
                "import/taak/<int:job_id>/status/",
                self.admin_site.admin_view(self.import_job_status_view),
                name=f"{app_label}_{model_name}_import_job_status",
            ),
            *super().get_urls(),
        ]

    def import_job_kind(self) -> str:
        return "admin:" + self.model._meta.label_lower

    def start_background_import(self, request):
        """A valid upload of many rows becomes a job (a redirect to its page); anything else None."""
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])](encoding=self.from_encoding)
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        try:
            dataset = input_format.create_dataset(data if input_format.is_binary() else data.decode(self.from_encoding))
        except Exception:  # the library's page says what is wrong with the file
            return None
        if not import_jobs.runs_in_background(len(dataset)):
            return None
        resource_class = self.choose_import_resource_class(form, request)
        job = import_jobs.start(
            runner=RUNNER,
            kind=self.import_job_kind(),
            label=str(self.model._meta.verbose_name_plural),
            user=request.user,
            data=data,
            total=len(dataset),
            file_name=upload.name,
            model=self.model._meta.label_lower,
            resource=f"{resource_class.__module__}.{resource_class.__qualname__}",
            format=f"{type(input_format).__module__}.{type(input_format).__qualname__}",
            encoding=None if input_format.is_binary() else self.from_encoding,
        )
        return HttpResponseRedirect(self._job_url(job, "import_job"))

    def _job_url(self, job, view) -> str:
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_{view}", args=[job.pk], current_app=self.admin_site.name)

    def _own_job(self, request, job_id) -> ImportJob:
        if not self.has_import_permission(request):
            raise PermissionDenied
        # Only the person who started it sees a job: anyone else gets a 404.
        return get_object_or_404(
            ImportJob.objects.for_user(request.user).filter(kind=self.import_job_kind()), pk=job_id
        )

    def _job_context(self, request, job) -> dict:
        app_label, model_name = self.get_model_info()
        return {
            "job": job,
            "rows_done": import_jobs.rows_done(job),
            "percent_done": import_jobs.percent_done(job),
            "status_url": self._job_url(job, "import_job_status"),
            "job_url": self._job_url(job, "import_job"),
            "import_url": reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name),
            "changelist_url": reverse(f"admin:{app_label}_{model_name}_changelist", current_app=self.admin_site.name),
            "opts": self.model._meta,
        }

    def import_job_view(self, request, job_id):
        job = self._own_job(request, job_id)
        if request.method == "POST":
            if "confirm" in request.POST:
                import_jobs.confirm(job)
            elif "discard" in request.POST:
                import_jobs.discard(job)
            return HttpResponseRedirect(self._job_url(job, "import_job"))
        context = {
            **self.admin_site.each_context(request),
            **self._job_context(request, job),
            "title": _("Import"),
        }
        return TemplateResponse(request, [self.import_job_template_name], context)

    def import_job_status_view(self, request, job_id):
        job = self._own_job(request, job_id)
        return TemplateResponse(request, [self.import_job_status_template_name], self._job_context(request, job))
