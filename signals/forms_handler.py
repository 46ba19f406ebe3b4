"""Forms of the Signaalpunt: the queue's filters and one small form per workflow step.

The forms only validate input; the step itself (and its rules) is in signals.services.
Every action form has its own prefix, because several share one detail page."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coalition.constants import Role
from coalition.models import AgeGroup, Initiative, Kern
from common.forms import code_filter

from .constants import MISUSE, ContactWay, SignalStatus
from .models import Outcome

# The queue's status filter: the open signals by default, one status, or everything.
STATUS_OPEN = ""
STATUS_ALL = "alle"


def _note_field(**kwargs) -> forms.CharField:
    """The handler's optional note on a step (a contact, the closing)."""
    return forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **kwargs
    )


class QueueFilterForm(forms.Form):
    hide_optional = True

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(STATUS_OPEN, _("All open signals")), *SignalStatus.choices, (STATUS_ALL, _("All signals"))],
        required=False,
    )
    kern = code_filter(label=_("Village"), queryset=Kern.objects.active(), empty_label=_("All villages"))
    age_group = code_filter(label=_("Age group"), queryset=AgeGroup.objects.active(), empty_label=_("All age groups"))
    overdue = forms.BooleanField(label=_("only overdue signals"), required=False)
    mine = forms.BooleanField(label=_("only signals assigned to me"), required=False)

    def filters(self) -> dict:
        """The valid filters; an invalid value in a shared link is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or STATUS_OPEN,
            "kern": data.get("kern"),
            "age_group": data.get("age_group"),
            "overdue": bool(data.get("overdue")),
            "mine": bool(data.get("mine")),
        }

    @property
    def is_filtered(self):
        filters = self.filters()
        return any(value for key, value in filters.items() if key != "status")


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class AssignForm(forms.Form):
    prefix = "assign"

    assignee = ColleagueChoiceField(
        label=_("Colleague"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a colleague"),
        error_messages={
            "required": _("Choose a colleague."),
            "invalid_choice": _("Choose an opvolger of the handling organisation."),
        },
    )

    def __init__(self, *args, signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.active_members(Role.HANDLER, signal.handling_organisation_id)
            .order_by("full_name", "email")
        )


class LogContactForm(forms.Form):
    prefix = "contact"

    date = forms.DateField(
        label=_("Date of the contact"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date of the contact."), "invalid": _("Enter a valid date.")},
    )
    way = forms.ChoiceField(
        label=_("Way of contact"),
        choices=ContactWay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you had contact."), "invalid_choice": _("Choose a way of contact.")},
    )
    note = _note_field(help_text=_("Only what is needed to follow the signal up. The filer never sees it."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_date(self):
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date of the contact cannot be in the future."))
        return date


class InitiativeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        kernen = ", ".join(kern.name for kern in obj.kernen.all())
        return f"{obj.title} – {obj.organisation.name} ({obj.get_kind_display()}; {kernen or _('no villages')})"


class ReferForm(forms.Form):
    prefix = "refer"

    initiatives = InitiativeChoiceField(
        label=_("Initiatives"),
        queryset=Initiative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one initiative."),
            "invalid_choice": _("Refer only to active initiatives that accept referrals."),
            "invalid_pk_value": _("Refer only to active initiatives that accept referrals."),
        },
    )

    def __init__(self, *args, signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].queryset = (
            Initiative.objects.published()
            .filter(accepts_referrals=True)
            .exclude(referrals__signal=signal)
            .select_related("organisation")
            .prefetch_related("kernen")
            .order_by("title", "pk")
        )
        if signal.share_with_provider:
            self.fields["initiatives"].help_text = _(
                "The resident agreed to share their contact details: the provider receives their name and "
                "contact details with the referral."
            )
        else:
            self.fields["initiatives"].help_text = _(
                "The resident did not agree to share their contact details with a provider: the provider "
                "receives the referral without name or contact details."
            )


class CloseForm(forms.Form):
    prefix = "close"

    outcome = forms.ModelChoiceField(
        label=_("Outcome"),
        queryset=Outcome.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose an outcome."), "invalid_choice": _("Choose an outcome.")},
    )
    note = _note_field()

    def __init__(self, *args, signal, **kwargs):
        super().__init__(*args, **kwargs)
        if not signal.is_public:
            # Misuse is for public reports: a partner's staff member is known and accountable.
            self.fields["outcome"].queryset = self.fields["outcome"].queryset.exclude(code=MISUSE)


class ReopenForm(forms.Form):
    prefix = "reopen"

    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for reopening.")},
    )
