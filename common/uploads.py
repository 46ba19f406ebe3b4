"""The one size limit for uploaded files (a survey, a spreadsheet import): PORTAL_MAX_UPLOAD_MB."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def max_upload_size() -> int:
    """The largest file accepted, in bytes."""
    return int(settings.PORTAL_MAX_UPLOAD_MB * 1024 * 1024)


def upload_help_text() -> str:
    return _("At most %(max)s.") % {"max": filesizeformat(max_upload_size())}


def check_upload_size(upload):
    """Refuse a file above the limit, saying how large it was; for a form's ``clean_<field>``."""
    limit = max_upload_size()
    if upload is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s): the maximum is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )
    return upload
