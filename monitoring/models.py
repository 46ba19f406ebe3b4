from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Target(models.Model):
    """A 2028 target of the programme: a share of a population, lower is better."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    population = models.CharField(_("population"), max_length=100)
    min_age = models.PositiveSmallIntegerField(_("minimum age"))
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    indicator = models.CharField(_("indicator"), max_length=200)
    score_min = models.PositiveSmallIntegerField(
        _("lowest De Jong Gierveld score counted"), validators=[MaxValueValidator(11)]
    )
    score_max = models.PositiveSmallIntegerField(
        _("highest De Jong Gierveld score counted"), validators=[MaxValueValidator(11)]
    )
    baseline_value = models.DecimalField(_("baseline (%)"), max_digits=5, decimal_places=1, validators=PERCENT)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_note = models.CharField(_("note on the baseline"), max_length=300, blank=True)
    target_value = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=1, validators=PERCENT)
    target_year = models.PositiveSmallIntegerField(_("target year"), default=2028)
    source = models.CharField(_("source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score_min__lte=models.F("score_max")), name="target_score_range"),
        ]

    def __str__(self):
        return self.title


class Observation(models.Model):
    """A measured share for a target in one year, always with its source."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="observations", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"))
    kern = models.ForeignKey(
        "coalition.Kern",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("village"),
        help_text=_("Empty for the whole municipality."),
    )
    value = models.DecimalField(_("value (%)"), max_digits=5, decimal_places=1, validators=PERCENT)
    ci_low = models.DecimalField(
        _("95% interval, lower bound"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    ci_high = models.DecimalField(
        _("95% interval, upper bound"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    left_out = models.PositiveIntegerField(_("respondents left out"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["target", "year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ci_low__isnull=True) | models.Q(ci_low__lte=models.F("value")),
                name="observation_ci_low_below_value",
            ),
            models.CheckConstraint(
                condition=models.Q(ci_high__isnull=True) | models.Q(ci_high__gte=models.F("value")),
                name="observation_ci_high_above_value",
            ),
        ]

    def __str__(self):
        return f"{self.target.code} {self.year}: {self.value}%"
