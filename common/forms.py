"""Form helpers every app uses."""

from django import forms
from django.core.exceptions import ValidationError


def add_form_errors(form, error: ValidationError):
    """Show a service's validation error beside the field it names (or at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def code_filter(*, label, queryset, empty_label) -> forms.ModelChoiceField:
    """An optional filter on a reference table (a village, an age group): its value in the
    address is the row's code, and the empty choice means all of them."""
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        to_field_name="code",
        required=False,
        empty_label=empty_label,
    )
