import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import scoring

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
FIRST_SURVEY_YEAR = 1990


class Scale(models.IntegerChoices):
    """Which version of the De Jong Gierveld scale a survey used (the number of items)."""

    FULL = 11, _("11 items")
    SHORT = 6, _("6 items (short scale)")


class Answer(models.IntegerChoices):
    # The answers as the questionnaire words them: the same in every language.
    NO = scoring.NO, "nee"
    MORE_OR_LESS = scoring.MORE_OR_LESS, "min of meer"
    YES = scoring.YES, "ja"


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


class Survey(models.Model):
    """One imported De Jong Gierveld survey file; its results are stored as observations."""

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=300)
    scale = models.PositiveSmallIntegerField(_("scale"), choices=Scale.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.year}: {self.source}"


def _answer_field(item):
    return models.PositiveSmallIntegerField(f"djg{item}", choices=Answer.choices, null=True, blank=True)


class SurveyResponse(models.Model):
    """One anonymous response, kept for later analysis.

    Never a respondent's id, name or anything else that points at a person: the scale
    describes groups (docs/design.md). Items the survey did not ask (the short scale) and
    items left unanswered are empty.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    age = models.PositiveSmallIntegerField(_("age"))
    kern = models.ForeignKey(
        "coalition.Kern",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    weight = models.FloatField(_("weight"), default=1.0)
    djg1 = _answer_field(1)
    djg2 = _answer_field(2)
    djg3 = _answer_field(3)
    djg4 = _answer_field(4)
    djg5 = _answer_field(5)
    djg6 = _answer_field(6)
    djg7 = _answer_field(7)
    djg8 = _answer_field(8)
    djg9 = _answer_field(9)
    djg10 = _answer_field(10)
    djg11 = _answer_field(11)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="survey_response_weight_positive"),
        ]

    def __str__(self):
        return f"{self.survey_id}/{self.pk}"

    @property
    def answers(self) -> dict[int, int | None]:
        return {item: getattr(self, f"djg{item}") for item in scoring.FULL_SCALE}


class ObservationQuerySet(models.QuerySet):
    def real(self):
        return self.filter(is_demo=False)

    def demo(self):
        return self.filter(is_demo=True)


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
    survey = models.ForeignKey(
        Survey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("survey"),
        help_text=_("The imported survey this figure was computed from."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

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

    def clean(self):
        """The rules of a measurement, for the officers' form, the admin and the spreadsheet
        import alike (each shows these errors beside the field they name)."""
        errors = {}
        value, low, high = (
            v if isinstance(v, Decimal | int) else None for v in (self.value, self.ci_low, self.ci_high)
        )
        if value is not None and low is not None and low > value:
            errors["ci_low"] = _("The lower bound cannot be above the share.")
        if value is not None and high is not None and high < value:
            errors["ci_high"] = _("The upper bound cannot be below the share.")
        if (self.ci_low is None) != (self.ci_high is None) and not errors:
            errors["ci_high" if self.ci_high is None else "ci_low"] = _("Give both bounds of the interval, or neither.")
        this_year = datetime.date.today().year
        if isinstance(self.year, int) and not FIRST_SURVEY_YEAR <= self.year <= this_year:
            errors["year"] = _("Give a year from %(first)s to %(last)s.") % {
                "first": FIRST_SURVEY_YEAR,
                "last": this_year,
            }
        if isinstance(self.source, str):
            self.source = self.source.strip()
        if self.target_id and self.year and self.source and not errors and not self.is_demo:
            duplicate = Observation.objects.real().filter(
                target_id=self.target_id, year=self.year, kern_id=self.kern_id, source=self.source
            )
            if duplicate.exclude(pk=self.pk).exists():
                errors["source"] = _(
                    "There is already an observation of this target for this year, village and source: "
                    "correct that one instead."
                )
        if errors:
            raise ValidationError(errors)


class ObservationChange(models.Model):
    """Append-only history of an observation: who entered or corrected which fields when."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, help_text="field name → [old, new]")

    class Meta:
        verbose_name = _("observation change")
        verbose_name_plural = _("observation changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.observation_id} @ {self.changed_at:%Y-%m-%d %H:%M}"
