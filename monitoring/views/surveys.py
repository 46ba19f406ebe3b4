"""Officers import a De Jong Gierveld survey: upload, see per target what would be stored, confirm.

The parsed upload waits for the confirm in the cache (Redis in production), under a key
kept in the officer's session: never on disk, and gone after an hour if not confirmed.
"""

import io
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db.models import Count
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from coalition.permissions import OfficerRequiredMixin
from common.forms import add_form_errors

from .. import scoring, services
from ..forms import SurveyUploadForm, survey_max_upload_size
from ..models import Survey
from ..services import survey_jobs

SESSION_KEY = "monitoring_survey_upload"
CACHE_PREFIX = "monitoring:survey-upload:"
CACHE_TIMEOUT = 60 * 60


class CappedMemoryUploadHandler(FileUploadHandler):
    """Keep an upload in memory up to ``limit`` bytes; beyond that only count its size.

    Django would write a large upload to a temporary file; this handler never does, and
    the form still learns the real size, so it can say how large the file was.
    """

    def __init__(self, request=None, *, limit):
        super().__init__(request)
        self.limit = limit

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        room = self.limit - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _pending(request):
    token = request.session.get(SESSION_KEY)
    return cache.get(CACHE_PREFIX + token) if token else None


def _forget_pending(request):
    token = request.session.pop(SESSION_KEY, None)
    if token:
        cache.delete(CACHE_PREFIX + token)


# The upload handler must be in place before anything reads the request body, and the
# CSRF check reads it: so the check runs in dispatch, after the handler is set (the way
# Django's documentation on upload handlers describes).
@method_decorator(csrf_exempt, name="dispatch")
class SurveyUploadView(OfficerRequiredMixin, FormView):
    form_class = SurveyUploadForm
    template_name = "monitoring/survey_upload.html"

    def dispatch(self, request, *args, **kwargs):
        request.upload_handlers = [CappedMemoryUploadHandler(request, limit=survey_max_upload_size())]
        self.unreadable = False
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (reads the body now, with the handler above)
            except MultiPartParserError:
                # Django could not read the form at all: most often a file name longer
                # than the 1024 bytes it allows for a part's headers (255 emoji, for
                # example). Nothing was read, so nothing can be stored and the CSRF token
                # cannot be checked either: post() shows the form again with the reason,
                # instead of a bare 400 page.
                self.unreadable = True
                return super().dispatch(request, *args, **kwargs)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.unreadable:
            # Nothing of what was sent could be read: the year and source are asked again too.
            form = self.form_class(data={}, files={})
            form.add_error(
                "file",
                _(
                    "The file could not be read; its name is probably too long. "
                    "Give the file a shorter name and upload it again."
                ),
            )
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["surveys"] = (
            Survey.objects.select_related("imported_by")
            .annotate(response_count=Count("responses"), observation_count=Count("observations", distinct=True))
            .order_by("-imported_at", "-pk")[:10]
        )
        context["short_scale"] = [f"djg{item}" for item in scoring.SHORT_SCALE]
        return context

    def form_valid(self, form):
        year, source = form.cleaned_data["year"], form.cleaned_data["source"]
        upload = form.cleaned_data["file"]
        data = upload.read()
        if survey_jobs.runs_in_background(data):
            # A large file is checked by a worker: its page shows the progress, then the preview.
            _forget_pending(self.request)
            job = survey_jobs.start(user=self.request.user, data=data, year=year, source=source, file_name=upload.name)
            return redirect("monitoring:survey_job", job.pk)
        try:
            parsed = services.parse_survey(data)
            services.preview_survey(parsed, year=year, source=source)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_form_errors(form, error)
            else:
                form.add_error("file", error)
            return self.form_invalid(form)
        _forget_pending(self.request)
        token = secrets.token_urlsafe(24)
        cache.set(
            CACHE_PREFIX + token,
            {"year": year, "source": source, "file_name": upload.name, "parsed": parsed.to_dict()},
            CACHE_TIMEOUT,
        )
        self.request.session[SESSION_KEY] = token
        return redirect("monitoring:survey_preview")


class SurveyPreviewView(OfficerRequiredMixin, TemplateView):
    template_name = "monitoring/survey_preview.html"

    def _expired(self):
        messages.error(self.request, _("There is no upload waiting to be stored (it expires after an hour)."))
        return redirect("monitoring:survey_upload")

    def get(self, request, *args, **kwargs):
        pending = _pending(request)
        if pending is None:
            return self._expired()
        parsed = services.ParsedSurvey.from_dict(pending["parsed"])
        try:
            results = services.preview_survey(parsed, year=pending["year"], source=pending["source"])
        except ValidationError as error:
            _forget_pending(request)
            messages.error(request, " ".join(error.messages))
            return redirect("monitoring:survey_upload")
        return self.render_to_response(
            self.get_context_data(pending=pending, parsed=parsed, response_count=len(parsed.rows), results=results)
        )

    def post(self, request, *args, **kwargs):
        pending = _pending(request)
        if "cancel" in request.POST:
            _forget_pending(request)
            messages.info(request, _("The upload is discarded; nothing was stored."))
            return redirect("monitoring:survey_upload")
        if pending is None:
            return self._expired()
        try:
            survey, results = services.import_survey(
                services.ParsedSurvey.from_dict(pending["parsed"]),
                year=pending["year"],
                source=pending["source"],
                user=request.user,
                file_name=pending["file_name"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("monitoring:survey_upload")
        finally:
            _forget_pending(request)
        stored = sum(len(result.stored_groups) for result in results)
        messages.success(
            request,
            ngettext(
                "The survey of %(year)s is stored: %(count)s measurement.",
                "The survey of %(year)s is stored: %(count)s measurements.",
                stored,
            )
            % {"year": survey.year, "count": stored},
        )
        return redirect(reverse("monitoring:observations"))
