from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Frequency, InitiativeKind, InitiativeStatus
from .models import AgeGroup, Domain, Initiative, Invitation, Kern, Organisation, ReachCount, ReachReport


class OrganisationForm(forms.ModelForm):
    domain = forms.ModelChoiceField(
        queryset=Domain.objects.active(), label=_("Domain"), empty_label=_("Choose a domain")
    )
    kernen = forms.ModelMultipleChoiceField(
        queryset=Kern.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Villages served"),
        error_messages={"required": _("Choose at least one village.")},
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "domain",
            "kernen",
            "description",
            "contribution",
            "website",
            "public_email",
            "public_phone",
            "kvk_number",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "contribution": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {"unique": _("An organisation with this name is already registered.")},
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicate = Organisation.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(_("An organisation with this name is already registered."))
        return name

    def clean_kvk_number(self):
        return self.cleaned_data["kvk_number"].replace(" ", "")


class DecisionForm(forms.Form):
    """An officer's decision on an organisation."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("deactivate", _("Deactivate"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting or deactivating; the coordinators receive it by e-mail."),
        max_length=2000,
    )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles


class InitiativeForm(forms.ModelForm):
    age_groups = forms.ModelMultipleChoiceField(
        queryset=AgeGroup.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Age groups"),
        error_messages={"required": _("Choose at least one age group.")},
    )
    kernen = forms.ModelMultipleChoiceField(
        queryset=Kern.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Villages"),
        error_messages={"required": _("Choose at least one village.")},
    )

    class Meta:
        model = Initiative
        fields = Initiative.EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "status": forms.RadioSelect,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio lists without Django's empty "---------" choice.
        self.fields["kind"].choices = InitiativeKind.choices
        self.fields["frequency"].choices = Frequency.choices
        self.fields["status"].choices = InitiativeStatus.choices

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_online") and not (cleaned.get("address") or "").strip():
            self.add_error("address", _("Give an address, or tick that the initiative takes place online or by phone."))
        if cleaned.get("is_free"):
            cleaned["cost"] = None
        elif cleaned.get("cost") is None and "cost" not in self.errors:
            self.add_error("cost", _("Give the cost, or tick that the initiative is free of charge."))
        if not (cleaned.get("contact_email") or cleaned.get("contact_phone")):
            self.add_error("contact_email", _("Give an e-mail address or a phone number, so people can get in touch."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


class ReachReportForm(forms.ModelForm):
    """One quarter's reach; the participants per age group are parts of the total."""

    class Meta:
        model = ReachReport
        fields = ReachReport.FIGURES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.age_groups = list(AgeGroup.objects.active().exclude(code="onbekend"))
        existing = {}
        if self.instance.pk:
            existing = {c.age_group_id: c.participants for c in self.instance.counts.all()}
        for group in self.age_groups:
            self.fields[f"age_{group.code}"] = forms.IntegerField(
                label=_("of whom %(group)s") % {"group": group.name},
                min_value=0,
                required=False,
                initial=existing.get(group.pk),
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("inputmode", "numeric")
            field.error_messages["min_value"] = _("Enter 0 or more.")

    def clean(self):
        cleaned = super().clean()
        total = cleaned.get("participants")
        if total is None:
            return cleaned
        if (cleaned.get("new_participants") or 0) > total:
            self.add_error("new_participants", _("New participants cannot be more than the total."))
        parts = sum(cleaned.get(f"age_{g.code}") or 0 for g in self.age_groups)
        if parts > total:
            self.add_error(
                None,
                _("The participants per age group add up to %(parts)s, more than the total of %(total)s.")
                % {"parts": parts, "total": total},
            )
        return cleaned

    def save_counts(self, report):
        for group in self.age_groups:
            value = self.cleaned_data.get(f"age_{group.code}")
            if value is None:
                ReachCount.objects.filter(report=report, age_group=group).delete()
            else:
                ReachCount.objects.update_or_create(report=report, age_group=group, defaults={"participants": value})
