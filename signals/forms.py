from django import forms
from django.utils.translation import gettext_lazy as _

from coalition.models import AgeGroup, Kern, phone_validator

from .constants import PreferredContact, ReferralStatus
from .models import ObservedSign

NOTE_MAX_LENGTH = 1000

# Asked only when the resident agreed to be contacted; without consent nothing here is
# kept (services.file_signal), so nothing here can be wrong either.
CONTACT_FIELDS = [
    "resident_name",
    "resident_phone",
    "resident_email",
    "resident_address",
    "preferred_contact",
    "preferred_time",
    "share_with_provider",
]

# The filer types someone else's details: the browser must not offer the filer's own
# name, phone or address, so the resident fields switch autofill off.
_NO_AUTOFILL = {"autocomplete": "off", "spellcheck": "false"}


class SignalForm(forms.Form):
    """The staff form: one signal, filed in under two minutes on a phone."""

    # Whether a contact field is needed depends on the consent answer, so "(optional)"
    # beside it would mislead; the help texts say what may be left empty.
    hide_optional = True

    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    organisation = forms.ModelChoiceField(
        queryset=None,
        label=_("On behalf of which organisation?"),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the organisation you file this signal for.")},
    )
    age_group = forms.ModelChoiceField(
        queryset=AgeGroup.objects.active(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=_("Age of the resident"),
        error_messages={"required": _("Choose an age group; choose “unknown” if you are not sure.")},
    )
    kern = forms.ModelChoiceField(
        queryset=Kern.objects.active(),
        label=_("Village where the resident lives"),
        empty_label=_("Choose a village"),
        error_messages={"required": _("Choose the village where the resident lives.")},
    )
    signs = forms.ModelMultipleChoiceField(
        queryset=ObservedSign.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("What did you notice?"),
        help_text=_("Optional. Tick everything that applies."),
    )
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "autocapitalize": "sentences"}),
        help_text=_("Optional. What did you see or hear? At most 1000 characters."),
        error_messages={"max_length": _("Keep the note to at most 1000 characters (it has %(show_value)d).")},
    )
    consent = forms.TypedChoiceField(
        choices=[("ja", _("Yes, the resident agreed to be contacted")), ("nee", _("No, or I did not ask"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        label=_("Did the resident agree to be contacted?"),
        error_messages={"required": _("Answer whether the resident agreed to be contacted.")},
    )
    resident_name = forms.CharField(
        label=_("Name of the resident"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**_NO_AUTOFILL, "autocapitalize": "words"}),
    )
    resident_phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={**_NO_AUTOFILL, "type": "tel", "inputmode": "tel"}),
    )
    resident_email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={**_NO_AUTOFILL, "inputmode": "email", "autocapitalize": "off"}),
        error_messages={"invalid": _("Enter an e-mail address, for example name@example.nl.")},
    )
    resident_address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=_NO_AUTOFILL),
        help_text=_("Street, house number and village."),
    )
    preferred_contact = forms.ChoiceField(
        choices=PreferredContact.choices,
        widget=forms.RadioSelect,
        required=False,
        label=_("How would the resident like to be contacted?"),
        help_text=_("Optional."),
    )
    preferred_time = forms.CharField(
        label=_("Best time to reach them"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_NO_AUTOFILL),
        help_text=_("Optional. For example: weekday mornings."),
    )
    share_with_provider = forms.BooleanField(
        label=_("The resident agrees that the provider of an activity may receive these contact details"),
        required=False,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        # With one organisation the signal is filed for it without asking.
        if len(organisations) > 1:
            self.fields["organisation"].queryset = organisations
        else:
            del self.fields["organisation"]

    def clean(self):
        cleaned = super().clean()
        consent = cleaned.get("consent")
        if consent is False:
            for name in CONTACT_FIELDS:
                self.errors.pop(name, None)
                cleaned[name] = False if name == "share_with_provider" else ""
            return cleaned
        if consent is not True:
            return cleaned
        if not cleaned.get("resident_name", "").strip() and "resident_name" not in self.errors:
            self.add_error("resident_name", _("Give the resident's name, so the Signaalpunt knows whom to contact."))
        reachable = [cleaned.get(f, "").strip() for f in ("resident_phone", "resident_email", "resident_address")]
        invalid = any(f in self.errors for f in ("resident_phone", "resident_email"))
        if not any(reachable) and not invalid:
            self.add_error(
                "resident_phone",
                _("Give a phone number, an e-mail address or an address, so the Signaalpunt can reach the resident."),
            )
        preferred = cleaned.get("preferred_contact")
        needs = {
            PreferredContact.PHONE: ("resident_phone", _("You chose “by phone”: give a phone number.")),
            PreferredContact.EMAIL: ("resident_email", _("You chose “by e-mail”: give an e-mail address.")),
            PreferredContact.VISIT: ("resident_address", _("You chose “a home visit”: give an address.")),
        }
        if preferred in needs and any(reachable):
            field, message = needs[preferred]
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class ReferralStatusForm(forms.Form):
    """A provider reports what became of a referral."""

    status = forms.ChoiceField(
        choices=[
            (ReferralStatus.REGISTERED, ReferralStatus.REGISTERED.label),
            (ReferralStatus.STARTED, ReferralStatus.STARTED.label),
            (ReferralStatus.NOT_STARTED, ReferralStatus.NOT_STARTED.label),
        ],
        widget=forms.RadioSelect,
        label=_("What became of this referral?"),
        error_messages={"required": _("Choose registered, started or not started.")},
    )
