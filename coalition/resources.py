"""Spreadsheet import and export (CSV, XLSX) of organisations, initiatives and reach reports.

Used by the Django admin through django-import-export, on the shared machinery of
``common.spreadsheets`` (all or nothing, rows validated like a form, formulas escaped).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from import_export import fields

from common.spreadsheets import (
    CodeListWidget,
    IntegerWidget,
    LookupWidget,
    PrefetchingInstanceLoader,
    SpreadsheetResource,
    importing_user,
)

from . import services
from .constants import OrganisationStatus
from .models import AgeGroup, Domain, Initiative, Kern, Organisation, ReachReport


class OrganisationResource(SpreadsheetResource):
    """Partner organisations, identified by name.

    Status and the Signaalpunt role change only through an officer's decision
    (``services.decide_organisation``, ``services.set_signal_handler``), which records it
    and informs the coordinators. An import therefore adds organisations as pending and
    refuses a row that would change either of them; it exports both.
    """

    domain = fields.Field(attribute="domain", column_name="domain", widget=LookupWidget(Domain, field="code"))
    kernen = fields.Field(attribute="kernen", column_name="kernen", widget=CodeListWidget(Kern))

    class Meta:
        model = Organisation
        fields = [*services.ORGANISATION_FIELDS, "status", "is_signal_handler"]
        import_id_fields = ["name"]

    select_related = ["domain"]
    prefetch_related = ["kernen"]

    def import_instance(self, instance, row, **kwargs):
        # Remember the stored values before the row overwrites them (see check_row), and
        # the details for the history.
        instance._stored_decisions = (instance.status, instance.is_signal_handler)
        instance._history_before = {} if instance._state.adding else services.snapshot_organisation(instance)
        super().import_instance(instance, row, **kwargs)

    def check_row(self, instance, row, errors, **kwargs):
        status, is_signal_handler = instance._stored_decisions
        if instance.status in OrganisationStatus.values and instance.status != status:
            if instance._state.adding:
                message = gettext(
                    "A new organisation is imported as pending (aangemeld): an officer approves it in the partner area."
                )
            else:
                message = gettext(
                    "The status changes only through an officer's decision in the partner area, "
                    "which records it and informs the coordinators. Leave it as it is (%(status)s) or empty."
                ) % {"status": status}
            errors.setdefault("status", []).append(ValidationError(message, code="decision"))
        if not instance._state.adding and instance.is_signal_handler != is_signal_handler:
            errors.setdefault("is_signal_handler", []).append(
                ValidationError(
                    gettext(
                        "Whether an organisation handles signals changes only through an officer in the partner area."
                    ),
                    code="decision",
                )
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        # As the partner area and the admin: the service saves the row (validated by
        # full_clean and check_row) with its villages and writes the history.
        services.save_organisation(
            user=importing_user(kwargs),
            data=self.many_to_many_data(row),
            organisation=instance,
            note=gettext("Imported from a spreadsheet") if is_create else "",
            before=instance._history_before,
            cleaned=True,
        )
        self.remember(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        """Saved with the organisation by the service."""


class InitiativeResource(SpreadsheetResource):
    """Initiatives, identified by id: an empty id adds one, an id updates that initiative."""

    id = fields.Field(attribute="id", column_name="id", widget=IntegerWidget(), readonly=True)
    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=LookupWidget(Organisation, field="name")
    )
    age_groups = fields.Field(attribute="age_groups", column_name="age_groups", widget=CodeListWidget(AgeGroup))
    kernen = fields.Field(attribute="kernen", column_name="kernen", widget=CodeListWidget(Kern))

    class Meta:
        model = Initiative
        fields = ["id", "organisation", *Initiative.EDITABLE_FIELDS]
        import_id_fields = ["id"]

    select_related = ["organisation"]
    prefetch_related = ["age_groups", "kernen"]

    def after_init_instance(self, instance, new, row, **kwargs):
        if new and row.get("id") not in (None, ""):
            raise ValidationError(
                {"id": gettext("There is no initiative with id %(id)s: leave id empty to add one.") % {"id": row["id"]}}
            )
        instance._history_before = {} if new else services.snapshot_initiative(instance)
        super().after_init_instance(instance, new, row, **kwargs)

    def check_row(self, instance, row, errors, **kwargs):
        # The service's rule, shown as an error of the row before anything is saved.
        if "organisation" not in errors and instance.organisation_id:
            error = services.initiative_organisation_error(instance.organisation, instance._history_before)
            if error is not None:
                error.update_error_dict(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        # Unchanged rows are skipped, so a row saved here is new or changed. The service
        # saves it with its villages and age groups and writes the history, as for partners.
        services.save_initiative(
            user=importing_user(kwargs),
            data=self.many_to_many_data(row),
            initiative=instance,
            before=instance._history_before,
            cleaned=True,
        )
        self.remember(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        """Saved with the initiative by the service."""


class ReachReportResource(SpreadsheetResource):
    """Reach per initiative and quarter, identified by initiative id, year and quarter.

    The one import that runs to thousands of rows (ten years of quarters): its rows are
    written in batches (bulk_create, bulk_update) in the import's one transaction, and a row
    is validated without a query of its own (see ``validate_instance``), so that 10,000
    rows take a few times what bulk_create of them takes (``make bench``), not fifty.
    """

    initiative = fields.Field(
        attribute="initiative", column_name="initiative", widget=LookupWidget(Initiative, field="pk")
    )
    # For people reading the file; ignored on import.
    initiative_title = fields.Field(attribute="initiative__title", column_name="initiative_title", readonly=True)

    class Meta:
        model = ReachReport
        fields = [
            "initiative",
            "initiative_title",
            "year",
            "quarter",
            *ReachReport.FIGURES,
        ]
        import_id_fields = ["initiative", "year", "quarter"]
        use_bulk = True
        batch_size = 1000

    select_related = ["initiative"]

    def after_init_instance(self, instance, new, row, **kwargs):
        # The person importing reports the figures (set before validation: it is required);
        # by key, so that the copy each row keeps for comparing does not copy the user too.
        user = importing_user(kwargs)
        if user is not None:
            instance.reported_by_id = user.pk
        super().after_init_instance(instance, new, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """full_clean without its four queries per row, when the loader has read the stored reports.

        The initiative is an object the lookup read (it exists), the reporter is the person
        importing, and (initiative, year, quarter) is the loader's key: a stored quarter is
        updated and a quarter named twice in the file is one report. What is left of the
        constraints, new participants within the total, is checked here; the database
        keeps every constraint as the last word (a refusal there stores nothing).
        """
        loader = self._instance_loader
        if not isinstance(loader, PrefetchingInstanceLoader) or loader.instances is None:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        errors = dict(import_validation_errors or {})
        exclude = [*errors, "reported_by"] + (["initiative"] if instance.initiative_id else [])
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        total, new = instance.participants, instance.new_participants
        if isinstance(total, int) and isinstance(new, int) and new > total:
            [within] = [c for c in ReachReport._meta.constraints if c.name == "reach_new_within_total"]
            errors.setdefault(NON_FIELD_ERRORS, []).append(within.get_violation_error_message())
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create and instance.pk is None:
            # The quarter came earlier in this file: its report, waiting for the batch's
            # bulk_create, now holds this row's figures.
            return
        if not is_create:
            instance.updated_at = timezone.now()  # bulk_update does not set auto_now
        super().save_instance(instance, is_create, row, **kwargs)

    def get_bulk_update_fields(self):
        return [*ReachReport.FIGURES, "reported_by", "updated_at"]

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        updated = [instance.pk for instance in self.update_instances]
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        if updated:
            ReachReport.copy_to_counts(updated)
