"""Spreadsheet import and export (CSV, XLSX) of organisations, initiatives and reach reports.

Used by the Django admin through django-import-export, on the shared machinery of
``common.spreadsheets`` (all or nothing, rows validated like a form, formulas escaped).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from import_export import fields

from common import history
from common.spreadsheets import CodeListWidget, IntegerWidget, LookupWidget, SpreadsheetResource, importing_user

from .constants import OrganisationStatus
from .models import (
    AgeGroup,
    Domain,
    Initiative,
    InitiativeChange,
    Kern,
    Organisation,
    OrganisationEvent,
    ReachReport,
)
from .services import snapshot_initiative


def record_initiative_change(initiative, before, user):
    """Append what changed to the initiative's history, as ``services.save_initiative`` does."""
    after = snapshot_initiative(initiative)
    changes = history.diff(before, after)
    if changes:
        InitiativeChange.objects.create(initiative=initiative, changed_by=user, changes=changes)
    return changes


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
        fields = [
            "name",
            "domain",
            "kernen",
            "description",
            "website",
            "public_email",
            "public_phone",
            "kvk_number",
            "contribution",
            "status",
            "is_signal_handler",
        ]
        import_id_fields = ["name"]

    select_related = ["domain"]
    prefetch_related = ["kernen"]

    def import_instance(self, instance, row, **kwargs):
        # Remember the stored values before the row overwrites them (see check_row).
        instance._stored_decisions = (instance.status, instance.is_signal_handler)
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
        super().save_instance(instance, is_create, row, **kwargs)
        if is_create and instance.pk:
            OrganisationEvent.objects.create(
                organisation=instance,
                actor=importing_user(kwargs),
                to_status=instance.status,
                note=gettext("Imported from a spreadsheet"),
            )


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
        instance._history_before = {} if new else snapshot_initiative(instance)
        super().after_init_instance(instance, new, row, **kwargs)

    def check_row(self, instance, row, errors, **kwargs):
        # As in services.save_initiative: only approved partners add initiatives.
        organisation_changed = instance._history_before.get("organisation") != instance.organisation_id
        if (
            "organisation" not in errors
            and organisation_changed
            and instance.organisation_id
            and not instance.organisation.is_approved
        ):
            errors.setdefault("organisation", []).append(
                ValidationError(gettext("This organisation is not an approved partner."), code="not_approved")
            )

    def before_save_instance(self, instance, row, **kwargs):
        # Unchanged rows are skipped, so a row saved here is new or changed.
        instance.updated_at = timezone.now()
        super().before_save_instance(instance, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if instance.pk:
            record_initiative_change(instance, instance._history_before, importing_user(kwargs))


class ReachReportResource(SpreadsheetResource):
    """Reach per initiative and quarter, identified by initiative id, year and quarter."""

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
            "participants",
            "new_participants",
            "volunteers",
            "meetings",
        ]
        import_id_fields = ["initiative", "year", "quarter"]

    select_related = ["initiative"]

    def after_init_instance(self, instance, new, row, **kwargs):
        # The person importing reports the figures (set before validation: it is required).
        instance.reported_by = importing_user(kwargs) or instance.reported_by
        super().after_init_instance(instance, new, row, **kwargs)
