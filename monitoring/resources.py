"""Spreadsheet import and export (CSV, XLSX) of observations, in the Django admin.

Built on ``common.spreadsheets.SpreadsheetResource``: an import is all or nothing,
every row is validated by ``Observation.clean()`` as the officers' form is, a target or
village that does not exist is an error of its row, and exported text that a spreadsheet
would run as a formula is escaped. Each row is saved by ``services.save_observation``,
as the form's are: written to the observation's history with the importing user, a real
figure replacing demo data of the same target, year and village. An import never makes
demo data.
"""

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
        fields = ["id", *services.HISTORY_FIELDS]
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

    # The rules of a measurement are Observation.clean(), which every row runs
    # (clean_model_instances) and which reports them by column, as the officers' form does.

    def save_instance(self, instance, is_create, row, **kwargs):
        services.save_observation(
            user=importing_user(kwargs), data={}, observation=instance, before=instance._history_before, cleaned=True
        )
        self.remember(instance, is_create)
