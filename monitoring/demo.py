"""Demo measurements: fictitious 2020 and 2024 figures for each target, clearly labelled.

Every observation made here has ``is_demo`` set and the source "Demo: fictieve meting",
and none is added where a real observation of the same target, year and village exists
(a real one stored later replaces it: ``services.remove_demo_duplicates``). Loading twice
adds nothing the second time.
"""

from decimal import Decimal

from coalition.models import Kern

from .models import Observation, Target

SOURCE = "Demo: fictieve meting"
NOTE = "Fictieve meting om te laten zien hoe de monitor werkt; geen echt cijfer."

# target code → year → (value %, 95% interval, respondents, left out), the whole municipality.
MUNICIPALITY = {
    "ernstig": {2020: ("7.6", "6.4", "9.0", 1480, 31), 2024: ("6.9", "5.8", "8.2", 1525, 28)},
    "jongeren": {2020: ("33.5", "29.4", "37.9", 470, 12), 2024: ("31.8", "27.8", "36.1", 488, 9)},
    "volwassenen": {2020: ("36.2", "33.6", "38.9", 1230, 25), 2024: ("33.9", "31.3", "36.6", 1262, 22)},
    "ouderen": {2020: ("42.8", "38.7", "47.0", 540, 19), 2024: ("39.7", "35.7", "43.8", 556, 17)},
}

# 2024 per village for a few villages: (value %, 95% interval, respondents, left out).
VILLAGES_2024 = {
    "naaldwijk": {"ouderen": ("41.2", "33.5", "49.4", 140, 4), "volwassenen": ("34.8", "29.6", "40.4", 301, 5)},
    "monster": {"ouderen": ("37.5", "28.6", "47.3", 96, 3), "volwassenen": ("32.1", "25.8", "39.1", 190, 4)},
    "de-lier": {"ouderen": ("40.3", "29.5", "52.1", 67, 2), "volwassenen": ("31.0", "23.8", "39.3", 142, 3)},
    "ter-heijde": {"ouderen": ("45.0", "25.8", "65.8", 20, 1)},
}


def _rows():
    for code, years in MUNICIPALITY.items():
        for year, figures in years.items():
            yield code, year, None, figures
    for kern, targets in VILLAGES_2024.items():
        for code, figures in targets.items():
            yield code, 2024, kern, figures


def load() -> int:
    """Add the demo measurements that are missing; returns how many were added."""
    targets = {target.code: target for target in Target.objects.all()}
    kernen = {kern.code: kern for kern in Kern.objects.all()}
    created = 0
    for code, year, kern_code, (value, low, high, respondents, left_out) in _rows():
        target, kern = targets.get(code), kernen.get(kern_code) if kern_code else None
        if target is None or (kern_code and kern is None):
            continue
        same_place = Observation.objects.filter(target=target, year=year, kern=kern)
        if same_place.real().exists():
            continue  # never beside a real measurement
        _observation, was_created = same_place.demo().get_or_create(
            target=target,
            year=year,
            kern=kern,
            is_demo=True,
            defaults={
                "value": Decimal(value),
                "ci_low": Decimal(low),
                "ci_high": Decimal(high),
                "respondents": respondents,
                "left_out": left_out,
                "source": SOURCE,
                "note": NOTE,
            },
        )
        created += was_created
    return created
