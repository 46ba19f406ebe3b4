"""Form helpers every app uses."""

from django.core.exceptions import ValidationError


def add_form_errors(form, error: ValidationError):
    """Show a service's validation error beside the field it names (or at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
