"""Import a De Jong Gierveld survey file: ``manage.py import_survey FILE --year YYYY --source "..."``.

The file is checked completely before anything is stored; a file with any error stores
nothing and the command says what is wrong, by row and column. See the upload page for
officers (``monitoring:survey_upload``) for the same import with a preview.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from monitoring import services


class DryRun(Exception):
    """Raised inside the transaction to roll a --dry-run back."""


class Command(BaseCommand):
    help = "Import a De Jong Gierveld survey (CSV) and store its results as observations per target and village."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: respondent, age, [kern], [weight], djg1 … djg11 (or the 6 items)")
        parser.add_argument("--year", type=int, required=True, help="year of the survey")
        parser.add_argument("--source", required=True, help="who held the survey, and which one")
        parser.add_argument("--dry-run", action="store_true", help="check and compute, but store nothing")

    def handle(self, *args, file, year, source, dry_run, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            with transaction.atomic():
                survey, results = services.import_survey_file(data, year=year, source=source, file_name=path.name)
                if dry_run:
                    raise DryRun
        except DryRun:
            survey = None
        except ValidationError as error:
            raise CommandError("\n".join([_("Nothing was stored."), *error.messages])) from error
        except DatabaseError as error:
            # The transaction is rolled back whole: say so, rather than end in a traceback.
            raise CommandError(
                "\n".join([_("Nothing was stored."), _("The database refused a write: %(error)s") % {"error": error}])
            ) from error

        for result in results:
            self.stdout.write(self._describe(result))
        if survey is None:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was stored.")))
        else:
            stored = sum(len(result.stored_groups) for result in results)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Stored survey %(id)s: %(responses)s responses, %(count)s observations.")
                    % {"id": survey.pk, "responses": survey.responses.count(), "count": stored}
                )
            )

    def _describe(self, result):
        title = f"{result.target.code} ({result.target.title})"
        if not result.covered:
            return f"{title}: " + _("no respondents in this population; nothing stored.")
        if not result.measurable:
            return f"{title}: " + _("cannot be measured with the short scale; nothing stored.")
        lines = [title]
        for group in result.groups:
            area = group.kern.name if group.kern else _("whole municipality")
            if group.stored:
                figures = _(
                    "%(value)s%% (95%% interval %(low)s–%(high)s%%), %(respondents)s respondents, %(left_out)s left out"
                ) % {
                    "value": group.value,
                    "low": group.ci_low,
                    "high": group.ci_high,
                    "respondents": group.respondents,
                    "left_out": group.left_out,
                }
            else:
                figures = _("not stored: nobody answered every item, %(left_out)s left out") % {
                    "left_out": group.left_out
                }
            lines.append(f"  {area}: {figures}")
        return "\n".join(lines)
