import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from coalition.models import Kern
from common.uploads import check_upload_size, max_upload_size, upload_help_text

from .models import FIRST_SURVEY_YEAR, Observation, Target
from .services.observations import EDITABLE_FIELDS


def survey_max_upload_size() -> int:
    """PORTAL_MAX_UPLOAD_MB; a survey of 20,000 respondents is about 1 MB."""
    return max_upload_size()


class ObservationForm(forms.ModelForm):
    """An officer adds or corrects a measurement; every change is kept in its history."""

    target = forms.ModelChoiceField(queryset=Target.objects.all(), label=_("Target"), empty_label=_("Choose a target"))
    kern = forms.ModelChoiceField(
        queryset=Kern.objects.active(),
        label=_("Village"),
        required=False,
        empty_label=_("The whole municipality"),
        help_text=_("Leave empty for a figure about the whole municipality."),
    )

    class Meta:
        model = Observation
        fields = EDITABLE_FIELDS
        labels = {
            "year": _("Year"),
            "value": _("Share (%)"),
            "ci_low": _("95% interval, lower bound (%)"),
            "ci_high": _("95% interval, upper bound (%)"),
            "respondents": _("Respondents counted"),
            "left_out": _("Respondents left out"),
            "source": _("Source"),
            "note": _("Note"),
        }
        help_texts = {
            "value": _("The share of the target's population, e.g. 8.4 for 8.4%."),
            "respondents": _("Respondents whose answers count in the share."),
            "left_out": _("Respondents of the population left out because they did not answer every item."),
            "source": _("Who measured it, and where it is published."),
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"min": FIRST_SURVEY_YEAR, "max": datetime.date.today().year})
        if self.instance.pk and self.instance.kern_id and not self.instance.kern.is_active:
            self.fields["kern"].queryset = Kern.objects.filter(is_active=True) | Kern.objects.filter(
                pk=self.instance.kern_id
            )

    def clean_source(self):
        return self.cleaned_data["source"].strip()

    # The rules of a measurement (interval, year, not twice) are Observation.clean(),
    # which the model form runs and shows beside the fields; services.save_observation saves.


class SurveyUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the survey"))
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Who held the survey, and which one; e.g. “GGD Haaglanden, Gezondheidsmonitor 2024”."),
    )
    file = forms.FileField(
        label=_("Survey file (CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.IntegerField(
            label=self.fields["year"].label, min_value=FIRST_SURVEY_YEAR, max_value=datetime.date.today().year
        )
        self.fields["file"].help_text = upload_help_text()

    def clean_source(self):
        return self.cleaned_data["source"].strip()

    def clean_file(self):
        return check_upload_size(self.cleaned_data["file"])
