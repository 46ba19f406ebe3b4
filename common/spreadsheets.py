"""Spreadsheet import and export (CSV, XLSX) as every resource of the portal does it.

Built on django-import-export. Three rules hold for every resource built on
:class:`SpreadsheetResource`, whatever the global settings say:

- An import is all or nothing: it runs in one transaction, the preview (dry run) lists
  each row's errors, and a real import that meets any failing row stores no row at all.
- Every row is validated like a form would (``full_clean``: KvK number, phone format,
  choices, constraints), and a reference that does not exist (a domain or kern code, an
  organisation name, an initiative id) is an error of that row, never silently dropped.
- Exported text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe, so Excel and
  LibreOffice show it as text. Importing such a file removes the apostrophe again.
"""

import datetime
import re

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.fields import NOT_PROVIDED
from django.utils.translation import gettext
from import_export import instance_loaders, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


def escape_formula(value):
    """Make a text value that a spreadsheet would evaluate show as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return FORMULA_ESCAPE + value
    return value


def unescape_formula(value):
    """Undo :func:`escape_formula`, so that an exported file imports unchanged ('s-Gravenzande stays)."""
    if isinstance(value, str) and value.startswith(FORMULA_ESCAPE) and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class ExcelFriendlyCSV(base_formats.CSV):
    """CSV that also reads the semicolon-separated files Excel writes with Dutch regional
    settings, and its tab-separated text files: the header row's most frequent separator."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        header = in_stream.split("\n", 1)[0] if isinstance(in_stream, str) else ""
        if "delimiter" not in kwargs:
            delimiter = max((";", "\t"), key=header.count)
            if header.count(delimiter) > header.count(","):
                kwargs["delimiter"] = delimiter
        return super().create_dataset(in_stream, **kwargs)


SPREADSHEET_FORMATS = [ExcelFriendlyCSV, base_formats.XLSX]


def importing_user(kwargs):
    """The signed-in user who runs an import (the admin passes it), or None."""
    user = kwargs.get("user")
    return user if getattr(user, "is_authenticated", False) else None


# Widgets -----------------------------------------------------------------------------


def normalise_cell(value):
    """A cell as the import reads it: CSV gives "" for an empty cell and XLSX gives None
    (both become ""); surrounding whitespace goes, as Django's form fields strip it, and a
    formula escaped on export is read back as the text it was."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_formula(value.strip())
    return value


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by code, name or id; a value that matches nothing is an error of the row.

    ``prefetch`` looks a whole column up in one query before an import, so that the rows
    that follow find their value without a query each (a value it did not find is looked
    up as before, and reported as before when it matches nothing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.found = {}

    def prefetch(self, values):
        model_field = self.model._meta.pk if self.field == "pk" else self.model._meta.get_field(self.field)
        keys = set()
        for value in values:
            if value in (None, "") or (isinstance(value, str) and "\x00" in value):
                continue
            try:
                keys.add(model_field.to_python(value))
            except ValidationError:
                continue  # the row reports it
        found = self.get_queryset(None, None).filter(**{f"{self.field}__in": keys}) if keys else []
        self.found = {str(getattr(obj, model_field.attname)): obj for obj in found}

    def forget(self):
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        if self.found and not self.use_natural_foreign_keys and str(value) in self.found:
            found = self.found[str(value)]
            return found.pk if self.key_is_id else found
        try:
            return super().clean(value, row, **kwargs)
        except (self.model.DoesNotExist, self.model.MultipleObjectsReturned, ValueError, TypeError) as exc:
            raise ValueError(
                gettext("There is no %(model)s with %(field)s “%(value)s”.")
                % {
                    "model": self.model._meta.verbose_name,
                    "field": _lookup_label(self.model, self.field),
                    "value": value,
                }
            ) from exc


class CodeListWidget(widgets.ManyToManyWidget):
    """A many-to-many field as a list of codes ("naaldwijk, de-lier"); an unknown code is an error."""

    SEPARATORS = re.compile(r"[,;\n]")

    def __init__(self, model, field="code", **kwargs):
        super().__init__(model, separator=",", field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return []
        codes = list(dict.fromkeys(code.strip() for code in self.SEPARATORS.split(str(value)) if code.strip()))
        found = {
            str(getattr(obj, self.field)): obj for obj in self.model.objects.filter(**{f"{self.field}__in": codes})
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValueError(
                gettext("Unknown %(model)s %(field)s: %(codes)s.")
                % {
                    "model": self.model._meta.verbose_name,
                    "field": _lookup_label(self.model, self.field),
                    "codes": ", ".join(unknown),
                }
            )
        return [found[code] for code in codes]


class YesNoWidget(widgets.BooleanWidget):
    """A yes/no column: 1/0, true/false, ja/nee or yes/no. Anything else is an error, not False."""

    TRUE_WORDS = {"1", "true", "ja", "j", "yes", "y", "waar"}
    FALSE_WORDS = {"0", "false", "nee", "n", "no", "onwaar"}

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = str(value).strip().lower()
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(gettext("Enter ja or nee (or 1 or 0)."))


class KeepWhenBlankWidget(widgets.CharWidget):
    """Text of a field with a default (a status): a blank cell sets nothing."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or None


class DayWidget(widgets.DateWidget):
    """A date: ISO (2026-03-01, as exported) or day first (1-3-2026, as Dutch Excel writes it).

    Not Django's DATE_INPUT_FORMATS, which read 01/03/2026 month first. XLSX gives a
    date cell as a datetime at midnight.
    """

    INPUT_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.formats = self.INPUT_FORMATS

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError as exc:
            raise ValueError(gettext("Enter a date such as 2026-03-01 or 1-3-2026.")) from exc


class NumberWidgetMixin:
    """A number column: text that is no number is an error of the row in the user's language.

    The library's widgets let Decimal's InvalidOperation through, which the admin showed
    as "[<class 'decimal.ConversionSyntax'>]".
    """

    # Django's own messages, translated in Django's catalogue.
    message = "Enter a number."

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise ValueError(gettext(self.message)) from exc


class IntegerWidget(NumberWidgetMixin, widgets.IntegerWidget):
    message = "Enter a whole number."


class DecimalWidget(NumberWidgetMixin, widgets.DecimalWidget):
    pass


class FloatWidget(NumberWidgetMixin, widgets.FloatWidget):
    pass


def _lookup_label(model, field_name):
    if field_name == "pk":
        return "id"
    return str(model._meta.get_field(field_name).verbose_name)


# Resources ---------------------------------------------------------------------------


class PrefetchingInstanceLoader(instance_loaders.ModelInstanceLoader):
    """Finds the stored rows an import updates in one query, by every import id field
    (the library's cached loader knows a single one): a row then finds its instance, or
    learns that it is new, without a query of its own. A row saved as new is remembered,
    so that a second row with the same key updates it, as the query per row did."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.id_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.instances = None  # None: look each row up (the file lacks an id column)
        if dataset is not None and all(field.column_name in (dataset.headers or ()) for field in self.id_fields):
            keys = set()
            for row in dataset.dict:
                cells = {name: normalise_cell(value) for name, value in row.items()}
                if any(isinstance(value, str) and "\x00" in value for value in cells.values()):
                    continue  # refused in import_instance; PostgreSQL would refuse the lookup
                try:
                    keys.add(self.key(cells))
                except (ValueError, TypeError, ArithmeticError, ValidationError, ObjectDoesNotExist):
                    continue  # the row reports it when it is imported
            self.instances = {}
            if keys:
                # Each id field among its values: a superset of the keys, narrowed below.
                meta = self.get_queryset().model._meta
                candidates = (
                    self.get_queryset()
                    .filter(
                        **{f"{field.attribute}__in": {key[i] for key in keys} for i, field in enumerate(self.id_fields)}
                    )
                    # The preview shows what a row changes, related rows' names included.
                    .select_related(*(f.attribute for f in self.id_fields if meta.get_field(f.attribute).is_relation))
                )
                for instance in candidates:
                    key = self.instance_key(instance)
                    if key in keys:
                        self.instances[key] = instance

    def key(self, row) -> tuple:
        # A related row counts by its primary key, as the instance's foreign key holds it.
        return tuple(
            value.pk if isinstance(value, models.Model) else value for value in (f.clean(row) for f in self.id_fields)
        )

    def instance_key(self, instance) -> tuple:
        meta = instance._meta
        return tuple(getattr(instance, meta.get_field(field.attribute).attname) for field in self.id_fields)

    def get_instance(self, row):
        if self.instances is None:
            return super().get_instance(row)
        return self.instances.get(self.key(row))

    def remember(self, instance):
        if self.instances is not None:
            self.instances[self.instance_key(instance)] = instance


class PreviewOnlyDiff(resources.Diff):
    """The row's changes as HTML in the preview (a dry run) only: after the confirm the
    page shows counts, and rendering every cell's diff was a good part of an import's time."""

    def __init__(self, resource, instance, new):
        self.shown = resource.previewing
        if self.shown:
            super().__init__(resource, instance, new)

    def compare_with(self, resource, instance):
        if self.shown:
            super().compare_with(resource, instance)

    def as_html(self):
        return super().as_html() if self.shown else []


class SpreadsheetResource(resources.ModelResource):
    """What every spreadsheet import and export of the portal shares (see the module docstring)."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        **{
            internal_type: IntegerWidget
            for internal_type, widget in resources.ModelResource.WIDGETS_MAP.items()
            if widget is widgets.IntegerWidget
        },
        "DecimalField": DecimalWidget,
        "FloatField": FloatWidget,
        "TextField": widgets.CharWidget,
        "BooleanField": YesNoWidget,
        "DateField": DayWidget,
    }

    # Related rows an export reads, fetched with the queryset instead of once per row.
    select_related = []
    prefetch_related = []
    # The import's PrefetchingInstanceLoader, told about each row saved as new.
    _instance_loader = None
    # A background import's common.import_jobs.Progress, told about each row.
    progress = None

    class Meta:
        # Subclasses inherit these options.
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        instance_loader_class = PrefetchingInstanceLoader

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.has_default():
            # A blank cell leaves such a field as it is (a new row gets the model's
            # default) instead of resetting it: re-importing an export with an emptied
            # column must not quietly turn initiatives back into drafts.
            field.default = NOT_PROVIDED
            field.saves_null_values = False
            if isinstance(field.widget, widgets.CharWidget):
                field.widget = KeepWhenBlankWidget()
        return field

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        return queryset.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def get_diff_class(self):
        return PreviewOnlyDiff

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        self.previewing = dry_run
        # All or nothing: one transaction, rolled back when any row is invalid, in the
        # preview and in the real import alike (the admin's confirm step does not ask for it).
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        if dataset.headers:
            dataset.headers = [str(header).strip() if header is not None else header for header in dataset.headers]
        # The library says this too, but formats the columns into its message before
        # translating it, so the administrator saw it in English.
        if self.get_import_id_fields() != ["id"]:
            columns = [self.fields[name].column_name for name in self.get_import_id_fields() if name in self.fields]
            missing = [column for column in columns if column not in (dataset.headers or ())]
            if missing:
                raise ValidationError(
                    gettext(
                        "The following fields are declared in 'import_id_fields' but are not present in the file "
                        "headers: %s"
                    )
                    % ", ".join(missing)
                )
        for field in self.get_import_fields():
            if isinstance(field.widget, LookupWidget) and field.column_name in (dataset.headers or ()):
                field.widget.prefetch(normalise_cell(value) for value in dataset[field.column_name])
        super().before_import(dataset, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        for field in self.get_import_fields():
            if isinstance(field.widget, LookupWidget):
                field.widget.forget()
        super().after_import(dataset, result, **kwargs)

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            row[key] = normalise_cell(value)
        super().before_import_row(row, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        if self.progress is not None:
            self.progress.advance()
        # Spreadsheets often carry empty formatted rows below the data: skip them
        # rather than failing the whole import on them.
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        self._instance_loader = instance_loader
        return super().import_row(row, instance_loader, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        self.remember(instance, is_create)

    def remember(self, instance, is_create):
        """Tell the import's loader about a row saved as new. A resource that saves through
        its app's service (overriding ``save_instance``) calls this after saving."""
        # In bulk mode a new row has no primary key until its batch is written; the loader
        # still hands it to a later row of the same key, which then changes it in place.
        waiting = is_create and (instance.pk or self._meta.use_bulk)
        if waiting and isinstance(self._instance_loader, PrefetchingInstanceLoader):
            self._instance_loader.remember(instance)

    def many_to_many_data(self, row) -> dict:
        """The row's many-to-many values by attribute (only columns the file has), for a
        service that saves a record and its many-to-many fields together."""
        return {
            field.attribute: field.clean(row)
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget) and not field.readonly and field.column_name in row
        }

    def get_instance(self, instance_loader, row):
        if any(isinstance(value, str) and "\x00" in value for value in row.values()):
            return None  # refused in import_instance; a lookup would make PostgreSQL raise
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # The key cannot be read (an unknown organisation, a text id): no existing row.
            # The field reports the same problem as an error of this row.
            return None

    def import_instance(self, instance, row, **kwargs):
        # PostgreSQL refuses a null byte in text, in a lookup as much as in a save: refuse
        # the row before either, as Django's form fields do.
        errors = {
            field.attribute or field.column_name: [
                ValidationError(gettext("Null characters are not allowed."), code="null_characters_not_allowed")
            ]
            for field in self.get_import_fields()
            if isinstance(row.get(field.column_name), str) and "\x00" in row[field.column_name]
        }
        if errors:
            raise ValidationError(errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and not field.readonly:
                self._check_many_to_many(field, instance, row, errors)
        self.check_row(instance, row, errors, **kwargs)
        if errors:
            raise ValidationError(errors)

    def _check_many_to_many(self, field, instance, row, errors):
        """Model validation does not look at many-to-many fields: check codes and required lists here."""
        model_field = instance._meta.get_field(field.attribute)
        required = gettext("Give at least one code.")
        if field.column_name not in row:
            if instance._state.adding and not model_field.blank:
                errors.setdefault(field.attribute, []).append(ValidationError(required, code="required"))
            return
        try:
            values = field.clean(row)
        except ValueError as exc:
            errors.setdefault(field.attribute, []).append(ValidationError(str(exc), code="invalid"))
            return
        if not values and not model_field.blank:
            errors.setdefault(field.attribute, []).append(ValidationError(required, code="required"))

    def check_row(self, instance, row, errors, **kwargs):
        """Add rules of this resource to ``errors`` (field name → list of errors)."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))
