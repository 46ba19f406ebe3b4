"""A large survey upload, checked and stored by a worker: progress, preview, confirm, result.

The page is the job's (``common.models.ImportJob``), so a reload finds it again; htmx
fetches its changing part from the status view every second while the worker runs.
Only the officer who uploaded the file can open it: anyone else gets a 404.
"""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from coalition.permissions import OfficerRequiredMixin
from common import import_jobs
from common.models import ImportJob

from ..services import survey_jobs


class SurveyJobStatusView(OfficerRequiredMixin, TemplateView):
    template_name = "monitoring/includes/survey_job_status.html"

    def get_job(self):
        jobs = ImportJob.objects.for_user(self.request.user).filter(kind=survey_jobs.KIND)
        return get_object_or_404(jobs, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(
            job=job,
            rows_done=import_jobs.rows_done(job),
            percent_done=import_jobs.percent_done(job),
            job_url=reverse("monitoring:survey_job", args=[job.pk]),
            status_url=reverse("monitoring:survey_job_status", args=[job.pk]),
            heading_class="utrecht-heading-2",
            paragraph_class="utrecht-paragraph",
            link_class="utrecht-link",
            **kwargs,
        )


class SurveyJobView(SurveyJobStatusView):
    template_name = "monitoring/survey_job.html"

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        if "confirm" in request.POST:
            import_jobs.confirm(job)
        elif "cancel" in request.POST:
            import_jobs.discard(job)
        return redirect("monitoring:survey_job", job.pk)
