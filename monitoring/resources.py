"""Spreadsheet import and export (CSV, XLSX) of observations, in the Django admin.

Built on ``common.spreadsheets.SpreadsheetResource``: an import is all or nothing,
every row is validated like the officers' form, a target or village that does not exist
is an error of its row, and exported text that a spreadsheet would run as a formula is
escaped. On top of that, as ``services.save_observation`` does: each imported row is
written to the observation's history with the importing user, a real figure replaces
demo data of the same target, year and village, and an import never makes demo data.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import fields, widgets

from coalition.models import Kern
from common.spreadsheets import IntegerWidget, LookupWidget, SpreadsheetResource, importing_user

from . import services
from .models import Observation, Target


class ObservationResource(SpreadsheetResource):
    """Observations, identified by id: an empty id adds one, an id corrects that observation."""

    id = fields.Field(attribute="id", column_name="id", widget=IntegerWidget(), readonly=True)
    target = fields.Field(attribute="target", column_name="target", widget=LookupWidget(Target, field="code"))
    kern = fields.Field(attribute="kern", column_name="kern", widget=LookupWidget(Kern, field="code"))
    # For people reading the file; ignored on import.
    is_demo = fields.Field(attribute="is_demo", column_name="is_demo", readonly=True, widget=widgets.BooleanWidget())
    survey = fields.Field(attribute="survey_id", column_name="survey", readonly=True)

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
            "is_demo",
            "survey",
        ]
        import_id_fields = ["id"]

    select_related = ["target", "kern"]

    def after_init_instance(self, instance, new, row, **kwargs):
        if new and row.get("id") not in (None, ""):
            raise ValidationError(
                {
                    "id": gettext("There is no observation with id %(id)s: leave id empty to add one.")
                    % {"id": row["id"]}
                }
            )
        instance._history_before = {} if new else services.snapshot_observation(instance)
        if new:
            instance.entered_by = importing_user(kwargs)
        super().after_init_instance(instance, new, row, **kwargs)

    def check_row(self, instance, row, errors, **kwargs):
        # The officers' form's rules (forms.ObservationForm), with the same messages.
        value, low, high = instance.value, instance.ci_low, instance.ci_high
        if value is not None and low is not None and low > value:
            errors.setdefault("ci_low", []).append(gettext("The lower bound cannot be above the share."))
        if value is not None and high is not None and high < value:
            errors.setdefault("ci_high", []).append(gettext("The upper bound cannot be below the share."))
        if (low is None) != (high is None):
            errors.setdefault("ci_high" if high is None else "ci_low", []).append(
                gettext("Give both bounds of the interval, or neither.")
            )
        this_year = datetime.date.today().year
        if instance.year is not None and not services.FIRST_SURVEY_YEAR <= instance.year <= this_year:
            errors.setdefault("year", []).append(
                gettext("Give a year from %(first)s to %(last)s.")
                % {"first": services.FIRST_SURVEY_YEAR, "last": this_year}
            )
        if instance.target_id and instance.year and instance.source and not errors:
            duplicate = (
                Observation.objects.real()
                .filter(target_id=instance.target_id, year=instance.year, kern_id=instance.kern_id)
                .filter(source=instance.source.strip())
                .exclude(pk=instance.pk)
            )
            if duplicate.exists():
                errors.setdefault("source", []).append(
                    gettext(
                        "There is already an observation of this target for this year, village and source: "
                        "correct that one instead."
                    )
                )

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if instance.pk:
            services.remove_demo_duplicates(instance)
            services.record_observation_change(instance, instance._history_before, importing_user(kwargs))
