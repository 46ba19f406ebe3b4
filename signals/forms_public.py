"""The public intake (/signaal-doorgeven/): three small forms, one per step, and the
hidden part that travels along (submission token, start time, honeypot).

Nothing is stored until the last step is sent: the answers of earlier steps travel in
the page as hidden fields and every step validates them again."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from coalition.models import AgeGroup, Kern, phone_validator

from .forms import NOTE_MAX_LENGTH
from .models import ObservedSign

ABOUT_OTHER = "ander"
ABOUT_SELF = "zelf"
STARTED_SALT = "signals.intake.started"
WHEREABOUTS_MAX_LENGTH = 300


def started_token(submission_token: str, at: float | None = None) -> str:
    """The signed moment at which one form was opened, bound to that form's submission
    token: the server keeps nothing, and a token serves only the report of its own form
    (the submission token is unique per stored report)."""
    return signing.dumps({"form": submission_token, "at": at if at is not None else time.time()}, salt=STARTED_SALT)


def seconds_since(token: str, submission_token: str) -> float | None:
    """Seconds since this form was opened, or None when the token is not one of ours,
    belongs to another form, or is older than PUBLIC_INTAKE_MAX_AGE_SECONDS."""
    try:
        value = signing.loads(token, salt=STARTED_SALT)
        started = float(value["at"]) if value["form"] == submission_token else None
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        return None
    if started is None or time.time() - started > settings.PUBLIC_INTAKE_MAX_AGE_SECONDS:
        return None
    return time.time() - started


class IntakeMetaForm(forms.Form):
    """What travels with every step and is never typed by a person."""

    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)
    started = forms.CharField(widget=forms.HiddenInput, max_length=200)
    # The honeypot: hidden from people (and from screen readers) by CSS, filled by bots. Its
    # name is one that browsers and password managers do not fill in by themselves.
    referentie = forms.CharField(
        required=False,
        max_length=200,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("referentie"))

    def without_honeypot(self):
        """The same hidden values with the honeypot empty, for showing the page again."""
        return IntakeMetaForm(initial={name: self.cleaned_data[name] for name in ("submission_token", "started")})

    def seconds_open(self) -> float | None:
        """How long this form has been open; None when its start time does not hold."""
        return seconds_since(self.cleaned_data["started"], self.cleaned_data["submission_token"])


class AboutForm(forms.Form):
    """Step 1: who is it about?"""

    prefix = "wie"
    title = _("Who is it about?")

    about = forms.ChoiceField(
        choices=[
            (ABOUT_OTHER, _("Someone else: I am worried about someone")),
            (ABOUT_SELF, _("Myself: I would like more contact with other people")),
        ],
        widget=forms.RadioSelect,
        label=_("Who is it about?"),
        error_messages={
            "required": _("Choose whether it is about someone else or about yourself."),
            "invalid_choice": _("Choose whether it is about someone else or about yourself."),
        },
    )


class ConcernForm(forms.Form):
    """Step 2: what worries you, and who and where the resident is (roughly)."""

    prefix = "zorg"
    title = _("What worries you?")

    signs = forms.ModelMultipleChoiceField(
        queryset=ObservedSign.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick everything that applies."),
        error_messages={"invalid_choice": _("Choose from the list."), "invalid_pk_value": _("Choose from the list.")},
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "autocapitalize": "sentences"}),
        error_messages={"max_length": _("Keep it to at most 1000 characters (it has %(show_value)d).")},
    )
    age_group = forms.ModelChoiceField(
        queryset=AgeGroup.objects.active(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose an age group; choose “unknown” if you are not sure."),
            "invalid_choice": _("Choose an age group from the list."),
        },
    )
    kern = forms.ModelChoiceField(
        queryset=Kern.objects.active(),
        empty_label=_("Choose a village"),
        error_messages={
            "required": _("Choose the village."),
            "invalid_choice": _("Choose a village from the list."),
        },
    )
    resident_whereabouts = forms.CharField(
        label=_("Where does this person live?"),
        required=False,
        max_length=WHEREABOUTS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_(
            "An address, or a description such as “the flat above the bakery”, so that a professional "
            "can drop by. At most 300 characters."
        ),
        error_messages={"max_length": _("Keep it to at most 300 characters (it has %(show_value)d).")},
    )

    def __init__(self, *args, about_self: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        self.about_self = about_self
        if about_self:
            # About yourself there is nothing to describe: the Signaalpunt contacts you.
            self.title = _("What is going on?")
            del fields["resident_whereabouts"]
            fields["signs"].label = _("What applies to you?")
            fields["note"].label = _("Tell us in a few words what you would like")
            fields["note"].help_text = _(
                "For example: “I would like to go for a walk with someone now and then.” At most 1000 characters."
            )
            fields["age_group"].label = _("How old are you?")
            fields["kern"].label = _("Village where you live")
        else:
            fields["signs"].label = _("What have you noticed?")
            fields["note"].label = _("What worries you?")
            fields["note"].help_text = _("What did you see or hear? At most 1000 characters.")
            fields["age_group"].label = _("About how old is this person?")
            fields["kern"].label = _("Village where this person lives")

    def clean(self):
        cleaned = super().clean()
        said_nothing = not cleaned.get("signs") and not cleaned.get("note", "").strip()
        if not self.about_self and said_nothing and not {"note", "signs"} & set(self.errors):
            self.add_error("note", _("Tick what you noticed, or write in a few words what worries you."))
        return cleaned


class ContactForm(forms.Form):
    """Step 3: how the Signaalpunt can reach the reporter."""

    prefix = "contact"
    title = _("How can we reach you?")
    # Phone and e-mail are each optional but one of them is needed: the page says so.
    hide_optional = True

    reporter_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
        error_messages={"required": _("Give your name, so the Signaalpunt knows whom to ask for.")},
    )
    reporter_phone = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=30,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "off", "spellcheck": "false"}),
        help_text=_("You receive a confirmation without any details of what you reported."),
        error_messages={"invalid": _("Enter an e-mail address, for example name@example.nl.")},
    )
    share_with_provider = forms.BooleanField(
        label=_("The organiser of an activity may receive my name and contact details"),
        required=False,
        help_text=_("Optional. Then the organiser can contact you directly."),
    )

    def __init__(self, *args, about_self: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not about_self:
            # The reporter's details go to the Signaalpunt only, never to a provider.
            del self.fields["share_with_provider"]

    def clean(self):
        cleaned = super().clean()
        given = [cleaned.get(name, "").strip() for name in ("reporter_phone", "reporter_email")]
        invalid = any(name in self.errors for name in ("reporter_phone", "reporter_email"))
        if not any(given) and not invalid:
            self.add_error(
                "reporter_phone", _("Give a phone number or an e-mail address, so the Signaalpunt can reach you.")
            )
        return cleaned


STEPS = [AboutForm, ConcernForm, ContactForm]
