"""A large survey upload checked and stored by a worker (``common.import_jobs``).

The upload page hands a file of more than PORTAL_BACKGROUND_IMPORT_ROWS responses to
:func:`start`; the worker runs :func:`run_survey_job` for the preview (parse, check,
compute: what the preview page shows, kept as plain data in the job) and, after the
officer confirms, for the import itself (:func:`~.surveys.import_survey_file`: parse
again and store in one transaction, so a refusal stores nothing, as before).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common import import_jobs

from .surveys import import_survey_file, parse_survey, preview_survey, survey_rows

KIND = "survey"
RUNNER = "monitoring.services.survey_jobs.run_survey_job"


def runs_in_background(data: bytes) -> bool:
    return import_jobs.runs_in_background(survey_rows(data))


def start(*, user, data: bytes, year: int, source: str, file_name: str):
    return import_jobs.start(
        runner=RUNNER,
        kind=KIND,
        label=_("Survey %(year)s, %(source)s") % {"year": year, "source": source},
        user=user,
        data=data,
        total=survey_rows(data),
        file_name=file_name,
        year=year,
        source=source,
    )


def _percent(value) -> str | None:
    return None if value is None else str(value)


def _as_data(result) -> dict:
    """A TargetResult as the preview template reads it (attribute names kept)."""
    target = result.target
    return {
        "target": {
            "code": target.code,
            "title": target.title,
            "population": target.population,
            "min_age": target.min_age,
            "max_age": target.max_age,
            "indicator": target.indicator,
        },
        "score_range": list(result.score_range) if result.score_range else None,
        "covered": result.covered,
        "measurable": result.measurable,
        "groups": [
            {
                "kern": {"name": group.kern.name} if group.kern else None,
                "stored": group.stored,
                "value": _percent(group.value),
                "ci_low": _percent(group.ci_low),
                "ci_high": _percent(group.ci_high),
                "respondents": group.respondents,
                "left_out": group.left_out,
            }
            for group in result.groups
        ],
    }


def run_survey_job(job, progress) -> dict:
    year, source = job.options["year"], job.options["source"]
    data = bytes(job.data)
    try:
        if job.dry_run:
            parsed = parse_survey(data, progress)
            results = preview_survey(parsed, year=year, source=source)
            return {
                "pending": {"year": year, "source": source, "file_name": job.file_name},
                "parsed": {"scale": parsed.scale, "has_weight": parsed.has_weight},
                "responses": len(parsed.rows),
                "results": [_as_data(result) for result in results],
            }
        survey, results = import_survey_file(
            data, year=year, source=source, user=job.started_by, file_name=job.file_name, progress=progress
        )
    except ValidationError as error:
        raise import_jobs.Refused(
            _("The file cannot be stored; nothing was stored."), {"errors": error.messages}
        ) from error
    return {"year": survey.year, "stored": sum(len(result.stored_groups) for result in results)}
