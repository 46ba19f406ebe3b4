"""Forms of the public pages. The social map's filters travel in the URL (a GET form),
so that a search can be bookmarked and shared; choices are named by their codes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import code_filter

from .constants import InitiativeKind
from .models import AgeGroup, Domain, Kern


class InitiativeFilterForm(forms.Form):
    # Every filter is optional: saying so beside each one is clutter.
    hide_optional = True

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Words from the title, the description or the organisation's name."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kern = code_filter(label=_("Village"), queryset=Kern.objects.active(), empty_label=_("All villages"))
    age_group = code_filter(label=_("Age group"), queryset=AgeGroup.objects.active(), empty_label=_("All age groups"))
    kind = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=[("", _("All kinds")), *InitiativeKind.choices],
        required=False,
    )
    domain = code_filter(
        label=_("Domain of the organisation"), queryset=Domain.objects.active(), empty_label=_("All domains")
    )
    free = forms.BooleanField(label=_("free of charge"), required=False)
    referrals = forms.BooleanField(label=_("open to referrals"), required=False)

    def filters(self) -> dict:
        """Keyword arguments for :func:`coalition.selectors.search_initiatives`.

        A value that does not validate (an unknown village code in an old link) is
        left out rather than emptying the map; the field shows its error.
        """
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "text": (data.get("q") or "").strip(),
            "kern": data.get("kern"),
            "age_group": data.get("age_group"),
            "kind": data.get("kind") or "",
            "domain": data.get("domain"),
            "free_only": bool(data.get("free")),
            "accepts_referrals": bool(data.get("referrals")),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().values())
